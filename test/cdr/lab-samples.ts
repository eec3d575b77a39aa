/** User-sample payloads of the lab captures, found with a tiny local RTPS walk (no dependency on src/rtps). */
import { readUdpPackets } from '../support/pcap.js';

export const PCAPS = '/work/shared/pcaps';
export const MSG_IDL_PATH = '/work/shared/lab/Msg.idl';

/** Extensible, nested and keyed types the user-type codec tests share. */
export const EXT_IDL = `
  @appendable struct A { long x; string s; };
  @mutable struct M { @key long x; @id(10) string s; @optional double d; };
  @final struct Inner { short a; long long b; };
  @appendable struct Nested { Inner i; sequence<Inner> list; sequence<string, 3> names; double grid[2][2]; @optional octet o; uint64 big; boolean flag; };
  @mutable struct MN { Nested n; A a; sequence<long> v; };
  struct KS { @key long id; string text; };
  struct KB { @key string<8> name; long v; };
  struct KL { @key string name; long v; };
  struct KO { @key @id(2) short a; @key @id(1) long b; @id(3) string rest; };
  struct KN { @key Inner inner; long v; };
`;

export interface CapturedSample {
  readonly frame: number;
  readonly writerId: number;
  /** Serialized payload incl. the encapsulation header (a view into the capture). */
  readonly payload: Uint8Array;
}

/** DATA submessages (0x15) whose writer entity kind is a user writer (0x02/0x03). */
export function userSamples(path: string): CapturedSample[] {
  const out: CapturedSample[] = [];
  for (const p of readUdpPackets(path)) {
    const d = p.payload;
    if (d.length < 20 || String.fromCharCode(d[0]!, d[1]!, d[2]!, d[3]!) !== 'RTPS') continue;
    const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
    let off = 20;
    while (off + 4 <= d.length) {
      const id = d[off]!;
      const flags = d[off + 1]!;
      const le = (flags & 1) === 1;
      const len = v.getUint16(off + 2, le);
      const body = off + 4;
      const end = len === 0 ? d.length : body + len;
      if (id === 0x15) {
        const toQos = v.getUint16(body + 2, le);
        const writerId = v.getUint32(body + 8, false);
        let q = body + 4 + toQos;
        if ((flags & 0x02) !== 0) {
          for (;;) {
            const pid = v.getUint16(q, le);
            const plen = v.getUint16(q + 2, le);
            q += 4 + plen;
            if (pid === 0x0001) break;
          }
        }
        const kind = writerId & 0xff;
        if ((flags & 0x04) !== 0 && (kind === 0x02 || kind === 0x03)) out.push({ frame: p.frame, writerId, payload: d.subarray(q, end) });
      }
      off = end;
    }
  }
  return out;
}
