/**
 * The RtpsRelay's vertical processing of one datagram, sans-I/O (OpenDDS spec §8.3, §8.4,
 * `VerticalHandler::process_message`): STUN goes to the {@link StunResponder}, RTPS is parsed for its
 * source and INFO_DST destinations, recorded in the {@link GuidAddrSet}, admitted or dropped, and
 * routed to local clients by partition ({@link PartitionTable}). Every drop has a counted reason.
 *
 * Horizontal (spec §8.2, §8.3 step 8): a client's RTPS also goes, once, to every other relay whose
 * clients use a partition matching the source's ({@link RelayPartitionTable}), as a RelayHeader
 * (`to_partitions`, `to_guids` = the INFO_DST destinations) followed by the datagram; never for the
 * application participant's messages (step 7), nor for a message directed at it alone.
 *
 * RTPS from an address of an admitted client that is still pending confirmation (see
 * {@link GuidAddrSet}) is dropped (`unconfirmed-address`), and STUN answers are suppressed for
 * drained clients (`allow_stun_responses`).
 *
 * The relay's application participant (spec §8.1, named with {@link VerticalRouter.setApplicationParticipant},
 * the one notion of it the router and the client table share) gets step 6's cached SPDP on admission
 * and step 7's rules: its SPDP/SEDP must come from its known address (else "imposter": dropped, the
 * address rejected; checked before step 4, so an imposter records nothing) and be directed, and go to
 * the destination clients whatever their partitions; clients' undirected SPDP/SEDP, or SPDP/SEDP
 * directed at it, also go to it. Not yet here (docs/relay.md): security (step 3).
 *
 * **No amplification.** OpenDDS answers every STUN Binding request, so a 28-byte request with a
 * spoofed source gets a 52- or 76-byte answer (a 400 error for a FINGERPRINT-less request is 76
 * bytes). Here a STUN answer to a source that is not already a known address of an admitted client,
 * for this port type, is sent only if it is at most `maxUnadmittedStunAmplification` × the request's
 * size (default 1: never larger). A generic STUN client gets answers by padding its request (e.g. a
 * SOFTWARE attribute); an OpenDDS client (44-byte GUID_PREFIX request, 52-byte IPv4 answer) gets its
 * first answer once admitted — its Fibonacci schedule re-sends within 200 ms (spec §6.2). RTPS from
 * unadmitted sources is never forwarded, so STUN answers are the only bytes such a source can draw.
 */
import { classifyDatagram } from '../transport/classify-datagram.js';
import { EntityIds, forEachSubmessage, GUID_PREFIX_LENGTH, GUIDPREFIX_UNKNOWN, guidPrefixEquals, type Guid } from '../rtps/index.js';
import type { TransportAddress } from '../util/address.js';
import { addressEquals, formatAddress } from '../util/address.js';
import { InvalidConfigError } from '../util/errors.js';
import { fromHex, toHex } from '../util/hex.js';
import type { Logger } from '../util/logger.js';
import type { AdmissionResult, GuidAddrSet, RelayPortType } from './guid-addr-set.js';
import type { PartitionTable } from './partition-table.js';
import { encodeHorizontalDatagram } from './relay-header.js';
import type { RelayPartitionTable } from './relay-partition-table.js';
import { StunResponder, type StunResponderStats } from './stun-responder.js';

/** Why a datagram was dropped (each has a counter). */
export const VERTICAL_DROP_REASONS = Object.freeze([
  'rejected-address', 'not-rtps-or-stun', 'malformed-rtps', 'unknown-source-prefix', 'not-admitted',
  'stun-undecodable', 'stun-amplification', 'unconfirmed-address', 'too-many-ips', 'imposter',
  'application-participant-undirected',
] as const);

/**
 * Largest horizontal datagram (OpenDDS `UDP_MAX_MESSAGE_SIZE`, spec §8.2): a RelayHeader plus a
 * message beyond it is not sent horizontally (counted as `horizontalTooLarge`).
 */
export const UDP_MAX_MESSAGE_SIZE = 65466;
export type VerticalDropReason = (typeof VERTICAL_DROP_REASONS)[number];

/** One datagram for the driver to send from the vertical socket of `port`. */
export interface VerticalTransmit {
  readonly port: RelayPortType;
  readonly to: TransportAddress;
  /** May alias the received datagram: send it before the receive callback returns. */
  readonly bytes: Uint8Array;
}

