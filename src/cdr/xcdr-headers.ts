/**
 * XCDR framing headers: the XCDR2 DHEADER and EMHEADER (XTypes 1.3 §7.4.3.4.2, §7.4.3.5) and the
 * XCDR1 parameter-list member header used by PL_CDR (XTypes 1.3 §7.4.1.2.2, RTPS 2.5 §9.4.2.11).
 */
import { CdrReader } from './cdr-reader.js';
import type { CdrWriter } from './cdr-writer.js';

/** XCDR1 PL_CDR reserved PIDs (XTypes 1.3 §7.4.1.2.2 Table 34). */
export const PID_EXTENDED = 0x3f01;
export const PID_SENTINEL = 0x3f02;
const PID_FLAG_IMPL_EXTENSION = 0x8000;
const PID_FLAG_MUST_UNDERSTAND = 0x4000;
const PID_ID_MASK = 0x3fff;
/** Largest member id a short PL_CDR header carries; larger ids use PID_EXTENDED. */
const PID_SHORT_MAX_ID = 0x3f00;

/** EMHEADER M_FLAG (XTypes 1.3 §7.4.3.4.2). */
const EM_FLAG_MUST_UNDERSTAND = 0x8000_0000;
const EM_ID_MASK = 0x0fff_ffff;

/** Writes a DHEADER placeholder (aligned uint32) and returns its offset for {@link endDHeader}. */
export function beginDHeader(w: CdrWriter): number {
  w.cdrAlign(4);
  const at = w.offset;
  w.u32(0);
  return at;
}

/** Patches the DHEADER at `at` with the byte size serialized after it. */
export function endDHeader(w: CdrWriter, at: number): void {
  w.view.setUint32(at, w.offset - at - 4, w.littleEndian);
}

/**
 * Reads a DHEADER and returns a reader bounded to the object it delimits (same alignment origin),
 * positioned at its first byte, and the offset where the object ends in `r`.
 * @throws DecodeError when the size runs past the input.
 */
export function readDHeader(r: CdrReader, field: string): { readonly sub: CdrReader; readonly end: number } {
  const size = r.au32(`${field}.dheader`);
  if (size > r.remaining) r.fail(`${field}.dheader`, `object of ${size} bytes but only ${r.remaining} left`);
  return bounded(r, r.offset + size);
}

/** A reader over `r.bytes[0, end)` with `r`'s origin and position: alignment is unchanged (XCDR2 never resets it). */
export function bounded(r: CdrReader, end: number): { readonly sub: CdrReader; readonly end: number } {
  const sub = new CdrReader(r.bytes.subarray(0, end), r.context, r.rules, r.baseOffset, r.origin);
  sub.offset = r.offset;
  return { sub, end };
}

/**
 * Writes an EMHEADER for member `id`. A fixed-size primitive member of 1, 2, 4 or 8 bytes gets length
 * code 0-3; anything else LC 4 with a NEXTINT placeholder whose offset is returned (else -1) for
 * {@link endEmHeader}.
 */
export function beginEmHeader(w: CdrWriter, id: number, mustUnderstand: boolean, fixedSize: number | undefined): number {
  const flag = mustUnderstand ? EM_FLAG_MUST_UNDERSTAND : 0;
  const lc = fixedSize === 1 ? 0 : fixedSize === 2 ? 1 : fixedSize === 4 ? 2 : fixedSize === 8 ? 3 : 4;
  w.au32((flag | (lc << 28) | (id & EM_ID_MASK)) >>> 0);
  if (lc < 4) return -1;
  const at = w.offset;
  w.u32(0);
  return at;
}

/** Patches the NEXTINT written by {@link beginEmHeader} with the member's byte size. */
export function endEmHeader(w: CdrWriter, at: number): void {
  if (at >= 0) w.view.setUint32(at, w.offset - at - 4, w.littleEndian);
}

export interface MemberHeader {
  readonly id: number;
  readonly mustUnderstand: boolean;
  /** Offset in the reader's bytes where the member's serialization starts. */
  readonly start: number;
  /** Offset where it ends. */
  readonly end: number;
}

