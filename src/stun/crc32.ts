/**
 * CRC-32 (IEEE 802.3: reflected polynomial 0x04C11DB7, init and final XOR 0xFFFFFFFF), the checksum
 * FINGERPRINT uses (RFC 5389 §15.5 via ITU-T V.42 / ISO 3309; identical to zlib `crc32`).
 */

/** Byte-wise lookup table of the reflected polynomial 0xEDB88320. */
const TABLE: Int32Array = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/**
 * CRC-32 of `bytes[start, end)` as an unsigned 32-bit number. Allocates nothing.
 * Bounds are the caller's duty (they are clamped by the typed-array reads, which yield 0 past the end).
 */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = -1;
  for (let i = start; i < end; i++) {
    // `?? 0` never triggers for in-range indices; it keeps the read typed without `!`.
    c = (TABLE[(c ^ (bytes[i] ?? 0)) & 0xff] ?? 0) ^ (c >>> 8);
  }
  return (c ^ -1) >>> 0;
}
