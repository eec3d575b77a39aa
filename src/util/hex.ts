/** Hex helpers for logs, tests and credentials (lower-case, no separators). */

const HEX = '0123456789abcdef';
/** Byte → its two hex characters (GUID prefixes are map keys on the relay's per-datagram path). */
const BYTE_HEX: readonly string[] = Array.from({ length: 256 }, (_, b) => HEX.charAt(b >> 4) + HEX.charAt(b & 15));

/** Lower-case hex of `bytes`, two characters per byte. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += BYTE_HEX[bytes[i] ?? 0] ?? '';
  return out;
}

/**
 * Bytes of a hex string; whitespace, `:` and newlines are ignored, so RFC-style dumps
 * (`00 01 00 58 …`) and `0000: 00 01 …` offsets-free blocks can be pasted as they are.
 * @throws RangeError on an odd number of digits or a non-hex character.
 */
export function fromHex(text: string): Uint8Array {
  const clean = text.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0) throw new RangeError('odd number of hex digits');
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) {
    const v = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16);
    if (Number.isNaN(v)) throw new RangeError(`bad hex at ${2 * i}`);
    out[i] = v;
  }
  return out;
}

/** Equality of two byte arrays. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
