import { expect } from 'chai';
import type { AckNackSubmessage, DataFragSubmessage, DataSubmessage, GapSubmessage, HeartbeatSubmessage, NackFragSubmessage, Submessage } from '../../src/rtps/index.js';
import { sequenceNumberSetFromMembers } from '../../src/rtps/index.js';
import { SeededRandom } from '../../src/util/prng.js';
import { makeReader, makeWriter, payload, prefixOf, READER_ENTITY, submessagesOf, WRITER_ENTITY } from './sim.js';

const W = prefixOf(1);
const R = prefixOf(2);

function frag(sn: number, over: Partial<DataFragSubmessage> = {}): DataFragSubmessage {
  const base = {
    kind: 'data-frag', littleEndian: true, readerId: 0, writerId: WRITER_ENTITY, writerSN: sn, fragmentStartingNum: 1,
    fragmentsInSubmessage: 1, fragmentSize: 100, sampleSize: 1_000, inlineQos: undefined, isKey: false,
  } as const;
  const merged = { ...base, ...over };
  return { ...merged, fragments: over.fragments ?? new Uint8Array(Math.max(0, Math.min(merged.fragmentSize * merged.fragmentsInSubmessage, merged.sampleSize - (merged.fragmentStartingNum - 1) * merged.fragmentSize))) };
}

function hb(firstSN: number, lastSN: number, count: number, isFinal = false): HeartbeatSubmessage {
  return { kind: 'heartbeat', littleEndian: true, readerId: 0, writerId: WRITER_ENTITY, firstSN, lastSN, count, isFinal, isLiveliness: false };
}

function acknack(base: number, members: number[], count: number, isFinal = false): AckNackSubmessage {
  return { kind: 'acknack', littleEndian: true, readerId: READER_ENTITY, writerId: WRITER_ENTITY, readerSNState: sequenceNumberSetFromMembers(base, members), count, isFinal };
}

