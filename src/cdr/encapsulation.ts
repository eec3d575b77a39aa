/**
 * The 4-byte encapsulation header in front of every serialized payload (RTPS 2.5 §10.5, XTypes 1.3
 * §7.6.3.1.2 and Table 60): a 2-byte representation identifier and a 2-byte options field, both
 * octet arrays (so read big-endian whatever the payload's byte order).
 */
import { DecodeError } from '../util/errors.js';
import type { ByteWriter } from '../util/byte-writer.js';
import type { CdrRules } from './cdr-reader.js';

/** XCDR1 plain, big-endian (RTPS 2.5 §10.5 `CDR_BE`). */
export const PLAIN_CDR_BE = 0x0000;
/** XCDR1 plain, little-endian (`CDR_LE`). */
export const PLAIN_CDR_LE = 0x0001;
/** XCDR1 parameter list, big-endian (`PL_CDR_BE`). */
export const PL_CDR_BE = 0x0002;
/** XCDR1 parameter list, little-endian (`PL_CDR_LE`). */
export const PL_CDR_LE = 0x0003;
/** XCDR2 plain (final types), big-endian (XTypes 1.3 Table 60 `CDR2_BE`). */
export const CDR2_BE = 0x0006;
/** XCDR2 plain (final types), little-endian (`CDR2_LE`). */
export const CDR2_LE = 0x0007;
/** XCDR2 delimited (appendable types), big-endian (`D_CDR2_BE`). */
export const D_CDR2_BE = 0x0008;
/** XCDR2 delimited (appendable types), little-endian (`D_CDR2_LE`). */
export const D_CDR2_LE = 0x0009;
/** XCDR2 parameter list (mutable types), big-endian (`PL_CDR2_BE`). */
export const PL_CDR2_BE = 0x000a;
/** XCDR2 parameter list (mutable types), little-endian (`PL_CDR2_LE`). */
export const PL_CDR2_LE = 0x000b;

/** The representation identifiers this library reads and writes. */
export const ENCAPSULATION_KINDS = [
  PLAIN_CDR_BE, PLAIN_CDR_LE, PL_CDR_BE, PL_CDR_LE,
  CDR2_BE, CDR2_LE, D_CDR2_BE, D_CDR2_LE, PL_CDR2_BE, PL_CDR2_LE,
] as const;
export type EncapsulationKind = (typeof ENCAPSULATION_KINDS)[number];
const KIND_SET: ReadonlySet<number> = new Set<number>(ENCAPSULATION_KINDS);

/** Size of the encapsulation header in bytes. */
export const ENCAPSULATION_HEADER_SIZE = 4;

/** Low two bits of the options field: padding octets at the end of the payload (XTypes 1.3 §7.6.3.1.2). */
export const OPTIONS_PADDING_MASK = 0x0003;

/** What an encapsulation header says. */
export interface Encapsulation {
  readonly kind: EncapsulationKind;
  readonly rules: CdrRules;
  /** PL_CDR or PL_CDR2: the body is a parameter list / EMHEADER-framed (mutable types). */
  readonly isParameterList: boolean;
  /** The raw options field. */
  readonly options: number;
  /** Padding octets announced by `options` (0..3), already removed from `body`. */
  readonly padding: number;
  /** The serialized data after the header without the announced padding; a view into the input. */
  readonly body: Uint8Array;
}

/** True when `n` is one of {@link ENCAPSULATION_KINDS}. */
export function isEncapsulationKind(n: number): n is EncapsulationKind {
  return KIND_SET.has(n);
}

/** CDR rules of a representation identifier: odd identifiers are little-endian, ≥ 0x0006 are XCDR2. */
export function rulesOf(kind: EncapsulationKind): CdrRules {
  return { version: kind >= CDR2_BE ? 'xcdr2' : 'xcdr1', littleEndian: (kind & 1) === 1 };
}

/** True for PL_CDR and PL_CDR2 (RTPS 2.5 §10.5). */
export function isParameterListKind(kind: EncapsulationKind): boolean {
  return kind === PL_CDR_BE || kind === PL_CDR_LE || kind === PL_CDR2_BE || kind === PL_CDR2_LE;
}

/**
 * Reads the encapsulation header of a serialized payload.
 * `body` aliases `bytes`; it starts after the header and ends before the padding the options announce.
 * @throws DecodeError on fewer than 4 bytes, an unknown identifier, or more padding than body.
 */
export function readEncapsulation(bytes: Uint8Array): Encapsulation {
  if (bytes.length < ENCAPSULATION_HEADER_SIZE) {
    throw new DecodeError('encapsulation', 0, `need 4 bytes, ${bytes.length} left`);
  }
  const id = ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
  if (!isEncapsulationKind(id)) {
    throw new DecodeError('encapsulation/kind', 0, `unknown representation identifier 0x${id.toString(16).padStart(4, '0')}`);
  }
  const options = ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
  const padding = options & OPTIONS_PADDING_MASK;
  const end = bytes.length - padding;
  if (end < ENCAPSULATION_HEADER_SIZE) {
    throw new DecodeError('encapsulation/options', 2, `${padding} padding octets but only ${bytes.length - 4} body octets`);
  }
  return {
    kind: id,
    rules: rulesOf(id),
    isParameterList: isParameterListKind(id),
    options,
    padding,
    body: bytes.subarray(ENCAPSULATION_HEADER_SIZE, end),
  };
}

/**
 * Writes a 4-byte encapsulation header at the writer's offset; the caller then sets the writer's CDR
 * origin to the offset after it. `options` is written as is (use {@link padEncapsulation} to fill in
 * the padding bits once the body is known).
 */
export function writeEncapsulation(w: ByteWriter, kind: EncapsulationKind, options = 0): void {
  w.u8(kind >> 8).u8(kind & 0xff).u8((options >> 8) & 0xff).u8(options & 0xff);
}

/**
 * How an encoder ends a payload: `'flagged'` pads the body to a multiple of 4 and records the count
 * in the options' low bits (XTypes 1.3 §7.6.3.1.2; what Cyclone DDS sends), `'unflagged'` pads
 * without recording it (what Fast DDS 2.x sends), `'none'` leaves the body as serialized.
 */
export type PaddingMode = 'flagged' | 'unflagged' | 'none';

/**
 * Pads the payload that started with an encapsulation header at `headerOffset` (body from
 * `headerOffset + 4` to the writer's offset) to a multiple of 4, and for `'flagged'` ORs the padding
 * count into the options field.
 */
export function padEncapsulation(w: ByteWriter, headerOffset: number, mode: PaddingMode): void {
  if (mode === 'none') return;
  const bodyLength = w.offset - headerOffset - ENCAPSULATION_HEADER_SIZE;
  const padding = (4 - (bodyLength % 4)) % 4;
  w.zeros(padding);
  if (mode === 'flagged') {
    const at = headerOffset + 3;
    w.view.setUint8(at, (w.view.getUint8(at) & ~OPTIONS_PADDING_MASK) | padding);
  }
}
