import { expect } from 'chai';
import { payload, payloadIndex, Sim } from './sim.js';

const LOSSY = { loss: 0.3, duplicate: 0.1, latencyMs: 5, jitterMs: 10 } as const;

describe('reliability: durability and late joiners', () => {
  for (const [label, link] of [['lossless', { latencyMs: 5 }], ['30 % loss', LOSSY]] as const) {
    it(`transient-local: a late-joining reliable reader gets the retained history, then new data (${label})`, function () {
      this.timeout(30_000);
      const sim = new Sim(21, link, { durability: 'transient-local', history: 'keep-last', depth: 100 });
      for (let i = 0; i < 50; i++) sim.writer.write({ serializedData: payload(i, 64) });
      const r = sim.addReader(2, { reliable: true, durability: 'transient-local' });
      sim.runFor(5);
      for (let i = 50; i < 60; i++) sim.writer.write({ serializedData: payload(i, 64) });
      expect(sim.runUntil(() => r.samples.length === 60, 60_000)).to.equal(true);
      expect(r.samples.map((s) => payloadIndex(s.serializedData))).to.deep.equal(Array.from({ length: 60 }, (_, i) => i));
      expect(r.core.counts.lost).to.equal(0);
      // A transient-local history is kept after acknowledgement, for the next late joiner.
      sim.runFor(5_000);
      expect(sim.writer.historySize).to.equal(60);
    });

    it(`volatile: a late-joining reader starts at the writer's next SN, the rest GAP'ed, nothing reported lost (${label})`, function () {
      this.timeout(30_000);
      const sim = new Sim(22, link, { durability: 'transient-local', history: 'keep-last', depth: 100 });
      for (let i = 0; i < 50; i++) sim.writer.write({ serializedData: payload(i, 64) });
      const r = sim.addReader(2, { reliable: true, durability: 'volatile' });
      sim.runFor(5);
      for (let i = 50; i < 60; i++) sim.writer.write({ serializedData: payload(i, 64) });
      expect(sim.runUntil(() => r.samples.length === 10 && sim.writer.readerProxies()[0]?.acknowledgedUpTo === 60, 60_000)).to.equal(true);
      expect(r.samples.map((s) => s.sequenceNumber)).to.deep.equal([51, 52, 53, 54, 55, 56, 57, 58, 59, 60]);
      expect(r.events.filter((e) => e.kind === 'samples-lost')).to.deep.equal([]);
      expect(r.core.counts.irrelevant).to.equal(50);
      expect(sim.writerSent.some((s) => s.kind === 'gap' && s.gapStart === 1 && s.gapList.base === 51)).to.equal(true);
    });
  }

  it('a volatile writer gives a transient-local late joiner no history', () => {
    const sim = new Sim(23, { latencyMs: 5 }, { durability: 'volatile', history: 'keep-all' });
    const early = sim.addReader(2, { reliable: true });
    for (let i = 0; i < 20; i++) sim.writer.write({ serializedData: payload(i, 64) });
    sim.runFor(100);
    const late = sim.addReader(3, { reliable: true, durability: 'transient-local' });
    sim.writer.write({ serializedData: payload(20, 64) });
    sim.runFor(3_000);
    expect(early.samples).to.have.length(21);
    expect(late.samples.map((s) => s.sequenceNumber)).to.deep.equal([21]);
  });

  it('transient-local pushes the history to a best-effort late joiner too', () => {
    const sim = new Sim(24, { latencyMs: 5 }, { durability: 'transient-local', history: 'keep-last', depth: 5 });
    for (let i = 0; i < 8; i++) sim.writer.write({ serializedData: payload(i, 64) });
    const r = sim.addReader(2, { reliable: false, durability: 'transient-local' });
    sim.runFor(100);
    expect(r.samples.map((s) => s.sequenceNumber)).to.deep.equal([4, 5, 6, 7, 8]);
    expect(r.sent).to.deep.equal([]);
  });
});
