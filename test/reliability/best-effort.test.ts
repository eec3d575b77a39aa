import { expect } from 'chai';
import { payload, payloadIndex, Sim } from './sim.js';

describe('reliability: best-effort', () => {
  it('sends no ACKNACK, drops duplicates and older samples, keeps order, and the writer sends no HEARTBEAT', () => {
    const sim = new Sim(31, { loss: 0.3, duplicate: 0.3, latencyMs: 5, jitterMs: 30 }, { history: 'keep-last', depth: 1 });
    const r = sim.addReader(2, { reliable: false });
    for (let i = 0; i < 2_000; i++) {
      sim.writer.write({ serializedData: payload(i, 64) });
      sim.runFor(1);
    }
    sim.runFor(10_000);
    expect(r.sent).to.deep.equal([]);
    expect(sim.writerSent.filter((s) => s.kind === 'heartbeat')).to.deep.equal([]);
    const sns = r.samples.map((s) => s.sequenceNumber);
    for (let i = 1; i < sns.length; i++) expect(sns[i]).to.be.greaterThan(sns[i - 1]!);
    for (const s of r.samples) expect(payloadIndex(s.serializedData)).to.equal(s.sequenceNumber - 1);
    // Loss takes 30 %; the 30 ms jitter reorders more: every sample overtaken by a newer one is dropped, never delivered late.
    expect(r.samples.length).to.be.within(300, 1_400);
    expect(r.core.drops.duplicate).to.be.greaterThan(100);
    expect(sim.writer.nextDeadline()).to.equal(undefined);
    expect(r.core.nextDeadline()).to.equal(undefined);
  });

  it('reassembles fragmented samples and drops incomplete ones without holding memory', () => {
    const sim = new Sim(32, { loss: 0.02, latencyMs: 5, jitterMs: 3 });
    const r = sim.addReader(2, { reliable: false });
    for (let i = 0; i < 100; i++) {
      sim.writer.write({ serializedData: payload(i, 16 * 1024) });
      sim.runFor(5);
    }
    sim.runFor(1_000);
    expect(r.samples.length).to.be.within(30, 99);
    const sns = r.samples.map((s) => s.sequenceNumber);
    for (let i = 1; i < sns.length; i++) expect(sns[i]).to.be.greaterThan(sns[i - 1]!);
    expect(r.core.writerProxies()[0]!.partialSamples).to.be.at.most(8);
    expect(r.core.bufferedBytes).to.be.at.most(8 * (16 * 1024 + 13));
  });
});
