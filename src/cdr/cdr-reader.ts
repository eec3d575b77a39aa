import { ByteReader } from '../util/byte-reader.js';

/** CDR encoding rules shared by readers, writers and size functions (STYLE.md rule 6). */
export interface CdrRules {
  readonly version: 'xcdr1' | 'xcdr2';
  readonly littleEndian: boolean;
}

const utf8 = new TextDecoder('utf-8');

/**
 * A {@link ByteReader} that knows CDR alignment: primitives are aligned to their size relative to
 * `origin` (the first byte after the encapsulation header, or the start of a parameter value),
 * capped at 8 for XCDR1 and 4 for XCDR2 (XTypes 1.3 §7.4.3.4).
 */
export class CdrReader extends ByteReader {
  readonly maxAlign: number;

  constructor(
    bytes: Uint8Array,
    context: string,
    readonly rules: CdrRules,
    baseOffset = 0,
    /** Offset in `bytes` that alignment is relative to. */
    readonly origin = 0,
  ) {
    super(bytes, context, rules.littleEndian, baseOffset);
    this.maxAlign = rules.version === 'xcdr1' ? 8 : 4;
  }

  /** Skips padding so the cursor is aligned to `min(n, maxAlign)` relative to `origin`. */
  align(n: number, field: string): void {
    const a = Math.min(n, this.maxAlign);
    const rem = (this.offset - this.origin) % a;
    if (rem !== 0) this.skip(a - rem, `${field}(padding)`);
  }

  au16(field: string): number { this.align(2, field); return this.u16(field); }
  ai16(field: string): number { this.align(2, field); return this.i16(field); }
  au32(field: string): number { this.align(4, field); return this.u32(field); }
  ai32(field: string): number { this.align(4, field); return this.i32(field); }
  au64(field: string): bigint { this.align(8, field); return this.u64(field); }
  ai64(field: string): bigint { this.align(8, field); return this.i64(field); }
  af32(field: string): number { this.align(4, field); return this.f32(field); }
  af64(field: string): number { this.align(8, field); return this.f64(field); }

  /**
   * A CDR string: aligned uint32 length including the terminating NUL, the bytes, the NUL.
   * A length of 0 (sent by some implementations for the empty string) reads as `''`.
   * @throws DecodeError on a length past the end or a missing NUL.
   */
  string(field: string, maxLength = 0xffff_ffff): string {
    const n = this.au32(`${field}.length`);
    if (n === 0) return '';
    if (n > maxLength) this.fail(field, `string of ${n} bytes exceeds bound ${maxLength}`);
    const raw = this.bytesView(n, field);
    if (raw[n - 1] !== 0) this.fail(field, 'string not NUL-terminated');
    return decodeAscii(raw.subarray(0, n - 1));
  }

  /** An aligned uint32 element count, checked against the bytes left (each element ≥ `minElementSize` bytes). */
  sequenceLength(field: string, minElementSize: number): number {
    const n = this.au32(`${field}.length`);
    if (n * minElementSize > this.remaining) this.fail(field, `sequence of ${n} elements cannot fit in ${this.remaining} bytes`);
    return n;
  }
}

/** UTF-8 decoding with an allocation-light fast path for the ASCII strings that dominate RTPS. */
export function decodeAscii(bytes: Uint8Array): string {
  if (bytes.length > 64) return utf8.decode(bytes);
  let s = '';
  for (const b of bytes) {
    if (b >= 0x80) return utf8.decode(bytes);
    s += String.fromCharCode(b);
  }
  return s;
}
