/**
 * Fitness of the user-type paths for Msg (`struct Msg { long id; string text; }`):
 * encode+decode ns/sample through the compiled codec (generated code, the data path), our
 * interpreter, @foxglove/omgidl-serialization, and a hand-written codec on CdrReader/CdrWriter; then
 * compiled vs interpreted µs per encode / decode / key hash for the dataplane's KeyedSeq (64 B and
 * 1 KB baggage) and a richer keyed type; then a check of the bytes each path writes against what
 * Cyclone DDS and Fast DDS put on the wire.
 *
 *   npm run bench:cdr-user-types [-- --json]      (= npx tsx bench/cdr-user-types.ts [--json])
 */
import { readFileSync } from 'node:fs';
import {
  CDR2_BE, CDR2_LE, CdrReader, CdrWriter, ENCAPSULATION_HEADER_SIZE, PLAIN_CDR_BE, PLAIN_CDR_LE, compileIdl,
  padEncapsulation, readEncapsulation, writeEncapsulation,
} from '../src/cdr/index.js';
import type { EncapsulationKind, UserSample, UserTypeCodec } from '../src/cdr/index.js';
import { toHex } from '../src/util/hex.js';
import { MSG_IDL_PATH, PCAPS, userSamples } from '../test/cdr/lab-samples.js';
import { foxgloveCodec } from '../test/support/foxglove-codec.js';
import { printResults, timePerCallNs } from './support/report.js';
import type { BenchResult } from './support/report.js';

const json = process.argv.includes('--json');
const lib = compileIdl(readFileSync(MSG_IDL_PATH, 'utf8'));
const interpretedLib = compileIdl(readFileSync(MSG_IDL_PATH, 'utf8'), { codec: 'interpreted' });

/** The obvious hand-written codec of Msg, the floor the generic paths are measured against. */
const handWritten: UserTypeCodec = {
  typeName: 'Msg',
  hasKey: false,
  encode(sample: UserSample, options): Uint8Array {
    const kind = options.encapsulation;
    const w = new CdrWriter({ version: kind >= CDR2_BE ? 'xcdr2' : 'xcdr1', littleEndian: (kind & 1) === 1 }, 16 + (typeof sample.text === 'string' ? sample.text.length : 0), ENCAPSULATION_HEADER_SIZE);
    writeEncapsulation(w, kind);
    const { id, text } = sample;
    if (typeof id !== 'number' || typeof text !== 'string') throw new Error('bad sample');
    w.ai32(id).string(text);
    padEncapsulation(w, 0, options.padding ?? 'flagged');
    return w.finish();
  },
  decode(bytes: Uint8Array): UserSample {
    const enc = readEncapsulation(bytes);
    const r = new CdrReader(enc.body, 'Msg', enc.rules, ENCAPSULATION_HEADER_SIZE);
    return { id: r.ai32('id'), text: r.string('text') };
  },
  keyHash: () => new Uint8Array(16),
  encodeKey: () => { throw new Error('Msg has no key members'); },
};

const paths: Record<string, UserTypeCodec> = {
  compiled: lib.codec('Msg'),
  interpreted: interpretedLib.codec('Msg'),
  foxglove: foxgloveCodec(lib, 'Msg'),
  'hand-written': handWritten,
};

/**
 * Median ns per call of each function, measured side by side: rounds alternate between the functions
 * so that load changes on a shared host hit all of them alike.
 */
function sideBySide(fns: Readonly<Record<string, () => unknown>>, iterations: number, rounds = 9): Record<string, number> {
  const samples = Object.entries(fns).map(([name, fn]) => ({ name, fn, ns: new Array<number>() }));
  for (let r = 0; r < rounds; r++) for (const s of samples) s.ns.push(timePerCallNs(s.fn, iterations, 1));
  return Object.fromEntries(samples.map((s) => [s.name, s.ns.sort((a, b) => a - b)[Math.floor(s.ns.length / 2)]!]));
}

const results: BenchResult[] = [];
for (const [label, textLength] of [['64B', 64], ['1KB', 1024]] as const) {
  const sample = { id: 42, text: 'x'.repeat(textLength) };
  const figures: Record<string, { encode: number; decode: number; both: number }> = {};
  const iterations = textLength > 100 ? 30_000 : 100_000;
  const entries = Object.entries(paths);
  const per = (op: (codec: UserTypeCodec, bytes: Uint8Array) => unknown): Record<string, number> =>
    sideBySide(Object.fromEntries(entries.map(([name, codec]) => {
      const bytes = codec.encode(sample, { encapsulation: PLAIN_CDR_LE });
      return [name, () => op(codec, bytes)];
    })), iterations);
  const encode = per((codec) => codec.encode(sample, { encapsulation: PLAIN_CDR_LE }));
  const decode = per((codec, bytes) => codec.decode(bytes));
  const both = per((codec) => codec.decode(codec.encode(sample, { encapsulation: PLAIN_CDR_LE })));
  for (const [name] of entries) figures[name] = { encode: encode[name]!, decode: decode[name]!, both: both[name]! };
  for (const op of ['encode', 'decode', 'both'] as const) {
    const against: Record<string, number> = {};
    for (const name of ['interpreted', 'foxglove', 'hand-written']) against[name] = Math.round(figures[name]![op]);
    results.push({ suite: 'cdr-user-types', metric: `Msg.${op === 'both' ? 'encode+decode' : op}.${label}`, unit: 'ns', value: Math.round(figures.compiled![op]), against });
  }
}

