/**
 * One checklist per remote agent per endpoint, shared by every peer key whose remote advertises that
 * username (spec/opendds-ice-and-rtpsrelay.md §4, §5.6). Holds pairs, role, prepared attributes and
 * the nomination/selection state; the agent drives it.
 */
import { addressEquals, isLinkLocal, type TransportAddress } from '../util/address.js';
import { IceControlled, IceControlling, prepareAttribute, Username, type EncodableAttribute } from '../stun/index.js';
import { CandidatePair, comparePairs, type CheckTransaction } from './candidate-pair.js';
import { RttEstimator } from './rto.js';
import type { Timer } from './timer-queue.js';
import type { IceAgentInfo, IceCandidateInfo, IceFailureReason, LocalCandidate, RoleRule } from './types.js';

export type Role = 'controlling' | 'controlled';

/** Selected-pair bookkeeping (spec §5.10, §5.11; RFC 7675). Mutable: liveness moves. */
export interface Selection {
  readonly pair: CandidatePair;
  readonly validLocal: LocalCandidate;
  /** `nominated_is_live` (spec §5.11) and RFC 7675 consent combined: selectedAddress() answers only while true. */
  live: boolean;
  lastIndicationAt: number;
  lastConsentAt: number;
}

export type ChecklistState =
  | { readonly kind: 'running' }
  | { readonly kind: 'selected'; readonly selection: Selection }
  | { readonly kind: 'failed'; readonly reason: IceFailureReason };

/** The controlling side's nomination in flight (regular nomination, RFC 8445 §8.1.1). */
export interface Nomination {
  readonly pair: CandidatePair;
  attempts: number;
  transaction: CheckTransaction | undefined;
}

export class Checklist {
  remote: IceAgentInfo;
  readonly remoteUsername: string;
  /** Remote candidates: advertised ones, then peer-reflexive ones learned from requests. */
  readonly remoteCandidates: IceCandidateInfo[];
  readonly peerKeys = new Set<string>();
  readonly roleRule: RoleRule;
  role: Role;
  pairs: CandidatePair[];
  /** `remote:local` (spec §5.7 item 4), prepared once. */
  usernameAttr: EncodableAttribute;
  roleAttr: EncodableAttribute;
  state: ChecklistState = { kind: 'running' };
  nomination: Nomination | undefined;
  inRoundRobin = false;
  /** A check went out: the failure bound runs from then (see the agent's `armTtl`). */
  hasSentCheck = false;
  /** Round trips measured on this checklist's checks (RFC 6298), for the RTO of later transactions. */
  readonly rtt = new RttEstimator();
  destroyed = false;
  /**
   * Active foundations of this checklist: pairs in waiting or in-progress, counted by pair foundation.
   * Scoped to the checklist — one ICE session (one local, one remote username), the scope of RFC 8445
   * §6.1.2.6 — not agent-wide as OpenDDS does (spec §5.6): see docs/ice.md "Freezing".
   */
  readonly activeFoundations = new Map<string, number>();
  /** Outstanding transactions of this checklist, by transaction key. */
  readonly transactions = new Map<string, CheckTransaction>();
  readonly timers: {
    nomination?: Timer | undefined; ttl?: Timer | undefined; liveness?: Timer | undefined;
    consentExpiry?: Timer | undefined; keepalive?: Timer | undefined; consent?: Timer | undefined;
  } = {};

  constructor(
    readonly endpointId: string,
    localUsername: string,
    readonly tieBreaker: bigint,
    remote: IceAgentInfo,
    localCandidates: readonly LocalCandidate[],
    roleRule: RoleRule,
    role: Role,
  ) {
    this.remote = remote;
    this.remoteUsername = remote.username;
    this.remoteCandidates = [...remote.candidates];
    this.roleRule = roleRule;
    this.role = role;
    this.usernameAttr = prepareAttribute(Username, `${remote.username}:${localUsername}`);
    this.roleAttr = this.#prepareRole();
    this.pairs = formPairs(localCandidates, remote.candidates, role === 'controlling');
  }

  #prepareRole(): EncodableAttribute {
    return prepareAttribute(this.role === 'controlling' ? IceControlling : IceControlled, this.tieBreaker);
  }

  /** Flips the role (RFC 8445 §7.3.1.1, §7.2.5.1): new role attribute, pair priorities recomputed and re-sorted. */
  switchRole(): void {
    this.role = this.role === 'controlling' ? 'controlled' : 'controlling';
    this.roleAttr = this.#prepareRole();
    for (const p of this.pairs) p.priority = CandidatePair.computePriority(p.local, p.remote, this.role === 'controlling');
    this.pairs.sort(comparePairs);
  }

  /** The pair from local base `base` to remote address `remote`, if any. */
  findPair(base: TransportAddress, remote: TransportAddress): CandidatePair | undefined {
    return this.pairs.find((p) => addressEquals(p.local.base, base) && addressEquals(p.remote.address, remote));
  }

  /** Inserts a pair learned from a triggered check (RFC 8445 §7.3.1.4), keeping priority order. */
  addPair(local: LocalCandidate, remote: IceCandidateInfo): CandidatePair {
    const p = new CandidatePair(local, remote, this.role === 'controlling');
    this.pairs.push(p);
    this.pairs.sort(comparePairs);
    return p;
  }

  /** The highest-priority waiting pair not already in the triggered queue. */
  nextWaiting(): CandidatePair | undefined {
    return this.pairs.find((p) => p.state.kind === 'waiting' && !p.triggered);
  }

  get peerKeyList(): readonly string[] {
    return [...this.peerKeys];
  }
}

/**
 * Every local × remote candidate of the same family, link-local only with link-local (spec §5.6),
 * sorted by pair priority descending; then a later pair with the same local base and remote
 * address as an earlier one is dropped (RFC 8445 §6.1.2.4: srflx-local pairs give way to their host base).
 */
export function formPairs(locals: readonly LocalCandidate[], remotes: readonly IceCandidateInfo[], controlling: boolean): CandidatePair[] {
  const all: CandidatePair[] = [];
  for (const l of locals) {
    for (const r of remotes) {
      if (l.address.family !== r.address.family) continue;
      if (isLinkLocal(l.base) !== isLinkLocal(r.address)) continue;
      if (r.type === 'relayed' && r.address.port === 0) continue;
      all.push(new CandidatePair(l, r, controlling));
    }
  }
  all.sort(comparePairs);
  const kept: CandidatePair[] = [];
  for (const p of all) {
    if (kept.some((k) => addressEquals(k.local.base, p.local.base) && addressEquals(k.remote.address, p.remote.address))) continue;
    kept.push(p);
  }
  return kept;
}
