/**
 * The SPDP core (RTPS 2.5 §8.5.3; OpenDDS `Spdp.cpp`; spec/opendds-ice-and-rtpsrelay.md §2.4-2.5,
 * §7.2): the local participant's periodic announcement as a stateless best-effort writer, the table
 * of remote participants with lease expiry, and the ICE intents for the "SPDP" and "SEDP" keys.
 * Sans-I/O (STYLE.md rules 3-5): input through `handleMessage` / `handleParticipantData`, output
 * through `deps.send` / `deps.emit`, time through `deps.clock`, `nextDeadline()`, `handleTimeout()`.
 */
import type {
  DataSubmessage, Guid, GuidPrefix, IceAgentInfo, InfoTsSubmessage, Locator, ProtocolVersion, RtpsMessage,
  SpdpParticipantData, Submessage,
} from '../rtps/index.js';
import {
  decodeBuiltinKey, decodeSpdpParticipantData, encodeBuiltinKey, encodeSpdpParticipantData, EntityIds, guidPrefixEquals,
  ICE_KEY_SEDP, ICE_KEY_SPDP, locatorToString, PROTOCOL_VERSION_2_4, VendorIds,
} from '../rtps/index.js';
import type { Clock } from '../util/clock.js';
import { DecodeError, InvalidConfigError } from '../util/errors.js';
import { FibonacciSequence } from '../util/fibonacci-sequence.js';
import { bytesEqual, toHex } from '../util/hex.js';
import type { Logger } from '../util/logger.js';
import { DEFAULT_BUILTIN_ENDPOINTS, sedpEndpointPairings } from './builtin-endpoints.js';
import type { IceIntent } from './ice-intent.js';
import { iceAgentInfoEquals, IceIntentTable } from './ice-intent.js';
import type { ReceiveContext } from './receive.js';
import {
  forEachAddressedSubmessage, keyHashOf, keyHashParameter, STATUS_INFO_DISPOSED, STATUS_INFO_UNREGISTERED, statusInfoOf,
  statusInfoParameter,
} from './receive.js';

/**
 * One SPDP send. `to: 'announce'`: the periodic announcement; the transport sends it to the SPDP
 * multicast group and the configured unicast peers (not under RtpsRelayOnly). `to: 'relay'`: the
 * announcement for the RtpsRelay's SPDP port, on its own schedule (spec §6.3). `to: GuidPrefix`: a
 * directed copy for one participant; the transport puts INFO_DST in front and sends it to that
 * participant's SPDP locators (and, with a relay configured, through the relay).
 */
export interface SpdpTransmit {
  readonly kind: 'spdp';
  readonly to: 'announce' | 'relay' | GuidPrefix;
  readonly submessages: readonly Submessage[];
}

/** Our four announced locator lists (RTPS 2.5 §8.5.3.2). */
export interface SpdpLocators {
  readonly metatrafficUnicastLocators?: readonly Locator[];
  readonly metatrafficMulticastLocators?: readonly Locator[];
  readonly defaultUnicastLocators?: readonly Locator[];
  readonly defaultMulticastLocators?: readonly Locator[];
}

/** What changed in a re-announcement that matters to the layers above. */
export type SpdpChange = 'ice' | 'locators' | 'builtin-endpoints' | 'lease-duration' | 'user-data' | 'properties';

export type SpdpEvent =
  | { readonly kind: 'participant-discovered'; readonly participant: SpdpParticipantData }
  | {
    readonly kind: 'participant-updated'; readonly participant: SpdpParticipantData; readonly previous: SpdpParticipantData;
    readonly changes: readonly SpdpChange[];
  }
  | { readonly kind: 'participant-lost'; readonly participant: SpdpParticipantData; readonly reason: 'lease-expired' | 'disposed' }
  | IceIntent;

/** Collaborators of {@link SpdpCore}. */
export interface SpdpDeps {
  /** The local participant's GUID prefix. */
  readonly guidPrefix: GuidPrefix;
  readonly clock: Clock;
  /** Fire-and-forget; must not re-enter the core. */
  readonly send: (t: SpdpTransmit) => void;
  /** Events in the order they happen; must not re-enter the core. */
  readonly emit: (e: SpdpEvent) => void;
  readonly log: Logger;
}

