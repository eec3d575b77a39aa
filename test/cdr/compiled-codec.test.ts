/**
 * The compiled codec against the interpreter: identical bytes (compared as hex, so one differing byte
 * fails), deep-equal decoded samples, and the same EncodeError/DecodeError (class, field, offset,
 * message) on seeded random types, random good and bad samples, the repository's IDL, and truncated or
 * mutated payloads. Everything is seeded and bounded in count.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { DecodeError, EncodeError } from '../../src/util/errors.js';
import { SeededRandom } from '../../src/util/prng.js';
import { toHex } from '../../src/util/hex.js';
import {
  CDR2_BE, CDR2_LE, D_CDR2_BE, D_CDR2_LE, PLAIN_CDR_BE, PLAIN_CDR_LE, PL_CDR2_LE, PL_CDR_LE, StructCodec, compileIdl, encapsulationFor,
} from '../../src/cdr/index.js';
import type { EncapsulationKind, MemberDef, PaddingMode, StructDef, TypeLibrary, UserSample, UserTypeCodec, UserValue } from '../../src/cdr/index.js';
import { CompiledCodec, createUserTypeCodec } from '../../src/cdr/compiled-codec.js';
import { cannotCompile } from '../../src/cdr/codegen-support.js';
import { InterpretedCodec } from '../../src/cdr/user-type-codec.js';
import { RELAY_IDL } from '../../src/relay/relay-idl.js';
import { EXT_IDL, MSG_IDL_PATH, PCAPS, userSamples } from './lab-samples.js';

// ---- outcomes: what a call returned or threw, in a comparable form ----------------------------------

type Outcome =
  | { readonly ok: unknown }
  | { readonly error: string; readonly field: string; readonly offset?: number; readonly message: string };

function outcome(fn: () => unknown): Outcome {
  try {
    const v = fn();
    return { ok: v instanceof Uint8Array ? toHex(v) : v };
  } catch (e) {
    if (e instanceof DecodeError) return { error: e.name, field: e.field, offset: e.offset, message: e.message };
    if (e instanceof EncodeError) return { error: e.name, field: e.field, message: e.message };
    throw e; // anything else is a bug in either codec
  }
}

// ---- random types and samples -------------------------------------------------------------------

const PRIMS = ['boolean', 'octet', 'char', 'int8', 'uint8', 'short', 'unsigned short', 'long', 'unsigned long', 'long long',
  'unsigned long long', 'float', 'double', 'Color'] as const;

/** A seeded IDL text of 2-5 structs; later structs may use earlier ones. Some are mutable (they must fall back). */
function randomIdl(r: SeededRandom, n: number): { idl: string; names: string[] } {
  const names: string[] = [];
  const parts = ['enum Color { RED, GREEN, BLUE };'];
  const structs = 2 + r.int(4);
  for (let s = 0; s < structs; s++) {
    const name = `T${n}_${s}`;
    const ext = ['', '@final ', '@appendable ', '@appendable ', '@mutable '][r.int(5)] ?? '';
    const members: string[] = [];
    const count = 1 + r.int(6);
    let nextId = 0;
    for (let m = 0; m < count; m++) {
      let t: string;
      const k = r.int(10);
      if (k < 5) t = PRIMS[r.int(PRIMS.length)] ?? 'long';
      else if (k < 7) t = r.int(2) === 0 ? 'string' : `string<${1 + r.int(12)}>`;
      else if (names.length > 0) t = names[r.int(names.length)] ?? 'long';
      else t = 'double';
      let decl = `${t} f${m}`;
      const c = r.int(20);
      if (c < 3) decl = `sequence<${t}> f${m}`;
      else if (c < 5) decl = `sequence<${t}, ${1 + r.int(4)}> f${m}`;
      else if (c < 7) decl += `[${1 + r.int(4)}]`;
      else if (c < 8) decl += `[${1 + r.int(3)}][${1 + r.int(3)}]`;
      const a = r.int(12);
      let ann = a < 2 ? '@key ' : a < 4 ? '@optional ' : '';
      if (r.int(8) === 0) { nextId += 1 + r.int(5); ann += `@id(${nextId}) `; }
      nextId++;
      members.push(`${ann}${decl};`);
    }
    parts.push(`${ext}struct ${name} { ${members.join(' ')} };`);
    names.push(name);
  }
  return { idl: parts.join('\n'), names };
}

