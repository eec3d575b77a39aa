/**
 * An interpreter that serializes user samples from a {@link StructDef} table with CdrReader/CdrWriter:
 * XCDR1 (PLAIN_CDR, PL_CDR for mutable) and XCDR2 (PLAIN_CDR2, DELIMITED_CDR2 with a DHEADER for
 * appendable, PL_CDR2 with EMHEADERs for mutable), XTypes 1.3 §7.4.1-§7.4.3.5.
 */
import { EncodeError } from '../util/errors.js';
import { checkInt } from '../util/byte-writer.js';
import { CdrReader } from './cdr-reader.js';
import { encodeUtf8 } from './cdr-writer.js';
import type { CdrWriter } from './cdr-writer.js';
import type { ElementType, MemberDef, PrimitiveKind, StructDef } from './type-model.js';
import { copyBytes } from '../util/slab.js';
import {
  beginDHeader, beginEmHeader, beginPlHeader, bounded, endDHeader, endEmHeader, endPlHeader,
  readDHeader, readEmHeader, readPlHeader, writePlSentinel,
} from './xcdr-headers.js';

/** A member value: numbers (bigint for 64-bit integers), booleans, strings, nested samples, arrays; `undefined` for an absent optional. */
/**
 * A member value. Sequences and arrays of `octet`/`uint8`/`char`-as-octet decode as `Uint8Array`
 * (a copy) and encode from a `Uint8Array` or an array of numbers.
 */
export type UserValue = boolean | number | bigint | string | UserSample | Uint8Array | readonly UserValue[] | undefined;

/** A decoded or to-be-encoded sample: member name → value. */
export interface UserSample { readonly [member: string]: UserValue }

function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** XCDR2 puts a DHEADER in front of sequences and arrays of non-primitive elements (XTypes 1.3 §7.4.3.5.2-3). */
function needsCollectionDHeader(el: ElementType): boolean {
  return el.kind !== 'primitive';
}

/** Serializes and deserializes the structs of one type table. */
export class StructCodec {
  constructor(readonly types: ReadonlyMap<string, StructDef>) {}

  struct(name: string): StructDef {
    const def = this.types.get(name);
    if (def === undefined) throw new EncodeError(name, 'unknown struct type');
    return def;
  }

  // ---- writing ---------------------------------------------------------------------------------

  /** Writes `value` as struct `def`; `keyOnly` writes the KeyHolder form (XTypes 1.3 §7.6.8: key members by id, no headers). */
  writeStruct(w: CdrWriter, def: StructDef, value: unknown, path: string, keyOnly = false): void {
    if (!isRecord(value)) throw new EncodeError(path, 'expected an object');
    if (keyOnly) {
      const members = def.keyMembers.length > 0 ? def.keyMembers : [...def.members].sort((a, b) => a.id - b.id);
      for (const m of members) this.writeMember(w, m, value[m.name], `${path}.${m.name}`, true);
      return;
    }
    const isXcdr2 = w.rules.version === 'xcdr2';
    if (def.extensibility === 'mutable') {
      const dh = isXcdr2 ? beginDHeader(w) : -1;
      for (const m of def.members) {
        const v = value[m.name];
        if (m.isOptional && v === undefined) continue;
        if (isXcdr2) {
          const fixed = m.element.kind === 'primitive' && m.arrayLengths.length === 0 && !m.isSequence ? m.element.size : undefined;
          const at = beginEmHeader(w, m.id, m.isKey, fixed);
          this.writeMember(w, m, v, `${path}.${m.name}`, false);
          endEmHeader(w, at);
        } else {
          // XTypes 1.3 §7.4.1.2.2: each PL_CDR member value is aligned relative to its own start.
          const h = beginPlHeader(w, m.id, m.isKey);
          const origin = w.origin;
          w.origin = w.offset;
          this.writeMember(w, m, v, `${path}.${m.name}`, false);
          w.origin = origin;
          endPlHeader(w, h);
        }
      }
      if (isXcdr2) endDHeader(w, dh);
      else writePlSentinel(w);
      return;
    }
    const dh = isXcdr2 && def.extensibility === 'appendable' ? beginDHeader(w) : -1;
    for (const m of def.members) {
      const v = value[m.name];
      if (m.isOptional) {
        // XTypes 1.3 §7.4.3.5.3: XCDR2 optional members of final/appendable structs carry a boolean flag.
        if (!isXcdr2) throw new EncodeError(`${path}.${m.name}`, '@optional in a non-mutable XCDR1 struct is not supported');
        w.u8(v === undefined ? 0 : 1);
        if (v === undefined) continue;
      }
      this.writeMember(w, m, v, `${path}.${m.name}`, false);
    }
    if (dh >= 0) endDHeader(w, dh);
  }