/** User configuration of {@link SpdpCore}; everything optional. Sources in docs/discovery.md. */
export interface SpdpInit {
  /** DDS domain id; announcements of other domains are ignored. Default 0. */
  readonly domainId?: number;
  /** RTPS 2.5 domain tag; announcements with another tag are ignored. Default '' (not sent). */
  readonly domainTag?: string;
  /** Our vendor id (PID_VENDORID). Default VendorIds.UNKNOWN (0x0000): we are not OpenDDS. */
  readonly vendorId?: number;
  /** PID_PROTOCOL_VERSION. Default 2.4 (what OpenDDS sends). */
  readonly protocolVersion?: ProtocolVersion;
  /** PID_BUILTIN_ENDPOINT_SET. Default: SPDP + SEDP publications/subscriptions announcers and detectors. */
  readonly builtinEndpoints?: number;
  /** PID_PARTICIPANT_LEASE_DURATION, ms. Default 300,000 (OpenDDS `LeaseDuration`). */
  readonly leaseDurationMs?: number;
  /** Period of the announcement, ms. Default 30,000 (OpenDDS `ResendPeriod`, spec §7.2). */
  readonly resendPeriodMs?: number;
  /** Announcements of the initial burst (the first at construction). Default 5. */
  readonly initialAnnouncements?: number;
  /** Spacing of the initial burst, ms. Default 200 (OpenDDS `SedpHeartbeatPeriod`, spec §7.2). */
  readonly initialAnnouncementPeriodMs?: number;
  /** Send our announcement directed to a participant the moment it is discovered. Default true. */
  readonly replyToNewParticipants?: boolean;
  /** Announce at once (not at the next period) when ICE info or locators change. Default true. */
  readonly announceOnChange?: boolean;
  /** Byte order of what we send. Default true (PL_CDR_LE, as OpenDDS on x86). */
  readonly littleEndian?: boolean;
  readonly metatrafficUnicastLocators?: readonly Locator[];
  readonly metatrafficMulticastLocators?: readonly Locator[];
  readonly defaultUnicastLocators?: readonly Locator[];
  readonly defaultMulticastLocators?: readonly Locator[];
  /** Our ICE agent info per key ("SPDP", "SEDP"); a key is present iff that endpoint runs ICE. Default none. */
  readonly ice?: ReadonlyMap<string, IceAgentInfo>;
  /** PID_ENTITY_NAME; '' = not sent. Default ''. */
  readonly entityName?: string;
  /** PID_PROPERTY_LIST entries (e.g. the identity fingerprint, docs/security.md); empty = not sent. Default none. */
  readonly properties?: readonly { readonly name: string; readonly value: string }[];
  /**
   * OpenDDS `UndirectedSpdp`. Default true. False: every periodic announcement goes directed
   * (INFO_DST) to each known participant instead, as the RtpsRelay's application participant does
   * (spec §8.1: `UndirectedSpdp=0`, `PeriodicDirectedSpdp=1`).
   */
  readonly undirected?: boolean;
  /**
   * Cap of the schedule of announcements to the RtpsRelay (OpenDDS `SpdpRtpsRelaySendPeriod`, spec
   * §6.3), ms; 0 = no relay. The first is sent at once, then after `relayInitialPeriodMs`·(1, 2, 3,
   * 5, 8, …) up to this cap. Discovering a new relay application participant restarts the schedule.
   * Default 0.
   */
  readonly relaySendPeriodMs?: number;
  /** First delay of the relay schedule (SedpHeartbeatPeriod, spec §6.3), ms. Default 200. */
  readonly relayInitialPeriodMs?: number;
  /** Announce PID_OPENDDS_RTPS_RELAY_APPLICATION_PARTICIPANT = true (the relay's own participant). Default false. */
  readonly isRtpsRelayApplicationParticipant?: boolean;
}

export const DEFAULT_SPDP_INIT: Readonly<Required<SpdpInit>> = Object.freeze({
  domainId: 0,
  domainTag: '',
  vendorId: VendorIds.UNKNOWN,
  protocolVersion: PROTOCOL_VERSION_2_4,
  builtinEndpoints: DEFAULT_BUILTIN_ENDPOINTS,
  leaseDurationMs: 300_000,
  resendPeriodMs: 30_000,
  initialAnnouncements: 5,
  initialAnnouncementPeriodMs: 200,
  replyToNewParticipants: true,
  announceOnChange: true,
  littleEndian: true,
  metatrafficUnicastLocators: [],
  metatrafficMulticastLocators: [],
  defaultUnicastLocators: [],
  defaultMulticastLocators: [],
  ice: new Map<string, IceAgentInfo>(),
  entityName: '',
  properties: [],
  undirected: true,
  relaySendPeriodMs: 0,
  relayInitialPeriodMs: 200,
  isRtpsRelayApplicationParticipant: false,
});

