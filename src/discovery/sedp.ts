/**
 * The SEDP core (RTPS 2.5 §8.5.4; OpenDDS `Sedp.cpp`; spec/opendds-ice-and-rtpsrelay.md §2.4-2.5):
 * the builtin publications and subscriptions writers and readers (reliable, transient-local,
 * built on the reliability cores), the registry of local writers and readers and their
 * announcements, the table of remote ones, matching, and the "DATA" ICE intents.
 * Sans-I/O (STYLE.md rules 3-5).
 */
import type { ReceivedSample, ReliabilityTransmit } from '../reliability/index.js';
import { RtpsReader, RtpsWriter } from '../reliability/index.js';
import type {
  EndpointQos, Guid, GuidPrefix, IceAgentInfo, Locator, ProtocolVersion, RtpsMessage, SedpPublicationData,
  SedpSubscriptionData, SpdpParticipantData, Submessage,
} from '../rtps/index.js';
import {
  decodeBuiltinKey, decodeSedpPublicationData, decodeSedpSubscriptionData, encodeBuiltinKey, encodeSedpPublicationData,
  encodeSedpSubscriptionData, EntityIds, guidPrefixEquals, guidToString, ICE_KEY_DATA, isReaderEntity, isWriterEntity,
  PROTOCOL_VERSION_2_4, VendorIds,
} from '../rtps/index.js';
import type { Clock } from '../util/clock.js';
import { DecodeError, InvalidConfigError } from '../util/errors.js';
import { toHex } from '../util/hex.js';
import type { Logger } from '../util/logger.js';
import { BuiltinEndpointBits } from './builtin-endpoints.js';
import type { IceIntent } from './ice-intent.js';
import { IceIntentTable } from './ice-intent.js';
import type { IncompatiblePolicy } from './matching.js';
import { matchEndpoints } from './matching.js';
import {
  forEachAddressedSubmessage, keyHashOf, keyHashParameter, STATUS_INFO_DISPOSED, STATUS_INFO_UNREGISTERED, statusInfoOf,
  statusInfoParameter,
} from './receive.js';
import type { SpdpEvent } from './spdp.js';

/** The earlier of two optional deadlines. */
function earliest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined || a <= b ? a : b;
}

/**
 * One SEDP send, always to one remote participant: the transport puts INFO_DST with `to` in front
 * and sends it over the ICE-selected SEDP pair, else to that participant's metatraffic unicast
 * locators (and/or the relay). Fits one datagram of the reliability cores' `maxDatagramSize`.
 */
export interface SedpTransmit {
  readonly kind: 'sedp';
  readonly to: GuidPrefix;
  readonly submessages: readonly Submessage[];
}

export type RemoteEndpointData = SedpPublicationData | SedpSubscriptionData;

/** Why a match ended. */
export type UnmatchReason = 'remote-removed' | 'local-removed' | 'participant-lost' | 'qos-changed' | 'closed';

export type SedpEvent =
  /** A local writer and a remote reader (or local reader and remote writer) now match. */
  | { readonly kind: 'matched'; readonly local: Guid; readonly remote: RemoteEndpointData }
  | { readonly kind: 'unmatched'; readonly local: Guid; readonly remote: Guid; readonly reason: UnmatchReason }
  /** Same topic, type and partition, but `policy` is not compatible (DDS *_INCOMPATIBLE_QOS). Reported once per change. */
  | { readonly kind: 'incompatible-qos'; readonly local: Guid; readonly remote: Guid; readonly policy: IncompatiblePolicy }
  /** A remote writer's or reader's announcement arrived (new or changed). */
  | { readonly kind: 'remote-endpoint'; readonly endpoint: RemoteEndpointData; readonly isNew: boolean }
  | { readonly kind: 'remote-endpoint-removed'; readonly guid: Guid }
  | IceIntent;

/** Collaborators of {@link SedpCore}. */
export interface SedpDeps {
  readonly guidPrefix: GuidPrefix;
  readonly clock: Clock;
  /** Fire-and-forget; must not re-enter the core. */
  readonly send: (t: SedpTransmit) => void;
  /** Must not re-enter the core synchronously. */
  readonly emit: (e: SedpEvent) => void;
  readonly log: Logger;
}

