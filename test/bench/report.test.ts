/**
 * NAT bench report rendering: the matrix table, the simnet/netns comparison, the Markdown report, the
 * JSON-lines figures, the plot specs and their SVG rendering, the progress bar; all from fixed records.
 */
import { expect } from 'chai';
import { ProgressBar } from '../../bench/nat/progress.js';
import {
  benchResults, compareBackends, explainDisagreement, formatMs, matrixEntry, matrixTable, plotSpecs, renderMarkdown,
} from '../../bench/nat/report.js';
import { parseScenario, type NatKind } from '../../bench/nat/scenario.js';
import { summarize, type RunRecord } from '../../bench/nat/stats.js';
import { renderSvg } from '../../bench/nat/svg.js';

const scenario = parseScenario({
  name: 'm', description: 'two by two', left: ['port-restricted', 'symmetric'], right: ['port-restricted', 'symmetric'], runs: 2,
}, 'inline');

function rec(left: NatKind, right: NatKind, over: Partial<RunRecord>): RunRecord {
  return {
    scenario: 'm', backend: 'simnet', cell: `${left}×${right}@20ms/0%`, agent: 'ours', clock: 'virtual', left, right, participants: 2,
    rttMs: 20, lossPercent: 0, run: 0, seed: 1, connected: true, setupMs: 120, pairsConnected: 1, pairs: 1, checksPerPair: 5,
    reason: null, linkEmulated: true, ...over,
  };
}

const fail = { connected: false, setupMs: null, pairsConnected: 0, checksPerPair: null, reason: 'timeout' } as const;

/** simnet: ours 120 ms and werift 50 ms where RFC 4787 allows; netns: the same, except sym×sym connecting once there. */
const records: readonly RunRecord[] = [
  rec('port-restricted', 'port-restricted', {}), rec('port-restricted', 'port-restricted', { run: 1, setupMs: 170 }),
  rec('port-restricted', 'port-restricted', { agent: 'werift', clock: 'wall', setupMs: 50 }),
  rec('port-restricted', 'symmetric', fail), rec('symmetric', 'port-restricted', fail), rec('symmetric', 'symmetric', fail),
  rec('port-restricted', 'symmetric', { agent: 'werift', clock: 'wall', ...fail }),
  rec('port-restricted', 'port-restricted', { backend: 'netns', clock: 'wall', setupMs: 160, checksPerPair: null }),
  rec('symmetric', 'symmetric', { backend: 'netns', clock: 'wall', setupMs: 300, checksPerPair: null }),
  rec('symmetric', 'symmetric', { backend: 'netns', clock: 'wall', run: 1, ...fail }),
  rec('port-restricted', 'symmetric', { backend: 'netns', clock: 'wall', ...fail }),
];
const summaries = summarize(records);

