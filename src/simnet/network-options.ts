/** Options of the virtual network and of the nodes added to it. */
import type { LinkConfig, LinkParams } from './link.js';
import type { NatBehavior } from './nat-behavior.js';
import type { Realm } from './realm.js';

/** Options of a {@link VirtualNetwork}. */
export interface VirtualNetworkInit {
  /** Seed of every random draw (link impairments, random port allocation). Default 1. */
  readonly seed?: number;
  /** Virtual start time (ms). Default 0. */
  readonly startMs?: number;
  /** Keep every trace entry in {@link VirtualNetwork.trace}. Default true; listeners run either way. */
  readonly recordTrace?: boolean;
}

/** Where and how a host joins a realm. */
export interface HostOptions {
  /** Default: the internet. */
  readonly realm?: Realm;
  /** Explicit IPs on that realm (IPv4 or IPv6); default one automatic IPv4 address. */
  readonly ips?: readonly string[];
  /** Also add an automatic IPv6 address. Default false. */
  readonly ipv6?: boolean;
  /** The host's access link (one {@link LinkParams} for both directions, or per direction). */
  readonly link?: LinkConfig | LinkParams;
}

/** Where and how a NAT router joins its parent realm. */
export interface NatOptions {
  readonly behavior: NatBehavior;
  /** Default: the internet; a NAT's `inside` realm gives a NAT behind a NAT. */
  readonly parent?: Realm;
  /** External IP (IPv4 or IPv6); default automatic IPv4. */
  readonly publicIp?: string;
  /** The NAT's uplink into its parent realm. */
  readonly link?: LinkConfig | LinkParams;
  /** For 1:1 NAT: the internal IP; default the first host address added inside. */
  readonly oneToOneIp?: string;
}
