/**
 * Inline QoS of DATA and DATA_FRAG (RTPS 2.5 §9.4.5.3, §8.7.2.1): a ParameterList in the
 * submessage's byte order. This module keeps it raw: the PID codecs give the parameters meaning.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import { EncodeError } from '../../util/errors.js';
import { PID_EXTENDED, readParameterList, writeSentinel } from '../parameter-list.js';

/** One inline QoS parameter as carried on the wire. */
export interface InlineQosParameter {
  /** Parameter id, flag bits included; above 0xffff it is written in the PID_EXTENDED form. */
  readonly pid: number;
  /** The value (padding included when decoded); decoded values are views into the datagram. */
  readonly value: Uint8Array;
}

/** Reads the inline QoS up to and including PID_SENTINEL (PID_PAD entries dropped). @throws DecodeError */
export function readInlineQos(r: ByteReader): readonly InlineQosParameter[] {
  return readParameterList(r, 'inlineQos');
}

/** Octets {@link writeInlineQos} writes for `params`. */
export function sizeOfInlineQos(params: readonly InlineQosParameter[]): number {
  let n = 4;
  for (const p of params) n += (p.pid > 0xffff ? 16 : 4) + ((p.value.length + 3) & ~3);
  return n;
}

/**
 * Writes the parameters (each value zero-padded to 4 octets) and PID_SENTINEL.
 * @throws EncodeError when a value is longer than its length field allows.
 */
export function writeInlineQos(w: ByteWriter, params: readonly InlineQosParameter[]): void {
  for (const p of params) {
    const padded = (p.value.length + 3) & ~3;
    if (p.pid > 0xffff) {
      // XTypes 1.3 §7.4.1.2.1: PID_EXTENDED, length 8, then the 32-bit id and length.
      w.u16(PID_EXTENDED).u16(8).u32(p.pid).u32(padded);
    } else {
      if (padded > 0xffff) throw new EncodeError(`inlineQos(pid 0x${p.pid.toString(16)})`, `value of ${padded} octets exceeds 65535`);
      w.u16(p.pid).u16(padded);
    }
    w.bytes(p.value).zeros(padded - p.value.length);
  }
  writeSentinel(w);
}
