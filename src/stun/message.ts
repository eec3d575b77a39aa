/**
 * The decoded form of a STUN message and its decoder (RFC 5389 §6, §15; strictness as OpenDDS,
 * spec §3.4).
 */
import { DecodeError } from '../util/errors.js';
import { codecForType } from './attributes/registry.js';
import { crc32 } from './crc32.js';
import { ATTRIBUTE_HEADER_LENGTH, FINGERPRINT_XOR, HEADER_LENGTH, MAGIC_COOKIE } from './constants.js';
import { classOfType, methodOfType, type StunClassName } from './message-type.js';

const TYPE_MESSAGE_INTEGRITY = 0x0008;
const TYPE_MESSAGE_INTEGRITY_SHA256 = 0x001c;
const TYPE_FINGERPRINT = 0x8028;

/** One attribute as it appeared on the wire. */
export interface RawAttribute {
  /** Attribute type (RFC 5389 §15). */
  readonly type: number;
  /** The value without padding: a view into the datagram. */
  readonly value: Uint8Array;
  /** Offset of the attribute's 4-byte type/length header in the datagram. */
  readonly offset: number;
}

/**
 * A decoded STUN message. Every `Uint8Array` in it (`bytes`, `transactionId`, attribute values and
 * the byte fields of typed attributes read from it) aliases the datagram given to
 * {@link decodeStunMessage}: copy what you keep past the receive callback, and do not reuse the
 * receive buffer while the message is in use.
 */
export interface StunMessage {
  /** The 14-bit message type (RFC 5389 §6). */
  readonly type: number;
  /** Method, e.g. `StunMethod.binding`. */
  readonly method: number;
  /** Class: request, indication, success or error response. */
  readonly messageClass: StunClassName;
  /** The 12-byte transaction id (view). */
  readonly transactionId: Uint8Array;
  /** All attributes in wire order, unknown ones included. */
  readonly attributes: readonly RawAttribute[];
  /** The whole datagram (view); integrity is verified over these bytes. */
  readonly bytes: Uint8Array;
  /** Index in `attributes` of MESSAGE-INTEGRITY, or -1. */
  readonly integrityIndex: number;
  /** Index in `attributes` of MESSAGE-INTEGRITY-SHA256, or -1. */
  readonly integritySha256Index: number;
  /** Index in `attributes` of FINGERPRINT (already verified), or -1. */
  readonly fingerprintIndex: number;
}

/**
 * What {@link decodeStunMessage} returns: attributes are kept as a flat (type, offset, length)
 * index and {@link attributes} materialises the {@link RawAttribute} objects and views on first
 * use. Verification and the typed getters read the index directly, so a check costs no object or
 * view per attribute it does not read.
 */
export class DecodedStunMessage implements StunMessage {
  readonly type: number;
  readonly method: number;
  readonly messageClass: StunClassName;
  readonly transactionId: Uint8Array;
  readonly bytes: Uint8Array;
  readonly integrityIndex: number;
  readonly integritySha256Index: number;
  readonly fingerprintIndex: number;
  /** Number of attributes. */
  readonly attributeCount: number;
  /** Per attribute: type, header offset, value length. */
  readonly #index: readonly number[];
  #attributes: RawAttribute[] | undefined;

  constructor(
    bytes: Uint8Array, type: number, index: readonly number[],
    integrityIndex: number, integritySha256Index: number, fingerprintIndex: number,
  ) {
    this.type = type;
    this.method = methodOfType(type);
    this.messageClass = classOfType(type);
    this.transactionId = bytes.subarray(8, HEADER_LENGTH);
    this.bytes = bytes;
    this.integrityIndex = integrityIndex;
    this.integritySha256Index = integritySha256Index;
    this.fingerprintIndex = fingerprintIndex;
    this.attributeCount = index.length / 3;
    this.#index = index;
  }

