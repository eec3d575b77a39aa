/**
 * INFO_DST (RTPS 2.5 §8.3.7.6, §9.4.5.6): the participant the following submessages are for;
 * GUIDPREFIX_UNKNOWN means everyone. The RtpsRelay routes on it (spec/opendds-ice-and-rtpsrelay.md §8.3).
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import type { GuidPrefix } from '../guid.js';
import { readGuidPrefix, writeGuidPrefix } from '../guid.js';
import type { SubmessageCodec, SubmessageCommon } from './submessage-codec.js';
import { SubmessageId } from './submessage-codec.js';

/** An INFO_DST submessage in domain form. */
export interface InfoDstSubmessage extends SubmessageCommon {
  readonly kind: 'info-dst';
  /** A view into the datagram when decoded. */
  readonly guidPrefix: GuidPrefix;
}

/** The codec of INFO_DST (id 0x0e); it defines no flags besides E. */
export const InfoDstCodec: SubmessageCodec<InfoDstSubmessage> = {
  id: SubmessageId.INFO_DST,
  name: 'INFO_DST',
  decode(r: ByteReader): InfoDstSubmessage {
    return { kind: 'info-dst', littleEndian: r.littleEndian, guidPrefix: readGuidPrefix(r, 'guidPrefix') };
  },
  flagsOf(): number {
    return 0;
  },
  sizeOfBody(): number {
    return 12;
  },
  encodeBody(w: ByteWriter, s: InfoDstSubmessage): void {
    writeGuidPrefix(w, s.guidPrefix);
  },
};