const STRINGS = ['', 'a', 'hello', 'é', '€uro', '😀', '\ud800', 'x'.repeat(70), 'ü'.repeat(40)];

/** A valid sample of `def` (strings within their bound in UTF-8 octets, sequences within theirs). */
function randomSample(r: SeededRandom, types: ReadonlyMap<string, StructDef>, def: StructDef, depth = 0): Record<string, UserValue> {
  const out: Record<string, UserValue> = {};
  for (const m of def.members) {
    if (m.isOptional && r.int(3) === 0) { out[m.name] = undefined; continue; }
    out[m.name] = randomMember(r, types, m, depth);
  }
  return out;
}

function randomMember(r: SeededRandom, types: ReadonlyMap<string, StructDef>, m: MemberDef, depth: number): UserValue {
  const octet = m.element.kind === 'primitive' && m.element.prim === 'uint8';
  const many = (n: number): UserValue => {
    if (octet && r.int(2) === 0) return r.bytes(n);
    return Array.from({ length: n }, () => randomElement(r, types, m, depth));
  };
  if (m.isSequence) return many(r.int(Math.min(m.sequenceBound ?? 4, 4) + 1));
  if (m.arrayLengths.length === 0) return randomElement(r, types, m, depth);
  const fill = (dim: number): UserValue => {
    const n = m.arrayLengths[dim] ?? 0;
    if (dim + 1 === m.arrayLengths.length) return m.arrayLengths.length === 1 ? many(n) : Array.from({ length: n }, () => randomElement(r, types, m, depth));
    return Array.from({ length: n }, () => fill(dim + 1));
  };
  return fill(0);
}

function randomElement(r: SeededRandom, types: ReadonlyMap<string, StructDef>, m: MemberDef, depth: number): UserValue {
  const el = m.element;
  switch (el.kind) {
    case 'string': {
      const fits = STRINGS.filter((s) => el.bound === undefined || new TextEncoder().encode(s).length <= el.bound);
      return fits[r.int(fits.length)] ?? '';
    }
    case 'struct': return randomSample(r, types, types.get(el.name)!, depth + 1);
    case 'primitive': {
      const u = r.nextU32();
      switch (el.prim) {
        case 'bool': return (u & 1) === 1;
        case 'int8': return (u << 24) >> 24;
        case 'uint8': return u & 0xff;
        case 'int16': return (u << 16) >> 16;
        case 'uint16': return u & 0xffff;
        case 'int32': return u | 0;
        case 'uint32': return r.int(4) === 0 ? 0xffff_ffff : u;
        case 'int64': return r.int(3) === 0 ? (u | 0) : BigInt.asIntN(64, (BigInt(u) << 32n) | BigInt(r.nextU32()));
        case 'uint64': return r.int(3) === 0 ? u : BigInt.asUintN(64, (BigInt(u) << 32n) | BigInt(r.nextU32()));
        case 'float32': return [0, -0, 1.5, Number.NaN, Infinity, 1e-45, u / 7][r.int(7)] ?? 0;
        case 'float64': return [0, -0, Math.PI, Number.NaN, -Infinity, Number.MIN_VALUE, u / 3][r.int(7)] ?? 0;
        default: return 0;
      }
    }
    default: return undefined;
  }
}

const JUNK: readonly UserValue[] = [
  undefined, 'str', 1.5, -1, 256, 2 ** 31, 2 ** 32, -(2 ** 31) - 1, 2 ** 53, Number.NaN, true, 0n, 2n ** 64n, -1n, {}, [],
  [1, 2, 3], new Uint8Array(3), 'x'.repeat(300), [1, 'a'], Array.from({ length: 6 }, () => 0), ['é'.repeat(9)],
];

function isList(v: UserValue): v is readonly UserValue[] {
  return Array.isArray(v);
}

function isSample(v: UserValue): v is UserSample {
  return typeof v === 'object' && !isList(v) && !(v instanceof Uint8Array);
}

/** `sample` with one member somewhere (possibly nested) replaced by junk. */
function corrupt(r: SeededRandom, sample: Record<string, UserValue>): Record<string, UserValue> {
  const copy: Record<string, UserValue> = { ...sample };
  const keys = Object.keys(copy);
  const key = keys[r.int(keys.length)];
  if (key === undefined) return copy;
  const v = copy[key];
  const arr = isList(v) ? [...v] : undefined;
  if (r.int(3) === 0 && isSample(v)) {
    copy[key] = corrupt(r, { ...v });
  } else if (r.int(3) === 0 && arr !== undefined && arr.length > 0) {
    arr[r.int(arr.length)] = JUNK[r.int(JUNK.length)];
    copy[key] = arr;
  } else {
    copy[key] = JUNK[r.int(JUNK.length)];
  }
  return copy;
}

