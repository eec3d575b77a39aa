/**
 * Minimal pcap / pcapng reading and classic-pcap writing for tests: the UDP datagrams of a capture
 * (Ethernet, Linux cooked v1/v2, raw IP or loopback link types; IPv4 and IPv6), and a writer that
 * wraps datagrams in Ethernet/IPv4/UDP so tshark can decode what our encoders produce.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface UdpPacket {
  /** 1-based frame number in the capture, as tshark numbers it. */
  readonly frame: number;
  readonly src: string;
  readonly dst: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
}

const LINKTYPE_NULL = 0;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_LINUX_SLL2 = 276;

/** Reads every UDP datagram of a .pcap or .pcapng file; non-UDP frames are skipped (not numbered out). */
export function readUdpPackets(path: string): UdpPacket[] {
  const file = new Uint8Array(readFileSync(path));
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const frames: { link: number; data: Uint8Array }[] = [];
  const magic = view.getUint32(0, false);
  if (magic === 0x0a0d0d0a) {
    let off = 0;
    let le = true;
    const links: number[] = [];
    while (off + 12 <= file.length) {
      const type = view.getUint32(off, le);
      if (type === 0x0a0d0d0a) {
        le = view.getUint32(off + 8, true) === 0x1a2b3c4d;
        links.length = 0;
      }
      const len = view.getUint32(off + 4, le);
      if (type === 1) links.push(view.getUint16(off + 8, le));
      else if (type === 6) {
        const iface = view.getUint32(off + 8, le);
        const capLen = view.getUint32(off + 20, le);
        frames.push({ link: links[iface] ?? LINKTYPE_ETHERNET, data: file.subarray(off + 28, off + 28 + capLen) });
      } else if (type === 3) {
        const capLen = Math.min(view.getUint32(off + 8, le), len - 16);
        frames.push({ link: links[0] ?? LINKTYPE_ETHERNET, data: file.subarray(off + 12, off + 12 + capLen) });
      }
      off += len;
    }
  } else {
    const le = view.getUint32(0, true) === 0xa1b2c3d4 || view.getUint32(0, true) === 0xa1b23c4d;
    const link = view.getUint32(20, le);
    let off = 24;
    while (off + 16 <= file.length) {
      const capLen = view.getUint32(off + 8, le);
      frames.push({ link, data: file.subarray(off + 16, off + 16 + capLen) });
      off += 16 + capLen;
    }
  }
  const out: UdpPacket[] = [];
  frames.forEach((f, i) => {
    const p = udpOf(f.link, f.data, i + 1);
    if (p) out.push(p);
  });
  return out;
}

function udpOf(link: number, d: Uint8Array, frame: number): UdpPacket | undefined {
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  let off: number;
  let ethertype: number;
  switch (link) {
    case LINKTYPE_ETHERNET: off = 14; ethertype = v.getUint16(12); break;
    case LINKTYPE_LINUX_SLL: off = 16; ethertype = v.getUint16(14); break;
    case LINKTYPE_LINUX_SLL2: off = 20; ethertype = v.getUint16(0); break;
    case LINKTYPE_RAW: off = 0; ethertype = (d[0]! >> 4) === 6 ? 0x86dd : 0x0800; break;
    case LINKTYPE_NULL: off = 4; ethertype = (d[4]! >> 4) === 6 ? 0x86dd : 0x0800; break;
    default: return undefined;
  }
  if (ethertype === 0x0800) {
    const ihl = (d[off]! & 15) * 4;
    if (d[off + 9] !== 17) return undefined;
    const src = Array.from(d.subarray(off + 12, off + 16)).join('.');
    const dst = Array.from(d.subarray(off + 16, off + 20)).join('.');
    return udp(d, v, off + ihl, src, dst, frame);
  }
  if (ethertype === 0x86dd) {
    if (d[off + 6] !== 17) return undefined;
    const hex = (a: Uint8Array): string => Array.from({ length: 8 }, (_, i) => ((a[2 * i]! << 8) | a[2 * i + 1]!).toString(16)).join(':');
    return udp(d, v, off + 40, hex(d.subarray(off + 8, off + 24)), hex(d.subarray(off + 24, off + 40)), frame);
  }
  return undefined;
}

function udp(d: Uint8Array, v: DataView, off: number, src: string, dst: string, frame: number): UdpPacket {
  const len = v.getUint16(off + 4);
  return { frame, src, dst, srcPort: v.getUint16(off), dstPort: v.getUint16(off + 2), payload: d.subarray(off + 8, off + len) };
}

export interface OutgoingDatagram {
  readonly src?: string;
  readonly dst?: string;
  readonly srcPort: number;
  readonly dstPort: number;
  readonly payload: Uint8Array;
}

/** Writes datagrams as a classic pcap (Ethernet, IPv4, UDP with a correct checksum), one per second of capture time. */
export function writeUdpPcap(path: string, datagrams: readonly OutgoingDatagram[]): void {
  const chunks: Uint8Array[] = [];
  const header = new DataView(new ArrayBuffer(24));
  header.setUint32(0, 0xa1b2c3d4, true);
  header.setUint16(4, 2, true);
  header.setUint16(6, 4, true);
  header.setUint32(16, 65535, true);
  header.setUint32(20, LINKTYPE_ETHERNET, true);
  chunks.push(new Uint8Array(header.buffer));
  datagrams.forEach((dg, i) => {
    const src = (dg.src ?? '127.0.0.1').split('.').map(Number);
    const dst = (dg.dst ?? '127.0.0.1').split('.').map(Number);
    const udpLen = 8 + dg.payload.length;
    const frame = new Uint8Array(14 + 20 + udpLen);
    const f = new DataView(frame.buffer);
    f.setUint16(12, 0x0800);
    frame[14] = 0x45;
    f.setUint16(16, 20 + udpLen);
    f.setUint16(18, i & 0xffff);
    frame[22] = 64;
    frame[23] = 17;
    frame.set(src, 26);
    frame.set(dst, 30);
    f.setUint16(24, checksum(frame.subarray(14, 34)));
    f.setUint16(34, dg.srcPort);
    f.setUint16(36, dg.dstPort);
    f.setUint16(38, udpLen);
    frame.set(dg.payload, 42);
    const pseudo = new Uint8Array(12 + udpLen);
    pseudo.set(src, 0);
    pseudo.set(dst, 4);
    pseudo[9] = 17;
    new DataView(pseudo.buffer).setUint16(10, udpLen);
    pseudo.set(frame.subarray(34), 12);
    f.setUint16(40, checksum(pseudo) || 0xffff);
    const rec = new DataView(new ArrayBuffer(16));
    rec.setUint32(0, 1_800_000_000 + i, true);
    rec.setUint32(8, frame.length, true);
    rec.setUint32(12, frame.length, true);
    chunks.push(new Uint8Array(rec.buffer), frame);
  });
  writeFileSync(path, Buffer.concat(chunks));
}

function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i += 2) sum += (bytes[i]! << 8) | (bytes[i + 1] ?? 0);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}
