/**
 * The server-reflexive client of each endpoint (spec/opendds-ice-and-rtpsrelay.md §5.3): a Binding
 * request (FINGERPRINT only) until the STUN server answers with a mapped address, then a Binding
 * indication every ServerReflexiveAddressPeriod and a request again after
 * ServerReflexiveIndicationCount indications. Differences from OpenDDS (spec §10 item 6): an
 * unanswered request is retransmitted with RFC 5389 RTO doubling while no address is known, and the
 * address is dropped after `ServerReflexiveIndicationCount` unanswered requests.
 */
import { addressEquals, type TransportAddress } from '../util/address.js';
import type { Logger } from '../util/logger.js';
import { encodeStunMessage, getMappedAddress, StunMethod, transactionIdKey, unknownComprehensionRequired, type StunMessage } from '../stun/index.js';
import type { IceConfig } from './config.js';
import type { EndpointState, SrflxRequest } from './endpoint.js';
import { UNDERSTOOD_ATTRIBUTES } from './request-validation.js';
import { backOff } from './rto.js';
import type { TimerQueue } from './timer-queue.js';

export interface ServerReflexiveContext {
  readonly config: IceConfig;
  readonly now: () => number;
  /** Unpaced timers (retransmissions). */
  readonly timers: TimerQueue;
  /** Paced, due-time work (one new transaction per Ta). */
  readonly maintenance: TimerQueue;
  readonly nextTransactionId: () => Uint8Array;
  /** `isNew`: a new transaction that counts against Ta. */
  readonly send: (ep: EndpointState, from: TransportAddress, to: TransportAddress, bytes: Uint8Array, isNew: boolean) => void;
  /** The srflx address appeared, changed or went away. */
  readonly addressChanged: (ep: EndpointState) => void;
  readonly log: Logger;
}

export class ServerReflexive {
  constructor(readonly ctx: ServerReflexiveContext) {}

  /** Starts the cycle: first message at once (spec §5.3 "first run immediately"). */
  start(ep: EndpointState, server: TransportAddress): void {
    ep.srflx = { server, mode: 'requesting', count: 0, address: undefined, lastKey: undefined, lastRequest: undefined, tick: undefined };
    this.#schedule(ep, this.ctx.now());
  }

  stop(ep: EndpointState): void {
    const s = ep.srflx;
    if (s === undefined) return;
    s.tick?.cancel();
    s.lastRequest?.timer?.cancel();
    ep.srflx = undefined;
  }

  #schedule(ep: EndpointState, at: number): void {
    const s = ep.srflx;
    if (s === undefined) return;
    s.tick?.cancel();
    s.tick = this.ctx.maintenance.add(at, () => { this.#tick(ep); });
  }

  #base(ep: EndpointState, server: TransportAddress): TransportAddress | undefined {
    return ep.localCandidates.find((c) => c.type === 'host' && c.address.family === server.family)?.base
      ?? ep.hostAddresses.find((a) => a.family === server.family);
  }

  #tick(ep: EndpointState): void {
    const s = ep.srflx;
    if (s === undefined) return;
    const now = this.ctx.now();
    this.#schedule(ep, now + this.ctx.config.serverReflexiveAddressPeriodMs);
    const from = this.#base(ep, s.server);
    if (from === undefined) return;
    const id = this.ctx.nextTransactionId();
    s.lastKey = transactionIdKey(id);
    s.lastRequest?.timer?.cancel();
    s.lastRequest = undefined;
    if (s.mode === 'indicating' && s.count < this.ctx.config.serverReflexiveIndicationCount) {
      s.count++;
      this.ctx.send(ep, from, s.server, this.#encode(id, 'indication'), true);
      if (s.count >= this.ctx.config.serverReflexiveIndicationCount) { s.mode = 'requesting'; s.count = 0; }
      return;
    }
    if (s.address !== undefined && s.count >= this.ctx.config.serverReflexiveIndicationCount) {
      // Unlike OpenDDS (spec §10 item 6): a server that stopped answering takes its address with it.
      s.address = undefined;
      s.count = 0;
      this.ctx.addressChanged(ep);
    }
    s.count++;
    const req: SrflxRequest = { id, from, firstSentAt: now, transmissions: 1, rtoMs: this.ctx.config.initialRtoMs, timer: undefined };
    s.lastRequest = req;
    this.ctx.send(ep, from, s.server, this.#encode(id, 'request'), true);
    if (s.address === undefined) this.#armRetransmit(ep, req);
  }

  /**
   * RFC 5389 §7.2.1 while no address is known: RTO doubling from initialRtoMs, capped at maxRtoMs,
   * until checkTimeoutMs after the first transmission (OpenDDS sends one request per period, so a
   * lost one leaves no srflx candidate for 30 s).
   */
  #armRetransmit(ep: EndpointState, req: SrflxRequest): void {
    const deadline = req.firstSentAt + this.ctx.config.checkTimeoutMs;
    req.timer = this.ctx.timers.add(Math.min(this.ctx.now() + req.rtoMs, deadline), () => {
      req.timer = undefined;
      const s = ep.srflx;
      if (s?.lastRequest !== req || s.address !== undefined || this.ctx.now() >= deadline) return;
      req.transmissions++;
      req.rtoMs = backOff(req.rtoMs, this.ctx.config.maxRtoMs);
      this.ctx.send(ep, req.from, s.server, this.#encode(req.id, 'request'), false);
      this.#armRetransmit(ep, req);
    });
  }

  #encode(id: Uint8Array, messageClass: 'request' | 'indication'): Uint8Array {
    // Spec §5.3: FINGERPRINT only, no USERNAME/MESSAGE-INTEGRITY/GUID_PREFIX.
    return encodeStunMessage({ method: StunMethod.binding, messageClass, transactionId: id, fingerprint: true });
  }

  /** True when `key` is the endpoint's last STUN-server message (then the response is consumed here). */
  handleResponse(ep: EndpointState, key: string, msg: StunMessage): boolean {
    const s = ep.srflx;
    if (s?.lastKey !== key) return false;
    if (msg.messageClass === 'error') {
      this.ctx.log.debug('STUN server error response', { endpointId: ep.id });
      return true;
    }
    if (unknownComprehensionRequired(msg, UNDERSTOOD_ATTRIBUTES).length > 0) return true;
    s.lastRequest?.timer?.cancel();
    s.lastRequest = undefined;
    s.lastKey = undefined;
    const mapped = getMappedAddress(msg);
    if (mapped === undefined || mapped.port === 0) {
      s.mode = 'requesting';
      s.count = 0;
      if (s.address !== undefined) { s.address = undefined; this.ctx.addressChanged(ep); }
      return true;
    }
    s.mode = 'indicating';
    s.count = 0;
    if (s.address === undefined || !addressEquals(s.address, mapped)) {
      s.address = mapped;
      this.ctx.addressChanged(ep);
    }
    return true;
  }
}
