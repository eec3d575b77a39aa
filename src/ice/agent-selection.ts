/**
 * Nomination, selection and the selected pair's upkeep (spec §5.10, §5.11; RFC 8445 §8.1; RFC 7675):
 * regular nomination as early as is safe, the controlled side's selection, role switches, keepalive
 * indications, NominatedTTL liveness and consent freshness.
 */
import { AgentCore } from './agent-core.js';
import { createIntegrityKey, encodeStunMessage, StunMethod, transactionIdKey, type StunMessage } from '../stun/index.js';
import type { CandidatePair, CheckTransaction, PairFailureReason } from './candidate-pair.js';
import type { Checklist, Selection } from './checklist.js';
import type { EndpointState } from './endpoint.js';
import { validateIndication } from './request-validation.js';
import type { IceDisconnectReason, LocalCandidate } from './types.js';
/** Layer 2 of the agent: nomination, selection, keepalive and consent. */
export abstract class AgentSelection extends AgentCore {
  // ---------------------------------------------------------------- nomination and selection

  /**
   * Regular nomination as early as is safe (RFC 8445 §8.1.1): the best valid pair is nominated once
   * no higher-priority pair is waiting, and every higher-priority pair in progress has had
   * max(2·RTT of the valid pair, minNominationWaitMs) to answer. Frozen pairs do not hold it back.
   */
  protected evaluateNomination(cl: Checklist): void {
    if (cl.role !== 'controlling' || cl.state.kind !== 'running' || cl.nomination !== undefined || cl.destroyed) return;
    let best: CandidatePair | undefined;
    let rtt = 0;
    for (const p of cl.pairs) {
      if (p.state.kind === 'succeeded') { best = p; rtt = p.state.rttMs; break; }
    }
    if (best === undefined) return;
    const now = this.deps.clock.now();
    const wait = Math.max(2 * rtt, this.config.minNominationWaitMs);
    let at = now;
    for (const q of cl.pairs) {
      if (q === best) break;
      if (q.state.kind === 'waiting') return; // re-evaluated when it is sent
      if (q.state.kind === 'in-progress') at = Math.max(at, (q.firstSentAt ?? now) + wait);
    }
    cl.timers.nomination?.cancel();
    cl.timers.nomination = undefined;
    if (at > now) {
      cl.timers.nomination = this.timers.add(at, () => { cl.timers.nomination = undefined; this.evaluateNomination(cl); });
      return;
    }
    cl.nomination = { pair: best, attempts: 0, transaction: undefined };
    this.enqueueTriggered(cl, best, 'nomination');
  }

  protected nominationFailed(cl: Checklist, tx: CheckTransaction, reason: PairFailureReason): void {
    const n = cl.nomination;
    if (n?.transaction !== tx) return;
    n.transaction = undefined;
    n.attempts++;
    // A lost nomination on a pair that worked is retried (each attempt has its own retransmissions)
    // before the pair is given up: with 30 % loss both ways one attempt fails ~1 % of the time.
    if (reason === 'timeout' && n.attempts < this.config.maxNominationAttempts) {
      this.enqueueTriggered(cl, n.pair, 'nomination');
      return;
    }
    cl.nomination = undefined;
    this.failPair(cl, n.pair, reason);
  }

  protected select(cl: Checklist, pair: CandidatePair, validLocal: LocalCandidate): void {
    if (cl.state.kind === 'selected' && cl.state.selection.pair === pair) return;
    const now = this.deps.clock.now();
    const selection: Selection = { pair, validLocal, live: true, lastIndicationAt: now, lastConsentAt: now };
    cl.state = { kind: 'selected', selection };
    cl.nomination = undefined;
    cl.timers.nomination?.cancel();
    cl.timers.ttl?.cancel();
    // Spec §5.10 / RFC 8445 §8.1.2: no further checks; outstanding ones stop, waiting/frozen pairs fail.
    for (const tx of [...cl.transactions.values()]) if (tx.purpose !== 'consent') this.finishTransaction(cl, tx);
    for (const p of cl.pairs) {
      p.triggered = false;
      if (p.state.kind === 'frozen' || p.state.kind === 'waiting' || p.state.kind === 'in-progress') {
        this.setPairState(cl, p, { kind: 'failed', reason: 'superseded' });
      }
    }
    this.emitSelected(cl, selection, cl.peerKeyList);
    this.scheduleKeepalive(cl, now + this.config.indicationPeriodMs);
    this.armLiveness(cl);
    if (this.config.consentFreshness) {
      this.scheduleConsent(cl, now);
      this.armConsentExpiry(cl);
    }
  }

  protected emitSelected(cl: Checklist, s: Selection, peerKeys: readonly string[]): void {
    this.deps.emit({
      type: 'selected', endpointId: cl.endpointId, remoteUsername: cl.remoteUsername, peerKeys,
      localCandidate: s.validLocal, remoteAddress: s.pair.remote.address, role: cl.role,
    });
  }

  protected emitDisconnected(cl: Checklist, reason: IceDisconnectReason): void {
    this.deps.emit({ type: 'disconnected', endpointId: cl.endpointId, remoteUsername: cl.remoteUsername, peerKeys: cl.peerKeyList, reason });
  }

