/**
 * INFO_REPLY_IP4 (RTPS 2.5 §8.3.7.8, §9.4.5.14): INFO_REPLY's compact IPv4 form, one unicast
 * LocatorUDPv4_t and (flag M) one multicast one.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import { checkInt } from '../../util/byte-writer.js';
import { InfoReplyFlags } from './info-reply.js';
import type { SubmessageCodec, SubmessageCommon } from './submessage-codec.js';
import { SubmessageId } from './submessage-codec.js';

/** LocatorUDPv4_t (RTPS 2.5 §9.4.2.13): `unsigned long address; unsigned long port`. */
export interface LocatorUdpV4 {
  /** The IPv4 address as a u32 (`127.0.0.1` = 0x7f000001). */
  readonly address: number;
  readonly port: number;
}

/** An INFO_REPLY_IP4 submessage in domain form. */
export interface InfoReplyIp4Submessage extends SubmessageCommon {
  readonly kind: 'info-reply-ip4';
  readonly unicastLocator: LocatorUdpV4;
  /** Present iff flag M. */
  readonly multicastLocator?: LocatorUdpV4 | undefined;
}

function readLocatorUdpV4(r: ByteReader, field: string): LocatorUdpV4 {
  const address = r.u32(`${field}.address`);
  return { address, port: r.u32(`${field}.port`) };
}

function writeLocatorUdpV4(w: ByteWriter, l: LocatorUdpV4, field: string): void {
  checkInt(`${field}.address`, l.address, 0, 0xffffffff);
  checkInt(`${field}.port`, l.port, 0, 0xffffffff);
  w.u32(l.address).u32(l.port);
}

/** The codec of INFO_REPLY_IP4 (id 0x0d). */
export const InfoReplyIp4Codec: SubmessageCodec<InfoReplyIp4Submessage> = {
  id: SubmessageId.INFO_REPLY_IP4,
  name: 'INFO_REPLY_IP4',
  decode(r: ByteReader, flags: number): InfoReplyIp4Submessage {
    const unicastLocator = readLocatorUdpV4(r, 'unicastLocator');
    const multicastLocator = (flags & InfoReplyFlags.M) !== 0 ? readLocatorUdpV4(r, 'multicastLocator') : undefined;
    return { kind: 'info-reply-ip4', littleEndian: r.littleEndian, unicastLocator, multicastLocator };
  },
  flagsOf(s: InfoReplyIp4Submessage): number {
    return s.multicastLocator ? InfoReplyFlags.M : 0;
  },
  sizeOfBody(s: InfoReplyIp4Submessage): number {
    return s.multicastLocator ? 16 : 8;
  },
  encodeBody(w: ByteWriter, s: InfoReplyIp4Submessage): void {
    writeLocatorUdpV4(w, s.unicastLocator, 'infoReplyIp4.unicastLocator');
    if (s.multicastLocator) writeLocatorUdpV4(w, s.multicastLocator, 'infoReplyIp4.multicastLocator');
  },
};
