/**
 * The serialized payload of builtin-topic DATA: encapsulation header (PL_CDR_BE 0x0002 / PL_CDR_LE
 * 0x0003, RTPS 2.5 §10.5) then a parameter list ending in PID_SENTINEL (RTPS 2.5 §9.4.2.11).
 */
import type { CdrRules } from '../../cdr/cdr-reader.js';
import { CdrWriter } from '../../cdr/cdr-writer.js';
import { ENCAPSULATION_HEADER_SIZE, PL_CDR_BE, PL_CDR_LE, readEncapsulation, writeEncapsulation } from '../../cdr/encapsulation.js';
import { ByteReader } from '../../util/byte-reader.js';
import { DecodeError } from '../../util/errors.js';
import type { RawParameter } from '../parameter-list.js';
import { readParameterList, writeSentinel } from '../parameter-list.js';

/** Parameters of a PL_CDR payload. Values alias `payload`; offsets are relative to `payload`. */
export function readPlPayload(payload: Uint8Array, context: string): { rules: CdrRules; params: RawParameter[] } {
  const enc = readEncapsulation(payload);
  if (enc.kind !== PL_CDR_BE && enc.kind !== PL_CDR_LE) {
    throw new DecodeError(`${context}/encapsulation`, 0, `expected PL_CDR_BE or PL_CDR_LE, got 0x${enc.kind.toString(16).padStart(4, '0')}`);
  }
  const r = new ByteReader(enc.body, context, enc.rules.littleEndian, ENCAPSULATION_HEADER_SIZE);
  return { rules: enc.rules, params: readParameterList(r, 'parameter') };
}

/** Header, the parameters `writeBody` writes, PID_SENTINEL. Options are 0. */
export function writePlPayload(littleEndian: boolean, writeBody: (w: CdrWriter) => void): Uint8Array {
  const w = new CdrWriter({ version: 'xcdr1', littleEndian }, 512);
  writeEncapsulation(w, littleEndian ? PL_CDR_LE : PL_CDR_BE, 0);
  w.origin = ENCAPSULATION_HEADER_SIZE;
  writeBody(w);
  writeSentinel(w);
  return w.finish();
}
