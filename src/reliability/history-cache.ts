/**
 * The writer's HistoryCache (RTPS 2.5 §8.2.2, §8.4.7): the changes it can still send, in sequence
 * number order, with keep-last replacement per instance. Each change keeps its wire form (built once
 * at write time) so sends and repairs allocate nothing but the transmit.
 */
import type { EncodedChunk, RtpsTime, Submessage } from '../rtps/index.js';
import { decodeEncodedChunk } from '../rtps/index.js';

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
  /**
   * The wire form of the change when it is not fragmented: sent instead of `chunks` (which are
   * then decoded from it on demand), so the history keeps one small object per sample.
   */
  readonly wire?: EncodedChunk;
  /** Octets from the writer's arena, given back when the change leaves the history. */
  readonly octets?: Uint8Array | undefined;
}

/** An unfragmented change kept as its wire form only (see {@link CacheChange.wire}). */
export class WireChange implements CacheChange, EncodedChunk {
  readonly encoded = true;
  readonly totalFragments = 0;
  readonly fragmentsPerChunk = 0;

  constructor(
    readonly sequenceNumber: number,
    readonly instanceKey: string,
    readonly payloadBytes: number,
    readonly timestamp: RtpsTime | undefined,
    /** INFO_TS excluded: the DATA submessage. */
    readonly rest: Uint8Array,
  ) {}

  get wire(): EncodedChunk {
    return this;
  }

  get octets(): Uint8Array {
    return this.rest;
  }

  get chunks(): readonly (readonly Submessage[])[] {
    return [decodeEncodedChunk(this)];
  }
}

/**
 * Keep-all (no depth): SNs are added in order with no holes and only ever removed from the front,
 * so the changes sit in an array indexed by SN (no hash map entry per sample). Keep-last removes
 * from the middle and keeps a Map in SN order plus the SNs of each instance.
 */
export class HistoryCache {
  /** Keep-last: insertion order is sequence number order (SNs only grow), so the first key is the lowest. */
  readonly #changes = new Map<number, CacheChange>();
  /** Keep-last bookkeeping: the SNs of each instance, oldest first. */
  readonly #instances = new Map<string, number[]>();
  /** Keep-all: `#list[#head + i]` holds SN `#firstSN + i`. */
  #list: CacheChange[] = [];
  #head = 0;
  #firstSN = 0;

  /** @param onRemove called for each change that leaves the cache (not at {@link clear}). */
  constructor(
    readonly depth: number | undefined,
    readonly onRemove?: (change: CacheChange) => void,
  ) {}

  get size(): number {
    return this.depth === undefined ? this.#list.length - this.#head : this.#changes.size;
  }

  get(sn: number): CacheChange | undefined {
    if (this.depth !== undefined) return this.#changes.get(sn);
    return sn >= this.#firstSN ? this.#list[this.#head + sn - this.#firstSN] : undefined;
  }

  /** The lowest SN held, or undefined when empty. */
  firstSequenceNumber(): number | undefined {
    if (this.depth === undefined) return this.size > 0 ? this.#firstSN : undefined;
    for (const sn of this.#changes.keys()) return sn;
    return undefined;
  }

  /** True if adding a change of `instanceKey` would replace one instead of growing the cache. */
  replacesOnAdd(instanceKey: string): boolean {
    if (this.depth === undefined) return false;
    return (this.#instances.get(instanceKey)?.length ?? 0) >= this.depth;
  }

  /**
   * Adds a change (its SN above all held; under keep-all, the next after the last one held, or any
   * when empty); under keep-last, removes the instance's oldest beyond depth.
   * @throws RangeError when a keep-all history would get a hole (a bug in the writer).
   */
  add(change: CacheChange): void {
    if (this.depth === undefined) {
      if (this.size === 0) {
        this.#list = [];
        this.#head = 0;
        this.#firstSN = change.sequenceNumber;
      } else if (change.sequenceNumber !== this.#firstSN + this.size) {
        throw new RangeError(`keep-all history: SN ${change.sequenceNumber} after ${this.#firstSN + this.size - 1}`);
      }
      this.#list.push(change);
      return;
    }
    this.#changes.set(change.sequenceNumber, change);
    let sns = this.#instances.get(change.instanceKey);
    if (sns === undefined) {
      sns = [];
      this.#instances.set(change.instanceKey, sns);
    }
    sns.push(change.sequenceNumber);
    while (sns.length > this.depth) {
      const old = sns.shift();
      if (old === undefined) continue;
      const removed = this.#changes.get(old);
      this.#changes.delete(old);
      if (removed !== undefined) this.onRemove?.(removed);
    }
  }

  /** Removes every change with SN ≤ `sn`; returns how many. */
  removeUpTo(sn: number): number {
    if (this.depth === undefined) {
      const n = Math.max(0, Math.min(this.size, sn - this.#firstSN + 1));
      if (n === 0) return 0;
      const onRemove = this.onRemove;
      for (let i = this.#head; i < this.#head + n; i++) {
        const change = this.#list[i];
        if (onRemove !== undefined && change !== undefined) onRemove(change);
        this.#list[i] = RELEASED;
      }
      this.#head += n;
      this.#firstSN += n;
      if (this.#head === this.#list.length) {
        this.#list = [];
        this.#head = 0;
      } else if (this.#head > 4096 && this.#head * 2 > this.#list.length) {
        this.#list = this.#list.slice(this.#head);
        this.#head = 0;
      }
      return n;
    }
    let n = 0;
    for (const [key, change] of this.#changes) {
      if (key > sn) break;
      this.#changes.delete(key);
      this.#forgetInstance(change);
      this.onRemove?.(change);
      n++;
    }
    return n;
  }

  /** Iterates held changes with SN in `[from, to]`, in order. */
  *range(from: number, to: number): Generator<CacheChange> {
    if (this.depth === undefined) {
      const last = Math.min(to, this.#firstSN + this.size - 1);
      for (let sn = Math.max(from, this.#firstSN); sn <= last; sn++) {
        const change = this.#list[this.#head + sn - this.#firstSN];
        if (change !== undefined) yield change;
      }
      return;
    }
    for (const [sn, change] of this.#changes) {
      if (sn > to) return;
      if (sn >= from) yield change;
    }
  }

  clear(): void {
    this.#changes.clear();
    this.#instances.clear();
    this.#list = [];
    this.#head = 0;
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

/** What a released slot of the keep-all array holds (so the change itself can be collected). */
const RELEASED: CacheChange = Object.freeze({
  sequenceNumber: 0, instanceKey: '', chunks: [], totalFragments: 0, fragmentsPerChunk: 0, payloadBytes: 0,
});