  /** All attributes in wire order (built on first access, then the same array). */
  get attributes(): readonly RawAttribute[] {
    if (this.#attributes === undefined) {
      const list: RawAttribute[] = [];
      for (let i = 0; i < this.attributeCount; i++) list.push({ type: this.typeAt(i), value: this.valueAt(i), offset: this.offsetAt(i) });
      this.#attributes = list;
    }
    return this.#attributes;
  }

  /** Type of attribute `i` (0 ≤ i < {@link attributeCount}). */
  typeAt(i: number): number {
    return this.#index[3 * i] ?? -1;
  }

  /** Offset in {@link bytes} of attribute `i`'s type/length header. */
  offsetAt(i: number): number {
    return this.#index[3 * i + 1] ?? 0;
  }

  /** Value length of attribute `i`, without padding. */
  lengthAt(i: number): number {
    return this.#index[3 * i + 2] ?? 0;
  }

  /** Value of attribute `i`: a view into {@link bytes}. */
  valueAt(i: number): Uint8Array {
    const start = this.offsetAt(i) + ATTRIBUTE_HEADER_LENGTH;
    return this.bytes.subarray(start, start + this.lengthAt(i));
  }
}

function headerField(n: number): string {
  if (n < 2) return 'stun/header/type';
  if (n < 4) return 'stun/header/length';
  if (n < 8) return 'stun/header/magicCookie';
  return 'stun/header/transactionId';
}

/**
 * Decodes one STUN message that must fill `datagram` exactly.
 *
 * Accepts only what OpenDDS accepts (spec §3.4): the top two type bits are 0, the length is a
 * multiple of 4, the magic cookie matches (RFC 5389 §6), the datagram is exactly 20 + length bytes,
 * every known attribute is well formed (its codec's `check`), after MESSAGE-INTEGRITY only
 * MESSAGE-INTEGRITY-SHA256 and FINGERPRINT follow, after MESSAGE-INTEGRITY-SHA256 only FINGERPRINT,
 * nothing follows FINGERPRINT, and a present FINGERPRINT matches (RFC 5389 §15.5). Unknown attributes
 * are kept raw. MESSAGE-INTEGRITY is not checked here (it needs a key): use
 * {@link verifyMessageIntegrity}.
 *
 * Every `Uint8Array` of the result is a view into `datagram` (see {@link StunMessage}).
 * @throws DecodeError naming the field (`stun/header/length`, `stun/attribute[3]/PRIORITY/length`, …) and its offset.
 */
