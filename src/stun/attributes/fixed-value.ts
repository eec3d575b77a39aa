/**
 * Value layouts of fixed size shared by several attributes: a u32, a u64, a byte string of fixed
 * (or bounded) length, and the empty value (RFC 5389 §15, RFC 8445 §16.1).
 */
import { EncodeError } from '../../util/errors.js';
import { attributeError, checkLength, checkRange, defineCodec, readU32, writeU32, type AttributeCodec } from '../attribute-codec.js';

/** A codec for a big-endian u32 value. */
export function u32Codec(type: number, name: string, min = 0, max = 0xffffffff): AttributeCodec<number> {
  return defineCodec<number>({
    type,
    name,
    fixedLength: 4,
    check: (value, offset, index) => { checkLength(name, value, 4, offset, index); },
    read: (value) => readU32(value, 0),
    sizeOf(v) { checkRange(name, v, min, max); return 4; },
    write(v, _tid, out, offset) { writeU32(out, offset, v); },
  });
}

/** A codec for a big-endian u64 value (as a bigint). */
export function u64Codec(type: number, name: string): AttributeCodec<bigint> {
  return defineCodec<bigint>({
    type,
    name,
    fixedLength: 8,
    check: (value, offset, index) => { checkLength(name, value, 8, offset, index); },
    read: (value) => (BigInt(readU32(value, 0)) << 32n) | BigInt(readU32(value, 4)),
    sizeOf(v) {
      if (v < 0n || v > 0xffffffffffffffffn) throw new EncodeError(name, `${v} is not a u64`);
      return 8;
    },
    write(v, _tid, out, offset) {
      writeU32(out, offset, Number(v >> 32n));
      writeU32(out, offset + 4, Number(v & 0xffffffffn));
    },
  });
}

/**
 * A codec for raw bytes whose length is in [minLength, maxLength] and a multiple of `step`.
 * Decoded values are views into the datagram.
 */
export function bytesCodec(type: number, name: string, minLength: number, maxLength: number, step = 1): AttributeCodec<Uint8Array> {
  const ok = (n: number): boolean => n >= minLength && n <= maxLength && n % step === 0;
  const want = minLength === maxLength ? `${minLength}` : `in [${minLength}, ${maxLength}]${step > 1 ? ` and a multiple of ${step}` : ''}`;
  return defineCodec<Uint8Array>({
    type,
    name,
    ...(minLength === maxLength && minLength % step === 0 ? { fixedLength: minLength } : {}),
    check(value, offset, index) {
      if (!ok(value.length)) attributeError(name, index, 'length', offset - 2, `must be ${want}, is ${value.length}`);
    },
    read: (value) => value,
    sizeOf(v) {
      if (!ok(v.length)) throw new EncodeError(name, `length must be ${want}, is ${v.length}`);
      return v.length;
    },
    write(v, _tid, out, offset) { out.set(v, offset); },
  });
}

/** A codec for an attribute with an empty value (its presence is the information); decodes to `true`. */
export function flagCodec(type: number, name: string): AttributeCodec<true> {
  return defineCodec<true>({
    type,
    name,
    fixedLength: 0,
    check: (value, offset, index) => { checkLength(name, value, 0, offset, index); },
    read: () => true,
    sizeOf: () => 0,
    write() { /* RFC 8445 §7.1.2: the value is empty */ },
  });
}
