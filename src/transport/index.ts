/** What other folders may use from `transport/`: real UDP sockets and timers behind the datagram I/O seam. */
export {
  BindError, DEFAULT_UDP_NETWORK_INIT, nodeAddress, UdpNetwork, UdpNetworkClosedError, UdpSocket,
  type UdpNetworkDeps, type UdpNetworkInit, type UdpSocketStats,
} from './udp-network.js';
export { RealTimerService, type RealTimerDeps, type RealTimerInit } from './real-timers.js';
export { IceDriver, IceDriverError, type IceDriverDeps, type IceDriverEndpointInit, type IceDriverEvents, type IceDriverStats } from './ice-driver.js';
export { DEFAULT_PORT_MAPPING, DEFAULT_DATA_MULTICAST_GROUP, DEFAULT_SPDP_MULTICAST_GROUP, rtpsPort, spdpUnicastPortCandidates, type PortKind, type PortMappingInit } from './port-mapping.js';
export { receiveRtpsMessage, type ReceiveOptions, type ReceiveResult, type ReceiverContext, type ReceiverVisitor } from './message-receiver.js';
export {
  channelOfEntity, NO_TRANSPORT_DROPS, TRANSPORT_CHANNELS, type EndpointHandler, type LocalEndpointInit, type RemoteParticipantInit,
  type ScheduledCore, type Transport, type TransportChannel, type TransportDropReason, type TransportLocators, type TransportStats,
} from './transport.js';
export { TransportError } from './transport-engine.js';
export {
  DEFAULT_RTPS_UDP_TRANSPORT_INIT, isMulticastNetwork, RtpsUdpTransport, type MulticastNetwork, type PerChannel, type RtpsUdpTransportDeps,
  type RtpsUdpTransportEvents, type RtpsUdpTransportInit,
} from './rtps-transport.js';
export { InMemoryBus, InMemoryTransport, type InMemoryBusInit, type InMemoryTransportDeps } from './in-memory-transport.js';
export { selectAddresses, type AddressSelectionInput, type AddressSelectionRule } from './address-selection.js';
export { DtlsClientNetwork, DtlsServerNetwork, DtlsSocket, type DtlsMode, type DtlsOptions, type DtlsStats, type DtlsTrust } from './dtls-network.js';
export {
  DATA_RELAY_KEEPALIVE_INIT, DEFAULT_RELAY_KEEPALIVE_INIT, encodeRelayKeepalive, RelayKeepalive, SPDP_RELAY_KEEPALIVE_INIT,
  type RelayKeepaliveDeps, type RelayKeepaliveEvent, type RelayKeepaliveInit, type RelayKeepaliveStats, type RelayKeepaliveTarget,
  type RelayKeepaliveTransmit,
} from './relay-keepalive.js';
