/**
 * Mutable (PL_CDR) structs: an ordered table of members, each bound to one PID codec, drives decoding
 * (dispatch by PID), encoding (table order) and the IDL-agreement test. XTypes 1.3 §7.4.1.2, RTPS
 * 2.5 §9.6.2.2.1 (unknown PIDs ignored unless flagged must-understand; vendor PIDs only from their vendor).
 */
import type { CdrRules } from '../../cdr/cdr-reader.js';
import type { CdrWriter } from '../../cdr/cdr-writer.js';
import { DecodeError } from '../../util/errors.js';
import type { RawParameter } from '../parameter-list.js';
import { PID_EXTENDED, PID_MUST_UNDERSTAND_FLAG, writeParameter } from '../parameter-list.js';
import type { ParameterCodec } from './parameter-codec.js';

/** One member of a PL struct: a PID and how its (possibly repeated) values fold into the member. */
export interface PlMember<V> {
  readonly pid: number;
  readonly pidName: string;
  /** The member's IDL type: the codec's type, or `sequence<…>` of it for a repeated PID. */
  readonly idl: string;
  readonly vendorId: number | undefined;
  /** The member's value when its PID is absent. */
  readonly absent: V;
  merge(prev: V, value: Uint8Array, rules: CdrRules, offset: number): V;
  /** Writes zero or more parameters. */
  encode(w: CdrWriter, v: V): void;
}

/** A PID that appears at most once; a repeat keeps the first value (the repeat must still decode). */
export function single<V>(codec: ParameterCodec<V>): PlMember<V | undefined> {
  return {
    pid: codec.pid, pidName: codec.name, idl: codec.type.idl, vendorId: codec.vendorId, absent: undefined,
    merge: (prev, value, rules, offset) => {
      const v = codec.decode(value, rules, offset);
      return prev ?? v;
    },
    encode: (w, v) => { if (v !== undefined) codec.encode(w, v); },
  };
}

/** A PID that may repeat (locators, ICE parameters): one element per parameter, in wire order. */
export function repeated<E>(codec: ParameterCodec<E>): PlMember<readonly E[]> {
  return {
    pid: codec.pid, pidName: codec.name, idl: `sequence<${codec.type.idl}>`, vendorId: codec.vendorId, absent: [],
    merge: (prev, value, rules, offset) => [...prev, codec.decode(value, rules, offset)],
    encode: (w, v) => { for (const e of v) codec.encode(w, e); },
  };
}

export type PlMembers<T> = { readonly [K in keyof T]-?: PlMember<T[K]> };

/** A parameter this struct does not interpret, kept verbatim (value bytes in the sender's byte order). */
export interface UnknownParameter {
  readonly pid: number;
  /** Value bytes including padding; a view into the decoder input. */
  readonly value: Uint8Array;
}

export interface PlMemberDescriptor {
  readonly name: string;
  readonly idl: string;
  readonly pid: number;
  readonly pidName: string;
}

export interface PlStructType<T> {
  readonly name: string;
  readonly members: readonly PlMemberDescriptor[];
  /**
   * Folds a parameter list into `T`. `vendorId` is the sender's (RTPS header) vendor id.
   * @throws DecodeError on a malformed known parameter or an unknown must-understand PID.
   */
  decode(params: readonly RawParameter[], rules: CdrRules, vendorId: number): { value: T; unknown: UnknownParameter[] };
  /** Writes members in table order, then `unknown`, then the tail members (no sentinel). */
  encode(w: CdrWriter, value: T, unknown: readonly UnknownParameter[]): void;
}

export interface PlStructOptions<T> {
  /** Members written last by `writeTail` instead of in table order (OpenDDS ICE, spec §2.3). */
  readonly tail?: readonly (keyof T & string)[];
  readonly writeTail?: (w: CdrWriter, value: T) => void;
}

function isComplete<T>(p: Partial<T>, members: PlMembers<T>): p is T {
  for (const k in members) if (!(k in p)) return false;
  return true;
}

/** Defines a PL struct from its ordered member table. */
export function plStruct<T extends object>(name: string, members: PlMembers<T>, options: PlStructOptions<T> = {}): PlStructType<T> {
  const byPid = new Map<number, Extract<keyof T, string>>();
  const descriptors: PlMemberDescriptor[] = [];
  for (const k in members) {
    const m = members[k];
    byPid.set(m.pid, k);
    descriptors.push({ name: k, idl: m.idl, pid: m.pid, pidName: m.pidName });
  }
  const tail = new Set<string>(options.tail ?? []);
  return {
    name,
    members: descriptors,
    decode(params, rules, vendorId) {
      const out: Partial<T> = {};
      for (const k in members) out[k] = members[k].absent;
      const unknown: UnknownParameter[] = [];
      for (const p of params) {
        const k = byPid.get(p.pid);
        const m = k === undefined ? undefined : members[k];
        if (k !== undefined && m !== undefined && (m.vendorId === undefined || m.vendorId === vendorId)) {
          const prev = out[k] ?? m.absent;
          out[k] = m.merge(prev, p.value, rules, p.offset);
          continue;
        }
        // RTPS 2.5 §9.6.2.2.1 / XTypes 1.3 §7.4.1.2.1: an id we cannot interpret that carries the
        // must-understand flag makes the whole sample invalid.
        if (p.pid <= 0xffff && (p.pid & PID_MUST_UNDERSTAND_FLAG) !== 0) {
          throw new DecodeError(`${name}/parameter 0x${p.pid.toString(16)}`, p.offset, 'unknown must-understand parameter');
        }
        unknown.push({ pid: p.pid, value: p.value });
      }
      if (!isComplete(out, members)) throw new DecodeError(name, 0, 'incomplete');
      return { value: out, unknown };
    },
    encode(w, value, unknown) {
      for (const k in members) if (!tail.has(k)) members[k].encode(w, value[k]);
      for (const u of unknown) {
        if (u.pid > 0xffff) w.u16(PID_EXTENDED).u16(8).u32(u.pid).u32(u.value.length).bytes(u.value).align(4);
        else writeParameter(w, u.pid, () => { w.bytes(u.value); });
      }
      options.writeTail?.(w, value);
    },
  };
}
