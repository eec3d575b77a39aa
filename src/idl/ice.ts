/**
 * OpenDDS's ICE discovery structs (`dds/DCPS/RTPS/RtpsCore.idl`; spec/opendds-ice-and-rtpsrelay.md
 * §2.1), verbatim: the field order is the wire order.
 */
import type { Locator_t } from './rtps-core.js';

/** `typedef unsigned long IceAgentType_t`. */
export type IceAgentType_t = number;
export const ICE_FULL = 0;
export const ICE_LITE = 1;

/** `typedef unsigned long IceCandidateType_t`. */
export type IceCandidateType_t = number;
export const ICE_HOST = 0;
export const ICE_SERVER_REFLEXIVE = 1;
export const ICE_PEER_REFLEXIVE = 2;
export const ICE_RELAYED = 3;

/** Value of PID_OPENDDS_ICE_GENERAL (0xB003). */
export interface IceGeneral_t {
  readonly key: string;
  readonly agent_type: IceAgentType_t;
  readonly username: string;
  readonly password: string;
}

/** Value of PID_OPENDDS_ICE_CANDIDATE (0xB004). The candidate's base is not sent. */
export interface IceCandidate_t {
  readonly key: string;
  readonly locator: Locator_t;
  readonly foundation: string;
  readonly priority: number;
  readonly type: IceCandidateType_t;
}