  private writeMember(w: CdrWriter, m: MemberDef, v: unknown, path: string, keyOnly: boolean): void {
    if (m.arrayLengths.length === 0 && !m.isSequence) {
      this.writeElement(w, m.element, v, path, keyOnly);
      return;
    }
    const dh = w.rules.version === 'xcdr2' && needsCollectionDHeader(m.element) ? beginDHeader(w) : -1;
    if (m.isSequence) {
      const isBytes = v instanceof Uint8Array && isOctet(m.element);
      if (!Array.isArray(v) && !isBytes) throw new EncodeError(path, 'expected an array');
      const length = (v as { readonly length: number }).length;
      if (m.sequenceBound !== undefined && length > m.sequenceBound) throw new EncodeError(path, `${length} elements exceed bound ${m.sequenceBound}`);
      w.au32(length);
      if (isBytes) w.bytes(v);
      else if (isOctet(m.element)) writeOctets(w, v as readonly unknown[], path);
      else {
        // Indexed, not forEach: a hole in a sparse array is an undefined element (an EncodeError), not a skipped one.
        const arr = v as readonly unknown[];
        for (let i = 0; i < arr.length; i++) this.writeElement(w, m.element, arr[i], `${path}[${i}]`, keyOnly);
      }
    } else if (m.arrayLengths.length === 1 && isOctet(m.element) && v instanceof Uint8Array && v.length === m.arrayLengths[0]) {
      w.bytes(v);
    } else if (m.arrayLengths.length === 1 && isOctet(m.element) && Array.isArray(v) && v.length === m.arrayLengths[0]) {
      writeOctets(w, v, path);
    } else {
      this.writeArray(w, m, v, 0, path, keyOnly);
    }
    if (dh >= 0) endDHeader(w, dh);
  }

  private writeArray(w: CdrWriter, m: MemberDef, v: unknown, dim: number, path: string, keyOnly: boolean): void {
    const n = m.arrayLengths[dim] ?? 0;
    if (!Array.isArray(v) || v.length !== n) throw new EncodeError(path, `expected an array of ${n}`);
    for (let i = 0; i < n; i++) {
      const e: unknown = v[i];
      if (dim + 1 < m.arrayLengths.length) this.writeArray(w, m, e, dim + 1, `${path}[${i}]`, keyOnly);
      else this.writeElement(w, m.element, e, `${path}[${i}]`, keyOnly);
    }
  }

  private writeElement(w: CdrWriter, el: ElementType, v: unknown, path: string, keyOnly: boolean): void {
    switch (el.kind) {
      case 'string':
        if (typeof v !== 'string') throw new EncodeError(path, 'expected a string');
        if (el.bound === undefined) { w.string(v); return; }
        // The bound counts UTF-8 octets, as the decoder checks it; the UTF-16 length is never larger.
        if (v.length > el.bound) throw new EncodeError(path, `string longer than bound ${el.bound}`);
        {
          const bytes = encodeUtf8(v);
          if (bytes.length > el.bound) throw new EncodeError(path, `string longer than bound ${el.bound}`);
          w.au32(bytes.length + 1).bytes(bytes).u8(0);
        }
        return;
      case 'struct':
        this.writeStruct(w, this.struct(el.name), v, path, keyOnly);
        return;
      case 'primitive':
        writePrimitive(w, el.prim, v, path);
        return;
      default:
        throw new EncodeError(path, 'unknown element kind');
    }
  }

  // ---- reading ---------------------------------------------------------------------------------