/** One datagram for the driver to send from the horizontal socket of `port` to another relay. */
export interface HorizontalTransmit {
  readonly port: RelayPortType;
  readonly to: TransportAddress;
  readonly bytes: Uint8Array;
}

/** User configuration of {@link VerticalRouter}. */
export interface VerticalRouterInit {
  /**
   * Largest ratio STUN-answer bytes / request bytes for sources that are not admitted client
   * addresses (see the module comment); default 1. `Infinity` answers all, as OpenDDS does.
   */
  readonly maxUnadmittedStunAmplification?: number;
}

/** Defaults of {@link VerticalRouterInit}. */
export const DEFAULT_VERTICAL_ROUTER_INIT: Readonly<Required<VerticalRouterInit>> = Object.freeze({
  maxUnadmittedStunAmplification: 1,
});

/** Collaborators of {@link VerticalRouter}. */
export interface VerticalRouterDeps {
  readonly clients: GuidAddrSet;
  readonly partitions: PartitionTable;
  /** Fire-and-forget; must not re-enter the router. */
  readonly send: (t: VerticalTransmit) => void;
  readonly log: Logger;
  /** The other relays; without it, nothing goes horizontal. */
  readonly relays?: RelayPartitionTable;
  /** Fire-and-forget send on a horizontal socket (required with `relays`). */
  readonly sendHorizontal?: (t: HorizontalTransmit) => void;
}

/** Counters of {@link VerticalRouter}. */
export interface VerticalRouterStats {
  readonly received: Readonly<Record<RelayPortType, number>>;
  readonly dropped: Readonly<Record<VerticalDropReason, number>>;
  /** RTPS datagrams accepted for routing. */
  readonly routed: number;
  /** Of those, the ones no local client was a target for. */
  readonly unrouted: number;
  readonly directed: number;
  readonly undirected: number;
  /** Datagrams and bytes sent (forwarded RTPS and STUN answers). */
  readonly sentDatagrams: number;
  readonly sentBytes: number;
  /** Horizontal datagrams and bytes sent to other relays. */
  readonly horizontalSentDatagrams: number;
  readonly horizontalSentBytes: number;
  readonly horizontalTooLarge: number;
  readonly stun: StunResponderStats;
}

/** Result of parsing an RTPS datagram's routing information (spec §8.3 step 2). */
export interface RoutingInfo {
  readonly source: Uint8Array;
  /** Hex prefixes of INFO_DST destinations; empty = undirected. */
  readonly to: ReadonlySet<string>;
}

/** Submessages that do not need a preceding INFO_DST to keep a message directed (spec §8.3 step 2). */
const INFO_KINDS: ReadonlySet<string> = new Set(['info-dst', 'info-ts', 'info-src', 'info-reply-ip4', 'info-reply']);

