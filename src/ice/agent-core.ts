/**
 * The agent's core state and its scheduler (spec/opendds-ice-and-rtpsrelay.md §5.1, §5.6, §5.7;
 * RFC 8445 §6.1.4.2, RFC 5389 §7.2.1): one pacer for the whole agent, at most one new STUN
 * transaction per Ta across every endpoint and checklist, chosen in this order: triggered queue
 * (nominations first), due maintenance (keepalives, consent, server-reflexive), then ordinary checks
 * round-robin over checklists. Also check transactions (send, retransmit, time out), pair states,
 * the per-checklist active foundations and unfreezing. The layers above (`agent-selection.ts`,
 * `agent-lifecycle.ts`, `agent-input.ts`, `agent.ts`) add nomination, checklist lifecycle, input
 * handling and the public API; together they are the sans-I/O {@link IceAgent}.
 */
import { assertNever } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import {
  createIntegrityKey, encodeStunMessage, prepareAttribute, StunMethod, TransactionIdSource, transactionIdKey, UseCandidate,
} from '../stun/index.js';
import type { CandidatePair, CheckTransaction, PairFailureReason, PairState, TransactionPurpose } from './candidate-pair.js';
import type { Checklist } from './checklist.js';
import { resolveIceConfig, type IceConfig, type IceConfigInit } from './config.js';
import type { EndpointState } from './endpoint.js';
import { backOff, rtoCap } from './rto.js';
import { TimerQueue } from './timer-queue.js';
import type { IceAgentDeps, IceFailureReason, LocalInfoChangeReason } from './types.js';
import { ServerReflexive } from './server-reflexive.js';
import { RelayedCandidates } from './relayed.js';
type TriggeredEntry = { readonly cl: Checklist; readonly pair: CandidatePair; readonly purpose: 'check' | 'nomination' };

/** What a transaction key of an endpoint resolves to. */
type Outstanding = { readonly cl: Checklist; readonly tx: CheckTransaction };

const USE_CANDIDATE_ATTR = prepareAttribute(UseCandidate, true);

/** Layer 1 of the agent (see the module comment). */
export abstract class AgentCore {
  readonly config: IceConfig;
  protected readonly deps: IceAgentDeps;
  protected readonly log: Logger;
  protected readonly timers = new TimerQueue();
  /** Paced work that becomes due at a time: keepalives, consent, STUN-server messages. */
  protected readonly maintenance = new TimerQueue();
  protected readonly endpoints = new Map<string, EndpointState>();
  protected triggered: TriggeredEntry[] = [];
  protected roundRobin: Checklist[] = [];
  protected readonly outstanding = new Map<string, Outstanding>();
  protected readonly tids: TransactionIdSource;
  protected readonly srflx: ServerReflexive;
  protected readonly relayed: RelayedCandidates;
  protected lastPacedAt = Number.NEGATIVE_INFINITY;
  protected pacedSends = 0;
  protected prflxCounter = 0;
  /** Checklists where a foundation went inactive: `unfreeze()` runs on them in `processDeferred`. */
  protected readonly unfreezePending = new Set<Checklist>();
  protected readonly succeededFoundations = new Set<string>();

  /** @throws InvalidConfigError for a bad `init`. */
  constructor(deps: IceAgentDeps, init: IceConfigInit = {}) {
    this.config = resolveIceConfig(init);
    // Every send goes through here: one whose `from` is a relayed candidate goes through its TURN allocation.
    this.deps = {
      ...deps,
      send: (t) => {
        const ep = this.endpoints.get(t.endpointId);
        if (ep !== undefined && ep.turn.length > 0 && this.relayed.route(ep, t)) return;
        deps.send(t);
      },
    };
    this.log = deps.log.child('ice');
    this.tids = new TransactionIdSource((b) => { b.set(deps.randomBytes(b.length)); }, 64);
    this.srflx = new ServerReflexive({
      config: this.config,
      now: () => this.deps.clock.now(),
      timers: this.timers,
      maintenance: this.maintenance,
      nextTransactionId: () => this.tids.next(),
      send: (ep, from, to, bytes, isNew) => {
        if (isNew) this.markPaced();
        this.deps.send({ endpointId: ep.id, from, to, bytes });
      },
      addressChanged: (ep) => { this.regenerate(ep, 'server-reflexive'); },
      log: this.log,
    });
    this.relayed = new RelayedCandidates({
      clock: deps.clock,
      randomBytes: deps.randomBytes,
      log: this.log.child('turn'),
      sendRaw: (t) => { deps.send(t); },
      changed: (ep) => {
        if (this.endpoints.get(ep.id) !== ep) return;
        this.regenerate(ep, 'relayed');
        for (const cl of ep.byUsername.values()) this.relayed.permit(ep, cl.remote.candidates);
      },
      failed: (ep, server, error) => { this.deps.emit({ type: 'turn-failed', endpointId: ep.id, server, error }); },
    });
  }

