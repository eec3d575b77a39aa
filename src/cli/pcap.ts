/**
 * Classic pcap (libpcap 2.4) encoding of UDP datagrams wrapped in Ethernet/IPv4/UDP with correct
 * checksums, so that tshark and Wireshark decode what our encoders produce. Pure: returns bytes.
 */
import { ipToBytes } from '../util/address.js';

export interface PcapDatagram {
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
}

const LINKTYPE_ETHERNET = 1;

/** The pcap file of `datagrams`, one per millisecond of capture time from `startUnixSeconds`. IPv4 only. */
export function encodeUdpPcap(datagrams: readonly PcapDatagram[], startUnixSeconds = 1_800_000_000): Uint8Array {
  const frames = datagrams.map((dg, i) => ethernetIpv4Udp(dg, i));
  const out = new Uint8Array(24 + frames.reduce((n, f) => n + 16 + f.length, 0));
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, 65535, true);
  v.setUint32(20, LINKTYPE_ETHERNET, true);
  let off = 24;
  frames.forEach((frame, i) => {
    v.setUint32(off, startUnixSeconds + Math.floor(i / 1000), true);
    v.setUint32(off + 4, (i % 1000) * 1000, true);
    v.setUint32(off + 8, frame.length, true);
    v.setUint32(off + 12, frame.length, true);
    out.set(frame, off + 16);
    off += 16 + frame.length;
  });
  return out;
}

function ethernetIpv4Udp(dg: PcapDatagram, id: number): Uint8Array {
  const src = ipToBytes(dg.src);
  const dst = ipToBytes(dg.dst);
  if (src.length !== 4 || dst.length !== 4) throw new RangeError('encodeUdpPcap writes IPv4 only');
  const udpLength = 8 + dg.payload.length;
  const frame = new Uint8Array(14 + 20 + udpLength);
  const f = new DataView(frame.buffer);
  f.setUint16(12, 0x0800);
  frame[14] = 0x45;
  f.setUint16(16, 20 + udpLength);
  f.setUint16(18, id & 0xffff);
  frame[22] = 64;
  frame[23] = 17;
  frame.set(src, 26);
  frame.set(dst, 30);
  f.setUint16(24, internetChecksum(frame.subarray(14, 34)));
  f.setUint16(34, dg.srcPort);
  f.setUint16(36, dg.dstPort);
  f.setUint16(38, udpLength);
  frame.set(dg.payload, 42);
  // RFC 768: the checksum covers a pseudo-header of addresses, protocol and length.
  const pseudo = new Uint8Array(12 + udpLength);
  pseudo.set(src, 0);
  pseudo.set(dst, 4);
  pseudo[9] = 17;
  new DataView(pseudo.buffer).setUint16(10, udpLength);
  pseudo.set(frame.subarray(34), 12);
  f.setUint16(40, internetChecksum(pseudo) || 0xffff);
  return frame;
}

/** RFC 1071 ones'-complement sum. */
function internetChecksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