/** The vertical routing core; see the module comment. */
export class VerticalRouter {
  readonly #deps: VerticalRouterDeps;
  readonly #init: Readonly<Required<VerticalRouterInit>>;
  readonly #log: Logger;
  readonly #stun: StunResponder;
  readonly #received: Record<RelayPortType, number> = { spdp: 0, sedp: 0, data: 0 };
  readonly #dropped: Record<VerticalDropReason, number> = {
    'rejected-address': 0, 'not-rtps-or-stun': 0, 'malformed-rtps': 0, 'unknown-source-prefix': 0, 'not-admitted': 0,
    'stun-undecodable': 0, 'stun-amplification': 0, 'unconfirmed-address': 0, 'too-many-ips': 0, imposter: 0,
    'application-participant-undirected': 0,
  };
  #horizontalSentDatagrams = 0;
  #horizontalSentBytes = 0;
  #horizontalTooLarge = 0;
  #routed = 0;
  #unrouted = 0;
  #directed = 0;
  #undirected = 0;
  #sentDatagrams = 0;
  #sentBytes = 0;
  /**
   * Per STUN datagram: the port it came in on, and (set by the `registered` event) whether its source
   * was already an admitted client's address for that port.
   */
  readonly #stunContext: { port: RelayPortType; isFromAdmitted: boolean; isImposter: boolean } = { port: 'spdp', isFromAdmitted: false, isImposter: false };
  /** The relay's application participant and the addresses its sockets are bound to (spec §8.3 step 7). */
  #ap: { readonly hex: string; readonly addresses: Readonly<Record<RelayPortType, readonly TransportAddress[]>> } | undefined;

  /** @throws InvalidConfigError when `maxUnadmittedStunAmplification` is not a number >= 0. */
  constructor(deps: VerticalRouterDeps, init: VerticalRouterInit = {}) {
    this.#deps = deps;
    this.#init = Object.freeze({ ...DEFAULT_VERTICAL_ROUTER_INIT, ...init });
    if (!(this.#init.maxUnadmittedStunAmplification >= 0)) {
      throw new InvalidConfigError('maxUnadmittedStunAmplification', 'must be a number >= 0');
    }
    this.#log = deps.log.child('vertical');
    this.#stun = new StunResponder({
      log: this.#log,
      emit: (e) => {
        // spec §8.4: GUID_PREFIX ⇒ record_activity for this port type, possibly admit.
        const clients = this.#deps.clients;
        const ctx = this.#stunContext;
        if (this.#isImposter(toHex(e.guidPrefix), e.from, ctx.port)) {
          ctx.isImposter = true;
          return;
        }
        ctx.isFromAdmitted = clients.isAdmittedAddress(e.guidPrefix, e.from, ctx.port);
        clients.recordActivity(e.guidPrefix, e.from, ctx.port);
        this.#admit(toHex(e.guidPrefix));
      },
      // spec §8.4: no success answers to a drained client.
      allowResponse: (guidPrefix) => this.#deps.clients.allowsStunResponses(guidPrefix),
    });
    if (deps.relays !== undefined && deps.sendHorizontal === undefined) {
      throw new InvalidConfigError('sendHorizontal', 'required with relays');
    }
  }

  /** Handles one datagram received on the vertical socket of `port` from `from`. Never throws for bad input. */
  handle(port: RelayPortType, bytes: Uint8Array, from: TransportAddress): void {
    this.#received[port]++;
    // spec §8.3 step 1 (OpenDDS checks before telling STUN from RTPS).
    if (this.#deps.clients.isRejected(from)) {
      this.#drop('rejected-address', from);
      return;
    }
    const kind = classifyDatagram(bytes);
    if (kind === 'stun') this.#handleStun(port, bytes, from);
    else if (kind === 'rtps') this.#handleRtps(port, bytes, from);
    else this.#drop('not-rtps-or-stun', from);
  }

  #handleStun(port: RelayPortType, bytes: Uint8Array, from: TransportAddress): void {
    const undecodableBefore = this.#stun.stats().dropped;
    const ctx = this.#stunContext;
    ctx.port = port;
    ctx.isFromAdmitted = false;
    ctx.isImposter = false;
    const response = this.#stun.handle(bytes, from);
    if (this.#stun.stats().dropped !== undecodableBefore) {
      this.#drop('stun-undecodable', from);
      return;
    }
    if (this.#isStunFromImposter()) {
      this.#rejectImposter(from);
      return;
    }
    if (response === undefined) return;
    if (!this.#isStunFromAdmitted() && response.length > bytes.length * this.#init.maxUnadmittedStunAmplification) {
      this.#drop('stun-amplification', from);
      return;
    }
    this.#transmit(port, from, response);
  }

  /** Read through a method: the `registered` callback sets it during `handle`, which narrowing cannot see. */
  #isStunFromAdmitted(): boolean {
    return this.#stunContext.isFromAdmitted;
  }

  #isStunFromImposter(): boolean {
    return this.#stunContext.isImposter;
  }

  /**
   * Names the relay's application participant and the addresses of its SPDP, SEDP and DATA sockets
   * (spec §8.1, §8.3 step 7): it is admitted on sight, and its prefix from any other address is an
   * imposter. `prefix` and the addresses are copied.
   */
  setApplicationParticipant(prefix: Uint8Array, addresses: Readonly<Record<RelayPortType, readonly TransportAddress[]>>): void {
    this.#ap = { hex: toHex(prefix), addresses: { spdp: [...addresses.spdp], sedp: [...addresses.sedp], data: [...addresses.data] } };
    this.#deps.clients.setApplicationParticipant(prefix);
  }

  /** The application participant's prefix (hex), once named. */
  get applicationParticipant(): string | undefined {
    return this.#ap?.hex;
  }

  /** spec §8.3 step 7: the application participant's prefix from an address that is not one of its sockets'. */
  #isImposter(source: string, from: TransportAddress, port: RelayPortType): boolean {
    const ap = this.#ap;
    return ap !== undefined && source === ap.hex && !ap.addresses[port].some((a) => addressEquals(a, from));
  }

  #rejectImposter(from: TransportAddress): void {
    this.#deps.clients.reject(from); // no-op unless rejectedAddressDurationMs > 0, as OpenDDS
    this.#drop('imposter', from);
    this.#log.warn('imposter of the application participant', { from: formatAddress(from) });
  }

  /**
   * Step 6 with the application participant's share: on the transition to admitted, the cached SPDP
   * goes to the application participant. @returns whether `prefix` was admitted by this call.
   */
  #admit(prefix: string): { readonly result: AdmissionResult; readonly isNew: boolean } {
    const clients = this.#deps.clients;
    const wasAdmitted = clients.isAdmittedHex(prefix);
    const result = clients.admit(prefix);
    const isNew = !wasAdmitted && result === 'admitted';
    const ap = this.#ap;
    if (isNew && ap !== undefined && prefix !== ap.hex) {
      const spdp = clients.spdpMessage(prefix);
      if (spdp !== undefined) for (const to of ap.addresses.spdp) this.#transmit('spdp', to, spdp);
    }
    return { result, isNew };
  }

  #handleRtps(port: RelayPortType, bytes: Uint8Array, from: TransportAddress): void {
    let info: RoutingInfo;
    try {
      info = parseRoutingInfo(bytes);
    } catch (err: unknown) {
      // The one catch around a decoder (STYLE.md rule 7): count, log at debug, drop.
      this.#drop('malformed-rtps', from, err);
      return;
    }
    if (guidPrefixEquals(info.source, GUIDPREFIX_UNKNOWN)) {
      this.#drop('unknown-source-prefix', from);
      return;
    }
    const source = toHex(info.source);
    if (this.#isImposter(source, from, port)) { // step 7, checked before step 4 so an imposter records nothing
      this.#rejectImposter(from);
      return;
    }
    const clients = this.#deps.clients;
    const activity = clients.recordActivity(source, from, port); // step 4
    if (activity.isRefused) {
      this.#drop('too-many-ips', from);
      return;
    }
    const isDirected = info.to.size > 0;
    if (port === 'spdp' && !isDirected) clients.cacheSpdpMessage(source, bytes); // step 5
    const admission = this.#admit(source); // step 6
    if (admission.result !== 'admitted') {
      this.#drop('not-admitted', from);
      return;
    }
    if (!activity.isConfirmed) {
      this.#drop('unconfirmed-address', from);
      return;
    }
    const ap = this.#ap;
    const isMeta = port !== 'data';
    if (ap !== undefined && isMeta && source === ap.hex) {
      this.#routeFromApplicationParticipant(port, bytes, from, info);
      return;
    }
    this.#routed++;
    if (isDirected) this.#directed++;
    else this.#undirected++;
    // step 8: local targets = admitted participants sharing a partition with the source, restricted to
    // `to` when directed, excluding the source (and the application participant: step 7 below);
    // every known (confirmed) address of this port type.
    const partitions = this.#deps.partitions;
    // Undirected: the partition index gives the matching participants; directed: check each destination.
    const candidates = isDirected ? info.to : partitions.matchingParticipants(source);
    let sent = 0;
    for (const target of candidates) {
      if (target === source || target === ap?.hex || !clients.isAdmittedHex(target)) continue;
      if (isDirected && !partitions.sharesAPartition(source, target)) continue;
      for (const to of clients.addresses(target, port)) {
        this.#transmit(port, to, bytes);
        sent++;
      }
    }
    // step 7: undirected SPDP/SEDP, or directed at the application participant, also goes to it
    // (the SPDP that was just handed over on admission not twice).
    if (ap !== undefined && isMeta && (!isDirected || info.to.has(ap.hex))) {
      const isAdmissionSpdp = port === 'spdp' && !isDirected && admission.isNew;
      if (!isAdmissionSpdp) {
        for (const to of ap.addresses[port]) {
          this.#transmit(port, to, bytes);
          sent++;
        }
      }
    }
    // step 8, horizontal: not for the application participant's messages (step 7), nor for a message
    // directed at it alone (the other relays have no such destination).
    const isForApOnly = ap !== undefined && isDirected && info.to.size === 1 && info.to.has(ap.hex);
    if (this.#deps.relays !== undefined && source !== ap?.hex && !isForApOnly) sent += this.#sendHorizontal(port, source, info, bytes);
    if (sent === 0) this.#unrouted++;
  }

  /** step 7: SPDP/SEDP of the application participant must be directed and go to the destination clients, whatever their partitions. */
  #routeFromApplicationParticipant(port: RelayPortType, bytes: Uint8Array, from: TransportAddress, info: RoutingInfo): void {
    if (info.to.size === 0) {
      this.#drop('application-participant-undirected', from);
      return;
    }
    this.#routed++;
    this.#directed++;
    const clients = this.#deps.clients;
    let sent = 0;
    for (const target of info.to) {
      if (target === this.#ap?.hex || !clients.isAdmittedHex(target)) continue;
      for (const to of clients.addresses(target, port)) {
        this.#transmit(port, to, bytes);
        sent++;
      }
    }
    if (sent === 0) this.#unrouted++;
  }

  /** spec §8.3 step 8, horizontal targets: once to each relay serving a matching partition. */
  #sendHorizontal(port: RelayPortType, source: string, info: RoutingInfo, bytes: Uint8Array): number {
    const relays = this.#deps.relays;
    const send = this.#deps.sendHorizontal;
    if (relays === undefined || send === undefined) return 0;
    const toPartitions = this.#deps.partitions.participantPartitions(source);
    let datagram: Uint8Array | undefined;
    let sent = 0;
    for (const relay of relays.relaysServing(toPartitions, port)) {
      if (datagram === undefined) {
        const toGuids: Guid[] = [...info.to].map((hex) => ({ prefix: fromHex(hex), entityId: EntityIds.PARTICIPANT }));
        datagram = encodeHorizontalDatagram({ toPartitions, toGuids, useAsyncDiscovery: false }, bytes);
        if (datagram.length > UDP_MAX_MESSAGE_SIZE) {
          this.#horizontalTooLarge++;
          return 0;
        }
      }
      this.#horizontalSentDatagrams++;
      this.#horizontalSentBytes += datagram.length;
      send({ port, to: relay.address, bytes: datagram });
      sent++;
    }
    return sent;
  }

  #transmit(port: RelayPortType, to: TransportAddress, bytes: Uint8Array): void {
    this.#sentDatagrams++;
    this.#sentBytes += bytes.length;
    this.#deps.send({ port, to, bytes });
  }

  #drop(reason: VerticalDropReason, from: TransportAddress, err?: unknown): void {
    this.#dropped[reason]++;
    if (this.#log.enabled) this.#log.debug('datagram dropped', { reason, from: formatAddress(from), err });
  }

  /** Counters since construction (copies). */
  stats(): VerticalRouterStats {
    return {
      received: { ...this.#received },
      dropped: { ...this.#dropped },
      routed: this.#routed,
      unrouted: this.#unrouted,
      directed: this.#directed,
      undirected: this.#undirected,
      sentDatagrams: this.#sentDatagrams,
      sentBytes: this.#sentBytes,
      horizontalSentDatagrams: this.#horizontalSentDatagrams,
      horizontalSentBytes: this.#horizontalSentBytes,
      horizontalTooLarge: this.#horizontalTooLarge,
      stun: this.#stun.stats(),
    };
  }
}

/**
 * spec §8.3 step 2 (`parse_message`): the source prefix and the INFO_DST destinations. Every INFO_DST
 * with a non-zero prefix adds a destination; a non-INFO submessage not preceded by a valid (non-zero)
 * INFO_DST makes the message undirected for good. Decodes every submessage, so any malformed one, or
 * trailing bytes shorter than a submessage header, throws.
 * @throws DecodeError on malformed input.
 */
export function parseRoutingInfo(bytes: Uint8Array): RoutingInfo {
  const to = new Set<string>();
  const state = { hasValidDst: false, isUndirected: false };
  const header = forEachSubmessage(bytes, (s) => {
    if (s.kind === 'info-dst') {
      state.hasValidDst = !guidPrefixEquals(s.guidPrefix, GUIDPREFIX_UNKNOWN);
      if (state.hasValidDst) to.add(toHex(s.guidPrefix));
    } else if (!INFO_KINDS.has(s.kind) && !state.hasValidDst) {
      state.isUndirected = true;
    }
  });
  if (state.isUndirected) to.clear();
  return { source: header.guidPrefix.slice(0, GUID_PREFIX_LENGTH), to };
}
