/**
 * A deterministic in-memory network for ICE agent tests: per-direction delay, optional drop
 * function, optional endpoint-independent-mapping NATs (address-and-port-dependent or
 * endpoint-independent filtering) and a minimal STUN server. Virtual time only (ManualClock).
 * Independent of src/simnet on purpose (built in parallel).
 */
import { IceAgent, type IceAgentEvent, type IceAgentInfo, type IceConfigInit, type IceTransmit } from '../../../src/ice/index.js';
import {
  attr, decodeStunMessage, encodeStunMessage, StunMethod, transactionIdKey, XorMappedAddress,
} from '../../../src/stun/index.js';
import { formatAddress, transportAddress, type TransportAddress } from '../../../src/util/address.js';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { SeededRandom } from '../../../src/util/prng.js';

/** One datagram as the network saw it leave a node. */
export interface SentRecord {
  readonly at: number;
  readonly node: string;
  readonly t: IceTransmit;
  readonly cls: 'request' | 'indication' | 'success' | 'error' | 'other';
  readonly tid: string;
  readonly useCandidate: boolean;
}

export interface Nat {
  readonly name: string;
  readonly publicIp: string;
  readonly filtering: 'endpoint-independent' | 'address-and-port-dependent';
  readonly mappings: Map<string, number>; // private addr -> public port
  readonly reverse: Map<number, TransportAddress>;
  readonly permissions: Map<number, Set<string>>; // public port -> remote addrs
  nextPort: number;
}

export interface Node {
  readonly name: string;
  readonly agent: IceAgent;
  readonly events: IceAgentEvent[];
  /** Virtual time of each entry of `events`. */
  readonly eventTimes: number[];
  readonly sent: SentRecord[];
  readonly realm: string;
  readonly random: SeededRandom;
}

interface InFlight { readonly at: number; readonly seq: number; readonly deliver: () => void }

export class FakeNet {
  readonly clock = new ManualClock();
  readonly nodes: Node[] = [];
  /** `realm|ip:port` -> node and endpoint. */
  readonly #bindings = new Map<string, { node: Node; endpointId: string } | { stun: true }>();
  readonly #nats = new Map<string, Nat>();
  #inflight: InFlight[] = [];
  #seq = 0;
  /** One-way delay in ms from node/realm `from` to address `to`. */
  delay: (from: TransportAddress, to: TransportAddress) => number = () => 1;
  /** Return true to lose the datagram. */
  drop: (from: TransportAddress, to: TransportAddress, bytes: Uint8Array) => boolean = () => false;
  readonly log: SentRecord[] = [];

  addNat(name: string, publicIp: string, filtering: Nat['filtering'] = 'address-and-port-dependent'): Nat {
    const nat: Nat = { name, publicIp, filtering, mappings: new Map(), reverse: new Map(), permissions: new Map(), nextPort: 40000 };
    this.#nats.set(name, nat);
    return nat;
  }

  /** A STUN server on the public realm answering Binding requests with XOR-MAPPED-ADDRESS. */
  addStunServer(address: TransportAddress): void {
    this.#bindings.set(`public|${formatAddress(address)}`, { stun: true });
  }

  addNode(name: string, seed: number, init: IceConfigInit = {}, realm = 'public'): Node {
    const random = new SeededRandom(seed);
    const events: IceAgentEvent[] = [];
    const eventTimes: number[] = [];
    const sent: SentRecord[] = [];
    const node: Node = {
      name, events, eventTimes, sent, realm, random,
      agent: new IceAgent({
        clock: this.clock,
        send: (t) => { this.#send(node, t); },
        emit: (e) => { events.push(e); eventTimes.push(this.clock.now()); },
        randomBytes: (n) => random.bytes(n),
        log: silentLogger,
      }, { allowLoopback: true, ...init }),
    };
    this.nodes.push(node);
    return node;
  }

  /** Adds an endpoint to `node` bound at `addresses` in its realm. */
  addEndpoint(node: Node, id: string, addresses: readonly TransportAddress[], stunServer?: TransportAddress): IceAgentInfo {
    for (const a of addresses) this.#bindings.set(`${node.realm}|${formatAddress(a)}`, { node, endpointId: id });
    return node.agent.addEndpoint({ id, hostAddresses: addresses, ...(stunServer === undefined ? {} : { stunServer }) });
  }

  /** Binds one more address of `node` to endpoint `id` (for host-address changes). */
  addEndpointBinding(node: Node, id: string, address: TransportAddress): void {
    this.#bindings.set(`${node.realm}|${formatAddress(address)}`, { node, endpointId: id });
  }

  #send(node: Node, t: IceTransmit): void {
    let cls: SentRecord['cls'] = 'other';
    let tid = '';
    let useCandidate = false;
    try {
      const m = decodeStunMessage(t.bytes);
      cls = m.messageClass;
      tid = transactionIdKey(m.transactionId);
      useCandidate = m.attributes.some((a) => a.type === 0x0025);
    } catch { /* not STUN: recorded as 'other' */ }
    const rec: SentRecord = { at: this.clock.now(), node: node.name, t: { ...t, bytes: t.bytes.slice() }, cls, tid, useCandidate };
    node.sent.push(rec);
    this.log.push(rec);
    this.#route(node.realm, t.from, t.to, rec.t.bytes);
  }

