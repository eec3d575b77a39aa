/**
 * The part of a {@link Transport} that does not depend on how datagrams travel: the local endpoint
 * table, the send queue and its packing into datagrams, the receive path (message receiver →
 * routing), the counters, and the one timer (STYLE.md rule 5) that serves the registered cores'
 * deadlines and deferred flushes. {@link RtpsUdpTransport} and {@link InMemoryTransport} wrap it and
 * supply `deliver`, so both behave identically above the wire.
 */
import type { EntityId, GuidPrefix, RtpsHeader, Submessage } from '../rtps/index.js';
import { GUID_PREFIX_LENGTH, PROTOCOL_VERSION_2_4, RtpsMessageWriter, VendorIds } from '../rtps/index.js';
import type { ReliabilityTransmit } from '../reliability/index.js';
import type { TimerHandle, TimerService } from '../util/datagram-io.js';
import { RtpsLibError } from '../util/errors.js';
import { toHex } from '../util/hex.js';
import type { Logger } from '../util/logger.js';
import type { PackInput } from './datagram-packer.js';
import { packDatagrams } from './datagram-packer.js';
import type { EndpointLocators } from './endpoint-table.js';
import { EndpointTable } from './endpoint-table.js';
import type { ReceiveOptions, ReceiverVisitor } from './message-receiver.js';
import { receiveRtpsMessage } from './message-receiver.js';
import type { LocalEndpointInit, TransportChannel, TransportDropReason, TransportStats } from './transport.js';
import { NO_TRANSPORT_DROPS } from './transport.js';

/** Misuse of a transport: closed, duplicate endpoint, bad registration. */
export class TransportError extends RtpsLibError {
  override readonly name = 'TransportError';
}

/** Collaborators of {@link TransportEngine}. */
export interface TransportEngineDeps {
  readonly guidPrefix: GuidPrefix;
  readonly timers: TimerService;
  readonly log: Logger;
  readonly maxDatagramSize: number;
  readonly vendorId?: number;
  /**
   * Sends one packed datagram of `channel` to participant `destination` (undefined: the SPDP
   * announcement destinations; `'relay'`: the channel's RtpsRelay port), to `endpointLocators`
   * instead of its default unicast locators when given. Returns false when there was
   * nowhere to send it, `'suppressed'` when sending nowhere was intended (RtpsRelayOnly).
   */
  readonly deliver: (channel: TransportChannel, destination: GuidPrefix | 'relay' | undefined, datagram: Uint8Array, endpointLocators?: EndpointLocators) => boolean | 'suppressed';
  /** Whether transmits to `prefix` on `channel` have a chance to go anywhere (a registered participant). */
  readonly knowsParticipant: (channel: TransportChannel, prefix: GuidPrefix) => boolean;
  /** Reports a drop (the facade emits it); called after counting. */
  readonly onDrop?: (reason: TransportDropReason) => void;
}

interface Queue {
  readonly channel: TransportChannel;
  readonly destination: GuidPrefix | 'relay' | undefined;
  readonly locators: EndpointLocators | undefined;
  readonly transmits: PackInput[];
}

