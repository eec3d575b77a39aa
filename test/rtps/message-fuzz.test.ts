import { expect } from 'chai';
import { decodeRtpsMessage, encodeRtpsMessage } from '../../src/rtps/message.js';
import { DecodeError } from '../../src/util/errors.js';
import { allRtpsFrames, frameOf, hex } from './captures.js';
import { OPENDDS_HEADER, sampleSubmessages } from './submessages/samples.js';
import { prng } from '../support/random.js';

/** Offsets of interesting fields, found by walking the (valid) datagram's framing. */
function fieldOffsets(d: Uint8Array): { lengths: number[]; counts: number[] } {
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const lengths: number[] = [];
  const counts: number[] = [];
  let off = 20;
  while (off + 4 <= d.length) {
    const id = d[off] ?? 0;
    const le = ((d[off + 1] ?? 0) & 1) === 1;
    const len = v.getUint16(off + 2, le);
    const body = off + 4;
    lengths.push(off + 2);
    if (id === 0x06) counts.push(body + 16); // ACKNACK readerSNState.numBits
    if (id === 0x08) counts.push(body + 24); // GAP gapList.numBits
    if (id === 0x12) counts.push(body + 20); // NACK_FRAG fragmentNumberState.numBits
    if (id === 0x15) counts.push(body + 2); // DATA octetsToInlineQos
    if (id === 0x16) counts.push(body + 2, body + 20, body + 24, body + 26, body + 28); // DATA_FRAG otiq, start, count, size, sampleSize
    if (id === 0x0f) counts.push(body); // INFO_REPLY numLocators
    if (len === 0) break;
    off = body + len;
  }
  return { lengths, counts };
}

function corpus(): Uint8Array[] {
  const out = allRtpsFrames().map((f) => f.payload);
  for (const le of [true, false]) {
    const all = sampleSubmessages(le);
    out.push(encodeRtpsMessage(OPENDDS_HEADER, all));
    for (const s of all) out.push(encodeRtpsMessage(OPENDDS_HEADER, [{ kind: 'info-dst', guidPrefix: new Uint8Array(12) }, s]));
  }
  return out;
}

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const pick = (n: number): number => Math.floor(rnd() * n);
  let d = src.slice();
  const { lengths, counts } = fieldOffsets(d);
  const v = new DataView(d.buffer);
  const steps = 1 + pick(3);
  for (let s = 0; s < steps; s++) {
    switch (pick(8)) {
      case 0: { const i = pick(d.length); d[i] = (d[i] ?? 0) ^ (1 << pick(8)); break; }
      case 1: d[pick(d.length)] = pick(256); break;
      case 2: d = d.slice(0, pick(d.length)); break;
      case 3: { const e = new Uint8Array(d.length + 1 + pick(16)); e.set(d); for (let i = d.length; i < e.length; i++) e[i] = pick(256); d = e; break; }
      case 4: { const at = lengths[pick(lengths.length)]; if (at !== undefined && at + 2 <= d.length) v.setUint16(at, [0, 1, 3, 4, 0xffff, pick(0x10000)][pick(6)] ?? 0, rnd() < 0.5); break; }
      case 5: { const at = counts[pick(counts.length)]; if (at !== undefined && at + 4 <= d.length) v.setUint32(at, [0, 1, 31, 32, 33, 255, 256, 257, 0xffff, 0xffffffff, pick(2 ** 32)][pick(11)] ?? 0, rnd() < 0.5); break; }
      case 6: { const at = counts[pick(counts.length)]; if (at !== undefined && at + 2 <= d.length) v.setUint16(at, [0, 1, 16, 17, 28, 0xffff][pick(6)] ?? 0, rnd() < 0.5); break; }
      default: { const i = 20 + pick(Math.max(1, d.length - 20)); if (i < d.length) d[i + 1 < d.length ? i + 1 : i] = pick(256); break; }
    }
    if (d.length !== v.byteLength) return d;
  }
  return d;
}

describe('rtps/message: robustness', () => {
  it('every truncation of representative capture datagrams throws DecodeError, except cuts at submessage boundaries', () => {
    const reps = [
      frameOf('cyclone-labmsg', 1), frameOf('cyclone-labmsg', 22), frameOf('cyclone-labmsg', 24), frameOf('fastdds', 1),
      frameOf('fastdds', 26), frameOf('cyclone-ddsperf', 25), frameOf('cyclone-ddsperf', 40), frameOf('cyclone-fastdds-interop', 56),
    ];
    for (const d of reps) {
      const full = decodeRtpsMessage(d).submessages;
      const boundaries = new Map<number, number>([[20, 0]]);
      fieldOffsets(d).lengths.forEach((at, i) => {
        const v = new DataView(d.buffer, d.byteOffset);
        const len = v.getUint16(at, ((d[at - 1] ?? 0) & 1) === 1);
        boundaries.set(at + 2 + len, i + 1);
      });
      for (let n = 0; n < d.length; n++) {
        const k = boundaries.get(n);
        if (k !== undefined) {
          // A cut between submessages is a valid, shorter message: the first k submessages.
          expect(decodeRtpsMessage(d.subarray(0, n)).submessages.length, `cut at ${n}`).to.equal(k);
          expect(hex(encodeRtpsMessage(decodeRtpsMessage(d).header, full.slice(0, k)))).to.equal(hex(d.subarray(0, n)));
        } else {
          expect(() => decodeRtpsMessage(d.subarray(0, n)), `cut at ${n} of ${d.length}`).to.throw(DecodeError);
        }
      }
    }
  });

  it('100,000 seeded mutations of capture and sample datagrams throw nothing but DecodeError; what decodes re-encodes', function () {
    this.timeout(60_000);
    const rnd = prng(0x5eed_2026);
    const inputs = corpus();
    let decoded = 0;
    let rejected = 0;
    for (let i = 0; i < 100_000; i++) {
      const src = inputs[i % inputs.length] ?? new Uint8Array();
      const d = mutate(src, rnd);
      let m;
      try {
        m = decodeRtpsMessage(d);
      } catch (e) {
        if (!(e instanceof DecodeError)) throw new Error(`mutation ${i} of input ${i % inputs.length} threw ${String(e)}: ${hex(d)}`, { cause: e });
        rejected++;
        continue;
      }
      decoded++;
      // Whatever decodes must re-encode and decode again to the same submessage kinds.
      const again = decodeRtpsMessage(encodeRtpsMessage(m.header, m.submessages));
      expect(again.submessages.map((s) => s.kind)).to.deep.equal(m.submessages.map((s) => s.kind));
    }
    expect(decoded).to.be.greaterThan(10_000);
    expect(rejected).to.be.greaterThan(10_000);
  });
});
