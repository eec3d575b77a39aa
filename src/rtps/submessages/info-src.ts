/**
 * INFO_SRC (RTPS 2.5 §8.3.7.9, §9.4.5.10): the participant the following submessages come from
 * (replaces the header's version, vendor and prefix for them).
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import { checkInt } from '../../util/byte-writer.js';
import type { GuidPrefix } from '../guid.js';
import { readGuidPrefix, writeGuidPrefix } from '../guid.js';
import type { ProtocolVersion } from '../header.js';
import type { SubmessageCodec, SubmessageCommon } from './submessage-codec.js';
import { SubmessageId } from './submessage-codec.js';

/** An INFO_SRC submessage in domain form (the leading `unused` long is read and dropped). */
export interface InfoSrcSubmessage extends SubmessageCommon {
  readonly kind: 'info-src';
  readonly protocolVersion: ProtocolVersion;
  /** VendorId_t as a big-endian u16. */
  readonly vendorId: number;
  /** A view into the datagram when decoded. */
  readonly guidPrefix: GuidPrefix;
}

/** The codec of INFO_SRC (id 0x0c); it defines no flags besides E. */
export const InfoSrcCodec: SubmessageCodec<InfoSrcSubmessage> = {
  id: SubmessageId.INFO_SRC,
  name: 'INFO_SRC',
  decode(r: ByteReader): InfoSrcSubmessage {
    r.u32('unused');
    const major = r.u8('protocolVersion.major');
    const minor = r.u8('protocolVersion.minor');
    const vendorId = (r.u8('vendorId[0]') << 8) | r.u8('vendorId[1]');
    const guidPrefix = readGuidPrefix(r, 'guidPrefix');
    return { kind: 'info-src', littleEndian: r.littleEndian, protocolVersion: { major, minor }, vendorId, guidPrefix };
  },
  flagsOf(): number {
    return 0;
  },
  sizeOfBody(): number {
    return 20;
  },
  encodeBody(w: ByteWriter, s: InfoSrcSubmessage): void {
    checkInt('infoSrc.protocolVersion.major', s.protocolVersion.major, 0, 0xff);
    checkInt('infoSrc.protocolVersion.minor', s.protocolVersion.minor, 0, 0xff);
    checkInt('infoSrc.vendorId', s.vendorId, 0, 0xffff);
    w.u32(0).u8(s.protocolVersion.major).u8(s.protocolVersion.minor).u8(s.vendorId >>> 8).u8(s.vendorId & 0xff);
    writeGuidPrefix(w, s.guidPrefix);
  },
};