/** See the module comment. */
export class TransportEngine {
  readonly endpoints = new EndpointTable();
  readonly #deps: TransportEngineDeps;
  readonly #header: RtpsHeader;
  readonly #writer: RtpsMessageWriter;
  readonly #queues = new Map<TransportChannel, Map<string, Queue>>();
  /** Destinations with queued transmits (across channels). */
  #queued = 0;
  #depth = 0; // > 0 while inside a receive or timer callback: flush at its end
  #timer: TimerHandle | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  /** The timer is armed to run at once (queued output): further sends and reschedules need not re-arm it. */
  #flushArmed = false;
  #isClosed = false;
  #flushCount = 0;
  readonly #stats = { datagramsIn: 0, rtpsIn: 0, stunIn: 0, submessagesIn: 0, datagramsOut: 0, bytesOut: 0, transmitsOut: 0 };
  readonly #dropped: Record<TransportDropReason, number> = { ...NO_TRANSPORT_DROPS };
  /** The receive path's visitor and options, made once (not per datagram). */
  readonly #receiveOptions: ReceiveOptions;
  /** The vendor id of the datagram being received (read by `#route`). */
  #rxVendorId = 0;
  readonly #route: ReceiverVisitor = (src, _dst, s, ts) => {
    this.#stats.submessagesIn++;
    if (this.endpoints.route(src, s, ts, this.#rxVendorId) === 0) this.drop('no-endpoint');
  };

  constructor(deps: TransportEngineDeps) {
    if (deps.guidPrefix.length !== GUID_PREFIX_LENGTH) throw new TransportError('guidPrefix must have 12 octets');
    this.#deps = deps;
    this.#header = { protocolVersion: PROTOCOL_VERSION_2_4, vendorId: deps.vendorId ?? VendorIds.OPENDDS, guidPrefix: deps.guidPrefix.slice() };
    this.#writer = new RtpsMessageWriter(deps.maxDatagramSize);
    this.#receiveOptions = { localPrefix: this.#header.guidPrefix };
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  addLocalEndpoint(init: LocalEndpointInit): void {
    this.#open();
    if (!this.endpoints.add(init)) throw new TransportError(`local endpoint ${init.entityId.toString(16)} exists`);
    this.reschedule();
  }

  /** Counts one incoming datagram (any kind). */
  countIn(kind: 'rtps' | 'stun' | 'other'): void {
    this.#stats.datagramsIn++;
    if (kind === 'rtps') this.#stats.rtpsIn++;
    else if (kind === 'stun') this.#stats.stunIn++;
  }

  drop(reason: TransportDropReason, n = 1): void {
    this.#dropped[reason] += n;
    this.#deps.onDrop?.(reason);
  }

  /** Queues a transmit (see {@link Transport.send}). */
  send(from: EntityId, transmit: ReliabilityTransmit): void {
    if (this.#isClosed) return;
    const ep = this.endpoints.get(from);
    const channel = ep?.channel ?? 'data';
    const item = transmit.encoded ?? transmit.submessages;
    if (transmit.to === 'all-matched') {
      if (channel === 'spdp') this.#enqueue(channel, '*', undefined, item);
      else {
        const matched = this.endpoints.matchedParticipantEntries(from);
        if (matched !== undefined) {
          for (const p of matched.values()) {
            const own = this.endpoints.endpointLocators(from, p.hex);
            this.#enqueue(channel, own?.queueKey ?? p.hex, p.prefix, item, own);
          }
        }
      }
    } else if (channel !== 'spdp' && !this.#deps.knowsParticipant(channel, transmit.to)) {
      this.drop('no-destination');
    } else {
      const hex = toHex(transmit.to);
      const own = this.endpoints.endpointLocators(from, hex);
      this.#enqueue(channel, own?.queueKey ?? hex, transmit.to, item, own);
    }
    if (this.#depth === 0 && !this.#flushArmed) this.#armAt(this.#deps.timers.clock.now());
  }

  /** Queues submessages of `from`'s channel for the RtpsRelay port of that channel (no INFO_DST; spec §6.3). */
  sendToRelay(from: EntityId, submessages: readonly Submessage[]): void {
    if (this.#isClosed) return;
    this.#enqueue(this.endpoints.get(from)?.channel ?? 'data', 'relay', 'relay', submessages);
    if (this.#depth === 0 && !this.#flushArmed) this.#armAt(this.#deps.timers.clock.now());
  }

  /**
   * Queues per channel, then per destination (`key`: the hex of its prefix, with the endpoint
   * locators when there are any; '*' for the announcement destinations, 'relay' for the relay port).
   */
  #enqueue(channel: TransportChannel, key: string, destination: GuidPrefix | 'relay' | undefined, item: PackInput, locators?: EndpointLocators): void {
    let byDestination = this.#queues.get(channel);
    if (byDestination === undefined) this.#queues.set(channel, (byDestination = new Map<string, Queue>()));
    let q = byDestination.get(key);
    if (q === undefined) {
      byDestination.set(key, (q = { channel, destination: destination === 'relay' ? 'relay' : destination?.slice(), locators, transmits: [] }));
      this.#queued++;
    }
    q.transmits.push(item);
  }

  /** See {@link Transport.flushCount}. */
  get flushCount(): number {
    return this.#flushCount;
  }

  /** Packs and sends everything queued. */
  flush(): void {
    if (this.#isClosed || this.#queued === 0) {
      this.#flushCount++;
      return;
    }
    const queues: Queue[] = [];
    for (const byDestination of this.#queues.values()) {
      for (const q of byDestination.values()) queues.push(q);
      byDestination.clear();
    }
    this.#queued = 0;
    for (const q of queues) {
      const outcome = { failed: 0 };
      const dst = q.destination === 'relay' ? undefined : q.destination;
      const r = packDatagrams(this.#header, dst, q.transmits, this.#deps.maxDatagramSize, (bytes) => {
        const sent = this.#deps.deliver(q.channel, q.destination, bytes, q.locators);
        if (sent === true) {
          this.#stats.datagramsOut++;
          this.#stats.bytesOut += bytes.length;
        } else if (sent === false) {
          outcome.failed++;
        }
      }, this.#writer);
      if (outcome.failed === 0) this.#stats.transmitsOut += r.transmits;
      else this.drop('no-destination', r.transmits);
      if (r.oversize > 0) this.drop('oversize', r.oversize);
    }
    // Not when a deliver re-entered send(): those transmits are still queued.
    if (this.#queued === 0) this.#flushCount++;
  }

  /**
   * The receive path for one datagram already classified as RTPS (spec §3.5): own datagrams are
   * dropped, malformed ones counted and dropped (never thrown), the rest routed to local endpoints;
   * then queued output is flushed and the timer re-armed.
   * @returns the header's source prefix (a view into `bytes`) when the datagram decoded, else undefined.
   */
  receive(bytes: Uint8Array): GuidPrefix | undefined {
    if (this.#isClosed) return undefined;
    // RTPS header: "RTPS", version (2), vendor id (2), guidPrefix (12). Compared in place (no view per datagram).
    if (bytes.length >= 8 + GUID_PREFIX_LENGTH && equalPrefixAt(bytes, 8, this.#header.guidPrefix)) {
      this.drop('own');
      return undefined;
    }
    const outerVendorId = this.#rxVendorId; // a listener may make another transport deliver to this one re-entrantly
    this.#rxVendorId = ((bytes[6] ?? 0) << 8) | (bytes[7] ?? 0); // RTPS header: "RTPS", version (2), vendor id (2)
    this.#depth++;
    try {
      const r = receiveRtpsMessage(bytes, this.#route, this.#receiveOptions);
      if (r.kind === 'malformed') {
        this.drop('malformed');
        this.#deps.log.debug('malformed RTPS dropped', { field: r.error.field, offset: r.error.offset });
        return undefined;
      }
      if (r.notForUs > 0) this.drop('not-for-us', r.notForUs);
      // It decoded, so the 20-octet header is there.
      return new Uint8Array(bytes.buffer, bytes.byteOffset + 8, GUID_PREFIX_LENGTH);
    } finally {
      this.#rxVendorId = outerVendorId;
      this.#depth--;
      this.#after();
    }
  }

  /** Re-arms the one timer to the earliest core deadline (or now, when output is queued). */
  reschedule(): void {
    // A timer armed to run at once re-arms itself after it ran (per-write cost: bench/dataplane).
    if (this.#depth > 0 || this.#isClosed || (this.#flushArmed && this.#queued > 0)) return;
    const deadline = this.endpoints.nextDeadline();
    this.#armAt(this.#queued > 0 ? this.#deps.timers.clock.now() : deadline, deadline);
  }

  #after(): void {
    if (this.#depth > 0) return;
    // Deadlines already due (a burst HEARTBEAT armed by a write made in this callback, an
    // ACKNACK with no response delay) run now, so they leave in the same datagram as the data
    // instead of one more datagram from the next timer turn (bench/dataplane round trip).
    let next: number;
    this.#depth++;
    try {
      next = this.endpoints.runDue(this.#deps.timers.clock.now());
    } finally {
      this.#depth--;
    }
    this.flush();
    // As reschedule(), with the deadline runDue already found (flushing changes no core's).
    if (!this.#isClosed && !(this.#flushArmed && this.#queued > 0)) this.#armAt(this.#queued > 0 ? this.#deps.timers.clock.now() : next, next);
  }

  /**
   * Arms the one timer for the earliest of `at`, now (when output is queued) and `deadline`, the
   * cores' earliest (looked up unless the caller just did).
   */
  #armAt(at: number, deadline = this.endpoints.nextDeadline()): void {
    if (this.#isClosed) return;
    const now = this.#deps.timers.clock.now();
    const target = Math.min(at, this.#queued > 0 ? now : Number.POSITIVE_INFINITY, deadline);
    if (target === this.#timerAt && this.#timer !== undefined) return;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAt = target;
    this.#flushArmed = false;
    if (target === Number.POSITIVE_INFINITY) return;
    this.#flushArmed = target <= now;
    this.#timer = this.#deps.timers.at(target, () => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.#flushArmed = false;
      if (this.#isClosed) return;
      this.#depth++;
      try {
        this.endpoints.runDue(this.#deps.timers.clock.now());
      } finally {
        this.#depth--;
        this.#after();
      }
    });
  }

  stats(): TransportStats {
    return { ...this.#stats, dropped: { ...this.#dropped } };
  }

  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#flushArmed = false;
    this.#queues.clear();
    this.#queued = 0;
    this.#flushCount++;
  }

  #open(): void {
    if (this.#isClosed) throw new TransportError('transport is closed');
  }

  /** @throws TransportError after close. */
  assertOpen(): void {
    this.#open();
  }
}

/** Whether the 12 octets of `bytes` at `at` are `prefix`. */
function equalPrefixAt(bytes: Uint8Array, at: number, prefix: Uint8Array): boolean {
  for (let i = 0; i < GUID_PREFIX_LENGTH; i++) if (bytes[at + i] !== prefix[i]) return false;
  return true;
}
