/**
 * ACKNACK (RTPS 2.5 §8.3.8.1, §9.4.5.2): a reader's positive acknowledgement of everything below
 * `readerSNState.base` and negative acknowledgement of the set's members.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import { checkInt } from '../../util/byte-writer.js';
import type { EntityId } from '../guid.js';
import type { SequenceNumberSet } from '../sequence-number-set.js';
import { readSequenceNumberSet, sizeOfSequenceNumberSet, writeSequenceNumberSet } from '../sequence-number-set.js';
import type { SubmessageCodec, SubmessageCommon } from './submessage-codec.js';
import { readEntityIdOctets, SubmessageId, writeEntityIdOctets } from './submessage-codec.js';

/** ACKNACK flags (RTPS 2.5 §9.4.5.2.1): Final. */
export const AckNackFlags = Object.freeze({ F: 0x02 } as const);

/** An ACKNACK submessage in domain form. */
export interface AckNackSubmessage extends SubmessageCommon {
  readonly kind: 'acknack';
  readonly readerId: EntityId;
  readonly writerId: EntityId;
  readonly readerSNState: SequenceNumberSet;
  /** Count_t, signed. */
  readonly count: number;
  /** Flag F: the writer need not answer with a HEARTBEAT. */
  readonly isFinal: boolean;
}

/** The codec of ACKNACK (id 0x06). */
export const AckNackCodec: SubmessageCodec<AckNackSubmessage> = {
  id: SubmessageId.ACKNACK,
  name: 'ACKNACK',
  decode(r: ByteReader, flags: number): AckNackSubmessage {
    const readerId = readEntityIdOctets(r, 'readerId');
    const writerId = readEntityIdOctets(r, 'writerId');
    const readerSNState = readSequenceNumberSet(r, 'readerSNState');
    const count = r.i32('count');
    return { kind: 'acknack', littleEndian: r.littleEndian, readerId, writerId, readerSNState, count, isFinal: (flags & AckNackFlags.F) !== 0 };
  },
  flagsOf(s: AckNackSubmessage): number {
    return s.isFinal ? AckNackFlags.F : 0;
  },
  sizeOfBody(s: AckNackSubmessage): number {
    return 12 + sizeOfSequenceNumberSet(s.readerSNState);
  },
  encodeBody(w: ByteWriter, s: AckNackSubmessage): void {
    checkInt('acknack.count', s.count, -0x80000000, 0x7fffffff);
    writeEntityIdOctets(w, s.readerId);
    writeEntityIdOctets(w, s.writerId);
    writeSequenceNumberSet(w, s.readerSNState);
    w.i32(s.count);
  },
};
