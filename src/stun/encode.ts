/**
 * The STUN message encoder (RFC 5389 §6, §15): header, attributes in the order given, then the
 * computed MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT.
 */
import { EncodeError } from '../util/errors.js';
import type { AttributeCodec } from './attribute-codec.js';
import { ATTRIBUTE_HEADER_LENGTH, FINGERPRINT_XOR, HEADER_LENGTH, MAGIC_COOKIE, TRANSACTION_ID_LENGTH } from './constants.js';
import { crc32 } from './crc32.js';
import { MESSAGE_INTEGRITY_LENGTH, MESSAGE_INTEGRITY_SHA256_LENGTH, type IntegrityKey } from './integrity.js';
import { encodeMessageType, type StunClassName } from './message-type.js';
import { allocateOutput } from './output-pool.js';

const TYPE_MESSAGE_INTEGRITY = 0x0008;
const TYPE_MESSAGE_INTEGRITY_SHA256 = 0x001c;
const TYPE_FINGERPRINT = 0x8028;

/**
 * An attribute ready to be written: made by {@link attr} (typed, encoded at send time),
 * {@link prepareAttribute} (typed, encoded once) or {@link rawAttr} (bytes).
 */
export interface EncodableAttribute {
  readonly type: number;
  /** Value length in bytes, without padding. */
  readonly length: number;
  /** Writes exactly `length` bytes at `out[offset]`. */
  write(out: Uint8Array, offset: number, transactionId: Uint8Array): void;
}

/**
 * A typed value written by its codec at encode time. A class rather than an object with a closure:
 * one allocation per attribute, and the method stays on the prototype.
 */
class CodecAttribute<T> implements EncodableAttribute {
  readonly type: number;
  readonly length: number;
  readonly #codec: AttributeCodec<T>;
  readonly #value: T;

  constructor(codec: AttributeCodec<T>, value: T) {
    this.type = codec.type;
    this.length = codec.sizeOf(value);
    this.#codec = codec;
    this.#value = value;
  }

  write(out: Uint8Array, offset: number, transactionId: Uint8Array): void {
    this.#codec.write(this.#value, transactionId, out, offset);
  }
}

/** Value bytes copied as they are at encode time. */
class BytesAttribute implements EncodableAttribute {
  readonly type: number;
  readonly length: number;
  readonly #value: Uint8Array;

  constructor(type: number, value: Uint8Array) {
    this.type = type;
    this.length = value.length;
    this.#value = value;
  }

  write(out: Uint8Array, offset: number): void {
    const v = this.#value;
    // Short values (PRIORITY, ICE-CONTROLLING) copy faster byte by byte than through `set`.
    if (v.length > 16) out.set(v, offset);
    else for (let i = 0; i < v.length; i++) out[offset + i] = v[i] ?? 0;
  }
}

/**
 * `value` encoded by `codec`, sized (and validated) now, written at encode time.
 * @throws EncodeError when `value` cannot be encoded.
 */
export function attr<T>(codec: AttributeCodec<T>, value: T): EncodableAttribute {
  return new CodecAttribute(codec, value);
}

/** The XOR address attributes: their value depends on the transaction id (RFC 5389 §15.2). */
const TRANSACTION_DEPENDENT: ReadonlySet<number> = new Set([0x0012, 0x0016, 0x0020]);

/** Passed to codecs that ignore it (see {@link prepareAttribute}). */
const ZERO_TRANSACTION_ID = new Uint8Array(TRANSACTION_ID_LENGTH);

/**
 * `value` encoded by `codec` once, for attributes sent unchanged in many messages: an ICE agent
 * prepares USERNAME per checklist, ICE-CONTROLLING/-CONTROLLED per role and PRIORITY per pair
 * (RFC 8445 §7.1.1–§7.1.3), so a check only copies bytes instead of re-encoding UTF-8 and bigints.
 * The result can be reused in any number of messages.
 * @throws EncodeError when `value` cannot be encoded, or for XOR-MAPPED-ADDRESS,
 * XOR-PEER-ADDRESS and XOR-RELAYED-ADDRESS, whose bytes depend on each message's transaction id.
 */
