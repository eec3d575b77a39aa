import { expect } from 'chai';
import { DEFAULT_WRITER_INIT } from '../../src/reliability/index.js';
import type { SimReader } from './sim.js';
import { payload, payloadIndex, payloadIntact, Sim } from './sim.js';

const LOSSY = { loss: 0.3, duplicate: 0.1, latencyMs: 5, jitterMs: 20 } as const;

function expectExactlyOnceInOrder(r: SimReader, n: number, size: number): void {
  expect(r.samples.length).to.equal(n);
  for (let i = 0; i < n; i++) {
    const s = r.samples[i]!;
    expect(s.sequenceNumber).to.equal(i + 1);
    if (!payloadIntact(s.serializedData, i, size)) expect.fail(`sample ${i + 1} corrupted (carries ${payloadIndex(s.serializedData)})`);
  }
  expect(r.core.counts.lost).to.equal(0);
}

describe('reliability: reliable delivery over a lossy channel', () => {
  it('delivers 10,000 samples exactly once, in order, through 30 % loss, duplication and reordering', function () {
    this.timeout(120_000);
    const sim = new Sim(1, LOSSY, { history: 'keep-all', maxSamples: 20_000 });
    const r = sim.addReader(2, { reliable: true });
    const n = 10_000;
    // 10 samples per virtual ms; the channel runs between bursts.
    for (let i = 0; i < n; i++) {
      expect(sim.writer.write({ serializedData: payload(i, 64) }).kind).to.equal('written');
      if (i % 10 === 9) sim.runFor(1);
    }
    expect(sim.runUntil(() => r.samples.length === n && sim.writer.historySize === 0, 600_000)).to.equal(true);
    expectExactlyOnceInOrder(r, n, 64);
    // Duplicates really happened and were dropped.
    expect(r.core.drops.duplicate).to.be.greaterThan(0);
    expect(r.core.bufferedBytes).to.equal(0);
  });

  it('delivers 500 fragmented 64 KiB samples exactly once, in order, through the same channel', function () {
    this.timeout(120_000);
    const size = 64 * 1024;
    const sim = new Sim(2, LOSSY, { history: 'keep-all', maxSamples: 1_000 });
    const r = sim.addReader(2, { reliable: true });
    const n = 500;
    for (let i = 0; i < n; i++) {
      sim.writer.write({ serializedData: payload(i, size) });
      sim.runFor(2);
    }
    expect(sim.runUntil(() => r.samples.length === n && sim.writer.historySize === 0, 600_000)).to.equal(true);
    expectExactlyOnceInOrder(r, n, size);
    // Repairs went through NACK_FRAG and HEARTBEAT_FRAG, and every datagram fit maxDatagramSize.
    expect(r.sent.some((s) => s.kind === 'nack-frag')).to.equal(true);
    expect(sim.writerSent.some((s) => s.kind === 'heartbeat-frag')).to.equal(true);
    const fragSizes = new Set(sim.writerSent.map((s) => (s.kind === 'data-frag' ? s.fragmentSize : 0)));
    expect(fragSizes).to.deep.equal(new Set([0, DEFAULT_WRITER_INIT.fragmentSize]));
    expect(sim.largestDatagram).to.be.at.most(DEFAULT_WRITER_INIT.maxDatagramSize);
    expect(r.core.bufferedBytes).to.equal(0);
  });

  it('serves two reliable readers with different loss independently', function () {
    this.timeout(60_000);
    const sim = new Sim(3, LOSSY, { history: 'keep-all' });
    const a = sim.addReader(2, { reliable: true });
    const b = sim.addReader(3, { reliable: true });
    for (let i = 0; i < 1_000; i++) {
      sim.writer.write({ serializedData: payload(i, 128) });
      if (i % 20 === 19) sim.runFor(1);
    }
    expect(sim.runUntil(() => a.samples.length === 1_000 && b.samples.length === 1_000 && sim.writer.historySize === 0, 300_000)).to.equal(true);
    expectExactlyOnceInOrder(a, 1_000, 128);
    expectExactlyOnceInOrder(b, 1_000, 128);
  });
});