/** Why an SPDP input was ignored (counted in {@link SpdpCore.drops}). */
export type SpdpDropReason = 'own' | 'other-domain' | 'malformed' | 'fragmented' | 'unknown-dispose';

interface RemoteParticipant {
  data: SpdpParticipantData;
  expiresAt: number;
}

/** A DATA(p) is keyed by the participant GUID (RTPS 2.5 §8.5.3.2). */
function participantGuid(prefix: GuidPrefix): Guid {
  return { prefix, entityId: EntityIds.PARTICIPANT };
}

function locatorsKey(p: SpdpParticipantData): string {
  return [p.metatrafficUnicastLocators, p.metatrafficMulticastLocators, p.defaultUnicastLocators, p.defaultMulticastLocators]
    .map((ls) => ls.map(locatorToString).join(',')).join(';');
}

function iceMapsEqual(a: ReadonlyMap<string, IceAgentInfo>, b: ReadonlyMap<string, IceAgentInfo>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) if (!iceAgentInfoEquals(v, b.get(k))) return false;
  return true;
}

function changesBetween(prev: SpdpParticipantData, next: SpdpParticipantData): SpdpChange[] {
  const out: SpdpChange[] = [];
  if (!iceMapsEqual(prev.ice, next.ice)) out.push('ice');
  if (locatorsKey(prev) !== locatorsKey(next)) out.push('locators');
  if (prev.builtinEndpoints !== next.builtinEndpoints) out.push('builtin-endpoints');
  if (prev.leaseDurationMs !== next.leaseDurationMs) out.push('lease-duration');
  const ud = (p: SpdpParticipantData): Uint8Array => p.userData ?? new Uint8Array(0);
  if (!bytesEqual(ud(prev), ud(next))) out.push('user-data');
  if (JSON.stringify(prev.properties) !== JSON.stringify(next.properties)) out.push('properties');
  return out;
}

function validate(c: Readonly<Required<SpdpInit>>): void {
  if (!Number.isInteger(c.domainId) || c.domainId < 0 || c.domainId > 232) throw new InvalidConfigError('domainId', `${c.domainId} is not in 0..232`);
  if (!Number.isInteger(c.vendorId) || c.vendorId < 0 || c.vendorId > 0xffff) throw new InvalidConfigError('vendorId', `${c.vendorId} is not a 16-bit value`);
  if (!(c.leaseDurationMs > 0)) throw new InvalidConfigError('leaseDurationMs', `${c.leaseDurationMs} must be > 0`);
  if (!Number.isFinite(c.resendPeriodMs) || c.resendPeriodMs <= 0) throw new InvalidConfigError('resendPeriodMs', `${c.resendPeriodMs} must be finite and > 0`);
  if (c.resendPeriodMs >= c.leaseDurationMs) throw new InvalidConfigError('resendPeriodMs', 'must be shorter than leaseDurationMs, or peers expire us between announcements');
  if (!Number.isInteger(c.initialAnnouncements) || c.initialAnnouncements < 1) throw new InvalidConfigError('initialAnnouncements', 'must be an integer >= 1');
  if (!Number.isFinite(c.initialAnnouncementPeriodMs) || c.initialAnnouncementPeriodMs <= 0) {
    throw new InvalidConfigError('initialAnnouncementPeriodMs', 'must be finite and > 0');
  }
  if (!Number.isFinite(c.relaySendPeriodMs) || c.relaySendPeriodMs < 0) throw new InvalidConfigError('relaySendPeriodMs', 'must be finite and >= 0 (0 = no relay)');
  if (!Number.isFinite(c.relayInitialPeriodMs) || c.relayInitialPeriodMs <= 0) throw new InvalidConfigError('relayInitialPeriodMs', 'must be finite and > 0');
}

