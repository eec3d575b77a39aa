import { expect } from 'chai';
import { decodeChannelData, encodeChannelData, isChannelData, sizeOfChannelData } from '../../src/stun/index.js';
import { DecodeError, EncodeError } from '../../src/util/errors.js';
import { toHex } from '../../src/util/hex.js';

describe('stun/channel-data', () => {
  it('encodes with and without padding and decodes both (RFC 8656 §12.4, §12.5)', () => {
    const cd = { channel: 0x4001, data: Uint8Array.of(0xaa, 0xbb, 0xcc, 0xdd, 0xee) };
    const plain = encodeChannelData(cd);
    const padded = encodeChannelData(cd, true);
    expect(toHex(plain)).to.equal('40010005aabbccddee');
    expect(toHex(padded)).to.equal('40010005aabbccddee000000');
    expect(sizeOfChannelData(cd, true)).to.equal(12);
    for (const b of [plain, padded]) {
      const d = decodeChannelData(b);
      expect(d.channel).to.equal(0x4001);
      expect(toHex(d.data)).to.equal('aabbccddee');
      expect(d.data.buffer).to.equal(b.buffer);
      expect(isChannelData(b)).to.equal(true);
    }
  });

  it('rejects bad channels, short data, stray trailing bytes and every truncation', () => {
    expect(() => decodeChannelData(Uint8Array.of(0x80, 0x00, 0, 0))).to.throw(DecodeError, /channel/);
    expect(() => decodeChannelData(Uint8Array.of(0x3f, 0xff, 0, 0))).to.throw(DecodeError, /channel/);
    expect(() => decodeChannelData(Uint8Array.of(0x40, 0x00, 0, 1, 1, 0, 0, 0, 0))).to.throw(DecodeError, /padding/);
    const b = encodeChannelData({ channel: 0x7fff, data: new Uint8Array(7) });
    for (let n = 0; n < b.length; n++) {
      expect(() => decodeChannelData(b.subarray(0, n))).to.throw(DecodeError, /channelData\/(channel|length|data)/);
    }
    expect(() => encodeChannelData({ channel: 0x3fff, data: new Uint8Array(0) })).to.throw(EncodeError);
    expect(() => encodeChannelData({ channel: 0x4000, data: new Uint8Array(0x10000) })).to.throw(EncodeError);
    expect(isChannelData(Uint8Array.of(0x00, 0x01))).to.equal(false);
    expect(isChannelData(new Uint8Array(0))).to.equal(false);
  });
});
