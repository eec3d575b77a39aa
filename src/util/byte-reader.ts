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
  readonly #view: DataView;

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
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
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

  u8(field: string): number {
    this.need(1, field);
    const v = this.#view.getUint8(this.offset);
    this.offset += 1;
    return v;
  }

  u16(field: string): number {
    this.need(2, field);
    const v = this.#view.getUint16(this.offset, this.littleEndian);
    this.offset += 2;
    return v;
  }

  i16(field: string): number {
    this.need(2, field);
    const v = this.#view.getInt16(this.offset, this.littleEndian);
    this.offset += 2;
    return v;
  }

  u32(field: string): number {
    this.need(4, field);
    const v = this.#view.getUint32(this.offset, this.littleEndian);
    this.offset += 4;
    return v;
  }

  i32(field: string): number {
    this.need(4, field);
    const v = this.#view.getInt32(this.offset, this.littleEndian);
    this.offset += 4;
    return v;
  }

  u64(field: string): bigint {
    this.need(8, field);
    const v = this.#view.getBigUint64(this.offset, this.littleEndian);
    this.offset += 8;
    return v;
  }

  i64(field: string): bigint {
    this.need(8, field);
    const v = this.#view.getBigInt64(this.offset, this.littleEndian);
    this.offset += 8;
    return v;
  }

  f32(field: string): number {
    this.need(4, field);
    const v = this.#view.getFloat32(this.offset, this.littleEndian);
    this.offset += 4;
    return v;
  }

  f64(field: string): number {
    this.need(8, field);
    const v = this.#view.getFloat64(this.offset, this.littleEndian);
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
