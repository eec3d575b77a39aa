/**
 * The sans-I/O core of one NAT (STYLE.md rule 3): its mapping table, filters and port allocator, per
 * RFC 4787. Input is "this datagram crosses me now"; output is the translated address or a drop reason.
 * It owns no timer: mappings expire lazily when next looked at, so an idle NAT schedules nothing.
 */
import type { TransportAddress } from '../util/address.js';
import { assertNever } from '../util/errors.js';
import type { EndpointDependency, NatBehavior } from './nat-behavior.js';
import { validateNatBehavior } from './nat-behavior.js';

/** RFC 6335 §6: the dynamic port range NATs allocate from here. */
export const DYNAMIC_PORT_MIN = 49152;
const DYNAMIC_PORT_COUNT = 65536 - DYNAMIC_PORT_MIN;

/** Per-NAT counters, cumulative since creation. */
export interface NatCounters {
  mappingsCreated: number;
  mappingsExpired: number;
  outboundTranslated: number;
  inboundTranslated: number;
  droppedFilter: number;
  droppedNoMapping: number;
  hairpinned: number;
  droppedHairpin: number;
  /** Mappings given a fresh port because of {@link NatBehavior.conntrackClash}. */
  conntrackClashes: number;
}

/** Result of translating an outbound datagram's source. */
export type OutboundResult =
  | { readonly kind: 'translated'; readonly source: TransportAddress }
  | { readonly kind: 'dropped'; readonly reason: 'no-mapping' };

/** Result of translating an inbound datagram's destination. */
export type InboundResult =
  | { readonly kind: 'translated'; readonly destination: TransportAddress }
  | { readonly kind: 'dropped'; readonly reason: 'filter' | 'no-mapping' };

/** Collaborators of a {@link NatTable}. */
export interface NatTableDeps {
  /** The NAT's external address (its IP in the parent realm). */
  readonly externalIp: string;
  readonly family: TransportAddress['family'];
  /** A uniform integer in [0, n) from the network's seeded PRNG. */
  readonly randomInt: (n: number) => number;
  /** For 1:1 NAT: the internal IP bound to `externalIp`; resolved on use (undefined = none yet). */
  readonly oneToOneInternalIp?: () => string | undefined;
}

interface Mapping {
  readonly key: string;
  readonly internal: TransportAddress;
  readonly external: TransportAddress;
  expiresAtMs: number;
  /** Remote `ip|port` this mapping has sent to (APDF permissions, RFC 4787 §5). */
  readonly peers: Set<string>;
  /** Remote IPs this mapping has sent to (ADF permissions). */
  readonly peerIps: Set<string>;
  /** The last remote key added, to skip the set updates for steady traffic. */
  lastPeer: string;
}

const endpointKey = (a: TransportAddress): string => `${a.ip}|${a.port}`;

function dependentKey(d: EndpointDependency, remote: TransportAddress): string {
  switch (d) {
    case 'endpoint-independent': return '';
    case 'address-dependent': return remote.ip;
    case 'address-and-port-dependent': return endpointKey(remote);
    default: return assertNever(d, 'endpoint dependency');
  }
}

