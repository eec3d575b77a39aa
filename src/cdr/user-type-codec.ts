/**
 * The codec interface user types are served through, and the interpreted implementation over
 * {@link StructCodec} (the hot path; see docs/cdr-user-types.md for why).
 */
import { DecodeError, EncodeError } from '../util/errors.js';
import { CdrReader, type CdrRules } from './cdr-reader.js';
import { CdrWriter } from './cdr-writer.js';
import {
  CDR2_BE, CDR2_LE, D_CDR2_BE, D_CDR2_LE, PL_CDR2_BE, PL_CDR2_LE, PL_CDR_BE, PL_CDR_LE, PLAIN_CDR_BE, PLAIN_CDR_LE, padEncapsulation, readEncapsulation, rulesOf,
  writeEncapsulation, ENCAPSULATION_HEADER_SIZE,
} from './encapsulation.js';
import type { EncapsulationKind, PaddingMode } from './encapsulation.js';
import { computeKeyHash, maxKeyHolderSize } from './key-hash.js';
import { copyBytes } from '../util/slab.js';
import type { StructCodec, UserSample } from './struct-codec.js';
import type { Extensibility, StructDef } from './type-model.js';

export interface EncodeOptions {
  /** Representation identifier; must suit the type's extensibility (see {@link encapsulationFor}). */
  readonly encapsulation: EncapsulationKind;
  /** How the payload ends; default `'flagged'` (XTypes 1.3 §7.6.3.1.2, as Cyclone DDS sends). */
  readonly padding?: PaddingMode;
  /**
   * `encode` returns a view of the codec's scratch buffer instead of a copy: valid only until the
   * next `encode` / `encodeKey` on this codec, for a caller that copies it at once (the DDS
   * writer encodes it straight into its DATA). Default false.
   */
  readonly transient?: boolean;
}

/** Encoder and decoder of one user type, payloads including the encapsulation header. */
export interface UserTypeCodec {
  readonly typeName: string;
  /** True when the type has `@key` members. */
  readonly hasKey: boolean;
  /** @throws EncodeError when the sample does not fit the type or the encapsulation does not suit it. */
  encode(sample: UserSample, options: EncodeOptions): Uint8Array;
  /**
   * Decoded strings and octet collections are copies; nothing aliases `bytes`. Octet collections of
   * up to 4 KiB are carved from shared slabs (util/slab.ts), as Node pools small Buffers: their
   * `buffer` is shared, so read them through `byteOffset` / `byteLength`.
   * @throws DecodeError, and nothing else, on bad bytes.
   */
  decode(bytes: Uint8Array): UserSample;
  /** The 16-byte key hash (RTPS 2.5 §9.6.4.8); all zeros for a type without keys. @throws EncodeError. */
  keyHash(sample: UserSample): Uint8Array;
  /**
   * The serialized key of `sample` for a key-only DATA (dispose / unregister, RTPS 2.5 §9.6.4.x,
   * `serializedKey`): the encapsulation header of `options.encapsulation`, then only the key
   * members in member-id order (the KeyHolder layout) in that encapsulation's rules.
   * @throws EncodeError (also for a type without keys).
   */
  encodeKey(sample: UserSample, options: EncodeOptions): Uint8Array;
}

/**
 * The representation identifier for a top-level type (XTypes 1.3 §7.6.3.1.2 / Table 60): XCDR1 uses
 * PLAIN_CDR for final and appendable and PL_CDR for mutable; XCDR2 uses CDR2, D_CDR2, PL_CDR2.
 */
export function encapsulationFor(extensibility: Extensibility, version: 'xcdr1' | 'xcdr2', littleEndian: boolean): EncapsulationKind {
  if (version === 'xcdr1') {
    if (extensibility === 'mutable') return littleEndian ? PL_CDR_LE : PL_CDR_BE;
    return littleEndian ? PLAIN_CDR_LE : PLAIN_CDR_BE;
  }
  switch (extensibility) {
    case 'final': return littleEndian ? CDR2_LE : CDR2_BE;
    case 'appendable': return littleEndian ? D_CDR2_LE : D_CDR2_BE;
    case 'mutable': return littleEndian ? PL_CDR2_LE : PL_CDR2_BE;
    default: throw new EncodeError('extensibility', 'unknown extensibility');
  }
}

