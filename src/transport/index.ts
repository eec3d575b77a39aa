/** What other folders may use from `transport/`: real UDP sockets and timers behind the datagram I/O seam. */
export {
  BindError, DEFAULT_UDP_NETWORK_INIT, nodeAddress, UdpNetwork, UdpNetworkClosedError, UdpSocket,
  type UdpNetworkDeps, type UdpNetworkInit, type UdpSocketStats,
} from './udp-network.js';
export { RealTimerService, type RealTimerDeps, type RealTimerInit } from './real-timers.js';
export { IceDriver, IceDriverError, type IceDriverDeps, type IceDriverEndpointInit, type IceDriverEvents, type IceDriverStats } from './ice-driver.js';