export function prepareAttribute<T>(codec: AttributeCodec<T>, value: T): EncodableAttribute {
  if (TRANSACTION_DEPENDENT.has(codec.type)) {
    throw new EncodeError(`stun/attribute/${codec.name}`, 'depends on the transaction id: use attr()');
  }
  return new BytesAttribute(codec.type, codec.encode(value, ZERO_TRANSACTION_ID));
}

/**
 * An attribute of any `type` with `value` written as is (for types without a codec, and to
 * re-send unknown attributes). `value` is not copied until encoding.
 */
export function rawAttr(type: number, value: Uint8Array): EncodableAttribute {
  if (!Number.isInteger(type) || type < 0 || type > 0xffff) throw new EncodeError('stun/attribute/type', `${type} is not a u16`);
  return new BytesAttribute(type, value);
}

/** What {@link encodeStunMessage} writes. */
export interface StunMessageInit {
  /** Method, e.g. `StunMethod.binding` (0..0xFFF). */
  readonly method: number;
  readonly messageClass: StunClassName;
  /** 12 bytes, e.g. from a {@link TransactionIdSource}. */
  readonly transactionId: Uint8Array;
  /** Written in this order. Must not contain MESSAGE-INTEGRITY(-SHA256) or FINGERPRINT: use the options below. */
  readonly attributes?: readonly EncodableAttribute[];
  /** Appends MESSAGE-INTEGRITY (HMAC-SHA1) keyed with this (RFC 5389 §15.4). */
  readonly integrity?: IntegrityKey;
  /** Appends MESSAGE-INTEGRITY-SHA256 (32 bytes) keyed with this, after MESSAGE-INTEGRITY (RFC 8489 §14.6). */
  readonly integritySha256?: IntegrityKey;
  /** Appends FINGERPRINT last (RFC 5389 §15.5). */
  readonly fingerprint?: boolean;
  /**
   * Byte used to pad attribute values to 4 bytes; default 0. RFC 5389 §15 lets senders pad with
   * any value (RFC 5769's vectors use 0x20, OpenDDS uses 0); integrity covers the padding, so this
   * option exists to reproduce such messages byte for byte.
   */
  readonly paddingByte?: number;
}

/** Exact size in bytes of the message {@link encodeStunMessage} writes for `init`. */
export function sizeOfStunMessage(init: StunMessageInit): number {
  let size = HEADER_LENGTH;
  const attributes = init.attributes;
  if (attributes !== undefined) {
    for (let i = 0; i < attributes.length; i++) size += ATTRIBUTE_HEADER_LENGTH + (((attributes[i]?.length ?? 0) + 3) & ~3);
  }
  if (init.integrity !== undefined) size += ATTRIBUTE_HEADER_LENGTH + MESSAGE_INTEGRITY_LENGTH;
  if (init.integritySha256 !== undefined) size += ATTRIBUTE_HEADER_LENGTH + MESSAGE_INTEGRITY_SHA256_LENGTH;
  if (init.fingerprint === true) size += ATTRIBUTE_HEADER_LENGTH + 4;
  return size;
}

function writeAttributeHeader(out: Uint8Array, pos: number, type: number, length: number): void {
  out[pos] = type >>> 8;
  out[pos + 1] = type;
  out[pos + 2] = length >>> 8;
  out[pos + 3] = length;
}

/**
 * Encodes a message into a new array of exactly {@link sizeOfStunMessage} bytes (the only
 * allocation besides the caller's attribute objects and the views handed to the HMAC). Small
 * messages are views into a shared slab: use the result's `byteOffset` with its `buffer`.
 * MESSAGE-INTEGRITY is computed with the header length covering up to its own end, then
 * MESSAGE-INTEGRITY-SHA256 likewise, then the final length is set and FINGERPRINT computed over
 * everything before it (RFC 5389 §15.4, §15.5). For checks sent again and again, build the
 * attributes once with {@link prepareAttribute} and keep the array and the {@link IntegrityKey}.
 * @throws EncodeError for a bad method, transaction id, padding byte, oversize message or a
 * computed attribute in `attributes`.
 */
