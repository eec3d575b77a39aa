/**
 * A {@link UserTypeCodec} over `@foxglove/omgidl-serialization` (MessageReader / MessageWriter),
 * kept as the reference the interpreted codec is measured and differentially tested against.
 * Its gaps (docs/cdr-user-types.md): the writer emits no DHEADER/EMHEADER and always options 0 with
 * no end padding; the reader ignores DHEADER sizes, needs EMHEADERs in declaration order, skips no
 * unknown members, reads LC 5-7 wrongly and does not check string NULs.
 */
import { MessageReader, MessageWriter } from '@foxglove/omgidl-serialization';
import type { IDLMessageDefinition } from '@foxglove/omgidl-parser';
import { DecodeError, EncodeError } from '../../src/util/errors.js';
import { ENCAPSULATION_HEADER_SIZE, OPTIONS_PADDING_MASK, readEncapsulation, rulesOf } from '../../src/cdr/encapsulation.js';
import type { EncapsulationKind } from '../../src/cdr/encapsulation.js';
import { computeKeyHash, maxKeyHolderSize } from '../../src/cdr/key-hash.js';
import { StructCodec } from '../../src/cdr/struct-codec.js';
import type { UserSample } from '../../src/cdr/struct-codec.js';
import type { TypeLibrary } from '../../src/cdr/user-types.js';
import type { StructDef } from '../../src/cdr/type-model.js';
import { encapsulationFor } from '../../src/cdr/user-type-codec.js';
import type { EncodeOptions, UserTypeCodec } from '../../src/cdr/user-type-codec.js';

function isUserSample(v: unknown): v is UserSample {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class FoxgloveCodec implements UserTypeCodec {
  readonly typeName: string;
  readonly hasKey: boolean;
  readonly #reader: MessageReader;
  readonly #writers = new Map<EncapsulationKind, MessageWriter>();
  readonly #maxKeySize: number;

  constructor(readonly definitions: readonly IDLMessageDefinition[], readonly codec: StructCodec, readonly def: StructDef) {
    this.typeName = def.name;
    this.hasKey = def.keyMembers.length > 0;
    this.#maxKeySize = this.hasKey ? maxKeyHolderSize(codec, def) : 0;
    this.#reader = new MessageReader(def.name, [...definitions]);
  }

  encode(sample: UserSample, options: EncodeOptions): Uint8Array {
    const kind = options.encapsulation;
    const rules = rulesOf(kind);
    if (kind !== encapsulationFor(this.def.extensibility, rules.version, rules.littleEndian)) {
      throw new EncodeError(this.typeName, `encapsulation 0x${kind.toString(16)} does not suit a ${this.def.extensibility} type`);
    }
    if (this.def.extensibility === 'mutable' || (rules.version === 'xcdr2' && this.def.extensibility === 'appendable')) {
      throw new EncodeError(this.typeName, 'foxglove MessageWriter writes no DHEADER/EMHEADER/parameter list');
    }
    let writer = this.#writers.get(kind);
    if (writer === undefined) {
      // Our identifiers are the numeric values of foxglove's EncapsulationKind enum (0x00-0x03, 0x06-0x0b);
      // importing that enum would mean depending on the transitive @foxglove/cdr.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
      writer = new MessageWriter(this.typeName, [...this.definitions], { kind });
      this.#writers.set(kind, writer);
    }
    let raw: Uint8Array;
    try {
      raw = writer.writeMessage(sample);
    } catch (err) {
      throw new EncodeError(this.typeName, `foxglove: ${messageOf(err)}`, { cause: err });
    }
    const mode = options.padding ?? 'flagged';
    if (mode === 'none') return raw;
    const padding = (4 - ((raw.length - ENCAPSULATION_HEADER_SIZE) % 4)) % 4;
    const out = new Uint8Array(raw.length + padding);
    out.set(raw);
    if (mode === 'flagged') out[3] = ((out[3] ?? 0) & ~OPTIONS_PADDING_MASK) | padding;
    return out;
  }

  /** foxglove's MessageWriter has no key-only form; dispose/unregister use our interpreter. */
  encodeKey(): Uint8Array {
    throw new EncodeError(this.typeName, 'foxglove MessageWriter cannot write a key-only payload');
  }

  decode(bytes: Uint8Array): UserSample {
    readEncapsulation(bytes);
    // A private exact-size copy: foxglove reads strings and arrays through `new Uint8Array(buffer, …)`,
    // which would silently run past a view's end into the rest of the datagram.
    const copy = bytes.slice();
    let out: unknown;
    try {
      out = this.#reader.readMessage(copy);
    } catch (err) {
      throw new DecodeError(this.typeName, ENCAPSULATION_HEADER_SIZE, `foxglove: ${messageOf(err)}`, { cause: err });
    }
    if (!isUserSample(out)) throw new DecodeError(this.typeName, ENCAPSULATION_HEADER_SIZE, 'foxglove returned no object');
    return out;
  }

  keyHash(sample: UserSample): Uint8Array {
    if (!this.hasKey) return new Uint8Array(16);
    return computeKeyHash(this.codec, this.def, sample, this.#maxKeySize);
  }
}

/** The reference codec of `name` in `library`, over `@foxglove/omgidl-serialization`. */
export function foxgloveCodec(library: TypeLibrary, name: string): UserTypeCodec {
  return new FoxgloveCodec(library.definitions, new StructCodec(library.types), library.struct(name));
}
