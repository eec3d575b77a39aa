/**
 * Instance key hashes (RTPS 2.5 §9.6.4.8, XTypes 1.3 §7.6.8): the key members, in member-id order,
 * serialized as PLAIN_CDR2 big-endian (the KeyHolder); used as is, zero-padded to 16 bytes, when the
 * KeyHolder's maximum serialized size is at most 16 bytes, else its MD5.
 */
import { md5 } from '@noble/hashes/legacy.js';
import { CdrWriter } from './cdr-writer.js';
import type { StructCodec } from './struct-codec.js';
import type { ElementType, MemberDef, StructDef } from './type-model.js';

/** Length of a key hash (RTPS 2.5 §9.3.2 KeyHash_t). */
export const KEY_HASH_LENGTH = 16;

const KEY_RULES = { version: 'xcdr2', littleEndian: false } as const;

/** The KeyHolder serialization of `sample` (PLAIN_CDR2 big-endian, no encapsulation header). */
export function serializeKeyHolder(codec: StructCodec, def: StructDef, sample: unknown): Uint8Array {
  const w = new CdrWriter(KEY_RULES, 64);
  codec.writeStruct(w, def, sample, def.name, true);
  return w.finish();
}

/**
 * The maximum size of `def`'s KeyHolder in bytes, `Infinity` when a key contains an unbounded string
 * or sequence. Alignment is tracked from offset 0 with XCDR2's maximum alignment of 4.
 */
export function maxKeyHolderSize(codec: StructCodec, def: StructDef): number {
  return structEnd(codec, def, 0, new Set());
}

function align(offset: number, n: number): number {
  const a = Math.min(n, 4);
  return Math.ceil(offset / a) * a;
}

function structEnd(codec: StructCodec, def: StructDef, offset: number, seen: ReadonlySet<string>): number {
  if (seen.has(def.name)) return Infinity;
  const inner = new Set([...seen, def.name]);
  const members = def.keyMembers.length > 0 ? def.keyMembers : def.members;
  let o = offset;
  for (const m of members) o = memberEnd(codec, m, o, inner);
  return o;
}

function memberEnd(codec: StructCodec, m: MemberDef, offset: number, seen: ReadonlySet<string>): number {
  let o = offset;
  let count = m.arrayLengths.reduce((a, b) => a * b, 1);
  if (m.element.kind !== 'primitive' && (m.isSequence || m.arrayLengths.length > 0)) o = align(o, 4) + 4; // DHEADER
  if (m.isSequence) {
    if (m.sequenceBound === undefined) return Infinity;
    o = align(o, 4) + 4;
    count = m.sequenceBound;
  }
  for (let i = 0; i < count && Number.isFinite(o); i++) o = elementEnd(codec, m.element, o, seen);
  return o;
}

function elementEnd(codec: StructCodec, el: ElementType, offset: number, seen: ReadonlySet<string>): number {
  switch (el.kind) {
    case 'primitive': return align(offset, el.size) + el.size;
    case 'string': return el.bound === undefined ? Infinity : align(offset, 4) + 4 + el.bound + 1;
    case 'struct': return structEnd(codec, codec.struct(el.name), offset, seen);
    default: return Infinity;
  }
}

/** The 16-byte key hash of `sample` as struct `def` (RTPS 2.5 §9.6.4.8). @throws EncodeError on a bad sample. */
export function computeKeyHash(codec: StructCodec, def: StructDef, sample: unknown, maxSize = maxKeyHolderSize(codec, def)): Uint8Array {
  // One scratch writer for every call (a key hash is computed per keyed write): no buffer per call.
  const w = scratch;
  w.offset = 0;
  w.origin = 0;
  codec.writeStruct(w, def, sample, def.name, true);
  const holder = w.written;
  if (maxSize > KEY_HASH_LENGTH) return md5(holder);
  const out = new Uint8Array(KEY_HASH_LENGTH);
  out.set(holder);
  return out;
}

const scratch = new CdrWriter(KEY_RULES, 256);
