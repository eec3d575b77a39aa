/**
 * The client side of the RtpsRelay connection for one socket (spec/opendds-ice-and-rtpsrelay.md §6):
 * OpenDDS's `ServerReflexiveStateMachine` (§6.1) driven on its Fibonacci schedule (§6.2), sans-I/O
 * (STYLE.md rule 3). Each message is a Binding request or indication with GUID_PREFIX then
 * FINGERPRINT (no USERNAME/MESSAGE-INTEGRITY) and a new random transaction id; it keeps the NAT
 * binding of the socket and the relay's routing entry for this port alive, and the relay's answers
 * tell us our public (server-reflexive) address.
 *
 * Differences from the generic server-reflexive client of the ICE agent (§5.3, `ice/server-reflexive.ts`):
 * GUID_PREFIX in every message; a Fibonacci cadence instead of a fixed 30 s period; no RFC 5389
 * retransmission (the fast start of the cadence plays that part); the address is dropped after
 * `indicationCountLimit` unanswered requests (§6.1), which OpenDDS reports as "connection lost".
 *
 * The transport owns one instance per (socket, relay port): SPDP → SpdpRtpsRelayAddress, SEDP →
 * SedpRtpsRelayAddress, each rtps_udp transport → DataRtpsRelayAddress.
 */
import { addressEquals, formatAddress, type TransportAddress } from '../util/address.js';
import type { Clock } from '../util/clock.js';
import { DecodeError, InvalidConfigError } from '../util/errors.js';
import { FibonacciSequence } from '../util/fibonacci-sequence.js';
import type { Logger } from '../util/logger.js';
import {
  attr, decodeStunMessage, encodeStunMessage, getMappedAddress, GuidPrefix, HEADER_LENGTH, StunMethod, TRANSACTION_ID_LENGTH,
  unknownComprehensionRequired, type StunMessage,
} from '../stun/index.js';
import { UNDERSTOOD_ATTRIBUTES } from '../ice/index.js';

export { FibonacciSequence };

/** Offset of the transaction id in a STUN header (RFC 5389 §6). */
const TRANSACTION_ID_OFFSET = 8;
/** RTPS GuidPrefix_t length (RTPS 2.3 §9.3.1.1). */
const GUID_PREFIX_LENGTH = 12;

/** A datagram for the transport to send from this instance's socket. */
export interface RelayKeepaliveTransmit {
  readonly to: TransportAddress;
  /** Owned by the receiver (a view into a shared slab: keep `byteOffset`/`byteLength`). */
  readonly bytes: Uint8Array;
  readonly messageClass: 'request' | 'indication';
}

/**
 * Transitions of the server-reflexive address learned from the relay (§6.1 Set/Change/Unset; "None"
 * is not reported). `relay` is the relay port the address was learned from.
 */
export type RelayKeepaliveEvent =
  | { readonly type: 'address-set'; readonly relay: TransportAddress; readonly address: TransportAddress; readonly latencyMs: number }
  | {
    readonly type: 'address-changed'; readonly relay: TransportAddress; readonly address: TransportAddress;
    readonly previous: TransportAddress; readonly latencyMs: number;
  }
  | {
    readonly type: 'address-unset'; readonly relay: TransportAddress; readonly previous: TransportAddress;
    /** `timeout`: `indicationCountLimit` requests went unanswered (OpenDDS "connection lost"); `relay-changed`: {@link RelayKeepalive.setRelayAddress}. */
    readonly reason: 'timeout' | 'relay-changed';
    /** Latency of the last answered request, if any. */
    readonly lastLatencyMs: number | undefined;
  };

/** Collaborators of {@link RelayKeepalive}. */
export interface RelayKeepaliveDeps {
  readonly clock: Clock;
  /** Fire-and-forget; must not re-enter the instance. */
  readonly send: (t: RelayKeepaliveTransmit) => void;
  readonly emit: (e: RelayKeepaliveEvent) => void;
  /** Cryptographically random bytes (transaction ids, RFC 5389 §6). */
  readonly randomBytes: (n: number) => Uint8Array;
  readonly log: Logger;
}

/** Who keeps alive what: required, unlike {@link RelayKeepaliveInit}. */
export interface RelayKeepaliveTarget {
  /** The relay port matching the socket (SPDP, SEDP or DATA vertical port). */
  readonly relayAddress: TransportAddress;
  /** The local participant's 12-byte GUID prefix (copied). */
  readonly guidPrefix: Uint8Array;
}