// Compiled vs interpreted on the dataplane's type and a richer one (XCDR1 little-endian, as the DDS layer writes).
const KEYED_SEQ_IDL = 'struct KeyedSeq { unsigned long seq; @key unsigned long keyval; sequence<octet> baggage; };';
const RICH_IDL = `
  enum Mode { IDLE, RUN };
  @final struct Vec3 { double x; double y; double z; };
  @appendable struct Pose { Vec3 position; float q[4]; };
  @appendable struct Rich { @key string<32> frame; @key unsigned long long stamp; Mode mode; Pose pose;
    sequence<Pose, 8> path; sequence<long> ids; octet digest[16]; string note; boolean ok; short temp; };`;
const pose = (i: number): UserSample => ({ position: { x: i, y: i / 2, z: -i }, q: [0, 0, Math.SQRT1_2, Math.SQRT1_2] });
const cases = [
  { label: 'KeyedSeq.64B', idl: KEYED_SEQ_IDL, type: 'KeyedSeq', sample: { seq: 1, keyval: 7, baggage: new Uint8Array(64).fill(0x5a) } },
  { label: 'KeyedSeq.1KB', idl: KEYED_SEQ_IDL, type: 'KeyedSeq', sample: { seq: 1, keyval: 7, baggage: new Uint8Array(1024).fill(0x5a) } },
  {
    label: 'Rich', idl: RICH_IDL, type: 'Rich', sample: {
      frame: 'base_link', stamp: 1_700_000_000_000_000_000n, mode: 1, pose: pose(1), path: [pose(2), pose(3), pose(4)],
      ids: [1, 2, 3, 4, 5, 6, 7, 8], digest: new Uint8Array(16).fill(3), note: 'nominal', ok: true, temp: -12,
    },
  },
] as const;
const ratios: string[] = [];
for (const c of cases) {
  const compiled = compileIdl(c.idl).codec(c.type);
  const interpreted = compileIdl(c.idl, { codec: 'interpreted' }).codec(c.type);
  const options = { encapsulation: PLAIN_CDR_LE } as const;
  const bytes = interpreted.encode(c.sample, options);
  if (toHex(compiled.encode(c.sample, options)) !== toHex(bytes)) throw new Error(`${c.label}: compiled bytes differ from the interpreter's`);
  const ops = {
    encode: (codec: UserTypeCodec) => () => codec.encode(c.sample, options),
    decode: (codec: UserTypeCodec) => () => codec.decode(bytes),
    keyHash: (codec: UserTypeCodec) => () => codec.keyHash(c.sample),
  };
  for (const [op, make] of Object.entries(ops)) {
    const t = sideBySide({ compiled: make(compiled), interpreted: make(interpreted) }, 50_000);
    const ours = t.compiled! / 1000;
    const theirs = t.interpreted! / 1000;
    results.push({ suite: 'cdr-user-types', metric: `${c.label}.${op}`, unit: 'us', value: ours, against: { interpreted: theirs } });
    ratios.push(`${c.label}.${op}: interpreted/compiled = ${(theirs / ours).toFixed(1)}x`);
  }
}
printResults(results, json);
if (!json) console.log(ratios.join('\n'));

// Wire check: every path, both byte orders and both XCDR versions, against the captured LabMsg samples.
const captured = [
  ...userSamples(`${PCAPS}/cyclone-labmsg.pcapng`).map((s) => ({ vendor: 'cyclone', padding: 'flagged' as const, payload: s.payload })),
  ...userSamples(`${PCAPS}/fastdds.pcapng`).map((s) => ({ vendor: 'fastdds', padding: 'unflagged' as const, payload: s.payload })),
];
const lines: string[] = [];
for (const [name, codec] of Object.entries(paths)) {
  let same = 0;
  let decoded = 0;
  for (const c of captured) {
    const v = codec.decode(c.payload);
    if (typeof v.text === 'string' && v.text.endsWith(c.vendor)) decoded++;
    if (toHex(codec.encode(v, { encapsulation: PLAIN_CDR_LE, padding: c.padding })) === toHex(c.payload)) same++;
  }
  const other: string[] = [];
  for (const kind of [PLAIN_CDR_BE, CDR2_LE, CDR2_BE] satisfies EncapsulationKind[]) {
    const v = { id: 1, text: 'hello #1 from cyclone' };
    const a = codec.encode(v, { encapsulation: kind });
    const b = paths.interpreted!.encode(v, { encapsulation: kind });
    other.push(`0x${kind.toString(16)}:${toHex(a) === toHex(b) ? 'same' : 'DIFFERENT'}`);
  }
  lines.push(`${name.padEnd(13)} decoded ${decoded}/${captured.length}, re-encoded byte-exact ${same}/${captured.length}; vs interpreted ${other.join(' ')}`);
}
if (!json) for (const l of lines) console.log(l);
