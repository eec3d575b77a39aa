/**
 * Typed CDR (XCDR1, PLAIN) member codecs whose `idl` text is the member's IDL type. A struct codec
 * is built from an ordered record of member codecs; that record is the single source of truth for
 * the wire order, the decoder, the encoder and the IDL-agreement test (test/idl/).
 */
import type { CdrReader } from '../../cdr/cdr-reader.js';
import type { CdrWriter } from '../../cdr/cdr-writer.js';
import { EncodeError } from '../../util/errors.js';

/** How one IDL type is read and written. */
export interface CdrType<V> {
  /** The IDL type text: `unsigned long`, `string`, `octet[16]`, `sequence<Locator_t>`, `Locator_t`. */
  readonly idl: string;
  /** @throws DecodeError on truncated or malformed input. Octet fields alias the input. */
  read(r: CdrReader, field: string): V;
  /** @throws EncodeError when `v` cannot be represented. */
  write(w: CdrWriter, v: V): void;
}

/** One member of a struct descriptor, for introspection. */
export interface MemberDescriptor {
  readonly name: string;
  readonly idl: string;
}

/** A CDR struct codec plus its ordered member list (the IDL struct's members, in order). */
export interface StructType<T> extends CdrType<T> {
  readonly name: string;
  readonly members: readonly MemberDescriptor[];
}

/** An ordered record of member codecs for `T` (insertion order is the wire order). */
export type StructMembers<T> = { readonly [K in keyof T]-?: CdrType<T[K]> };

function checkRange(field: string, v: number, min: number, max: number): void {
  if (!Number.isInteger(v) || v < min || v > max) throw new EncodeError(field, `${v} is not an integer in [${min}, ${max}]`);
}

export const octet: CdrType<number> = {
  idl: 'octet',
  read: (r, f) => r.u8(f),
  write: (w, v) => { checkRange('octet', v, 0, 0xff); w.u8(v); },
};
/** CDR boolean: one octet; any non-zero value reads as true. */
export const boolean: CdrType<boolean> = {
  idl: 'boolean',
  read: (r, f) => r.u8(f) !== 0,
  write: (w, v) => { w.u8(v ? 1 : 0); },
};
export const short: CdrType<number> = {
  idl: 'short',
  read: (r, f) => r.ai16(f),
  write: (w, v) => { checkRange('short', v, -0x8000, 0x7fff); w.ai16(v); },
};
export const unsignedShort: CdrType<number> = {
  idl: 'unsigned short',
  read: (r, f) => r.au16(f),
  write: (w, v) => { checkRange('unsigned short', v, 0, 0xffff); w.au16(v); },
};
export const long: CdrType<number> = {
  idl: 'long',
  read: (r, f) => r.ai32(f),
  write: (w, v) => { checkRange('long', v, -0x8000_0000, 0x7fff_ffff); w.ai32(v); },
};
export const unsignedLong: CdrType<number> = {
  idl: 'unsigned long',
  read: (r, f) => r.au32(f),
  write: (w, v) => { checkRange('unsigned long', v, 0, 0xffff_ffff); w.au32(v); },
};
export const string: CdrType<string> = {
  idl: 'string',
  read: (r, f) => r.string(f),
  write: (w, v) => { w.string(v); },
};

/** `octet name[n]`; decoded values alias the input. */
export function octetArray(n: number): CdrType<Uint8Array> {
  return {
    idl: `octet[${n}]`,
    read: (r, f) => r.bytesView(n, f),
    write: (w, v) => {
      if (v.length !== n) throw new EncodeError(`octet[${n}]`, `has ${v.length} bytes`);
      w.bytes(v);
    },
  };
}

/** `sequence<octet>`; decoded values alias the input. */
export const octetSequence: CdrType<Uint8Array> = {
  idl: 'sequence<octet>',
  read: (r, f) => r.bytesView(r.sequenceLength(f, 1), f),
  write: (w, v) => { w.au32(v.length).bytes(v); },
};

/** `sequence<E>`; `minElementSize` bounds the count by the bytes left before allocating. */
export function sequence<E>(element: CdrType<E>, minElementSize: number): CdrType<readonly E[]> {
  return {
    idl: `sequence<${element.idl}>`,
    read: (r, f) => {
      const n = r.sequenceLength(f, minElementSize);
      const out: E[] = [];
      for (let i = 0; i < n; i++) out.push(element.read(r, `${f}[${i}]`));
      return out;
    },
    write: (w, v) => {
      w.au32(v.length);
      for (const e of v) element.write(w, e);
    },
  };
}

/** True once every member named in `members` has been assigned in `p`. */
function isComplete<T>(p: Partial<T>, members: StructMembers<T>): p is T {
  for (const k in members) if (!(k in p)) return false;
  return true;
}

/**
 * A struct codec read and written member by member in the order of `members`.
 * @param name the IDL struct name, e.g. `IceGeneral_t`.
 */
export function struct<T extends object>(name: string, members: StructMembers<T>): StructType<T> {
  const list: MemberDescriptor[] = [];
  for (const k in members) list.push({ name: k, idl: members[k].idl });
  return {
    name,
    idl: name,
    members: list,
    read: (r, field) => {
      const out: Partial<T> = {};
      for (const k in members) out[k] = members[k].read(r, `${field}.${k}`);
      if (!isComplete(out, members)) return r.fail(field, `${name} incomplete`);
      return out;
    },
    write: (w, v) => {
      for (const k in members) members[k].write(w, v[k]);
    },
  };
}
