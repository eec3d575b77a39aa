import { expect } from 'chai';
import { ByteReader } from '../../src/util/byte-reader.js';
import { ByteWriter, checkInt } from '../../src/util/byte-writer.js';
import { DecodeError, EncodeError } from '../../src/util/errors.js';
import { toHex } from '../../src/util/hex.js';

describe('util/ByteReader and ByteWriter', () => {
  it('round-trips every primitive in both byte orders', () => {
    for (const littleEndian of [false, true]) {
      const w = new ByteWriter(4, littleEndian);
      w.u8(0xab).u16(0x1234).i16(-2).u32(0xdeadbeef).i32(-5).u64(0x0102030405060708n).i64(-9n).f32(1.5).f64(-2.25).bytes(Uint8Array.of(9, 8)).zeros(2);
      const r = new ByteReader(w.finish(), 'test', littleEndian);
      expect([r.u8('a'), r.u16('b'), r.i16('c'), r.u32('d'), r.i32('e'), r.u64('f'), r.i64('g'), r.f32('h'), r.f64('i')])
        .to.deep.equal([0xab, 0x1234, -2, 0xdeadbeef, -5, 0x0102030405060708n, -9n, 1.5, -2.25]);
      expect(toHex(r.bytesView(4, 'j'))).to.equal('09080000');
      expect(r.remaining).to.equal(0);
    }
  });

  it('names the field and the absolute offset when input runs out', () => {
    const outer = new ByteReader(Uint8Array.of(1, 2, 3, 4, 5, 6), 'msg');
    outer.u16('head');
    const inner = outer.sub(3, 'body');
    inner.u16('x');
    try {
      inner.u32('y');
      expect.fail('no error');
    } catch (err) {
      expect(err).to.be.instanceOf(DecodeError);
      const e = err as DecodeError;
      expect([e.field, e.offset]).to.deep.equal(['msg/body/y', 4]);
    }
    expect(() => { outer.skip(2, 'tail'); }).to.throw(DecodeError, 'msg/tail @5');
  });

  it('narrowed in place (end, context) it reads and fails exactly as a sub reader over the same bytes', () => {
    const bytes = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const viaSub = new ByteReader(bytes, 'msg');
    viaSub.u16('head');
    const inner = viaSub.sub(3, 'body');
    const narrowed = new ByteReader(bytes, 'msg');
    narrowed.u16('head');
    narrowed.end = narrowed.offset + 3;
    narrowed.context = 'msg/body';
    expect(narrowed.remaining).to.equal(inner.remaining);
    expect(narrowed.u16('x')).to.equal(inner.u16('x'));
    expect([...narrowed.bytesView(1, 'z')]).to.deep.equal([...inner.bytesView(1, 'z')]);
    const errorOf = (f: () => unknown): [string, number] => {
      try { f(); } catch (err) { if (err instanceof DecodeError) return [err.field, err.offset]; throw err; }
      return expect.fail('no error');
    };
    expect(errorOf(() => narrowed.u8('y'))).to.deep.equal(errorOf(() => inner.u8('y')));
    expect(errorOf(() => narrowed.u8('y'))).to.deep.equal(['msg/body/y', 5]);
    narrowed.end = bytes.length;
    narrowed.context = 'msg';
    expect(narrowed.u8('tail')).to.equal(6);
  });

  it('aligns relative to an origin and rejects out-of-range integers', () => {
    const w = new ByteWriter();
    w.u8(1).align(4).u8(2).align(4, 1);
    expect(toHex(w.finish()), 'origin 1: offset 5 is aligned').to.equal('0100000002');
    expect(() => { checkInt('port', 70000, 0, 65535); }).to.throw(EncodeError, 'port');
  });
});
