/**
 * A {@link UserTypeCodec} that generates specialised JavaScript once per type and rule set (as avsc
 * and protobufjs do) instead of interpreting the {@link StructDef} per sample. Same bytes, same
 * decoded samples and the same EncodeError/DecodeError (field and offset) as {@link InterpretedCodec};
 * types it cannot compile (mutable, recursive, odd member names) stay on the interpreter through
 * {@link createUserTypeCodec}. See docs/cdr-user-types.md.
 *
 * Safety of the generated source: IDL text reaches it only as JSON string literals (member names,
 * error paths) or as validated non-negative safe integers (bounds, lengths); member names must also
 * be plain identifiers (`codegen-support.ts` cannotCompile).
 */
import { md5 } from '@noble/hashes/legacy.js';
import { checkInt } from '../util/byte-writer.js';
import { copyBytes } from '../util/slab.js';
import { DecodeError, EncodeError } from '../util/errors.js';
import { decoderSource } from './codegen-decode.js';
import { encoderSource } from './codegen-encode.js';
import { cannotCompile } from './codegen-support.js';
import { ENCAPSULATION_HEADER_SIZE, isEncapsulationKind, isParameterListKind, OPTIONS_PADDING_MASK, rulesOf } from './encapsulation.js';
import { maxKeyHolderSize, KEY_HASH_LENGTH } from './key-hash.js';
import type { StructCodec, UserSample } from './struct-codec.js';
import type { StructDef } from './type-model.js';
import { encapsulationRulesFor, InterpretedCodec, plainBytes } from './user-type-codec.js';
import type { EncodeOptions, UserTypeCodec } from './user-type-codec.js';
import type { PaddingMode } from './encapsulation.js';

type EncodeFn = (sample: UserSample, kind: number, padding: PaddingMode, transient?: boolean) => Uint8Array;
type KeyHashFn = (sample: UserSample) => Uint8Array;
type DecodeFn = (bytes: Uint8Array, end: number) => UserSample;

/** Which codec {@link createUserTypeCodec} builds: generated code (default) or the interpreter. */
export type UserCodecKind = 'compiled' | 'interpreted';

const TE = new TextEncoder();
const UTF8 = new TextDecoder('utf-8');

/** The interpreter's checks for an integer that failed the generated fast check (same EncodeError). */
function badInt(v: unknown, path: string, min: number, max: number): never {
  if (typeof v !== 'number') throw new EncodeError(path, 'expected a number');
  checkInt(path, v, min, max);
  throw new EncodeError(path, `${v} is not an integer in [${min}, ${max}]`); // not reached: checkInt threw
}

function toBigInt(v: unknown, path: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  throw new EncodeError(path, 'expected a bigint or a safe integer');
}

const ENCODE_HELPERS = Object.freeze({
  ee: (path: string, reason: string) => new EncodeError(path, reason),
  badInt,
  toI64: (v: unknown, path: string): bigint => {
    const b = toBigInt(v, path);
    if (BigInt.asIntN(64, b) !== b) throw new EncodeError(path, 'out of int64 range');
    return b;
  },
  toU64: (v: unknown, path: string): bigint => {
    const b = toBigInt(v, path);
    if (BigInt.asUintN(64, b) !== b) throw new EncodeError(path, 'out of uint64 range');
    return b;
  },
  TE,
  md5,
  copyBytes,
});

/** A decoded octet sequence or array: a copy (≤ 4 KiB in a shared slab, see util/slab.ts). */
function octets(b: Uint8Array, p: number, n: number): Uint8Array {
  return copyBytes(b.subarray(p, p + n));
}

function rep(n: number, f: () => unknown): unknown[] {
  return Array.from({ length: n }, f);
}

/**
 * Evaluates a generated module: `(h) => fn`. Only ever called with the output of codegen-encode.ts /
 * codegen-decode.ts, whose IDL-derived text is escaped (see the file comment).
 */
