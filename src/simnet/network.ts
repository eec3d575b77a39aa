/**
 * The virtual network: realms joined by NAT routers, hosts on realms, links with seeded impairments, and a
 * hop-by-hop forwarder in virtual time. A datagram is an event per realm it crosses; each NAT translates
 * it when it gets there (RFC 4787 §4–§6), so races such as a peer's packet arriving before our own
 * outbound packet opened the filter play out exactly as on a wire.
 */
import type { IpFamily, TransportAddress } from '../util/address.js';
import type { TimerService } from '../util/datagram-io.js';
import { InvalidConfigError } from '../util/errors.js';
import { SeededRandom } from '../util/prng.js';
import { SimHost } from './host.js';
import type { HostUplink } from './host.js';
import type { LinkConfig, LinkParams, ResolvedLink } from './link.js';
import { PERFECT_LINK, resolveDirection, traverseLinks } from './link.js';
import type { HostOptions, NatOptions, VirtualNetworkInit } from './network-options.js';
import { Realm } from './realm.js';
import type { Attachment } from './realm.js';
import { Scheduler } from './scheduler.js';
import { SimNat } from './sim-nat.js';
import type { DatagramFate, NetworkCounters, TraceEntry } from './trace.js';

interface Datagram {
  readonly id: number;
  readonly sentAtMs: number;
  readonly from: TransportAddress;
  readonly to: TransportAddress;
  readonly bytes: Uint8Array;
  copies: number;
}

/** One copy of a datagram at one point of its journey (addresses as translated so far). */
interface Packet {
  readonly d: Datagram;
  readonly copy: number;
  readonly src: TransportAddress;
  readonly dst: TransportAddress;
}

type TraceListener = (entry: TraceEntry) => void;

/** A whole simulated network in virtual time; see docs/simnet.md. */
export class VirtualNetwork implements HostUplink {
  /** Virtual clock and event queue; also the {@link TimerService} for drivers. */
  readonly scheduler: Scheduler;
  /** The public realm. */
  readonly internet: Realm;
  /** Trace entries in order (empty when `recordTrace` is false). */
  readonly trace: TraceEntry[] = [];
  readonly #counters: NetworkCounters = { sent: 0, delivered: 0, dropped: 0, sendAfterClose: 0 };
  readonly #rng: SeededRandom;
  readonly #recordTrace: boolean;
  readonly #listeners: TraceListener[] = [];
  readonly #hosts = new Map<string, SimHost>();
  readonly #nats = new Map<string, SimNat>();
  #realmCount = 1;
  #nextId = 0;

  constructor(init: VirtualNetworkInit = {}) {
    this.scheduler = new Scheduler(init.startMs ?? 0);
    this.#rng = new SeededRandom(init.seed ?? 1);
    this.#recordTrace = init.recordTrace ?? true;
    this.internet = new Realm('internet', 0, undefined);
  }

  /** Network-wide counters. */
  get counters(): Readonly<NetworkCounters> {
    return this.#counters;
  }

  /** Current virtual time (ms). */
  now(): number {
    return this.scheduler.now();
  }

  /** The {@link TimerService} drivers on this network use (the scheduler itself). */
  get timers(): TimerService {
    return this.scheduler;
  }

  /** Events (timers and datagrams in flight) not yet run. */
  get pendingEvents(): number {
    return this.scheduler.pendingEvents;
  }

  /** {@link Scheduler.run}. */
  run(options: { readonly untilMs: number }): number {
    return this.scheduler.run(options);
  }

  /** {@link Scheduler.runFor}. */
  runFor(durationMs: number): number {
    return this.scheduler.runFor(durationMs);
  }

  /** {@link Scheduler.runUntilIdle}. @throws EventLimitError when the queue does not drain. */
  runUntilIdle(options: { readonly maxEvents?: number } = {}): number {
    return this.scheduler.runUntilIdle(options);
  }

  /** {@link Scheduler.step}. */
  step(): boolean {
    return this.scheduler.step();
  }

  /** Adds a host. @throws InvalidConfigError on a duplicate name or IP, or a bad link. */
  addHost(name: string, options: HostOptions = {}): SimHost {
    const host = new SimHost(name, this);
    this.#claimName(name);
    this.#hosts.set(name, host);
    const realm = options.realm ?? this.internet;
    const ips = options.ips ?? [realm.claimIp('IPv4')];
    for (const ip of ips) this.addHostAddress(host, realm, ip, options.link);
    if (options.ipv6 === true) this.addHostAddress(host, realm, realm.claimIp('IPv6'), options.link);
    return host;
  }

  /** Gives `host` another IP, possibly on another realm (multi-homed hosts). Returns the IP. */
  addHostAddress(host: SimHost, realm: Realm, ip?: string, link?: LinkConfig | LinkParams): string {
    const family: IpFamily = ip?.includes(':') === true ? 'IPv6' : 'IPv4';
    const claimed = realm.claimIp(family, ip);
    const a: Attachment = {
      kind: 'host', host, ip: claimed, family, realm,
      up: resolveDirection(link, 'up'), down: resolveDirection(link, 'down'),
    };
    realm.attach(a);
    host.addAttachment(a);
    return claimed;
  }

