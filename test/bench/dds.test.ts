/**
 * DDS scenarios of the NAT bench: the runner on the demo's pair (virtual time, a fixed seed), the
 * summaries, the report's DDS sections, the JSON lines and the plots.
 */
import { expect } from 'chai';
import { demoNatOf, runDdsCell, summarizeDds, type DdsRunRecord } from '../../bench/nat/dds-runner.js';
import { ddsBenchResults, ddsMatrixEntry, ddsPlotSpecs, renderMarkdown } from '../../bench/nat/report.js';
import { DDS_NAT_KINDS, expandDdsCells, parseScenario, type DdsScenario } from '../../bench/nat/scenario.js';
import { renderSvg } from '../../bench/nat/svg.js';
import { DEMO_NATS } from '../../src/cli/nat-demo.js';

function ddsScenario(value: Record<string, unknown>): DdsScenario {
  const s = parseScenario({ name: 'd', kind: 'dds', ...value }, 'inline');
  if (s.kind !== 'dds') throw new Error('kind');
  return s;
}

function rec(left: DdsRunRecord['left'], right: DdsRunRecord['right'], over: Partial<DdsRunRecord>): DdsRunRecord {
  return {
    scenario: 'd', backend: 'simnet', cell: `${left}×${right}`, left, right, run: 0, seed: 1, discoveredMs: 20, firstSampleMs: 60,
    directPathMs: 420, delivered: 100, sent: 100, inOrder: true, relayed: true, ...over,
  };
}

/** port-restricted×port-restricted: direct in both runs; symmetric×symmetric: relay only; full-cone×symmetric: direct in 1 of 2. */
const records: readonly DdsRunRecord[] = [
  rec('port-restricted', 'port-restricted', {}), rec('port-restricted', 'port-restricted', { run: 1, seed: 2, directPathMs: 470 }),
  rec('symmetric', 'symmetric', { firstSampleMs: 90, directPathMs: null }), rec('symmetric', 'symmetric', { run: 1, seed: 2, firstSampleMs: 90, directPathMs: null }),
  rec('full-cone', 'symmetric', { firstSampleMs: 80 }), rec('full-cone', 'symmetric', { run: 1, seed: 2, firstSampleMs: 80, directPathMs: null, delivered: 99 }),
];
const scenario = ddsScenario({ left: ['full-cone', 'port-restricted', 'symmetric'], right: ['port-restricted', 'symmetric'], runs: 2 });

