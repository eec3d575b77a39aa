/**
 * INFO_TS (RTPS 2.5 §8.3.7.7, §9.4.5.9): the source timestamp of the submessages that follow, or
 * (flag I) that they have none.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import type { RtpsTime } from '../time.js';
import { readTime, writeTime } from '../time.js';
import type { SubmessageCodec, SubmessageCommon } from './submessage-codec.js';
import { SubmessageId } from './submessage-codec.js';

/** INFO_TS flags (RTPS 2.5 §9.4.5.9.1): InvalidateFlag. */
export const InfoTsFlags = Object.freeze({ I: 0x02 } as const);

/** An INFO_TS submessage in domain form. */
export interface InfoTsSubmessage extends SubmessageCommon {
  readonly kind: 'info-ts';
  /** The timestamp, or undefined when flag I invalidates it (the body is then empty). */
  readonly timestamp: RtpsTime | undefined;
}

/** The codec of INFO_TS (id 0x09). */
export const InfoTsCodec: SubmessageCodec<InfoTsSubmessage> = {
  id: SubmessageId.INFO_TS,
  name: 'INFO_TS',
  decode(r: ByteReader, flags: number): InfoTsSubmessage {
    const timestamp = (flags & InfoTsFlags.I) !== 0 ? undefined : readTime(r, 'timestamp');
    return { kind: 'info-ts', littleEndian: r.littleEndian, timestamp };
  },
  flagsOf(s: InfoTsSubmessage): number {
    return s.timestamp ? 0 : InfoTsFlags.I;
  },
  sizeOfBody(s: InfoTsSubmessage): number {
    return s.timestamp ? 8 : 0;
  },
  encodeBody(w: ByteWriter, s: InfoTsSubmessage): void {
    if (s.timestamp) writeTime(w, s.timestamp);
  },
};