  /** Reads struct `def` at the reader's position. @throws DecodeError on malformed bytes. */
  readStruct(r: CdrReader, def: StructDef, path: string): UserSample {
    const out: Record<string, UserValue> = {};
    const isXcdr2 = r.rules.version === 'xcdr2';
    if (def.extensibility === 'mutable') {
      for (const m of def.members) out[m.name] = this.defaultMember(m);
      const byId = new Map(def.members.map((m) => [m.id, m]));
      if (isXcdr2) {
        const { sub, end } = readDHeader(r, path);
        while (sub.offset < end) {
          const h = readEmHeader(sub, path);
          this.readMutableMember(r, sub, h, byId, out, path, false);
          sub.offset = h.end;
        }
        r.offset = end;
      } else {
        for (;;) {
          const h = readPlHeader(r, path);
          if (h === undefined) break;
          this.readMutableMember(r, r, h, byId, out, path, true);
          r.offset = h.end;
        }
      }
      return out;
    }
    let reader = r;
    let end = -1;
    if (isXcdr2 && def.extensibility === 'appendable') ({ sub: reader, end } = readDHeader(r, path));
    for (const m of def.members) {
      // XTypes 1.3 §7.4.3.5.2: members an older writer did not send take their defaults.
      if (end >= 0 && reader.offset >= end) { out[m.name] = this.defaultMember(m); continue; }
      if (m.isOptional) {
        if (!isXcdr2) reader.fail(`${path}.${m.name}`, '@optional in a non-mutable XCDR1 struct is not supported');
        if (reader.u8(`${path}.${m.name}.present`) === 0) { out[m.name] = undefined; continue; }
      }
      out[m.name] = this.readMember(reader, m, `${path}.${m.name}`);
    }
    if (end >= 0) r.offset = end;
    return out;
  }

  private readMutableMember(
    r: CdrReader, within: CdrReader, h: { readonly id: number; readonly mustUnderstand: boolean; readonly start: number; readonly end: number },
    byId: ReadonlyMap<number, MemberDef>, out: Record<string, UserValue>, path: string, resetOrigin: boolean,
  ): void {
    const m = byId.get(h.id);
    if (m === undefined) {
      if (h.mustUnderstand) within.fail(path, `unknown must-understand member id ${h.id}`);
      return;
    }
    const field = `${path}.${m.name}`;
    let mr: CdrReader;
    if (resetOrigin) {
      mr = new CdrReader(r.bytes.subarray(h.start, h.end), r.context, r.rules, r.baseOffset + h.start, 0);
    } else {
      mr = bounded(within, h.end).sub;
      mr.offset = h.start;
    }
    out[m.name] = this.readMember(mr, m, field);
    if (mr.offset > mr.bytes.length) mr.fail(field, 'member overran its header length');
  }

  private readMember(r: CdrReader, m: MemberDef, path: string): UserValue {
    if (m.arrayLengths.length === 0 && !m.isSequence) return this.readElement(r, m.element, path);
    let reader = r;
    let end = -1;
    if (r.rules.version === 'xcdr2' && needsCollectionDHeader(m.element)) ({ sub: reader, end } = readDHeader(r, path));
    let value: UserValue;
    if (m.isSequence) {
      const n = reader.sequenceLength(path, minSizeOf(m.element));
      if (m.sequenceBound !== undefined && n > m.sequenceBound) reader.fail(path, `${n} elements exceed bound ${m.sequenceBound}`);
      if (isOctet(m.element)) {
        value = readOctets(reader, n, path);
      } else {
        const arr: UserValue[] = [];
        for (let i = 0; i < n; i++) arr.push(this.readElement(reader, m.element, `${path}[${i}]`));
        value = arr;
      }
    } else if (m.arrayLengths.length === 1 && isOctet(m.element)) {
      value = readOctets(reader, m.arrayLengths[0] ?? 0, path);
    } else {
      value = this.readArray(reader, m, 0, path);
    }
    if (end >= 0) r.offset = end;
    return value;
  }

  private readArray(r: CdrReader, m: MemberDef, dim: number, path: string): UserValue[] {
    const n = m.arrayLengths[dim] ?? 0;
    const arr: UserValue[] = [];
    for (let i = 0; i < n; i++) {
      arr.push(dim + 1 < m.arrayLengths.length ? this.readArray(r, m, dim + 1, `${path}[${i}]`) : this.readElement(r, m.element, `${path}[${i}]`));
    }
    return arr;
  }

  private readElement(r: CdrReader, el: ElementType, path: string): UserValue {
    switch (el.kind) {
      case 'string': return r.string(path, el.bound === undefined ? 0xffff_ffff : el.bound + 1);
      case 'struct': return this.readStruct(r, this.struct(el.name), path);
      case 'primitive': return readPrimitive(r, el.prim, path);
      default: return r.fail(path, 'unknown element kind');
    }
  }

  // ---- defaults --------------------------------------------------------------------------------

  private defaultMember(m: MemberDef): UserValue {
    if (m.isOptional) return undefined;
    if (m.isSequence) return [];
    const fill = (dim: number): UserValue =>
      dim < m.arrayLengths.length ? Array.from({ length: m.arrayLengths[dim] ?? 0 }, () => fill(dim + 1)) : this.defaultElement(m.element);
    return fill(0);
  }

