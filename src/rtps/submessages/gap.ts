/**
 * GAP (RTPS 2.5 §8.3.8.5, §9.4.5.5): sequence numbers that are irrelevant to the reader:
 * `[gapStart, gapList.base)` plus the members of gapList. RTPS 2.4+ adds optional group
 * information (flag G: gapStartGSN, gapEndGSN) and a filtered count (flag F).
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import type { EntityId } from '../guid.js';
import { readSequenceNumber, writeSequenceNumber } from '../sequence-number.js';
import type { SequenceNumberSet } from '../sequence-number-set.js';
import { readSequenceNumberSet, sizeOfSequenceNumberSet, writeSequenceNumberSet } from '../sequence-number-set.js';
import type { SubmessageCodec, SubmessageCommon } from './submessage-codec.js';
import { readEntityIdOctets, SubmessageId, writeEntityIdOctets } from './submessage-codec.js';

/** GAP flags (RTPS 2.5 §9.4.5.5.1): GroupInfo, FilteredCount. */
export const GapFlags = Object.freeze({ G: 0x02, F: 0x04 } as const);

/** GAP group information (flag G). */
export interface GapGroupInfo {
  readonly gapStartGSN: number;
  readonly gapEndGSN: number;
}

/** A GAP submessage in domain form. */
export interface GapSubmessage extends SubmessageCommon {
  readonly kind: 'gap';
  readonly readerId: EntityId;
  readonly writerId: EntityId;
  readonly gapStart: number;
  readonly gapList: SequenceNumberSet;
  readonly groupInfo?: GapGroupInfo | undefined;
  /** ChangeCount_t (`long high; unsigned long low`) as a number; present iff flag F. */
  readonly filteredCount?: number | undefined;
}

/** The codec of GAP (id 0x08). */
export const GapCodec: SubmessageCodec<GapSubmessage> = {
  id: SubmessageId.GAP,
  name: 'GAP',
  decode(r: ByteReader, flags: number): GapSubmessage {
    const readerId = readEntityIdOctets(r, 'readerId');
    const writerId = readEntityIdOctets(r, 'writerId');
    const gapStart = readSequenceNumber(r, 'gapStart');
    const gapList = readSequenceNumberSet(r, 'gapList');
    let groupInfo: GapGroupInfo | undefined;
    if ((flags & GapFlags.G) !== 0) {
      const gapStartGSN = readSequenceNumber(r, 'gapStartGSN');
      groupInfo = { gapStartGSN, gapEndGSN: readSequenceNumber(r, 'gapEndGSN') };
    }
    const filteredCount = (flags & GapFlags.F) !== 0 ? readSequenceNumber(r, 'filteredCount') : undefined;
    return { kind: 'gap', littleEndian: r.littleEndian, readerId, writerId, gapStart, gapList, groupInfo, filteredCount };
  },
  flagsOf(s: GapSubmessage): number {
    return (s.groupInfo ? GapFlags.G : 0) | (s.filteredCount !== undefined ? GapFlags.F : 0);
  },
  sizeOfBody(s: GapSubmessage): number {
    return 16 + sizeOfSequenceNumberSet(s.gapList) + (s.groupInfo ? 16 : 0) + (s.filteredCount !== undefined ? 8 : 0);
  },
  encodeBody(w: ByteWriter, s: GapSubmessage): void {
    writeEntityIdOctets(w, s.readerId);
    writeEntityIdOctets(w, s.writerId);
    writeSequenceNumber(w, s.gapStart);
    writeSequenceNumberSet(w, s.gapList);
    if (s.groupInfo) {
      writeSequenceNumber(w, s.groupInfo.gapStartGSN);
      writeSequenceNumber(w, s.groupInfo.gapEndGSN);
    }
    if (s.filteredCount !== undefined) writeSequenceNumber(w, s.filteredCount);
  },
};
