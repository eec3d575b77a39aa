/**
 * The writer's HistoryCache (RTPS 2.5 §8.2.2, §8.4.7): the changes it can still send, in sequence
 * number order, with keep-last replacement per instance. Each change keeps its wire form (built once
 * at write time) so sends and repairs allocate nothing but the transmit.
 */
import type { Submessage } from '../rtps/index.js';

/** One change: its sequence number and the submessages that carry it, one array per datagram. */
export interface CacheChange {
  readonly sequenceNumber: number;
  /** Instance for keep-last ('' for a keyless topic). */
  readonly instanceKey: string;
  /** `[INFO_TS, DATA]`, or one `[INFO_TS, DATA_FRAG]` per datagram of a fragmented sample. */
  readonly chunks: readonly (readonly Submessage[])[];
  /** Fragments of the sample (0 when sent as DATA). */
  readonly totalFragments: number;
  /** Fragments per DATA_FRAG (chunk `i` carries fragments `i * n + 1 …`). */
  readonly fragmentsPerChunk: number;
  /** Serialized payload octets (flow control and repair budgets). */
  readonly payloadBytes: number;
}

export class HistoryCache {
  /** Insertion order is sequence number order (SNs only grow), so the first key is the lowest. */
  readonly #changes = new Map<number, CacheChange>();
  /** Keep-last bookkeeping: the SNs of each instance, oldest first. */
  readonly #instances = new Map<string, number[]>();

  constructor(readonly depth: number | undefined) {}

  get size(): number {
    return this.#changes.size;
  }

  get(sn: number): CacheChange | undefined {
    return this.#changes.get(sn);
  }

  /** The lowest SN held, or undefined when empty. */
  firstSequenceNumber(): number | undefined {
    for (const sn of this.#changes.keys()) return sn;
    return undefined;
  }

  /** True if adding a change of `instanceKey` would replace one instead of growing the cache. */
  replacesOnAdd(instanceKey: string): boolean {
    if (this.depth === undefined) return false;
    return (this.#instances.get(instanceKey)?.length ?? 0) >= this.depth;
  }

  /** Adds a change (its SN above all held); under keep-last, removes the instance's oldest beyond depth. */
  add(change: CacheChange): void {
    this.#changes.set(change.sequenceNumber, change);
    if (this.depth === undefined) return;
    let sns = this.#instances.get(change.instanceKey);
    if (sns === undefined) {
      sns = [];
      this.#instances.set(change.instanceKey, sns);
    }
    sns.push(change.sequenceNumber);
    while (sns.length > this.depth) {
      const old = sns.shift();
      if (old !== undefined) this.#changes.delete(old);
    }
  }

  /** Removes every change with SN ≤ `sn`; returns how many. */
  removeUpTo(sn: number): number {
    let n = 0;
    for (const [key, change] of this.#changes) {
      if (key > sn) break;
      this.#changes.delete(key);
      this.#forgetInstance(change);
      n++;
    }
    return n;
  }

  /** Iterates held changes with SN in `[from, to]`, in order. */
  *range(from: number, to: number): Generator<CacheChange> {
    for (const [sn, change] of this.#changes) {
      if (sn > to) return;
      if (sn >= from) yield change;
    }
  }

  clear(): void {
    this.#changes.clear();
    this.#instances.clear();
  }

  #forgetInstance(change: CacheChange): void {
    if (this.depth === undefined) return;
    const sns = this.#instances.get(change.instanceKey);
    if (sns === undefined) return;
    const i = sns.indexOf(change.sequenceNumber);
    if (i >= 0) sns.splice(i, 1);
    if (sns.length === 0) this.#instances.delete(change.instanceKey);
  }
}
