/**
 * STUN test vectors: RFC 5769 §2.1–2.4 (bytes as in the RFC; see ice-landscape.md §6) and the
 * OpenDDS vectors of opendds-ice-and-rtpsrelay.md §13.1–13.4.
 */
import { fromHex } from '../../src/util/hex.js';

/** One vector with what it should decode to. */
export interface StunVector {
  readonly name: string;
  readonly bytes: Uint8Array;
  /** MESSAGE-INTEGRITY key: a short-term password, or raw long-term key bytes. */
  readonly password?: string;
  readonly longTermKeyHex?: string;
  /** Padding byte the sender used (RFC 5769 uses 0x20 in 2.1–2.3). */
  readonly paddingByte: number;
}

/** RFC 5769 §2.1–2.3 short-term password. */
export const RFC5769_PASSWORD = 'VOkJxbRl1RmTxUk/WvJxBt';
/** OpenDDS §13 remote password. */
export const OPENDDS_PASSWORD = '0123456789abcdeffedcba9876543210';

export const RFC5769_REQUEST = fromHex(`
00 01 00 58 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
80 22 00 10 53 54 55 4e 20 74 65 73 74 20 63 6c 69 65 6e 74
00 24 00 04 6e 00 01 ff
80 29 00 08 93 2f f9 b1 51 26 3b 36
00 06 00 09 65 76 74 6a 3a 68 36 76 59 20 20 20
00 08 00 14 9a ea a7 0c bf d8 cb 56 78 1e f2 b5 b2 d3 f2 49 c1 b5 71 a2
80 28 00 04 e5 7a 3b cf`);

export const RFC5769_IPV4_RESPONSE = fromHex(`
01 01 00 3c 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
00 20 00 08 00 01 a1 47 e1 12 a6 43
00 08 00 14 2b 91 f5 99 fd 9e 90 c3 8c 74 89 f9 2a f9 ba 53 f0 6b e7 d7
80 28 00 04 c0 7d 4c 96`);

export const RFC5769_IPV6_RESPONSE = fromHex(`
01 01 00 48 21 12 a4 42 b7 e7 a7 01 bc 34 d6 86 fa 87 df ae
80 22 00 0b 74 65 73 74 20 76 65 63 74 6f 72 20
00 20 00 14 00 02 a1 47 01 13 a9 fa a5 d3 f1 79 bc 25 f4 b5 be d2 b9 d9
00 08 00 14 a3 82 95 4e 4b e6 7b f1 17 84 c9 7c 82 92 c2 75 bf e3 ed 41
80 28 00 04 c8 fb 0b 4c`);

export const RFC5769_LONG_TERM_REQUEST = fromHex(`
00 01 00 60 21 12 a4 42 78 ad 34 33 c6 ad 72 c0 29 da 41 2e
00 06 00 12 e3 83 9e e3 83 88 e3 83 aa e3 83 83 e3 82 af e3 82 b9 00 00
00 15 00 1c 66 2f 2f 34 39 39 6b 39 35 34 64 36 4f 4c 33 34 6f 4c 39 46 53 54 76 79 36 34 73 41
00 14 00 0b 65 78 61 6d 70 6c 65 2e 6f 72 67 00
00 08 00 14 f6 70 24 65 6d d6 4a 3e 02 b8 e0 71 2e 85 c9 a2 8c a8 96 66`);

/** RFC 5769 §2.4 long-term credentials. */
export const RFC5769_LT_USERNAME = '\u30de\u30c8\u30ea\u30c3\u30af\u30b9';
export const RFC5769_LT_REALM = 'example.org';
export const RFC5769_LT_PASSWORD = 'The\u00adM\u00aatr\u2168';
export const RFC5769_LT_KEY_HEX = 'e8ca7ad59d5eb0518e312911d2dab2a9';

const OFFSETS = /^[0-9a-f]{4}:/gm;

