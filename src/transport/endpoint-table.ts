/**
 * Local endpoints and matches of one participant, and the receive-side routing rule
 * (docs/reliability.md "On receive"): ACKNACK / NACK_FRAG go to the writer named by `writerId`;
 * DATA, DATA_FRAG, HEARTBEAT, HEARTBEAT_FRAG and GAP go to the reader named by `readerId`, or, when it
 * is ENTITYID_UNKNOWN, to every local reader matched to the remote writer, falling back to the
 * builtin reader paired with a builtin writer (SPDP announcer → SPDP detector, …). Shared by every
 * {@link Transport} implementation so they route identically.
 */
import type { EntityId, Guid, GuidPrefix, Locator, RtpsTime, Submessage } from '../rtps/index.js';
import { EntityIds, guidPrefixEquals, LocatorKind, locatorToString } from '../rtps/index.js';
import { toHex } from '../util/hex.js';
import type { LocalEndpointInit, ScheduledCore, TransportChannel } from './transport.js';
import { channelOfEntity } from './transport.js';

/** A registered local endpoint. */
export interface LocalEndpoint {
  readonly entityId: EntityId;
  readonly channel: TransportChannel;
  readonly handler: LocalEndpointInit['handler'];
  readonly core: ScheduledCore | undefined;
}

/** `prefixhex.entityid` map key of a GUID. */
export function guidKey(prefix: GuidPrefix, entityId: EntityId): string {
  return `${toHex(prefix)}.${entityId >>> 0}`;
}

/** For a builtin writer id, the builtin reader it talks to (same key, kind 0xc2→0xc7, 0xc3→0xc4). */
function builtinPeerReader(writerId: EntityId): EntityId | undefined {
  const kind = writerId & 0xff;
  if (kind === 0xc2) return (writerId - 0xc2 + 0xc7) >>> 0;
  if (kind === 0xc3) return (writerId - 0xc3 + 0xc4) >>> 0;
  return undefined;
}

/** A remote participant with readers matched to one local writer. */
export interface MatchedParticipant {
  readonly hex: string;
  readonly prefix: GuidPrefix;
  readonly readers: Set<EntityId>;
}

/**
 * Where one local endpoint's datagrams to one remote participant go when the matched remote
 * endpoints announced unicast locators of their own (SEDP `PID_UNICAST_LOCATOR`; RTPS 2.5
 * §8.5.4.2: they replace the participant's default unicast locators for that endpoint).
 */
export interface EndpointLocators {
  /** The UDP locators announced by the matched endpoints, without repeats. */
  readonly locators: readonly Locator[];
  /** Some matched endpoint announced none: the participant's default unicast locators too. */
  readonly andDefaults: boolean;
  /** Queue key of a datagram to the participant with these locators: `hex|locators`. */
  readonly queueKey: string;
}

/** The unicast UDP locators each matched remote endpoint of one participant announced ([] = none). */
interface AnnouncedLocators {
  readonly byEndpoint: Map<EntityId, readonly Locator[]>;
  current: EndpointLocators | undefined;
}

function isUdp(l: Locator): boolean {
  return (l.kind === LocatorKind.UDPv4 || l.kind === LocatorKind.UDPv6) && l.port !== 0;
}

/** What `announced` adds up to, or undefined when no endpoint announced a UDP locator. */
function endpointLocatorsOf(hex: string, announced: AnnouncedLocators): EndpointLocators | undefined {
  const unique = new Map<string, Locator>();
  let andDefaults = false;
  for (const list of announced.byEndpoint.values()) {
    if (list.length === 0) andDefaults = true;
    for (const l of list) unique.set(locatorToString(l), l);
  }
  if (unique.size === 0) return undefined;
  return { locators: [...unique.values()], andDefaults, queueKey: `${hex}|${[...unique.keys()].sort().join(',')}${andDefaults ? '+default' : ''}` };
}

interface RemoteWriterEntry {
  readonly prefix: GuidPrefix;
  /** Replaced, never mutated, on a change: a delivery loop may unmatch readers as it goes. */
  readers: readonly EntityId[];
}