  /** Adds a NAT router; hosts join its private side through `nat.inside`. */
  addNat(name: string, options: NatOptions): SimNat {
    this.#claimName(name);
    const parent = options.parent ?? this.internet;
    const family: IpFamily = options.publicIp?.includes(':') === true ? 'IPv6' : 'IPv4';
    const ip = parent.claimIp(family, options.publicIp);
    const index = this.#realmCount++;
    const nat = new SimNat(name, ip, family, options.behavior,
      (n) => new Realm(`${name}/inside`, index, n), (n) => this.#rng.int(n), options.oneToOneIp);
    const a: Attachment = {
      kind: 'nat', nat, ip, family, realm: parent,
      up: resolveDirection(options.link, 'up'), down: resolveDirection(options.link, 'down'),
    };
    parent.attach(a);
    nat.setExternal(a);
    this.#nats.set(name, nat);
    return nat;
  }

  /** Calls `listener` for every trace entry (also when `recordTrace` is false). Returns an unsubscribe. */
  onTrace(listener: TraceListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /** @internal Host uplink: a socket sent `bytes` (already copied). */
  transmit(host: SimHost, from: TransportAddress, to: TransportAddress, bytes: Uint8Array): void {
    const now = this.scheduler.now();
    const d: Datagram = { id: this.#nextId++, sentAtMs: now, from, to, bytes, copies: 1 };
    this.#counters.sent++;
    if (this.#recordTrace || this.#listeners.length > 0) {
      this.#emit({ kind: 'send', id: d.id, atMs: now, from, to, size: bytes.length, bytes });
    }
    const p: Packet = { d, copy: 0, src: from, dst: to };
    const a = host.attachmentFor(from.ip);
    if (a === undefined || to.family !== from.family) {
      this.#fate(p, 'dropped-no-route', host.name);
      return;
    }
    this.#enter(p, a.realm, a.up, host);
  }

  /** @internal */
  countSendAfterClose(): void {
    this.#counters.sendAfterClose++;
  }

  /** `p` enters `realm` over link direction `up`; route it to the owner of its destination or upstream. */
  #enter(p: Packet, realm: Realm, up: ResolvedLink, fromHost: SimHost | undefined): void {
    const target = realm.lookup(p.dst.ip);
    if (target !== undefined) {
      if (target.kind === 'host' && target.host === fromHost) {
        this.#deliver(p, target.host); // to ourselves: loopback, no link
        return;
      }
      this.#carry(p, [up, target.down], realm, (q) => {
        if (target.kind === 'host') this.#deliver(q, target.host);
        else this.#natInbound(q, target.nat);
      });
    } else if (realm.nat !== undefined) {
      const nat = realm.nat;
      this.#carry(p, [up], realm, (q) => { this.#natOutbound(q, nat); });
    } else {
      this.#fate(p, 'dropped-no-route', realm.name);
    }
  }

  #carry(p: Packet, links: readonly ResolvedLink[], realm: Realm, then: (q: Packet) => void): void {
    let isFirst = true;
    traverseLinks(links, this.#rng, (delayMs) => {
      const q: Packet = isFirst ? p : { ...p, copy: p.d.copies++ };
      isFirst = false;
      this.scheduler.after(delayMs, () => { then(q); });
    }, () => {
      const q: Packet = isFirst ? p : { ...p, copy: p.d.copies++ };
      isFirst = false;
      this.#fate(q, 'dropped-loss', `realm/${realm.name}`);
    });
  }

  #natOutbound(p: Packet, nat: SimNat): void {
    if (p.dst.family !== nat.family) {
      this.#fate(p, 'dropped-no-route', nat.name);
      return;
    }
    const r = nat.table.outbound(p.src, p.dst, this.scheduler.now());
    if (r.kind === 'dropped') {
      this.#fate(p, 'dropped-no-mapping', nat.name);
      return;
    }
    const q: Packet = { ...p, src: r.source };
    if (p.dst.ip === nat.externalIp) {
      // RFC 4787 §6: hairpinning loops the datagram back inside with the sender's mapping as source (REQ-9).
      const isDropped = !nat.behavior.hairpinning;
      nat.table.countHairpin(isDropped);
      if (isDropped) this.#fate(q, 'dropped-hairpin', nat.name);
      else this.#natInbound(q, nat);
      return;
    }
    this.#enter(q, nat.external.realm, nat.external.up, undefined);
  }

  #natInbound(p: Packet, nat: SimNat): void {
    const r = nat.table.inbound(p.src, p.dst, this.scheduler.now());
    if (r.kind === 'dropped') {
      this.#fate(p, r.reason === 'filter' ? 'dropped-filter' : 'dropped-no-mapping', nat.name);
      return;
    }
    this.#enter({ ...p, dst: r.destination }, nat.inside, PERFECT_LINK, undefined);
  }

  #deliver(p: Packet, host: SimHost): void {
    // A duplicate gets its own bytes, so a receiver that modifies its buffer cannot alter the other copy.
    const bytes = p.copy === 0 ? p.d.bytes : p.d.bytes.slice();
    const socket = host.socketAt(p.dst);
    // The fate is logged before the handler runs, so replies it sends come after it in the trace.
    this.#fate(p, socket === undefined ? 'dropped-no-listener' : 'delivered', host.name);
    socket?.receive(bytes, p.src);
  }

  #fate(p: Packet, fate: DatagramFate, at: string): void {
    if (fate === 'delivered') this.#counters.delivered++;
    else this.#counters.dropped++;
    if (!this.#recordTrace && this.#listeners.length === 0) return;
    const d = p.d;
    this.#emit({
      kind: 'fate', fate, id: d.id, copy: p.copy, sentAtMs: d.sentAtMs, atMs: this.scheduler.now(),
      from: d.from, to: d.to, seenFrom: p.src, seenTo: p.dst, size: d.bytes.length, at,
    });
  }

  #emit(entry: TraceEntry): void {
    if (this.#recordTrace) this.trace.push(entry);
    for (const l of this.#listeners) l(entry);
  }

  #claimName(name: string): void {
    if (this.#hosts.has(name) || this.#nats.has(name)) throw new InvalidConfigError('name', `${name} already used`);
  }
}
