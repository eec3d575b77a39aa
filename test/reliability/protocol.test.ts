import { expect } from 'chai';
import type { DataSubmessage, GapSubmessage, HeartbeatSubmessage } from '../../src/rtps/index.js';
import { sequenceNumberSetFromMembers, sequenceNumberSetMembers } from '../../src/rtps/index.js';
import { RtpsReader, RtpsWriter } from '../../src/reliability/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { InvalidConfigError } from '../../src/util/errors.js';
import { silentLogger } from '../../src/util/logger.js';
import { makeReader, makeWriter, payload, prefixOf, READER_ENTITY, submessagesOf, WRITER_ENTITY } from './sim.js';

const W = prefixOf(1);
const R = prefixOf(2);

function data(sn: number): DataSubmessage {
  return { kind: 'data', littleEndian: true, readerId: 0, writerId: WRITER_ENTITY, writerSN: sn, inlineQos: undefined, serializedData: payload(sn, 16), serializedKey: undefined };
}

function hb(firstSN: number, lastSN: number, count: number, isFinal: boolean): HeartbeatSubmessage {
  return { kind: 'heartbeat', littleEndian: true, readerId: 0, writerId: WRITER_ENTITY, firstSN, lastSN, count, isFinal, isLiveliness: false };
}

function gap(gapStart: number, base: number, members: number[]): GapSubmessage {
  return { kind: 'gap', littleEndian: true, readerId: 0, writerId: WRITER_ENTITY, gapStart, gapList: sequenceNumberSetFromMembers(base, members) };
}