/**
 * The SPDP state of one local participant. Usage: construct (the first announcement is due at
 * once), feed every RTPS message of the SPDP socket to `handleMessage`, run `handleTimeout` when
 * `nextDeadline()` has passed, and `close()` to send the dispose and stop.
 */
export class SpdpCore {
  readonly #deps: SpdpDeps;
  readonly #config: Readonly<Required<SpdpInit>>;
  readonly #log: Logger;
  readonly #participants = new Map<string, RemoteParticipant>();
  readonly #intents: IceIntentTable;
  readonly #drops: Record<SpdpDropReason, number> = { own: 0, 'other-domain': 0, malformed: 0, fragmented: 0, 'unknown-dispose': 0 };
  #ice: ReadonlyMap<string, IceAgentInfo>;
  #locators: Required<SpdpLocators>;
  #seq = 0;
  #announcements = 0;
  #announceAt: number | undefined;
  #payload: Uint8Array | undefined;
  #isClosed = false;
  /** Next announcement to the relay (spec §6.3), undefined without a relay. */
  #relayAt: number | undefined;
  readonly #relayCadence: FibonacciSequence;
  /** Hex prefix of the relay application participant last discovered (spec §6.3: only one is kept). */
  #relayApplicationParticipant: string | undefined;

  /** @throws InvalidConfigError */
  constructor(deps: SpdpDeps, init: SpdpInit = {}) {
    this.#deps = deps;
    this.#config = Object.freeze({ ...DEFAULT_SPDP_INIT, ...init });
    validate(this.#config);
    this.#log = deps.log.child('spdp');
    this.#intents = new IceIntentTable((i) => { deps.emit(i); });
    this.#ice = new Map(this.#config.ice);
    const c = this.#config;
    this.#locators = {
      metatrafficUnicastLocators: c.metatrafficUnicastLocators, metatrafficMulticastLocators: c.metatrafficMulticastLocators,
      defaultUnicastLocators: c.defaultUnicastLocators, defaultMulticastLocators: c.defaultMulticastLocators,
    };
    this.#announceAt = deps.clock.now();
    this.#relayCadence = new FibonacciSequence(c.relayInitialPeriodMs);
    // `undirected: false` (the relay application participant) has nothing undirected to give the relay.
    if (c.relaySendPeriodMs > 0 && c.undirected) this.#relayAt = deps.clock.now();
  }

  /** Hex prefix of the relay's application participant, once discovered (spec §6.3). */
  get relayApplicationParticipant(): string | undefined {
    return this.#relayApplicationParticipant;
  }