export function encodeStunMessage(init: StunMessageInit): Uint8Array {
  const tid = init.transactionId;
  if (tid.length !== TRANSACTION_ID_LENGTH) throw new EncodeError('stun/transactionId', `must be 12 bytes, is ${tid.length}`);
  const pad = init.paddingByte ?? 0;
  if (!Number.isInteger(pad) || pad < 0 || pad > 255) throw new EncodeError('stun/paddingByte', `${pad} is not a byte`);
  const size = sizeOfStunMessage(init);
  if (size - HEADER_LENGTH > 0xfffc) throw new EncodeError('stun/length', `${size - HEADER_LENGTH} bytes of attributes exceed 65532`);
  const out = allocateOutput(size);
  const type = encodeMessageType(init.method, init.messageClass);
  out[0] = type >>> 8;
  out[1] = type;
  out[4] = MAGIC_COOKIE >>> 24;
  out[5] = (MAGIC_COOKIE >>> 16) & 0xff;
  out[6] = (MAGIC_COOKIE >>> 8) & 0xff;
  out[7] = MAGIC_COOKIE & 0xff;
  for (let i = 0; i < TRANSACTION_ID_LENGTH; i++) out[8 + i] = tid[i] ?? 0;
  let pos = HEADER_LENGTH;
  const attributes = init.attributes;
  const count = attributes === undefined ? 0 : attributes.length;
  for (let i = 0; i < count; i++) {
    const a = attributes?.[i];
    if (a === undefined) continue;
    if (a.type === TYPE_MESSAGE_INTEGRITY || a.type === TYPE_MESSAGE_INTEGRITY_SHA256 || a.type === TYPE_FINGERPRINT) {
      throw new EncodeError(`stun/attribute[${i}]`, 'MESSAGE-INTEGRITY, MESSAGE-INTEGRITY-SHA256 and FINGERPRINT are computed: use the encoder options');
    }
    if (a.length > 0xffff) throw new EncodeError(`stun/attribute[${i}]`, `value of ${a.length} bytes exceeds 65535`);
    writeAttributeHeader(out, pos, a.type, a.length);
    a.write(out, pos + ATTRIBUTE_HEADER_LENGTH, tid);
    pos += ATTRIBUTE_HEADER_LENGTH + a.length;
    // RFC 5389 §15: pad to a multiple of 4 (the array is zero-filled already).
    if (pad !== 0) while ((pos & 3) !== 0) out[pos++] = pad;
    else pos = (pos + 3) & ~3;
  }
  // Each MAC is computed with the header length covering up to the end of its own attribute
  // (RFC 5389 §15.4, RFC 8489 §14.6): writing that length first lets the key hash `out` as is.
  if (init.integrity !== undefined) {
    writeAttributeHeader(out, pos, TYPE_MESSAGE_INTEGRITY, MESSAGE_INTEGRITY_LENGTH);
    const lengthField = pos + ATTRIBUTE_HEADER_LENGTH + MESSAGE_INTEGRITY_LENGTH - HEADER_LENGTH;
    out[2] = lengthField >>> 8;
    out[3] = lengthField;
    init.integrity.writeMac(out, pos, lengthField, false, out, pos + ATTRIBUTE_HEADER_LENGTH, MESSAGE_INTEGRITY_LENGTH);
    pos += ATTRIBUTE_HEADER_LENGTH + MESSAGE_INTEGRITY_LENGTH;
  }
  if (init.integritySha256 !== undefined) {
    writeAttributeHeader(out, pos, TYPE_MESSAGE_INTEGRITY_SHA256, MESSAGE_INTEGRITY_SHA256_LENGTH);
    const lengthField = pos + ATTRIBUTE_HEADER_LENGTH + MESSAGE_INTEGRITY_SHA256_LENGTH - HEADER_LENGTH;
    out[2] = lengthField >>> 8;
    out[3] = lengthField;
    init.integritySha256.writeMac(out, pos, lengthField, true, out, pos + ATTRIBUTE_HEADER_LENGTH, MESSAGE_INTEGRITY_SHA256_LENGTH);
    pos += ATTRIBUTE_HEADER_LENGTH + MESSAGE_INTEGRITY_SHA256_LENGTH;
  }
  const length = size - HEADER_LENGTH;
  out[2] = length >>> 8;
  out[3] = length;
  if (init.fingerprint === true) {
    writeAttributeHeader(out, pos, TYPE_FINGERPRINT, 4);
    const fp = (crc32(out, 0, pos) ^ FINGERPRINT_XOR) >>> 0;
    out[pos + 4] = fp >>> 24;
    out[pos + 5] = fp >>> 16;
    out[pos + 6] = fp >>> 8;
    out[pos + 7] = fp;
  }
  return out;
}
