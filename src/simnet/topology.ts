/**
 * Ready-made topologies: one line per cell of the NAT matrix for the ICE tests and the bench.
 */
import type { LinkParams } from './link.js';
import type { NatSpec } from './nat-behavior.js';
import type { SimHost } from './host.js';
import { VirtualNetwork } from './network.js';
import type { SimNat } from './sim-nat.js';

/** Options of {@link twoNatTopology}. */
export interface TwoNatTopologyInit {
  /** NAT in front of the left host, or `'none'` (the host is public). */
  readonly left: NatSpec;
  /** NAT in front of the right host, or `'none'`. */
  readonly right: NatSpec;
  /** Round-trip time left↔right and host↔server (ms). Default 40. */
  readonly rttMs?: number;
  /** Loss probability per access-link direction (a one-way path crosses two). Default 0. */
  readonly loss?: number;
  /** Uniform jitter per access-link direction (ms). Default 0. */
  readonly jitterMs?: number;
  /** Network seed. Default 1. */
  readonly seed?: number;
  /** Keep the trace in memory (see `VirtualNetworkInit.recordTrace`). Default true. */
  readonly recordTrace?: boolean;
}

/** What {@link twoNatTopology} builds. */
export interface TwoNatTopology {
  readonly network: VirtualNetwork;
  readonly left: SimHost;
  readonly right: SimHost;
  /** A public host at 192.0.2.1 for a STUN (or TURN) server. */
  readonly server: SimHost;
  readonly leftNat: SimNat | undefined;
  readonly rightNat: SimNat | undefined;
}

/** Public addresses used by {@link twoNatTopology} (RFC 5737 documentation ranges, as in the namespace tests). */
export const TWO_NAT_ADDRESSES = Object.freeze({
  server: '192.0.2.1',
  leftPublic: '198.51.100.1',
  rightPublic: '203.0.113.1',
});

/**
 * Left host —[NAT]— internet —[NAT]— right host, plus a server on the internet. Each access link (NAT
 * uplink, public host link, server link) carries a quarter of `rttMs` each way, so left↔right and
 * host↔server both have round-trip `rttMs`. Private hosts get 10.1.0.2 (left) and 10.2.0.2 (right).
 */
export function twoNatTopology(init: TwoNatTopologyInit): TwoNatTopology {
  const network = new VirtualNetwork({ seed: init.seed ?? 1, recordTrace: init.recordTrace ?? true });
  const access: LinkParams = { delayMs: (init.rttMs ?? 40) / 4, loss: init.loss ?? 0, jitterMs: init.jitterMs ?? 0 };
  const server = network.addHost('server', { ips: [TWO_NAT_ADDRESSES.server], link: access });
  const side = (name: string, spec: NatSpec, publicIp: string): { host: SimHost; nat: SimNat | undefined } => {
    if (spec === 'none') return { host: network.addHost(name, { ips: [publicIp], link: access }), nat: undefined };
    const nat = network.addNat(`${name}-nat`, { behavior: spec, publicIp, link: access });
    return { host: network.addHost(name, { realm: nat.inside }), nat };
  };
  const l = side('left', init.left, TWO_NAT_ADDRESSES.leftPublic);
  const r = side('right', init.right, TWO_NAT_ADDRESSES.rightPublic);
  return { network, left: l.host, right: r.host, server, leftNat: l.nat, rightNat: r.nat };
}
