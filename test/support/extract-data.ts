/**
 * Test-only: the DATA submessages of an RTPS datagram, with their serialized payloads, without
 * depending on src/rtps/message.ts (RTPS 2.5 §8.3.3, §9.4.5.3).
 */
export interface ExtractedData {
  readonly vendorId: number;
  readonly guidPrefix: Uint8Array;
  readonly readerId: number;
  readonly writerId: number;
  readonly flags: number;
  /** Encapsulation header + body; a view into the datagram. Empty when neither D nor K is set. */
  readonly payload: Uint8Array;
}

const DATA = 0x15;

export function extractData(datagram: Uint8Array): ExtractedData[] {
  if (datagram.length < 20 || String.fromCharCode(...datagram.subarray(0, 4)) !== 'RTPS') return [];
  const vendorId = (datagram[6]! << 8) | datagram[7]!;
  const guidPrefix = datagram.subarray(8, 20);
  const view = new DataView(datagram.buffer, datagram.byteOffset, datagram.byteLength);
  const out: ExtractedData[] = [];
  let off = 20;
  while (off + 4 <= datagram.length) {
    const id = datagram[off]!;
    const flags = datagram[off + 1]!;
    const le = (flags & 1) === 1;
    const len = view.getUint16(off + 2, le);
    const body = off + 4;
    const end = len === 0 ? datagram.length : Math.min(body + len, datagram.length);
    if (id === DATA && end - body >= 20) {
      const toInlineQos = view.getUint16(body + 2, le);
      const readerId = view.getUint32(body + 4, false);
      const writerId = view.getUint32(body + 8, false);
      let p = body + 4 + toInlineQos;
      if ((flags & 0x02) !== 0) {
        // Skip the inline QoS parameter list up to and including PID_SENTINEL.
        while (p + 4 <= end) {
          const pid = view.getUint16(p, le);
          const plen = view.getUint16(p + 2, le);
          p += 4 + plen;
          if (pid === 1) break;
        }
      }
      const hasPayload = (flags & 0x0c) !== 0;
      out.push({ vendorId, guidPrefix, readerId, writerId, flags, payload: hasPayload ? datagram.subarray(p, end) : datagram.subarray(end, end) });
    }
    if (len === 0) break;
    off = body + len;
  }
  return out;
}