function instantiate(source: string, helpers: object): unknown {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- code generation is the point of this module; the source is built from a validated StructDef
  const factory = new Function('h', source);
  const fn: unknown = Reflect.apply(factory, undefined, [helpers]);
  if (typeof fn !== 'function') throw new TypeError('generated module did not return a function');
  return fn;
}

function isEncodeFn(f: unknown): f is EncodeFn { return typeof f === 'function'; }
function isKeyHashFn(f: unknown): f is KeyHashFn { return typeof f === 'function'; }
function isDecodeFn(f: unknown): f is DecodeFn { return typeof f === 'function'; }

/** Index of a rule set: XCDR version × byte order. */
function variant(version: 'xcdr1' | 'xcdr2', littleEndian: boolean): number {
  return (version === 'xcdr2' ? 2 : 0) + (littleEndian ? 1 : 0);
}
const VARIANTS = [['xcdr1', false], ['xcdr1', true], ['xcdr2', false], ['xcdr2', true]] as const;

/**
 * Generated encoder/decoder of one non-mutable struct. Functions are generated on first use of each
 * rule set (XCDR1/XCDR2 × byte order) and kept; each keeps its own scratch buffer and copies out one
 * exact-size Uint8Array per payload.
 */
export class CompiledCodec implements UserTypeCodec {
  readonly typeName: string;
  readonly hasKey: boolean;
  readonly #types: ReadonlyMap<string, StructDef>;
  readonly #maxKeySize: number;
  readonly #encoders: (EncodeFn | undefined)[] = [];
  readonly #keyEncoders: (EncodeFn | undefined)[] = [];
  readonly #decoders: (DecodeFn | undefined)[] = [];
  #keyHash: KeyHashFn | undefined;
  readonly #decodeHelpers: object;

