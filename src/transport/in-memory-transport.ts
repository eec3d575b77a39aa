/**
 * An in-memory {@link Transport} for tests of discovery and DDS: participants on one
 * {@link InMemoryBus} exchange real RTPS datagrams (packed, decoded and routed by the same
 * {@link TransportEngine} as UDP) without sockets, delivered by a {@link TimerService} (virtual or
 * real) after `latencyMs`, never synchronously, so a core's send never re-enters a core.
 * Addresses do not exist here: a datagram for a participant goes to that participant; SPDP
 * announcements go to every other participant on the bus.
 */
import type { EntityId, Guid, GuidPrefix, Locator } from '../rtps/index.js';
import type { ReliabilityTransmit } from '../reliability/index.js';
import type { TimerService } from '../util/datagram-io.js';
import { InvalidConfigError } from '../util/errors.js';
import { toHex } from '../util/hex.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import type { LocalEndpointInit, RemoteParticipantInit, Transport, TransportChannel, TransportLocators, TransportStats } from './transport.js';
import { TransportEngine, TransportError } from './transport-engine.js';

/** Options of {@link InMemoryBus}. */
export interface InMemoryBusInit {
  /** One-way delay (ms); default 0 (delivered at the same time, after the sender's call returns). */
  readonly latencyMs?: number;
  /** Drop predicate for tests (loss); default none. */
  readonly drop?: (bytes: Uint8Array, channel: TransportChannel) => boolean;
}

/** The medium {@link InMemoryTransport}s share. */
export class InMemoryBus {
  readonly timers: TimerService;
  readonly #latencyMs: number;
  readonly #drop: InMemoryBusInit['drop'];
  readonly #members = new Map<string, InMemoryTransport>();
  /** Datagrams carried (for tests). */
  carried = 0;

  constructor(timers: TimerService, init: InMemoryBusInit = {}) {
    this.timers = timers;
    this.#latencyMs = init.latencyMs ?? 0;
    if (this.#latencyMs < 0) throw new InvalidConfigError('latencyMs', 'must be ≥ 0');
    this.#drop = init.drop;
  }

  /** @internal */
  join(t: InMemoryTransport): void {
    const hex = toHex(t.guidPrefix);
    if (this.#members.has(hex)) throw new TransportError(`participant ${hex} is on the bus already`);
    this.#members.set(hex, t);
  }

  /** @internal */
  leave(t: InMemoryTransport): void {
    const hex = toHex(t.guidPrefix);
    if (this.#members.get(hex) === t) this.#members.delete(hex);
  }

  /** @internal Carries a datagram to one participant, or (undefined) to all others. */
  carry(from: InMemoryTransport, channel: TransportChannel, destination: GuidPrefix | undefined, bytes: Uint8Array): boolean {
    const targets = destination === undefined
      ? [...this.#members.values()].filter((m) => m !== from)
      : [this.#members.get(toHex(destination))].filter((m) => m !== undefined);
    if (targets.length === 0) return false;
    // The sender's datagram is a view valid during this call only (as for a DatagramSocket).
    const copy = bytes.slice();
    for (const target of targets) {
      this.carried++;
      if (this.#drop?.(copy, channel) === true) continue;
      this.timers.at(this.timers.clock.now() + this.#latencyMs, () => { target.receiveFromBus(copy); });
    }
    return true;
  }
}

/** Collaborators of {@link InMemoryTransport}. */
export interface InMemoryTransportDeps {
  readonly guidPrefix: GuidPrefix;
  readonly bus: InMemoryBus;
  readonly log?: Logger;
}

/** See the module comment. */
export class InMemoryTransport implements Transport {
  readonly guidPrefix: GuidPrefix;
  readonly maxDatagramSize: number;
  readonly #bus: InMemoryBus;
  readonly #engine: TransportEngine;
  readonly #remotes = new Set<string>();

  constructor(deps: InMemoryTransportDeps, init: { readonly maxDatagramSize?: number } = {}) {
    this.guidPrefix = deps.guidPrefix.slice();
    this.maxDatagramSize = init.maxDatagramSize ?? 1400;
    this.#bus = deps.bus;
    this.#engine = new TransportEngine({
      guidPrefix: this.guidPrefix,
      timers: deps.bus.timers,
      log: (deps.log ?? silentLogger).child('in-memory'),
      maxDatagramSize: this.maxDatagramSize,
      // No relay on the bus: a datagram for the relay has nowhere to go.
      deliver: (channel, destination, bytes) => destination !== 'relay' && this.#bus.carry(this, channel, destination, bytes),
      knowsParticipant: (_channel, prefix) => this.#remotes.has(toHex(prefix)),
    });
    deps.bus.join(this);
  }

  /** @internal The bus hands a datagram over. */
  receiveFromBus(bytes: Uint8Array): void {
    if (this.#engine.isClosed) return;
    this.#engine.countIn('rtps');
    this.#engine.receive(bytes);
  }

  locators(): TransportLocators {
    return { spdpUnicast: [], spdpMulticast: [], metatrafficUnicast: [], metatrafficMulticast: [], defaultUnicast: [], defaultMulticast: [] };
  }

  addLocalEndpoint(init: LocalEndpointInit): void {
    this.#engine.addLocalEndpoint(init);
  }

  removeLocalEndpoint(entityId: EntityId): void {
    this.#engine.endpoints.remove(entityId);
  }

  addRemoteParticipant(init: RemoteParticipantInit): void {
    this.#engine.assertOpen();
    this.#remotes.add(toHex(init.guidPrefix));
  }

  removeRemoteParticipant(guidPrefix: GuidPrefix): void {
    this.#remotes.delete(toHex(guidPrefix));
    this.#engine.endpoints.removeParticipant(guidPrefix);
  }

  matchRemoteReader(localWriter: EntityId, remoteReader: Guid, unicastLocators?: readonly Locator[]): void {
    this.#engine.endpoints.matchRemoteReader(localWriter, remoteReader, unicastLocators);
  }

  unmatchRemoteReader(localWriter: EntityId, remoteReader: Guid): void {
    this.#engine.endpoints.unmatchRemoteReader(localWriter, remoteReader);
  }

  matchRemoteWriter(localReader: EntityId, remoteWriter: Guid, unicastLocators?: readonly Locator[]): void {
    this.#engine.endpoints.matchRemoteWriter(localReader, remoteWriter, unicastLocators);
  }

  unmatchRemoteWriter(localReader: EntityId, remoteWriter: Guid): void {
    this.#engine.endpoints.unmatchRemoteWriter(localReader, remoteWriter);
  }

  send(from: EntityId, transmit: ReliabilityTransmit): void {
    this.#engine.send(from, transmit);
  }

  flush(): void {
    this.#engine.flush();
  }

  get flushCount(): number {
    return this.#engine.flushCount;
  }

  reschedule(): void {
    this.#engine.reschedule();
  }

  stats(): TransportStats {
    return this.#engine.stats();
  }

  close(): void {
    this.#engine.close();
    this.#bus.leave(this);
  }
}
