/** Shared helpers of the STUN tests: vector table, generic re-encoder and a seeded PRNG. */
import {
  attr, codecForType, createIntegrityKey, encodeStunMessage, IntegrityKey, rawAttr, type EncodableAttribute,
  type StunMessage,
} from '../../src/stun/index.js';
import { fromHex } from '../../src/util/hex.js';
import * as v from '../vectors/stun-vectors.js';

/** A vector with the key that verifies its MESSAGE-INTEGRITY (if it has one). */
export interface KeyedVector {
  readonly name: string;
  readonly bytes: Uint8Array;
  readonly key?: IntegrityKey;
  readonly paddingByte: number;
}

export const VECTORS: readonly KeyedVector[] = [
  { name: 'RFC 5769 §2.1 request', bytes: v.RFC5769_REQUEST, key: createIntegrityKey(v.RFC5769_PASSWORD), paddingByte: 0x20 },
  { name: 'RFC 5769 §2.2 IPv4 response', bytes: v.RFC5769_IPV4_RESPONSE, key: createIntegrityKey(v.RFC5769_PASSWORD), paddingByte: 0x20 },
  { name: 'RFC 5769 §2.3 IPv6 response', bytes: v.RFC5769_IPV6_RESPONSE, key: createIntegrityKey(v.RFC5769_PASSWORD), paddingByte: 0x20 },
  { name: 'RFC 5769 §2.4 long-term request', bytes: v.RFC5769_LONG_TERM_REQUEST, key: new IntegrityKey(fromHex(v.RFC5769_LT_KEY_HEX)), paddingByte: 0 },
  { name: 'OpenDDS §13.1 check request', bytes: v.OPENDDS_CHECK_REQUEST, key: createIntegrityKey(v.OPENDDS_PASSWORD), paddingByte: 0 },
  { name: 'OpenDDS §13.2 success response', bytes: v.OPENDDS_SUCCESS_RESPONSE, key: createIntegrityKey(v.OPENDDS_PASSWORD), paddingByte: 0 },
  { name: 'OpenDDS §13.3 keep-alive indication', bytes: v.OPENDDS_KEEPALIVE_INDICATION, key: createIntegrityKey(v.OPENDDS_PASSWORD), paddingByte: 0 },
  { name: 'OpenDDS §13.4 relay request', bytes: v.OPENDDS_RELAY_REQUEST, paddingByte: 0 },
  { name: 'OpenDDS §13.4 relay indication', bytes: v.OPENDDS_RELAY_INDICATION, paddingByte: 0 },
];

/** Re-encodes `msg` from its decoded attribute values (typed where a codec exists, raw otherwise). */
export function reencode(msg: StunMessage, key: IntegrityKey | undefined, paddingByte: number): Uint8Array {
  const attributes: EncodableAttribute[] = [];
  msg.attributes.forEach((a, i) => {
    if (i === msg.integrityIndex || i === msg.integritySha256Index || i === msg.fingerprintIndex) return;
    const codec = codecForType(a.type);
    attributes.push(codec === undefined ? rawAttr(a.type, a.value) : attr(codec, codec.decode(a.value, msg.transactionId)));
  });
  return encodeStunMessage({
    method: msg.method,
    messageClass: msg.messageClass,
    transactionId: msg.transactionId,
    attributes,
    ...(msg.integrityIndex >= 0 && key !== undefined ? { integrity: key } : {}),
    fingerprint: msg.fingerprintIndex >= 0,
    paddingByte,
  });
}

export { prng } from '../support/random.js';
