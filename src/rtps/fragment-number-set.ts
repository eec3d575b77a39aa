/**
 * FragmentNumberSet (RTPS 2.5 §8.3.5.7, §9.4.2.8): `FragmentNumber_t bitmapBase; unsigned long
 * numBits; long bitmap[(numBits + 31) / 32]`; fragment numbers start at 1. Same domain form and
 * rationale as `SequenceNumberSet` (sequence-number-set.ts).
 */
import type { ByteReader } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import { checkInt } from '../util/byte-writer.js';
import { bitIsSet, bitmapFromOffsets, forEachBit, readBitmap, writeBitmap } from './sequence-number-set.js';

/** A set of fragment numbers in `[base, base + numBits)`. */
export interface FragmentNumberSet {
  /** bitmapBase, an unsigned 32-bit fragment number. */
  readonly base: number;
  /** Number of meaningful bits, 0..256. */
  readonly numBits: number;
  /** `(numBits + 31) >> 5` words, bit 31 of word 0 = `base`; a fresh array (not a view). */
  readonly bitmap: Uint32Array;
}

/**
 * Reads a FragmentNumberSet in the reader's byte order.
 * @throws DecodeError when numBits exceeds 256 or the bitmap is cut short.
 */
export function readFragmentNumberSet(r: ByteReader, field: string): FragmentNumberSet {
  const base = r.u32(`${field}.bitmapBase`);
  const { numBits, words } = readBitmap(r, field);
  return { base, numBits, bitmap: words };
}

/** Writes a FragmentNumberSet in the writer's byte order. @throws EncodeError for values out of range. */
export function writeFragmentNumberSet(w: ByteWriter, s: FragmentNumberSet): void {
  checkInt('fragmentNumberSet.bitmapBase', s.base, 0, 0xffffffff);
  w.u32(s.base);
  writeBitmap(w, s.numBits, s.bitmap, 'fragmentNumberSet');
}

/** Octets the set takes on the wire. */
export function sizeOfFragmentNumberSet(s: FragmentNumberSet): number {
  return 8 + ((s.numBits + 31) >>> 5) * 4;
}

/** True if fragment `n` is a member. */
export function hasFragmentNumber(s: FragmentNumberSet, n: number): boolean {
  return bitIsSet(s.bitmap, s.numBits, n - s.base);
}

/** Calls `fn` for every member in increasing order; allocates nothing. */
export function forEachFragmentNumber(s: FragmentNumberSet, fn: (n: number) => void): void {
  forEachBit(s.bitmap, s.numBits, (i) => {
    fn(s.base + i);
  });
}

/** The members in increasing order. */
export function fragmentNumberSetMembers(s: FragmentNumberSet): number[] {
  const out: number[] = [];
  forEachFragmentNumber(s, (n) => {
    out.push(n);
  });
  return out;
}

/**
 * The set with the given base and members, using the smallest numBits that holds them.
 * @throws EncodeError when a member is below base or at/after base + 256.
 */
export function fragmentNumberSetFromMembers(base: number, members: Iterable<number>): FragmentNumberSet {
  const { numBits, words } = bitmapFromOffsets(members, base, 'fragmentNumberSet');
  return { base, numBits, bitmap: words };
}