  protected switchRole(cl: Checklist, cause: 'role-conflict-request' | 'role-conflict-response'): void {
    cl.switchRole();
    cl.nomination = undefined;
    cl.timers.nomination?.cancel();
    this.deps.emit({ type: 'role-changed', endpointId: cl.endpointId, remoteUsername: cl.remoteUsername, role: cl.role, cause });
    this.evaluateNomination(cl);
  }

  // ---------------------------------------------------------------- keepalive, liveness, consent

  protected scheduleKeepalive(cl: Checklist, at: number): void {
    cl.timers.keepalive?.cancel();
    cl.timers.keepalive = this.maintenance.add(at, () => {
      cl.timers.keepalive = undefined;
      if (cl.destroyed || cl.state.kind !== 'selected') return;
      const pair = cl.state.selection.pair;
      // Spec §5.11: Binding indication with USERNAME, MESSAGE-INTEGRITY (remote password), FINGERPRINT only.
      const bytes = encodeStunMessage({
        method: StunMethod.binding, messageClass: 'indication', transactionId: this.tids.next(),
        attributes: [cl.usernameAttr], integrity: createIntegrityKey(cl.remote.password), fingerprint: true,
      });
      this.markPaced();
      this.deps.send({ endpointId: cl.endpointId, from: pair.local.base, to: pair.remote.address, bytes });
      this.scheduleKeepalive(cl, this.deps.clock.now() + this.config.indicationPeriodMs);
    });
  }

  /** Spec §5.11: the selected pair is dropped after NominatedTTL without a valid indication. */
  protected armLiveness(cl: Checklist): void {
    if (cl.state.kind !== 'selected') return;
    cl.timers.liveness?.cancel();
    const s = cl.state.selection;
    cl.timers.liveness = this.timers.add(s.lastIndicationAt + this.config.nominatedTtlMs, () => {
      cl.timers.liveness = undefined;
      if (cl.destroyed || cl.state.kind !== 'selected' || !s.live) return;
      s.live = false;
      this.emitDisconnected(cl, 'nominated-ttl');
    });
  }

  protected onIndication(ep: EndpointState, msg: StunMessage): void {
    const remoteUsername = validateIndication(msg, ep.credentials(this.deps.clock.now()));
    if (remoteUsername === undefined) return;
    const cl = ep.byUsername.get(remoteUsername);
    if (cl === undefined || cl.state.kind !== 'selected') return;
    cl.state.selection.lastIndicationAt = this.deps.clock.now();
    this.armLiveness(cl);
    this.markAlive(cl);
  }

  protected markAlive(cl: Checklist): void {
    if (cl.state.kind !== 'selected') return;
    const s = cl.state.selection;
    const now = this.deps.clock.now();
    const indicationOk = now - s.lastIndicationAt < this.config.nominatedTtlMs;
    const consentOk = !this.config.consentFreshness || now - s.lastConsentAt < this.config.consentTimeoutMs;
    if (s.live || !indicationOk || !consentOk) return;
    s.live = true;
    this.deps.emit({
      type: 'reconnected', endpointId: cl.endpointId, remoteUsername: cl.remoteUsername, peerKeys: cl.peerKeyList,
      remoteAddress: s.pair.remote.address,
    });
  }

  /** RFC 7675 §5.1: a consent request every interval ± 20 %, randomised. */
  protected scheduleConsent(cl: Checklist, from: number): void {
    const r = this.deps.randomBytes(2);
    const u = (((r[0] ?? 0) << 8) | (r[1] ?? 0)) / 0x10000;
    const at = from + this.config.consentIntervalMs * (0.8 + 0.4 * u);
    cl.timers.consent?.cancel();
    cl.timers.consent = this.maintenance.add(at, () => {
      cl.timers.consent = undefined;
      if (cl.destroyed || cl.state.kind !== 'selected') return;
      const now = this.deps.clock.now();
      this.sendConsent(cl, cl.state.selection.pair, now);
      this.scheduleConsent(cl, now);
    });
  }

  protected sendConsent(cl: Checklist, pair: CandidatePair, now: number): void {
    const id = this.tids.next();
    const tx: CheckTransaction = {
      id, key: transactionIdKey(id), purpose: 'consent', pair, password: cl.remote.password, useCandidate: false,
      firstSentAt: now, lastSentAt: now, transmissions: 1, rtoMs: this.config.consentTimeoutMs, maxRtoMs: this.config.consentTimeoutMs,
      cancelled: false, timer: undefined,
    };
    this.outstanding.set(tx.key, { cl, tx });
    cl.transactions.set(tx.key, tx);
    // One transmission; the answer is accepted until the consent timeout (werift#649: the loop never stops).
    tx.timer = this.timers.add(now + this.config.consentTimeoutMs, () => { this.transactionTimedOut(cl, tx); });
    this.markPaced();
    this.deps.send({ endpointId: cl.endpointId, from: pair.local.base, to: pair.remote.address, bytes: this.encodeCheck(cl, pair, false, id) });
  }

  protected armConsentExpiry(cl: Checklist): void {
    if (cl.state.kind !== 'selected') return;
    const s = cl.state.selection;
    cl.timers.consentExpiry?.cancel();
    cl.timers.consentExpiry = this.timers.add(s.lastConsentAt + this.config.consentTimeoutMs, () => {
      cl.timers.consentExpiry = undefined;
      if (cl.destroyed || cl.state.kind !== 'selected' || !s.live) return;
      s.live = false;
      this.emitDisconnected(cl, 'consent-expired');
    });
  }
}
