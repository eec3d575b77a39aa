/**
 * SequenceNumberSet (RTPS 2.5 §8.3.5.5, §9.4.2.6): `SequenceNumber_t bitmapBase; unsigned long
 * numBits; long bitmap[(numBits + 31) / 32]`. Bit `i` (MSB first in each long) stands for
 * `bitmapBase + i`.
 *
 * Domain form: base, numBits and the bitmap words. A reliable writer answering an ACKNACK needs
 * "everything below base is acknowledged" plus an ordered walk over the requested numbers, which
 * {@link forEachSequenceNumber} gives without allocating; keeping `numBits` as sent also makes
 * re-encoding byte-exact. {@link sequenceNumberSetMembers} gives the sorted member array when wanted.
 */
import type { ByteReader } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import { EncodeError } from '../util/errors.js';
import { readSequenceNumber, writeSequenceNumber } from './sequence-number.js';

/** Largest numBits a set may carry (RTPS 2.5 §9.4.2.6). */
export const MAX_SET_BITS = 256;

/** A set of sequence numbers in `[base, base + numBits)`. */
export interface SequenceNumberSet {
  /** bitmapBase: the first sequence number the bitmap can name. */
  readonly base: number;
  /** Number of meaningful bits, 0..256. */
  readonly numBits: number;
  /** `(numBits + 31) >> 5` words, bit 31 of word 0 = `base`; a fresh array (not a view). */
  readonly bitmap: Uint32Array;
}

/**
 * Reads a SequenceNumberSet in the reader's byte order.
 * @throws DecodeError when numBits exceeds 256 or the bitmap is cut short.
 */
export function readSequenceNumberSet(r: ByteReader, field: string): SequenceNumberSet {
  const base = readSequenceNumber(r, `${field}.bitmapBase`);
  const bitmap = readBitmap(r, field);
  return { base, numBits: bitmap.numBits, bitmap: bitmap.words };
}

/** Reads `numBits` and the bitmap words (shared with FragmentNumberSet). @throws DecodeError */
export function readBitmap(r: ByteReader, field: string): { numBits: number; words: Uint32Array } {
  const numBits = r.u32(`${field}.numBits`);
  if (numBits > MAX_SET_BITS) r.fail(`${field}.numBits`, `${numBits} exceeds ${MAX_SET_BITS}`);
  const n = (numBits + 31) >>> 5;
  r.need(n * 4, `${field}.bitmap`);
  const words = new Uint32Array(n);
  for (let i = 0; i < n; i++) words[i] = r.u32(`${field}.bitmap[${i}]`);
  return { numBits, words };
}

/** Writes numBits and the words a set of that size needs (shared with FragmentNumberSet). @throws EncodeError */
export function writeBitmap(w: ByteWriter, numBits: number, words: Uint32Array, field: string): void {
  if (!Number.isInteger(numBits) || numBits < 0 || numBits > MAX_SET_BITS) {
    throw new EncodeError(`${field}.numBits`, `${numBits} is not in [0, ${MAX_SET_BITS}]`);
  }
  const n = (numBits + 31) >>> 5;
  if (words.length < n) throw new EncodeError(`${field}.bitmap`, `${n} words needed, ${words.length} given`);
  w.u32(numBits);
  for (let i = 0; i < n; i++) w.u32(words[i] ?? 0);
}

/** Writes a SequenceNumberSet in the writer's byte order. @throws EncodeError for numBits out of range. */
export function writeSequenceNumberSet(w: ByteWriter, s: SequenceNumberSet): void {
  writeSequenceNumber(w, s.base);
  writeBitmap(w, s.numBits, s.bitmap, 'sequenceNumberSet');
}

/** Octets the set takes on the wire. */
export function sizeOfSequenceNumberSet(s: SequenceNumberSet): number {
  return 12 + ((s.numBits + 31) >>> 5) * 4;
}

/** True if `sn` is a member. */
export function hasSequenceNumber(s: SequenceNumberSet, sn: number): boolean {
  return bitIsSet(s.bitmap, s.numBits, sn - s.base);
}

/** Calls `fn` for every member in increasing order; allocates nothing. */
export function forEachSequenceNumber(s: SequenceNumberSet, fn: (sn: number) => void): void {
  forEachBit(s.bitmap, s.numBits, (i) => {
    fn(s.base + i);
  });
}

/** The members in increasing order. */
export function sequenceNumberSetMembers(s: SequenceNumberSet): number[] {
  const out: number[] = [];
  forEachSequenceNumber(s, (sn) => {
    out.push(sn);
  });
  return out;
}

/**
 * The set with the given base and members, using the smallest numBits that holds them (0 when
 * empty, as for a pure acknowledgement).
 * @throws EncodeError when a member is below base or at/after base + 256.
 */
export function sequenceNumberSetFromMembers(base: number, members: Iterable<number>): SequenceNumberSet {
  const { numBits, words } = bitmapFromOffsets(members, base, 'sequenceNumberSet');
  return { base, numBits, bitmap: words };
}

/** @internal Shared with FragmentNumberSet. */
export function bitIsSet(words: Uint32Array, numBits: number, i: number): boolean {
  if (!Number.isInteger(i) || i < 0 || i >= numBits) return false;
  return (((words[i >>> 5] ?? 0) >>> (31 - (i & 31))) & 1) === 1;
}

/** @internal Shared with FragmentNumberSet. */
export function forEachBit(words: Uint32Array, numBits: number, fn: (i: number) => void): void {
  for (let w = 0; w < words.length; w++) {
    let word = words[w] ?? 0;
    while (word !== 0) {
      const bit = Math.clz32(word);
      const i = (w << 5) + bit;
      if (i >= numBits) return;
      fn(i);
      word = (word & ~(0x80000000 >>> bit)) >>> 0;
    }
  }
}

/** @internal Shared with FragmentNumberSet. @throws EncodeError */
export function bitmapFromOffsets(members: Iterable<number>, base: number, field: string): { numBits: number; words: Uint32Array } {
  const words = new Uint32Array(MAX_SET_BITS / 32);
  let numBits = 0;
  for (const m of members) {
    const i = m - base;
    if (!Number.isInteger(i) || i < 0 || i >= MAX_SET_BITS) {
      throw new EncodeError(field, `member ${m} is outside [${base}, ${base + MAX_SET_BITS})`);
    }
    words[i >>> 5] = ((words[i >>> 5] ?? 0) | (0x80000000 >>> (i & 31))) >>> 0;
    if (i + 1 > numBits) numBits = i + 1;
  }
  return { numBits, words: words.slice(0, (numBits + 31) >>> 5) };
}
