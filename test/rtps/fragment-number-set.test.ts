import { expect } from 'chai';
import {
  forEachFragmentNumber, fragmentNumberSetFromMembers, fragmentNumberSetMembers, hasFragmentNumber, readFragmentNumberSet,
  sizeOfFragmentNumberSet, writeFragmentNumberSet,
} from '../../src/rtps/fragment-number-set.js';
import { ByteReader } from '../../src/util/byte-reader.js';
import { ByteWriter } from '../../src/util/byte-writer.js';
import { DecodeError, EncodeError } from '../../src/util/errors.js';
import { hex } from './captures.js';

describe('rtps/fragment-number-set', () => {
  it('encodes minimal numBits, big- and little-endian, and reads back', () => {
    const s = fragmentNumberSetFromMembers(1, [1, 33]);
    expect(s.numBits).to.equal(33);
    const be = new ByteWriter(32, false);
    writeFragmentNumberSet(be, s);
    expect(hex(be.finish())).to.equal('00000001' + '00000021' + '80000000' + '80000000');
    for (const le of [true, false]) {
      const w = new ByteWriter(32, le);
      writeFragmentNumberSet(w, s);
      expect(w.offset).to.equal(sizeOfFragmentNumberSet(s));
      const back = readFragmentNumberSet(new ByteReader(w.finish(), 't', le), 'f');
      expect(fragmentNumberSetMembers(back)).to.deep.equal([1, 33]);
      expect(hasFragmentNumber(back, 33)).to.equal(true);
      expect(hasFragmentNumber(back, 2)).to.equal(false);
    }
    const seen: number[] = [];
    forEachFragmentNumber(s, (n) => { seen.push(n); });
    expect(seen).to.deep.equal([1, 33]);
  });

  it('rejects numBits > 256 (DecodeError) and members out of range (EncodeError)', () => {
    const b = Uint8Array.from([0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff]);
    expect(() => readFragmentNumberSet(new ByteReader(b, 't'), 'f')).to.throw(DecodeError, /f\.numBits/);
    expect(() => fragmentNumberSetFromMembers(10, [9])).to.throw(EncodeError);
  });
});
