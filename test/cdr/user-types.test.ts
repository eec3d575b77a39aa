import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { DecodeError, EncodeError, InvalidConfigError } from '../../src/util/errors.js';
import { fromHex, toHex } from '../../src/util/hex.js';
import {
  CDR2_BE, CDR2_LE, D_CDR2_BE, D_CDR2_LE, PLAIN_CDR_BE, PLAIN_CDR_LE, PL_CDR2_BE, PL_CDR2_LE, PL_CDR_BE, PL_CDR_LE,
  compileIdl,
} from '../../src/cdr/index.js';
import type { UserSample } from '../../src/cdr/index.js';
import { EXT_IDL, MSG_IDL_PATH, PCAPS, userSamples } from './lab-samples.js';
import { foxgloveCodec } from '../support/foxglove-codec.js';
import { prng } from '../support/random.js';

const MSG_IDL = readFileSync(MSG_IDL_PATH, 'utf8');
const lib = compileIdl(MSG_IDL);
const msg = lib.codec('Msg');
const foxMsg = foxgloveCodec(lib, 'Msg');

const CAPTURES = [
  { file: 'cyclone-labmsg.pcapng', vendor: 'cyclone', count: 5 },
  { file: 'fastdds.pcapng', vendor: 'fastdds', count: 5 },
  { file: 'cyclone-fastdds-interop.pcapng', vendor: 'both', count: 10 },
] as const;

const ext = compileIdl(EXT_IDL);

const NESTED: UserSample = {
  i: { a: -3, b: -(2n ** 40n) },
  list: [{ a: 1, b: 2n }, { a: 3, b: 4n }],
  names: ['x', '', 'yz'],
  grid: [[1.5, 2.5], [3.5, -0]],
  o: 7,
  big: 2n ** 64n - 1n,
  flag: true,
};