  /**
   * Restarts the relay schedule and sends to the relay at the next `handleTimeout` (spec §6.2: on
   * enable, relay configuration changes, a new relay application participant). No-op without a relay.
   */
  resetRelaySchedule(): void {
    if (this.#config.relaySendPeriodMs <= 0 || !this.#config.undirected || this.#isClosed) return;
    this.#relayCadence.set(this.#config.relayInitialPeriodMs);
    this.#relayAt = this.#deps.clock.now();
  }

  get config(): Readonly<Required<SpdpInit>> {
    return this.#config;
  }

  get guidPrefix(): GuidPrefix {
    return this.#deps.guidPrefix;
  }

  /** Ignored inputs by reason (a live view; do not mutate). */
  get drops(): Readonly<Record<SpdpDropReason, number>> {
    return this.#drops;
  }

  /** Our current announcement. */
  get localData(): SpdpParticipantData {
    const c = this.#config;
    return {
      guidPrefix: this.#deps.guidPrefix,
      protocolVersion: c.protocolVersion,
      vendorId: c.vendorId,
      builtinEndpoints: c.builtinEndpoints,
      leaseDurationMs: c.leaseDurationMs,
      ...this.#locators,
      domainId: c.domainId,
      ...(c.domainTag !== '' && { domainTag: c.domainTag }),
      properties: c.properties,
      ...(c.entityName !== '' && { entityName: c.entityName }),
      ...(c.isRtpsRelayApplicationParticipant && { isRtpsRelayApplicationParticipant: true }),
      ice: this.#ice,
      unknownParameters: [],
    };
  }

  /** The remote participants currently alive. */
  participants(): SpdpParticipantData[] {
    return [...this.#participants.values()].map((p) => p.data);
  }

  participant(prefix: GuidPrefix): SpdpParticipantData | undefined {
    return this.#participants.get(toHex(prefix))?.data;
  }

  /**
   * Sets (or, with `undefined`, removes) our ICE agent info for `key` ("SPDP" or "SEDP"), e.g.
   * after a password rotation or a new server-reflexive candidate. A present key means that
   * endpoint runs ICE: adding one starts ICE toward every known remote that advertises the key,
   * removing one stops them. Announced at once when `announceOnChange` (spec §2.5 leaves a
   * non-secure participant to its next periodic SPDP; a 30 s wait would stall checks after a
   * password rotation).
   */
  setIce(key: 'SPDP' | 'SEDP', info: IceAgentInfo | undefined): void {
    const prev = this.#ice.get(key);
    if (iceAgentInfoEquals(prev, info)) return;
    const next = new Map(this.#ice);
    if (info === undefined) next.delete(key);
    else next.set(key, info);
    this.#ice = next;
    this.#changed();
    if ((prev === undefined) !== (info === undefined)) for (const p of this.#participants.values()) this.#syncIce(p.data);
  }

  /** Replaces any of our announced locator lists. */
  setLocators(locators: SpdpLocators): void {
    this.#locators = { ...this.#locators, ...locators };
    this.#changed();
  }

  /**
   * Input: one decoded RTPS message from an SPDP socket (multicast or unicast). DATA(p) from the
   * SPDP writer is decoded here (the payload is copied first, so nothing kept aliases `message`);
   * key-only or disposed/unregistered DATA(p) removes the participant. Everything else is ignored.
   * Never throws for bad input: a malformed payload is counted in `drops` and skipped.
   */
  handleMessage(message: RtpsMessage): void {
    if (this.#isClosed) return;
    forEachAddressedSubmessage(message, this.#deps.guidPrefix, (s, ctx) => {
      if (s.kind === 'data-frag' && s.writerId === EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER) {
        // A stateless best-effort SPDP reader does not reassemble (OpenDDS and Cyclone send DATA(p) whole).
        this.#drop('fragmented');
        return;
      }
      if (s.kind === 'data' && s.writerId === EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER) this.#onData(s, ctx);
    });
  }

  /**
   * Input: an announcement already decoded by the caller (e.g. from a relay or a capture). It must
   * not alias a buffer the caller reuses. Our own announcements and other domains are ignored.
   */
  handleParticipantData(p: SpdpParticipantData): void {
    if (this.#isClosed) return;
    if (guidPrefixEquals(p.guidPrefix, this.#deps.guidPrefix)) { this.#drop('own'); return; }
    if ((p.domainId !== undefined && p.domainId !== this.#config.domainId) || (p.domainTag ?? '') !== this.#config.domainTag) {
      this.#drop('other-domain'); return;
    }
    const key = toHex(p.guidPrefix);
    const now = this.#deps.clock.now();
    const existing = this.#participants.get(key);
    const expiresAt = now + p.leaseDurationMs;
    if (existing === undefined) {
      this.#participants.set(key, { data: p, expiresAt });
      this.#deps.emit({ kind: 'participant-discovered', participant: p });
      this.#syncIce(p);
      if (this.#config.replyToNewParticipants) this.#sendAnnouncement(p.guidPrefix);
      if (p.isRtpsRelayApplicationParticipant === true && key !== this.#relayApplicationParticipant) {
        // spec §6.3: a new relay application participant restarts the relay schedule, sending at once.
        this.#relayApplicationParticipant = key;
        this.resetRelaySchedule();
      }
      return;
    }
    const previous = existing.data;
    existing.data = p;
    existing.expiresAt = expiresAt;
    const changes = changesBetween(previous, p);
    if (changes.length === 0) return;
    this.#deps.emit({ kind: 'participant-updated', participant: p, previous, changes });
    if (changes.includes('ice') || changes.includes('builtin-endpoints')) this.#syncIce(p);
  }

  /**
   * Renews a participant's lease on other evidence of life (any RTPS traffic from it; Cyclone DDS
   * does this). Unknown prefixes are ignored.
   */
  renewLease(prefix: GuidPrefix): void {
    const p = this.#participants.get(toHex(prefix));
    if (p !== undefined) p.expiresAt = Math.max(p.expiresAt, this.#deps.clock.now() + p.data.leaseDurationMs);
  }

  /** The earliest time (clock ms) `handleTimeout` has work: the next announcement or lease expiry. */
  nextDeadline(): number | undefined {
    let at = this.#announceAt;
    if (this.#relayAt !== undefined && (at === undefined || this.#relayAt < at)) at = this.#relayAt;
    for (const p of this.#participants.values()) {
      if (Number.isFinite(p.expiresAt) && (at === undefined || p.expiresAt < at)) at = p.expiresAt;
    }
    return at;
  }

  /** Sends the announcement when due and expires participants whose lease has passed. */
  handleTimeout(): void {
    const now = this.#deps.clock.now();
    for (const [key, p] of [...this.#participants]) {
      if (p.expiresAt <= now) this.#remove(key, p, 'lease-expired');
    }
    if (this.#announceAt !== undefined && this.#announceAt <= now) this.#sendAnnouncement('announce');
    if (this.#relayAt !== undefined && this.#relayAt <= now) {
      this.#sendAnnouncement('relay');
      this.#relayAt = now + this.#relayCadence.get();
      this.#relayCadence.advance(this.#config.relaySendPeriodMs);
    }
  }

  /**
   * Sends our dispose/unregister DATA(p) (key only, status info 3; OpenDDS `dispose_unregister`),
   * stops every ICE session this core started, forgets every participant (no `participant-lost`:
   * we left, they did not) and leaves no deadline.
   */
  close(): void {
    if (this.#isClosed) return;
    const prefix = this.#deps.guidPrefix;
    const key = encodeBuiltinKey('participant', participantGuid(prefix), { littleEndian: this.#config.littleEndian });
    const dispose: Submessage[] = [this.#infoTs(), {
        kind: 'data', littleEndian: this.#config.littleEndian,
        readerId: EntityIds.SPDP_BUILTIN_PARTICIPANT_DETECTOR, writerId: EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER,
        writerSN: ++this.#seq,
        inlineQos: [keyHashParameter(prefix, EntityIds.PARTICIPANT), statusInfoParameter(STATUS_INFO_DISPOSED | STATUS_INFO_UNREGISTERED)],
        serializedData: undefined, serializedKey: key,
      }];
    for (const to of this.#announceDestinations()) this.#deps.send({ kind: 'spdp', to, submessages: dispose });
    if (this.#config.relaySendPeriodMs > 0 && this.#config.undirected) this.#deps.send({ kind: 'spdp', to: 'relay', submessages: dispose });
    this.#intents.stopWhere(() => true);
    this.#participants.clear();
    this.#announceAt = undefined;
    this.#relayAt = undefined;
    this.#isClosed = true;
  }

  #drop(reason: SpdpDropReason, fields?: Readonly<Record<string, unknown>>): void {
    this.#drops[reason]++;
    if (this.#log.enabled) this.#log.debug('input dropped', { reason, ...fields });
  }

  #changed(): void {
    this.#payload = undefined;
    if (this.#config.announceOnChange && !this.#isClosed) this.#announceAt = this.#deps.clock.now();
  }

  #onData(s: DataSubmessage, ctx: ReceiveContext): void {
    const status = statusInfoOf(s.inlineQos);
    if (s.serializedKey !== undefined || (status & (STATUS_INFO_DISPOSED | STATUS_INFO_UNREGISTERED)) !== 0) {
      this.#onDispose(s, ctx);
      return;
    }
    if (s.serializedData === undefined) return;
    let p: SpdpParticipantData;
    try {
      // Copy first: the decoded value aliases its input, and the table keeps it.
      p = decodeSpdpParticipantData(s.serializedData.slice(), ctx.vendorId);
    } catch (err) {
      // One bad sample must not stop the rest of the datagram (STYLE.md rule 7: counted, logged, dropped).
      if (!(err instanceof DecodeError)) throw err;
      this.#drop('malformed', { field: err.field, offset: err.offset, reason: err.reason });
      return;
    }
    this.handleParticipantData(p);
  }

  #onDispose(s: DataSubmessage, ctx: ReceiveContext): void {
    let prefix: GuidPrefix = keyHashOf(s.inlineQos)?.subarray(0, 12) ?? ctx.sourcePrefix;
    const keyPayload = s.serializedKey ?? s.serializedData;
    if (keyHashOf(s.inlineQos) === undefined && keyPayload !== undefined) {
      try {
        prefix = decodeBuiltinKey(keyPayload)?.prefix ?? prefix;
      } catch (err) {
        // A dispose whose key does not decode still names its sender in the header.
        if (!(err instanceof DecodeError)) throw err;
      }
    }
    const key = toHex(prefix);
    const p = this.#participants.get(key);
    if (p === undefined) { this.#drop('unknown-dispose'); return; }
    this.#remove(key, p, 'disposed');
  }

  #remove(key: string, p: RemoteParticipant, reason: 'lease-expired' | 'disposed'): void {
    this.#participants.delete(key);
    // spec §2.5: participant removal stops ICE on both endpoints.
    const prefix = p.data.guidPrefix;
    this.#intents.stopWhere((_k, _l, remote) => guidPrefixEquals(remote.prefix, prefix));
    this.#deps.emit({ kind: 'participant-lost', participant: p.data, reason });
  }

  /**
   * spec §2.5 (`Spdp::process_participant_ice`), for each key whose endpoint runs ICE here:
   * "SEDP" present → start on the SEDP endpoint once per builtin reader/writer pairing the remote
   * advertises, all with the remote's "SEDP" info; absent → stop them. "SPDP" present → start on
   * the SPDP endpoint for (our participant, its participant); absent → stop. Unchanged info starts
   * nothing ({@link IceIntentTable}); changed info starts again.
   */
  #syncIce(p: SpdpParticipantData): void {
    const local = participantGuid(this.#deps.guidPrefix);
    for (const key of [ICE_KEY_SPDP, ICE_KEY_SEDP] as const) {
      const info = this.#ice.has(key) ? p.ice.get(key) : undefined;
      const wanted: { local: Guid; remote: Guid }[] = info === undefined ? [] : key === ICE_KEY_SPDP
        ? [{ local, remote: participantGuid(p.guidPrefix) }]
        : sedpEndpointPairings(p.builtinEndpoints).map((x) => ({
          local: { prefix: this.#deps.guidPrefix, entityId: x.localEntity },
          remote: { prefix: p.guidPrefix, entityId: x.remoteEntity },
        }));
      this.#intents.stopWhere((k, l, r) => k === key && guidPrefixEquals(r.prefix, p.guidPrefix) &&
        !wanted.some((w) => w.local.entityId === l.entityId && w.remote.entityId === r.entityId));
      if (info !== undefined) for (const w of wanted) this.#intents.start(key, w.local, w.remote, info);
    }
  }

  #infoTs(): InfoTsSubmessage {
    // No wall clock in a core (STYLE.md rule 4): INFO_TS with the invalidate flag. SPDP readers ignore it.
    return { kind: 'info-ts', littleEndian: this.#config.littleEndian, timestamp: undefined };
  }

  /** Where a periodic announcement goes: undirected, or (`undirected: false`) directed to each known participant. */
  #announceDestinations(): ('announce' | GuidPrefix)[] {
    return this.#config.undirected ? ['announce'] : [...this.#participants.values()].map((p) => p.data.guidPrefix);
  }

  #sendAnnouncement(to: 'announce' | 'relay' | GuidPrefix): void {
    this.#payload ??= encodeSpdpParticipantData(this.localData, { littleEndian: this.#config.littleEndian });
    const prefix = this.#deps.guidPrefix;
    const data: DataSubmessage = {
      kind: 'data', littleEndian: this.#config.littleEndian,
      readerId: EntityIds.SPDP_BUILTIN_PARTICIPANT_DETECTOR, writerId: EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER,
      writerSN: ++this.#seq, inlineQos: [keyHashParameter(prefix, EntityIds.PARTICIPANT)],
      serializedData: this.#payload, serializedKey: undefined,
    };
    if (to === 'announce') {
      for (const dst of this.#announceDestinations()) this.#deps.send({ kind: 'spdp', to: dst, submessages: [this.#infoTs(), data] });
    } else {
      this.#deps.send({ kind: 'spdp', to, submessages: [this.#infoTs(), data] });
    }
    if (to !== 'announce') return;
    this.#announcements++;
    const now = this.#deps.clock.now();
    const c = this.#config;
    this.#announceAt = now + (this.#announcements < c.initialAnnouncements ? c.initialAnnouncementPeriodMs : c.resendPeriodMs);
  }
}
