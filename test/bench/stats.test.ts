/**
 * NAT bench statistics: quantiles, spread, CDF and the per-cell summaries, on fixed records.
 */
import { expect } from 'chai';
import { cdf, outcomeOf, quantile, seriesLabel, spread, summarize, type RunRecord } from '../../bench/nat/stats.js';

/** A record of the matrix scenario; `over` sets what a test cares about. */
function rec(over: Partial<RunRecord>): RunRecord {
  return {
    scenario: 'm', backend: 'simnet', cell: 'port-restricted×port-restricted@20ms/0%', agent: 'ours', clock: 'virtual',
    left: 'port-restricted', right: 'port-restricted', participants: 2, rttMs: 20, lossPercent: 0, run: 0, seed: 1,
    connected: true, setupMs: 120, pairsConnected: 1, pairs: 1, checksPerPair: 5, reason: null, linkEmulated: true,
    ...over,
  };
}

describe('bench/nat stats', () => {
  it('quantile: nearest rank, the median of an even count is the upper middle', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).to.equal(3);
    expect(quantile([1, 2, 3], 0.5)).to.equal(2);
    expect(quantile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.95)).to.equal(100);
    expect(quantile([10, 20, 30, 40, 50, 60, 70, 80, 90, 100], 0.9)).to.equal(90);
    expect(quantile([5], 0)).to.equal(5);
    expect(() => quantile([], 0.5)).to.throw(RangeError);
    expect(() => quantile([1], 1.5)).to.throw(RangeError, /outside/);
  });

  it('spread: median, p95, min, max of unsorted values; none for no values; rejects NaN', () => {
    expect(spread([300, 100, 200])).to.deep.equal({ n: 3, median: 200, p95: 300, min: 100, max: 300 });
    expect(spread([])).to.equal(undefined);
    expect(() => spread([1, Number.NaN])).to.throw(RangeError, /finite/);
  });

  it('cdf: sorted points with the share of values at or below each', () => {
    expect(cdf([30, 10, 20, 10])).to.deep.equal([{ x: 10, p: 0.25 }, { x: 10, p: 0.5 }, { x: 20, p: 0.75 }, { x: 30, p: 1 }]);
  });

  it('summarize: one summary per (backend, cell, agent/clock), setup over connected runs only, reasons by frequency', () => {
    const records = [
      rec({ run: 0, setupMs: 120 }), rec({ run: 1, setupMs: 170 }), rec({ run: 2, connected: false, setupMs: null, reason: 'timeout' }),
      rec({ agent: 'werift', clock: 'wall', setupMs: 50, checksPerPair: 4 }),
      rec({ backend: 'netns', clock: 'wall', connected: false, setupMs: null, checksPerPair: null, reason: 'x' }),
      rec({ backend: 'netns', clock: 'wall', run: 1, connected: false, setupMs: null, checksPerPair: null, reason: 'y' }),
      rec({ backend: 'netns', clock: 'wall', run: 2, connected: false, setupMs: null, checksPerPair: null, reason: 'y' }),
    ];
    const s = summarize(records);
    expect(s.map((x) => `${x.backend} ${x.series}`)).to.deep.equal(['simnet ours/virtual', 'simnet werift/wall', 'netns ours/wall']);
    const [ours, werift, netns] = s;
    expect(ours).to.deep.include({ runs: 3, connectedRuns: 2, reasons: ['timeout'] });
    expect(ours?.setupMs).to.deep.equal({ n: 2, median: 170, p95: 170, min: 120, max: 170 });
    expect(werift?.checksPerPair?.median).to.equal(4);
    expect(netns).to.deep.include({ connectedRuns: 0, setupMs: undefined, checksPerPair: undefined, reasons: ['y', 'x'] });
    expect(outcomeOf(ours!)).to.equal('flaky');
    expect(outcomeOf(werift!)).to.equal('connects');
    expect(outcomeOf(netns!)).to.equal('fails');
  });

  it('labels series for people', () => {
    expect(seriesLabel('ours/virtual')).to.equal('ours (virtual time)');
    expect(seriesLabel('ours/wall')).to.equal('ours');
    expect(seriesLabel('werift/wall')).to.equal('werift-ice');
    expect(seriesLabel('aioice/wall')).to.equal('aioice');
  });
});