describe('cdr/user-types', () => {
  describe('LabMsg captures (Msg.idl)', () => {
    for (const cap of CAPTURES) {
      it(`${cap.file}: decodes the samples and re-encodes them byte for byte`, () => {
        const samples = userSamples(`${PCAPS}/${cap.file}`);
        expect(samples).to.have.length(cap.count);
        const perWriter = new Map<number, number>();
        for (const s of samples) {
          const i = perWriter.get(s.writerId) ?? 0;
          perWriter.set(s.writerId, i + 1);
          const decoded = msg.decode(s.payload);
          const vendor = s.payload[3] === 0 ? 'fastdds' : 'cyclone';
          if (cap.vendor !== 'both') expect(vendor).to.equal(cap.vendor);
          expect(decoded).to.deep.equal({ id: i, text: `hello #${i} from ${vendor}` });
          expect(foxMsg.decode(s.payload)).to.deep.equal(decoded);
          // Cyclone records its 2 padding octets in the options; Fast DDS 2.9 pads without saying so.
          const padding = vendor === 'cyclone' ? 'flagged' : 'unflagged';
          expect(toHex(msg.encode(decoded, { encapsulation: PLAIN_CDR_LE, padding }))).to.equal(toHex(s.payload));
          expect(toHex(foxMsg.encode(decoded, { encapsulation: PLAIN_CDR_LE, padding }))).to.equal(toHex(s.payload));
        }
      });
    }

    it('encodes both endiannesses and both XCDR versions as the spec lays them out', () => {
      const v = { id: 0x01020304, text: 'hi' };
      const exp: Record<number, string> = {
        [PLAIN_CDR_LE]: '00010001' + '04030201' + '03000000' + '686900' + '00',
        [PLAIN_CDR_BE]: '00000001' + '01020304' + '00000003' + '686900' + '00',
        [CDR2_LE]: '00070001' + '04030201' + '03000000' + '686900' + '00',
        [CDR2_BE]: '00060001' + '01020304' + '00000003' + '686900' + '00',
      };
      for (const [kind, hex] of Object.entries(exp)) {
        const k = Number(kind);
        if (k !== PLAIN_CDR_LE && k !== PLAIN_CDR_BE && k !== CDR2_LE && k !== CDR2_BE) throw new Error('kind');
        const out = msg.encode(v, { encapsulation: k });
        expect(toHex(out)).to.equal(hex);
        expect(msg.decode(out)).to.deep.equal(v);
        expect(foxMsg.decode(out)).to.deep.equal(v);
        expect(toHex(foxMsg.encode(v, { encapsulation: k }))).to.equal(hex);
      }
      expect(() => msg.encode(v, { encapsulation: D_CDR2_LE })).to.throw(EncodeError);
    });
  });

  describe('XCDR2 appendable and mutable', () => {
    it('writes a DHEADER for appendable structs (XTypes 1.3 §7.4.3.5.2)', () => {
      const a = ext.codec('A');
      const out = a.encode({ x: 1, s: 'hi' }, { encapsulation: D_CDR2_LE });
      expect(toHex(out)).to.equal('00090001' + '0b000000' + '01000000' + '03000000686900' + '00');
      expect(a.decode(out)).to.deep.equal({ x: 1, s: 'hi' });
      // XCDR1 appendable is plain CDR.
      expect(toHex(a.encode({ x: 1, s: 'hi' }, { encapsulation: PLAIN_CDR_BE }))).to.equal('00000001' + '00000001' + '00000003686900' + '00');
    });

    it('writes DHEADER + EMHEADERs for mutable structs (XTypes 1.3 §7.4.3.5.3)', () => {
      const m = ext.codec('M');
      const out = m.encode({ x: 1, s: 'hi', d: undefined }, { encapsulation: PL_CDR2_LE, padding: 'none' });
      expect(toHex(out)).to.equal('000b0000' + '17000000' + '000000a0' + '01000000' + '0a000040' + '07000000' + '03000000686900');
      expect(m.decode(out)).to.deep.equal({ x: 1, s: 'hi', d: undefined });
    });

    it('decodes mutable members in any order, skips unknown ones, defaults missing ones', () => {
      const m = ext.codec('M');
      // s first, then an unknown id 99 (LC 2), then x; d absent.
      const bytes = fromHex('000b0000 1f000000 0a000040 07000000 03000000 68690000 63000020 ffffffff 000000a0 05000000');
      bytes[5] = 0; bytes[4] = bytes.length - 8;
      expect(m.decode(bytes)).to.deep.equal({ x: 5, s: 'hi', d: undefined });
      const mustUnderstand = fromHex('000b0000 08000000 630000a0 ffffffff');
      expect(() => m.decode(mustUnderstand)).to.throw(DecodeError);
    });

    it('gives an appendable struct from an older writer its trailing defaults', () => {
      const a = ext.codec('A');
      expect(a.decode(fromHex('00090000 04000000 07000000'))).to.deep.equal({ x: 7, s: '' });
    });

    it('round-trips nested appendable/mutable samples in all encodings and byte orders', () => {
      const mn = ext.codec('MN');
      const sample: UserSample = { n: NESTED, a: { x: -1, s: 'é€' }, v: [1, -2, 3] };
      // Nested has an @optional member, which XCDR1 can carry only in mutable structs: XCDR2 here.
      for (const kind of [PL_CDR2_LE, PL_CDR2_BE] as const) {
        const out = mn.encode(sample, { encapsulation: kind });
        expect(mn.decode(out)).to.deep.equal(sample);
      }
      const n = ext.codec('Nested');
      for (const kind of [D_CDR2_LE, D_CDR2_BE] as const) expect(n.decode(n.encode(NESTED, { encapsulation: kind }))).to.deep.equal(NESTED);
      expect(() => n.encode(NESTED, { encapsulation: PLAIN_CDR_LE })).to.throw(EncodeError);
      const m = ext.codec('M');
      for (const kind of [PL_CDR_LE, PL_CDR_BE, PL_CDR2_LE, PL_CDR2_BE] as const) {
        for (const s of [{ x: 3, s: 'abc', d: 1.25 }, { x: -3, s: '', d: undefined }]) expect(m.decode(m.encode(s, { encapsulation: kind }))).to.deep.equal(s);
      }
      expect(() => m.encode({ x: 1, s: 'a', d: undefined }, { encapsulation: CDR2_LE })).to.throw(EncodeError);
    });

    it('rejects samples that do not fit the type with EncodeError', () => {
      expect(() => msg.encode({ id: 2 ** 31, text: '' }, { encapsulation: CDR2_LE })).to.throw(EncodeError);
      expect(() => msg.encode({ id: 1 }, { encapsulation: CDR2_LE })).to.throw(EncodeError);
      expect(() => ext.codec('KB').encode({ name: '123456789', v: 0 }, { encapsulation: CDR2_LE })).to.throw(EncodeError);
      expect(() => compileIdl('struct {')).to.throw(InvalidConfigError);
      expect(() => lib.codec('Nope')).to.throw(InvalidConfigError);
    });
  });

  describe('key hash (RTPS 2.5 §9.6.4.8)', () => {
    it('zero-pads a key holder that fits 16 bytes', () => {
      expect(toHex(ext.codec('KS').keyHash({ id: 0x01020304, text: 'ignored' }))).to.equal('01020304' + '0'.repeat(24));
      expect(toHex(ext.codec('KB').keyHash({ name: 'abc', v: 9 }))).to.equal('00000004616263000000000000000000');
      // Key members in member-id order: b (id 1) before a (id 2); a short after a long needs no padding.
      expect(toHex(ext.codec('KO').keyHash({ a: 0x0506, b: 0x01020304, rest: 'x' }))).to.equal('010203040506' + '0'.repeat(20));
      // A nested key struct without keys contributes all its members, PLAIN_CDR2 (8-byte ints aligned to 4).
      expect(toHex(ext.codec('KN').keyHash({ inner: { a: 1, b: 2n }, v: 0 }))).to.equal('00010000' + '0000000000000002' + '00000000');
    });

    it('MD5s a key holder whose maximum size exceeds 16 bytes, even for a short value', () => {
      const holder = fromHex('00000004 61626300');
      const expected = createHash('md5').update(holder).digest('hex');
      expect(toHex(ext.codec('KL').keyHash({ name: 'abc', v: 1 }))).to.equal(expected);
      const long = 'a-much-longer-key-than-sixteen-bytes';
      const h2 = createHash('md5').update(Uint8Array.of(0, 0, 0, long.length + 1)).update(long).update(Uint8Array.of(0)).digest('hex');
      expect(toHex(ext.codec('KL').keyHash({ name: long, v: 1 }))).to.equal(h2);
      expect(toHex(msg.keyHash({ id: 1, text: '' }))).to.equal('0'.repeat(32));
    });
  });

  describe('malformed input', () => {
    const real = [...userSamples(`${PCAPS}/cyclone-labmsg.pcapng`), ...userSamples(`${PCAPS}/fastdds.pcapng`)].map((s) => s.payload);

    it('every truncation of a real sample throws DecodeError (and only that)', () => {
      for (const p of real) {
        const serializedEnd = 4 + 4 + 4 + 22;
        for (let n = 0; n < p.length; n++) {
          const cut = p.subarray(0, n);
          for (const codec of [msg, foxMsg]) {
            let err: unknown;
            try { codec.decode(cut); } catch (e) { err = e; }
            if (err !== undefined) expect(err).to.be.instanceOf(DecodeError);
            else expect(n >= serializedEnd || codec === foxMsg, `prefix ${n} decoded`).to.equal(true);
          }
          if (n < serializedEnd) expect(() => msg.decode(cut), `prefix ${n}`).to.throw(DecodeError);
        }
      }
    });

    it('documents that the foxglove reader accepts a string cut before its NUL', () => {
      const p = real[0]!;
      const cut = Uint8Array.from(p.subarray(0, 33));
      cut[3] = 0;
      expect(() => msg.decode(cut)).to.throw(DecodeError);
      expect(foxMsg.decode(cut)).to.deep.equal({ id: 0, text: 'hello #0 from cyclone' });
    });

    it('a seeded fuzz of 100,000 mutations sees only DecodeError', function () {
      this.timeout(30_000);
      const mn = ext.codec('MN');
      const seeds: { bytes: Uint8Array; decode: (b: Uint8Array) => unknown }[] = [
        ...real.map((bytes) => ({ bytes, decode: (b: Uint8Array) => msg.decode(b) })),
        ...real.map((bytes) => ({ bytes, decode: (b: Uint8Array) => foxMsg.decode(b) })),
        ...([PL_CDR2_LE, PL_CDR2_BE ] as const).map((k) => ({ bytes: mn.encode({ n: NESTED, a: { x: 1, s: 'q' }, v: [9] }, { encapsulation: k }), decode: (b: Uint8Array) => mn.decode(b) })),
        ...([PL_CDR_LE ] as const).map((k) => ({ bytes: ext.codec('M').encode({ x: 1, s: 'abc', d: 2 }, { encapsulation: k }), decode: (b: Uint8Array) => ext.codec('M').decode(b) })),
      ];
      const rand = prng(0x5eed);
      const counts = { ok: 0, decodeError: 0 };
      const start = performance.now();
      for (let i = 0; i < 100_000; i++) {
        const seed = seeds[Math.floor(rand() * seeds.length)]!;
        // Mutate inside a larger buffer so over-reads past the view would go unnoticed if a decoder relied on buffer bounds.
        const backing = new Uint8Array(seed.bytes.length + 16).fill(0x41);
        backing.set(seed.bytes, 8);
        let len = seed.bytes.length;
        const view = backing.subarray(8, 8 + len);
        const flips = 1 + Math.floor(rand() * 4);
        for (let f = 0; f < flips; f++) {
          const at = Math.floor(rand() * len);
          const r = rand();
          view[at] = r < 0.3 ? 0xff : r < 0.5 ? 0 : Math.floor(rand() * 256);
        }
        if (rand() < 0.2) len = Math.floor(rand() * len);
        const input = view.subarray(0, len);
        for (const run of [() => seed.decode(input), () => msg.decode(input)]) {
          try { run(); counts.ok++; } catch (e) {
            if (!(e instanceof DecodeError)) throw new Error(`iteration ${i}: ${String(e)} on ${toHex(input)}`, { cause: e });
            counts.decodeError++;
          }
        }
      }
      expect(performance.now() - start).to.be.below(20_000);
      expect(counts.decodeError).to.be.above(10_000);
      expect(counts.ok).to.be.above(1_000);
    });
  });
});