/** Configuration of {@link RelayKeepalive}; durations in ms. */
export interface RelayKeepaliveInit {
  /**
   * First delay of the Fibonacci cadence (§6.2): SedpHeartbeatPeriod (200 ms) for the SPDP and SEDP
   * sockets, the transport's `heartbeat_period` (1 s) for rtps_udp data sockets. Default 200.
   */
  readonly initialPeriodMs?: number;
  /** Cap of the cadence and the delay after Set/Change: ServerReflexiveAddressPeriod. Default 30 000. */
  readonly maxPeriodMs?: number;
  /** `L` = ServerReflexiveIndicationCount: indications per request, unanswered requests before Unset. Default 10. */
  readonly indicationCountLimit?: number;
}

/** Defaults of {@link RelayKeepaliveInit} (OpenDDS, spec §6.2, §7.1). */
export const DEFAULT_RELAY_KEEPALIVE_INIT: Readonly<Required<RelayKeepaliveInit>> = Object.freeze({
  initialPeriodMs: 200,
  maxPeriodMs: 30_000,
  indicationCountLimit: 10,
});

/** The cadence of the SPDP and SEDP sockets (SedpHeartbeatPeriod, spec §6.2). */
export const SPDP_RELAY_KEEPALIVE_INIT: Readonly<RelayKeepaliveInit> = Object.freeze({ initialPeriodMs: 200 });
/** The cadence of an rtps_udp data socket (`heartbeat_period` default 1 s, spec §6.2). */
export const DATA_RELAY_KEEPALIVE_INIT: Readonly<RelayKeepaliveInit> = Object.freeze({ initialPeriodMs: 1_000 });

/** Counters of {@link RelayKeepalive}. */
export interface RelayKeepaliveStats {
  readonly requests: number;
  readonly indications: number;
  /** Success responses to the latest message. */
  readonly responses: number;
  /** Error responses to the latest message (logged, no state change). */
  readonly errorResponses: number;
  /** Datagrams with the latest transaction id that were consumed without effect (undecodable, unusable). */
  readonly ignored: number;
}

/** The message in flight: only a response to it counts (§6.1). */
interface LastMessage {
  readonly transactionId: Uint8Array;
  readonly sentAt: number;
  readonly messageClass: 'request' | 'indication';
}

/**
 * §6.1 + §6.2 for one (socket, relay port, GUID prefix). Starts at once: the first message is due at
 * construction time. `handleStun` consumes responses; `nextDeadline`/`handleTimeout` drive the cadence.
 */
export class RelayKeepalive {
  readonly #deps: RelayKeepaliveDeps;
  readonly #log: Logger;
  readonly #config: Readonly<Required<RelayKeepaliveInit>>;
  readonly #guidPrefix: Uint8Array;
  #relay: TransportAddress;
  readonly #cadence: FibonacciSequence;
  #dueAt: number | undefined;
  #address: TransportAddress | undefined;
  #mode: 'request' | 'indication' = 'request';
  /** Indications since the answered request, or requests since the last answer while requesting. */
  #count = 0;
  #last: LastMessage | undefined;
  #lastLatencyMs: number | undefined;
  #requests = 0;
  #indications = 0;
  #responses = 0;
  #errorResponses = 0;
  #ignored = 0;

  /** @throws InvalidConfigError for a bad `init` or a GUID prefix that is not 12 bytes. */
  constructor(deps: RelayKeepaliveDeps, target: RelayKeepaliveTarget, init: RelayKeepaliveInit = {}) {
    const config = { ...DEFAULT_RELAY_KEEPALIVE_INIT, ...init };
    if (!(config.initialPeriodMs > 0) || !Number.isFinite(config.initialPeriodMs)) {
      throw new InvalidConfigError('relayKeepalive.initialPeriodMs', 'must be a positive number of ms');
    }
    if (!(config.maxPeriodMs >= config.initialPeriodMs) || !Number.isFinite(config.maxPeriodMs)) {
      throw new InvalidConfigError('relayKeepalive.maxPeriodMs', 'must be finite and at least initialPeriodMs');
    }
    if (!Number.isInteger(config.indicationCountLimit) || config.indicationCountLimit < 1) {
      throw new InvalidConfigError('relayKeepalive.indicationCountLimit', 'must be a positive integer');
    }
    if (target.guidPrefix.length !== GUID_PREFIX_LENGTH) {
      throw new InvalidConfigError('relayKeepalive.guidPrefix', `must be ${GUID_PREFIX_LENGTH} bytes, is ${target.guidPrefix.length}`);
    }
    this.#deps = deps;
    this.#log = deps.log.child('relay-keepalive');
    this.#config = Object.freeze(config);
    this.#guidPrefix = target.guidPrefix.slice();
    this.#relay = target.relayAddress;
    this.#cadence = new FibonacciSequence(config.initialPeriodMs);
    this.#dueAt = deps.clock.now();
  }

