import { expect } from 'chai';
import type { Guid } from '../../src/rtps/index.js';
import { EncodeError } from '../../src/util/errors.js';
import { payload, payloadIndex, prefixOf, READER_ENTITY, Sim } from './sim.js';

describe('reliability: writer history (keep-last, keep-all, back-pressure)', () => {
  it('keep-last depth 1 with a slow lossy reader: only newer samples, never out of order, the rest reported lost', function () {
    this.timeout(60_000);
    const sim = new Sim(11, { loss: 0.3, duplicate: 0.1, latencyMs: 80, jitterMs: 40 }, { history: 'keep-last', depth: 1 });
    const r = sim.addReader(2, { reliable: true });
    const n = 2_000;
    for (let i = 0; i < n; i++) {
      sim.writer.write({ serializedData: payload(i, 64) });
      expect(sim.writer.historySize).to.be.at.most(1);
      sim.runFor(1);
    }
    expect(sim.runUntil(() => r.samples.at(-1)?.sequenceNumber === n, 120_000)).to.equal(true);
    sim.runFor(5_000);
    const sns = r.samples.map((s) => s.sequenceNumber);
    for (let i = 1; i < sns.length; i++) expect(sns[i]).to.be.greaterThan(sns[i - 1]!);
    for (const s of r.samples) expect(payloadIndex(s.serializedData)).to.equal(s.sequenceNumber - 1);
    // Every SN is accounted for exactly once: delivered, or lost (replaced before it got through).
    const lostEvents = r.events.flatMap((e) => (e.kind === 'samples-lost' ? [e] : []));
    const lost = lostEvents.reduce((a, e) => a + e.count, 0);
    expect(lost).to.be.greaterThan(0);
    expect(lost).to.equal(r.core.counts.lost);
    expect(r.samples.length + lost + r.core.counts.irrelevant).to.equal(n);
    const lostSet = new Set<number>();
    for (const e of lostEvents) for (let k = 0; k < e.count; k++) lostSet.add(e.firstSN + k);
    for (const sn of sns) expect(lostSet.has(sn)).to.equal(false);
  });

  it('keep-last per instance: a reader that missed everything gets the newest per instance, GAP for replaced ones between', () => {
    const sim = new Sim(12, { loss: 1 }, { history: 'keep-last', depth: 1 });
    const r = sim.addReader(2, { reliable: true });
    sim.runFor(10);
    // SN: a1=1 b1=2 a2=3 c1=4 a3=5 -> held {2, 4, 5}: 1 is below the first (lost), 3 is a hole (GAP).
    for (const key of ['a', 'b', 'a', 'c', 'a']) sim.writer.write({ serializedData: payload(0, 16), instanceKey: key });
    expect(sim.writer.historySize).to.equal(3);
    sim.link = { ...sim.link, loss: 0 };
    expect(sim.runUntil(() => r.samples.length === 3, 10_000)).to.equal(true);
    expect(r.samples.map((s) => s.sequenceNumber)).to.deep.equal([2, 4, 5]);
    expect(r.core.counts).to.deep.equal({ delivered: 3, lost: 1, irrelevant: 1 });
    expect(sim.writerSent.some((s) => s.kind === 'gap' && s.gapStart === 3)).to.equal(true);
  });

  it('keep-all releases memory once every reliable reader acknowledged, and not before', () => {
    const sim = new Sim(13, { latencyMs: 2 }, { history: 'keep-all', maxSamples: 100 });
    const r = sim.addReader(2, { reliable: true });
    // A second reliable reader that never answers (its datagrams go nowhere).
    const silent: Guid = { prefix: prefixOf(9), entityId: READER_ENTITY };
    sim.writer.addReaderProxy(silent, { reliable: true });
    for (let i = 0; i < 100; i++) expect(sim.writer.write({ serializedData: payload(i, 32) }).kind).to.equal('written');
    sim.runFor(5_000);
    expect(r.samples.length).to.equal(100);
    expect(sim.writer.readerProxies().find((p) => p.guid.prefix[11] === 2)?.acknowledgedUpTo).to.equal(100);
    expect(sim.writer.historySize).to.equal(100);
    // Back-pressure: no room, nothing sent, a clear result.
    const before = sim.datagrams;
    expect(sim.writer.write({ serializedData: payload(100, 32) })).to.deep.equal({ kind: 'history-full', historySize: 100 });
    expect(sim.datagrams).to.equal(before);
    expect(sim.writer.lastSequenceNumber).to.equal(100);
    sim.writer.removeReaderProxy(silent);
    expect(sim.writer.historySize).to.equal(0);
    expect(sim.writerEvents).to.deep.include({ kind: 'history-space-available', historySize: 0 });
    expect(sim.writerEvents).to.deep.include({ kind: 'all-acknowledged', sequenceNumber: 100 });
    expect(sim.writer.write({ serializedData: payload(100, 32) })).to.deep.equal({ kind: 'written', sequenceNumber: 101 });
  });

  it('a keep-all write that throws takes no SN: the next one follows the last written', () => {
    const sim = new Sim(14, { latencyMs: 2 }, { history: 'keep-all', maxSamples: 100 });
    const r = sim.addReader(2, { reliable: true });
    expect(sim.writer.write({ serializedData: payload(0, 32) })).to.deep.equal({ kind: 'written', sequenceNumber: 1 });
    // An inline QoS value longer than its 16-bit length field cannot be encoded.
    expect(() => sim.writer.write({ serializedData: payload(1, 32), inlineQos: [{ pid: 0x70, value: new Uint8Array(70_000) }] })).to.throw(EncodeError);
    expect(sim.writer.lastSequenceNumber).to.equal(1);
    expect(sim.writer.write({ serializedData: payload(1, 32) })).to.deep.equal({ kind: 'written', sequenceNumber: 2 });
    sim.runFor(1_000);
    expect(r.samples.length).to.equal(2);
  });

  it('keep-all frees space as acknowledgements arrive and says so once per full episode', () => {
    const sim = new Sim(14, { latencyMs: 2 }, { history: 'keep-all', maxSamples: 10 });
    sim.addReader(2, { reliable: true });
    let written = 0;
    let rejected = 0;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 15; i++) {
        if (sim.writer.write({ serializedData: payload(written, 32) }).kind === 'written') written++;
        else rejected++;
      }
      sim.runFor(2_000);
    }
    expect(written).to.equal(200);
    expect(rejected).to.equal(100);
    expect(sim.writerEvents.filter((e) => e.kind === 'history-space-available')).to.have.length(20);
    expect(sim.writer.historySize).to.equal(0);
  });
});
