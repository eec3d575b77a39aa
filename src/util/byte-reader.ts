import { DecodeError } from './errors.js';

/**
 * A bounds-checked cursor over a `Uint8Array` (STYLE.md rule 7). Every read names the field it
 * reads; running past the end throws a {@link DecodeError} carrying `context/field` and the
 * absolute offset in the buffer the reader was created on.
 *
 * Byte order is a property of the reader and can change while reading (RTPS submessages carry
 * their own endianness flag).
 */
export class ByteReader {
  /** Current offset, relative to the start of `bytes`. */
  offset = 0;
  /**
   * Reads stop here (relative to the start of `bytes`; initially its length). A decoder may narrow
   * it to a nested structure's extent and restore it afterwards instead of allocating a
   * {@link ByteReader.sub} reader (the RTPS message decoder does so per submessage).
   */
  end: number;
  littleEndian: boolean;
  /** The path prefix used in error messages; mutable together with `end` (see there). */
  context: string;
  /** Made on the first 64-bit or floating-point read: most readers never need one. */
  #view: DataView | undefined;

  /**
   * @param bytes the input; every `bytes()` result is a view into it.
   * @param context the path prefix used in error messages.
   * @param baseOffset the absolute offset of `bytes[0]` in the original input, for error messages.
   */
  constructor(
    readonly bytes: Uint8Array,
    context: string,
    littleEndian = false,
    readonly baseOffset = 0,
  ) {
    this.context = context;
    this.end = bytes.length;
    this.littleEndian = littleEndian;
  }

  /** The DataView for 64-bit and floating-point reads (8/16/32-bit integers are read from the bytes). */
  get #dataView(): DataView {
    const b = this.bytes;
    return (this.#view ??= new DataView(b.buffer, b.byteOffset, b.byteLength));
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  /** The absolute offset of the cursor in the original input. */
  get absoluteOffset(): number {
    return this.baseOffset + this.offset;
  }

  /** Throws a DecodeError at the cursor position. */
  fail(field: string, reason: string): never {
    throw new DecodeError(`${this.context}/${field}`, this.absoluteOffset, reason);
  }

  need(n: number, field: string): void {
    if (this.remaining < n) this.fail(field, `need ${n} bytes, ${this.remaining} left`);
  }

  // 8/16/32-bit integers are assembled from the bytes: no DataView per reader (one per datagram
  // and per sample on the receive path), and as fast once optimised. `need` checked the bounds.

  u8(field: string): number {
    this.need(1, field);
    const v = this.bytes[this.offset] ?? 0;
    this.offset += 1;
    return v;
  }

  u16(field: string): number {
    this.need(2, field);
    const b = this.bytes;
    const o = this.offset;
    this.offset = o + 2;
    return this.littleEndian ? (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) : ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
  }

  i16(field: string): number {
    return (this.u16(field) << 16) >> 16;
  }

  u32(field: string): number {
    return this.i32(field) >>> 0;
  }

  i32(field: string): number {
    this.need(4, field);
    const b = this.bytes;
    const o = this.offset;
    this.offset = o + 4;
    return this.littleEndian
      ? (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) | ((b[o + 2] ?? 0) << 16) | ((b[o + 3] ?? 0) << 24)
      : ((b[o] ?? 0) << 24) | ((b[o + 1] ?? 0) << 16) | ((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0);
  }

  u64(field: string): bigint {
    this.need(8, field);
    const v = this.#dataView.getBigUint64(this.offset, this.littleEndian);
    this.offset += 8;
    return v;
  }

  i64(field: string): bigint {
    this.need(8, field);
    const v = this.#dataView.getBigInt64(this.offset, this.littleEndian);
    this.offset += 8;
    return v;
  }

  f32(field: string): number {
    this.need(4, field);
    const v = this.#dataView.getFloat32(this.offset, this.littleEndian);
    this.offset += 4;
    return v;
  }

  f64(field: string): number {
    this.need(8, field);
    const v = this.#dataView.getFloat64(this.offset, this.littleEndian);
    this.offset += 8;
    return v;
  }

  /**
   * `n` bytes as a view into the input (no copy), always a plain Uint8Array (also when the input
   * is a Node.js Buffer: constructing the view directly costs half of a Buffer's `subarray`).
   */
  bytesView(n: number, field: string): Uint8Array {
    if (n < 0 || !Number.isInteger(n)) this.fail(field, `bad length ${n}`);
    this.need(n, field);
    const v = new Uint8Array(this.bytes.buffer, this.bytes.byteOffset + this.offset, n);
    this.offset += n;
    return v;
  }

  skip(n: number, field: string): void {
    this.need(n, field);
    this.offset += n;
  }

  /**
   * A reader over the next `n` bytes (advancing this one past them); its errors report absolute
   * offsets and `context` as their path prefix.
   */
  sub(n: number, field: string, context = `${this.context}/${field}`): ByteReader {
    const start = this.absoluteOffset;
    const view = this.bytesView(n, field);
    return new ByteReader(view, context, this.littleEndian, start);
  }
}