describe('bench/nat dds scenarios', function () {
  this.timeout(60_000);

  it('maps every bench NAT kind of a dds scenario to a NAT of the demo', () => {
    expect(DDS_NAT_KINDS.map(demoNatOf)).to.have.members(Object.keys(DEMO_NATS));
  });

  it('runs two port-restricted NATs: 100/100 delivered, finite times, the first sample through the relay before the direct path; same record for the same seed', async () => {
    const s = ddsScenario({ left: ['port-restricted'], right: ['port-restricted'] });
    const [cell] = expandDdsCells(s);
    if (cell === undefined) throw new Error('no cell');
    const a = await runDdsCell(s, cell, 0, 7);
    expect(a).to.deep.include({ scenario: 'd', cell: 'port-restricted×port-restricted', run: 0, seed: 7, delivered: 100, sent: 100, inOrder: true, relayed: true });
    expect(a.firstSampleMs).to.be.a('number').and.satisfy(Number.isFinite);
    expect(a.directPathMs).to.be.a('number').and.satisfy(Number.isFinite);
    expect(a.firstSampleMs!).to.be.lessThan(a.directPathMs!);
    expect(await runDdsCell(s, cell, 0, 7)).to.deep.equal(a);
  });

  it('runs symmetric behind symmetric: 100/100 through the relay, no direct path', async () => {
    const s = ddsScenario({ left: ['symmetric'], right: ['symmetric'] });
    const r = await runDdsCell(s, expandDdsCells(s)[0]!, 0, 1);
    expect(r).to.deep.include({ delivered: 100, sent: 100, directPathMs: null, relayed: true, inOrder: true });
    expect(r.firstSampleMs).to.be.a('number').and.satisfy(Number.isFinite);
  });

  it('summarises per cell: spreads, delivered/sent over the runs, path kind', () => {
    const [pp, ss, fs] = summarizeDds(records);
    expect(pp).to.deep.include({ cell: 'port-restricted×port-restricted', runs: 2, directRuns: 2, delivered: 200, sent: 200, path: 'direct' });
    expect(pp?.directPathMs).to.deep.include({ median: 470, min: 420, max: 470 });
    expect(ss).to.deep.include({ path: 'relay only', directPathMs: undefined, directRuns: 0 });
    expect(fs).to.deep.include({ path: 'mixed', directRuns: 1, delivered: 199 });
    expect([pp, ss, fs].map(ddsMatrixEntry)).to.deep.equal(['60 / 470', '90 / relay', '80 / 420 (1/2)']);
  });

  it('renders the DDS sections of the report: the matrix, every cell, the plots; no ICE setup-time text', () => {
    const md = renderMarkdown({
      title: 'T', command: 'npm run bench:nat -- --scenario d', generatedAt: '2026-01-01T00:00:00Z', environment: 'test', scenarios: [scenario],
      backends: ['simnet'], summaries: [], records: [], plots: [{ file: 'dds-cdf-first-sample-d.svg', title: 'CDF' }], notes: [], ddsRecords: records,
    });
    expect(md).to.include('werift-ice has no DDS layer');
    expect(md).to.include('simnet only');
    expect(md).not.to.include('Setup time: ms from');
    expect(md).to.include('### simnet: time to first sample / to direct path (median ms)');
    expect(md).to.include('| **port-restricted** | 60 / 470 | – |');
    expect(md).to.include('| **symmetric** | – | 90 / relay |');
    expect(md).to.include('| port-restricted×port-restricted | 2 | 60 | 60 | 60 | 60 | 470 | 470 | 420 | 470 | 200/200 | direct |');
    expect(md).to.include('| full-cone×symmetric | 2 | 80 | 80 | 80 | 80 | 420 | 420 | 420 | 420 | 199/200 | direct 1/2 |');
    expect(md).to.include('| symmetric×symmetric | 2 | 90 | 90 | 90 | 90 | – | – | – | – | 200/200 | relay only |');
    expect(md).to.include('![CDF](dds-cdf-first-sample-d.svg)');
  });

  it('emits JSON lines per cell: firstSample and directPath medians in ms, delivered and direct shares in %', () => {
    const r = ddsBenchResults(summarizeDds(records));
    expect(r.slice(0, 4)).to.deep.equal([
      { suite: 'nat', metric: 'd.simnet.port-restricted×port-restricted.firstSample', unit: 'ms', value: 60 },
      { suite: 'nat', metric: 'd.simnet.port-restricted×port-restricted.directPath', unit: 'ms', value: 470 },
      { suite: 'nat', metric: 'd.simnet.port-restricted×port-restricted.delivered', unit: '%', value: 100 },
      { suite: 'nat', metric: 'd.simnet.port-restricted×port-restricted.direct', unit: '%', value: 100 },
    ]);
    expect(r.some((x) => x.metric === 'd.simnet.symmetric×symmetric.directPath'), 'no direct path, no figure').to.equal(false);
    expect(r.find((x) => x.metric === 'd.simnet.full-cone×symmetric.delivered')?.value).to.equal(99.5);
  });

  it('builds the two CDFs and the heat map; renders them to SVG', async () => {
    const plots = ddsPlotSpecs([scenario], records);
    expect(plots.map((p) => p.name)).to.deep.equal(['dds-cdf-first-sample-d', 'dds-cdf-direct-path-d', 'dds-heatmap-d']);
    const first = await renderSvg(plots[0]!.spec);
    for (const text of ['share of runs', 'time to first sample', 'all cells (6 runs)', 'relay-only cells (2 runs)']) expect(first).to.include(text);
    const direct = await renderSvg(plots[1]!.spec);
    expect(direct).to.include('time to direct path');
    const heat = await renderSvg(plots[2]!.spec);
    for (const text of ['writer NAT', 'reader NAT', '90 / relay', '60 / 470']) expect(heat).to.include(text);
  });
});
