/**
 * Time_t and Duration_t (RTPS 2.5 §9.3.2): `long seconds; unsigned long fraction` (fraction in
 * 1/2^32 s). OpenDDS and Cyclone write Duration_t the same way (fraction, not nanoseconds).
 */
import type { ByteReader } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';

export interface RtpsTime {
  readonly seconds: number;
  readonly fraction: number;
}

export const TIME_ZERO: RtpsTime = Object.freeze({ seconds: 0, fraction: 0 });
export const TIME_INVALID: RtpsTime = Object.freeze({ seconds: -1, fraction: 0xffffffff });
export const TIME_INFINITE: RtpsTime = Object.freeze({ seconds: 0x7fffffff, fraction: 0xfffffffe });
/** DURATION_INFINITE as DDS writes it ({0x7fffffff, 0xffffffff}). */
export const DURATION_INFINITE: RtpsTime = Object.freeze({ seconds: 0x7fffffff, fraction: 0xffffffff });

export function readTime(r: ByteReader, field: string): RtpsTime {
  // The field paths are built only on the failing path (every INFO_TS reads one).
  const isShort = r.remaining < 8;
  const seconds = r.i32(isShort ? `${field}.seconds` : field);
  return { seconds, fraction: r.u32(isShort ? `${field}.fraction` : field) };
}

export function writeTime(w: ByteWriter, t: RtpsTime): void {
  w.i32(t.seconds).u32(t.fraction);
}

/** Milliseconds of a duration; Infinity for DURATION_INFINITE / TIME_INFINITE. */
export function durationToMs(t: RtpsTime): number {
  if (t.seconds === 0x7fffffff) return Number.POSITIVE_INFINITY;
  return t.seconds * 1000 + (t.fraction / 0x1_0000_0000) * 1000;
}

/** The duration of `ms` milliseconds (Infinity maps to DURATION_INFINITE). */
export function durationFromMs(ms: number): RtpsTime {
  if (!Number.isFinite(ms)) return DURATION_INFINITE;
  const seconds = Math.floor(ms / 1000);
  return { seconds, fraction: Math.round(((ms - seconds * 1000) / 1000) * 0x1_0000_0000) >>> 0 };
}

/** An RTPS timestamp from Unix epoch milliseconds. */
export function timeFromUnixMs(ms: number): RtpsTime {
  return durationFromMs(ms);
}

export function timeToUnixMs(t: RtpsTime): number {
  return t.seconds * 1000 + (t.fraction / 0x1_0000_0000) * 1000;
}
