/**
 * CRC-32 (IEEE 802.3: reflected polynomial 0x04C11DB7, init and final XOR 0xFFFFFFFF), the checksum
 * FINGERPRINT uses (RFC 5389 §15.5 via ITU-T V.42 / ISO 3309; identical to zlib `crc32`).
 * Slicing-by-4 (four 256-entry tables, 4 bytes per step); no allocation per call.
 */

/** TABLES[k·256 + n]: CRC of byte n followed by k zero bytes, for the reflected polynomial 0xEDB88320. */
const TABLES: Int32Array = (() => {
  const t = new Int32Array(1024);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    let c = t[n] ?? 0;
    for (let k = 1; k < 4; k++) {
      c = (t[c & 0xff] ?? 0) ^ (c >>> 8);
      t[k * 256 + n] = c;
    }
  }
  return t;
})();

/**
 * CRC-32 of `bytes[start, end)` as an unsigned 32-bit number. Allocates nothing.
 * The range must lie within `bytes` (callers pass bounds they have checked).
 */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = TABLES;
  let c = -1;
  let i = start;
  // `?? 0` never triggers for in-range indices; it keeps the reads typed without `!`.
  for (; i + 4 <= end; i += 4) {
    c ^= (bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8) | ((bytes[i + 2] ?? 0) << 16) | ((bytes[i + 3] ?? 0) << 24);
    c = (t[768 + (c & 0xff)] ?? 0) ^ (t[512 + ((c >>> 8) & 0xff)] ?? 0) ^ (t[256 + ((c >>> 16) & 0xff)] ?? 0) ^ (t[c >>> 24] ?? 0);
  }
  for (; i < end; i++) c = (t[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
