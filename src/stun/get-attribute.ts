/**
 * Typed access to the attributes of a decoded message (STYLE.md rule 8), with OpenDDS's
 * duplicate rule (spec §3.2): for USERNAME, PRIORITY and MESSAGE-INTEGRITY the last occurrence
 * wins, for every other type the first.
 */
import type { TransportAddress } from '../util/address.js';
import type { AttributeCodec } from './attribute-codec.js';
import { MappedAddress } from './attributes/mapped-address.js';
import { codecForType, isComprehensionRequired } from './attributes/registry.js';
import { XorMappedAddress } from './attributes/xor-mapped-address.js';
import { DecodedStunMessage, type StunMessage } from './message.js';

/** Types for which OpenDDS reads the last occurrence (USERNAME, MESSAGE-INTEGRITY, PRIORITY; spec §3.2). */
const LAST_WINS: ReadonlySet<number> = new Set([0x0006, 0x0008, 0x0024]);

// Decoded messages are read through their index, so that reading one attribute makes one view
// rather than materialising them all; other StunMessage values go through `attributes`.

function decodeAt<T>(msg: StunMessage, codec: AttributeCodec<T>, i: number): T | undefined {
  if (msg instanceof DecodedStunMessage) {
    if (i < 0 || i >= msg.attributeCount) return undefined;
    return codec.decode(msg.valueAt(i), msg.transactionId, msg.offsetAt(i) + 4, i);
  }
  const a = msg.attributes[i];
  if (a === undefined) return undefined;
  return codec.decode(a.value, msg.transactionId, a.offset + 4, i);
}

function firstIndex(msg: StunMessage, type: number): number {
  if (msg instanceof DecodedStunMessage) {
    for (let i = 0; i < msg.attributeCount; i++) if (msg.typeAt(i) === type) return i;
    return -1;
  }
  const list = msg.attributes;
  for (let i = 0; i < list.length; i++) if (list[i]?.type === type) return i;
  return -1;
}

function lastIndex(msg: StunMessage, type: number): number {
  if (msg instanceof DecodedStunMessage) {
    for (let i = msg.attributeCount - 1; i >= 0; i--) if (msg.typeAt(i) === type) return i;
    return -1;
  }
  const list = msg.attributes;
  for (let i = list.length - 1; i >= 0; i--) if (list[i]?.type === type) return i;
  return -1;
}

/**
 * The value of `codec`'s attribute in `msg`, or undefined when absent. Of duplicates, the last
 * USERNAME, PRIORITY or MESSAGE-INTEGRITY and the first of any other type is read (OpenDDS, spec
 * §3.2). Byte fields are views into the datagram.
 * @throws DecodeError only for a codec this library does not register (registered types were
 * checked by decodeStunMessage).
 */
export function getAttribute<T>(msg: StunMessage, codec: AttributeCodec<T>): T | undefined {
  return decodeAt(msg, codec, LAST_WINS.has(codec.type) ? lastIndex(msg, codec.type) : firstIndex(msg, codec.type));
}

/** The first occurrence of `codec`'s attribute (RFC 5389 §15: receivers use the first). @throws DecodeError as {@link getAttribute}. */
export function getFirstAttribute<T>(msg: StunMessage, codec: AttributeCodec<T>): T | undefined {
  return decodeAt(msg, codec, firstIndex(msg, codec.type));
}

/** The last occurrence of `codec`'s attribute. @throws DecodeError as {@link getAttribute}. */
export function getLastAttribute<T>(msg: StunMessage, codec: AttributeCodec<T>): T | undefined {
  return decodeAt(msg, codec, lastIndex(msg, codec.type));
}

/** Every occurrence of `codec`'s attribute, in wire order (e.g. several XOR-PEER-ADDRESS, RFC 8656 §9). */
export function getAllAttributes<T>(msg: StunMessage, codec: AttributeCodec<T>): T[] {
  const out: T[] = [];
  msg.attributes.forEach((a, i) => {
    if (a.type === codec.type) out.push(codec.decode(a.value, msg.transactionId, a.offset + 4, i));
  });
  return out;
}

/** True when `msg` has at least one attribute of `type`. */
export function hasAttribute(msg: StunMessage, type: number): boolean {
  return firstIndex(msg, type) >= 0;
}

/** The mapped address: XOR-MAPPED-ADDRESS if present, else MAPPED-ADDRESS (OpenDDS spec §3.2, RFC 5389 §7.3.3). */
export function getMappedAddress(msg: StunMessage): TransportAddress | undefined {
  return getAttribute(msg, XorMappedAddress) ?? getAttribute(msg, MappedAddress);
}

/**
 * The comprehension-required attribute types (< 0x8000, RFC 5389 §15) of `msg` that are not in
 * `understood` (by default: every type with a codec here), each once, in wire order. A non-empty
 * result means a request gets a 420 response listing them in UNKNOWN-ATTRIBUTES (RFC 5389 §7.3.1).
 * An agent that only understands a subset (OpenDDS: the ICE ones, spec §3.2) passes that subset.
 */
export function unknownComprehensionRequired(msg: StunMessage, understood?: ReadonlySet<number>): number[] {
  const out: number[] = [];
  for (const a of msg.attributes) {
    if (!isComprehensionRequired(a.type)) continue;
    const known = understood === undefined ? codecForType(a.type) !== undefined : understood.has(a.type);
    if (!known && !out.includes(a.type)) out.push(a.type);
  }
  return out;
}