/** User configuration of {@link SedpCore}; everything optional. Sources in docs/discovery.md. */
export interface SedpInit {
  /** PID_VENDORID in our announcements. Default VendorIds.UNKNOWN. */
  readonly vendorId?: number;
  readonly protocolVersion?: ProtocolVersion;
  /** Builtin writers' HEARTBEAT period, ms. Default 200 (OpenDDS `SedpHeartbeatPeriod`, spec §7.2). */
  readonly heartbeatPeriodMs?: number;
  /** Builtin writers' nackResponseDelay, ms. Default 10. */
  readonly nackResponseDelayMs?: number;
  /** Builtin readers' heartbeatResponseDelay, ms. Default 10. */
  readonly heartbeatResponseDelayMs?: number;
  /**
   * Builtin writers' history: 'keep-last' keeps the newest sample per endpoint (depth 1 per
   * instance), 'keep-all' every re-announcement until `maxSamples`. Default 'keep-last' (why: docs/discovery.md).
   */
  readonly history?: 'keep-last' | 'keep-all';
  /** Byte order of our announcements. Default true (PL_CDR_LE). */
  readonly littleEndian?: boolean;
}

export const DEFAULT_SEDP_INIT: Readonly<Required<SedpInit>> = Object.freeze({
  vendorId: VendorIds.UNKNOWN,
  protocolVersion: PROTOCOL_VERSION_2_4,
  heartbeatPeriodMs: 200,
  nackResponseDelayMs: 10,
  heartbeatResponseDelayMs: 10,
  history: 'keep-last',
  littleEndian: true,
});

/** A local writer or reader as the DDS layer registers it. */
export interface LocalEndpointInit {
  /** A user writer (kind 0x02/0x03) or reader (0x04/0x07) entity of our participant. */
  readonly guid: Guid;
  readonly topic: string;
  readonly type: string;
  readonly qos?: EndpointQos;
  /** PARTITION names (empty = the default partition ""); overrides `qos.partitions`. */
  readonly partitions?: readonly string[];
  /** Unicast locators of the endpoint's transport (empty: the participant's default locators apply). */
  readonly locators?: readonly Locator[];
  readonly multicastLocators?: readonly Locator[];
  /** "DATA" agent info of the endpoint's transport; present iff that transport runs ICE. */
  readonly ice?: IceAgentInfo;
}

/** A change to a local endpoint; `ice: null` turns ICE off for it. */
export interface LocalEndpointUpdate {
  readonly qos?: EndpointQos;
  readonly partitions?: readonly string[];
  readonly locators?: readonly Locator[];
  readonly multicastLocators?: readonly Locator[];
  readonly ice?: IceAgentInfo | null;
}

interface LocalEndpoint {
  readonly isWriter: boolean;
  data: RemoteEndpointData;
  ice: IceAgentInfo | undefined;
}

interface RemoteParticipant {
  readonly prefix: GuidPrefix;
  vendorId: number;
  builtinEndpoints: number;
}

interface RemoteEndpoint {
  readonly isWriter: boolean;
  data: RemoteEndpointData;
}

type PairState = { readonly kind: 'matched' } | { readonly kind: 'incompatible'; readonly policy: IncompatiblePolicy };

const E = EntityIds;
const BITS = BuiltinEndpointBits;

function guidKey(g: Guid): string {
  return guidToString(g);
}

/**
 * The SEDP state of one local participant. Usage: connect SPDP's events with `handleSpdpEvent`,
 * register local endpoints, feed every RTPS message of the SEDP socket to `handleMessage`, run
 * `handleTimeout` when `nextDeadline()` has passed.
 */
export class SedpCore {
  readonly #deps: SedpDeps;
  readonly #config: Readonly<Required<SedpInit>>;
  readonly #log: Logger;
  readonly #pubWriter: RtpsWriter;
  readonly #subWriter: RtpsWriter;
  readonly #pubReader: RtpsReader;
  readonly #subReader: RtpsReader;
  readonly #participants = new Map<string, RemoteParticipant>();
  readonly #locals = new Map<string, LocalEndpoint>();
  readonly #remotes = new Map<string, RemoteEndpoint>();
  /** `${local}|${remote}` -> state, for pairs of the same topic, type and partition. */
  readonly #pairs = new Map<string, PairState>();
  readonly #intents: IceIntentTable;
  readonly #inbox: { readonly isPublication: boolean; readonly sample: ReceivedSample }[] = [];
  #malformed = 0;
  #isClosed = false;

