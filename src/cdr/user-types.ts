/**
 * User data types from OMG IDL: `compileIdl(text)` parses with `@foxglove/omgidl-parser` and returns a
 * {@link TypeLibrary} whose codecs serialize samples per XTypes 1.3 §7.4 (XCDR1 and XCDR2).
 *
 * @example
 * const msg = compileIdl('struct Msg { long id; string text; };').codec('Msg');
 * const bytes = msg.encode({ id: 1, text: 'hi' }, { encapsulation: PLAIN_CDR_LE });
 * msg.decode(bytes); // { id: 1, text: 'hi' }
 */
import { parseIDL } from '@foxglove/omgidl-parser';
import type { IDLMessageDefinition } from '@foxglove/omgidl-parser';
import { InvalidConfigError } from '../util/errors.js';
import type { EncapsulationKind } from './encapsulation.js';
import { StructCodec } from './struct-codec.js';
import { buildTypeModel } from './type-model.js';
import type { StructDef, TypeModelOptions } from './type-model.js';
import { createUserTypeCodec } from './compiled-codec.js';
import type { UserCodecKind } from './compiled-codec.js';
import { encapsulationFor } from './user-type-codec.js';
import type { UserTypeCodec } from './user-type-codec.js';

export interface CompileIdlOptions extends TypeModelOptions {
  /**
   * `'compiled'` (default): generated code per type (`compiled-codec.ts`), falling back to the
   * interpreter for types it cannot compile (mutable, recursive). `'interpreted'`: always the
   * interpreter. Without this option, the environment variable `RTPS_ICE_USER_CODEC=interpreted`
   * selects the interpreter (to compare both, e.g. in `npm run bench:dataplane`).
   */
  readonly codec?: UserCodecKind;
}

/** The codec kind from the environment (`RTPS_ICE_USER_CODEC`), else `'compiled'`. */
function defaultCodecKind(): UserCodecKind {
  const env = typeof process === 'undefined' ? undefined : process.env.RTPS_ICE_USER_CODEC;
  return env === 'interpreted' ? 'interpreted' : 'compiled';
}

/** The structs of one IDL text and their codecs (cached per type). */
export class TypeLibrary {
  readonly types: ReadonlyMap<string, StructDef>;
  readonly #structCodec: StructCodec;
  readonly #codecs = new Map<string, UserTypeCodec>();
  readonly #codecKind: UserCodecKind;

  constructor(readonly definitions: readonly IDLMessageDefinition[], options: CompileIdlOptions = {}) {
    this.types = buildTypeModel(definitions, options);
    this.#structCodec = new StructCodec(this.types);
    this.#codecKind = options.codec ?? defaultCodecKind();
  }

  /** The struct named `name` (scoped names as `mod::Type`). @throws InvalidConfigError when absent. */
  struct(name: string): StructDef {
    const def = this.types.get(name);
    if (def === undefined) throw new InvalidConfigError(`idl/${name}`, 'no such struct in the IDL');
    return def;
  }

  /** The codec used on the data path: compiled unless configured otherwise (see {@link CompileIdlOptions.codec}). */
  codec(name: string): UserTypeCodec {
    let c = this.#codecs.get(name);
    if (c === undefined) {
      c = createUserTypeCodec(this.#structCodec, this.struct(name), this.#codecKind);
      this.#codecs.set(name, c);
    }
    return c;
  }

  /** The representation identifier a writer of `name` uses (XTypes 1.3 §7.6.3.1.2). */
  encapsulationFor(name: string, version: 'xcdr1' | 'xcdr2', littleEndian: boolean): EncapsulationKind {
    return encapsulationFor(this.struct(name).extensibility, version, littleEndian);
  }
}

/**
 * Parses OMG IDL text into a {@link TypeLibrary}.
 * @throws InvalidConfigError on a syntax error or an unsupported construct (unions, wchar/wstring).
 */
export function compileIdl(idlText: string, options: CompileIdlOptions = {}): TypeLibrary {
  let defs: IDLMessageDefinition[];
  try {
    defs = parseIDL(idlText);
  } catch (err) {
    throw new InvalidConfigError('idl', err instanceof Error ? err.message : String(err), { cause: err });
  }
  return new TypeLibrary(defs, options);
}