export function decodeStunMessage(datagram: Uint8Array): StunMessage {
  const n = datagram.length;
  if (n < HEADER_LENGTH) throw new DecodeError(headerField(n), Math.min(n, 8), `need 20 header bytes, have ${n}`);
  const type = ((datagram[0] ?? 0) << 8) | (datagram[1] ?? 0);
  // RFC 5389 §6: the most significant two bits of every STUN message are zero.
  if ((type & 0xc000) !== 0) throw new DecodeError('stun/header/type', 0, 'top two bits must be zero');
  const length = ((datagram[2] ?? 0) << 8) | (datagram[3] ?? 0);
  // RFC 5389 §6: all attributes are padded to 4 bytes, so the length is too.
  if ((length & 3) !== 0) throw new DecodeError('stun/header/length', 2, `${length} is not a multiple of 4`);
  const cookie = (((datagram[4] ?? 0) << 24) | ((datagram[5] ?? 0) << 16) | ((datagram[6] ?? 0) << 8) | (datagram[7] ?? 0)) >>> 0;
  if (cookie !== MAGIC_COOKIE) throw new DecodeError('stun/header/magicCookie', 4, `0x${cookie.toString(16)} is not 0x2112a442`);
  const declaredEnd = HEADER_LENGTH + length;
  if (n > declaredEnd) {
    // Spec §3.4: one message per datagram, nothing after it.
    throw new DecodeError('stun/header/length', 2, `header says ${length} bytes of attributes, datagram has ${n - HEADER_LENGTH}`);
  }
  // A plain array of small integers: a typed array above 64 bytes would cost a backing store.
  const attributes: number[] = [];
  let integrityIndex = -1;
  let integritySha256Index = -1;
  let fingerprintIndex = -1;
  let pos = HEADER_LENGTH;
  let index = 0;
  while (pos < declaredEnd) {
    if (pos + ATTRIBUTE_HEADER_LENGTH > n) {
      throw new DecodeError(`stun/attribute[${index}]/${pos + 2 > n ? 'type' : 'length'}`, pos, `truncated: header length says ${declaredEnd} bytes, datagram has ${n}`);
    }
    const attrType = ((datagram[pos] ?? 0) << 8) | (datagram[pos + 1] ?? 0);
    const attrLength = ((datagram[pos + 2] ?? 0) << 8) | (datagram[pos + 3] ?? 0);
    const valueOffset = pos + ATTRIBUTE_HEADER_LENGTH;
    const next = valueOffset + ((attrLength + 3) & ~3);
    if (next > declaredEnd) {
      throw new DecodeError(`stun/attribute[${index}]/length`, pos + 2, `${attrLength} (padded) runs past the message end ${declaredEnd}`);
    }
    if (next > n) {
      throw new DecodeError(`stun/attribute[${index}]/value`, Math.min(valueOffset, n), `truncated: header length says ${declaredEnd} bytes, datagram has ${n}`);
    }
    if (fingerprintIndex >= 0) {
      // RFC 5389 §15.5: FINGERPRINT is the last attribute.
      throw new DecodeError(`stun/attribute[${index}]/type`, pos, 'attribute after FINGERPRINT');
    }
    if (attrType !== TYPE_FINGERPRINT) {
      if (integritySha256Index >= 0) {
        // RFC 8489 §14.6: only FINGERPRINT may follow MESSAGE-INTEGRITY-SHA256.
        throw new DecodeError(`stun/attribute[${index}]/type`, pos, 'attribute after MESSAGE-INTEGRITY-SHA256');
      }
      if (integrityIndex >= 0 && attrType !== TYPE_MESSAGE_INTEGRITY_SHA256) {
        // RFC 8489 §14.5 / spec §3.4: after MESSAGE-INTEGRITY only -SHA256 and FINGERPRINT.
        throw new DecodeError(`stun/attribute[${index}]/type`, pos, 'attribute after MESSAGE-INTEGRITY');
      }
    }
    const codec = codecForType(attrType);
    // A fixed-length codec checks nothing but the length: make its view only to throw.
    if (codec !== undefined && codec.fixedLength !== attrLength) codec.check(datagram.subarray(valueOffset, valueOffset + attrLength), valueOffset, index);
    if (attrType === TYPE_MESSAGE_INTEGRITY) integrityIndex = index;
    else if (attrType === TYPE_MESSAGE_INTEGRITY_SHA256) integritySha256Index = index;
    else if (attrType === TYPE_FINGERPRINT) {
      fingerprintIndex = index;
      // RFC 5389 §15.5: CRC-32 of everything before FINGERPRINT (the header length already
      // covers FINGERPRINT, since it is last), XOR 0x5354554e.
      const v = valueOffset;
      const expected = (((datagram[v] ?? 0) << 24) | ((datagram[v + 1] ?? 0) << 16) | ((datagram[v + 2] ?? 0) << 8) | (datagram[v + 3] ?? 0)) >>> 0;
      const actual = (crc32(datagram, 0, pos) ^ FINGERPRINT_XOR) >>> 0;
      if (actual !== expected) {
        throw new DecodeError(`stun/attribute[${index}]/FINGERPRINT`, valueOffset, `0x${expected.toString(16)} does not match 0x${actual.toString(16)}`);
      }
    }
    attributes.push(attrType, pos, attrLength);
    pos = next;
    index++;
  }
  // The loop reads up to declaredEnd and fails on any byte missing, so here n === declaredEnd.
  return new DecodedStunMessage(datagram, type, attributes, integrityIndex, integritySha256Index, fingerprintIndex);
}
