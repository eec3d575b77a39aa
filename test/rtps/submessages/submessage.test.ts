import { expect } from 'chai';
import { decodeRtpsMessage, encodeRtpsMessage, sizeOfRtpsMessage } from '../../../src/rtps/message.js';
import type { Submessage } from '../../../src/rtps/submessages/submessage.js';
import { DecodeError, EncodeError } from '../../../src/util/errors.js';
import { hex } from '../captures.js';
import { OPENDDS_HEADER, sampleSubmessages } from './samples.js';

/** The decoded value with byte views replaced by hex, so values compare across buffers. */
function plain(s: Submessage): unknown {
  return JSON.parse(JSON.stringify(s, (k, v: unknown) => (k === 'offset' ? undefined : v instanceof Uint8Array ? hex(v) : v instanceof Uint32Array ? Array.from(v) : v)));
}

describe('rtps/submessages: encode → decode', () => {
  for (const littleEndian of [true, false]) {
    const order = littleEndian ? 'little-endian' : 'big-endian';
    for (const sample of sampleSubmessages(littleEndian)) {
      const label = `${sample.kind}${sample.kind === 'unknown' ? `(0x${sample.id.toString(16)})` : ''}`;
      it(`${label}, ${order}: round-trips alone, first and in the middle, and every truncation throws DecodeError`, () => {
        const alone = encodeRtpsMessage(OPENDDS_HEADER, [sample]);
        const decoded = decodeRtpsMessage(alone);
        expect(decoded.submessages.map(plain)).to.deep.equal([plain(sample)]);
        expect(hex(encodeRtpsMessage(decoded.header, decoded.submessages))).to.equal(hex(alone));
        expect(alone[20 + 1]! & 1).to.equal(littleEndian ? 1 : 0);

        const three: Submessage[] = [sample, { kind: 'info-dst', guidPrefix: new Uint8Array(12) }, sample];
        const enc = encodeRtpsMessage(OPENDDS_HEADER, three);
        expect(enc.length).to.be.at.most(sizeOfRtpsMessage(three));
        expect(decodeRtpsMessage(enc).submessages.map(plain)).to.deep.equal(three.map((s) => plain(s.kind === 'unknown' ? s : { littleEndian: true, ...s })));

        for (let n = 0; n < alone.length; n++) {
          // A cut at a submessage boundary leaves a valid, shorter message: only the header here.
          if (n === 20) continue;
          let threw: unknown;
          try { decodeRtpsMessage(alone.subarray(0, n)); } catch (e) { threw = e; }
          if (threw === undefined) {
            // Cutting the body of a kind whose tail is optional or open-ended (PAD, payloads, unknown bodies)
            // still frames if octetsToNextHeader is patched; an unpatched cut must always fail.
            expect.fail(`truncation to ${n} of ${alone.length} decoded`);
          }
          expect(threw, `truncation to ${n}`).to.be.instanceOf(DecodeError);
        }
      });
    }
  }

  it('writes octetsToNextHeader of each submessage in its own byte order', () => {
    const enc = encodeRtpsMessage(OPENDDS_HEADER, [
      { kind: 'info-dst', littleEndian: false, guidPrefix: new Uint8Array(12) },
      { kind: 'info-dst', littleEndian: true, guidPrefix: new Uint8Array(12) },
    ]);
    expect(hex(enc.subarray(20, 24))).to.equal('0e00000c');
    expect(hex(enc.subarray(36, 40))).to.equal('0e010c00');
  });

  it('an empty unknown submessage can only be last (octetsToNextHeader 0 means "to the end")', () => {
    const empty: Submessage = { kind: 'unknown', id: 0x81, flags: 1, body: new Uint8Array(0) };
    const enc = encodeRtpsMessage(OPENDDS_HEADER, [{ kind: 'pad', padding: new Uint8Array(0) }, empty]);
    expect(hex(enc.subarray(20))).to.equal('01010000' + '81010000');
    expect(decodeRtpsMessage(enc).submessages.map(plain)).to.deep.equal([plain({ kind: 'pad', littleEndian: true, padding: new Uint8Array(0) }), plain(empty)]);
    expect(() => encodeRtpsMessage(OPENDDS_HEADER, [empty, empty])).to.throw(EncodeError, /0x81/);
  });

  it('reads octetsToNextHeader 0 on the last submessage as "to the end of the message" (RTPS 2.5 §9.4.5.1.3)', () => {
    const enc = encodeRtpsMessage(OPENDDS_HEADER, [{ kind: 'info-dst', guidPrefix: new Uint8Array(12).fill(5) }]);
    enc[22] = 0;
    const [dst] = decodeRtpsMessage(enc).submessages;
    expect(dst?.kind === 'info-dst' ? hex(dst.guidPrefix) : '').to.equal('05'.repeat(12));
    // ... but for INFO_TS, 0 is a real length: without the I flag it is too short.
    const ts = encodeRtpsMessage(OPENDDS_HEADER, [{ kind: 'info-ts', timestamp: { seconds: 1, fraction: 2 } }]);
    ts[22] = 0;
    expect(() => decodeRtpsMessage(ts)).to.throw(DecodeError, /INFO_TS/);
  });

  it('encodes a last submessage of more than 65535 octets with octetsToNextHeader 0', () => {
    const big = new Uint8Array(70_000);
    big[1] = 1;
    const enc = encodeRtpsMessage(OPENDDS_HEADER, [
      { kind: 'data', readerId: 0, writerId: 0x102, writerSN: 1, inlineQos: undefined, serializedData: big, serializedKey: undefined },
    ]);
    expect(enc[22]).to.equal(0);
    expect(enc[23]).to.equal(0);
    const [d] = decodeRtpsMessage(enc).submessages;
    expect(d?.kind === 'data' ? d.serializedData?.length : 0).to.equal(70_000);
    expect(() => encodeRtpsMessage(OPENDDS_HEADER, [
      { kind: 'data', readerId: 0, writerId: 0x102, writerSN: 1, inlineQos: undefined, serializedData: big, serializedKey: undefined },
      { kind: 'pad', padding: new Uint8Array(0) },
    ])).to.throw(EncodeError, /65535/);
  });

  it('defaults to little-endian when littleEndian is absent', () => {
    const enc = encodeRtpsMessage(OPENDDS_HEADER, [{ kind: 'info-ts', timestamp: { seconds: 1, fraction: 2 } }]);
    expect(hex(enc.subarray(20))).to.equal('0901080001000000' + '02000000');
  });
});
