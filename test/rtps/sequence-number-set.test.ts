import { expect } from 'chai';
import {
  forEachSequenceNumber, hasSequenceNumber, readSequenceNumberSet, sequenceNumberSetFromMembers, sequenceNumberSetMembers,
  sizeOfSequenceNumberSet, writeSequenceNumberSet,
} from '../../src/rtps/sequence-number-set.js';
import { ByteReader } from '../../src/util/byte-reader.js';
import { ByteWriter } from '../../src/util/byte-writer.js';
import { DecodeError, EncodeError } from '../../src/util/errors.js';
import { hex } from './captures.js';

describe('rtps/sequence-number-set', () => {
  it('encodes with the minimal numBits and reads back (both byte orders)', () => {
    for (const le of [true, false]) {
      const s = sequenceNumberSetFromMembers(2 ** 33 + 5, [2 ** 33 + 5, 2 ** 33 + 37, 2 ** 33 + 260]);
      expect(s.numBits).to.equal(256);
      const w = new ByteWriter(64, le);
      writeSequenceNumberSet(w, s);
      expect(w.offset).to.equal(sizeOfSequenceNumberSet(s));
      const back = readSequenceNumberSet(new ByteReader(w.finish(), 't', le), 'set');
      expect(sequenceNumberSetMembers(back)).to.deep.equal([2 ** 33 + 5, 2 ** 33 + 37, 2 ** 33 + 260]);
      expect(back.numBits).to.equal(256);
    }
  });

  it('matches the wire layout of Cyclone\'s ACKNACK {1,2,3,4} (cyclone-ddsperf #25): base 1, numBits 4, 0xf0000000', () => {
    const w = new ByteWriter(32, true);
    writeSequenceNumberSet(w, sequenceNumberSetFromMembers(1, [4, 1, 3, 2]));
    expect(hex(w.finish())).to.equal('00000000' + '01000000' + '04000000' + '000000f0');
  });

  it('an empty set has numBits 0 and no bitmap (a pure acknowledgement)', () => {
    const s = sequenceNumberSetFromMembers(7, []);
    expect(s.numBits).to.equal(0);
    expect(sizeOfSequenceNumberSet(s)).to.equal(12);
  });

  it('membership and iteration', () => {
    const s = sequenceNumberSetFromMembers(100, [100, 131, 132, 355]);
    expect(hasSequenceNumber(s, 131)).to.equal(true);
    expect(hasSequenceNumber(s, 99)).to.equal(false);
    expect(hasSequenceNumber(s, 356)).to.equal(false);
    const seen: number[] = [];
    forEachSequenceNumber(s, (sn) => { seen.push(sn); });
    expect(seen).to.deep.equal([100, 131, 132, 355]);
  });

  it('ignores bitmap bits beyond numBits', () => {
    const b = Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]);
    expect(sequenceNumberSetMembers(readSequenceNumberSet(new ByteReader(b, 't', true), 's'))).to.deep.equal([1, 2]);
  });

  it('rejects numBits > 256 and short bitmaps with DecodeError; members out of range with EncodeError', () => {
    const b = Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0]);
    expect(() => readSequenceNumberSet(new ByteReader(b, 't', true), 's')).to.throw(DecodeError, /s\.numBits.*257 exceeds 256/);
    const c = Uint8Array.from([0, 0, 0, 0, 1, 0, 0, 0, 33, 0, 0, 0, 0, 0, 0, 0]);
    expect(() => readSequenceNumberSet(new ByteReader(c, 't', true), 's')).to.throw(DecodeError, /bitmap/);
    expect(() => sequenceNumberSetFromMembers(1, [257])).to.throw(EncodeError);
    expect(() => sequenceNumberSetFromMembers(5, [4])).to.throw(EncodeError);
  });
});
