import { expect } from 'chai';
import { decodeRtpsMessage, encodeRtpsMessage } from '../../src/rtps/message.js';
import type { Submessage } from '../../src/rtps/submessages/submessage.js';
import type { RtpsTime } from '../../src/rtps/time.js';
import { DecodeError } from '../../src/util/errors.js';
import type { CaptureName } from './captures.js';
import { allRtpsFrames, captureFrames, hex, RTPS_CAPTURES, rtpsFrames, summaryInfo, tsharkFields } from './captures.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** An RTPS time the way tshark 4.0 prints an absolute time ("Nov 21, 2026 11:16:30.796017566 UTC"). */
function tsharkTime(t: RtpsTime): string {
  const d = new Date(t.seconds * 1000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const ns = Math.floor((t.fraction * 1e9) / 0x1_0000_0000);
  return `${MONTHS[d.getUTCMonth()] ?? '?'} ${p2(d.getUTCDate())}, ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.${String(ns).padStart(9, '0')} UTC`;
}

const idHex = (id: number): string => `0x${(id >>> 0).toString(16).padStart(8, '0')}`;
const u8Hex = (v: number): string => `0x${v.toString(16).padStart(2, '0')}`;

function smId(s: Submessage): number {
  switch (s.kind) {
    case 'pad': return 0x01;
    case 'acknack': return 0x06;
    case 'heartbeat': return 0x07;
    case 'gap': return 0x08;
    case 'info-ts': return 0x09;
    case 'info-src': return 0x0c;
    case 'info-reply-ip4': return 0x0d;
    case 'info-dst': return 0x0e;
    case 'info-reply': return 0x0f;
    case 'nack-frag': return 0x12;
    case 'heartbeat-frag': return 0x13;
    case 'data': return 0x15;
    case 'data-frag': return 0x16;
    case 'unknown': return s.id;
  }
}

function bitmapHex(words: Uint32Array, littleEndian: boolean): string {
  const b = new Uint8Array(words.length * 4);
  const v = new DataView(b.buffer);
  words.forEach((w, i) => { v.setUint32(i * 4, w, littleEndian); });
  return hex(b);
}

/** What Wireshark would list for our decode, field by field (see vectors/make-tshark-fields.sh). */
function ourFields(datagram: Uint8Array): Record<string, string[]> {
  const m = decodeRtpsMessage(datagram);
  const f: Record<string, string[]> = {
    version: [`0x${hex(new Uint8Array([m.header.protocolVersion.major, m.header.protocolVersion.minor]))}`],
    vendorId: [`0x${m.header.vendorId.toString(16).padStart(4, '0')}`],
    guidPrefix: [hex(m.header.guidPrefix)],
    smId: [], rdEntityId: [], wrEntityId: [], seqNumber: [], guidPrefixDst: [], infoTsTimestamp: [],
    heartbeatCount: [], acknackCount: [], numBits: [], bitmap: [],
  };
  const push = (k: string, v: string): void => { (f[k] ??= []).push(v); };
  for (const s of m.submessages) {
    push('smId', u8Hex(smId(s)));
    if (s.kind === 'data') {
      push('rdEntityId', idHex(s.readerId)); push('wrEntityId', idHex(s.writerId)); push('seqNumber', String(s.writerSN));
    } else if (s.kind === 'heartbeat') {
      push('rdEntityId', idHex(s.readerId)); push('wrEntityId', idHex(s.writerId));
      push('seqNumber', String(s.firstSN)); push('seqNumber', String(s.lastSN)); push('heartbeatCount', String(s.count));
    } else if (s.kind === 'acknack') {
      push('rdEntityId', idHex(s.readerId)); push('wrEntityId', idHex(s.writerId));
      push('seqNumber', String(s.readerSNState.base)); push('acknackCount', String(s.count));
      push('numBits', String(s.readerSNState.numBits));
      if (s.readerSNState.numBits > 0) push('bitmap', bitmapHex(s.readerSNState.bitmap, s.littleEndian ?? true));
    } else if (s.kind === 'info-dst') {
      push('guidPrefixDst', hex(s.guidPrefix));
    } else if (s.kind === 'info-ts' && s.timestamp) {
      push('infoTsTimestamp', tsharkTime(s.timestamp));
    }
  }
  return f;
}

describe('rtps/message: decoding the shared captures', () => {
  for (const capture of RTPS_CAPTURES) {
    describe(capture, () => {
      it('decodes every RTPS datagram without error', () => {
        const frames = rtpsFrames(capture);
        expect(frames.length).to.be.greaterThan(50);
        for (const f of frames) expect(() => decodeRtpsMessage(f.payload), `frame ${f.frame}`).not.to.throw();
      });

      it('agrees with Wireshark on header, ids, entity ids, sequence numbers, INFO_DST, INFO_TS, counts and bitmaps', () => {
        const fields = tsharkFields(capture);
        let compared = 0;
        for (const f of rtpsFrames(capture)) {
          const ts = fields.get(f.frame);
          expect(ts, `tshark line for frame ${f.frame}`).to.not.equal(undefined);
          if (!ts) continue;
          const ours = ourFields(f.payload);
          for (const k of ['smId', 'rdEntityId', 'wrEntityId', 'seqNumber', 'guidPrefixDst', 'infoTsTimestamp', 'heartbeatCount', 'acknackCount', 'bitmap'] as const) {
            expect(ours[k], `${capture} frame ${f.frame} ${k}`).to.deep.equal(ts[k]);
          }
          // tshark lists numBits only for ACKNACK sets here; the header fields also repeat inside SPDP parameters, so compare the first.
          expect(ours.numBits, `frame ${f.frame} numBits`).to.deep.equal(ts.numBits);
          expect(ours.version?.[0]).to.equal(ts.version[0]);
          expect(ours.vendorId?.[0]).to.equal(ts.vendorId[0]);
          expect(ours.guidPrefix?.[0]).to.equal(ts.guidPrefix[0]);
          compared++;
        }
        expect(compared).to.equal(rtpsFrames(capture).length);
      });

      it('finds the submessage kinds of the summary file, frame by frame', () => {
        const summary = summaryInfo(capture);
        const perKind = new Map<string, number>();
        for (const f of rtpsFrames(capture)) {
          const info = summary.get(f.frame);
          expect(info?.protocol, `frame ${f.frame}`).to.equal('RTPS');
          const expected = (info?.info ?? '').split(', ').map((entry) => {
            const name = entry.replace(/ -> .*/, '');
            if (name.startsWith('DATA(') || name === 'DATA') return 'data';
            if (name === 'Unknown[80]') return 'unknown:0x80';
            return name.toLowerCase().replace(/_/g, '-');
          });
          const got = decodeRtpsMessage(f.payload).submessages.map((s) => (s.kind === 'unknown' ? `unknown:${u8Hex(s.id)}` : s.kind));
          expect(got, `${capture} frame ${f.frame}`).to.deep.equal(expected);
          for (const k of got) perKind.set(k, (perKind.get(k) ?? 0) + 1);
        }
        expect(perKind.get('info-ts')).to.be.greaterThan(0);
      });

      it('re-encodes every RTPS datagram to the original bytes', () => {
        for (const f of rtpsFrames(capture)) {
          const m = decodeRtpsMessage(f.payload);
          expect(hex(encodeRtpsMessage(m.header, m.submessages)), `${capture} frame ${f.frame}`).to.equal(hex(f.payload));
        }
      });
    });
  }

  it('counts every submessage kind across the four captures as the summaries do', () => {
    const counts = new Map<string, number>();
    for (const f of allRtpsFrames()) {
      for (const s of decodeRtpsMessage(f.payload).submessages) {
        const k = s.kind === 'unknown' ? `unknown:${u8Hex(s.id)}` : s.kind;
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
    }
    // From the summary files: 520 DATA + 273 DATA(p) + 73 DATA(p[UD]) + 14 DATA(w) + 9 DATA(w[UD]) + 9 DATA(r) + 6 DATA(r[UD]) + 6 DATA(m).
    expect(Object.fromEntries(counts)).to.deep.equal({
      'info-ts': 910, data: 910, heartbeat: 575, 'unknown:0x80': 224, 'info-dst': 127, acknack: 79,
    });
  });

  it('rejects the 1-octet non-RTPS datagrams Cyclone sends to its own sockets with a DecodeError', () => {
    const odd: { capture: CaptureName; frame: number; payload: Uint8Array }[] = RTPS_CAPTURES.flatMap((c) =>
      captureFrames(c).filter((f) => f.payload.length < 20));
    expect(odd.map((f) => `${f.capture}:${f.frame}`)).to.deep.equal([
      'cyclone-labmsg:72', 'cyclone-labmsg:73', 'cyclone-fastdds-interop:86', 'cyclone-fastdds-interop:192',
      'cyclone-ddsperf:573', 'cyclone-ddsperf:586',
    ]);
    for (const f of odd) expect(() => decodeRtpsMessage(f.payload)).to.throw(DecodeError);
  });
});