describe('reliability: protocol details', () => {
  describe('reader', () => {
    it('sends a non-final pre-emptive ACKNACK (base 1) when a reliable writer is matched', () => {
      const { core, sent } = makeReader();
      expect(core.nextDeadline()).to.equal(0);
      core.handleTimeout();
      const [a] = submessagesOf(sent, 'acknack');
      expect(a).to.deep.include({ readerId: READER_ENTITY, writerId: WRITER_ENTITY, count: 1, isFinal: false });
      expect(a!.readerSNState).to.deep.include({ base: 1, numBits: 0 });
      expect(sent[0]!.to).to.deep.equal(W);
    });

    it('answers a final HEARTBEAT only when something is missing, after heartbeatResponseDelay, base = first missing', () => {
      const { core, clock, sent } = makeReader({ heartbeatResponseDelayMs: 500 });
      core.handleTimeout();
      sent.length = 0;
      for (const sn of [1, 2]) core.handleSubmessage(W, data(sn));
      core.handleSubmessage(W, hb(1, 2, 1, true));
      expect(core.nextDeadline()).to.equal(undefined);
      for (const sn of [4, 7]) core.handleSubmessage(W, data(sn));
      core.handleSubmessage(W, hb(1, 8, 2, true));
      expect(core.nextDeadline()).to.equal(500);
      clock.advance(499);
      core.handleTimeout();
      expect(sent).to.deep.equal([]);
      clock.advance(1);
      core.handleTimeout();
      const [a] = submessagesOf(sent, 'acknack');
      expect(a!.readerSNState.base).to.equal(3);
      expect(sequenceNumberSetMembers(a!.readerSNState)).to.deep.equal([3, 5, 6, 8]);
      expect(a!.isFinal).to.equal(false);
    });

    it('acknowledges a non-final HEARTBEAT with a final ACKNACK when nothing is missing', () => {
      const { core, clock, sent } = makeReader();
      core.handleTimeout();
      sent.length = 0;
      core.handleSubmessage(W, data(1));
      core.handleSubmessage(W, hb(1, 1, 1, false));
      clock.advance(1_000);
      core.handleTimeout();
      const [a] = submessagesOf(sent, 'acknack');
      expect(a).to.deep.include({ isFinal: true });
      expect(a!.readerSNState).to.deep.include({ base: 2, numBits: 0 });
    });

    it('skips SNs a GAP declares irrelevant (range and list) and delivers what follows in order', () => {
      const { core, samples } = makeReader();
      core.handleSubmessage(W, data(1));
      core.handleSubmessage(W, data(4));
      core.handleSubmessage(W, data(6));
      core.handleSubmessage(W, data(9));
      expect(samples.map((s) => s.sequenceNumber)).to.deep.equal([1]);
      core.handleSubmessage(W, gap(2, 4, [5, 7, 8]));
      expect(samples.map((s) => s.sequenceNumber)).to.deep.equal([1, 4, 6, 9]);
      expect(core.counts).to.deep.equal({ delivered: 4, lost: 0, irrelevant: 5 });
      // A GAP over data already buffered: irrelevant wins, the data is dropped.
      core.handleSubmessage(W, data(11));
      core.handleSubmessage(W, gap(10, 12, []));
      expect(samples.map((s) => s.sequenceNumber)).to.deep.equal([1, 4, 6, 9]);
      expect(core.writerProxies()[0]!.nextExpected).to.equal(12);
      expect(core.bufferedBytes).to.equal(0);
    });

    it('reports SNs below a HEARTBEAT firstSN as lost and still delivers the buffered ones', () => {
      const { core, samples, events, writer } = makeReader();
      core.handleSubmessage(W, data(3));
      core.handleSubmessage(W, data(6));
      core.handleSubmessage(W, hb(5, 6, 1, true));
      expect(samples.map((s) => s.sequenceNumber)).to.deep.equal([3]);
      expect(events).to.deep.equal([
        { kind: 'samples-lost', writer: core.writerProxies()[0]!.guid, firstSN: 1, count: 2 },
        { kind: 'samples-lost', writer: core.writerProxies()[0]!.guid, firstSN: 4, count: 1 },
      ]);
      expect(core.writerProxies()[0]!.guid).to.deep.equal(writer);
      core.handleSubmessage(W, data(5));
      expect(samples.map((s) => s.sequenceNumber)).to.deep.equal([3, 5, 6]);
    });

    it('passes the source timestamp and copies payload and inline QoS out of the datagram', () => {
      const { core, samples } = makeReader();
      const bytes = payload(1, 16);
      const qos = [{ pid: 0x70, value: new Uint8Array(16).fill(7) }];
      core.handleSubmessage(W, { ...data(1), serializedData: bytes, inlineQos: qos }, { seconds: 5, fraction: 6 });
      bytes.fill(0);
      qos[0]!.value.fill(0);
      expect(samples[0]!.sourceTimestamp).to.deep.equal({ seconds: 5, fraction: 6 });
      expect(samples[0]!.serializedData![11]).to.equal(0x3f);
      expect(samples[0]!.inlineQos![0]!.value[0]).to.equal(7);
    });

    it('lendsSamples: lends the in-order sample for the deliver call only and copies what it holds back', () => {
      const clock = new ManualClock();
      const seen: { sn: number; data: Uint8Array | undefined; qos: Uint8Array | undefined }[] = [];
      const core = new RtpsReader({
        guid: { prefix: R, entityId: READER_ENTITY }, clock, log: silentLogger, send: () => undefined, emit: () => undefined,
        lendsSamples: true,
        deliver: (s) => { seen.push({ sn: s.sequenceNumber, data: s.serializedData, qos: s.inlineQos?.[0]?.value }); },
      });
      core.addWriterProxy({ prefix: W, entityId: WRITER_ENTITY }, { reliable: true });
      // One "datagram" buffer that the receive path reuses: SN 2 arrives first (held back), then SN 1.
      const datagram = new Uint8Array(64);
      const two = datagram.subarray(0, 16);
      two.set(payload(2, 16));
      core.handleSubmessage(W, { ...data(2), serializedData: two, inlineQos: [{ pid: 0x70, value: datagram.subarray(32, 48).fill(2) }] });
      expect(seen).to.deep.equal([]);
      datagram.fill(0xee);
      const one = datagram.subarray(0, 16);
      one.set(payload(1, 16));
      core.handleSubmessage(W, { ...data(1), serializedData: one, inlineQos: [{ pid: 0x70, value: datagram.subarray(32, 48).fill(1) }] });
      expect(seen.map((x) => x.sn)).to.deep.equal([1, 2]);
      // SN 1 went out straight from the DATA: lent, the very bytes of the datagram.
      expect(seen[0]!.data!.buffer).to.equal(datagram.buffer);
      expect(seen[0]!.qos!.buffer).to.equal(datagram.buffer);
      // SN 2 was held back: its own copy, intact although the datagram was overwritten meanwhile.
      expect(seen[1]!.data!.buffer).to.not.equal(datagram.buffer);
      expect([...seen[1]!.data!]).to.deep.equal([...payload(2, 16)]);
      expect([...seen[1]!.qos!]).to.deep.equal(new Array<number>(16).fill(2));
      // Without lendsSamples every delivered sample owns its bytes (the default, see the test above).
      const owned = makeReader();
      const buf = payload(1, 16);
      owned.core.handleSubmessage(W, { ...data(1), serializedData: buf });
      expect(owned.samples[0]!.serializedData!.buffer).to.not.equal(buf.buffer);
    });

    it('removing a writer proxy leaves no deadline and no buffered memory', () => {
      const { core } = makeReader();
      core.handleSubmessage(W, data(2));
      core.handleSubmessage(W, hb(1, 5, 1, true));
      expect(core.nextDeadline()).to.not.equal(undefined);
      expect(core.bufferedBytes).to.be.greaterThan(0);
      expect(core.removeWriterProxy({ prefix: W, entityId: WRITER_ENTITY })).to.equal(true);
      expect(core.nextDeadline()).to.equal(undefined);
      expect(core.bufferedBytes).to.equal(0);
      core.handleSubmessage(W, data(1));
      expect(core.drops['unknown-writer']).to.equal(1);
    });
  });

  describe('writer', () => {
    it('sends one HEARTBEAT per burst of writes, then periodically while unacknowledged, then stops', () => {
      const { core, clock, sent } = makeWriter({ heartbeatPeriodMs: 1_000, history: 'keep-all' });
      core.addReaderProxy({ prefix: R, entityId: READER_ENTITY }, { reliable: true });
      for (let i = 0; i < 10; i++) core.write({ serializedData: payload(i, 16) });
      expect(sent.filter((t) => t.to === 'all-matched')).to.have.length(10);
      core.handleTimeout();
      const beats = submessagesOf(sent, 'heartbeat');
      expect(beats).to.have.length(1);
      expect(beats[0]).to.deep.include({ firstSN: 1, lastSN: 10, isFinal: false, readerId: READER_ENTITY });
      expect(core.nextDeadline()).to.equal(1_000);
      clock.advance(1_000);
      core.handleTimeout();
      expect(submessagesOf(sent, 'heartbeat')).to.have.length(2);
      core.handleSubmessage(R, { kind: 'acknack', littleEndian: true, readerId: READER_ENTITY, writerId: WRITER_ENTITY, readerSNState: sequenceNumberSetFromMembers(11, []), count: 1, isFinal: true });
      clock.advance(1_000);
      core.handleTimeout();
      expect(submessagesOf(sent, 'heartbeat')).to.have.length(2);
      expect(core.nextDeadline()).to.equal(undefined);
    });

    it('repairs after nackResponseDelay with DATA to the reader, and GAPs what keep-last replaced in the middle', () => {
      const { core, clock, sent } = makeWriter({ nackResponseDelayMs: 200 });
      core.addReaderProxy({ prefix: R, entityId: READER_ENTITY }, { reliable: true });
      // a=1 b=2 a=3 c=4 a=5: held {2, 4, 5}.
      for (const key of ['a', 'b', 'a', 'c', 'a']) core.write({ serializedData: payload(0, 16), instanceKey: key });
      core.handleTimeout();
      sent.length = 0;
      core.handleSubmessage(R, { kind: 'acknack', littleEndian: true, readerId: READER_ENTITY, writerId: WRITER_ENTITY, readerSNState: sequenceNumberSetFromMembers(2, [2, 3, 4, 5]), count: 1, isFinal: false });
      expect(core.nextDeadline()).to.equal(200);
      clock.advance(200);
      core.handleTimeout();
      expect(submessagesOf(sent, 'data').map((d) => d.writerSN)).to.deep.equal([2, 4, 5]);
      expect(sent.every((t) => t.to !== 'all-matched')).to.equal(true);
      const gaps = submessagesOf(sent, 'gap');
      expect(gaps.map((g) => [g.gapStart, g.gapList.base])).to.deep.equal([[3, 4]]);
      expect(submessagesOf(sent, 'heartbeat').at(-1)).to.deep.include({ firstSN: 2, lastSN: 5 });
    });

    it('removing a reader proxy leaves no deadline', () => {
      const { core } = makeWriter();
      const guid = { prefix: R, entityId: READER_ENTITY };
      core.addReaderProxy(guid, { reliable: true });
      core.write({ serializedData: payload(0, 16) });
      core.handleSubmessage(R, { kind: 'acknack', littleEndian: true, readerId: READER_ENTITY, writerId: WRITER_ENTITY, readerSNState: sequenceNumberSetFromMembers(1, [1]), count: 1, isFinal: false });
      expect(core.nextDeadline()).to.not.equal(undefined);
      expect(core.removeReaderProxy(guid)).to.equal(true);
      expect(core.nextDeadline()).to.equal(undefined);
      expect(core.removeReaderProxy(guid)).to.equal(false);
    });

    it('fragments with the configured sizes and every transmit fits maxDatagramSize', () => {
      const { core, sent } = makeWriter({ maxDatagramSize: 8_000, fragmentSize: 1_000 });
      core.addReaderProxy({ prefix: R, entityId: READER_ENTITY }, { reliable: false });
      core.write({ serializedData: payload(0, 20_000), inlineQos: [{ pid: 0x70, value: new Uint8Array(16) }] });
      const frags = submessagesOf(sent, 'data-frag');
      expect(frags.map((f) => [f.fragmentStartingNum, f.fragmentsInSubmessage])).to.deep.equal([[1, 7], [8, 7], [15, 6]]);
      expect(frags.map((f) => f.inlineQos !== undefined)).to.deep.equal([true, false, false]);
    });
  });

  it('rejects invalid configuration with InvalidConfigError', () => {
    const clock = new ManualClock();
    const deps = { guid: { prefix: R, entityId: READER_ENTITY }, clock, log: silentLogger, send: () => undefined, emit: () => undefined, deliver: () => undefined };
    expect(() => new RtpsWriter(deps, { depth: 0 })).to.throw(InvalidConfigError);
    expect(() => new RtpsWriter(deps, { heartbeatPeriodMs: 0 })).to.throw(InvalidConfigError);
    expect(() => new RtpsWriter(deps, { fragmentSize: 1_400 })).to.throw(InvalidConfigError);
    expect(() => new RtpsWriter(deps, { maxDatagramSize: 70_000 })).to.throw(InvalidConfigError);
    expect(() => new RtpsReader(deps, { heartbeatResponseDelayMs: -1 })).to.throw(InvalidConfigError);
    expect(() => new RtpsReader(deps, { maxBufferedSamples: 1.5 })).to.throw(InvalidConfigError);
  });
});
