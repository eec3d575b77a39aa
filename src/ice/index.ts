/**
 * What other folders may use from `ice/`: the sans-I/O ICE agent core, its configuration,
 * domain types and events (spec/opendds-ice-and-rtpsrelay.md §4–§5, RFC 8445).
 */
export { IceAgent, type ChecklistSnapshot, type IceEndpointInit } from './agent.js';
export { DEFAULT_ICE_CONFIG, OPENDDS_ICE_KEYS, resolveIceConfig, type IceConfig, type IceConfigInit, type IceTurnServer } from './config.js';
export type { RelayedInput } from './relayed.js';
export {
  candidatePriority, hostFoundation, localPeerReflexiveFoundation, localPreference, pairPriority, relayedFoundation, remotePeerReflexiveFoundation,
  serverReflexiveFoundation, TYPE_PREFERENCE,
} from './priority.js';
export { REJECT, UNDERSTOOD_ATTRIBUTES } from './request-validation.js';
export type {
  IceAgentDeps, IceAgentEvent, IceAgentInfo, IceCandidateInfo, IceCandidateKind, IceDisconnectReason, IceFailureReason,
  IceRemoteOptions, IceTransmit, LocalCandidate, LocalInfoChangeReason, RoleRule, SelectedPath,
} from './types.js';
export type { PairFailureReason, PairState } from './candidate-pair.js';
