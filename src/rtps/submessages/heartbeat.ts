/**
 * HEARTBEAT (RTPS 2.5 §8.3.8.6, §9.4.5.7): the range of sequence numbers a writer has, with the
 * optional group information of RTPS 2.4+ (flag G).
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import { checkInt } from '../../util/byte-writer.js';
import type { EntityId } from '../guid.js';
import { readSequenceNumber, writeSequenceNumber } from '../sequence-number.js';
import type { SubmessageCodec, SubmessageCommon } from './submessage-codec.js';
import { readEntityIdOctets, SubmessageId, writeEntityIdOctets } from './submessage-codec.js';

/** HEARTBEAT flags (RTPS 2.5 §9.4.5.7.1): Final, Liveliness, GroupInfo. */
export const HeartbeatFlags = Object.freeze({ F: 0x02, L: 0x04, G: 0x08 } as const);

/** HEARTBEAT group information (RTPS 2.5 §8.3.8.6, present iff flag G). */
export interface HeartbeatGroupInfo {
  readonly currentGSN: number;
  readonly firstGSN: number;
  readonly lastGSN: number;
  /** GroupDigest_t (4 octets) as a big-endian u32. */
  readonly writerSet: number;
  /** GroupDigest_t (4 octets) as a big-endian u32. */
  readonly secureWriterSet: number;
}

/** A HEARTBEAT submessage in domain form. */
export interface HeartbeatSubmessage extends SubmessageCommon {
  readonly kind: 'heartbeat';
  readonly readerId: EntityId;
  readonly writerId: EntityId;
  readonly firstSN: number;
  readonly lastSN: number;
  /** Count_t, signed. */
  readonly count: number;
  /** Flag F: the reader need not answer. */
  readonly isFinal: boolean;
  /** Flag L: asserts the writer's liveliness. */
  readonly isLiveliness: boolean;
  readonly groupInfo?: HeartbeatGroupInfo | undefined;
}

/** The codec of HEARTBEAT (id 0x07). */
export const HeartbeatCodec: SubmessageCodec<HeartbeatSubmessage> = {
  id: SubmessageId.HEARTBEAT,
  name: 'HEARTBEAT',
  decode(r: ByteReader, flags: number): HeartbeatSubmessage {
    const readerId = readEntityIdOctets(r, 'readerId');
    const writerId = readEntityIdOctets(r, 'writerId');
    const firstSN = readSequenceNumber(r, 'firstSN');
    const lastSN = readSequenceNumber(r, 'lastSN');
    const count = r.i32('count');
    let groupInfo: HeartbeatGroupInfo | undefined;
    if ((flags & HeartbeatFlags.G) !== 0) {
      const currentGSN = readSequenceNumber(r, 'currentGSN');
      const firstGSN = readSequenceNumber(r, 'firstGSN');
      const lastGSN = readSequenceNumber(r, 'lastGSN');
      const writerSet = readEntityIdOctets(r, 'writerSet');
      groupInfo = { currentGSN, firstGSN, lastGSN, writerSet, secureWriterSet: readEntityIdOctets(r, 'secureWriterSet') };
    }
    return {
      kind: 'heartbeat',
      littleEndian: r.littleEndian,
      readerId,
      writerId,
      firstSN,
      lastSN,
      count,
      isFinal: (flags & HeartbeatFlags.F) !== 0,
      isLiveliness: (flags & HeartbeatFlags.L) !== 0,
      groupInfo,
    };
  },
  flagsOf(s: HeartbeatSubmessage): number {
    return (s.isFinal ? HeartbeatFlags.F : 0) | (s.isLiveliness ? HeartbeatFlags.L : 0) | (s.groupInfo ? HeartbeatFlags.G : 0);
  },
  sizeOfBody(s: HeartbeatSubmessage): number {
    return s.groupInfo ? 60 : 28;
  },
  encodeBody(w: ByteWriter, s: HeartbeatSubmessage): void {
    checkInt('heartbeat.count', s.count, -0x80000000, 0x7fffffff);
    writeEntityIdOctets(w, s.readerId);
    writeEntityIdOctets(w, s.writerId);
    writeSequenceNumber(w, s.firstSN);
    writeSequenceNumber(w, s.lastSN);
    w.i32(s.count);
    const g = s.groupInfo;
    if (g) {
      writeSequenceNumber(w, g.currentGSN);
      writeSequenceNumber(w, g.firstGSN);
      writeSequenceNumber(w, g.lastGSN);
      writeEntityIdOctets(w, g.writerSet);
      writeEntityIdOctets(w, g.secureWriterSet);
    }
  },
};
