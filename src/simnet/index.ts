/**
 * `simnet/`: a deterministic virtual clock, virtual network and RFC 4787 NAT models behind the
 * `util/datagram-io.ts` seam, so protocol drivers run on it unchanged (STYLE.md rule 18).
 */
export { Scheduler, EventLimitError } from './scheduler.js';
export { VirtualNetwork } from './network.js';
export type { VirtualNetworkInit, HostOptions, NatOptions } from './network-options.js';
export { SimHost, EPHEMERAL_PORT_MIN } from './host.js';
export { SimNat } from './sim-nat.js';
export { Realm } from './realm.js';
export { NatTable, DYNAMIC_PORT_MIN } from './nat-table.js';
export type { NatCounters, NatTableDeps, InboundResult, OutboundResult } from './nat-table.js';
export { NatPresets, describeNat, validateNatBehavior, MIN_RFC_MAPPING_LIFETIME_MS } from './nat-behavior.js';
export type { EndpointDependency, NatBehavior, NatSpec, NoNat, PortAllocation } from './nat-behavior.js';
export { PERFECT_LINK, resolveLink } from './link.js';
export type { LinkConfig, LinkParams, ResolvedLink } from './link.js';
export type { DatagramFate, FateEntry, NetworkCounters, SendEntry, TraceEntry } from './trace.js';
export { SimnetError, AddressInUseError, AddressNotAvailableError } from './errors.js';
export { twoNatTopology, TWO_NAT_ADDRESSES } from './topology.js';
export type { TwoNatTopology, TwoNatTopologyInit } from './topology.js';
