import { EncodeError } from './errors.js';

/**
 * An append-only writer into a growable buffer. Encoders that can size their output up front pass
 * the exact capacity, so the common path allocates once; `finish()` returns a view of what was
 * written.
 */
export class ByteWriter {
  offset = 0;
  littleEndian: boolean;
  #bytes: Uint8Array;
  #view: DataView;

  constructor(capacity = 256, littleEndian = false) {
    this.#bytes = new Uint8Array(Math.max(capacity, 16));
    this.#view = new DataView(this.#bytes.buffer);
    this.littleEndian = littleEndian;
  }

  /** The buffer written so far (a view; valid until the next write that grows it). */
  get written(): Uint8Array {
    return this.#bytes.subarray(0, this.offset);
  }

  /** A DataView over the whole backing buffer, for patching lengths after the fact. */
  get view(): DataView {
    return this.#view;
  }

  #ensure(n: number): void {
    const need = this.offset + n;
    if (need <= this.#bytes.length) return;
    let size = this.#bytes.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#bytes.subarray(0, this.offset));
    this.#bytes = next;
    this.#view = new DataView(next.buffer);
  }

  u8(v: number): this {
    this.#ensure(1);
    this.#view.setUint8(this.offset, v);
    this.offset += 1;
    return this;
  }

  u16(v: number): this {
    this.#ensure(2);
    this.#view.setUint16(this.offset, v, this.littleEndian);
    this.offset += 2;
    return this;
  }

  i16(v: number): this {
    this.#ensure(2);
    this.#view.setInt16(this.offset, v, this.littleEndian);
    this.offset += 2;
    return this;
  }

  u32(v: number): this {
    this.#ensure(4);
    this.#view.setUint32(this.offset, v, this.littleEndian);
    this.offset += 4;
    return this;
  }

  i32(v: number): this {
    this.#ensure(4);
    this.#view.setInt32(this.offset, v, this.littleEndian);
    this.offset += 4;
    return this;
  }

  u64(v: bigint): this {
    this.#ensure(8);
    this.#view.setBigUint64(this.offset, v, this.littleEndian);
    this.offset += 8;
    return this;
  }

  i64(v: bigint): this {
    this.#ensure(8);
    this.#view.setBigInt64(this.offset, v, this.littleEndian);
    this.offset += 8;
    return this;
  }

  f32(v: number): this {
    this.#ensure(4);
    this.#view.setFloat32(this.offset, v, this.littleEndian);
    this.offset += 4;
    return this;
  }

  f64(v: number): this {
    this.#ensure(8);
    this.#view.setFloat64(this.offset, v, this.littleEndian);
    this.offset += 8;
    return this;
  }

  bytes(v: Uint8Array): this {
    this.#ensure(v.length);
    this.#bytes.set(v, this.offset);
    this.offset += v.length;
    return this;
  }

  zeros(n: number): this {
    this.#ensure(n);
    this.#bytes.fill(0, this.offset, this.offset + n);
    this.offset += n;
    return this;
  }

  /** Pads with zeros until `offset - origin` is a multiple of `alignment`. */
  align(alignment: number, origin = 0): this {
    const rem = (this.offset - origin) % alignment;
    return rem === 0 ? this : this.zeros(alignment - rem);
  }

  /** The written bytes, trimmed (a view when the capacity was exact, else a copy-free subarray). */
  finish(): Uint8Array {
    return this.#bytes.subarray(0, this.offset);
  }
}

/** Throws an EncodeError unless `v` is an integer in [min, max]. */
export function checkInt(field: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new EncodeError(field, `${v} is not an integer in [${min}, ${max}]`);
  }
}