// ---- the comparison -----------------------------------------------------------------------------

const PADDINGS: readonly PaddingMode[] = ['flagged', 'unflagged', 'none'];

function kindsFor(def: StructDef): EncapsulationKind[] {
  return [encapsulationFor(def.extensibility, 'xcdr1', true), encapsulationFor(def.extensibility, 'xcdr1', false),
    encapsulationFor(def.extensibility, 'xcdr2', true), encapsulationFor(def.extensibility, 'xcdr2', false)];
}

interface Pair { readonly compiled: UserTypeCodec; readonly interpreted: UserTypeCodec; readonly def: StructDef }

function pair(lib: TypeLibrary, reference: TypeLibrary, name: string): Pair {
  return { compiled: lib.codec(name), interpreted: reference.codec(name), def: lib.struct(name) };
}

const stats = { encoded: 0, encodeErrors: 0, decoded: 0, decodeErrors: 0 };

/** Encodes `sample` every way with both codecs and compares; then decodes every payload with both. */
function compareSample(p: Pair, sample: UserSample, r: SeededRandom, mutations: number): void {
  const kinds: EncapsulationKind[] = [...kindsFor(p.def), D_CDR2_LE, CDR2_BE, PL_CDR_LE];
  for (const kind of kinds) {
    const options = { encapsulation: kind, padding: PADDINGS[r.int(3)] ?? 'flagged' };
    const a = outcome(() => p.compiled.encode(sample, options));
    const b = outcome(() => p.interpreted.encode(sample, options));
    expect(a, `${p.def.name} encode 0x${kind.toString(16)} ${options.padding}`).to.deep.equal(b);
    if (p.compiled.hasKey) {
      expect(outcome(() => p.compiled.encodeKey(sample, options)), `${p.def.name} encodeKey`).to.deep.equal(outcome(() => p.interpreted.encodeKey(sample, options)));
    }
    if (!('ok' in b)) { stats.encodeErrors++; continue; }
    stats.encoded++;
    const bytes = p.interpreted.encode(sample, options);
    compareDecode(p, bytes, `${p.def.name} 0x${kind.toString(16)}`);
    for (let i = 0; i < mutations; i++) {
      const bad = Uint8Array.from(bytes);
      for (let f = 1 + r.int(3); f > 0; f--) bad[r.int(bad.length)] = [0, 0xff, r.int(256)][r.int(3)] ?? 0;
      compareDecode(p, bad.subarray(0, r.int(4) === 0 ? r.int(bad.length + 1) : bad.length), `${p.def.name} mutated`);
    }
  }
  expect(outcome(() => p.compiled.keyHash(sample)), `${p.def.name} keyHash`).to.deep.equal(outcome(() => p.interpreted.keyHash(sample)));
}

function compareDecode(p: Pair, bytes: Uint8Array, what: string): void {
  const a = outcome(() => p.compiled.decode(bytes));
  const b = outcome(() => p.interpreted.decode(bytes));
  expect(a, `${what} decode ${toHex(bytes)}`).to.deep.equal(b);
  if ('ok' in b) stats.decoded++;
  else stats.decodeErrors++;
}

/** Every struct of `idl`: compiled unless it cannot be, random good and bad samples compared. */
function compareLibrary(idl: string, seed: number, samples: number, mutations: number): void {
  const lib = compileIdl(idl);
  const reference = compileIdl(idl, { codec: 'interpreted' });
  const r = new SeededRandom(seed);
  for (const [name, def] of lib.types) {
    const p = pair(lib, reference, name);
    expect(p.interpreted).to.be.instanceOf(InterpretedCodec);
    const why = cannotCompile(lib.types, def);
    expect(p.compiled, `${name}: ${why ?? 'compilable'}`).to.be.instanceOf(why === undefined ? CompiledCodec : InterpretedCodec);
    if (why !== undefined) continue;
    for (let i = 0; i < samples; i++) {
      const good = randomSample(r, lib.types, def);
      compareSample(p, good, r, mutations);
      compareSample(p, corrupt(r, good), r, 0);
    }
    for (const bad of [null, 7, 'x', [], new Uint8Array(2)]) {
      expect(outcome(() => p.compiled.encode(bad as unknown as UserSample, { encapsulation: kindsFor(def)[0]! }))).to.deep.equal(
        outcome(() => p.interpreted.encode(bad as unknown as UserSample, { encapsulation: kindsFor(def)[0]! })));
    }
  }
}


