import { expect } from 'chai';
import { ByteWriter } from '../../src/util/byte-writer.js';
import { DecodeError } from '../../src/util/errors.js';
import {
  CDR2_LE, D_CDR2_BE, ENCAPSULATION_KINDS, PLAIN_CDR_BE, PLAIN_CDR_LE, PL_CDR2_LE, PL_CDR_BE,
  padEncapsulation, readEncapsulation, writeEncapsulation,
} from '../../src/cdr/index.js';

describe('cdr/encapsulation', () => {
  it('round-trips every kind with its rules', () => {
    for (const kind of ENCAPSULATION_KINDS) {
      const w = new ByteWriter(16);
      writeEncapsulation(w, kind, 0);
      w.u32(0xdeadbeef);
      const enc = readEncapsulation(w.finish());
      expect(enc.kind).to.equal(kind);
      expect(enc.rules.littleEndian).to.equal((kind & 1) === 1);
      expect(enc.rules.version).to.equal(kind >= 6 ? 'xcdr2' : 'xcdr1');
      expect(enc.isParameterList).to.equal([2, 3, 10, 11].includes(kind));
      expect(enc.body.length).to.equal(4);
    }
  });

  it('writes the identifier and options big-endian', () => {
    const w = new ByteWriter(4, true);
    writeEncapsulation(w, PL_CDR2_LE, 0x0102);
    expect([...w.finish()]).to.deep.equal([0x00, 0x0b, 0x01, 0x02]);
  });

  it('honours the padding count in the options (XTypes 1.3 §7.6.3.1.2)', () => {
    const enc = readEncapsulation(Uint8Array.of(0, 1, 0, 2, 9, 9, 0, 0));
    expect(enc.padding).to.equal(2);
    expect([...enc.body]).to.deep.equal([9, 9]);
  });

  it('pads flagged, unflagged or not at all', () => {
    for (const mode of ['flagged', 'unflagged', 'none'] as const) {
      const w = new ByteWriter(8);
      writeEncapsulation(w, PLAIN_CDR_LE);
      w.u8(1);
      padEncapsulation(w, 0, mode);
      const out = w.finish();
      expect(out.length).to.equal(mode === 'none' ? 5 : 8);
      expect(out[3]).to.equal(mode === 'flagged' ? 3 : 0);
      expect(readEncapsulation(out).body.length).to.equal(mode === 'flagged' ? 1 : out.length - 4);
    }
  });

  it('rejects unknown kinds, short input and oversized padding with DecodeError', () => {
    expect(() => readEncapsulation(Uint8Array.of(0, 4, 0, 0))).to.throw(DecodeError);
    expect(() => readEncapsulation(Uint8Array.of(0x80, 1, 0, 0))).to.throw(DecodeError);
    expect(() => readEncapsulation(Uint8Array.of(0, 1, 0, 3, 0))).to.throw(DecodeError);
    for (let n = 0; n < 4; n++) expect(() => readEncapsulation(new Uint8Array(n))).to.throw(DecodeError);
    expect(readEncapsulation(Uint8Array.of(0, PLAIN_CDR_BE, 0, 0)).body.length).to.equal(0);
    expect([CDR2_LE, D_CDR2_BE, PL_CDR_BE].every((k) => readEncapsulation(Uint8Array.of(0, k, 0, 0)).kind === k)).to.equal(true);
  });
});