/** One NAT's translation state (RFC 4787 §4–§5). Times are virtual ms passed in by the caller. */
export class NatTable {
  readonly behavior: NatBehavior;
  readonly #deps: NatTableDeps;
  readonly #byKey = new Map<string, Mapping>();
  readonly #byPort = new Map<number, Mapping>();
  /** Conntrack-clash tuples: `externalPort|remoteIp|remotePort` → expiry (ms). */
  readonly #strays = new Map<string, number>();
  #nextPort = DYNAMIC_PORT_MIN;
  readonly #counters: NatCounters = {
    mappingsCreated: 0, mappingsExpired: 0, outboundTranslated: 0, inboundTranslated: 0,
    droppedFilter: 0, droppedNoMapping: 0, hairpinned: 0, droppedHairpin: 0, conntrackClashes: 0,
  };

  /** @throws InvalidConfigError when `behavior` is invalid. */
  constructor(deps: NatTableDeps, behavior: NatBehavior) {
    validateNatBehavior(behavior);
    this.#deps = deps;
    this.behavior = behavior;
  }

  /** Live counters (read-only view). */
  get counters(): Readonly<NatCounters> {
    return this.#counters;
  }

  /** Number of unexpired mappings at `nowMs` (expired ones are purged). */
  activeMappings(nowMs: number): number {
    for (const m of [...this.#byKey.values()]) this.#live(m, nowMs);
    return this.#byKey.size;
  }

  /** The external address of the unexpired mapping `internal` would use towards `remote`, if any. */
  lookupMapping(internal: TransportAddress, remote: TransportAddress, nowMs: number): TransportAddress | undefined {
    if (this.behavior.oneToOne === true) return { ...internal, ip: this.#deps.externalIp };
    const ik = endpointKey(internal);
    const m = this.#live(this.#byKey.get(`ct|${ik}|${endpointKey(remote)}`), nowMs)
      ?? this.#live(this.#byKey.get(ik + '#' + dependentKey(this.behavior.mapping, remote)), nowMs);
    return m?.external;
  }

  /**
   * Translates the source of a datagram leaving from `source` (inside) to `destination` (outside),
   * creating or refreshing the mapping (RFC 4787 §4.1; refresh on outbound only, §4.3).
   */
  outbound(source: TransportAddress, destination: TransportAddress, nowMs: number): OutboundResult {
    const c = this.#counters;
    if (this.behavior.oneToOne === true) {
      if (source.ip !== this.#deps.oneToOneInternalIp?.()) {
        c.droppedNoMapping++;
        return { kind: 'dropped', reason: 'no-mapping' };
      }
      c.outboundTranslated++;
      return { kind: 'translated', source: { family: this.#deps.family, ip: this.#deps.externalIp, port: source.port } };
    }
    const ik = endpointKey(source);
    const rk = endpointKey(destination);
    const clash = this.behavior.conntrackClash === true;
    let m = clash ? this.#live(this.#byKey.get(`ct|${ik}|${rk}`), nowMs) : undefined;
    if (m === undefined) {
      const key = ik + '#' + dependentKey(this.behavior.mapping, destination);
      m = this.#live(this.#byKey.get(key), nowMs);
      if (m !== undefined && clash && !m.peers.has(rk) && this.#strayLive(m.external.port, rk, nowMs)) {
        // The conntrack trap: the tuple (remote -> external port) is taken by an earlier dropped inbound
        // datagram, so this flow gets a new port; only this destination is affected.
        c.conntrackClashes++;
        m = this.#create(`ct|${ik}|${rk}`, source, destination, 0, nowMs);
      } else if (m === undefined) {
        m = this.#create(key, source, destination, source.port, nowMs);
      }
      if (m === undefined) {
        c.droppedNoMapping++;
        return { kind: 'dropped', reason: 'no-mapping' };
      }
    }
    m.expiresAtMs = nowMs + this.behavior.mappingLifetimeMs;
    if (m.lastPeer !== rk) {
      m.peers.add(rk);
      m.peerIps.add(destination.ip);
      m.lastPeer = rk;
    }
    c.outboundTranslated++;
    return { kind: 'translated', source: m.external };
  }

  /** Translates the destination of a datagram arriving from `source` at external `destination` (RFC 4787 §5). */
  inbound(source: TransportAddress, destination: TransportAddress, nowMs: number): InboundResult {
    const c = this.#counters;
    if (this.behavior.oneToOne === true) {
      const ip = this.#deps.oneToOneInternalIp?.();
      if (ip === undefined) {
        c.droppedNoMapping++;
        return { kind: 'dropped', reason: 'no-mapping' };
      }
      c.inboundTranslated++;
      return { kind: 'translated', destination: { family: destination.family, ip, port: destination.port } };
    }
    const m = this.#live(this.#byPort.get(destination.port), nowMs);
    if (m === undefined) {
      this.#recordStray(destination.port, source, nowMs);
      c.droppedNoMapping++;
      return { kind: 'dropped', reason: 'no-mapping' };
    }
    if (!this.#admits(m, source)) {
      this.#recordStray(destination.port, source, nowMs);
      c.droppedFilter++;
      return { kind: 'dropped', reason: 'filter' };
    }
    // RFC 4787 §4.3: inbound traffic does not refresh the mapping.
    c.inboundTranslated++;
    return { kind: 'translated', destination: m.internal };
  }

  /** @internal Counts a hairpin decision (RFC 4787 §6); the network does the looping. */
  countHairpin(isDropped: boolean): void {
    if (isDropped) this.#counters.droppedHairpin++;
    else this.#counters.hairpinned++;
  }

  #admits(m: Mapping, source: TransportAddress): boolean {
    const f = this.behavior.filtering;
    switch (f) {
      case 'endpoint-independent': return true; // §5 EIF: every external endpoint may send in
      case 'address-dependent': return m.peerIps.has(source.ip); // §5 ADF: an IP we sent to
      case 'address-and-port-dependent': return m.peers.has(endpointKey(source)); // §5 APDF: exact ip:port
      default: return assertNever(f, 'filtering');
    }
  }

  #live(m: Mapping | undefined, nowMs: number): Mapping | undefined {
    if (m === undefined || m.expiresAtMs > nowMs) return m;
    this.#byKey.delete(m.key);
    if (this.#byPort.get(m.external.port) === m) this.#byPort.delete(m.external.port);
    this.#counters.mappingsExpired++;
    return undefined;
  }

  #create(key: string, internal: TransportAddress, remote: TransportAddress, preferredPort: number, nowMs: number): Mapping | undefined {
    const port = this.#allocatePort(preferredPort, endpointKey(remote), nowMs);
    if (port === undefined) return undefined;
    const m: Mapping = {
      key,
      internal,
      external: { family: this.#deps.family, ip: this.#deps.externalIp, port },
      expiresAtMs: nowMs + this.behavior.mappingLifetimeMs,
      peers: new Set(),
      peerIps: new Set(),
      lastPeer: '',
    };
    this.#byKey.set(key, m);
    this.#byPort.set(port, m);
    this.#counters.mappingsCreated++;
    return m;
  }

  /** RFC 4787 §4.2.1; `preferredPort` 0 = no preservation. Returns undefined when the range is exhausted. */
  #allocatePort(preferredPort: number, remoteKey: string, nowMs: number): number | undefined {
    const usable = (p: number): boolean =>
      this.#live(this.#byPort.get(p), nowMs) === undefined && !this.#strayLive(p, remoteKey, nowMs);
    const alloc = this.behavior.portAllocation;
    switch (alloc) {
      case 'preserve':
        // REQ-3 is about preserving the port *range*; we preserve the port when free, else fall back.
        if (preferredPort > 0 && usable(preferredPort)) return preferredPort;
        break;
      case 'random':
        for (let i = 0; i < 64; i++) {
          const p = DYNAMIC_PORT_MIN + this.#deps.randomInt(DYNAMIC_PORT_COUNT);
          if (usable(p)) return p;
        }
        break;
      case 'sequential':
        break;
      default:
        return assertNever(alloc, 'port allocation');
    }
    for (let i = 0; i < DYNAMIC_PORT_COUNT; i++) {
      const p = this.#nextPort;
      this.#nextPort = p === 65535 ? DYNAMIC_PORT_MIN : p + 1;
      if (usable(p)) return p;
    }
    return undefined;
  }

  #recordStray(externalPort: number, remote: TransportAddress, nowMs: number): void {
    if (this.behavior.conntrackClash !== true) return;
    this.#strays.set(`${externalPort}|${endpointKey(remote)}`, nowMs + this.behavior.mappingLifetimeMs);
  }

  #strayLive(externalPort: number, remoteKey: string, nowMs: number): boolean {
    if (this.#strays.size === 0) return false;
    const k = `${externalPort}|${remoteKey}`;
    const exp = this.#strays.get(k);
    if (exp === undefined) return false;
    if (exp > nowMs) return true;
    this.#strays.delete(k);
    return false;
  }
}
