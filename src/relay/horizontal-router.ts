/**
 * The RtpsRelay's horizontal receive path, sans-I/O (OpenDDS spec §8.2,
 * `HorizontalHandler::process_message`): a datagram from another relay is a RelayHeader followed by a
 * client's RTPS datagram. The RTPS bytes go, unchanged, to every known address (same port type) of each
 * local admitted client with an endpoint in one of the header's `to_partitions`, restricted to
 * `to_guids` when it is not empty, never back to the source participant.
 *
 * Unauthenticated input is dropped and counted: a datagram whose source is not the horizontal address
 * of a relay announced in the relay domain (`unknown-relay`), a malformed header, or RTPS after it
 * that does not parse. Nothing is ever sent back to the source, so the horizontal ports cannot
 * amplify.
 */
import { GUIDPREFIX_UNKNOWN, guidPrefixEquals } from '../rtps/index.js';
import type { TransportAddress } from '../util/address.js';
import { formatAddress } from '../util/address.js';
import { toHex } from '../util/hex.js';
import type { Logger } from '../util/logger.js';
import type { GuidAddrSet, RelayPortType } from './guid-addr-set.js';
import type { PartitionTable } from './partition-table.js';
import { decodeHorizontalDatagram, type HorizontalDatagram } from './relay-header.js';
import type { RelayPartitionTable } from './relay-partition-table.js';
import { parseRoutingInfo, type RoutingInfo, type VerticalTransmit } from './vertical-router.js';

/** Why a horizontal datagram was dropped (each has a counter). */
export const HORIZONTAL_DROP_REASONS = Object.freeze(['unknown-relay', 'malformed-header', 'malformed-rtps', 'unknown-source-prefix'] as const);
export type HorizontalDropReason = (typeof HORIZONTAL_DROP_REASONS)[number];

/** Collaborators of {@link HorizontalRouter}. */
export interface HorizontalRouterDeps {
  readonly clients: GuidAddrSet;
  readonly partitions: PartitionTable;
  readonly relays: RelayPartitionTable;
  /** Sends from the *vertical* socket of `port` to a local client. Fire-and-forget. */
  readonly send: (t: VerticalTransmit) => void;
  readonly log: Logger;
}

/** Counters of {@link HorizontalRouter}. */
export interface HorizontalRouterStats {
  readonly received: Readonly<Record<RelayPortType, number>>;
  readonly dropped: Readonly<Record<HorizontalDropReason, number>>;
  /** Accepted datagrams, and those no local client was a target for. */
  readonly routed: number;
  readonly unrouted: number;
  readonly sentDatagrams: number;
  readonly sentBytes: number;
}

/** See the module comment. */
export class HorizontalRouter {
  readonly #deps: HorizontalRouterDeps;
  readonly #log: Logger;
  readonly #received: Record<RelayPortType, number> = { spdp: 0, sedp: 0, data: 0 };
  readonly #dropped: Record<HorizontalDropReason, number> = { 'unknown-relay': 0, 'malformed-header': 0, 'malformed-rtps': 0, 'unknown-source-prefix': 0 };
  #routed = 0;
  #unrouted = 0;
  #sentDatagrams = 0;
  #sentBytes = 0;

  constructor(deps: HorizontalRouterDeps) {
    this.#deps = deps;
    this.#log = deps.log.child('horizontal');
  }

  /** Handles one datagram received on the horizontal socket of `port`. Never throws for bad input. */
  handle(port: RelayPortType, bytes: Uint8Array, from: TransportAddress): void {
    this.#received[port]++;
    if (this.#deps.relays.relayAt(from, port) === undefined) {
      this.#drop('unknown-relay', from);
      return;
    }
    let datagram: HorizontalDatagram;
    let info: RoutingInfo;
    try {
      datagram = decodeHorizontalDatagram(bytes);
    } catch (err: unknown) {
      this.#drop('malformed-header', from, err);
      return;
    }
    try {
      info = parseRoutingInfo(datagram.message);
    } catch (err: unknown) {
      this.#drop('malformed-rtps', from, err);
      return;
    }
    if (guidPrefixEquals(info.source, GUIDPREFIX_UNKNOWN)) {
      this.#drop('unknown-source-prefix', from);
      return;
    }
    this.#routed++;
    const { clients, partitions } = this.#deps;
    const { toPartitions, toGuids } = datagram.header;
    const source = toHex(info.source);
    const isDirected = toGuids.length > 0;
    const candidates = isDirected ? toGuids.map((g) => toHex(g.prefix)) : partitions.participantsMatchingPartitions(toPartitions);
    let sent = 0;
    for (const target of candidates) {
      if (target === source || !clients.isAdmittedHex(target)) continue;
      if (isDirected && !partitions.participantMatches(target, toPartitions)) continue;
      for (const to of clients.addresses(target, port)) {
        this.#sentDatagrams++;
        this.#sentBytes += datagram.message.length;
        this.#deps.send({ port, to, bytes: datagram.message });
        sent++;
      }
    }
    if (sent === 0) this.#unrouted++;
  }

  #drop(reason: HorizontalDropReason, from: TransportAddress, err?: unknown): void {
    this.#dropped[reason]++;
    if (this.#log.enabled) this.#log.debug('horizontal datagram dropped', { reason, from: formatAddress(from), err });
  }

  /** Counters since construction (copies). */
  stats(): HorizontalRouterStats {
    return {
      received: { ...this.#received }, dropped: { ...this.#dropped }, routed: this.#routed, unrouted: this.#unrouted,
      sentDatagrams: this.#sentDatagrams, sentBytes: this.#sentBytes,
    };
  }
}
