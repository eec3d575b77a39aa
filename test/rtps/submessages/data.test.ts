import { expect } from 'chai';
import { decodeRtpsMessage, encodeRtpsMessage } from '../../../src/rtps/message.js';
import type { DataFragSubmessage } from '../../../src/rtps/submessages/data-frag.js';
import { fragmentsByteLength } from '../../../src/rtps/submessages/data-frag.js';
import { DecodeError, EncodeError } from '../../../src/util/errors.js';
import { frameOf, hex } from '../captures.js';
import { OPENDDS_HEADER, payload } from './samples.js';

describe('rtps/submessages/data and data-frag', () => {
  it('honours a larger octetsToInlineQos (fields a later RTPS version adds are skipped)', () => {
    const orig = frameOf('cyclone-labmsg', 1);
    // Insert 8 octets after writerSN of the DATA (header 20 + INFO_TS 12 → DATA at 32; body at 36; fields end at 36+4+16).
    const at = 36 + 4 + 16;
    const d = new Uint8Array(orig.length + 8);
    d.set(orig.subarray(0, at));
    d.set([0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4], at);
    d.set(orig.subarray(at), at + 8);
    const v = new DataView(d.buffer);
    v.setUint16(34, v.getUint16(34, true) + 8, true); // octetsToNextHeader
    v.setUint16(38, 16 + 8, true); // octetsToInlineQos
    const [, a] = decodeRtpsMessage(orig).submessages;
    const [, b] = decodeRtpsMessage(d).submessages;
    expect(b?.kind === 'data' && a?.kind === 'data' && hex(b.serializedData ?? new Uint8Array()) === hex(a.serializedData ?? new Uint8Array())).to.equal(true);
    v.setUint16(38, 12, true);
    expect(() => decodeRtpsMessage(d)).to.throw(DecodeError, /octetsToInlineQos/);
  });

  it('the serialized payload is a view into the datagram, encapsulation header included', () => {
    const d = frameOf('fastdds', 1);
    const [, data] = decodeRtpsMessage(d).submessages;
    if (data?.kind !== 'data' || !data.serializedData) throw new Error('DATA');
    expect(data.serializedData.buffer).to.equal(d.buffer);
    expect(hex(data.serializedData.subarray(0, 2))).to.equal('0003');
  });

  it('rejects D and K together, and a payload shorter than its encapsulation header', () => {
    const enc = encodeRtpsMessage(OPENDDS_HEADER, [{ kind: 'data', readerId: 0, writerId: 0x102, writerSN: 1, inlineQos: undefined, serializedData: payload(8), serializedKey: undefined }]);
    const both = enc.slice();
    both[21] = (both[21] ?? 0) | 0x08;
    expect(() => decodeRtpsMessage(both)).to.throw(DecodeError, /D and K/);
    const short = encodeRtpsMessage(OPENDDS_HEADER, [{ kind: 'data', readerId: 0, writerId: 0x102, writerSN: 1, inlineQos: undefined, serializedData: payload(2), serializedKey: undefined }]);
    expect(() => decodeRtpsMessage(short.subarray(0, short.length))).to.throw(DecodeError, /encapsulation/);
    expect(() => encodeRtpsMessage(OPENDDS_HEADER, [{ kind: 'data', readerId: 0, writerId: 1, writerSN: 1, inlineQos: undefined, serializedData: payload(4), serializedKey: payload(4) }])).to.throw(EncodeError);
  });

  describe('DATA_FRAG validation', () => {
    const base: DataFragSubmessage = {
      kind: 'data-frag', readerId: 0, writerId: 0x102, writerSN: 1, fragmentStartingNum: 1, fragmentsInSubmessage: 2,
      fragmentSize: 8, sampleSize: 20, inlineQos: undefined, isKey: false, fragments: payload(16),
    };
    const encoded = (): Uint8Array => encodeRtpsMessage(OPENDDS_HEADER, [base]);
    // Body offsets: submessage at 20, body at 24; fragmentStartingNum +20, fragmentsInSubmessage +24, fragmentSize +26, sampleSize +28.
    const patch = (off: number, value: number, size: 2 | 4): Uint8Array => {
      const d = encoded().slice();
      const v = new DataView(d.buffer);
      if (size === 2) v.setUint16(24 + off, value, true); else v.setUint32(24 + off, value, true);
      return d;
    };

    it('computes the octets of a fragment run', () => {
      expect(fragmentsByteLength(1, 2, 8, 20)).to.equal(16);
      expect(fragmentsByteLength(3, 1, 8, 20)).to.equal(4);
      expect(fragmentsByteLength(3, 2, 8, 20)).to.equal(-1);
      expect(fragmentsByteLength(0, 1, 8, 20)).to.equal(-1);
    });

    it('round-trips and rejects a zero fragment size, a zero start, a zero count and runs beyond the sample', () => {
      expect(decodeRtpsMessage(encoded()).submessages[0]).to.deep.include({ fragmentStartingNum: 1, fragmentsInSubmessage: 2, fragmentSize: 8, sampleSize: 20 });
      expect(() => decodeRtpsMessage(patch(26, 0, 2))).to.throw(DecodeError, /fragmentSize/);
      expect(() => decodeRtpsMessage(patch(20, 0, 4))).to.throw(DecodeError, /fragmentStartingNum/);
      expect(() => decodeRtpsMessage(patch(24, 0, 2))).to.throw(DecodeError, /fragmentsInSubmessage/);
      expect(() => decodeRtpsMessage(patch(24, 0xffff, 2))).to.throw(DecodeError, /sampleSize/);
      expect(() => decodeRtpsMessage(patch(26, 0xffff, 2))).to.throw(DecodeError, /fragments/);
      expect(decodeRtpsMessage(patch(28, 0xffffffff, 4)).submessages[0]).to.deep.include({ sampleSize: 0xffffffff });
      expect(() => decodeRtpsMessage(patch(28, 8, 4))).to.throw(DecodeError, /sampleSize/);
    });

    it('refuses to encode fragments whose length does not match the numbers', () => {
      expect(() => encodeRtpsMessage(OPENDDS_HEADER, [{ ...base, fragments: payload(12) }])).to.throw(EncodeError);
      expect(() => encodeRtpsMessage(OPENDDS_HEADER, [{ ...base, fragmentSize: 0 }])).to.throw(EncodeError);
    });
  });
});
