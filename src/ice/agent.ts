/**
 * The process-wide ICE agent core (OpenDDS `AgentImpl`, spec/opendds-ice-and-rtpsrelay.md §4–§5),
 * sans-I/O (STYLE.md rule 3): input through methods, output through `deps.send`/`deps.emit`, time
 * through `deps.clock`, deadlines through {@link IceAgent.nextDeadline}/{@link IceAgent.handleTimeout}.
 *
 * One pacer for the whole agent (spec §5.1, RFC 8445 §6.1.4.2): at most one new STUN transaction
 * (check, nomination, consent request, keepalive or STUN-server message) per Ta across every
 * endpoint and checklist, chosen in this order: triggered queue (nominations first), due
 * maintenance (keepalives, consent, server-reflexive), then ordinary checks round-robin over
 * checklists. Responses are immediate; retransmissions follow RFC 5389 §7.2.1 RTO doubling and are
 * not paced (they are not new transactions).
 */
import { addressEquals, formatAddress, type TransportAddress } from '../util/address.js';
import { assertNever, DecodeError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import {
  createIntegrityKey, decodeStunMessage, encodeStunMessage, ErrorCode, getAttribute, getMappedAddress, prepareAttribute,
  StunMethod, TransactionIdSource, transactionIdKey, unknownComprehensionRequired, UseCandidate, verifyMessageIntegrity,
  type StunMessage,
} from '../stun/index.js';
import type { CandidatePair, CheckTransaction, PairFailureReason, PairState, TransactionPurpose } from './candidate-pair.js';
import { Checklist, type Role, type Selection } from './checklist.js';
import { resolveIceConfig, type IceConfig, type IceConfigInit } from './config.js';
import { EndpointState, randomCredential, type DeferredCheck } from './endpoint.js';
import { localPeerReflexiveFoundation, remotePeerReflexiveFoundation } from './priority.js';
import { encodeErrorResponse, encodeSuccessResponse, UNDERSTOOD_ATTRIBUTES, validateIndication, validateRequest } from './request-validation.js';
import { backOff, rtoCap } from './rto.js';
import { TimerQueue } from './timer-queue.js';
import type {
  IceAgentDeps, IceAgentInfo, IceCandidateInfo, IceDisconnectReason, IceFailureReason, IceRemoteOptions,
  LocalCandidate, LocalInfoChangeReason, SelectedPath,
} from './types.js';
import { ServerReflexive } from './server-reflexive.js';

/** Options of {@link IceAgent.addEndpoint}. */
export interface IceEndpointInit {
  /** Opaque id (e.g. `"SPDP"`, `"SEDP"`, a transport name); unique per agent. */
  readonly id: string;
  /** Addresses of the endpoint's sockets (specific IPs, each with its bound port), IPv4 and IPv6. */
  readonly hostAddresses: readonly TransportAddress[];
  /** STUN server for a server-reflexive candidate (spec §5.3). */
  readonly stunServer?: TransportAddress;
}

/** A snapshot of a checklist for tests and diagnostics. */
export interface ChecklistSnapshot {
  readonly remoteUsername: string;
  readonly role: Role;
  readonly state: 'running' | 'selected' | 'failed';
  readonly live: boolean;
  readonly peerKeys: readonly string[];
  readonly nominating: string | undefined;
  readonly pairs: readonly {
    readonly local: string; readonly remote: string; readonly state: PairState['kind']; readonly foundation: string;
    readonly priority: bigint; readonly useCandidateReceived: boolean;
  }[];
}

type TriggeredEntry = { readonly cl: Checklist; readonly pair: CandidatePair; readonly purpose: 'check' | 'nomination' };

/** What a transaction key of an endpoint resolves to. */
type Outstanding = { readonly cl: Checklist; readonly tx: CheckTransaction };

const USE_CANDIDATE_ATTR = prepareAttribute(UseCandidate, true);
const ROLE_CONFLICT = { code: 487, reason: 'Role Conflict' } as const;

export class IceAgent {
  readonly config: IceConfig;
  readonly #deps: IceAgentDeps;
  readonly #log: Logger;
  readonly #timers = new TimerQueue();
  /** Paced work that becomes due at a time: keepalives, consent, STUN-server messages. */
  readonly #maintenance = new TimerQueue();
  readonly #endpoints = new Map<string, EndpointState>();
  /** Agent-wide active foundations: pairs in waiting or in-progress, counted (spec §5.6). */
  readonly #active = new Map<string, number>();
  #triggered: TriggeredEntry[] = [];
  #roundRobin: Checklist[] = [];
  readonly #outstanding = new Map<string, Outstanding>();
  readonly #tids: TransactionIdSource;
  readonly #srflx: ServerReflexive;
  #lastPacedAt = Number.NEGATIVE_INFINITY;
  #pacedSends = 0;
  #prflxCounter = 0;
  #unfreezeAll = false;
  readonly #succeededFoundations = new Set<string>();

  /** @throws InvalidConfigError for a bad `init`. */
  constructor(deps: IceAgentDeps, init: IceConfigInit = {}) {
    this.config = resolveIceConfig(init);
    this.#deps = deps;
    this.#log = deps.log.child('ice');
    this.#tids = new TransactionIdSource((b) => { b.set(deps.randomBytes(b.length)); }, 64);
    this.#srflx = new ServerReflexive({
      config: this.config,
      now: () => this.#deps.clock.now(),
      timers: this.#timers,
      maintenance: this.#maintenance,
      nextTransactionId: () => this.#tids.next(),
      send: (ep, from, to, bytes, isNew) => {
        if (isNew) this.#markPaced();
        this.#deps.send({ endpointId: ep.id, from, to, bytes });
      },
      addressChanged: (ep) => { this.#regenerate(ep, 'server-reflexive'); },
      log: this.#log,
    });
  }

  // ---------------------------------------------------------------- endpoints

  /** Adds an endpoint with fresh credentials and returns its agent info (spec §5.2, §5.3). @throws Error on a duplicate id. */
  addEndpoint(init: IceEndpointInit): IceAgentInfo {
    if (this.#endpoints.has(init.id)) throw new RangeError(`ICE endpoint ${init.id} exists`);
    const tb = this.#deps.randomBytes(8);
    let tieBreaker = 0n;
    for (const b of tb) tieBreaker = (tieBreaker << 8n) | BigInt(b);
    const ep = new EndpointState(init.id, [...init.hostAddresses], tieBreaker, this.config.allowLoopback);
    ep.username = randomCredential(this.#deps.randomBytes);
    ep.password = randomCredential(this.#deps.randomBytes);
    ep.regenerateCandidates();
    this.#endpoints.set(ep.id, ep);
    this.#schedulePasswordRotation(ep);
    if (init.stunServer !== undefined) this.#srflx.start(ep, init.stunServer);
    return ep.info();
  }

  /** Removes an endpoint and everything it owns (spec §5.14). */
  removeEndpoint(endpointId: string): void {
    const ep = this.#endpoints.get(endpointId);
    if (ep === undefined) return;
    for (const cl of [...ep.byUsername.values()]) this.#destroyChecklist(ep, cl);
    ep.passwordTimer?.cancel();
    this.#srflx.stop(ep);
    this.#endpoints.delete(endpointId);
    this.#processDeferred();
  }

  /** Current local agent info of an endpoint, to advertise through discovery. */
  localInfo(endpointId: string): IceAgentInfo | undefined {
    return this.#endpoints.get(endpointId)?.info();
  }

  /** Replaces the host addresses (interface change, spec §5.3): candidates regenerated, checklists restarted. */
  setHostAddresses(endpointId: string, hostAddresses: readonly TransportAddress[]): void {
    const ep = this.#endpoints.get(endpointId);
    if (ep === undefined) return;
    ep.hostAddresses = [...hostAddresses];
    this.#regenerate(ep, 'host-addresses');
  }

  /** ICE restart (RFC 8445 §9): new username and password, every checklist of the endpoint rebuilt. */
  restart(endpointId: string): void {
    const ep = this.#endpoints.get(endpointId);
    if (ep === undefined) return;
    this.#newCredentials(ep);
    this.#regenerate(ep, 'restart');
  }

  // ---------------------------------------------------------------- sessions

  /**
   * Starts (or updates) ICE between `endpointId` and the remote described by `remote` for the
   * discovery-level pair `peerKey` (spec §5.12): one checklist per remote username, shared by peer
   * keys; identical info is a no-op, a password-only change is applied in place, anything else
   * rebuilds the checklist; a remote username equal to ours regenerates ours.
   */
  startIce(endpointId: string, peerKey: string, remote: IceAgentInfo, options: IceRemoteOptions = {}): void {
    const ep = this.#endpoints.get(endpointId);
    if (ep === undefined) return;
    if (remote.username === ep.username) {
      // Spec §5.2: collision avoidance; non-password regeneration restarts every checklist.
      ep.username = randomCredential(this.#deps.randomBytes);
      this.#regenerate(ep, 'username-collision');
    }
    const previous = ep.byPeerKey.get(peerKey);
    let cl = ep.byUsername.get(remote.username);
    const roleRule = options.roleRule ?? 'opendds-username';
    if (cl !== undefined && !(sameInfo(cl.remote, remote, true) && cl.roleRule === roleRule)) {
      if (sameInfo(cl.remote, remote, false) && cl.roleRule === roleRule) {
        // Spec §5.12: password-only change, in place; retransmissions and keepalives use the new one.
        cl.remote = remote;
      } else {
        const keys = [...cl.peerKeys];
        const wasSelected = cl.state.kind === 'selected';
        this.#destroyChecklist(ep, cl);
        if (wasSelected) this.#emitDisconnected(cl, 'restarted');
        cl = this.#createChecklist(ep, remote, options, keys);
      }
    }
    cl ??= this.#createChecklist(ep, remote, options, []);
    if (previous !== undefined && previous !== cl) this.#detachPeerKey(ep, previous, peerKey);
    const isNew = !cl.peerKeys.has(peerKey);
    cl.peerKeys.add(peerKey);
    ep.byPeerKey.set(peerKey, cl);
    if (isNew && cl.state.kind === 'selected') this.#emitSelected(cl, cl.state.selection, [peerKey]);
    this.#processDeferred();
  }

  /** Stops ICE for `peerKey`; the checklist goes when its last peer key does (spec §5.12). */
  stopIce(endpointId: string, peerKey: string): void {
    const ep = this.#endpoints.get(endpointId);
    const cl = ep?.byPeerKey.get(peerKey);
    if (ep === undefined || cl === undefined) return;
    this.#detachPeerKey(ep, cl, peerKey);
    this.#processDeferred();
  }

  /** The selected remote address for `peerKey` while the selected pair is live (spec §5.10), else undefined. */
  selectedAddress(endpointId: string, peerKey: string): TransportAddress | undefined {
    return this.selectedPath(endpointId, peerKey)?.remoteAddress;
  }

  /** The selected path (local base, local candidate, remote address) while live. */
  selectedPath(endpointId: string, peerKey: string): SelectedPath | undefined {
    const cl = this.#endpoints.get(endpointId)?.byPeerKey.get(peerKey);
    if (cl?.state.kind !== 'selected' || !cl.state.selection.live) return undefined;
    const s = cl.state.selection;
    return { localBase: s.pair.local.base, localCandidate: s.validLocal, remoteAddress: s.pair.remote.address };
  }

  /** A snapshot of the checklist toward `remoteUsername` on `endpointId`. */
  inspect(endpointId: string, remoteUsername: string): ChecklistSnapshot | undefined {
    const cl = this.#endpoints.get(endpointId)?.byUsername.get(remoteUsername);
    if (cl === undefined) return undefined;
    return {
      remoteUsername: cl.remoteUsername,
      role: cl.role,
      state: cl.state.kind,
      live: cl.state.kind === 'selected' && cl.state.selection.live,
      peerKeys: cl.peerKeyList,
      nominating: cl.nomination?.pair.toString(),
      pairs: cl.pairs.map((p) => ({
        local: formatAddress(p.local.base), remote: formatAddress(p.remote.address), state: p.state.kind,
        foundation: p.foundation, priority: p.priority, useCandidateReceived: p.useCandidateReceived,
      })),
    };
  }

  /** Number of deferred triggered checks held for `remoteUsername` on `endpointId`. */
  deferredCount(endpointId: string, remoteUsername: string): number {
    return this.#endpoints.get(endpointId)?.deferred.get(remoteUsername)?.length ?? 0;
  }

  // ---------------------------------------------------------------- input

  /**
   * A STUN datagram received by endpoint `endpointId` on local address `local` from `from`.
   * Malformed datagrams are dropped (debug log). `bytes` is not kept.
   */
  handleStun(endpointId: string, local: TransportAddress, from: TransportAddress, bytes: Uint8Array): void {
    const ep = this.#endpoints.get(endpointId);
    if (ep === undefined) return;
    let msg: StunMessage;
    try {
      msg = decodeStunMessage(bytes);
    } catch (err: unknown) {
      // STYLE.md rule 7: the one catch around a decoder; count, log at debug, drop.
      if (!(err instanceof DecodeError)) throw err;
      this.#log.debug('malformed STUN dropped', { endpointId, from: formatAddress(from), field: err.field });
      return;
    }
    switch (msg.messageClass) {
      case 'request': this.#onRequest(ep, local, from, msg); break;
      case 'indication': this.#onIndication(ep, msg); break;
      case 'success': case 'error': this.#onResponse(ep, local, from, msg); break;
      default: assertNever(msg.messageClass, 'STUN class');
    }
    this.#processDeferred();
  }

  /** The earliest time (agent clock, ms) at which {@link handleTimeout} has work, or undefined. */
  nextDeadline(): number | undefined {
    const timer = this.#timers.peek();
    const paced = this.#pacedReadyAt();
    if (paced === undefined) return timer;
    const at = Math.max(paced, this.#lastPacedAt + this.config.taMs);
    return timer === undefined ? at : Math.min(timer, at);
  }

  /** Runs due timers, then at most one paced transaction if Ta has elapsed since the last one. */
  handleTimeout(): void {
    const now = this.#deps.clock.now();
    for (let t = this.#timers.popDue(now); t !== undefined; t = this.#timers.popDue(now)) {
      t.fire();
      this.#processDeferred();
    }
    if (now >= this.#lastPacedAt + this.config.taMs) this.#sendOnePaced(now);
    this.#processDeferred();
  }

  /** Drops every endpoint, checklist, transaction and timer: afterwards nextDeadline() is undefined. */
  close(): void {
    for (const id of [...this.#endpoints.keys()]) this.removeEndpoint(id);
    this.#timers.clear();
    this.#maintenance.clear();
    this.#triggered = [];
    this.#roundRobin = [];
    this.#outstanding.clear();
    this.#active.clear();
    this.#succeededFoundations.clear();
    this.#unfreezeAll = false;
  }

  // ---------------------------------------------------------------- pacing

  #pacedReadyAt(): number | undefined {
    while (this.#triggered.length > 0) {
      const head = this.#triggered[0];
      if (head !== undefined && this.#triggeredValid(head)) return this.#deps.clock.now();
      this.#triggered.shift();
    }
    while (this.#roundRobin.length > 0) {
      const head = this.#roundRobin[0];
      if (head !== undefined && !head.destroyed && head.state.kind !== 'selected' && head.nextWaiting() !== undefined) {
        return this.#deps.clock.now();
      }
      this.#roundRobin.shift();
      if (head !== undefined) head.inRoundRobin = false;
    }
    return this.#maintenance.peek();
  }

  #markPaced(): void {
    this.#lastPacedAt = this.#deps.clock.now();
    this.#pacedSends++;
  }

  #triggeredValid(e: TriggeredEntry): boolean {
    if (e.cl.destroyed) return false;
    if (e.purpose === 'check') return e.pair.triggered && e.pair.state.kind === 'waiting';
    const n = e.cl.nomination;
    return n !== undefined && n.pair === e.pair && n.transaction === undefined && e.cl.state.kind === 'running' && e.pair.state.kind === 'succeeded';
  }

  #sendOnePaced(now: number): void {
    for (let e = this.#triggered.shift(); e !== undefined; e = this.#triggered.shift()) {
      if (!this.#triggeredValid(e)) continue;
      if (e.purpose === 'check') e.pair.triggered = false;
      this.#sendCheck(e.cl, e.pair, e.purpose, now);
      return;
    }
    const before = this.#pacedSends;
    for (let t = this.#maintenance.popDue(now); t !== undefined; t = this.#maintenance.popDue(now)) {
      t.fire();
      if (this.#pacedSends !== before) return;
    }
    for (let cl = this.#roundRobin.shift(); cl !== undefined; cl = this.#roundRobin.shift()) {
      cl.inRoundRobin = false;
      if (cl.destroyed || cl.state.kind === 'selected') continue;
      const pair = cl.nextWaiting();
      if (pair === undefined) continue;
      this.#sendCheck(cl, pair, 'check', now);
      if (cl.nextWaiting() !== undefined) this.#addToRoundRobin(cl);
      return;
    }
  }

  #addToRoundRobin(cl: Checklist): void {
    if (cl.inRoundRobin || cl.destroyed) return;
    cl.inRoundRobin = true;
    this.#roundRobin.push(cl);
  }

  #enqueueTriggered(cl: Checklist, pair: CandidatePair, purpose: 'check' | 'nomination'): void {
    if (purpose === 'check') {
      if (pair.triggered) return;
      pair.triggered = true;
      this.#triggered.push({ cl, pair, purpose });
    } else {
      // The nomination is the check that completes ICE: it goes first.
      this.#triggered.unshift({ cl, pair, purpose });
    }
  }

  // ---------------------------------------------------------------- checks

  #encodeCheck(cl: Checklist, pair: CandidatePair, useCandidate: boolean, id: Uint8Array): Uint8Array {
    // Spec §5.7 attribute order: PRIORITY, ICE-CONTROLLING/-CONTROLLED, [USE-CANDIDATE], USERNAME, MI (remote password), FINGERPRINT.
    const attributes = useCandidate
      ? [pair.priorityAttr, cl.roleAttr, USE_CANDIDATE_ATTR, cl.usernameAttr]
      : [pair.priorityAttr, cl.roleAttr, cl.usernameAttr];
    return encodeStunMessage({
      method: StunMethod.binding, messageClass: 'request', transactionId: id, attributes,
      integrity: createIntegrityKey(cl.remote.password), fingerprint: true,
    });
  }

  #sendCheck(cl: Checklist, pair: CandidatePair, purpose: TransactionPurpose, now: number): void {
    const id = this.#tids.next();
    const useCandidate = purpose === 'nomination';
    const rtoMs = cl.rtt.initialRto(this.config.initialRtoMs, this.config.minRtoMs);
    const tx: CheckTransaction = {
      id, key: transactionIdKey(id), purpose, pair, password: cl.remote.password, useCandidate,
      firstSentAt: now, lastSentAt: now, transmissions: 1, rtoMs, maxRtoMs: rtoCap(rtoMs, this.config.maxRtoMs),
      cancelled: false, timer: undefined,
    };
    this.#outstanding.set(tx.key, { cl, tx });
    cl.transactions.set(tx.key, tx);
    if (!cl.hasSentCheck) {
      cl.hasSentCheck = true;
      this.#armTtl(cl);
    }
    if (purpose === 'check') {
      pair.firstSentAt ??= now;
      this.#setPairState(cl, pair, { kind: 'in-progress', transaction: tx });
    } else if (purpose === 'nomination' && cl.nomination !== undefined) {
      cl.nomination.transaction = tx;
    }
    tx.timer = this.#timers.add(now + tx.rtoMs, () => { this.#retransmit(cl, tx); });
    this.#markPaced();
    if (this.#log.enabled) this.#log.debug('check sent', { endpointId: cl.endpointId, pair: pair.toString(), purpose });
    this.#deps.send({ endpointId: cl.endpointId, from: pair.local.base, to: pair.remote.address, bytes: this.#encodeCheck(cl, pair, useCandidate, id) });
    if (purpose === 'check' && cl.role === 'controlling') this.#evaluateNomination(cl);
  }

  /**
   * RFC 5389 §7.2.1: resend with a doubled RTO capped at maxRtoMs, until checkTimeoutMs after the
   * first transmission; then the transaction times out.
   */
  #retransmit(cl: Checklist, tx: CheckTransaction): void {
    tx.timer = undefined;
    const now = this.#deps.clock.now();
    const deadline = tx.firstSentAt + this.config.checkTimeoutMs;
    if (tx.cancelled || now >= deadline || cl.destroyed) {
      this.#transactionTimedOut(cl, tx);
      return;
    }
    tx.transmissions++;
    tx.rtoMs = backOff(tx.rtoMs, tx.maxRtoMs);
    tx.lastSentAt = now;
    // Spec §5.8: retransmissions use the remote's current password.
    tx.password = cl.remote.password;
    tx.timer = this.#timers.add(Math.min(now + tx.rtoMs, deadline), () => { this.#retransmit(cl, tx); });
    this.#deps.send({
      endpointId: cl.endpointId, from: tx.pair.local.base, to: tx.pair.remote.address,
      bytes: this.#encodeCheck(cl, tx.pair, tx.useCandidate, tx.id),
    });
  }

  #finishTransaction(cl: Checklist, tx: CheckTransaction): void {
    tx.timer?.cancel();
    tx.timer = undefined;
    this.#outstanding.delete(tx.key);
    cl.transactions.delete(tx.key);
  }

  #transactionTimedOut(cl: Checklist, tx: CheckTransaction): void {
    this.#finishTransaction(cl, tx);
    if (tx.cancelled || cl.destroyed) return;
    const pair = tx.pair;
    switch (tx.purpose) {
      case 'check':
        if (pair.state.kind === 'in-progress' && pair.state.transaction === tx) this.#failPair(cl, pair, 'timeout');
        break;
      case 'nomination': this.#nominationFailed(cl, tx, 'timeout'); break;
      case 'consent': break; // RFC 7675: only the consent expiry timer matters
      default: assertNever(tx.purpose, 'transaction purpose');
    }
  }

  #failPair(cl: Checklist, pair: CandidatePair, reason: PairFailureReason): void {
    if (pair.state.kind === 'in-progress') this.#cancelTransaction(pair.state.transaction);
    pair.triggered = false;
    this.#setPairState(cl, pair, { kind: 'failed', reason });
    this.#afterPairChange(cl);
  }

  #cancelTransaction(tx: CheckTransaction): void {
    tx.cancelled = true;
  }

  #setPairState(cl: Checklist, pair: CandidatePair, next: PairState): void {
    const was = isActiveState(pair.state);
    const now = isActiveState(next);
    pair.state = next;
    if (was && !now) {
      const n = (this.#active.get(pair.foundation) ?? 1) - 1;
      if (n <= 0) {
        this.#active.delete(pair.foundation);
        this.#unfreezeAll = true;
      } else {
        this.#active.set(pair.foundation, n);
      }
    } else if (!was && now) {
      this.#active.set(pair.foundation, (this.#active.get(pair.foundation) ?? 0) + 1);
    }
    if (next.kind === 'waiting') this.#addToRoundRobin(cl);
  }

  /** Spec §5.6 `unfreeze()`: frozen pairs whose foundation is inactive, or whose remote foundation is one of ours. */
  #unfreeze(ep: EndpointState, cl: Checklist): void {
    if (cl.destroyed || cl.state.kind === 'selected') return;
    for (const p of cl.pairs) {
      if (p.state.kind !== 'frozen') continue;
      if (!this.#active.has(p.foundation) || ep.localFoundations.has(p.remote.foundation)) this.#setPairState(cl, p, { kind: 'waiting' });
    }
  }

  /** Spec §5.6 `process_deferred`: unfreeze after a foundation went inactive or a check succeeded. */
  #processDeferred(): void {
    while (this.#unfreezeAll || this.#succeededFoundations.size > 0) {
      if (this.#succeededFoundations.size > 0) {
        const done = [...this.#succeededFoundations];
        this.#succeededFoundations.clear();
        // RFC 8445 §7.2.5.3.3: success unfreezes the pairs with the same foundation in every checklist.
        for (const ep of this.#endpoints.values()) {
          for (const cl of ep.byUsername.values()) {
            if (cl.state.kind === 'selected') continue;
            for (const p of cl.pairs) if (p.state.kind === 'frozen' && done.includes(p.foundation)) this.#setPairState(cl, p, { kind: 'waiting' });
          }
        }
      }
      if (this.#unfreezeAll) {
        this.#unfreezeAll = false;
        for (const ep of this.#endpoints.values()) for (const cl of ep.byUsername.values()) this.#unfreeze(ep, cl);
      }
    }
  }

  #afterPairChange(cl: Checklist): void {
    if (cl.destroyed) return;
    if (cl.role === 'controlling') this.#evaluateNomination(cl);
    if (cl.state.kind === 'running' && cl.nomination === undefined && cl.pairs.every((p) => p.state.kind === 'failed')) {
      this.#failChecklist(cl, cl.pairs.length === 0 ? 'no-pairs' : 'all-pairs-failed');
    }
  }

  #failChecklist(cl: Checklist, reason: IceFailureReason): void {
    cl.state = { kind: 'failed', reason };
    cl.timers.nomination?.cancel();
    this.#deps.emit({ type: 'failed', endpointId: cl.endpointId, remoteUsername: cl.remoteUsername, peerKeys: cl.peerKeyList, reason });
  }

  // ---------------------------------------------------------------- requests and triggered checks

  #onRequest(ep: EndpointState, local: TransportAddress, from: TransportAddress, msg: StunMessage): void {
    const now = this.#deps.clock.now();
    const verdict = validateRequest(msg, ep.credentials(now));
    if (!verdict.ok) {
      this.#log.debug('request rejected', { endpointId: ep.id, from: formatAddress(from), code: verdict.code });
      this.#deps.send({ endpointId: ep.id, from: local, to: from, bytes: encodeErrorResponse(msg, verdict.code, verdict.reason, ep.password, verdict.unknown) });
      return;
    }
    const cl = ep.byUsername.get(verdict.remoteUsername);
    if (cl !== undefined && cl.roleRule === 'rfc8445') {
      // RFC 8445 §7.3.1.1: role conflict, resolved by tie-breakers.
      if (cl.role === 'controlling' && verdict.controlling !== undefined) {
        if (ep.tieBreaker >= verdict.controlling) {
          this.#deps.send({ endpointId: ep.id, from: local, to: from, bytes: encodeErrorResponse(msg, ROLE_CONFLICT.code, ROLE_CONFLICT.reason, verdict.password) });
          return;
        }
        this.#switchRole(cl, 'role-conflict-request');
      } else if (cl.role === 'controlled' && verdict.controlled !== undefined) {
        if (ep.tieBreaker >= verdict.controlled) {
          this.#switchRole(cl, 'role-conflict-request');
        } else {
          this.#deps.send({ endpointId: ep.id, from: local, to: from, bytes: encodeErrorResponse(msg, ROLE_CONFLICT.code, ROLE_CONFLICT.reason, verdict.password) });
          return;
        }
      }
    }
    // Spec §5.9: answer at once, keyed with the password that verified the request.
    this.#deps.send({ endpointId: ep.id, from: local, to: from, bytes: encodeSuccessResponse(msg, from, verdict.password) });
    if (cl === undefined) {
      this.#defer(ep, verdict.remoteUsername, { local, from, priority: verdict.priority, useCandidate: verdict.useCandidate, expiresAt: now + this.config.deferredTriggeredCheckTtlMs });
      return;
    }
    this.#triggeredCheck(ep, cl, local, from, verdict.priority, verdict.useCandidate && verdict.controlling !== undefined);
  }

  #defer(ep: EndpointState, username: string, check: DeferredCheck): void {
    const now = check.expiresAt - this.config.deferredTriggeredCheckTtlMs;
    let total = 0;
    for (const [u, list] of ep.deferred) {
      const live = list.filter((d) => d.expiresAt > now);
      if (live.length === 0) ep.deferred.delete(u);
      else { ep.deferred.set(u, live); total += live.length; }
    }
    const list = ep.deferred.get(username) ?? [];
    const same = list.find((d) => addressEquals(d.local, check.local) && addressEquals(d.from, check.from));
    if (same !== undefined) {
      same.useCandidate ||= check.useCandidate;
      return;
    }
    if (total >= this.config.maxDeferredChecks) return;
    list.push(check);
    ep.deferred.set(username, list);
  }

  /** Spec §5.9 `generate_triggered_check` with RFC 8445 §7.3.1.4/§7.3.1.5 and the no-ping-pong rule (pion/ice#907). */
  #triggeredCheck(ep: EndpointState, cl: Checklist, local: TransportAddress, from: TransportAddress, priority: number, useCandidate: boolean): void {
    let remote = cl.remoteCandidates.find((c) => addressEquals(c.address, from));
    if (remote === undefined) {
      // RFC 8445 §7.3.1.3: a peer-reflexive remote candidate; usable only after our own check succeeds (pion/ice#21).
      remote = { address: from, foundation: remotePeerReflexiveFoundation(++this.#prflxCounter), priority, type: 'peer-reflexive' };
      cl.remoteCandidates.push(remote);
    }
    const localCandidate = ep.hostCandidateAt(local);
    if (localCandidate === undefined) {
      this.#log.warn('request on an address that is not a local candidate', { endpointId: ep.id, local: formatAddress(local) });
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
        if (nominates) this.#select(cl, pair, pair.state.validLocal);
        const n = cl.nomination;
        if (n?.pair === pair && n.transaction !== undefined) {
          // The nomination is this pair's in-progress check "with USE-CANDIDATE" (spec §5.6): as RFC 8445
          // §7.3.1.4 does for in-progress checks, a request proving the path restarts it at once
          // instead of waiting out a doubled RTO (the late answer to the old transaction still counts).
          this.#cancelTransaction(n.transaction);
          n.transaction = undefined;
          this.#enqueueTriggered(cl, pair, 'nomination');
        }
        return;
      }
      case 'in-progress':
        // RFC 8445 §7.3.1.4: cancel (a late response still counts) and re-check now.
        this.#cancelTransaction(pair.state.transaction);
        this.#setPairState(cl, pair, { kind: 'waiting' });
        break;
      case 'waiting':
        break;
      case 'frozen': case 'failed':
        this.#setPairState(cl, pair, { kind: 'waiting' });
        break;
      default: assertNever(pair.state, 'pair state');
    }
    if (cl.state.kind === 'failed') {
      cl.state = { kind: 'running' };
      this.#armTtl(cl);
    }
    this.#enqueueTriggered(cl, pair, 'check');
  }

  // ---------------------------------------------------------------- responses

  #onResponse(ep: EndpointState, local: TransportAddress, from: TransportAddress, msg: StunMessage): void {
    const key = transactionIdKey(msg.transactionId);
    if (this.#srflx.handleResponse(ep, key, msg)) return;
    const o = this.#outstanding.get(key);
    if (o === undefined || o.cl.endpointId !== ep.id) return;
    const { cl, tx } = o;
    // RFC 5389 §10.1.3: a response without a verifying MESSAGE-INTEGRITY is discarded as if never
    // received (OpenDDS fails the pair instead, spec §5.7: an off-path spoofer could kill pairs).
    if (msg.integrityIndex < 0 || msg.fingerprintIndex < 0) return;
    if (!verifyMessageIntegrity(msg, createIntegrityKey(tx.password)) && !verifyMessageIntegrity(msg, createIntegrityKey(cl.remote.password))) return;
    const unknown = unknownComprehensionRequired(msg, UNDERSTOOD_ATTRIBUTES).length > 0;
    const now = this.#deps.clock.now();
    if (msg.messageClass === 'error') {
      const code = getAttribute(msg, ErrorCode)?.code;
      if (code === 487 && cl.roleRule === 'rfc8445' && !unknown) {
        // RFC 8445 §7.2.5.1: switch role and re-check the pair as a triggered check.
        this.#finishTransaction(cl, tx);
        this.#switchRole(cl, 'role-conflict-response');
        if (tx.purpose === 'check' && tx.pair.state.kind === 'in-progress' && tx.pair.state.transaction === tx) {
          this.#setPairState(cl, tx.pair, { kind: 'waiting' });
          this.#enqueueTriggered(cl, tx.pair, 'check');
        }
        return;
      }
      if (unknown || code === 400 || code === 420) {
        this.#finishTransaction(cl, tx);
        this.#responseFailed(cl, tx, 'error-response');
      }
      return; // spec §5.7: other codes (401, …) are retried
    }
    this.#finishTransaction(cl, tx);
    if (isUnambiguousSample(tx, now)) cl.rtt.sample(now - tx.lastSentAt);
    const mapped = getMappedAddress(msg);
    if (unknown || mapped === undefined) {
      this.#responseFailed(cl, tx, 'bad-response');
      return;
    }
    // RFC 8445 §7.2.5.2.1 / spec §5.7 step 6: the response must come from where we sent, to our base.
    if (!addressEquals(from, tx.pair.remote.address) || !addressEquals(local, tx.pair.local.base)) {
      this.#responseFailed(cl, tx, 'non-symmetric');
      return;
    }
    switch (tx.purpose) {
      case 'check': this.#pairSucceeded(ep, cl, tx, mapped, now); break;
      case 'nomination': {
        const validLocal = tx.pair.state.kind === 'succeeded' ? tx.pair.state.validLocal : tx.pair.local;
        this.#select(cl, tx.pair, validLocal);
        break;
      }
      case 'consent':
        if (cl.state.kind === 'selected' && cl.state.selection.pair === tx.pair) {
          cl.state.selection.lastConsentAt = now;
          this.#armConsentExpiry(cl);
          this.#markAlive(cl);
        }
        break;
      default: assertNever(tx.purpose, 'transaction purpose');
    }
  }

  #responseFailed(cl: Checklist, tx: CheckTransaction, reason: PairFailureReason): void {
    switch (tx.purpose) {
      case 'check':
        if (tx.pair.state.kind === 'in-progress' && tx.pair.state.transaction === tx) this.#failPair(cl, tx.pair, reason);
        else if (tx.pair.state.kind !== 'succeeded' && !tx.cancelled) this.#failPair(cl, tx.pair, reason);
        break;
      case 'nomination': this.#nominationFailed(cl, tx, reason); break;
      case 'consent': break;
      default: assertNever(tx.purpose, 'transaction purpose');
    }
  }

  #pairSucceeded(ep: EndpointState, cl: Checklist, tx: CheckTransaction, mapped: TransportAddress, now: number): void {
    const pair = tx.pair;
    if (pair.state.kind === 'succeeded') return;
    if (pair.state.kind === 'in-progress' && pair.state.transaction !== tx) this.#cancelTransaction(pair.state.transaction);
    // Spec §5.7: the valid pair's local candidate is the one at the mapped address, else a new peer-reflexive one.
    const validLocal: LocalCandidate = ep.localCandidates.find((c) => addressEquals(c.address, mapped)) ?? {
      address: mapped, base: pair.local.base, priority: pair.prflxPriority, type: 'peer-reflexive',
      foundation: localPeerReflexiveFoundation(pair.local.base, pair.remote.address),
    };
    pair.triggered = false;
    this.#setPairState(cl, pair, { kind: 'succeeded', rttMs: now - tx.lastSentAt, validLocal });
    this.#succeededFoundations.add(pair.foundation);
    if (cl.state.kind === 'failed') {
      cl.state = { kind: 'running' };
      this.#armTtl(cl);
    }
    if (cl.role === 'controlled' && pair.useCandidateReceived) {
      // RFC 8445 §7.3.1.5 / spec §5.10: the controlled side nominates when its own check of a USE-CANDIDATE pair succeeds.
      this.#select(cl, pair, validLocal);
      return;
    }
    this.#afterPairChange(cl);
  }

  // ---------------------------------------------------------------- nomination and selection

  /**
   * Regular nomination as early as is safe (RFC 8445 §8.1.1): the best valid pair is nominated once
   * no higher-priority pair is waiting, and every higher-priority pair in progress has had
   * max(2·RTT of the valid pair, minNominationWaitMs) to answer. Frozen pairs do not hold it back.
   */
  #evaluateNomination(cl: Checklist): void {
    if (cl.role !== 'controlling' || cl.state.kind !== 'running' || cl.nomination !== undefined || cl.destroyed) return;
    let best: CandidatePair | undefined;
    let rtt = 0;
    for (const p of cl.pairs) {
      if (p.state.kind === 'succeeded') { best = p; rtt = p.state.rttMs; break; }
    }
    if (best === undefined) return;
    const now = this.#deps.clock.now();
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
      cl.timers.nomination = this.#timers.add(at, () => { cl.timers.nomination = undefined; this.#evaluateNomination(cl); });
      return;
    }
    cl.nomination = { pair: best, attempts: 0, transaction: undefined };
    this.#enqueueTriggered(cl, best, 'nomination');
  }

  #nominationFailed(cl: Checklist, tx: CheckTransaction, reason: PairFailureReason): void {
    const n = cl.nomination;
    if (n?.transaction !== tx) return;
    n.transaction = undefined;
    n.attempts++;
    // A lost nomination on a pair that worked is retried (each attempt has its own retransmissions)
    // before the pair is given up: with 30 % loss both ways one attempt fails ~1 % of the time.
    if (reason === 'timeout' && n.attempts < this.config.maxNominationAttempts) {
      this.#enqueueTriggered(cl, n.pair, 'nomination');
      return;
    }
    cl.nomination = undefined;
    this.#failPair(cl, n.pair, reason);
  }

  #select(cl: Checklist, pair: CandidatePair, validLocal: LocalCandidate): void {
    if (cl.state.kind === 'selected' && cl.state.selection.pair === pair) return;
    const now = this.#deps.clock.now();
    const selection: Selection = { pair, validLocal, live: true, lastIndicationAt: now, lastConsentAt: now };
    cl.state = { kind: 'selected', selection };
    cl.nomination = undefined;
    cl.timers.nomination?.cancel();
    cl.timers.ttl?.cancel();
    // Spec §5.10 / RFC 8445 §8.1.2: no further checks; outstanding ones stop, waiting/frozen pairs fail.
    for (const tx of [...cl.transactions.values()]) if (tx.purpose !== 'consent') this.#finishTransaction(cl, tx);
    for (const p of cl.pairs) {
      p.triggered = false;
      if (p.state.kind === 'frozen' || p.state.kind === 'waiting' || p.state.kind === 'in-progress') {
        this.#setPairState(cl, p, { kind: 'failed', reason: 'superseded' });
      }
    }
    this.#emitSelected(cl, selection, cl.peerKeyList);
    this.#scheduleKeepalive(cl, now + this.config.indicationPeriodMs);
    this.#armLiveness(cl);
    if (this.config.consentFreshness) {
      this.#scheduleConsent(cl, now);
      this.#armConsentExpiry(cl);
    }
  }

  #emitSelected(cl: Checklist, s: Selection, peerKeys: readonly string[]): void {
    this.#deps.emit({
      type: 'selected', endpointId: cl.endpointId, remoteUsername: cl.remoteUsername, peerKeys,
      localCandidate: s.validLocal, remoteAddress: s.pair.remote.address, role: cl.role,
    });
  }

  #emitDisconnected(cl: Checklist, reason: IceDisconnectReason): void {
    this.#deps.emit({ type: 'disconnected', endpointId: cl.endpointId, remoteUsername: cl.remoteUsername, peerKeys: cl.peerKeyList, reason });
  }

  #switchRole(cl: Checklist, cause: 'role-conflict-request' | 'role-conflict-response'): void {
    cl.switchRole();
    cl.nomination = undefined;
    cl.timers.nomination?.cancel();
    this.#deps.emit({ type: 'role-changed', endpointId: cl.endpointId, remoteUsername: cl.remoteUsername, role: cl.role, cause });
    this.#evaluateNomination(cl);
  }

  // ---------------------------------------------------------------- keepalive, liveness, consent

  #scheduleKeepalive(cl: Checklist, at: number): void {
    cl.timers.keepalive?.cancel();
    cl.timers.keepalive = this.#maintenance.add(at, () => {
      cl.timers.keepalive = undefined;
      if (cl.destroyed || cl.state.kind !== 'selected') return;
      const pair = cl.state.selection.pair;
      // Spec §5.11: Binding indication with USERNAME, MESSAGE-INTEGRITY (remote password), FINGERPRINT only.
      const bytes = encodeStunMessage({
        method: StunMethod.binding, messageClass: 'indication', transactionId: this.#tids.next(),
        attributes: [cl.usernameAttr], integrity: createIntegrityKey(cl.remote.password), fingerprint: true,
      });
      this.#markPaced();
      this.#deps.send({ endpointId: cl.endpointId, from: pair.local.base, to: pair.remote.address, bytes });
      this.#scheduleKeepalive(cl, this.#deps.clock.now() + this.config.indicationPeriodMs);
    });
  }

  /** Spec §5.11: the selected pair is dropped after NominatedTTL without a valid indication. */
  #armLiveness(cl: Checklist): void {
    if (cl.state.kind !== 'selected') return;
    cl.timers.liveness?.cancel();
    const s = cl.state.selection;
    cl.timers.liveness = this.#timers.add(s.lastIndicationAt + this.config.nominatedTtlMs, () => {
      cl.timers.liveness = undefined;
      if (cl.destroyed || cl.state.kind !== 'selected' || !s.live) return;
      s.live = false;
      this.#emitDisconnected(cl, 'nominated-ttl');
    });
  }

  #onIndication(ep: EndpointState, msg: StunMessage): void {
    const remoteUsername = validateIndication(msg, ep.credentials(this.#deps.clock.now()));
    if (remoteUsername === undefined) return;
    const cl = ep.byUsername.get(remoteUsername);
    if (cl === undefined || cl.state.kind !== 'selected') return;
    cl.state.selection.lastIndicationAt = this.#deps.clock.now();
    this.#armLiveness(cl);
    this.#markAlive(cl);
  }

  #markAlive(cl: Checklist): void {
    if (cl.state.kind !== 'selected') return;
    const s = cl.state.selection;
    const now = this.#deps.clock.now();
    const indicationOk = now - s.lastIndicationAt < this.config.nominatedTtlMs;
    const consentOk = !this.config.consentFreshness || now - s.lastConsentAt < this.config.consentTimeoutMs;
    if (s.live || !indicationOk || !consentOk) return;
    s.live = true;
    this.#deps.emit({
      type: 'reconnected', endpointId: cl.endpointId, remoteUsername: cl.remoteUsername, peerKeys: cl.peerKeyList,
      remoteAddress: s.pair.remote.address,
    });
  }

  /** RFC 7675 §5.1: a consent request every interval ± 20 %, randomised. */
  #scheduleConsent(cl: Checklist, from: number): void {
    const r = this.#deps.randomBytes(2);
    const u = (((r[0] ?? 0) << 8) | (r[1] ?? 0)) / 0x10000;
    const at = from + this.config.consentIntervalMs * (0.8 + 0.4 * u);
    cl.timers.consent?.cancel();
    cl.timers.consent = this.#maintenance.add(at, () => {
      cl.timers.consent = undefined;
      if (cl.destroyed || cl.state.kind !== 'selected') return;
      const now = this.#deps.clock.now();
      this.#sendConsent(cl, cl.state.selection.pair, now);
      this.#scheduleConsent(cl, now);
    });
  }

  #sendConsent(cl: Checklist, pair: CandidatePair, now: number): void {
    const id = this.#tids.next();
    const tx: CheckTransaction = {
      id, key: transactionIdKey(id), purpose: 'consent', pair, password: cl.remote.password, useCandidate: false,
      firstSentAt: now, lastSentAt: now, transmissions: 1, rtoMs: this.config.consentTimeoutMs, maxRtoMs: this.config.consentTimeoutMs,
      cancelled: false, timer: undefined,
    };
    this.#outstanding.set(tx.key, { cl, tx });
    cl.transactions.set(tx.key, tx);
    // One transmission; the answer is accepted until the consent timeout (werift#649: the loop never stops).
    tx.timer = this.#timers.add(now + this.config.consentTimeoutMs, () => { this.#transactionTimedOut(cl, tx); });
    this.#markPaced();
    this.#deps.send({ endpointId: cl.endpointId, from: pair.local.base, to: pair.remote.address, bytes: this.#encodeCheck(cl, pair, false, id) });
  }

  #armConsentExpiry(cl: Checklist): void {
    if (cl.state.kind !== 'selected') return;
    const s = cl.state.selection;
    cl.timers.consentExpiry?.cancel();
    cl.timers.consentExpiry = this.#timers.add(s.lastConsentAt + this.config.consentTimeoutMs, () => {
      cl.timers.consentExpiry = undefined;
      if (cl.destroyed || cl.state.kind !== 'selected' || !s.live) return;
      s.live = false;
      this.#emitDisconnected(cl, 'consent-expired');
    });
  }

  // ---------------------------------------------------------------- checklists

  #createChecklist(ep: EndpointState, remote: IceAgentInfo, options: IceRemoteOptions, peerKeys: readonly string[]): Checklist {
    const rule = options.roleRule ?? 'opendds-username';
    // Spec §5.5: controlling iff local username < remote username (byte order of lower-case hex).
    let role: Role = ep.username < remote.username ? 'controlling' : 'controlled';
    if (rule === 'rfc8445' && options.initialRole !== undefined) role = options.initialRole;
    // RFC 8445 §6.1.1: facing a lite agent, the full agent controls.
    if (remote.type === 'lite') role = 'controlling';
    const cl = new Checklist(ep.id, ep.username, ep.tieBreaker, remote, ep.localCandidates, rule, role);
    for (const k of peerKeys) { cl.peerKeys.add(k); ep.byPeerKey.set(k, cl); }
    ep.byUsername.set(remote.username, cl);
    this.#armTtl(cl, this.config.connectivityCheckTtlMs);
    // Spec §5.6: replay deferred triggered checks, then unfreeze.
    const deferred = ep.deferred.get(remote.username);
    ep.deferred.delete(remote.username);
    const now = this.#deps.clock.now();
    for (const d of deferred ?? []) {
      if (d.expiresAt > now) this.#triggeredCheck(ep, cl, d.local, d.from, d.priority, d.useCandidate);
    }
    this.#unfreeze(ep, cl);
    if (cl.pairs.length === 0 && cl.state.kind === 'running') this.#failChecklist(cl, 'no-pairs');
    return cl;
  }

  /**
   * The checklist's give-up timer: failed('timeout') when not selected within `ms`. Armed with
   * ConnectivityCheckTTL at creation, then with the failure bound (failureTimeoutMs) when its first
   * check goes out or a request revives it, so that pacing many checklists does not eat the budget.
   */
  #armTtl(cl: Checklist, ms = Math.min(this.config.failureTimeoutMs, this.config.connectivityCheckTtlMs)): void {
    cl.timers.ttl?.cancel();
    cl.timers.ttl = this.#timers.add(this.#deps.clock.now() + ms, () => {
      cl.timers.ttl = undefined;
      if (cl.destroyed || cl.state.kind !== 'running') return;
      for (const tx of [...cl.transactions.values()]) this.#finishTransaction(cl, tx);
      for (const p of cl.pairs) {
        p.triggered = false;
        if (p.state.kind !== 'failed' && p.state.kind !== 'succeeded') this.#setPairState(cl, p, { kind: 'failed', reason: 'timeout' });
      }
      cl.nomination = undefined;
      this.#failChecklist(cl, 'timeout');
    });
  }

  #destroyChecklist(ep: EndpointState, cl: Checklist): void {
    cl.destroyed = true;
    for (const tx of [...cl.transactions.values()]) this.#finishTransaction(cl, tx);
    for (const p of cl.pairs) {
      p.triggered = false;
      if (isActiveState(p.state)) this.#setPairState(cl, p, { kind: 'failed', reason: 'superseded' });
    }
    for (const t of Object.values(cl.timers)) t?.cancel();
    for (const k of cl.peerKeys) if (ep.byPeerKey.get(k) === cl) ep.byPeerKey.delete(k);
    if (ep.byUsername.get(cl.remoteUsername) === cl) ep.byUsername.delete(cl.remoteUsername);
  }

  #detachPeerKey(ep: EndpointState, cl: Checklist, peerKey: string): void {
    cl.peerKeys.delete(peerKey);
    if (ep.byPeerKey.get(peerKey) === cl) ep.byPeerKey.delete(peerKey);
    if (cl.peerKeys.size === 0) this.#destroyChecklist(ep, cl);
  }

  // ---------------------------------------------------------------- credentials and candidates

  #newCredentials(ep: EndpointState): void {
    ep.username = randomCredential(this.#deps.randomBytes);
    ep.password = randomCredential(this.#deps.randomBytes);
    ep.oldPasswords = [];
  }

  /** Spec §5.3 non-password regeneration: new candidates, every checklist rebuilt from its remote info, listeners told. */
  #regenerate(ep: EndpointState, reason: LocalInfoChangeReason): void {
    ep.regenerateCandidates();
    for (const cl of [...ep.byUsername.values()]) {
      const keys = [...cl.peerKeys];
      const wasSelected = cl.state.kind === 'selected';
      this.#destroyChecklist(ep, cl);
      if (wasSelected) this.#emitDisconnected(cl, 'restarted');
      this.#createChecklist(ep, cl.remote, { roleRule: cl.roleRule }, keys);
    }
    this.#deps.emit({ type: 'local-info-changed', endpointId: ep.id, info: ep.info(), reason });
  }

  /** Spec §5.2: rotate every ChangePasswordPeriod while the endpoint has checklists; the old one is accepted for passwordGraceMs. */
  #schedulePasswordRotation(ep: EndpointState): void {
    ep.passwordTimer = this.#timers.add(this.#deps.clock.now() + this.config.changePasswordPeriodMs, () => {
      if (this.#endpoints.get(ep.id) !== ep) return;
      if (ep.byPeerKey.size > 0) {
        const now = this.#deps.clock.now();
        ep.oldPasswords.push({ password: ep.password, until: now + this.config.passwordGraceMs });
        ep.password = randomCredential(this.#deps.randomBytes);
        this.#deps.emit({ type: 'local-info-changed', endpointId: ep.id, info: ep.info(), reason: 'password-rotation' });
      }
      this.#schedulePasswordRotation(ep);
    });
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

function isActiveState(s: PairState): boolean {
  return s.kind === 'waiting' || s.kind === 'in-progress';
}

function sameCandidates(a: readonly IceCandidateInfo[], b: readonly IceCandidateInfo[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((c, i) => {
    const d = b[i];
    return d !== undefined && addressEquals(c.address, d.address) && c.foundation === d.foundation && c.priority === d.priority && c.type === d.type;
  });
}

/** Spec §5.12 comparison; `withPassword` false ignores the password. */
function sameInfo(a: IceAgentInfo, b: IceAgentInfo, withPassword: boolean): boolean {
  return a.type === b.type && a.username === b.username && (!withPassword || a.password === b.password) && sameCandidates(a.candidates, b.candidates);
}