describe('bench/nat report', () => {
  it('formats ms and matrix entries: median, ✗ for no connection, k/n when some runs failed', () => {
    expect(formatMs(120)).to.equal('120');
    expect(formatMs(47.31)).to.equal('47.3');
    expect(formatMs(12_345)).to.equal('12.3 s');
    const [pp] = summaries;
    expect(matrixEntry(pp)).to.equal('170');
    expect(matrixEntry(summaries.find((s) => s.cell.startsWith('symmetric×symmetric') && s.backend === 'netns'))).to.equal('300 (1/2)');
    expect(matrixEntry(summaries.find((s) => s.cell.startsWith('symmetric×symmetric')))).to.equal('✗');
    expect(matrixEntry(undefined)).to.equal('–');
  });

  it('the matrix table has one row per left NAT and every agent side by side in each cell', () => {
    const t = matrixTable(scenario, 'simnet', summaries) ?? '';
    const lines = t.split('\n');
    expect(lines[0]).to.equal('| left \\ right (ours (virtual time) / werift-ice, median ms) | port-restricted | symmetric |');
    expect(lines[2]).to.equal('| **port-restricted** | 170 / 50.0 | ✗ / ✗ |');
    expect(lines[3]).to.equal('| **symmetric** | ✗ / – | ✗ / – |');
    expect(matrixTable(scenario, 'netns', [])).to.equal(undefined);
  });

  it('compares outcomes per NAT pair between simnet and netns and explains each difference', () => {
    const cmp = compareBackends(summaries);
    expect(cmp.agreeing).to.equal(2);
    expect(cmp.disagreements).to.deep.equal([{ scenario: 'm', left: 'symmetric', right: 'symmetric', series: 'ours/wall', simnet: 'fails', netns: 'flaky' }]);
    const why = explainDisagreement(cmp.disagreements[0]!);
    expect(why).to.match(/^netns differs from RFC 4787's expectation \(fails\)/);
    expect(why).to.match(/fully-random/);
  });

  it('renders the Markdown report with the matrix per backend, every cell, the comparison and the plots', () => {
    const md = renderMarkdown({
      title: 'T', command: 'npm run bench:nat', generatedAt: '2026-01-01T00:00:00Z', environment: 'test', scenarios: [scenario],
      backends: ['simnet', 'netns'], summaries, records, plots: [{ file: 'heatmap-m-simnet.svg', title: 'Heat' }], notes: ['no netem'],
    });
    expect(md).to.match(/^# T\n/);
    expect(md).to.include('> Note: no netem');
    expect(md).to.include('### simnet: setup time (median ms)');
    expect(md).to.include('### netns: setup time (median ms)');
    expect(md).to.include('| simnet | port-restricted×port-restricted@20ms/0% | ours (virtual time) | 2/2 | 170 | 170 | 120 | 170 | 5 | – |');
    expect(md).to.include('## simnet vs netns: outcome per NAT pair');
    expect(md).to.include('2 (cell, agent) outcomes agree, 1 differ.');
    expect(md).to.include('![Heat](heatmap-m-simnet.svg)');
  });

  it('emits JSON-lines figures: ours as value, the other agents in against, and the connected shares', () => {
    const r = benchResults(summaries);
    expect(r[0]).to.deep.equal({ suite: 'nat', metric: 'm.simnet.port-restricted×port-restricted@20ms/0%.setup', unit: 'ms', value: 170, against: { 'werift-ice': 50 } });
    expect(r[1]).to.deep.equal({
      suite: 'nat', metric: 'm.simnet.port-restricted×port-restricted@20ms/0%.connected', unit: '%', value: 100, against: { 'werift-ice': 100 },
    });
    expect(r.find((x) => x.metric === 'm.simnet.symmetric×symmetric@20ms/0%.connected')?.value).to.equal(0);
  });

  it('builds a heat map per backend, a CDF and a checks plot; renders them to SVG with the labels', async function () {
    this.timeout(20_000);
    const plots = plotSpecs([scenario], ['simnet', 'netns'], summaries, records);
    expect(plots.map((p) => p.name)).to.deep.equal(['heatmap-m-simnet', 'heatmap-m-netns', 'cdf-m', 'checks-m']);
    const svg = await renderSvg(plots[0]!.spec);
    expect(svg).to.match(/^<svg /);
    for (const text of ['ours (virtual time)', 'werift-ice', '✗', '170', 'left NAT', 'port-restricted']) expect(svg).to.include(text);
    const cdfSvg = await renderSvg(plots[2]!.spec);
    expect(cdfSvg).to.include('share of runs');
  });

  it('a sweep scenario gets a sweep plot and no heat map', () => {
    const sweep = parseScenario({ name: 's', left: ['none'], right: ['none'], lossPercent: [0, 10] }, 'inline');
    const recs = [0, 10].map((loss) => rec('none', 'none', { scenario: 's', cell: `none×none@20ms/${loss}%`, lossPercent: loss }));
    expect(plotSpecs([sweep], ['simnet'], summarize(recs), recs).map((p) => p.name)).to.deep.equal(['cdf-s', 'checks-s', 'sweep-s']);
  });

  it('the progress bar draws in place on a terminal and once per 10 % in a log, nothing when disabled', () => {
    expect(ProgressBar.render(3, 12, 'x', 12)).to.equal('[###.........] 3/12 x');
    const tty: string[] = [];
    const bar = new ProgressBar(2, { enabled: true, isTty: true, write: (s) => tty.push(s) });
    bar.tick('a');
    bar.tick('b');
    bar.finish();
    expect(tty).to.deep.equal([`\r\x1b[2K${ProgressBar.render(1, 2, 'a')}`, `\r\x1b[2K${ProgressBar.render(2, 2, 'b')}`, '\n']);
    const log: string[] = [];
    const quiet = new ProgressBar(100, { enabled: true, isTty: false, write: (s) => log.push(s) });
    for (let i = 0; i < 100; i++) quiet.tick('t');
    expect(log, 'the first tick, then one line per 10 %').to.have.length(11);
    expect(log.at(-1)).to.equal(`${ProgressBar.render(100, 100, 't')}\n`);
    const off: string[] = [];
    new ProgressBar(1, { enabled: false, write: (s) => off.push(s) }).tick('t');
    expect(off).to.deep.equal([]);
  });
});