const REPO_IDL: Readonly<Record<string, string>> = {
  'idl/Msg.idl': readFileSync(new URL('../../idl/Msg.idl', import.meta.url), 'utf8'),
  'idl/Relay.idl': readFileSync(new URL('../../idl/Relay.idl', import.meta.url), 'utf8'),
  '../shared/lab/Msg.idl': readFileSync(MSG_IDL_PATH, 'utf8'),
  'src/relay/relay-idl.ts RELAY_IDL': RELAY_IDL,
  'test/cdr/lab-samples.ts EXT_IDL': EXT_IDL,
  'test/dds/instance-state.test.ts KEYED_IDL': 'struct Sensor { @key long id; double value; };',
  'bench/dataplane.ts KeyedSeq': 'struct KeyedSeq { unsigned long seq; @key unsigned long keyval; sequence<octet> baggage; };',
  'bench/cdr-user-types.ts Rich': `
    enum Mode { IDLE, RUN };
    @final struct Vec3 { double x; double y; double z; };
    @appendable struct Pose { Vec3 position; float q[4]; };
    @appendable struct Rich { @key string<32> frame; @key unsigned long long stamp; Mode mode; Pose pose;
      sequence<Pose, 8> path; sequence<long> ids; octet digest[16]; @optional string note; boolean ok; short temp; };`,
};