  private defaultElement(el: ElementType): UserValue {
    switch (el.kind) {
      case 'string': return '';
      case 'struct': {
        const out: Record<string, UserValue> = {};
        for (const m of this.struct(el.name).members) out[m.name] = this.defaultMember(m);
        return out;
      }
      case 'primitive': return el.prim === 'bool' ? false : el.prim === 'int64' || el.prim === 'uint64' ? 0n : 0;
      default: return undefined;
    }
  }
}

/** `octet` (and `char`, `uint8`) elements: sequences and arrays of them take the bulk paths below. */
function isOctet(el: ElementType): boolean {
  return el.kind === 'primitive' && el.prim === 'uint8';
}

/**
 * An octet collection in one pass (bench/dataplane: the per-element path built a path string and
 * dispatched per octet). Same checks and errors as element by element: the first bad element fails.
 */
function writeOctets(w: CdrWriter, v: readonly unknown[], path: string): void {
  const n = v.length;
  const start = w.offset;
  w.zeros(n);
  const out = w.written;
  for (let i = 0; i < n; i++) {
    const e = v[i];
    if (typeof e !== 'number' || (e & 0xff) !== e) {
      w.offset = start;
      writePrimitive(w, 'uint8', e, `${path}[${i}]`); // throws the same EncodeError as before
    }
    out[start + i] = e as number;
  }
}

/** `n` octets copied out of the datagram (≤ 4 KiB into a shared slab, as Node pools small Buffers). */
function readOctets(r: CdrReader, n: number, path: string): Uint8Array {
  // Element-wise, the first missing octet would fail: name the same field.
  return copyBytes(r.bytesView(n, `${path}[${Math.min(n - 1, Math.max(0, r.remaining))}]`));
}

function minSizeOf(el: ElementType): number {
  return el.kind === 'primitive' ? el.size : el.kind === 'string' ? 4 : 1;
}

function toBigInt(v: unknown, path: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  throw new EncodeError(path, 'expected a bigint or a safe integer');
}

function num(v: unknown, path: string): number {
  if (typeof v !== 'number') throw new EncodeError(path, 'expected a number');
  return v;
}

function writePrimitive(w: CdrWriter, prim: PrimitiveKind, v: unknown, path: string): void {
  switch (prim) {
    case 'bool':
      if (typeof v !== 'boolean') throw new EncodeError(path, 'expected a boolean');
      w.u8(v ? 1 : 0); return;
    case 'int8': checkInt(path, num(v, path), -128, 127); w.u8(num(v, path) & 0xff); return;
    case 'uint8': checkInt(path, num(v, path), 0, 255); w.u8(num(v, path)); return;
    case 'int16': checkInt(path, num(v, path), -0x8000, 0x7fff); w.ai16(num(v, path)); return;
    case 'uint16': checkInt(path, num(v, path), 0, 0xffff); w.au16(num(v, path)); return;
    case 'int32': checkInt(path, num(v, path), -0x8000_0000, 0x7fff_ffff); w.ai32(num(v, path)); return;
    case 'uint32': checkInt(path, num(v, path), 0, 0xffff_ffff); w.au32(num(v, path)); return;
    case 'int64': {
      const b = toBigInt(v, path);
      if (BigInt.asIntN(64, b) !== b) throw new EncodeError(path, 'out of int64 range');
      w.ai64(b); return;
    }
    case 'uint64': {
      const b = toBigInt(v, path);
      if (BigInt.asUintN(64, b) !== b) throw new EncodeError(path, 'out of uint64 range');
      w.au64(b); return;
    }
    case 'float32': w.af32(num(v, path)); return;
    case 'float64': w.af64(num(v, path)); return;
    default: throw new EncodeError(path, 'unknown primitive');
  }
}

function readPrimitive(r: CdrReader, prim: PrimitiveKind, path: string): UserValue {
  switch (prim) {
    case 'bool': return r.u8(path) !== 0;
    case 'int8': { const b = r.u8(path); return b >= 0x80 ? b - 0x100 : b; }
    case 'uint8': return r.u8(path);
    case 'int16': return r.ai16(path);
    case 'uint16': return r.au16(path);
    case 'int32': return r.ai32(path);
    case 'uint32': return r.au32(path);
    case 'int64': return r.ai64(path);
    case 'uint64': return r.au64(path);
    case 'float32': return r.af32(path);
    case 'float64': return r.af64(path);
    default: return r.fail(path, 'unknown primitive');
  }
}
