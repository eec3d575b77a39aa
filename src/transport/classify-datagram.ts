/**
 * The one demultiplexer for datagrams arriving on a shared socket (STYLE.md rule 5). RTPS is
 * recognised by its magic; the rest follows RFC 7983 §7 (as updated by RFC 9443) on the first byte,
 * with the STUN magic cookie required so that stray bytes in 0..3 are not taken for STUN.
 */

/** What a datagram is, as far as the transport needs to know to route it. */
export type DatagramKind = 'rtps' | 'stun' | 'turn-channel' | 'dtls' | 'other';

const R = 0x52;
const T = 0x54;
const P = 0x50;
const S = 0x53;

/** RFC 5389 §6. */
const MAGIC_COOKIE = [0x21, 0x12, 0xa4, 0x42] as const;

/**
 * Classifies a datagram by its first bytes, without allocating or throwing.
 *
 * - `rtps`: starts with ASCII `RTPS` and is at least a header long (RTPS 2.5 §9.4.4);
 * - `stun`: first byte 0..3 (RFC 7983 §7) and the magic cookie at bytes 4..7 (RFC 5389 §6);
 * - `turn-channel`: first byte 64..79 (RFC 7983 §7; RFC 8656 §12 channel numbers 0x4000-0x4FFF) and a
 *   length field that fits the datagram;
 * - `dtls`: first byte 20..63 (RFC 7983 §7) and at least a record header (13 bytes);
 * - `other`: anything else (including OpenDDS/RTI `RTPX`), which the transport counts and drops.
 */
export function classifyDatagram(bytes: Uint8Array): DatagramKind {
  if (bytes.length < 4) return 'other';
  const b0 = bytes[0] ?? 0;
  if (b0 === R) {
    return bytes[1] === T && bytes[2] === P && bytes[3] === S && bytes.length >= 20 ? 'rtps' : 'other';
  }
  if (b0 <= 3) {
    return bytes.length >= 20 &&
      bytes[4] === MAGIC_COOKIE[0] && bytes[5] === MAGIC_COOKIE[1] &&
      bytes[6] === MAGIC_COOKIE[2] && bytes[7] === MAGIC_COOKIE[3]
      ? 'stun'
      : 'other';
  }
  if (b0 >= 20 && b0 <= 63) return bytes.length >= 13 ? 'dtls' : 'other';
  if (b0 >= 64 && b0 <= 79) {
    const length = ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
    return 4 + length <= bytes.length ? 'turn-channel' : 'other';
  }
  return 'other';
}
