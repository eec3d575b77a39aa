/**
 * The relay keepalives of one participant's sockets (spec §6.1, §6.2), a thin driver (STYLE.md rule 5):
 * one {@link RelayKeepalive} per (channel, local socket) toward that channel's relay port, their
 * deadlines served by one timer, STUN offered to the keepalive of the socket it arrived on. The
 * {@link RtpsUdpTransport} owns one and says where datagrams go (`send`) and what the events mean
 * (`emit`: server-reflexive candidates, the `relay-address` event).
 */
import type { TransportAddress } from '../util/address.js';
import { addressEquals } from '../util/address.js';
import type { TimerHandle, TimerService } from '../util/datagram-io.js';
import type { Logger } from '../util/logger.js';
import type { RelayKeepaliveEvent, RelayKeepaliveInit, RelayKeepaliveStats } from './relay-keepalive.js';
import { RelayKeepalive } from './relay-keepalive.js';
import type { TransportChannel } from './transport.js';

/** Collaborators of {@link RelayKeepaliveSet}. */
export interface RelayKeepaliveSetDeps {
  readonly timers: TimerService;
  readonly log: Logger;
  readonly randomBytes: (n: number) => Uint8Array;
  /** Sends from the socket bound to `local`; fire-and-forget. */
  readonly send: (channel: TransportChannel, local: TransportAddress, to: TransportAddress, bytes: Uint8Array) => void;
  /** A keepalive's transition, after the keepalive's call has returned its state. */
  readonly emit: (channel: TransportChannel, e: RelayKeepaliveEvent) => void;
}

interface Link {
  readonly channel: TransportChannel;
  readonly local: TransportAddress;
  readonly keepalive: RelayKeepalive;
}

/** See the module comment. */
export class RelayKeepaliveSet {
  readonly #deps: RelayKeepaliveSetDeps;
  readonly #links: Link[] = [];
  #timer: TimerHandle | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #isClosed = false;

  constructor(deps: RelayKeepaliveSetDeps) {
    this.#deps = deps;
  }

  /** Starts a keepalive from the socket bound to `local` toward `relay` (its first message is due now). */
  add(channel: TransportChannel, local: TransportAddress, relay: TransportAddress, guidPrefix: Uint8Array, init: RelayKeepaliveInit): void {
    if (this.#isClosed) return;
    const keepalive = new RelayKeepalive({
      clock: this.#deps.timers.clock,
      send: (t) => { this.#deps.send(channel, local, t.to, t.bytes); },
      emit: (e) => { this.#deps.emit(channel, e); },
      randomBytes: this.#deps.randomBytes,
      log: this.#deps.log,
    }, { relayAddress: relay, guidPrefix }, init);
    this.#links.push({ channel, local, keepalive });
    this.#rearm();
  }

  /** Whether `channel` has at least one keepalive. */
  has(channel: TransportChannel): boolean {
    return this.#links.some((l) => l.channel === channel);
  }

  /** STUN that arrived on the socket `local` of `channel`: true when that socket's keepalive took it. */
  handleStun(channel: TransportChannel, local: TransportAddress, bytes: Uint8Array, from: TransportAddress): boolean {
    for (const l of this.#links) {
      if (l.channel !== channel || !addressEquals(l.local, local)) continue;
      if (l.keepalive.handleStun(bytes, from)) {
        this.#rearm();
        return true;
      }
    }
    return false;
  }

  /** Our address as the relay port of `channel` last reported it, per socket that has one. */
  reflexiveAddresses(channel: TransportChannel): TransportAddress[] {
    const out: TransportAddress[] = [];
    for (const l of this.#links) {
      const a = l.keepalive.address;
      if (l.channel === channel && a !== undefined) out.push(a);
    }
    return out;
  }

  /** Counters per socket of `channel`. */
  stats(channel: TransportChannel): RelayKeepaliveStats[] {
    return this.#links.filter((l) => l.channel === channel).map((l) => l.keepalive.stats());
  }

  /** Restarts every cadence (spec §6.2). */
  reset(): void {
    for (const l of this.#links) l.keepalive.reset();
    this.#rearm();
  }

  /** Closes every keepalive and the timer. Idempotent. */
  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    for (const l of this.#links.splice(0)) l.keepalive.close();
  }

  #rearm(): void {
    if (this.#isClosed) return;
    let at = Number.POSITIVE_INFINITY;
    for (const l of this.#links) at = Math.min(at, l.keepalive.nextDeadline() ?? Number.POSITIVE_INFINITY);
    if (at === this.#timerAt && this.#timer !== undefined) return;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAt = at;
    if (at === Number.POSITIVE_INFINITY) return;
    this.#timer = this.#deps.timers.at(at, () => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      if (this.#isClosed) return;
      const now = this.#deps.timers.clock.now();
      for (const l of this.#links) {
        const due = l.keepalive.nextDeadline();
        if (due !== undefined && due <= now) l.keepalive.handleTimeout();
      }
      this.#rearm();
    });
  }
}
