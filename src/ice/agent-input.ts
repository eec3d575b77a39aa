/**
 * Input handling (spec §5.7, §5.9; RFC 8445 §7.2.5, §7.3): incoming requests (validation, role
 * conflicts, answers, deferred and triggered checks, peer-reflexive candidates) and responses
 * (integrity, symmetry, success and error handling, RTT samples).
 */
import { AgentLifecycle } from './agent-lifecycle.js';
import { addressEquals, formatAddress, type TransportAddress } from '../util/address.js';
import { assertNever } from '../util/errors.js';
import {
  createIntegrityKey, ErrorCode, getAttribute, getMappedAddress, transactionIdKey, unknownComprehensionRequired, verifyMessageIntegrity, type StunMessage,
} from '../stun/index.js';
import type { CheckTransaction, PairFailureReason } from './candidate-pair.js';
import type { Checklist } from './checklist.js';
import type { DeferredCheck, EndpointState } from './endpoint.js';
import { localPeerReflexiveFoundation, remotePeerReflexiveFoundation } from './priority.js';
import { encodeErrorResponse, encodeSuccessResponse, UNDERSTOOD_ATTRIBUTES, validateRequest } from './request-validation.js';
import type { LocalCandidate } from './types.js';

const ROLE_CONFLICT = { code: 487, reason: 'Role Conflict' } as const;

/** Layer 4 of the agent: requests and responses. */
export abstract class AgentInput extends AgentLifecycle {
  // ---------------------------------------------------------------- requests and triggered checks

  protected onRequest(ep: EndpointState, local: TransportAddress, from: TransportAddress, msg: StunMessage): void {
    const now = this.deps.clock.now();
    const verdict = validateRequest(msg, ep.credentials(now));
    if (!verdict.ok) {
      this.log.debug('request rejected', { endpointId: ep.id, from: formatAddress(from), code: verdict.code });
      this.deps.send({ endpointId: ep.id, from: local, to: from, bytes: encodeErrorResponse(msg, verdict.code, verdict.reason, ep.password, verdict.unknown) });
      return;
    }
    const cl = ep.byUsername.get(verdict.remoteUsername);
    if (cl !== undefined && cl.roleRule === 'rfc8445') {
      // RFC 8445 §7.3.1.1: role conflict, resolved by tie-breakers.
      if (cl.role === 'controlling' && verdict.controlling !== undefined) {
        if (ep.tieBreaker >= verdict.controlling) {
          this.deps.send({ endpointId: ep.id, from: local, to: from, bytes: encodeErrorResponse(msg, ROLE_CONFLICT.code, ROLE_CONFLICT.reason, verdict.password) });
          return;
        }
        this.switchRole(cl, 'role-conflict-request');
      } else if (cl.role === 'controlled' && verdict.controlled !== undefined) {
        if (ep.tieBreaker >= verdict.controlled) {
          this.switchRole(cl, 'role-conflict-request');
        } else {
          this.deps.send({ endpointId: ep.id, from: local, to: from, bytes: encodeErrorResponse(msg, ROLE_CONFLICT.code, ROLE_CONFLICT.reason, verdict.password) });
          return;
        }
      }
    }
    // Spec §5.9: answer at once, keyed with the password that verified the request.
    this.deps.send({ endpointId: ep.id, from: local, to: from, bytes: encodeSuccessResponse(msg, from, verdict.password) });
    if (cl === undefined) {
      this.defer(ep, verdict.remoteUsername, { local, from, priority: verdict.priority, useCandidate: verdict.useCandidate, expiresAt: now + this.config.deferredTriggeredCheckTtlMs });
      return;
    }
    this.triggeredCheck(ep, cl, local, from, verdict.priority, verdict.useCandidate && verdict.controlling !== undefined);
  }

  protected defer(ep: EndpointState, username: string, check: DeferredCheck): void {
    const total = purgeDeferred(ep, this.deps.clock.now());
    const list = ep.deferred.get(username) ?? [];
    const same = list.find((d) => addressEquals(d.local, check.local) && addressEquals(d.from, check.from));
    if (same !== undefined) {
      same.useCandidate ||= check.useCandidate;
      return;
    }
    if (total >= this.config.maxDeferredChecks) return;
    list.push(check);
    ep.deferred.set(username, list);
    this.#armDeferredPurge(ep);
  }

