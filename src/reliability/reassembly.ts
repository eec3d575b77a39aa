/**
 * Reassembly of one fragmented sample (RTPS 2.5 §8.4.14.1.2): a buffer of `sampleSize` octets and
 * one flag per fragment. The caller bounds `sampleSize` before constructing one.
 */
import type { FragmentNumberSet, InlineQosParameter, RtpsTime } from '../rtps/index.js';
import { MAX_SET_BITS } from '../rtps/index.js';
import { BufferPool } from '../util/buffer-pool.js';

/**
 * Reassembly buffers, reused once their sample is delivered: a 64 KB sample's buffer used to be
 * fresh, zero-filled off-heap memory per sample (bench/dataplane). Every octet is written by a
 * fragment before a sample is complete, so a reused buffer never shows old octets.
 */
const buffers = new BufferPool(1 << 20, 8);

export class Reassembly {
  readonly data: Uint8Array;
  /** The pooled buffer `data` views; undefined once given back. */
  #storage: Uint8Array | undefined;
  readonly #received: Uint8Array;
  readonly totalFragments: number;
  #receivedCount = 0;
  inlineQos: readonly InlineQosParameter[] | undefined;
  sourceTimestamp: RtpsTime | undefined;

  constructor(
    readonly sampleSize: number,
    readonly fragmentSize: number,
    readonly isKey: boolean,
  ) {
    this.totalFragments = Math.ceil(sampleSize / fragmentSize);
    this.#storage = buffers.take(sampleSize);
    this.data = this.#storage.subarray(0, sampleSize);
    this.#received = new Uint8Array(this.totalFragments);
  }

  /**
   * Gives the buffer back for reuse: only once nothing reads `data` any more (a lent sample after
   * its delivery returned). Idempotent.
   */
  recycle(): void {
    if (this.#storage !== undefined) buffers.give(this.#storage);
    this.#storage = undefined;
  }

  /** Octets this reassembly holds (buffer and flags), for the reader's memory bound. */
  get footprint(): number {
    return this.sampleSize + this.totalFragments;
  }

  get isComplete(): boolean {
    return this.#receivedCount === this.totalFragments;
  }

  /**
   * Copies fragments `[start, start + count)` in; `bytes` must hold exactly their octets (the
   * caller checked it with `fragmentsByteLength`). Returns how many were new.
   */
  add(start: number, count: number, bytes: Uint8Array): number {
    let fresh = 0;
    for (let f = start; f < start + count; f++) {
      if (this.#received[f - 1] === 0) {
        this.#received[f - 1] = 1;
        fresh++;
      }
    }
    if (fresh > 0) this.data.set(bytes, (start - 1) * this.fragmentSize);
    this.#receivedCount += fresh;
    return fresh;
  }

  /** The missing fragments as a NACK_FRAG set (base = first missing, up to 256), or undefined if none. */
  missing(): FragmentNumberSet | undefined {
    let base = 0;
    for (let i = 0; i < this.totalFragments; i++) {
      if (this.#received[i] === 0) {
        base = i + 1;
        break;
      }
    }
    if (base === 0) return undefined;
    const words = new Uint32Array(MAX_SET_BITS / 32);
    let numBits = 0;
    const end = Math.min(this.totalFragments, base - 1 + MAX_SET_BITS);
    for (let i = base - 1; i < end; i++) {
      if (this.#received[i] !== 0) continue;
      const b = i - (base - 1);
      words[b >>> 5] = ((words[b >>> 5] ?? 0) | (0x80000000 >>> (b & 31))) >>> 0;
      numBits = b + 1;
    }
    return { base, numBits, bitmap: words.slice(0, (numBits + 31) >>> 5) };
  }
}