describe('cdr/compiled-codec', () => {
  describe('equivalence with the interpreter', () => {
    for (const [file, idl] of Object.entries(REPO_IDL)) {
      it(`${file}: same bytes, samples and errors`, () => { compareLibrary(idl, 0xc0de, 12, 20); });
    }

    it('120 seeded random types × random good and bad samples, all encapsulations and byte orders', function () {
      this.timeout(120_000);
      const r = new SeededRandom(0x5eed_c0de);
      let compiled = 0;
      for (let t = 0; t < 120; t++) {
        const { idl } = randomIdl(r, t);
        compareLibrary(idl, r.nextU32(), 6, 8);
        const lib = compileIdl(idl);
        for (const name of lib.types.keys()) if (lib.codec(name) instanceof CompiledCodec) compiled++;
      }
      expect(compiled).to.be.above(200);
      expect(stats.encoded).to.be.above(5_000);
      expect(stats.encodeErrors).to.be.above(2_000);
      expect(stats.decodeErrors).to.be.above(5_000);
    });

    it('the LabMsg captures decode and re-encode byte for byte', () => {
      const msg = compileIdl(readFileSync(MSG_IDL_PATH, 'utf8')).codec('Msg');
      expect(msg).to.be.instanceOf(CompiledCodec);
      for (const file of ['cyclone-labmsg.pcapng', 'fastdds.pcapng', 'cyclone-fastdds-interop.pcapng']) {
        for (const s of userSamples(`${PCAPS}/${file}`)) {
          const decoded = msg.decode(s.payload);
          const padding = s.payload[3] === 0 ? 'unflagged' : 'flagged';
          expect(toHex(msg.encode(decoded, { encapsulation: PLAIN_CDR_LE, padding }))).to.equal(toHex(s.payload));
        }
      }
    });

    it('appendable XCDR2: an older writer\'s payload gets defaults, a newer writer\'s extra members are skipped', () => {
      const idl = `@final struct In { long a; string s; };
        @appendable struct V1 { long a; };
        @appendable struct V2 { long a; string b; sequence<long> c; octet d[3]; In e; @optional long f; sequence<octet> g; double h[2][2]; };`;
      const lib = compileIdl(idl);
      const ref = compileIdl(idl, { codec: 'interpreted' });
      const old = lib.codec('V1').encode({ a: 7 }, { encapsulation: D_CDR2_LE });
      const expected = { a: 7, b: '', c: [], d: [0, 0, 0], e: { a: 0, s: '' }, f: undefined, g: [], h: [[0, 0], [0, 0]] };
      expect(lib.codec('V2').decode(old)).to.deep.equal(expected);
      expect(ref.codec('V2').decode(old)).to.deep.equal(expected);
      // Defaults are fresh objects on every decode.
      const d1 = lib.codec('V2').decode(old);
      expect(d1.h).to.not.equal(lib.codec('V2').decode(old).h);
      const full = { a: 1, b: 'x', c: [2], d: new Uint8Array([1, 2, 3]), e: { a: 3, s: 'y' }, f: 4, g: new Uint8Array([5]), h: [[1, 2], [3, 4]] };
      for (const kind of [D_CDR2_LE, D_CDR2_BE] as const) {
        const bytes = lib.codec('V2').encode(full, { encapsulation: kind });
        expect(toHex(bytes)).to.equal(toHex(ref.codec('V2').encode(full, { encapsulation: kind })));
        expect(lib.codec('V1').decode(bytes)).to.deep.equal({ a: 1 });
        expect(lib.codec('V2').decode(bytes)).to.deep.equal(full);
      }
    });

    it('rejects what the interpreter rejects, with the same field paths', () => {
      const lib = compileIdl(EXT_IDL);
      const ks = lib.codec('KB');
      expect(ks).to.be.instanceOf(CompiledCodec);
      const cases: [UserSample, string][] = [
        [{ name: '123456789', v: 0 }, 'KB.name: string longer than bound 8'],
        [{ name: 'ééééé', v: 0 }, 'KB.name: string longer than bound 8'], // 10 UTF-8 octets
        [{ name: 'a', v: 2 ** 31 }, 'KB.v: 2147483648 is not an integer in [-2147483648, 2147483647]'],
        [{ name: 'a' }, 'KB.v: expected a number'],
        [{ name: 7, v: 1 }, 'KB.name: expected a string'],
      ];
      for (const [sample, message] of cases) {
        expect(() => ks.encode(sample, { encapsulation: CDR2_LE })).to.throw(EncodeError, message);
        if (message.startsWith('KB.name')) expect(() => ks.keyHash(sample)).to.throw(EncodeError, message);
        else expect(toHex(ks.keyHash(sample))).to.equal(toHex(ks.keyHash({ name: 'a', v: 0 }))); // v is not part of the key
      }
      const nested = lib.codec('Nested');
      const good = { i: { a: 1, b: 2n }, list: [], names: [], grid: [[1, 2], [3, 4]], o: undefined, big: 1n, flag: false };
      expect(() => nested.encode({ ...good, names: ['a', 'b', 'c', 'd'] }, { encapsulation: D_CDR2_LE })).to.throw(EncodeError, 'Nested.names: 4 elements exceed bound 3');
      expect(() => nested.encode({ ...good, list: [{ a: 1, b: 2n }, { a: 1, b: 2n ** 63n }] }, { encapsulation: D_CDR2_LE })).to.throw(EncodeError, 'Nested.list[1].b: out of int64 range');
      expect(() => nested.encode({ ...good, grid: [[1, 2], [3]] }, { encapsulation: D_CDR2_LE })).to.throw(EncodeError, 'Nested.grid[1]: expected an array of 2');
      // A sparse array's hole is an undefined element, not a skipped one (interpreter fixed the same way).
      // eslint-disable-next-line no-sparse-arrays
      expect(() => nested.encode({ ...good, names: ['a', , 'c'] }, { encapsulation: D_CDR2_LE })).to.throw(EncodeError, 'Nested.names[1]: expected a string');
      expect(() => nested.encode(good, { encapsulation: PLAIN_CDR_LE })).to.throw(EncodeError, 'Nested.o: @optional in a non-mutable XCDR1 struct is not supported');
      expect(() => nested.encode(good, { encapsulation: CDR2_LE })).to.throw(EncodeError, 'does not suit a appendable type');
      const bytes = nested.encode(good, { encapsulation: D_CDR2_BE });
      expect(() => nested.decode(bytes.subarray(0, 10))).to.throw(DecodeError, 'Nested/Nested.dheader');
    });

    it('every truncation and 2,000 seeded mutations of KeyedSeq and Rich payloads: only DecodeError, same as the interpreter', () => {
      const r = new SeededRandom(7);
      for (const [idl, name, sample] of [
        [REPO_IDL['bench/dataplane.ts KeyedSeq']!, 'KeyedSeq', { seq: 1, keyval: 2, baggage: r.bytes(64) }],
        [REPO_IDL['bench/cdr-user-types.ts Rich']!, 'Rich', {
          frame: 'map', stamp: 5n, mode: 1, pose: { position: { x: 1, y: 2, z: 3 }, q: [0, 0, 0, 1] },
          path: [{ position: { x: 0, y: 0, z: 0 }, q: [1, 0, 0, 0] }], ids: [1, 2], digest: r.bytes(16), note: 'n', ok: true, temp: -4,
        }],
      ] as const) {
        const p = pair(compileIdl(idl), compileIdl(idl, { codec: 'interpreted' }), name);
        expect(p.compiled).to.be.instanceOf(CompiledCodec);
        for (const kind of kindsFor(p.def)) {
          const outcomeOf = outcome(() => p.interpreted.encode(sample, { encapsulation: kind }));
          if (!('ok' in outcomeOf)) continue; // Rich has an @optional member: XCDR1 cannot carry it
          const bytes = p.interpreted.encode(sample, { encapsulation: kind });
          for (let n = 0; n < bytes.length; n++) compareDecode(p, bytes.subarray(0, n), `${name} prefix ${n}`);
          for (let i = 0; i < 500; i++) {
            const backing = new Uint8Array(bytes.length + 16).fill(0x41);
            backing.set(bytes, 8);
            const view = backing.subarray(8, 8 + bytes.length);
            for (let f = 1 + r.int(4); f > 0; f--) view[r.int(view.length)] = [0, 0xff, r.int(256)][r.int(3)] ?? 0;
            compareDecode(p, view, `${name} mutation ${i}`);
          }
        }
      }
    });
  });

  describe('fallback and selection', () => {
    it('mutable, nested-mutable and recursive types stay on the interpreter; { codec: "interpreted" } forces it', () => {
      const lib = compileIdl(`@mutable struct M { long x; }; struct F { M m; }; struct N { long v; sequence<N> kids; }; struct P { long v; };`);
      expect(lib.codec('M')).to.be.instanceOf(InterpretedCodec);
      expect(lib.codec('F')).to.be.instanceOf(InterpretedCodec);
      expect(lib.codec('N')).to.be.instanceOf(InterpretedCodec);
      expect(lib.codec('P')).to.be.instanceOf(CompiledCodec);
      expect(compileIdl('struct P { long v; };', { codec: 'interpreted' }).codec('P')).to.be.instanceOf(InterpretedCodec);
      expect(lib.codec('M').decode(lib.codec('M').encode({ x: 3 }, { encapsulation: PL_CDR2_LE }))).to.deep.equal({ x: 3 });
    });

    it('a type whose inlined source would explode stays on the interpreter', () => {
      const levels = ['struct L0 { long a; long b; };'];
      for (let i = 1; i <= 12; i++) levels.push(`struct L${i} { L${i - 1} x; L${i - 1} y; };`);
      const lib = compileIdl(levels.join('\n'));
      expect(lib.codec('L6')).to.be.instanceOf(CompiledCodec);
      expect(cannotCompile(lib.types, lib.struct('L12'))).to.match(/inlined members/);
      expect(lib.codec('L12')).to.be.instanceOf(InterpretedCodec);
    });

    it('RTPS_ICE_USER_CODEC=interpreted selects the interpreter', () => {
      const before = process.env.RTPS_ICE_USER_CODEC;
      try {
        process.env.RTPS_ICE_USER_CODEC = 'interpreted';
        expect(compileIdl('struct P { long v; };').codec('P')).to.be.instanceOf(InterpretedCodec);
      } finally {
        if (before === undefined) delete process.env.RTPS_ICE_USER_CODEC;
        else process.env.RTPS_ICE_USER_CODEC = before;
      }
      expect(compileIdl('struct P { long v; };').codec('P')).to.be.instanceOf(CompiledCodec);
    });

    it('never splices IDL text into the generated source: odd names are escaped or fall back', () => {
      const evil = 'Evil"); globalThis.pwned = 1; ("\u2028*/';
      const member = (name: string): MemberDef => ({
        name, id: 0, isKey: false, isOptional: false, element: { kind: 'primitive', prim: 'int32', size: 4 }, arrayLengths: [], isSequence: false, sequenceBound: undefined,
      });
      const def: StructDef = { name: evil, extensibility: 'final', members: [member('x')], keyMembers: [] };
      const types = new Map([[evil, def]]);
      const codec = createUserTypeCodec(new StructCodec(types), def);
      expect(codec).to.be.instanceOf(CompiledCodec);
      expect(() => codec.encode({ x: 'no' }, { encapsulation: CDR2_LE })).to.throw(EncodeError, `${evil}.x: expected a number`);
      expect(() => codec.decode(Uint8Array.of(0, 7, 0, 0, 1))).to.throw(DecodeError, `${evil}/${evil}.x`);
      expect(codec.decode(codec.encode({ x: 5 }, { encapsulation: CDR2_BE }))).to.deep.equal({ x: 5 });
      expect(Reflect.get(globalThis, 'pwned')).to.equal(undefined);
      for (const name of ['a"]; throw 1; //', '__proto__', 'a b', '']) {
        const bad: StructDef = { name: 'B', extensibility: 'final', members: [member(name)], keyMembers: [] };
        const t = new Map([['B', bad]]);
        expect(cannotCompile(t, bad)).to.be.a('string');
        expect(createUserTypeCodec(new StructCodec(t), bad)).to.be.instanceOf(InterpretedCodec);
      }
    });

    it('the generated hot paths allocate no DataView and no closure per sample', () => {
      const lib = compileIdl(REPO_IDL['bench/dataplane.ts KeyedSeq']!);
      const codec = lib.codec('KeyedSeq');
      if (!(codec instanceof CompiledCodec)) throw new Error('KeyedSeq is not compiled');
      for (const kind of ['encode', 'encodeKey', 'decode'] as const) {
        const src = codec.source(kind, 'xcdr1', true);
        const body = src.slice(src.indexOf(kind === 'decode' ? 'return function decode' : 'return function encode'));
        expect(body).to.not.match(/new DataView|=>|function \(|forEach/);
      }
    });
  });

  it('decoded octets never alias the input, even from a Node Buffer (whose slice() is a view)', () => {
    for (const codec of ['compiled', 'interpreted'] as const) {
      const c = compileIdl('struct K { sequence<octet> b; octet a[2]; };', { codec }).codec('K');
      const input = Buffer.from(c.encode({ b: Uint8Array.of(1, 2, 3), a: [4, 5] }, { encapsulation: PLAIN_CDR_LE }));
      const sample = c.decode(input);
      input.fill(0x63, 4);
      expect(sample, codec).to.deep.equal({ b: Uint8Array.of(1, 2, 3), a: Uint8Array.of(4, 5) });
      expect(Object.getPrototypeOf(sample.b), codec).to.equal(Uint8Array.prototype);
    }
  });

  it('decodes small octet collections into shared slabs that never overlap, and large ones into their own buffer', () => {
    for (const codec of ['compiled', 'interpreted'] as const) {
      const c = compileIdl('struct S { sequence<octet> b; };', { codec }).codec('S');
      const small = c.encode({ b: new Uint8Array(1024).fill(7) }, { encapsulation: PLAIN_CDR_LE });
      const got = Array.from({ length: 100 }, () => c.decode(small).b as Uint8Array);
      for (const b of got) {
        expect(b.buffer.byteLength, codec).to.equal(64 * 1024);
        expect(b.every((x) => x === 7), codec).to.equal(true);
      }
      for (let i = 1; i < got.length; i++) {
        const [a, b] = [got[i - 1]!, got[i]!];
        const overlap = a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
        expect(overlap, codec).to.equal(false);
      }
      got[0]!.fill(1); // writing into one decoded array leaves the others alone
      expect(got[1]!.every((x) => x === 7), codec).to.equal(true);
      const big = c.decode(c.encode({ b: new Uint8Array(5000) }, { encapsulation: PLAIN_CDR_LE })).b as Uint8Array;
      expect(big.buffer.byteLength, codec).to.equal(5000);
    }
  });

  it('decodes XCDR1 payloads of every kind the header allows, refusing parameter lists like the interpreter', () => {
    const lib = compileIdl('struct P { long v; };');
    const ref = compileIdl('struct P { long v; };', { codec: 'interpreted' });
    for (const head of [[0, 0], [0, 1], [0, 2], [0, 3], [0, 6], [0, 7], [0, 8], [0, 9], [0, 10], [0, 11], [0, 0x20], [1, 0]]) {
      for (const opts of [[0, 0], [0, 1], [0, 3], [0xff, 0xff]]) {
        const bytes = Uint8Array.of(...head, ...opts, 1, 2, 3, 4, 0, 0);
        expect(outcome(() => lib.codec('P').decode(bytes))).to.deep.equal(outcome(() => ref.codec('P').decode(bytes)));
      }
    }
    expect(PLAIN_CDR_BE).to.equal(0);
  });
});