/**
 * `bytes` as a plain Uint8Array view. A subclass such as Node's Buffer makes `slice()` return a view
 * (Buffer#slice is subarray), so decoded octet collections would alias the input.
 */
export function plainBytes(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * The rules of `kind` for encoding a sample of `def`.
 * @throws EncodeError when `kind` does not suit the type's extensibility ({@link encapsulationFor}).
 */
export function encapsulationRulesFor(def: StructDef, kind: EncapsulationKind): CdrRules {
  const rules = rulesOf(kind);
  const expected = encapsulationFor(def.extensibility, rules.version, rules.littleEndian);
  if (kind !== expected) {
    throw new EncodeError(def.name, `encapsulation 0x${kind.toString(16)} does not suit a ${def.extensibility} type (expected 0x${expected.toString(16)})`);
  }
  return rules;
}

/** Interprets a {@link StructDef} with CdrReader/CdrWriter. */
export class InterpretedCodec implements UserTypeCodec {
  readonly typeName: string;
  readonly hasKey: boolean;
  readonly #maxKeySize: number;
  #scratch: CdrWriter | undefined;

  constructor(readonly codec: StructCodec, readonly def: StructDef) {
    this.typeName = def.name;
    this.hasKey = def.keyMembers.length > 0;
    this.#maxKeySize = this.hasKey ? maxKeyHolderSize(codec, def) : 0;
  }

  encode(sample: UserSample, options: EncodeOptions): Uint8Array {
    const kind = options.encapsulation;
    const rules = encapsulationRulesFor(this.def, kind);
    // Written into a scratch writer kept per rule set, then copied out at its exact size: one
    // allocation per sample and no DataView per sample (bench/dataplane).
    const w = this.#scratchFor(rules);
    w.offset = 0;
    w.origin = ENCAPSULATION_HEADER_SIZE;
    writeEncapsulation(w, kind);
    this.codec.writeStruct(w, this.def, sample, this.typeName);
    padEncapsulation(w, 0, options.padding ?? 'flagged');
    return options.transient === true ? w.written : copyBytes(w.written);
  }

  encodeKey(sample: UserSample, options: EncodeOptions): Uint8Array {
    if (!this.hasKey) throw new EncodeError(this.typeName, 'the type has no key members');
    const rules = rulesOf(options.encapsulation);
    const w = this.#scratchFor(rules);
    w.offset = 0;
    w.origin = ENCAPSULATION_HEADER_SIZE;
    writeEncapsulation(w, options.encapsulation);
    this.codec.writeStruct(w, this.def, sample, this.typeName, true);
    padEncapsulation(w, 0, options.padding ?? 'flagged');
    return w.written.slice();
  }

  #scratchFor(rules: CdrRules): CdrWriter {
    const w = this.#scratch;
    if (w !== undefined && w.rules.version === rules.version && w.rules.littleEndian === rules.littleEndian) return w;
    return (this.#scratch = new CdrWriter(rules, 256, ENCAPSULATION_HEADER_SIZE));
  }

  decode(bytes: Uint8Array): UserSample {
    const enc = readEncapsulation(plainBytes(bytes));
    const isMutable = this.def.extensibility === 'mutable';
    if (enc.isParameterList !== isMutable) {
      throw new DecodeError(`${this.typeName}/encapsulation`, 0, `kind 0x${enc.kind.toString(16)} does not suit a ${this.def.extensibility} type`);
    }
    const r = new CdrReader(enc.body, this.typeName, enc.rules, ENCAPSULATION_HEADER_SIZE, 0);
    const sample = this.codec.readStruct(r, this.def, this.typeName);
    // XCDR1 appendable types have no DHEADER: a newer writer's extra members are trailing bytes.
    const mayTrail = enc.rules.version === 'xcdr1' && this.def.extensibility === 'appendable';
    if (!mayTrail && r.remaining > 3) r.fail('end', `${r.remaining} trailing bytes after the sample`);
    return sample;
  }

  keyHash(sample: UserSample): Uint8Array {
    if (!this.hasKey) return new Uint8Array(16);
    return computeKeyHash(this.codec, this.def, sample, this.#maxKeySize);
  }
}