/** The local endpoints of one participant. */
export class EndpointTable {
  readonly #endpoints = new Map<EntityId, LocalEndpoint>();
  /** local writer → remote participant hex → remote reader guid keys (for fan-out). */
  readonly #readersOfWriter = new Map<EntityId, Map<string, MatchedParticipant>>();
  /**
   * remote writer entity id → one entry per remote participant with that writer. Found by
   * (entity id, prefix bytes) without building a key per submessage (the prefix is a view into the
   * datagram), as the reliability cores' ProxyTable does.
   */
  readonly #readersOfRemoteWriter = new Map<EntityId, RemoteWriterEntry[]>();
  /**
   * The last lookup of `route`: the submessages of one datagram share one source prefix object,
   * and a stream of DATA comes from one writer (a prefix is never mutated while routed: it is a
   * fresh view per decoded datagram). Cleared on every change of the matches.
   */
  #lastSource: GuidPrefix | undefined;
  #lastWriterId = 0;
  #lastEntry: RemoteWriterEntry | undefined;
  /** local endpoint → remote participant hex → the locators its matched endpoints there announced. */
  readonly #announced = new Map<EntityId, Map<string, AnnouncedLocators>>();

  /** @returns false when the id is taken. */
  add(init: LocalEndpointInit): boolean {
    if (this.#endpoints.has(init.entityId)) return false;
    this.#endpoints.set(init.entityId, {
      entityId: init.entityId, channel: init.channel ?? channelOfEntity(init.entityId), handler: init.handler, core: init.core,
    });
    return true;
  }

  remove(entityId: EntityId): void {
    this.#forgetLastRoute();
    this.#endpoints.delete(entityId);
    this.#readersOfWriter.delete(entityId);
    this.#announced.delete(entityId);
    for (const [writerId, entries] of [...this.#readersOfRemoteWriter]) {
      for (const e of [...entries]) if (e.readers.includes(entityId)) this.#removeReader(writerId, e, entityId);
    }
  }

  get(entityId: EntityId): LocalEndpoint | undefined {
    return this.#endpoints.get(entityId);
  }

  values(): IterableIterator<LocalEndpoint> {
    return this.#endpoints.values();
  }

  /** `unicastLocators`: what the remote reader announced (see {@link EndpointLocators}); omitted or [] = none. */
  matchRemoteReader(localWriter: EntityId, remoteReader: Guid, unicastLocators: readonly Locator[] = []): void {
    this.#announce(localWriter, remoteReader, unicastLocators);
    let byParticipant = this.#readersOfWriter.get(localWriter);
    if (byParticipant === undefined) this.#readersOfWriter.set(localWriter, (byParticipant = new Map<string, MatchedParticipant>()));
    const hex = toHex(remoteReader.prefix);
    let entry = byParticipant.get(hex);
    if (entry === undefined) byParticipant.set(hex, (entry = { hex, prefix: remoteReader.prefix.slice(), readers: new Set() }));
    entry.readers.add(remoteReader.entityId);
  }

  unmatchRemoteReader(localWriter: EntityId, remoteReader: Guid): void {
    const byParticipant = this.#readersOfWriter.get(localWriter);
    const hex = toHex(remoteReader.prefix);
    const entry = byParticipant?.get(hex);
    entry?.readers.delete(remoteReader.entityId);
    if (entry?.readers.size === 0) byParticipant?.delete(hex);
    this.#unannounce(localWriter, remoteReader);
  }

  /** `unicastLocators`: what the remote writer announced (where ACKNACKs go); omitted or [] = none. */
  matchRemoteWriter(localReader: EntityId, remoteWriter: Guid, unicastLocators: readonly Locator[] = []): void {
    this.#forgetLastRoute();
    this.#announce(localReader, remoteWriter, unicastLocators);
    const writerId = remoteWriter.entityId >>> 0;
    let entries = this.#readersOfRemoteWriter.get(writerId);
    if (entries === undefined) this.#readersOfRemoteWriter.set(writerId, (entries = []));
    let entry = this.#remoteWriter(writerId, remoteWriter.prefix);
    if (entry === undefined) entries.push((entry = { prefix: remoteWriter.prefix.slice(), readers: [] }));
    if (!entry.readers.includes(localReader)) entry.readers = [...entry.readers, localReader];
  }

  unmatchRemoteWriter(localReader: EntityId, remoteWriter: Guid): void {
    this.#forgetLastRoute();
    const writerId = remoteWriter.entityId >>> 0;
    const entry = this.#remoteWriter(writerId, remoteWriter.prefix);
    if (entry !== undefined) this.#removeReader(writerId, entry, localReader);
    this.#unannounce(localReader, remoteWriter);
  }

  /**
   * Where `local`'s datagrams to participant `hex` go instead of its default unicast locators, or
   * undefined when its matched endpoints there announced none (the common case: one lookup).
   */
  endpointLocators(local: EntityId, hex: string): EndpointLocators | undefined {
    if (this.#announced.size === 0) return undefined;
    return this.#announced.get(local)?.get(hex)?.current;
  }

  #announce(local: EntityId, remote: Guid, unicastLocators: readonly Locator[]): void {
    const hex = toHex(remote.prefix);
    const udp = unicastLocators.filter(isUdp);
    let byParticipant = this.#announced.get(local);
    if (udp.length === 0 && byParticipant?.get(hex) === undefined) {
      // Nothing announced, and no other endpoint there did: keep the table empty (the fast path).
      return;
    }
    if (byParticipant === undefined) this.#announced.set(local, (byParticipant = new Map<string, AnnouncedLocators>()));
    let announced = byParticipant.get(hex);
    if (announced === undefined) byParticipant.set(hex, (announced = { byEndpoint: new Map(), current: undefined }));
    announced.byEndpoint.set(remote.entityId >>> 0, udp.map((l) => ({ kind: l.kind, port: l.port, address: l.address.slice() })));
    announced.current = endpointLocatorsOf(hex, announced);
  }

  #unannounce(local: EntityId, remote: Guid): void {
    const byParticipant = this.#announced.get(local);
    const hex = toHex(remote.prefix);
    const announced = byParticipant?.get(hex);
    if (byParticipant === undefined || announced === undefined) return;
    announced.byEndpoint.delete(remote.entityId >>> 0);
    announced.current = endpointLocatorsOf(hex, announced);
    if (announced.current === undefined) byParticipant.delete(hex);
    if (byParticipant.size === 0) this.#announced.delete(local);
  }

  /** Forgets every match with endpoints of the participant `prefix`. */
  removeParticipant(prefix: GuidPrefix): void {
    this.#forgetLastRoute();
    const hex = toHex(prefix);
    for (const byParticipant of this.#readersOfWriter.values()) byParticipant.delete(hex);
    for (const [local, byParticipant] of [...this.#announced]) {
      byParticipant.delete(hex);
      if (byParticipant.size === 0) this.#announced.delete(local);
    }
    for (const [writerId, entries] of [...this.#readersOfRemoteWriter]) {
      const kept = entries.filter((e) => !guidPrefixEquals(e.prefix, prefix));
      if (kept.length === 0) this.#readersOfRemoteWriter.delete(writerId);
      else if (kept.length !== entries.length) this.#readersOfRemoteWriter.set(writerId, kept);
    }
  }

  #forgetLastRoute(): void {
    this.#lastSource = undefined;
    this.#lastEntry = undefined;
  }

  /** The entry of the remote writer (`prefix`, `writerId`), or undefined. */
  #remoteWriter(writerId: EntityId, prefix: GuidPrefix): RemoteWriterEntry | undefined {
    const entries = this.#readersOfRemoteWriter.get(writerId);
    if (entries === undefined) return undefined;
    for (const e of entries) if (guidPrefixEquals(e.prefix, prefix)) return e;
    return undefined;
  }

  #removeReader(writerId: EntityId, entry: RemoteWriterEntry, localReader: EntityId): void {
    if (!entry.readers.includes(localReader)) return;
    entry.readers = entry.readers.filter((id) => id !== localReader);
    if (entry.readers.length > 0) return;
    const entries = this.#readersOfRemoteWriter.get(writerId);
    if (entries === undefined) return;
    const kept = entries.filter((e) => e !== entry);
    if (kept.length === 0) this.#readersOfRemoteWriter.delete(writerId);
    else this.#readersOfRemoteWriter.set(writerId, kept);
  }

  /**
   * The participants with a reader matched to `localWriter`, keyed by prefix hex (live: do not
   * modify; prefixes are private copies). The send path of every sample iterates it without
   * building arrays or a callback.
   */
  matchedParticipantEntries(localWriter: EntityId): ReadonlyMap<string, MatchedParticipant> | undefined {
    return this.#readersOfWriter.get(localWriter);
  }

  /**
   * Hands `s` to the endpoint(s) it is for.
   * @returns how many endpoints got it (0: counted by the caller as `no-endpoint`).
   */
  route(source: GuidPrefix, s: Submessage, timestamp: RtpsTime | undefined, vendorId = 0): number {
    switch (s.kind) {
      case 'acknack': case 'nack-frag':
        return this.#deliver(s.writerId, source, s, timestamp, vendorId);
      case 'data': case 'data-frag': case 'heartbeat': case 'heartbeat-frag': case 'gap': {
        if (s.readerId !== EntityIds.UNKNOWN) return this.#deliver(s.readerId, source, s, timestamp, vendorId);
        const writerId = s.writerId >>> 0;
        let entry: RemoteWriterEntry | undefined;
        if (source === this.#lastSource && writerId === this.#lastWriterId) {
          entry = this.#lastEntry;
        } else {
          entry = this.#remoteWriter(writerId, source);
          this.#lastSource = source;
          this.#lastWriterId = writerId;
          this.#lastEntry = entry;
        }
        const matched = entry?.readers;
        if (matched !== undefined && matched.length > 0) {
          if (matched.length === 1) return this.#deliver(matched[0] ?? 0, source, s, timestamp, vendorId);
          let n = 0;
          for (const id of matched) n += this.#deliver(id, source, s, timestamp, vendorId);
          return n;
        }
        const peer = builtinPeerReader(s.writerId);
        return peer === undefined ? 0 : this.#deliver(peer, source, s, timestamp, vendorId);
      }
      case 'info-ts': case 'info-src': case 'info-dst': case 'info-reply': case 'info-reply-ip4': case 'pad': case 'unknown':
        return 0;
    }
  }

  #deliver(id: EntityId, source: GuidPrefix, s: Submessage, timestamp: RtpsTime | undefined, vendorId: number): number {
    const ep = this.#endpoints.get(id);
    if (ep === undefined) return 0;
    ep.handler(source, s, timestamp, vendorId);
    return 1;
  }

  /** The earliest deadline of any core, or +Infinity. */
  nextDeadline(): number {
    let at = Number.POSITIVE_INFINITY;
    for (const ep of this.#endpoints.values()) {
      const d = ep.core?.nextDeadline();
      if (d !== undefined && d < at) at = d;
    }
    return at;
  }

  /**
   * Runs `handleTimeout` on every core whose deadline is at or before `now`; returns the earliest
   * deadline afterwards (as {@link nextDeadline}), so a caller need not scan the cores again.
   */
  runDue(now: number): number {
    // Runs after every datagram: look before copying the endpoint list (usually nothing is due).
    let next = Number.POSITIVE_INFINITY;
    let isAnyDue = false;
    for (const ep of this.#endpoints.values()) {
      const d = ep.core?.nextDeadline();
      if (d === undefined) continue;
      if (d <= now) { isAnyDue = true; break; }
      if (d < next) next = d;
    }
    if (!isAnyDue) return next;
    for (const ep of [...this.#endpoints.values()]) {
      const d = ep.core?.nextDeadline();
      if (d !== undefined && d <= now && this.#endpoints.get(ep.entityId) === ep) ep.core?.handleTimeout();
    }
    return this.nextDeadline();
  }
}
