/**
 * NACK_FRAG (RTPS 2.5 §8.3.8.10, §9.4.5.11): the fragments of one sample a reader is missing.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import { checkInt } from '../../util/byte-writer.js';
import type { FragmentNumberSet } from '../fragment-number-set.js';
import { readFragmentNumberSet, sizeOfFragmentNumberSet, writeFragmentNumberSet } from '../fragment-number-set.js';
import type { EntityId } from '../guid.js';
import { readSequenceNumber, writeSequenceNumber } from '../sequence-number.js';
import type { SubmessageCodec, SubmessageCommon } from './submessage-codec.js';
import { readEntityIdOctets, SubmessageId, writeEntityIdOctets } from './submessage-codec.js';

/** A NACK_FRAG submessage in domain form. */
export interface NackFragSubmessage extends SubmessageCommon {
  readonly kind: 'nack-frag';
  readonly readerId: EntityId;
  readonly writerId: EntityId;
  readonly writerSN: number;
  readonly fragmentNumberState: FragmentNumberSet;
  /** Count_t, signed. */
  readonly count: number;
}

/** The codec of NACK_FRAG (id 0x12); it defines no flags besides E. */
export const NackFragCodec: SubmessageCodec<NackFragSubmessage> = {
  id: SubmessageId.NACK_FRAG,
  name: 'NACK_FRAG',
  decode(r: ByteReader): NackFragSubmessage {
    const readerId = readEntityIdOctets(r, 'readerId');
    const writerId = readEntityIdOctets(r, 'writerId');
    const writerSN = readSequenceNumber(r, 'writerSN');
    const fragmentNumberState = readFragmentNumberSet(r, 'fragmentNumberState');
    const count = r.i32('count');
    return { kind: 'nack-frag', littleEndian: r.littleEndian, readerId, writerId, writerSN, fragmentNumberState, count };
  },
  flagsOf(): number {
    return 0;
  },
  sizeOfBody(s: NackFragSubmessage): number {
    return 20 + sizeOfFragmentNumberSet(s.fragmentNumberState);
  },
  encodeBody(w: ByteWriter, s: NackFragSubmessage): void {
    checkInt('nackFrag.count', s.count, -0x80000000, 0x7fffffff);
    writeEntityIdOctets(w, s.readerId);
    writeEntityIdOctets(w, s.writerId);
    writeSequenceNumber(w, s.writerSN);
    writeFragmentNumberSet(w, s.fragmentNumberState);
    w.i32(s.count);
  },
};
