/**
 * The typed codec of one RTPS parameter (STYLE.md rule 8): its PID, its spec name, the vendor whose
 * id space defines it and the CDR type of its value.
 */
import { CdrReader } from '../../cdr/cdr-reader.js';
import type { CdrRules } from '../../cdr/cdr-reader.js';
import type { CdrWriter } from '../../cdr/cdr-writer.js';
import { writeParameter } from '../parameter-list.js';
import type { CdrType } from './cdr-type.js';

export interface ParameterCodec<T> {
  readonly pid: number;
  /** The spec's name, e.g. `PID_OPENDDS_ICE_GENERAL`. */
  readonly name: string;
  /**
   * For vendor-specific PIDs (≥ 0x8000) interpreted only from that vendor, its 16-bit vendor id;
   * `undefined` for standard PIDs and for PIDs read from anyone (OpenDDS ICE, spec §2.3).
   */
  readonly vendorId: number | undefined;
  /** The value's CDR type (its `idl` text is checked against `idl/rtps_core.idl`). */
  readonly type: CdrType<T>;
  /**
   * Decodes a parameter value (padding included; trailing bytes are ignored, RTPS 2.5 §9.4.2.11).
   * Alignment is relative to the value start. Octet fields alias `value`.
   * @throws DecodeError on truncated or malformed values.
   */
  decode(value: Uint8Array, rules: CdrRules, baseOffset?: number): T;
  /** Writes the whole parameter (header, value, padding) at `w`'s 4-aligned offset. @throws EncodeError */
  encode(w: CdrWriter, value: T): void;
}

/** Builds a {@link ParameterCodec} from a PID and a value type. */
export function parameterCodec<T>(pid: number, name: string, type: CdrType<T>, vendorId?: number): ParameterCodec<T> {
  return {
    pid,
    name,
    vendorId,
    type,
    decode: (value, rules, baseOffset = 0) => type.read(new CdrReader(value, name, rules, baseOffset), 'value'),
    encode: (w, value) => {
      const origin = w.origin;
      writeParameter(w, pid, () => {
        // Alignment inside a value restarts at the value start (spec §2.2, ScopedAlignmentContext).
        w.origin = w.offset;
        type.write(w, value);
      });
      w.origin = origin;
    },
  };
}
