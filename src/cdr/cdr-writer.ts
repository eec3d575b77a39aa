import { ByteWriter } from '../util/byte-writer.js';
import type { CdrRules } from './cdr-reader.js';

const utf8 = new TextEncoder();

/** A {@link ByteWriter} that applies CDR alignment relative to `origin` (see CdrReader). */
export class CdrWriter extends ByteWriter {
  readonly maxAlign: number;
  /** Offset that alignment is relative to; set it after writing an encapsulation header. */
  origin: number;

  constructor(readonly rules: CdrRules, capacity = 256, origin = 0) {
    super(capacity, rules.littleEndian);
    this.maxAlign = rules.version === 'xcdr1' ? 8 : 4;
    this.origin = origin;
  }

  cdrAlign(n: number): this {
    return this.align(Math.min(n, this.maxAlign), this.origin);
  }

  au16(v: number): this { return this.cdrAlign(2).u16(v); }
  ai16(v: number): this { return this.cdrAlign(2).i16(v); }
  au32(v: number): this { return this.cdrAlign(4).u32(v); }
  ai32(v: number): this { return this.cdrAlign(4).i32(v); }
  au64(v: bigint): this { return this.cdrAlign(8).u64(v); }
  ai64(v: bigint): this { return this.cdrAlign(8).i64(v); }
  af32(v: number): this { return this.cdrAlign(4).f32(v); }
  af64(v: number): this { return this.cdrAlign(8).f64(v); }

  /** A CDR string: aligned uint32 length including NUL, the UTF-8 bytes, NUL. */
  string(s: string): this {
    const bytes = encodeUtf8(s);
    this.au32(bytes.length + 1);
    return this.bytes(bytes).u8(0);
  }
}

/** UTF-8 bytes of `s`, without TextEncoder overhead for ASCII. */
export function encodeUtf8(s: string): Uint8Array {
  // Past a few dozen characters the native encoder wins over the per-character loop (bench/cdr-user-types.ts).
  if (s.length > 64) return utf8.encode(s);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) return utf8.encode(s);
    out[i] = c;
  }
  return out;
}
