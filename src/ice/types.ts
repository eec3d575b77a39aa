/**
 * The ICE agent's domain types, collaborators and events (STYLE.md rules 3, 9, 12). The agent-info
 * types are `util/ice-agent-info.ts`'s, shared with `rtps/` so discovery hands them through unmapped.
 */
import type { TransportAddress } from '../util/address.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { TurnError } from '../turn/index.js';

export type { IceAgentInfo, IceCandidateInfo, IceCandidateKind } from '../util/ice-agent-info.js';
import type { IceAgentInfo, IceCandidateInfo } from '../util/ice-agent-info.js';

/** A local candidate with its base (RFC 8445 §5.1.1.1). */
export interface LocalCandidate extends IceCandidateInfo {
  readonly base: TransportAddress;
}

/**
 * How the role toward a remote is decided. `opendds-username`: controlling when the local username
 * sorts before the remote's and role conflicts are never resolved (spec §5.5; what OpenDDS peers
 * need). `rfc8445`: same initial role unless given, plus 487 role-conflict resolution with
 * tie-breakers (RFC 8445 §7.3.1.1, §7.2.5.1) for werift/aioice/libnice/pion peers.
 */
export type RoleRule = 'opendds-username' | 'rfc8445';

/** Per-remote options of {@link IceAgent.startIce}. */
export interface IceRemoteOptions {
  /** Default `opendds-username`. */
  readonly roleRule?: RoleRule;
  /** Initial role under `rfc8445` (default: by username order, as OpenDDS). Ignored under `opendds-username`. */
  readonly initialRole?: 'controlling' | 'controlled';
}

/** One datagram to send from the local base `from` of endpoint `endpointId`. `bytes` may be a view into a shared slab. */
export interface IceTransmit {
  readonly endpointId: string;
  readonly from: TransportAddress;
  readonly to: TransportAddress;
  readonly bytes: Uint8Array;
}

/** Collaborators of the sans-I/O agent (STYLE.md rule 3). */
export interface IceAgentDeps {
  readonly clock: Clock;
  /** Fire-and-forget; must not re-enter the agent. */
  readonly send: (t: IceTransmit) => void;
  readonly emit: (e: IceAgentEvent) => void;
  /** Cryptographically random bytes in production; a seeded PRNG in tests. */
  readonly randomBytes: (n: number) => Uint8Array;
  readonly log: Logger;
}

/** Why a checklist gave up. */
export type IceFailureReason = 'all-pairs-failed' | 'timeout' | 'no-pairs';
/** Why a selected pair stopped being usable. */
export type IceDisconnectReason = 'nominated-ttl' | 'consent-expired' | 'restarted';
/** Why the local agent info changed. */
export type LocalInfoChangeReason = 'password-rotation' | 'restart' | 'username-collision' | 'server-reflexive' | 'host-addresses' | 'relayed';

/** Events of the agent (STYLE.md rule 12). `peerKeys` are the discovery-level pair ids sharing the checklist. */
export type IceAgentEvent =
  | { readonly type: 'local-info-changed'; readonly endpointId: string; readonly info: IceAgentInfo; readonly reason: LocalInfoChangeReason }
  | {
    readonly type: 'selected'; readonly endpointId: string; readonly remoteUsername: string; readonly peerKeys: readonly string[];
    readonly localCandidate: LocalCandidate; readonly remoteAddress: TransportAddress; readonly role: 'controlling' | 'controlled';
  }
  | {
    readonly type: 'disconnected'; readonly endpointId: string; readonly remoteUsername: string; readonly peerKeys: readonly string[];
    readonly reason: IceDisconnectReason;
  }
  | {
    readonly type: 'reconnected'; readonly endpointId: string; readonly remoteUsername: string; readonly peerKeys: readonly string[];
    readonly remoteAddress: TransportAddress;
  }
  | {
    readonly type: 'failed'; readonly endpointId: string; readonly remoteUsername: string; readonly peerKeys: readonly string[];
    readonly reason: IceFailureReason;
  }
  | {
    /** A TURN allocation failed or was lost (wrong credentials, timeout, …): the endpoint has no relayed candidate from it. */
    readonly type: 'turn-failed'; readonly endpointId: string; readonly server: TransportAddress; readonly error: TurnError;
  }
  | {
    readonly type: 'role-changed'; readonly endpointId: string; readonly remoteUsername: string;
    readonly role: 'controlling' | 'controlled'; readonly cause: 'role-conflict-request' | 'role-conflict-response' | 'remote-lite';
  };

/** The selected pair of a checklist as the transport needs it. */
export interface SelectedPath {
  readonly localBase: TransportAddress;
  readonly localCandidate: LocalCandidate;
  readonly remoteAddress: TransportAddress;
}