  /**
   * Prefer {@link createUserTypeCodec}, which falls back to the interpreter.
   * @throws RangeError when {@link cannotCompile} gives a reason; EvalError when the runtime forbids code generation.
   */
  constructor(codec: StructCodec, readonly def: StructDef) {
    const why = cannotCompile(codec.types, def);
    if (why !== undefined) throw new RangeError(`${def.name} cannot be compiled: ${why}`);
    this.typeName = def.name;
    this.#types = codec.types;
    this.hasKey = def.keyMembers.length > 0;
    this.#maxKeySize = this.hasKey ? maxKeyHolderSize(codec, def) : 0;
    const typeName = def.name;
    this.#decodeHelpers = Object.freeze({
      df: (field: string, offset: number, reason: string): never => { throw new DecodeError(`${typeName}/${field}`, offset, reason); },
      UTF8,
      rep,
      octets,
    });
    // Generate the XCDR1 little-endian pair now (what the DDS layer uses), so a source bug shows at creation.
    this.#encoder(this.#encoders, 'sample', 1);
    this.#decoder(1);
  }

  /** The generated source for one rule set, for inspection and tests. */
  source(kind: 'encode' | 'encodeKey' | 'decode', version: 'xcdr1' | 'xcdr2', littleEndian: boolean): string {
    const base = { types: this.#types, root: this.def, version, littleEndian };
    return kind === 'decode' ? decoderSource(base) : encoderSource({ ...base, mode: kind === 'encode' ? 'sample' : 'key' });
  }

  encode(sample: UserSample, options: EncodeOptions): Uint8Array {
    const kind = options.encapsulation;
    const rules = encapsulationRulesFor(this.def, kind);
    const v = variant(rules.version, rules.littleEndian);
    return (this.#encoders[v] ?? this.#encoder(this.#encoders, 'sample', v))(sample, kind, options.padding ?? 'flagged', options.transient === true);
  }

  encodeKey(sample: UserSample, options: EncodeOptions): Uint8Array {
    if (!this.hasKey) throw new EncodeError(this.typeName, 'the type has no key members');
    const kind = options.encapsulation;
    const rules = rulesOf(kind);
    const v = variant(rules.version, rules.littleEndian);
    return (this.#keyEncoders[v] ?? this.#encoder(this.#keyEncoders, 'key', v))(sample, kind, options.padding ?? 'flagged');
  }

  keyHash(sample: UserSample): Uint8Array {
    if (!this.hasKey) return new Uint8Array(KEY_HASH_LENGTH);
    if (this.#keyHash === undefined) {
      // RTPS 2.5 §9.6.4.8: the KeyHolder as PLAIN_CDR2 big-endian, MD5'd when it may exceed 16 bytes.
      const source = encoderSource({ types: this.#types, root: this.def, version: 'xcdr2', littleEndian: false, mode: 'keyHash', useMd5: this.#maxKeySize > KEY_HASH_LENGTH });
      const fn = instantiate(source, ENCODE_HELPERS);
      if (!isKeyHashFn(fn)) throw new TypeError('not a function');
      this.#keyHash = fn;
    }
    return this.#keyHash(sample);
  }

  decode(bytes: Uint8Array): UserSample {
    // encapsulation.ts readEncapsulation, without the result object and body view.
    if (bytes.length < ENCAPSULATION_HEADER_SIZE) throw new DecodeError('encapsulation', 0, `need 4 bytes, ${bytes.length} left`);
    const id = ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
    if (!isEncapsulationKind(id)) {
      throw new DecodeError('encapsulation/kind', 0, `unknown representation identifier 0x${id.toString(16).padStart(4, '0')}`);
    }
    const padding = (bytes[3] ?? 0) & OPTIONS_PADDING_MASK;
    const end = bytes.length - padding;
    if (end < ENCAPSULATION_HEADER_SIZE) {
      throw new DecodeError('encapsulation/options', 2, `${padding} padding octets but only ${bytes.length - 4} body octets`);
    }
    if (isParameterListKind(id)) {
      throw new DecodeError(`${this.typeName}/encapsulation`, 0, `kind 0x${id.toString(16)} does not suit a ${this.def.extensibility} type`);
    }
    const v = (id >= 0x0006 ? 2 : 0) + (id & 1);
    return (this.#decoders[v] ?? this.#decoder(v))(plainBytes(bytes), end);
  }

  #encoder(cache: (EncodeFn | undefined)[], mode: 'sample' | 'key', v: number): EncodeFn {
    const [version, littleEndian] = VARIANTS[v] ?? VARIANTS[0];
    const fn = instantiate(encoderSource({ types: this.#types, root: this.def, version, littleEndian, mode }), ENCODE_HELPERS);
    if (!isEncodeFn(fn)) throw new TypeError('not a function');
    cache[v] = fn;
    return fn;
  }

  #decoder(v: number): DecodeFn {
    const [version, littleEndian] = VARIANTS[v] ?? VARIANTS[0];
    const fn = instantiate(decoderSource({ types: this.#types, root: this.def, version, littleEndian }), this.#decodeHelpers);
    if (!isDecodeFn(fn)) throw new TypeError('not a function');
    this.#decoders[v] = fn;
    return fn;
  }
}

/**
 * The codec of `def`: a {@link CompiledCodec} unless `kind` is `'interpreted'`, the type cannot be
 * compiled ({@link cannotCompile}: mutable, recursive, …) or the runtime forbids code generation
 * (e.g. `--disallow-code-generation-from-strings`); then an {@link InterpretedCodec}.
 */
export function createUserTypeCodec(codec: StructCodec, def: StructDef, kind: UserCodecKind = 'compiled'): UserTypeCodec {
  if (kind === 'compiled' && cannotCompile(codec.types, def) === undefined) {
    try {
      return new CompiledCodec(codec, def);
    } catch (err) {
      // Code generation refused by the runtime (EvalError): the interpreter serves the type.
      if (!(err instanceof EvalError)) throw err;
    }
  }
  return new InterpretedCodec(codec, def);
}
