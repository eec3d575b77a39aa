/**
 * The contract every STUN attribute module fulfils (STYLE.md rule 8), and the small helpers they
 * share for errors and fixed-size values.
 */
import { DecodeError, EncodeError } from '../util/errors.js';

/**
 * Codec of one attribute type. `value` is the attribute's value field without the 4-byte
 * type/length prefix and without padding (RFC 5389 §15).
 *
 * `offset` and `index` only shape error messages: `offset` is the absolute position of `value[0]`
 * in the datagram and `index` the attribute's position in the message (-1 when the codec is used
 * on its own).
 */
export interface AttributeCodec<T> {
  /** Registry value (RFC 5389 §18.2, RFC 8656 §18, RFC 8445 §16.1). */
  readonly type: number;
  /** RFC name, e.g. `'XOR-MAPPED-ADDRESS'`. */
  readonly name: string;
  /**
   * Set when {@link check} accepts a value if and only if it has exactly this many bytes (and
   * checks nothing else): {@link decodeStunMessage} then compares the length itself and calls
   * `check` only to throw, which spares it a view per attribute.
   */
  readonly fixedLength?: number;
  /**
   * Throws {@link DecodeError} unless `value` is a well-formed value of this attribute. Cheaper than
   * {@link decode}: {@link decodeStunMessage} runs it on every known attribute so that a decoded
   * message can always be read without errors.
   */
  check(value: Uint8Array, offset: number, index: number): void;
  /**
   * The typed value. Byte fields are views into `value` (they alias the datagram).
   * `transactionId` is needed by the XOR address attributes (RFC 5389 §15.2).
   * @throws DecodeError when `value` is malformed.
   */
  decode(value: Uint8Array, transactionId: Uint8Array, offset?: number, index?: number): T;
  /** Length in bytes of the encoded value, without padding. @throws EncodeError when `value` cannot be encoded. */
  sizeOf(value: T): number;
  /** Writes exactly `sizeOf(value)` bytes at `out[offset]`. */
  write(value: T, transactionId: Uint8Array, out: Uint8Array, offset: number): void;
  /** The encoded value as a new array (no padding). @throws EncodeError when `value` cannot be encoded. */
  encode(value: T, transactionId: Uint8Array): Uint8Array;
}

/** The error path of a field of attribute `name`, e.g. `stun/attribute[2]/XOR-MAPPED-ADDRESS/family`. */
export function attributePath(name: string, index: number, field: string): string {
  const head = index < 0 ? name : `stun/attribute[${index}]/${name}`;
  return field === '' ? head : `${head}/${field}`;
}

/** Throws the DecodeError of a malformed attribute field. */
export function attributeError(name: string, index: number, field: string, offset: number, reason: string): never {
  throw new DecodeError(attributePath(name, index, field), offset, reason);
}

/** Throws unless `value.length === length`. */
export function checkLength(name: string, value: Uint8Array, length: number, offset: number, index: number): void {
  if (value.length !== length) {
    attributeError(name, index, 'length', offset - 2, `must be ${length}, is ${value.length}`);
  }
}

/** The parts a codec module writes; {@link defineCodec} derives `encode` and defaulted `decode` locations. */
export interface CodecParts<T> {
  readonly type: number;
  readonly name: string;
  /** See {@link AttributeCodec.fixedLength}: only for a `check` that tests this length and nothing else. */
  readonly fixedLength?: number;
  readonly check: (value: Uint8Array, offset: number, index: number) => void;
  /** Called only after `check` passed. */
  readonly read: (value: Uint8Array, transactionId: Uint8Array) => T;
  readonly sizeOf: (value: T) => number;
  readonly write: (value: T, transactionId: Uint8Array, out: Uint8Array, offset: number) => void;
}

/** Builds an {@link AttributeCodec} whose `decode` is `check` then `read`, and whose `encode` is `sizeOf` then `write`. */
export function defineCodec<T>(parts: CodecParts<T>): AttributeCodec<T> {
  return Object.freeze({
    type: parts.type,
    name: parts.name,
    ...(parts.fixedLength === undefined ? {} : { fixedLength: parts.fixedLength }),
    check: parts.check,
    decode(value: Uint8Array, transactionId: Uint8Array, offset = 0, index = -1): T {
      parts.check(value, offset, index);
      return parts.read(value, transactionId);
    },
    sizeOf: parts.sizeOf,
    write: parts.write,
    encode(value: T, transactionId: Uint8Array): Uint8Array {
      const out = new Uint8Array(parts.sizeOf(value));
      parts.write(value, transactionId, out, 0);
      return out;
    },
  });
}

/** Throws an EncodeError unless `v` is an integer in [min, max]. */
export function checkRange(field: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new EncodeError(field, `${v} is not an integer in [${min}, ${max}]`);
  }
}

/** Reads a big-endian u16 at `bytes[i]`. */
export function readU16(bytes: Uint8Array, i: number): number {
  return ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
}

/** Reads a big-endian u32 at `bytes[i]`. */
export function readU32(bytes: Uint8Array, i: number): number {
  return (((bytes[i] ?? 0) << 24) | ((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0)) >>> 0;
}

/** Writes a big-endian u16 at `out[i]`. */
export function writeU16(out: Uint8Array, i: number, v: number): void {
  out[i] = v >>> 8;
  out[i + 1] = v;
}

/** Writes a big-endian u32 at `out[i]`. */
export function writeU32(out: Uint8Array, i: number, v: number): void {
  out[i] = v >>> 24;
  out[i + 1] = v >>> 16;
  out[i + 2] = v >>> 8;
  out[i + 3] = v;
}