  // ---------------------------------------------------------------- pacing

  protected pacedReadyAt(): number | undefined {
    while (this.triggered.length > 0) {
      const head = this.triggered[0];
      if (head !== undefined && this.triggeredValid(head)) return this.deps.clock.now();
      this.triggered.shift();
    }
    while (this.roundRobin.length > 0) {
      const head = this.roundRobin[0];
      if (head !== undefined && !head.destroyed && head.state.kind !== 'selected' && head.nextWaiting() !== undefined) {
        return this.deps.clock.now();
      }
      this.roundRobin.shift();
      if (head !== undefined) head.inRoundRobin = false;
    }
    return this.maintenance.peek();
  }

  protected markPaced(): void {
    this.lastPacedAt = this.deps.clock.now();
    this.pacedSends++;
  }

  protected triggeredValid(e: TriggeredEntry): boolean {
    if (e.cl.destroyed) return false;
    if (e.purpose === 'check') return e.pair.triggered && e.pair.state.kind === 'waiting';
    const n = e.cl.nomination;
    return n !== undefined && n.pair === e.pair && n.transaction === undefined && e.cl.state.kind === 'running' && e.pair.state.kind === 'succeeded';
  }

  protected sendOnePaced(now: number): void {
    for (let e = this.triggered.shift(); e !== undefined; e = this.triggered.shift()) {
      if (!this.triggeredValid(e)) continue;
      if (e.purpose === 'check') e.pair.triggered = false;
      this.sendCheck(e.cl, e.pair, e.purpose, now);
      return;
    }
    const before = this.pacedSends;
    for (let t = this.maintenance.popDue(now); t !== undefined; t = this.maintenance.popDue(now)) {
      t.fire();
      if (this.pacedSends !== before) return;
    }
    for (let cl = this.roundRobin.shift(); cl !== undefined; cl = this.roundRobin.shift()) {
      cl.inRoundRobin = false;
      if (cl.destroyed || cl.state.kind === 'selected') continue;
      const pair = cl.nextWaiting();
      if (pair === undefined) continue;
      this.sendCheck(cl, pair, 'check', now);
      if (cl.nextWaiting() !== undefined) this.addToRoundRobin(cl);
      return;
    }
  }

  protected addToRoundRobin(cl: Checklist): void {
    if (cl.inRoundRobin || cl.destroyed) return;
    cl.inRoundRobin = true;
    this.roundRobin.push(cl);
  }

  protected enqueueTriggered(cl: Checklist, pair: CandidatePair, purpose: 'check' | 'nomination'): void {
    if (purpose === 'check') {
      if (pair.triggered) return;
      pair.triggered = true;
      this.triggered.push({ cl, pair, purpose });
    } else {
      // The nomination is the check that completes ICE: it goes first.
      this.triggered.unshift({ cl, pair, purpose });
    }
  }

  // ---------------------------------------------------------------- checks

  protected encodeCheck(cl: Checklist, pair: CandidatePair, useCandidate: boolean, id: Uint8Array): Uint8Array {
    // Spec §5.7 attribute order: PRIORITY, ICE-CONTROLLING/-CONTROLLED, [USE-CANDIDATE], USERNAME, MI (remote password), FINGERPRINT.
    const attributes = useCandidate
      ? [pair.priorityAttr, cl.roleAttr, USE_CANDIDATE_ATTR, cl.usernameAttr]
      : [pair.priorityAttr, cl.roleAttr, cl.usernameAttr];
    return encodeStunMessage({
      method: StunMethod.binding, messageClass: 'request', transactionId: id, attributes,
      integrity: createIntegrityKey(cl.remote.password), fingerprint: true,
    });
  }

