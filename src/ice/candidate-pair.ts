/**
 * A candidate pair and its state (RFC 8445 §6.1.2.6; spec §5.6 states frozen/waiting/in_progress/
 * succeeded/failed), as a discriminated union that carries only each state's data (STYLE.md rule 10).
 */
import { formatAddress } from '../util/address.js';
import { prepareAttribute, Priority, type EncodableAttribute } from '../stun/index.js';
import type { Timer } from './timer-queue.js';
import { candidatePriority, pairPriority } from './priority.js';
import type { IceCandidateInfo, LocalCandidate } from './types.js';

/** Why a pair failed. */
export type PairFailureReason =
  | 'timeout' // RFC 8445 §7.2.5.2.2 / RFC 5389 §7.2.1: no response after the last retransmission
  | 'error-response' // 400 or 420 (spec §5.7)
  | 'non-symmetric' // RFC 8445 §7.2.5.2.1
  | 'bad-response' // verified response without a mapped address or with unknown required attributes
  | 'superseded'; // another pair was nominated (RFC 8445 §8.1.2)

export type PairState =
  | { readonly kind: 'frozen' }
  | { readonly kind: 'waiting' }
  | { readonly kind: 'in-progress'; readonly transaction: CheckTransaction }
  | { readonly kind: 'succeeded'; readonly rttMs: number; readonly validLocal: LocalCandidate }
  | { readonly kind: 'failed'; readonly reason: PairFailureReason };

/** What a check transaction is for. */
export type TransactionPurpose = 'check' | 'nomination' | 'consent';

/** One outstanding Binding request of a pair (RFC 5389 §7.2.1 retransmission state). */
export interface CheckTransaction {
  readonly id: Uint8Array;
  readonly key: string;
  readonly purpose: TransactionPurpose;
  readonly pair: CandidatePair;
  /** Remote password the request was keyed with; its response is verified with it (spec §5.7 step 5). */
  password: string;
  readonly useCandidate: boolean;
  readonly firstSentAt: number;
  /** Time of the latest transmission; the RTT of a success is measured from it. */
  lastSentAt: number;
  transmissions: number;
  rtoMs: number;
  /** Largest RTO of this transaction (see `rtoCap` in rto.ts). */
  readonly maxRtoMs: number;
  /** RFC 8445 §7.3.1.4: not retransmitted any more, a late response still counts. */
  cancelled: boolean;
  timer: Timer | undefined;
}

let nextPairId = 1;

export class CandidatePair {
  readonly id = nextPairId++;
  readonly foundation: string;
  state: PairState = { kind: 'frozen' };
  priority: bigint;
  /** The PRIORITY attribute value: peer-reflexive priority of the local address family (spec §5.4). */
  readonly prflxPriority: number;
  readonly priorityAttr: EncodableAttribute;
  /** Set when the remote sent USE-CANDIDATE for this pair (RFC 8445 §7.3.1.5). */
  useCandidateReceived = false;
  /** In the agent's triggered queue. */
  triggered = false;
  /** When its first check went out, for the nomination wait. */
  firstSentAt: number | undefined;

  constructor(readonly local: LocalCandidate, readonly remote: IceCandidateInfo, controlling: boolean) {
    this.foundation = `${local.foundation}|${remote.foundation}`;
    this.priority = CandidatePair.computePriority(local, remote, controlling);
    this.prflxPriority = candidatePriority('peer-reflexive', local.address);
    this.priorityAttr = prepareAttribute(Priority, this.prflxPriority);
  }

  static computePriority(local: IceCandidateInfo, remote: IceCandidateInfo, controlling: boolean): bigint {
    return controlling ? pairPriority(local.priority, remote.priority) : pairPriority(remote.priority, local.priority);
  }

  /** `local base -> remote` for logs. */
  toString(): string {
    return `${formatAddress(this.local.base)}->${formatAddress(this.remote.address)}`;
  }
}

/** Sort order of a checklist: priority descending (RFC 8445 §6.1.2.3), then creation order. */
export function comparePairs(a: CandidatePair, b: CandidatePair): number {
  if (a.priority !== b.priority) return a.priority > b.priority ? -1 : 1;
  return a.id - b.id;
}
