/**
 * HEARTBEAT_FRAG (RTPS 2.5 §8.3.8.7, §9.4.5.8): the fragments of one sample a writer has so far.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import { checkInt } from '../../util/byte-writer.js';
import type { EntityId } from '../guid.js';
import { readSequenceNumber, writeSequenceNumber } from '../sequence-number.js';
import type { SubmessageCodec, SubmessageCommon } from './submessage-codec.js';
import { readEntityIdOctets, SubmessageId, writeEntityIdOctets } from './submessage-codec.js';

/** A HEARTBEAT_FRAG submessage in domain form. */
export interface HeartbeatFragSubmessage extends SubmessageCommon {
  readonly kind: 'heartbeat-frag';
  readonly readerId: EntityId;
  readonly writerId: EntityId;
  readonly writerSN: number;
  /** FragmentNumber_t, unsigned. */
  readonly lastFragmentNum: number;
  /** Count_t, signed. */
  readonly count: number;
}

/** The codec of HEARTBEAT_FRAG (id 0x13); it defines no flags besides E. */
export const HeartbeatFragCodec: SubmessageCodec<HeartbeatFragSubmessage> = {
  id: SubmessageId.HEARTBEAT_FRAG,
  name: 'HEARTBEAT_FRAG',
  decode(r: ByteReader): HeartbeatFragSubmessage {
    const readerId = readEntityIdOctets(r, 'readerId');
    const writerId = readEntityIdOctets(r, 'writerId');
    const writerSN = readSequenceNumber(r, 'writerSN');
    const lastFragmentNum = r.u32('lastFragmentNum');
    const count = r.i32('count');
    return { kind: 'heartbeat-frag', littleEndian: r.littleEndian, readerId, writerId, writerSN, lastFragmentNum, count };
  },
  flagsOf(): number {
    return 0;
  },
  sizeOfBody(): number {
    return 24;
  },
  encodeBody(w: ByteWriter, s: HeartbeatFragSubmessage): void {
    checkInt('heartbeatFrag.lastFragmentNum', s.lastFragmentNum, 0, 0xffffffff);
    checkInt('heartbeatFrag.count', s.count, -0x80000000, 0x7fffffff);
    writeEntityIdOctets(w, s.readerId);
    writeEntityIdOctets(w, s.writerId);
    writeSequenceNumber(w, s.writerSN);
    w.u32(s.lastFragmentNum).i32(s.count);
  },
};
