/**
 * The ICE agent info that discovery carries for one ICE endpoint (OpenDDS `dds/DCPS/Ice.h`
 * `AgentInfo`, spec/opendds-ice-and-rtpsrelay.md §2.1), in domain form. Defined once here because
 * both `rtps/` (which maps it to IceGeneral_t / IceCandidate_t) and `ice/` (which runs checks with
 * it) use it and neither may import the other (STYLE.md rule 1).
 */
import type { TransportAddress } from './address.js';

/** Candidate types (RFC 8445 §5.1.1; OpenDDS `IceCandidateType_t`). */
export type IceCandidateKind = 'host' | 'server-reflexive' | 'peer-reflexive' | 'relayed';

/** One advertised candidate; its base is not sent (OpenDDS `Ice.h` "Not sent"). */
export interface IceCandidateInfo {
  readonly address: TransportAddress;
  readonly foundation: string;
  readonly priority: number;
  readonly type: IceCandidateKind;
}

/** What discovery carries for one ICE endpoint. */
export interface IceAgentInfo {
  readonly type: 'full' | 'lite';
  /** Username fragment: 32 lower-case hex characters in OpenDDS and here. */
  readonly username: string;
  readonly password: string;
  readonly candidates: readonly IceCandidateInfo[];
}
