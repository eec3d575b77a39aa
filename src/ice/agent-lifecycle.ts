/**
 * Checklist lifecycle and local credentials (spec §5.2, §5.3, §5.6, §5.12): creating a checklist
 * (replaying deferred triggered checks), its failure bound, destroying it, peer keys, password
 * rotation and non-password regeneration.
 */
import { isActiveState } from './agent-core.js';
import { AgentSelection } from './agent-selection.js';
import type { TransportAddress } from '../util/address.js';
import { Checklist, type Role } from './checklist.js';
import { randomCredential, type EndpointState } from './endpoint.js';
import type { IceAgentInfo, IceRemoteOptions, LocalInfoChangeReason } from './types.js';
/** Layer 3 of the agent: checklists and credentials. */
export abstract class AgentLifecycle extends AgentSelection {
  // ---------------------------------------------------------------- checklists

  protected createChecklist(ep: EndpointState, remote: IceAgentInfo, options: IceRemoteOptions, peerKeys: readonly string[]): Checklist {
    const rule = options.roleRule ?? 'opendds-username';
    // Spec §5.5: controlling iff local username < remote username (byte order of lower-case hex).
    let role: Role = ep.username < remote.username ? 'controlling' : 'controlled';
    if (rule === 'rfc8445' && options.initialRole !== undefined) role = options.initialRole;
    // RFC 8445 §6.1.1: facing a lite agent, the full agent controls.
    if (remote.type === 'lite') role = 'controlling';
    const cl = new Checklist(ep.id, ep.username, ep.tieBreaker, remote, ep.localCandidates, rule, role);
    for (const k of peerKeys) { cl.peerKeys.add(k); ep.byPeerKey.set(k, cl); }
    ep.byUsername.set(remote.username, cl);
    // TURN: the server drops the peer's checks toward our relayed address without a permission.
    if (ep.turn.length > 0) this.relayed.permit(ep, remote.candidates);
    this.armTtl(cl, this.config.connectivityCheckTtlMs);
    // Spec §5.6: replay deferred triggered checks, then unfreeze.
    const deferred = ep.deferred.get(remote.username);
    ep.deferred.delete(remote.username);
    const now = this.deps.clock.now();
    for (const d of deferred ?? []) {
      if (d.expiresAt > now) this.triggeredCheck(ep, cl, d.local, d.from, d.priority, d.useCandidate);
    }
    this.unfreeze(ep, cl);
    if (cl.pairs.length === 0 && cl.state.kind === 'running') this.failChecklist(cl, 'no-pairs');
    return cl;
  }

  /**
   * The checklist's give-up timer: failed('timeout') when not selected within `ms`. Armed with
   * ConnectivityCheckTTL at creation, then with the failure bound (failureTimeoutMs) when its first
   * check goes out or a request revives it, so that pacing many checklists does not eat the budget.
   */
  protected armTtl(cl: Checklist, ms = Math.min(this.config.failureTimeoutMs, this.config.connectivityCheckTtlMs)): void {
    cl.timers.ttl?.cancel();
    cl.timers.ttl = this.timers.add(this.deps.clock.now() + ms, () => {
      cl.timers.ttl = undefined;
      if (cl.destroyed || cl.state.kind !== 'running') return;
      for (const tx of [...cl.transactions.values()]) this.finishTransaction(cl, tx);
      for (const p of cl.pairs) {
        p.triggered = false;
        if (p.state.kind !== 'failed' && p.state.kind !== 'succeeded') this.setPairState(cl, p, { kind: 'failed', reason: 'timeout' });
      }
      cl.nomination = undefined;
      this.failChecklist(cl, 'timeout');
    });
  }

  protected destroyChecklist(ep: EndpointState, cl: Checklist): void {
    cl.destroyed = true;
    for (const tx of [...cl.transactions.values()]) this.finishTransaction(cl, tx);
    for (const p of cl.pairs) {
      p.triggered = false;
      if (isActiveState(p.state)) this.setPairState(cl, p, { kind: 'failed', reason: 'superseded' });
    }
    for (const t of Object.values(cl.timers)) t?.cancel();
    for (const k of cl.peerKeys) if (ep.byPeerKey.get(k) === cl) ep.byPeerKey.delete(k);
    if (ep.byUsername.get(cl.remoteUsername) === cl) ep.byUsername.delete(cl.remoteUsername);
  }

  protected detachPeerKey(ep: EndpointState, cl: Checklist, peerKey: string): void {
    cl.peerKeys.delete(peerKey);
    if (ep.byPeerKey.get(peerKey) === cl) ep.byPeerKey.delete(peerKey);
    if (cl.peerKeys.size === 0) this.destroyChecklist(ep, cl);
  }

  // ---------------------------------------------------------------- credentials and candidates

  protected newCredentials(ep: EndpointState): void {
    ep.username = randomCredential(this.deps.randomBytes);
    ep.password = randomCredential(this.deps.randomBytes);
    ep.oldPasswords = [];
  }

  /** Spec §5.3 non-password regeneration: new candidates, every checklist rebuilt from its remote info, listeners told. */
  protected regenerate(ep: EndpointState, reason: LocalInfoChangeReason): void {
    ep.regenerateCandidates();
    for (const cl of [...ep.byUsername.values()]) {
      const keys = [...cl.peerKeys];
      const wasSelected = cl.state.kind === 'selected';
      this.destroyChecklist(ep, cl);
      if (wasSelected) this.emitDisconnected(cl, 'restarted');
      this.createChecklist(ep, cl.remote, { roleRule: cl.roleRule }, keys);
    }
    this.deps.emit({ type: 'local-info-changed', endpointId: ep.id, info: ep.info(), reason });
  }

  /** Spec §5.2: rotate every ChangePasswordPeriod while the endpoint has checklists; the old one is accepted for passwordGraceMs. */
  protected schedulePasswordRotation(ep: EndpointState): void {
    ep.passwordTimer = this.timers.add(this.deps.clock.now() + this.config.changePasswordPeriodMs, () => {
      if (this.endpoints.get(ep.id) !== ep) return;
      if (ep.byPeerKey.size > 0) {
        const now = this.deps.clock.now();
        ep.oldPasswords.push({ password: ep.password, until: now + this.config.passwordGraceMs });
        ep.password = randomCredential(this.deps.randomBytes);
        this.deps.emit({ type: 'local-info-changed', endpointId: ep.id, info: ep.info(), reason: 'password-rotation' });
      }
      this.schedulePasswordRotation(ep);
    });
  }
  /** Spec §5.9 triggered check (agent-input.ts). */
  protected abstract triggeredCheck(
    ep: EndpointState, cl: Checklist, local: TransportAddress, from: TransportAddress, priority: number, useCandidate: boolean,
  ): void;
}