  #route(realm: string, from: TransportAddress, to: TransportAddress, bytes: Uint8Array): void {
    if (this.drop(from, to, bytes)) return;
    let src = from;
    let dstRealm = realm;
    if (realm !== 'public' && !this.#bindings.has(`${realm}|${formatAddress(to)}`)) {
      const nat = this.#nats.get(realm);
      if (nat === undefined) return;
      const key = formatAddress(from);
      let port = nat.mappings.get(key);
      if (port === undefined) {
        port = nat.nextPort++;
        nat.mappings.set(key, port);
        nat.reverse.set(port, from);
      }
      const perms = nat.permissions.get(port) ?? new Set<string>();
      perms.add(formatAddress(to));
      nat.permissions.set(port, perms);
      src = transportAddress(nat.publicIp, port);
      dstRealm = 'public';
    }
    let dst = to;
    if (dstRealm === 'public') {
      const nat = [...this.#nats.values()].find((n) => n.publicIp === to.ip);
      if (nat !== undefined) {
        const inner = nat.reverse.get(to.port);
        if (inner === undefined) return;
        if (nat.filtering === 'address-and-port-dependent' && nat.permissions.get(to.port)?.has(formatAddress(src)) !== true) return;
        dst = inner;
        dstRealm = nat.name;
      }
    }
    const binding = this.#bindings.get(`${dstRealm}|${formatAddress(dst)}`);
    if (binding === undefined) return;
    const at = this.clock.now() + this.delay(from, to);
    const s = src;
    const d = dst;
    this.#inflight.push({
      at, seq: this.#seq++,
      deliver: () => {
        if ('stun' in binding) this.#stunServer(d, s, bytes, dstRealm);
        else binding.node.agent.handleStun(binding.endpointId, d, s, bytes);
      },
    });
  }

  #stunServer(self: TransportAddress, from: TransportAddress, bytes: Uint8Array, realm: string): void {
    const m = decodeStunMessage(bytes);
    if (m.messageClass !== 'request') return;
    const out = encodeStunMessage({
      method: StunMethod.binding, messageClass: 'success', transactionId: m.transactionId,
      attributes: [attr(XorMappedAddress, from)], fingerprint: true,
    });
    this.#route(realm, self, from, out.slice());
  }

  /** Runs until `until` (virtual ms) or `stop()` is true, serving deadlines and deliveries in time order. */
  run(until: number, stop: () => boolean = () => false): void {
    for (let guard = 0; guard < 5_000_000; guard++) {
      if (stop()) return;
      let next = Number.POSITIVE_INFINITY;
      for (const n of this.nodes) {
        const d = n.agent.nextDeadline();
        if (d !== undefined && d < next) next = d;
      }
      for (const p of this.#inflight) if (p.at < next) next = p.at;
      if (next > until) {
        if (this.clock.now() < until) this.clock.set(until);
        return;
      }
      if (next > this.clock.now()) this.clock.set(next);
      const now = this.clock.now();
      const due = this.#inflight.filter((p) => p.at <= now).sort((a, b) => a.at - b.at || a.seq - b.seq);
      if (due.length > 0) {
        this.#inflight = this.#inflight.filter((p) => p.at > now);
        for (const p of due) p.deliver();
        continue;
      }
      for (const n of this.nodes) {
        const d = n.agent.nextDeadline();
        if (d !== undefined && d <= now) n.agent.handleTimeout();
      }
    }
    throw new Error('FakeNet.run: event guard exceeded');
  }

  /** Datagrams not yet delivered. */
  get inFlightCount(): number {
    return this.#inflight.length;
  }
}

export const ip4 = (ip: string, port: number): TransportAddress => transportAddress(ip, port);

/** Events of `type` emitted by `node`. */
export function eventsOf<T extends IceAgentEvent['type']>(node: Node, type: T): Extract<IceAgentEvent, { type: T }>[] {
  return node.events.filter((e): e is Extract<IceAgentEvent, { type: T }> => e.type === type);
}

/** Time of the first event of `type` of `node` at or after `since`, or undefined. */
export function firstEventAt(node: Node, type: IceAgentEvent['type'], since = 0): number | undefined {
  for (let i = 0; i < node.events.length; i++) {
    const at = node.eventTimes[i] ?? 0;
    if (node.events[i]?.type === type && at >= since) return at;
  }
  return undefined;
}