  /** @throws InvalidConfigError */
  constructor(deps: SedpDeps, init: SedpInit = {}) {
    this.#deps = deps;
    this.#config = Object.freeze({ ...DEFAULT_SEDP_INIT, ...init });
    // Guards JavaScript callers and configuration read from files.
    if (!['keep-last', 'keep-all'].includes(this.#config.history)) throw new InvalidConfigError('history', `unknown kind ${this.#config.history}`);
    this.#log = deps.log.child('sedp');
    this.#intents = new IceIntentTable((i) => { deps.emit(i); });
    const c = this.#config;
    const writerInit = {
      history: c.history, depth: 1, durability: 'transient-local', heartbeatPeriodMs: c.heartbeatPeriodMs,
      nackResponseDelayMs: c.nackResponseDelayMs,
    } as const;
    const writer = (entityId: number): RtpsWriter => new RtpsWriter({
      guid: { prefix: deps.guidPrefix, entityId }, clock: deps.clock, log: this.#log,
      send: (t) => { this.#fanOut(t, entityId); },
      emit: () => undefined,
    }, writerInit);
    const reader = (entityId: number, isPublication: boolean): RtpsReader => new RtpsReader({
      guid: { prefix: deps.guidPrefix, entityId }, clock: deps.clock, log: this.#log,
      send: (t) => { this.#fanOut(t, entityId); },
      deliver: (sample) => { this.#inbox.push({ isPublication, sample }); },
      emit: () => undefined,
    }, { heartbeatResponseDelayMs: c.heartbeatResponseDelayMs });
    this.#pubWriter = writer(E.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER);
    this.#subWriter = writer(E.SEDP_BUILTIN_SUBSCRIPTIONS_ANNOUNCER);
    this.#pubReader = reader(E.SEDP_BUILTIN_PUBLICATIONS_DETECTOR, true);
    this.#subReader = reader(E.SEDP_BUILTIN_SUBSCRIPTIONS_DETECTOR, false);
  }

  get config(): Readonly<Required<SedpInit>> {
    return this.#config;
  }

  /** Announcements that did not decode (counted, logged, dropped). */
  get malformedCount(): number {
    return this.#malformed;
  }

  /** The builtin writers and readers, for status queries and tests. */
  get builtins(): { readonly publicationsWriter: RtpsWriter; readonly subscriptionsWriter: RtpsWriter; readonly publicationsReader: RtpsReader; readonly subscriptionsReader: RtpsReader } {
    return { publicationsWriter: this.#pubWriter, subscriptionsWriter: this.#subWriter, publicationsReader: this.#pubReader, subscriptionsReader: this.#subReader };
  }

  /** Known remote writers and readers. */
  remoteEndpoints(): RemoteEndpointData[] {
    return [...this.#remotes.values()].map((r) => r.data);
  }

  /** The remote GUIDs currently matched with `local`. */
  matchesOf(local: Guid): Guid[] {
    const prefix = `${guidKey(local)}|`;
    const out: Guid[] = [];
    for (const [k, s] of this.#pairs) {
      if (s.kind === 'matched' && k.startsWith(prefix)) {
        const r = this.#remotes.get(k.slice(prefix.length));
        if (r !== undefined) out.push(r.data.endpointGuid);
      }
    }
    return out;
  }

  /** Wires SPDP to SEDP: discovered/updated participants get builtin proxies, lost ones lose everything. */
  handleSpdpEvent(e: SpdpEvent): void {
    switch (e.kind) {
      case 'participant-discovered': this.addRemoteParticipant(e.participant); break;
      case 'participant-updated': this.addRemoteParticipant(e.participant); break;
      case 'participant-lost': this.removeRemoteParticipant(e.participant.guidPrefix); break;
      case 'ice-start': case 'ice-stop': break;
      default: { const never: never = e; return never; }
    }
  }

  /**
   * Adds (or updates) a remote participant: proxies for the builtin endpoints its
   * BuiltinEndpointSet advertises (RTPS 2.5 §8.5.5.1), removed for those it no longer does.
   */
  addRemoteParticipant(p: SpdpParticipantData): void {
    if (this.#isClosed || guidPrefixEquals(p.guidPrefix, this.#deps.guidPrefix)) return;
    const key = toHex(p.guidPrefix);
    const prev = this.#participants.get(key);
    const before = prev?.builtinEndpoints ?? 0;
    this.#participants.set(key, { prefix: p.guidPrefix, vendorId: p.vendorId, builtinEndpoints: p.builtinEndpoints });
    const prefix = p.guidPrefix;
    const sync = (bit: number, add: () => void, remove: () => void): void => {
      const had = (before & bit) !== 0;
      const has = (p.builtinEndpoints & bit) !== 0;
      if (has && !had) add();
      if (had && !has) remove();
    };
    const tl = { reliable: true, durability: 'transient-local' } as const;
    sync(BITS.PUBLICATIONS_DETECTOR,
      () => this.#pubWriter.addReaderProxy({ prefix, entityId: E.SEDP_BUILTIN_PUBLICATIONS_DETECTOR }, tl),
      () => this.#pubWriter.removeReaderProxy({ prefix, entityId: E.SEDP_BUILTIN_PUBLICATIONS_DETECTOR }));
    sync(BITS.SUBSCRIPTIONS_DETECTOR,
      () => this.#subWriter.addReaderProxy({ prefix, entityId: E.SEDP_BUILTIN_SUBSCRIPTIONS_DETECTOR }, tl),
      () => this.#subWriter.removeReaderProxy({ prefix, entityId: E.SEDP_BUILTIN_SUBSCRIPTIONS_DETECTOR }));
    sync(BITS.PUBLICATIONS_ANNOUNCER,
      () => this.#pubReader.addWriterProxy({ prefix, entityId: E.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER }, { reliable: true }),
      () => this.#pubReader.removeWriterProxy({ prefix, entityId: E.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER }));
    sync(BITS.SUBSCRIPTIONS_ANNOUNCER,
      () => this.#subReader.addWriterProxy({ prefix, entityId: E.SEDP_BUILTIN_SUBSCRIPTIONS_ANNOUNCER }, { reliable: true }),
      () => this.#subReader.removeWriterProxy({ prefix, entityId: E.SEDP_BUILTIN_SUBSCRIPTIONS_ANNOUNCER }));
  }

  /** Forgets a remote participant: its proxies, its endpoints (unmatched, ICE stopped). */
  removeRemoteParticipant(prefix: GuidPrefix): void {
    const key = toHex(prefix);
    if (!this.#participants.delete(key)) return;
    this.#pubWriter.removeReaderProxy({ prefix, entityId: E.SEDP_BUILTIN_PUBLICATIONS_DETECTOR });
    this.#subWriter.removeReaderProxy({ prefix, entityId: E.SEDP_BUILTIN_SUBSCRIPTIONS_DETECTOR });
    this.#pubReader.removeWriterProxy({ prefix, entityId: E.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER });
    this.#subReader.removeWriterProxy({ prefix, entityId: E.SEDP_BUILTIN_SUBSCRIPTIONS_ANNOUNCER });
    for (const r of [...this.#remotes.values()]) {
      if (guidPrefixEquals(r.data.endpointGuid.prefix, prefix)) this.#removeRemote(r.data.endpointGuid, 'participant-lost');
    }
  }

  /** Registers and announces a local writer. @throws InvalidConfigError for a non-writer or foreign GUID, or a duplicate. */
  addLocalWriter(init: LocalEndpointInit): void {
    this.#addLocal(init, true);
  }

  /** Registers and announces a local reader. @throws InvalidConfigError as {@link addLocalWriter}. */
  addLocalReader(init: LocalEndpointInit): void {
    this.#addLocal(init, false);
  }

  /**
   * Changes a local writer or reader and re-announces it (a new sample of the same instance), e.g.
   * after its transport's ICE password rotated (spec §2.5, §10 item 8). Matches are re-evaluated.
   * @throws InvalidConfigError for an unknown GUID.
   */
  updateLocal(guid: Guid, update: LocalEndpointUpdate): void {
    const l = this.#locals.get(guidKey(guid));
    if (l === undefined) throw new InvalidConfigError('guid', `${guidToString(guid)} is not a local endpoint`);
    const ice = update.ice === undefined ? l.ice : update.ice ?? undefined;
    const qos = { ...(update.qos ?? l.data.qos) };
    const partitions = update.partitions ?? (update.qos ? update.qos.partitions : l.data.qos.partitions);
    l.data = {
      ...l.data,
      qos: { ...qos, ...(partitions !== undefined && { partitions }) },
      unicastLocators: update.locators ?? l.data.unicastLocators,
      multicastLocators: update.multicastLocators ?? l.data.multicastLocators,
      ice: ice === undefined ? new Map() : new Map([[ICE_KEY_DATA, ice]]),
    };
    l.ice = ice;
    this.#announce(l);
    for (const r of this.#remotes.values()) this.#evaluate(l, r);
  }

  /** Alias of {@link updateLocal} for a writer. */
  updateLocalWriter(guid: Guid, update: LocalEndpointUpdate): void {
    this.updateLocal(guid, update);
  }

  /** Alias of {@link updateLocal} for a reader. */
  updateLocalReader(guid: Guid, update: LocalEndpointUpdate): void {
    this.updateLocal(guid, update);
  }

  /** Unregisters a local writer or reader: disposes its instance (key-only DATA, status info 3) and unmatches it. */
  removeLocal(guid: Guid): void {
    const key = guidKey(guid);
    const l = this.#locals.get(key);
    if (l === undefined) return;
    this.#locals.delete(key);
    const writer = l.isWriter ? this.#pubWriter : this.#subWriter;
    this.#write(writer, {
      serializedData: encodeBuiltinKey('endpoint', guid, { littleEndian: this.#config.littleEndian }),
      isKey: true,
      instanceKey: key,
      inlineQos: [keyHashParameter(guid.prefix, guid.entityId), statusInfoParameter(STATUS_INFO_DISPOSED | STATUS_INFO_UNREGISTERED)],
    });
    for (const pk of [...this.#pairs.keys()]) {
      if (!pk.startsWith(`${key}|`)) continue;
      const r = this.#remotes.get(pk.slice(key.length + 1));
      if (r !== undefined) this.#unpair(l.data.endpointGuid, r.data.endpointGuid, 'local-removed');
      this.#pairs.delete(pk);
    }
  }

  removeLocalWriter(guid: Guid): void {
    this.removeLocal(guid);
  }

  removeLocalReader(guid: Guid): void {
    this.removeLocal(guid);
  }

  /**
   * Input: one decoded RTPS message from the SEDP socket. Builtin DATA / HEARTBEAT / GAP go to our
   * detectors, ACKNACK / NACK_FRAG to our announcers; announcements delivered by the detectors are
   * decoded and matched before this returns. Never throws for bad input.
   */
  handleMessage(message: RtpsMessage): void {
    if (this.#isClosed) return;
    forEachAddressedSubmessage(message, this.#deps.guidPrefix, (s, ctx) => {
      switch (s.kind) {
        case 'data': case 'data-frag': case 'heartbeat': case 'heartbeat-frag': case 'gap':
          if (s.writerId === E.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER) this.#pubReader.handleSubmessage(ctx.sourcePrefix, s, ctx.timestamp);
          else if (s.writerId === E.SEDP_BUILTIN_SUBSCRIPTIONS_ANNOUNCER) this.#subReader.handleSubmessage(ctx.sourcePrefix, s, ctx.timestamp);
          break;
        case 'acknack': case 'nack-frag':
          if (s.writerId === E.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER) this.#pubWriter.handleSubmessage(ctx.sourcePrefix, s);
          else if (s.writerId === E.SEDP_BUILTIN_SUBSCRIPTIONS_ANNOUNCER) this.#subWriter.handleSubmessage(ctx.sourcePrefix, s);
          break;
        case 'info-dst': case 'info-reply-ip4': case 'info-reply': case 'info-src': case 'info-ts': case 'pad': case 'unknown':
          break;
        default: { const never: never = s; return never; }
      }
    });
    this.#drainInbox();
  }

  /** The earliest deadline of the builtin writers and readers (HEARTBEATs, repairs, ACKNACKs). */
  nextDeadline(): number | undefined {
    // Asked after every datagram the participant receives: no array per call.
    return earliest(earliest(this.#pubWriter.nextDeadline(), this.#subWriter.nextDeadline()), earliest(this.#pubReader.nextDeadline(), this.#subReader.nextDeadline()));
  }

  handleTimeout(): void {
    if (this.#isClosed) return;
    const now = this.#deps.clock.now();
    for (const c of [this.#pubWriter, this.#subWriter, this.#pubReader, this.#subReader]) {
      const d = c.nextDeadline();
      if (d !== undefined && d <= now) c.handleTimeout();
    }
    this.#drainInbox();
  }

  /**
   * Stops every DATA ICE session this core started (ice-stop events), drops every proxy, match and
   * endpoint, and leaves no deadline. No disposals are sent: the SPDP dispose tells peers we left.
   */
  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#intents.stopWhere(() => true);
    this.#pairs.clear();
    this.#remotes.clear();
    this.#locals.clear();
    this.#participants.clear();
    this.#inbox.length = 0;
    for (const c of [this.#pubWriter, this.#subWriter, this.#pubReader, this.#subReader]) c.close();
  }

  #fanOut(t: ReliabilityTransmit, fromEntity: number): void {
    if (t.to !== 'all-matched') {
      this.#deps.send({ kind: 'sedp', to: t.to, submessages: t.submessages });
      return;
    }
    // The builtin writers know their readers: fan out here so the transport only ever sees one destination.
    const writer = fromEntity === E.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER ? this.#pubWriter : this.#subWriter;
    const seen = new Set<string>();
    for (const p of writer.readerProxies()) {
      const k = toHex(p.guid.prefix);
      if (seen.has(k)) continue;
      seen.add(k);
      this.#deps.send({ kind: 'sedp', to: p.guid.prefix, submessages: t.submessages });
    }
  }

  #addLocal(init: LocalEndpointInit, isWriter: boolean): void {
    if (this.#isClosed) throw new InvalidConfigError('sedp', 'closed');
    const { guid } = init;
    if (!guidPrefixEquals(guid.prefix, this.#deps.guidPrefix)) throw new InvalidConfigError('guid', 'not of this participant');
    if (isWriter ? !isWriterEntity(guid.entityId) : !isReaderEntity(guid.entityId)) {
      throw new InvalidConfigError('guid', `${guidToString(guid)} is not a ${isWriter ? 'writer' : 'reader'} entity`);
    }
    const key = guidKey(guid);
    if (this.#locals.has(key)) throw new InvalidConfigError('guid', `${guidToString(guid)} is already registered`);
    const qos = init.qos ?? {};
    const partitions = init.partitions ?? qos.partitions;
    const data: RemoteEndpointData = {
      endpointGuid: { prefix: guid.prefix.slice(), entityId: guid.entityId },
      participantGuid: { prefix: guid.prefix.slice(), entityId: E.PARTICIPANT },
      topicName: init.topic,
      typeName: init.type,
      protocolVersion: this.#config.protocolVersion,
      vendorId: this.#config.vendorId,
      qos: { ...qos, ...(partitions !== undefined && { partitions }) },
      unicastLocators: init.locators ?? [],
      multicastLocators: init.multicastLocators ?? [],
      ice: init.ice === undefined ? new Map() : new Map([[ICE_KEY_DATA, init.ice]]),
      unknownParameters: [],
    };
    const l: LocalEndpoint = { isWriter, data, ice: init.ice };
    this.#locals.set(key, l);
    this.#announce(l);
    for (const r of this.#remotes.values()) this.#evaluate(l, r);
  }

  #announce(l: LocalEndpoint): void {
    const opts = { littleEndian: this.#config.littleEndian };
    const g = l.data.endpointGuid;
    this.#write(l.isWriter ? this.#pubWriter : this.#subWriter, {
      serializedData: l.isWriter ? encodeSedpPublicationData(l.data, opts) : encodeSedpSubscriptionData(l.data, opts),
      instanceKey: guidKey(g),
      inlineQos: [keyHashParameter(g.prefix, g.entityId)],
    });
  }

  #write(writer: RtpsWriter, input: Parameters<RtpsWriter['write']>[0]): void {
    const r = writer.write(input);
    if (r.kind === 'history-full') this.#log.error('builtin history full, announcement not sent', { historySize: r.historySize });
  }

  #drainInbox(): void {
    while (this.#inbox.length > 0) {
      const item = this.#inbox.shift();
      if (item !== undefined) this.#onSample(item.isPublication, item.sample);
    }
  }

  #onSample(isPublication: boolean, sample: ReceivedSample): void {
    const status = statusInfoOf(sample.inlineQos);
    const sender = sample.writer.prefix;
    if (sample.serializedKey !== undefined || (status & (STATUS_INFO_DISPOSED | STATUS_INFO_UNREGISTERED)) !== 0) {
      const hash = keyHashOf(sample.inlineQos);
      let guid: Guid | undefined = hash && { prefix: hash.subarray(0, 12), entityId: ((hash[12] ?? 0) * 0x1000000) + (((hash[13] ?? 0) << 16) | ((hash[14] ?? 0) << 8) | (hash[15] ?? 0)) };
      const payload = sample.serializedKey ?? sample.serializedData;
      if (guid === undefined && payload !== undefined) {
        try { guid = decodeBuiltinKey(payload); } catch (err) {
          // Counted below as malformed when nothing names the endpoint.
          if (!(err instanceof DecodeError)) throw err;
        }
      }
      if (guid === undefined) { this.#malformed++; return; }
      this.#removeRemote(guid, 'remote-removed');
      return;
    }
    if (sample.serializedData === undefined) return;
    const vendorId = this.#participants.get(toHex(sender))?.vendorId ?? VendorIds.UNKNOWN;
    let data: RemoteEndpointData;
    try {
      data = isPublication ? decodeSedpPublicationData(sample.serializedData, vendorId) : decodeSedpSubscriptionData(sample.serializedData, vendorId);
    } catch (err) {
      // One bad announcement must not stop the others (STYLE.md rule 7: counted, logged, dropped).
      if (!(err instanceof DecodeError)) throw err;
      this.#malformed++;
      this.#log.warn('malformed SEDP announcement', { field: err.field, offset: err.offset, reason: err.reason });
      return;
    }
    // A participant announces only its own endpoints.
    if (!guidPrefixEquals(data.endpointGuid.prefix, sender)) { this.#malformed++; return; }
    const isWriter = isPublication;
    const key = guidKey(data.endpointGuid);
    const existing = this.#remotes.get(key);
    const r: RemoteEndpoint = existing ?? { isWriter, data };
    r.data = data;
    if (existing === undefined) this.#remotes.set(key, r);
    this.#deps.emit({ kind: 'remote-endpoint', endpoint: data, isNew: existing === undefined });
    for (const l of this.#locals.values()) this.#evaluate(l, r);
  }

  #removeRemote(guid: Guid, reason: UnmatchReason): void {
    const key = guidKey(guid);
    const r = this.#remotes.get(key);
    if (r === undefined) return;
    this.#remotes.delete(key);
    for (const l of this.#locals.values()) {
      const pk = `${guidKey(l.data.endpointGuid)}|${key}`;
      if (this.#pairs.get(pk)?.kind === 'matched') this.#unpair(l.data.endpointGuid, r.data.endpointGuid, reason);
      this.#pairs.delete(pk);
    }
    this.#deps.emit({ kind: 'remote-endpoint-removed', guid: r.data.endpointGuid });
  }

  #unpair(local: Guid, remote: Guid, reason: UnmatchReason): void {
    // spec §2.5: unmatching stops ICE for the pair.
    this.#intents.stop('DATA', local, remote);
    this.#deps.emit({ kind: 'unmatched', local, remote, reason });
  }

  /** (Re-)evaluates one local/remote pair and emits what changed. */
  #evaluate(l: LocalEndpoint, r: RemoteEndpoint): void {
    if (l.isWriter === r.isWriter) return;
    const result = l.isWriter ? matchEndpoints(l.data, r.data) : matchEndpoints(r.data, l.data);
    const local = l.data.endpointGuid;
    const remote = r.data.endpointGuid;
    const pk = `${guidKey(local)}|${guidKey(remote)}`;
    const prev = this.#pairs.get(pk);
    if (result.kind === 'match') {
      if (prev?.kind !== 'matched') {
        this.#pairs.set(pk, { kind: 'matched' });
        this.#deps.emit({ kind: 'matched', local, remote: r.data });
      }
      // spec §2.5: local endpoint with ICE matched with a remote that has "DATA" info → start
      // (again when the info changed); info gone → stop.
      const info = r.data.ice.get(ICE_KEY_DATA);
      if (l.ice !== undefined && info !== undefined) this.#intents.start('DATA', local, remote, info);
      else this.#intents.stop('DATA', local, remote);
      return;
    }
    if (prev?.kind === 'matched') this.#unpair(local, remote, 'qos-changed');
    if (result.kind === 'no-match') { this.#pairs.delete(pk); return; }
    if (prev?.kind !== 'incompatible' || prev.policy !== result.policy) {
      this.#deps.emit({ kind: 'incompatible-qos', local, remote, policy: result.policy });
    }
    this.#pairs.set(pk, { kind: 'incompatible', policy: result.policy });
  }
}
