/** A DDS Topic: a name, a type name and the codec of that type (docs/cdr-user-types.md). */
import type { EncapsulationKind, UserTypeCodec } from '../cdr/index.js';
import { PLAIN_CDR_LE } from '../cdr/index.js';

/** Created by {@link DomainParticipant.createTopic}; usable only with that participant. */
export class Topic {
  /** The topic name announced in SEDP (e.g. "LabMsg"). */
  readonly name: string;
  /** The type name announced in SEDP (e.g. "Msg"). */
  readonly typeName: string;
  /** Encodes and decodes samples, computes key hashes. */
  readonly codec: UserTypeCodec;
  /** The encapsulation of what writers send (XCDR1 for final/appendable types: PLAIN_CDR_LE). */
  readonly encapsulation: EncapsulationKind;
  /** @internal the participant that created it. */
  readonly ownerKey: symbol;

  constructor(name: string, typeName: string, codec: UserTypeCodec, encapsulation: EncapsulationKind | undefined, ownerKey: symbol) {
    this.name = name;
    this.typeName = typeName;
    this.codec = codec;
    this.encapsulation = encapsulation ?? PLAIN_CDR_LE;
    this.ownerKey = ownerKey;
  }
}