const LC_FIXED_SIZES = [1, 2, 4, 8] as const;

/**
 * Reads an EMHEADER (and NEXTINT). For LC 5-7 the NEXTINT is also the member's own first uint32
 * (its DHEADER or length), so `start` points at it (XTypes 1.3 §7.4.3.4.2 Table 37).
 * @throws DecodeError when the member runs past the input.
 */
export function readEmHeader(r: CdrReader, field: string): MemberHeader {
  const h = r.au32(`${field}.emheader`);
  const lc = (h >>> 28) & 7;
  const id = h & EM_ID_MASK;
  const mustUnderstand = (h & EM_FLAG_MUST_UNDERSTAND) !== 0;
  let start = r.offset;
  let size: number;
  const fixed = LC_FIXED_SIZES[lc];
  if (fixed !== undefined) size = fixed;
  else {
    const next = r.u32(`${field}.nextint`);
    if (lc === 4) { size = next; start = r.offset; }
    else size = 4 + next * (lc === 5 ? 1 : lc === 6 ? 4 : 8);
  }
  const end = start + size;
  if (end > r.bytes.length) r.fail(`${field}.emheader`, `member of ${size} bytes runs past the end`);
  return { id, mustUnderstand, start, end };
}

/** Writes a PL_CDR member header with a zero length and returns the offset of the length for {@link endPlHeader}. */
export function beginPlHeader(w: CdrWriter, id: number, mustUnderstand: boolean): { readonly at: number; readonly isExtended: boolean } {
  w.cdrAlign(4);
  const mu = mustUnderstand ? PID_FLAG_MUST_UNDERSTAND : 0;
  if (id <= PID_SHORT_MAX_ID) {
    w.u16(mu | id);
    const at = w.offset;
    w.u16(0);
    return { at, isExtended: false };
  }
  w.u16(mu | PID_EXTENDED).u16(8).u32(id);
  const at = w.offset;
  w.u32(0);
  return { at, isExtended: true };
}

/** Pads the member value to 4 and patches its length (RTPS 2.5 §9.4.2.11: lengths are multiples of 4). */
export function endPlHeader(w: CdrWriter, h: { readonly at: number; readonly isExtended: boolean }): void {
  const valueStart = h.at + (h.isExtended ? 4 : 2);
  w.zeros((4 - ((w.offset - valueStart) % 4)) % 4);
  const size = w.offset - valueStart;
  if (h.isExtended) w.view.setUint32(h.at, size, w.littleEndian);
  else w.view.setUint16(h.at, size, w.littleEndian);
}

/** Writes the PL_CDR sentinel that ends a mutable struct. */
export function writePlSentinel(w: CdrWriter): void {
  w.cdrAlign(4);
  w.u16(PID_SENTINEL).u16(0);
}

/**
 * Reads a PL_CDR member header, or `undefined` at PID_SENTINEL. Implementation-specific PIDs (flag
 * 0x8000) come back with `id` -1 so the caller skips them.
 * @throws DecodeError when the member runs past the input.
 */
export function readPlHeader(r: CdrReader, field: string): MemberHeader | undefined {
  const raw = r.au16(`${field}.pid`);
  let len = r.u16(`${field}.length`);
  const pid = raw & PID_ID_MASK;
  if (pid === PID_SENTINEL) return undefined;
  let id = (raw & PID_FLAG_IMPL_EXTENSION) !== 0 ? -1 : pid;
  const mustUnderstand = (raw & PID_FLAG_MUST_UNDERSTAND) !== 0;
  if (pid === PID_EXTENDED) {
    if (len !== 8) r.fail(`${field}.length`, `PID_EXTENDED with length ${len}, expected 8`);
    id = r.u32(`${field}.extendedId`) & 0x0fff_ffff;
    len = r.u32(`${field}.extendedLength`);
  }
  const start = r.offset;
  if (len > r.remaining) r.fail(`${field}.length`, `member of ${len} bytes but only ${r.remaining} left`);
  return { id, mustUnderstand, start, end: start + len };
}