  protected sendCheck(cl: Checklist, pair: CandidatePair, purpose: TransactionPurpose, now: number): void {
    const id = this.tids.next();
    const useCandidate = purpose === 'nomination';
    const rtoMs = cl.rtt.initialRto(this.config.initialRtoMs, this.config.minRtoMs);
    const tx: CheckTransaction = {
      id, key: transactionIdKey(id), purpose, pair, password: cl.remote.password, useCandidate,
      firstSentAt: now, lastSentAt: now, transmissions: 1, rtoMs, maxRtoMs: rtoCap(rtoMs, this.config.maxRtoMs),
      cancelled: false, timer: undefined,
    };
    this.outstanding.set(tx.key, { cl, tx });
    cl.transactions.set(tx.key, tx);
    if (!cl.hasSentCheck) {
      cl.hasSentCheck = true;
      this.armTtl(cl);
    }
    if (purpose === 'check') {
      pair.firstSentAt ??= now;
      this.setPairState(cl, pair, { kind: 'in-progress', transaction: tx });
    } else if (purpose === 'nomination' && cl.nomination !== undefined) {
      cl.nomination.transaction = tx;
    }
    tx.timer = this.timers.add(now + tx.rtoMs, () => { this.retransmit(cl, tx); });
    this.markPaced();
    if (this.log.enabled) this.log.debug('check sent', { endpointId: cl.endpointId, pair: pair.toString(), purpose });
    this.deps.send({ endpointId: cl.endpointId, from: pair.local.base, to: pair.remote.address, bytes: this.encodeCheck(cl, pair, useCandidate, id) });
    if (purpose === 'check' && cl.role === 'controlling') this.evaluateNomination(cl);
  }

  /**
   * RFC 5389 §7.2.1: resend with a doubled RTO capped at maxRtoMs, until checkTimeoutMs after the
   * first transmission; then the transaction times out.
   */
  protected retransmit(cl: Checklist, tx: CheckTransaction): void {
    tx.timer = undefined;
    const now = this.deps.clock.now();
    const deadline = tx.firstSentAt + this.config.checkTimeoutMs;
    if (tx.cancelled || now >= deadline || cl.destroyed) {
      this.transactionTimedOut(cl, tx);
      return;
    }
    tx.transmissions++;
    tx.rtoMs = backOff(tx.rtoMs, tx.maxRtoMs);
    tx.lastSentAt = now;
    // Spec §5.8: retransmissions use the remote's current password.
    tx.password = cl.remote.password;
    tx.timer = this.timers.add(Math.min(now + tx.rtoMs, deadline), () => { this.retransmit(cl, tx); });
    this.deps.send({
      endpointId: cl.endpointId, from: tx.pair.local.base, to: tx.pair.remote.address,
      bytes: this.encodeCheck(cl, tx.pair, tx.useCandidate, tx.id),
    });
  }

  protected finishTransaction(cl: Checklist, tx: CheckTransaction): void {
    tx.timer?.cancel();
    tx.timer = undefined;
    this.outstanding.delete(tx.key);
    cl.transactions.delete(tx.key);
  }

  protected transactionTimedOut(cl: Checklist, tx: CheckTransaction): void {
    this.finishTransaction(cl, tx);
    if (tx.cancelled || cl.destroyed) return;
    const pair = tx.pair;
    switch (tx.purpose) {
      case 'check':
        if (pair.state.kind === 'in-progress' && pair.state.transaction === tx) this.failPair(cl, pair, 'timeout');
        break;
      case 'nomination': this.nominationFailed(cl, tx, 'timeout'); break;
      case 'consent': break; // RFC 7675: only the consent expiry timer matters
      default: assertNever(tx.purpose, 'transaction purpose');
    }
  }

  protected failPair(cl: Checklist, pair: CandidatePair, reason: PairFailureReason): void {
    if (pair.state.kind === 'in-progress') this.cancelTransaction(pair.state.transaction);
    pair.triggered = false;
    this.setPairState(cl, pair, { kind: 'failed', reason });
    this.afterPairChange(cl);
  }

  protected cancelTransaction(tx: CheckTransaction): void {
    tx.cancelled = true;
  }

