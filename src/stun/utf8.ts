/**
 * Allocation-free UTF-8 helpers for the text attributes (USERNAME, SOFTWARE, REALM, NONCE, ERROR-CODE
 * reason; RFC 5389 §15). Encoders size first and then write in place; decoders validate before
 * the text is ever materialised, so a decoded message never holds malformed text.
 */
import { EncodeError } from '../util/errors.js';

const DECODER = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/**
 * Number of UTF-8 bytes of `text`.
 * @throws EncodeError (`field`) when `text` holds a lone surrogate, which has no UTF-8 form.
 */
export function utf8Length(text: string, field: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (!(d >= 0xdc00 && d <= 0xdfff)) throw new EncodeError(field, `lone surrogate at ${i}`);
      n += 4;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) throw new EncodeError(field, `lone surrogate at ${i}`);
    else n += 3;
  }
  return n;
}

/** Writes `text` as UTF-8 at `out[offset]`; returns the offset after it. `text` must have passed {@link utf8Length}. */
export function writeUtf8(text: string, out: Uint8Array, offset: number): number {
  let o = offset;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c < 0x80) {
      out[o++] = c;
    } else if (c < 0x800) {
      out[o++] = 0xc0 | (c >> 6);
      out[o++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdbff) {
      c = 0x10000 + ((c - 0xd800) << 10) + (text.charCodeAt(++i) - 0xdc00);
      out[o++] = 0xf0 | (c >> 18);
      out[o++] = 0x80 | ((c >> 12) & 0x3f);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    } else {
      out[o++] = 0xe0 | (c >> 12);
      out[o++] = 0x80 | ((c >> 6) & 0x3f);
      out[o++] = 0x80 | (c & 0x3f);
    }
  }
  return o;
}

/**
 * Index of the first byte of `bytes` that breaks well-formed UTF-8 (Unicode §3.9 Table 3-7: no
 * overlongs, no surrogates, nothing above U+10FFFF), or -1 when all of it is well formed.
 */
export function invalidUtf8At(bytes: Uint8Array): number {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const b = bytes[i] ?? 0;
    if (b < 0x80) { i++; continue; }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) lo = 0xa0;
      else if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) lo = 0x90;
      else if (b === 0xf4) hi = 0x8f;
    } else return i;
    if (i + need >= n) return i; // truncated sequence
    const b1 = bytes[i + 1] ?? 0;
    if (b1 < lo || b1 > hi) return i;
    for (let k = 2; k <= need; k++) {
      const bk = bytes[i + k] ?? 0;
      if (bk < 0x80 || bk > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** The text of well-formed UTF-8 `bytes` (validate with {@link invalidUtf8At} first). */
export function readUtf8(bytes: Uint8Array): string {
  // Short ASCII (the common USERNAME/SOFTWARE case) is faster without TextDecoder.
  if (bytes.length <= 64) {
    let s = '';
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] ?? 0;
      if (b >= 0x80) return DECODER.decode(bytes);
      s += String.fromCharCode(b);
    }
    return s;
  }
  return DECODER.decode(bytes);
}

/** Number of Unicode code points of well-formed UTF-8 `bytes` (RFC 5389 limits are in characters). */
export function utf8CharCount(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (((bytes[i] ?? 0) & 0xc0) !== 0x80) n++;
  return n;
}

/** Number of code points of `text` (surrogate pairs count once). */
export function codePointCount(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n--; i++; }
    }
  }
  return n;
}