  /**
   * Spec §5.9: expired deferred triggered checks are purged on the ServerReflexiveAddressPeriod tick
   * (OpenDDS does it in its server-reflexive task); here one timer per endpoint while any is held.
   */
  #armDeferredPurge(ep: EndpointState): void {
    if (ep.deferredPurge !== undefined) return;
    ep.deferredPurge = this.timers.add(this.deps.clock.now() + this.config.serverReflexiveAddressPeriodMs, () => {
      ep.deferredPurge = undefined;
      if (this.endpoints.get(ep.id) !== ep) return;
      if (purgeDeferred(ep, this.deps.clock.now()) > 0) this.#armDeferredPurge(ep);
    });
  }

  /** Spec §5.9 `generate_triggered_check` with RFC 8445 §7.3.1.4/§7.3.1.5 and the no-ping-pong rule (pion/ice#907). */
  protected triggeredCheck(ep: EndpointState, cl: Checklist, local: TransportAddress, from: TransportAddress, priority: number, useCandidate: boolean): void {
    let remote = cl.remoteCandidates.find((c) => addressEquals(c.address, from));
    if (remote === undefined) {
      // RFC 8445 §7.3.1.3: a peer-reflexive remote candidate; usable only after our own check succeeds (pion/ice#21).
      remote = { address: from, foundation: remotePeerReflexiveFoundation(++this.prflxCounter), priority, type: 'peer-reflexive' };
      cl.remoteCandidates.push(remote);
    }
    const localCandidate = ep.hostCandidateAt(local);
    if (localCandidate === undefined) {
      this.log.warn('request on an address that is not a local candidate', { endpointId: ep.id, local: formatAddress(local) });
      return;
    }
    const pair = cl.findPair(local, from) ?? cl.addPair(localCandidate, remote);
    const nominates = useCandidate && cl.role === 'controlled';
    if (nominates) pair.useCandidateReceived = true;
    if (cl.state.kind === 'selected') {
      const selected = cl.state.selection.pair;
      // After selection no checks on the selected pair (pion/ice#907). Only a nomination of a
      // better pair (aggressive nomination, livekit#642) is still acted on.
      if (pair === selected || !nominates || pair.priority <= selected.priority) return;
    }
    switch (pair.state.kind) {
      case 'succeeded': {
        if (nominates) this.select(cl, pair, pair.state.validLocal);
        const n = cl.nomination;
        if (n?.pair === pair && n.transaction !== undefined) {
          // The nomination is this pair's in-progress check "with USE-CANDIDATE" (spec §5.6): as RFC 8445
          // §7.3.1.4 does for in-progress checks, a request proving the path restarts it at once
          // instead of waiting out a doubled RTO (the late answer to the old transaction still counts).
          this.cancelTransaction(n.transaction);
          n.transaction = undefined;
          this.enqueueTriggered(cl, pair, 'nomination');
        }
        return;
      }
      case 'in-progress':
        // RFC 8445 §7.3.1.4: cancel (a late response still counts) and re-check now.
        this.cancelTransaction(pair.state.transaction);
        this.setPairState(cl, pair, { kind: 'waiting' });
        break;
      case 'waiting':
        break;
      case 'frozen': case 'failed':
        this.setPairState(cl, pair, { kind: 'waiting' });
        break;
      default: assertNever(pair.state, 'pair state');
    }
    if (cl.state.kind === 'failed') {
      cl.state = { kind: 'running' };
      this.armTtl(cl);
    }
    this.enqueueTriggered(cl, pair, 'check');
  }

  // ---------------------------------------------------------------- responses

  protected onResponse(ep: EndpointState, local: TransportAddress, from: TransportAddress, msg: StunMessage): void {
    const key = transactionIdKey(msg.transactionId);
    if (this.srflx.handleResponse(ep, key, msg)) return;
    const o = this.outstanding.get(key);
    if (o === undefined || o.cl.endpointId !== ep.id) return;
    const { cl, tx } = o;
    // RFC 5389 §10.1.3: a response without a verifying MESSAGE-INTEGRITY is discarded as if never
    // received (OpenDDS fails the pair instead, spec §5.7: an off-path spoofer could kill pairs).
    if (msg.integrityIndex < 0 || msg.fingerprintIndex < 0) return;
    if (!verifyMessageIntegrity(msg, createIntegrityKey(tx.password)) && !verifyMessageIntegrity(msg, createIntegrityKey(cl.remote.password))) return;
    const unknown = unknownComprehensionRequired(msg, UNDERSTOOD_ATTRIBUTES).length > 0;
    const now = this.deps.clock.now();
    if (msg.messageClass === 'error') {
      const code = getAttribute(msg, ErrorCode)?.code;
      if (code === 487 && cl.roleRule === 'rfc8445' && !unknown) {
        // RFC 8445 §7.2.5.1: switch role and re-check the pair as a triggered check.
        this.finishTransaction(cl, tx);
        this.switchRole(cl, 'role-conflict-response');
        if (tx.purpose === 'check' && tx.pair.state.kind === 'in-progress' && tx.pair.state.transaction === tx) {
          this.setPairState(cl, tx.pair, { kind: 'waiting' });
          this.enqueueTriggered(cl, tx.pair, 'check');
        }
        return;
      }
      if (unknown || code === 400 || code === 420) {
        this.finishTransaction(cl, tx);
        this.responseFailed(cl, tx, 'error-response');
      }
      return; // spec §5.7: other codes (401, …) are retried
    }
    this.finishTransaction(cl, tx);
    if (isUnambiguousSample(tx, now)) cl.rtt.sample(now - tx.lastSentAt);
    const mapped = getMappedAddress(msg);
    if (unknown || mapped === undefined) {
      this.responseFailed(cl, tx, 'bad-response');
      return;
    }
    // RFC 8445 §7.2.5.2.1 / spec §5.7 step 6: the response must come from where we sent, to our base.
    if (!addressEquals(from, tx.pair.remote.address) || !addressEquals(local, tx.pair.local.base)) {
      this.responseFailed(cl, tx, 'non-symmetric');
      return;
    }
    switch (tx.purpose) {
      case 'check': this.pairSucceeded(ep, cl, tx, mapped, now); break;
      case 'nomination': {
        const validLocal = tx.pair.state.kind === 'succeeded' ? tx.pair.state.validLocal : tx.pair.local;
        this.select(cl, tx.pair, validLocal);
        break;
      }
      case 'consent':
        if (cl.state.kind === 'selected' && cl.state.selection.pair === tx.pair) {
          cl.state.selection.lastConsentAt = now;
          this.armConsentExpiry(cl);
          this.markAlive(cl);
        }
        break;
      default: assertNever(tx.purpose, 'transaction purpose');
    }
  }

  protected responseFailed(cl: Checklist, tx: CheckTransaction, reason: PairFailureReason): void {
    switch (tx.purpose) {
      case 'check':
        if (tx.pair.state.kind === 'in-progress' && tx.pair.state.transaction === tx) this.failPair(cl, tx.pair, reason);
        else if (tx.pair.state.kind !== 'succeeded' && !tx.cancelled) this.failPair(cl, tx.pair, reason);
        break;
      case 'nomination': this.nominationFailed(cl, tx, reason); break;
      case 'consent': break;
      default: assertNever(tx.purpose, 'transaction purpose');
    }
  }

  protected pairSucceeded(ep: EndpointState, cl: Checklist, tx: CheckTransaction, mapped: TransportAddress, now: number): void {
    const pair = tx.pair;
    if (pair.state.kind === 'succeeded') return;
    if (pair.state.kind === 'in-progress' && pair.state.transaction !== tx) this.cancelTransaction(pair.state.transaction);
    // Spec §5.7: the valid pair's local candidate is the one at the mapped address, else a new peer-reflexive one.
    const validLocal: LocalCandidate = ep.localCandidates.find((c) => addressEquals(c.address, mapped)) ?? {
      address: mapped, base: pair.local.base, priority: pair.prflxPriority, type: 'peer-reflexive',
      foundation: localPeerReflexiveFoundation(pair.local.base, pair.remote.address),
    };
    pair.triggered = false;
    this.setPairState(cl, pair, { kind: 'succeeded', rttMs: now - tx.lastSentAt, validLocal });
    this.succeededFoundations.add(pair.foundation);
    if (cl.state.kind === 'failed') {
      cl.state = { kind: 'running' };
      this.armTtl(cl);
    }
    if (cl.role === 'controlled' && pair.useCandidateReceived) {
      // RFC 8445 §7.3.1.5 / spec §5.10: the controlled side nominates when its own check of a USE-CANDIDATE pair succeeds.
      this.select(cl, pair, validLocal);
      return;
    }
    this.afterPairChange(cl);
  }
}

/**
 * Karn's algorithm (RFC 6298 §3, RFC 5389 §7.2.1): the RTT of a retransmitted request is ambiguous.
 * Relaxed: an answer within a quarter of the gap before the latest copy is taken as that copy's,
 * since the earlier copy then went unanswered for far longer than this path's round trip.
 */
function isUnambiguousSample(tx: CheckTransaction, now: number): boolean {
  return tx.transmissions === 1 || now - tx.lastSentAt < tx.rtoMs / 8;
}


/** Drops expired deferred checks of `ep` (DeferredTriggeredCheckTTL); returns how many remain. */
function purgeDeferred(ep: EndpointState, now: number): number {
  let total = 0;
  for (const [u, list] of ep.deferred) {
    const live = list.filter((d) => d.expiresAt > now);
    if (live.length === 0) ep.deferred.delete(u);
    else { ep.deferred.set(u, live); total += live.length; }
  }
  return total;
}