  protected setPairState(cl: Checklist, pair: CandidatePair, next: PairState): void {
    const was = isActiveState(pair.state);
    const now = isActiveState(next);
    pair.state = next;
    // Active foundations are counted per checklist (docs/ice.md "Freezing"): checklists of other
    // endpoints or toward other remotes never hold each other's pairs frozen.
    const active = cl.activeFoundations;
    if (was && !now) {
      const n = (active.get(pair.foundation) ?? 1) - 1;
      if (n <= 0) {
        active.delete(pair.foundation);
        if (!cl.destroyed) this.unfreezePending.add(cl);
      } else {
        active.set(pair.foundation, n);
      }
    } else if (!was && now) {
      active.set(pair.foundation, (active.get(pair.foundation) ?? 0) + 1);
    }
    if (next.kind === 'waiting') this.addToRoundRobin(cl);
  }

  /**
   * Spec §5.6 `unfreeze()`: frozen pairs whose foundation is inactive, or whose remote foundation is
   * one of ours — with the foundation's activity counted in this checklist only (docs/ice.md "Freezing").
   */
  protected unfreeze(ep: EndpointState, cl: Checklist): void {
    if (cl.destroyed || cl.state.kind === 'selected') return;
    for (const p of cl.pairs) {
      if (p.state.kind !== 'frozen') continue;
      if (!cl.activeFoundations.has(p.foundation) || ep.localFoundations.has(p.remote.foundation)) this.setPairState(cl, p, { kind: 'waiting' });
    }
  }

  /** Spec §5.6 `process_deferred`: unfreeze after a foundation went inactive or a check succeeded. */
  protected processDeferred(): void {
    while (this.unfreezePending.size > 0 || this.succeededFoundations.size > 0) {
      if (this.succeededFoundations.size > 0) {
        const done = [...this.succeededFoundations];
        this.succeededFoundations.clear();
        // RFC 8445 §7.2.5.3.3: success unfreezes the pairs with the same foundation in every checklist.
        for (const ep of this.endpoints.values()) {
          for (const cl of ep.byUsername.values()) {
            if (cl.state.kind === 'selected') continue;
            for (const p of cl.pairs) if (p.state.kind === 'frozen' && done.includes(p.foundation)) this.setPairState(cl, p, { kind: 'waiting' });
          }
        }
      }
      if (this.unfreezePending.size > 0) {
        const lists = [...this.unfreezePending];
        this.unfreezePending.clear();
        for (const cl of lists) {
          const ep = this.endpoints.get(cl.endpointId);
          if (ep !== undefined && ep.byUsername.get(cl.remoteUsername) === cl) this.unfreeze(ep, cl);
        }
      }
    }
  }

  protected afterPairChange(cl: Checklist): void {
    if (cl.destroyed) return;
    if (cl.role === 'controlling') this.evaluateNomination(cl);
    if (cl.state.kind === 'running' && cl.nomination === undefined && cl.pairs.every((p) => p.state.kind === 'failed')) {
      this.failChecklist(cl, cl.pairs.length === 0 ? 'no-pairs' : 'all-pairs-failed');
    }
  }

  protected failChecklist(cl: Checklist, reason: IceFailureReason): void {
    cl.state = { kind: 'failed', reason };
    cl.timers.nomination?.cancel();
    this.deps.emit({ type: 'failed', endpointId: cl.endpointId, remoteUsername: cl.remoteUsername, peerKeys: cl.peerKeyList, reason });
  }


  /** Nomination (agent-selection.ts). */
  protected abstract evaluateNomination(cl: Checklist): void;
  protected abstract nominationFailed(cl: Checklist, tx: CheckTransaction, reason: PairFailureReason): void;
  /** Checklist give-up timer (agent-lifecycle.ts). */
  protected abstract armTtl(cl: Checklist, ms?: number): void;
  /** Spec §5.3 regeneration (agent-lifecycle.ts). */
  protected abstract regenerate(ep: EndpointState, reason: LocalInfoChangeReason): void;
}

/** Waiting and in-progress pairs keep their foundation active (spec §5.6). */
export function isActiveState(s: PairState): boolean {
  return s.kind === 'waiting' || s.kind === 'in-progress';
}

