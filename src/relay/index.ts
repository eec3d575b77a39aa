/** What other folders may use from `relay/`: the vertical STUN server, the relay's sans-I/O cores and its driver. */
export {
  OPENDDS_UNDERSTOOD_ATTRIBUTES, STUN_RESPONDER_REASONS, StunResponder,
  type StunResponderDeps, type StunResponderEvent, type StunResponderStats,
} from './stun-responder.js';
export { StunServer, type StunServerEvents, type StunServerOptions } from './stun-server.js';
export {
  addressKey, DEFAULT_GUID_ADDR_SET_INIT, GuidAddrSet, RELAY_PORT_TYPES,
  type ActivityResult, type AdmissionResult, type GuidAddrSetDeps, type GuidAddrSetEvent, type GuidAddrSetInit,
  type GuidAddrSetStats, type RelayPortType,
} from './guid-addr-set.js';
export { DEFAULT_PARTITION_TABLE_INIT, PartitionTable, type PartitionTableInit } from './partition-table.js';
export {
  DEFAULT_VERTICAL_ROUTER_INIT, parseRoutingInfo, VERTICAL_DROP_REASONS, VerticalRouter,
  type VerticalDropReason, type VerticalRouterDeps, type VerticalRouterInit, type VerticalRouterStats, type VerticalTransmit,
} from './vertical-router.js';
export { DEFAULT_RELAY_VERTICAL_PORT, RelayServer, type RelayServerEvents, type RelayServerOptions } from './relay-server.js';
export {
  DEFAULT_RELAY_APPLICATION_DOMAIN, RelayApplicationParticipant, type RelayApplicationParticipantEvents,
  type RelayApplicationParticipantOptions,
} from './application-participant.js';
