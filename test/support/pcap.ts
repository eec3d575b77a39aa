/**
 * Minimal pcap / pcapng reading for tests: the UDP datagrams of a capture (Ethernet, Linux cooked
 * v1/v2, raw IP or loopback link types; IPv4 and IPv6). Writing lives in `src/cli/pcap.ts`.
 */
import { readFileSync } from 'node:fs';

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
  return readUdpPacketsFromBytes(new Uint8Array(readFileSync(path)));
}

/** The UDP datagrams of a .pcap or .pcapng file's bytes. */
export function readUdpPacketsFromBytes(file: Uint8Array): UdpPacket[] {
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
