/**
 * ParameterList framing (RTPS 2.5 §9.4.2.11; XTypes PL_CDR): a run of `{uint16 pid; uint16 length;
 * octet value[length]}` ending at PID_SENTINEL. Values start 4-aligned and `length` includes the
 * padding. This module only frames; what each PID means lives in the PID codecs.
 */
import type { ByteReader } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import { EncodeError } from '../util/errors.js';

export const PID_PAD = 0x0000; // RTPS 2.5 Table 9.13
export const PID_SENTINEL = 0x0001; // RTPS 2.5 Table 9.13
/** XTypes 1.3 §7.4.1.2.1: `PID_EXTENDED` with a 32-bit id and length follows. */
export const PID_EXTENDED = 0x3f01;
/** XTypes 1.3 §7.4.1.2.1: ids with this flag must be understood or the sample rejected. */
export const PID_MUST_UNDERSTAND_FLAG = 0x4000;
/** RTPS 2.5 §9.6.2.2.1: ids with this flag are vendor-specific. */
export const PID_VENDOR_SPECIFIC_FLAG = 0x8000;

export interface RawParameter {
  /** The parameter id (the 32-bit id of a PID_EXTENDED parameter, else the 16-bit one, flags included). */
  readonly pid: number;
  /** The value bytes (padding included); a view into the input. */
  readonly value: Uint8Array;
  /** Absolute offset of `value` in the decoder's input, for error messages. */
  readonly offset: number;
}

/**
 * Reads parameters until PID_SENTINEL; PID_PAD entries are skipped.
 * @throws DecodeError when a length runs past the input or the sentinel is missing.
 */
export function readParameterList(r: ByteReader, field: string): RawParameter[] {
  const out: RawParameter[] = [];
  for (;;) {
    // Field paths (`inlineQos[2].length`) are built only when a read is about to fail: this runs
    // for every DATA's inline QoS, and a path string per parameter was most of its cost.
    const isShort = r.remaining < 4;
    let pid = r.u16(isShort ? `${field}[${out.length}].parameterId` : field);
    let length = r.u16(isShort ? `${field}[${out.length}].length` : field);
    if (pid === PID_SENTINEL) return out;
    if (pid === PID_EXTENDED) {
      const at = `${field}[${out.length}]`;
      if (length !== 8) r.fail(`${at}.length`, `PID_EXTENDED must have length 8, has ${length}`);
      pid = r.u32(`${at}.extendedId`);
      length = r.u32(`${at}.extendedLength`);
    }
    const offset = r.absoluteOffset;
    const value = r.bytesView(length, r.remaining < length ? `${field}[${out.length}].value(pid 0x${pid.toString(16)})` : field);
    if (pid !== PID_PAD) out.push({ pid, value, offset });
  }
}

/**
 * Writes one parameter: header, value, zero padding to 4 (counted in `length`). `writeValue`
 * writes the value at the writer's current offset, which is 4-aligned.
 * @throws EncodeError when the value exceeds 65535 bytes.
 */
export function writeParameter(w: ByteWriter, pid: number, writeValue: (w: ByteWriter) => void): void {
  const start = w.offset;
  w.u16(pid).u16(0);
  writeValue(w);
  w.align(4, start);
  const length = w.offset - start - 4;
  if (length > 0xffff) throw new EncodeError(`parameter 0x${pid.toString(16)}`, `value of ${length} bytes exceeds 65535`);
  w.view.setUint16(start + 2, length, w.littleEndian);
}

/** Writes PID_SENTINEL with length 0. */
export function writeSentinel(w: ByteWriter): void {
  w.u16(PID_SENTINEL).u16(0);
}