describe('reliability: hostile and malformed input is counted and dropped, never thrown', () => {
  it('DATA_FRAG with a huge sampleSize allocates nothing', () => {
    const { core } = makeReader();
    expect(() => core.handleSubmessage(W, frag(1, { sampleSize: 0xffffffff, fragments: new Uint8Array(100) }))).not.to.throw();
    expect(core.drops['sample-too-large']).to.equal(1);
    expect(core.bufferedBytes).to.equal(0);
  });

  it('DATA_FRAG with fragment numbers beyond the sample, inconsistent sizes or wrong lengths', () => {
    const { core } = makeReader();
    core.handleSubmessage(W, frag(1, { fragmentStartingNum: 11, fragments: new Uint8Array(100) }));
    core.handleSubmessage(W, frag(1, { fragmentStartingNum: 10, fragmentsInSubmessage: 2, fragments: new Uint8Array(100) }));
    core.handleSubmessage(W, frag(1, { fragments: new Uint8Array(99) }));
    core.handleSubmessage(W, frag(1, { sampleSize: 0, fragments: new Uint8Array(0) }));
    expect(core.drops['invalid-fragment']).to.equal(4);
    core.handleSubmessage(W, frag(1));
    core.handleSubmessage(W, frag(1, { fragmentStartingNum: 2, sampleSize: 2_000 }));
    core.handleSubmessage(W, frag(1, { fragmentStartingNum: 2, fragmentSize: 200 }));
    expect(core.drops['invalid-fragment']).to.equal(6);
    expect(core.writerProxies()[0]!.partialSamples).to.equal(1);
  });

  it('reassembly memory is bounded by maxBufferedBytes', () => {
    const { core } = makeReader({ maxBufferedBytes: 1_000_000, maxSampleSize: 1_000_000 });
    for (let sn = 1; sn <= 100; sn++) core.handleSubmessage(W, frag(sn, { sampleSize: 100_000, fragmentSize: 1_000 }));
    expect(core.bufferedBytes).to.be.at.most(1_000_000);
    expect(core.drops['buffer-full']).to.be.greaterThan(80);
  });

  it('HEARTBEAT with firstSN > lastSN + 1, firstSN 0 or a stale count', () => {
    const { core, clock, sent } = makeReader();
    core.handleSubmessage(W, hb(10, 5, 1));
    core.handleSubmessage(W, hb(0, 5, 2));
    expect(core.drops['invalid-heartbeat']).to.equal(2);
    core.handleSubmessage(W, hb(1, 5, 7));
    core.handleSubmessage(W, hb(1, 9, 7));
    core.handleSubmessage(W, hb(1, 9, 6));
    expect(core.drops['stale-count']).to.equal(2);
    clock.advance(10_000);
    core.handleTimeout();
    // The accepted HEARTBEAT said 1..5: the ACKNACK asks for exactly that.
    const last = submessagesOf(sent, 'acknack').at(-1)!;
    expect(last.readerSNState.base).to.equal(1);
    expect(last.readerSNState.numBits).to.equal(5);
  });

  it('a HEARTBEAT claiming 2^52 SNs or a GAP over 2^50 SNs costs bounded work and memory', () => {
    const { core, clock, sent, events } = makeReader();
    core.handleSubmessage(W, hb(1, 2 ** 52, 1));
    clock.advance(1_000);
    core.handleTimeout();
    expect(submessagesOf(sent, 'acknack').at(-1)!.readerSNState.numBits).to.equal(256);
    const gap: GapSubmessage = { kind: 'gap', littleEndian: true, readerId: 0, writerId: WRITER_ENTITY, gapStart: 1, gapList: sequenceNumberSetFromMembers(2 ** 50, [2 ** 50 + 255]) };
    core.handleSubmessage(W, gap);
    expect(core.writerProxies()[0]!.nextExpected).to.equal(2 ** 50);
    core.handleSubmessage(W, hb(2 ** 51, 2 ** 52, 2));
    // Everything in [2^50, 2^51) but the one irrelevant SN is lost: two events around it.
    expect(events).to.deep.equal([
      { kind: 'samples-lost', writer: core.writerProxies()[0]!.guid, firstSN: 2 ** 50, count: 255 },
      { kind: 'samples-lost', writer: core.writerProxies()[0]!.guid, firstSN: 2 ** 50 + 256, count: 2 ** 51 - 2 ** 50 - 256 },
    ]);
    expect(core.counts).to.deep.equal({ delivered: 0, lost: 2 ** 51 - 2 ** 50 - 1, irrelevant: 2 ** 50 });
    expect(core.bufferedBytes).to.equal(0);
  });

  it('GAP with gapList.base < gapStart, and DATA with SN 0 or far beyond the window', () => {
    const { core, samples } = makeReader({ maxBufferedSamples: 100 });
    core.handleSubmessage(W, { kind: 'gap', littleEndian: true, readerId: 0, writerId: WRITER_ENTITY, gapStart: 5, gapList: sequenceNumberSetFromMembers(3, []) });
    expect(core.drops['invalid-gap']).to.equal(1);
    const data = (sn: number): DataSubmessage => ({ kind: 'data', littleEndian: true, readerId: 0, writerId: WRITER_ENTITY, writerSN: sn, inlineQos: undefined, serializedData: payload(sn, 16), serializedKey: undefined });
    core.handleSubmessage(W, data(0));
    core.handleSubmessage(W, data(-3));
    expect(core.drops['invalid-sequence-number']).to.equal(2);
    core.handleSubmessage(W, data(101));
    expect(core.drops['outside-window']).to.equal(1);
    core.handleSubmessage(W, { ...data(1), readerId: 0x99 });
    expect(core.drops['not-addressed']).to.equal(1);
    core.handleSubmessage(prefixOf(7), data(1));
    expect(core.drops['unknown-writer']).to.equal(1);
    expect(samples).to.deep.equal([]);
  });

  it('ACKNACK with base 0, base beyond the last SN, a stale count, or a best-effort or unknown reader', () => {
    const { core } = makeWriter();
    core.addReaderProxy({ prefix: R, entityId: READER_ENTITY }, { reliable: true });
    core.addReaderProxy({ prefix: prefixOf(3), entityId: READER_ENTITY }, { reliable: false });
    for (let i = 0; i < 5; i++) core.write({ serializedData: payload(i, 16) });
    const zero: AckNackSubmessage = { ...acknack(1, [], 1), readerSNState: { base: 0, numBits: 0, bitmap: new Uint32Array(0) } };
    core.handleSubmessage(R, zero);
    core.handleSubmessage(R, acknack(7, [], 2));
    expect(core.drops['invalid-acknack']).to.equal(2);
    core.handleSubmessage(R, acknack(3, [], 5));
    core.handleSubmessage(R, acknack(6, [], 5));
    expect(core.drops['stale-count']).to.equal(1);
    expect(core.readerProxies()[0]!.acknowledgedUpTo).to.equal(2);
    core.handleSubmessage(prefixOf(3), acknack(6, [], 1));
    expect(core.drops['best-effort-reader']).to.equal(1);
    core.handleSubmessage(prefixOf(8), acknack(6, [], 1));
    expect(core.drops['unknown-reader']).to.equal(1);
    const tooWide: AckNackSubmessage = { ...acknack(1, [], 9), readerSNState: { base: 1, numBits: 257, bitmap: new Uint32Array(9) } };
    core.handleSubmessage(R, tooWide);
    const short: AckNackSubmessage = { ...acknack(1, [], 10), readerSNState: { base: 1, numBits: 64, bitmap: new Uint32Array(1) } };
    core.handleSubmessage(R, short);
    expect(core.drops['invalid-acknack']).to.equal(4);
  });

  it('ACKNACK and NACK_FRAG with full 256-bit sets are served (members past the last SN ignored)', () => {
    const { core, clock, sent } = makeWriter({ history: 'keep-all' });
    core.addReaderProxy({ prefix: R, entityId: READER_ENTITY }, { reliable: true });
    for (let i = 0; i < 300; i++) core.write({ serializedData: payload(i, 16) });
    core.write({ serializedData: payload(300, 400_000) });
    sent.length = 0;
    // 256 bits: SNs 46..301, of which 301 is the fragmented one, asked for by NACK_FRAG below instead.
    core.handleSubmessage(R, acknack(46, Array.from({ length: 255 }, (_, i) => 46 + i), 1));
    core.handleSubmessage(R, { ...acknack(46, [], 2), readerSNState: { base: 50, numBits: 256, bitmap: new Uint32Array(8).fill(0xffffffff) } });
    const nf: NackFragSubmessage = {
      kind: 'nack-frag', littleEndian: true, readerId: READER_ENTITY, writerId: WRITER_ENTITY, writerSN: 301,
      fragmentNumberState: { base: 100, numBits: 256, bitmap: new Uint32Array(8).fill(0xffffffff) }, count: 1,
    };
    core.handleSubmessage(R, nf);
    clock.advance(1_000);
    core.handleTimeout();
    const data = submessagesOf(sent, 'data').map((d) => d.writerSN);
    // The second ACKNACK (base 50, all 256 bits, i.e. up to 305 > last SN 301) also asked for 301 whole.
    expect(data).to.deep.equal(Array.from({ length: 251 }, (_, i) => 50 + i));
    const frags = submessagesOf(sent, 'data-frag');
    expect(frags.map((f) => f.fragmentStartingNum)).to.deep.equal(Array.from({ length: 313 }, (_, i) => 1 + i));
    expect(core.drops['invalid-acknack'] + core.drops['invalid-nack-frag']).to.equal(0);
  });

  it('NACK_FRAG with a 256-bit set resends exactly those fragments, then HEARTBEAT_FRAG', () => {
    const { core, clock, sent } = makeWriter({ history: 'keep-all' });
    core.addReaderProxy({ prefix: R, entityId: READER_ENTITY }, { reliable: true });
    core.write({ serializedData: payload(0, 400_000) });
    core.handleTimeout(); // the first HEARTBEAT to the new reader
    sent.length = 0;
    const nf: NackFragSubmessage = {
      kind: 'nack-frag', littleEndian: true, readerId: READER_ENTITY, writerId: WRITER_ENTITY, writerSN: 1,
      fragmentNumberState: { base: 100, numBits: 256, bitmap: new Uint32Array(8).fill(0xffffffff) }, count: 1,
    };
    core.handleSubmessage(R, nf);
    clock.advance(199);
    core.handleTimeout();
    expect(sent).to.deep.equal([]);
    clock.advance(1);
    core.handleTimeout();
    const frags = submessagesOf(sent, 'data-frag');
    // Bits past the sample's 313 fragments are ignored.
    expect(frags.map((f) => f.fragmentStartingNum)).to.deep.equal(Array.from({ length: 214 }, (_, i) => 100 + i));
    expect(submessagesOf(sent, 'heartbeat-frag')).to.deep.include({ kind: 'heartbeat-frag', littleEndian: true, readerId: READER_ENTITY, writerId: WRITER_ENTITY, writerSN: 1, lastFragmentNum: 313, count: 1 });
    expect(sent.every((t) => t.to !== 'all-matched')).to.equal(true);
  });

  it('survives 50,000 random submessages on both cores with bounded memory', () => {
    const rnd = new SeededRandom(99);
    const pick = (n: number): number => rnd.nextU32() % n;
    const sn = (): number => [0, 1, 2, 3, 5, 100, 2 ** 31, 2 ** 52, -1][pick(9)]! + pick(4);
    const reader = makeReader({ maxBufferedBytes: 2_000_000, maxSampleSize: 1_000_000 });
    const writer = makeWriter({ history: 'keep-all' });
    writer.core.addReaderProxy({ prefix: R, entityId: READER_ENTITY }, { reliable: true });
    for (let i = 0; i < 20; i++) writer.core.write({ serializedData: payload(i, 16 + pick(3_000) * 4) });
    const set = (): AckNackSubmessage['readerSNState'] => {
      const numBits = pick(260);
      return { base: sn(), numBits, bitmap: Uint32Array.from({ length: pick(10) }, () => rnd.nextU32()) };
    };
    for (let i = 0; i < 50_000; i++) {
      const kind = pick(7);
      let s: Submessage;
      if (kind === 0) s = hb(sn(), sn(), pick(5), pick(2) === 0);
      else if (kind === 1) {
        const fragmentSize = 1 + pick(2_000);
        const sampleSize = pick(3) === 0 ? rnd.nextU32() : pick(100_000);
        s = frag(sn(), { fragmentSize, sampleSize, fragmentStartingNum: pick(80), fragmentsInSubmessage: pick(4), fragments: new Uint8Array(pick(3) === 0 ? fragmentSize : pick(5_000)) });
      } else if (kind === 2) s = { kind: 'gap', littleEndian: true, readerId: 0, writerId: WRITER_ENTITY, gapStart: sn(), gapList: set() };
      else if (kind === 3) s = { kind: 'heartbeat-frag', littleEndian: true, readerId: 0, writerId: WRITER_ENTITY, writerSN: sn(), lastFragmentNum: pick(100), count: pick(5) };
      else if (kind === 4) s = { kind: 'data', littleEndian: true, readerId: 0, writerId: WRITER_ENTITY, writerSN: sn(), inlineQos: undefined, serializedData: new Uint8Array(pick(64)), serializedKey: undefined };
      else if (kind === 5) s = { ...acknack(1, [], pick(100)), readerSNState: set(), isFinal: pick(2) === 0 };
      else s = { kind: 'nack-frag', littleEndian: true, readerId: READER_ENTITY, writerId: WRITER_ENTITY, writerSN: sn(), fragmentNumberState: set(), count: pick(100) };
      expect(() => {
        reader.core.handleSubmessage(W, s);
        writer.core.handleSubmessage(R, s);
        if (i % 100 === 0) {
          reader.clock.advance(600);
          writer.clock.advance(600);
          reader.core.handleTimeout();
          writer.core.handleTimeout();
        }
      }).not.to.throw();
      expect(reader.core.bufferedBytes).to.be.at.most(2_000_000);
    }
  });
});
