/**
 * What other folders may use from `discovery/` (STYLE.md rule 2): the sans-I/O SPDP and SEDP cores,
 * endpoint matching, and the ICE intents discovery hands to the ICE driver (spec §2.5).
 */

// spdp.ts
export type { SpdpChange, SpdpDeps, SpdpDropReason, SpdpEvent, SpdpInit, SpdpLocators, SpdpTransmit } from './spdp.js';
export { DEFAULT_SPDP_INIT, SpdpCore } from './spdp.js';

// sedp.ts
export type {
  LocalEndpointInit, LocalEndpointUpdate, RemoteEndpointData, SedpDeps, SedpEvent, SedpInit, SedpTransmit, UnmatchReason,
} from './sedp.js';
export { DEFAULT_SEDP_INIT, SedpCore } from './sedp.js';

// matching.ts
export type { IncompatiblePolicy, MatchResult, MatchSide } from './matching.js';
export { fnmatch, isPartitionPattern, matchEndpoints, partitionsMatch } from './matching.js';

// ice-intent.ts
export type { IceEndpointKey, IceIntent } from './ice-intent.js';
export { iceAgentInfoEquals, peerKeyOf } from './ice-intent.js';

// builtin-endpoints.ts
export { BuiltinEndpointBits, DEFAULT_BUILTIN_ENDPOINTS, SecureEntityIds, sedpEndpointPairings } from './builtin-endpoints.js';

// receive.ts
export type { ReceiveContext } from './receive.js';
export { forEachAddressedSubmessage, keyHashOf, STATUS_INFO_DISPOSED, STATUS_INFO_UNREGISTERED, statusInfoOf } from './receive.js';