export const OPENDDS_CHECK_REQUEST = fromHex(`
0000: 00 01 00 7c 21 12 a4 42 00 01 02 03 04 05 06 07
0010: 08 09 0a 0b 00 24 00 04 6e ff fe ff 80 2a 00 08
0020: 01 02 03 04 05 06 07 08 00 06 00 41 32 32 32 32
0030: 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32
0040: 32 32 32 32 32 32 32 32 32 32 32 32 3a 31 31 31
0050: 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31
0060: 31 31 31 31 31 31 31 31 31 31 31 31 31 00 00 00
0070: 00 08 00 14 93 6c 83 50 8b 40 8c d4 55 d6 6b 25
0080: bb 12 5e cb cb 20 21 f5 80 28 00 04 ba 1d b1 d5`.replace(OFFSETS, ''));

export const OPENDDS_SUCCESS_RESPONSE = fromHex(`
0000: 01 01 00 38 21 12 a4 42 00 01 02 03 04 05 06 07
0010: 08 09 0a 0b 00 01 00 08 00 01 9c 40 c0 00 02 01
0020: 00 20 00 08 00 01 bd 52 e1 12 a6 43 00 08 00 14
0030: 00 30 2b d4 24 88 4f 33 86 dc 02 26 fe 97 bb ef
0040: c8 5e 5d 55 80 28 00 04 c0 81 df d5`.replace(OFFSETS, ''));

export const OPENDDS_KEEPALIVE_INDICATION = fromHex(`
0000: 00 11 00 68 21 12 a4 42 00 01 02 03 04 05 06 07
0010: 08 09 0a 0b 00 06 00 41 32 32 32 32 32 32 32 32
0020: 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32
0030: 32 32 32 32 32 32 32 32 3a 31 31 31 31 31 31 31
0040: 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31 31
0050: 31 31 31 31 31 31 31 31 31 00 00 00 00 08 00 14
0060: 65 c5 87 b4 75 4b 20 a3 08 bc df 3d 99 4a 29 50
0070: 13 6a e7 d7 80 28 00 04 45 f3 37 41`.replace(OFFSETS, ''));

export const OPENDDS_RELAY_REQUEST = fromHex(`
0000: 00 01 00 18 21 12 a4 42 00 01 02 03 04 05 06 07
0010: 08 09 0a 0b d0 00 00 0c 01 03 aa bb cc dd ee ff
0020: 00 01 00 02 80 28 00 04 3f 87 e3 59`.replace(OFFSETS, ''));

export const OPENDDS_RELAY_INDICATION = fromHex(`
0000: 00 11 00 18 21 12 a4 42 00 01 02 03 04 05 06 07
0010: 08 09 0a 0b d0 00 00 0c 01 03 aa bb cc dd ee ff
0020: 00 01 00 02 80 28 00 04 70 7d a7 12`.replace(OFFSETS, ''));

/**
 * §13.4 note: the server-reflexive request to a generic STUN server, 28 bytes. Its FINGERPRINT is
 * not printed in the spec; the bytes below are header + FINGERPRINT computed from the stated rules
 * (CRC-32 XOR 0x5354554e), checked in the tests against zlib's crc32.
 */
export const OPENDDS_SRFLX_REQUEST_HEADER = fromHex('00 01 00 08 21 12 a4 42 00 01 02 03 04 05 06 07 08 09 0a 0b 80 28 00 04');

/** Transaction id and values shared by the §13 vectors. */
export const OPENDDS_TRANSACTION_ID = fromHex('00 01 02 03 04 05 06 07 08 09 0a 0b');
export const OPENDDS_LOCAL_UFRAG = '1'.repeat(32);
export const OPENDDS_REMOTE_UFRAG = '2'.repeat(32);
export const OPENDDS_TIE_BREAKER = 0x0102030405060708n;
export const OPENDDS_GUID_PREFIX = fromHex('01 03 aa bb cc dd ee ff 00 01 00 02');