  /** The server-reflexive address the relay reported for this socket, while known. */
  get address(): TransportAddress | undefined {
    return this.#address;
  }

  get relayAddress(): TransportAddress {
    return this.#relay;
  }

  /** Send-to-response time of the last answered message (ms), if any. */
  get lastLatencyMs(): number | undefined {
    return this.#lastLatencyMs;
  }

  get isClosed(): boolean {
    return this.#dueAt === undefined;
  }

  /** When {@link handleTimeout} must run next (monotonic ms), or undefined once closed. */
  nextDeadline(): number | undefined {
    return this.#dueAt;
  }

  /** Sends the due message, if any, and schedules the next one (§6.2: next delay = cadence value, then advance). */
  handleTimeout(): void {
    const due = this.#dueAt;
    const now = this.#deps.clock.now();
    if (due === undefined || now < due) return;
    this.#sendNext(now);
    this.#dueAt = now + this.#cadence.get();
    this.#cadence.advance(this.#config.maxPeriodMs);
  }

  /**
   * Restarts the cadence (enable, relay-related configuration change, new relay application
   * participant; §6.2): the next message is sent at once and delays restart at `initialPeriodMs`.
   * The state machine (address, counters) is kept.
   */
  reset(): void {
    if (this.#dueAt === undefined) return;
    this.#cadence.set(this.#config.initialPeriodMs);
    this.#dueAt = this.#deps.clock.now();
  }

  /**
   * Points the machine at another relay port (§6.1 "changing the relay address restarts the machine"):
   * the learned address is forgotten (`address-unset`, reason `relay-changed`), requesting starts
   * over and the cadence is reset. The same address is a no-op.
   */
  setRelayAddress(relayAddress: TransportAddress): void {
    if (this.#dueAt === undefined || addressEquals(relayAddress, this.#relay)) return;
    const previousRelay = this.#relay;
    this.#relay = relayAddress;
    this.#mode = 'request';
    this.#count = 0;
    this.#last = undefined;
    this.reset();
    const previous = this.#address;
    if (previous !== undefined) {
      this.#address = undefined;
      this.#deps.emit({ type: 'address-unset', relay: previousRelay, previous, reason: 'relay-changed', lastLatencyMs: this.#lastLatencyMs });
    }
  }

  /**
   * Offers a STUN datagram received on this instance's socket. Returns true when it carries the
   * transaction id of the latest message sent (then it is this instance's and was consumed, whatever
   * its content); false otherwise, so the transport's demultiplexer passes it on (e.g. to the ICE
   * agent). Never throws for bad input. `bytes` is not kept.
   */
  handleStun(bytes: Uint8Array, from: TransportAddress): boolean {
    const last = this.#last;
    if (last === undefined || !hasTransactionId(bytes, last.transactionId)) return false;
    let msg: StunMessage;
    try {
      msg = decodeStunMessage(bytes);
    } catch (err: unknown) {
      if (!(err instanceof DecodeError)) throw err;
      // The one catch around a decoder (STYLE.md rule 7): count, log at debug, drop.
      this.#ignored++;
      if (this.#log.enabled) this.#log.debug('undecodable datagram with our transaction id dropped', { from: formatAddress(from), err });
      return true;
    }
    if (msg.method !== StunMethod.binding || (msg.messageClass !== 'success' && msg.messageClass !== 'error')) {
      return false;
    }
    if (msg.messageClass === 'error') {
      // §6.1: error responses are logged only.
      this.#errorResponses++;
      this.#log.warn('relay STUN error response', { relay: formatAddress(this.#relay), from: formatAddress(from) });
      return true;
    }
    const mapped = getMappedAddress(msg);
    if (unknownComprehensionRequired(msg, UNDERSTOOD_ATTRIBUTES).length > 0 || mapped === undefined || mapped.port === 0 || isUnspecified(mapped)) {
      // §5.3/§6.1: a success response counts only with a known attribute set and a non-zero mapped address.
      this.#ignored++;
      this.#log.warn('unusable relay STUN success response ignored', { relay: formatAddress(this.#relay), from: formatAddress(from) });
      return true;
    }
    const latencyMs = this.#deps.clock.now() - last.sentAt;
    this.#responses++;
    this.#lastLatencyMs = latencyMs;
    this.#last = undefined;
    this.#mode = 'indication';
    this.#count = 0;
    const previous = this.#address;
    if (previous !== undefined && addressEquals(previous, mapped)) return true; // §6.1 "None"
    this.#address = mapped;
    // §6.2 (`process_relay_sra`): on Set/Change the next message waits a full ServerReflexiveAddressPeriod.
    this.#cadence.set(this.#config.maxPeriodMs);
    if (this.#dueAt !== undefined) this.#dueAt = this.#deps.clock.now() + this.#config.maxPeriodMs;
    this.#deps.emit(previous === undefined
      ? { type: 'address-set', relay: this.#relay, address: mapped, latencyMs }
      : { type: 'address-changed', relay: this.#relay, address: mapped, previous, latencyMs });
    return true;
  }

  /** Stops sending; later datagrams are not consumed. No event. Idempotent. */
  close(): void {
    this.#dueAt = undefined;
    this.#last = undefined;
  }

  stats(): RelayKeepaliveStats {
    return {
      requests: this.#requests, indications: this.#indications, responses: this.#responses,
      errorResponses: this.#errorResponses, ignored: this.#ignored,
    };
  }

  /** §6.1 `send()`: picks REQUEST or INDICATION, counts, builds a fresh message. */
  #sendNext(now: number): void {
    const limit = this.#config.indicationCountLimit;
    const previous = this.#address;
    if (previous !== undefined && this.#mode === 'request' && this.#count >= limit) {
      // §6.1: L unanswered requests with an address known ⇒ Unset ("connection lost").
      this.#address = undefined;
      this.#count = 0;
      this.#deps.emit({ type: 'address-unset', relay: this.#relay, previous, reason: 'timeout', lastLatencyMs: this.#lastLatencyMs });
    }
    let messageClass: 'request' | 'indication';
    if (this.#address === undefined) {
      this.#mode = 'request';
      this.#count = 1;
      messageClass = 'request';
    } else if (this.#mode === 'indication' && this.#count < limit) {
      this.#count++;
      messageClass = 'indication';
    } else if (this.#mode === 'indication') {
      // §6.1: after L indications, a request (counter restarts at 1).
      this.#mode = 'request';
      this.#count = 1;
      messageClass = 'request';
    } else {
      this.#count++;
      messageClass = 'request';
    }
    const transactionId = this.#deps.randomBytes(TRANSACTION_ID_LENGTH).slice();
    const bytes = encodeRelayKeepalive(messageClass, transactionId, this.#guidPrefix);
    this.#last = { transactionId, sentAt: now, messageClass };
    if (messageClass === 'request') this.#requests++;
    else this.#indications++;
    if (this.#log.enabled) this.#log.debug('relay STUN sent', { relay: formatAddress(this.#relay), messageClass, count: this.#count });
    this.#deps.send({ to: this.#relay, bytes, messageClass });
  }
}

/**
 * The relay keep-alive message (§6.1, vectors §13.4): Binding `messageClass`, GUID_PREFIX, FINGERPRINT;
 * 44 bytes. The result is a view into a shared slab (see `encodeStunMessage`).
 * @throws EncodeError when `transactionId` is not 12 bytes or `guidPrefix` not 12 bytes.
 */
export function encodeRelayKeepalive(messageClass: 'request' | 'indication', transactionId: Uint8Array, guidPrefix: Uint8Array): Uint8Array {
  return encodeStunMessage({
    method: StunMethod.binding, messageClass, transactionId, attributes: [attr(GuidPrefix, guidPrefix)], fingerprint: true,
  });
}

function hasTransactionId(bytes: Uint8Array, id: Uint8Array): boolean {
  if (bytes.length < HEADER_LENGTH) return false;
  for (let i = 0; i < TRANSACTION_ID_LENGTH; i++) {
    if (bytes[TRANSACTION_ID_OFFSET + i] !== id[i]) return false;
  }
  return true;
}

function isUnspecified(a: TransportAddress): boolean {
  return a.ip === '0.0.0.0' || a.ip === '::';
}
