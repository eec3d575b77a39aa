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
  DEFAULT_VERTICAL_ROUTER_INIT, parseRoutingInfo, UDP_MAX_MESSAGE_SIZE, VERTICAL_DROP_REASONS, VerticalRouter,
  type HorizontalTransmit, type RoutingInfo, type VerticalDropReason, type VerticalRouterDeps, type VerticalRouterInit, type VerticalRouterStats, type VerticalTransmit,
} from './vertical-router.js';
export {
  DEFAULT_RELAY_HORIZONTAL_PORT, DEFAULT_RELAY_VERTICAL_PORT, RelayServer,
  type RelayHorizontalOptions, type RelayServerEvents, type RelayServerOptions,
} from './relay-server.js';
export {
  AdmissionControl, DEFAULT_ADMISSION_CONTROL_INIT,
  type AdmissionControlInit, type AdmitState, type AdmittingState, type DrainState,
} from './admission-control.js';
export { decodeHorizontalDatagram, encodeHorizontalDatagram, RELAY_HEADER_RULES, type HorizontalDatagram, type RelayHeader } from './relay-header.js';
export {
  HORIZONTAL_HANDLER_NAMES, portTypeOfHandlerName, RelayPartitionTable, type RemoteRelay,
} from './relay-partition-table.js';
export {
  HORIZONTAL_DROP_REASONS, HorizontalRouter,
  type HorizontalDropReason, type HorizontalRouterDeps, type HorizontalRouterStats,
} from './horizontal-router.js';
export { RelayDomain, type RelayDomainOptions, type RelayDomainStats } from './relay-domain.js';
export { RejectedAddresses } from './rejected-addresses.js';
export { prefixKey, type PrefixKey } from './relay-keys.js';
export {
  MAX_SLOT_SIZE, RELAY_ADDRESS_TYPE, RELAY_ADDRESSES_TOPIC, RELAY_IDL, RELAY_PARTITIONS_TOPIC, RELAY_PARTITIONS_TYPE,
} from './relay-idl.js';
export { MetaDiscoveryServer, type MetaDiscoveryOptions, type MetaDiscoveryStats } from './meta-discovery-http.js';
export { TurnServer, type TurnServerOptions } from './turn-server.js';
export {
  DEFAULT_RELAY_APPLICATION_DOMAIN, RelayApplicationParticipant, type RelayApplicationParticipantEvents,
  type RelayApplicationParticipantOptions,
} from './application-participant.js';
