/**
 * Integrity and fingerprint checks over the bytes as received (RFC 5389 §15.4, §15.5; RFC 8489
 * §14.6). Working on the received bytes, not a re-encoding, is what makes non-zero padding (the
 * RFC 5769 vectors pad with 0x20) verify.
 */
import { ATTRIBUTE_HEADER_LENGTH, FINGERPRINT_XOR, HEADER_LENGTH } from './constants.js';
import { crc32 } from './crc32.js';
import type { IntegrityKey } from './integrity.js';
import { DecodedStunMessage, type StunMessage } from './message.js';

/** Compares the MAC attribute at `index` of `msg` (RFC 5389 §15.4, RFC 8489 §14.6). */
function macMatches(msg: StunMessage, index: number, key: IntegrityKey, useSha256: boolean): boolean {
  if (msg instanceof DecodedStunMessage) {
    // Read the attribute through the index: no RawAttribute objects or views per check.
    if (index < 0 || index >= msg.attributeCount) return false;
    const offset = msg.offsetAt(index);
    const length = msg.lengthAt(index);
    const lengthField = offset + ATTRIBUTE_HEADER_LENGTH + length - HEADER_LENGTH;
    return key.macEquals(msg.bytes, offset, lengthField, useSha256, msg.bytes, offset + ATTRIBUTE_HEADER_LENGTH, length);
  }
  const a = msg.attributes[index];
  if (a === undefined) return false;
  const lengthField = a.offset + ATTRIBUTE_HEADER_LENGTH + a.value.length - HEADER_LENGTH;
  return key.macEquals(msg.bytes, a.offset, lengthField, useSha256, a.value);
}

/**
 * True when `msg` has MESSAGE-INTEGRITY and it is the HMAC-SHA1 under `key` of the header and the
 * attributes before it, with the header length covering up to the end of MESSAGE-INTEGRITY
 * (RFC 5389 §15.4). False when the attribute is absent (an ICE agent answers 400 for a missing one
 * and 401 for a wrong one, RFC 5389 §10.1.2: check `msg.integrityIndex` to tell them apart).
 */
export function verifyMessageIntegrity(msg: StunMessage, key: IntegrityKey): boolean {
  return macMatches(msg, msg.integrityIndex, key, false);
}

/**
 * True when `msg` has MESSAGE-INTEGRITY-SHA256 and it matches HMAC-SHA256 under `key`, truncated to
 * the length received (16..32 bytes, RFC 8489 §14.6). False when absent.
 */
export function verifyMessageIntegritySha256(msg: StunMessage, key: IntegrityKey): boolean {
  return macMatches(msg, msg.integritySha256Index, key, true);
}

/**
 * FINGERPRINT value for a message whose first `end` bytes precede the FINGERPRINT attribute; the
 * header length in `bytes` must already include FINGERPRINT (RFC 5389 §15.5). Allocates nothing.
 */
export function fingerprintOf(bytes: Uint8Array, end: number): number {
  return (crc32(bytes, 0, end) ^ FINGERPRINT_XOR) >>> 0;
}
