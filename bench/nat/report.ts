/**
 * The NAT bench report: Markdown tables (the NAT matrix with every agent's setup time side by side, the
 * per-cell spread, simnet vs netns agreement) and vega-lite specs for the plots (heat map of the
 * matrix, CDFs of setup time, checks per connection, sweeps). Pure: text and JSON specs in, text out;
 * `svg.ts` renders the specs and the CLI writes the files.
 */
import type { BenchResult } from '../support/report.js';
import type { DdsCellSummary, DdsRunRecord } from './dds-runner.js';
import { summarizeDds } from './dds-runner.js';
import type { Backend, DdsScenario, NatKind, Scenario } from './scenario.js';
import { isExpectedToConnect, NAT_KINDS } from './scenario.js';
import type { CellSummary, RunRecord } from './stats.js';
import { cdf, outcomeOf, seriesLabel, seriesOf } from './stats.js';

/** A vega-lite spec (JSON); typed loosely on purpose: the bench builds a few fixed shapes. */
export type VegaLiteSpec = Readonly<Record<string, unknown>>;

export interface PlotSpec {
  /** File stem, e.g. `heatmap-nat-matrix-simnet`. */
  readonly name: string;
  readonly title: string;
  readonly spec: VegaLiteSpec;
}

export interface ReportInput {
  readonly title: string;
  /** The command line that produced it (for reproduction). */
  readonly command: string;
  readonly generatedAt: string;
  readonly environment: string;
  readonly scenarios: readonly Scenario[];
  readonly backends: readonly Backend[];
  readonly summaries: readonly CellSummary[];
  readonly records: readonly RunRecord[];
  /** Plot files (relative to the report) and their titles. */
  readonly plots: readonly { readonly file: string; readonly title: string }[];
  /** Notes the runners left (e.g. netem missing). */
  readonly notes: readonly string[];
  /** Runs of the `kind: "dds"` scenarios (none when there are none). */
  readonly ddsRecords?: readonly DdsRunRecord[];
}

const SHORT: Readonly<Record<NatKind, string>> = {
  none: 'no NAT', 'full-cone': 'full cone', 'address-restricted': 'addr-restricted', 'port-restricted': 'port-restricted', symmetric: 'symmetric',
};

/** `120`, `1.25 k`… ms for tables. */
export function formatMs(v: number): string {
  if (v >= 10_000) return `${(v / 1000).toFixed(1)} s`;
  if (v >= 100) return v.toFixed(0);
  return v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** A count that may be a mean over pairs: `5`, `4.8`. */
export function formatCount(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

/** Cell text of one series in the matrix: median ms, `✗` when no run connected, `n/m` when some did. */
export function matrixEntry(s: CellSummary | undefined): string {
  if (s === undefined) return '–';
  const o = outcomeOf(s);
  if (o === 'fails') return '✗';
  const ms = s.setupMs === undefined ? '?' : formatMs(s.setupMs.median);
  return o === 'connects' ? ms : `${ms} (${s.connectedRuns}/${s.runs})`;
}

function orderedSeries(summaries: readonly CellSummary[]): readonly string[] {
  const rank = (s: string): number => (s.startsWith('ours/virtual') ? 0 : s.startsWith('ours/') ? 1 : s.startsWith('werift/') ? 2 : 3);
  return [...new Set(summaries.map((s) => s.series))].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const esc = (c: string): string => c.replaceAll('|', '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}

/** The NAT matrix of one pair scenario on one backend: rows left, columns right, each cell `ours / werift / …` median ms. */
export function matrixTable(scenario: Scenario, backend: Backend, summaries: readonly CellSummary[]): string | undefined {
  if (scenario.kind !== 'pair') return undefined;
  const mine = summaries.filter((s) => s.scenario === scenario.name && s.backend === backend);
  if (mine.length === 0) return undefined;
  const series = orderedSeries(mine);
  const rows: string[][] = [];
  const rtts = scenario.rttMs;
  const losses = scenario.lossPercent;
  for (const rtt of rtts) {
    for (const loss of losses) {
      for (const left of scenario.left) {
        const label = rtts.length * losses.length > 1 ? `**${SHORT[left]}** @${rtt} ms/${loss} %` : `**${SHORT[left]}**`;
        rows.push([label, ...scenario.right.map((right) => {
          const cell = mine.filter((s) => s.left === left && s.right === right && s.rttMs === rtt && s.lossPercent === loss);
          return series.map((se) => matrixEntry(cell.find((c) => c.series === se))).join(' / ');
        })]);
      }
    }
  }
  return table([`left \\ right (${series.map(seriesLabel).join(' / ')}, median ms)`, ...scenario.right.map((r) => SHORT[r])], rows);
}

/** Every (cell, series): runs, connected, median, p95, min, max, checks per pair, failure reasons. */
export function spreadTable(summaries: readonly CellSummary[]): string {
  const rows = summaries.map((s) => {
    const st = s.setupMs;
    const ck = s.checksPerPair;
    return [
      s.backend, s.cell, seriesLabel(s.series), `${s.connectedRuns}/${s.runs}`,
      st === undefined ? '–' : formatMs(st.median), st === undefined ? '–' : formatMs(st.p95),
      st === undefined ? '–' : formatMs(st.min), st === undefined ? '–' : formatMs(st.max),
      ck === undefined ? '–' : formatCount(ck.median), s.reasons.join('; ') || '–',
    ];
  });
  return table(['backend', 'cell', 'agent', 'connected', 'median ms', 'p95 ms', 'min ms', 'max ms', 'checks/pair', 'failure reasons'], rows);
}

/** A cell where simnet and netns disagree on the outcome (same agent). */
export interface Disagreement {
  readonly scenario: string;
  readonly left: NatKind;
  readonly right: NatKind;
  readonly series: string;
  readonly simnet: string;
  readonly netns: string;
}

/** Outcomes of every pair cell measured on both backends, per agent (virtual-time ours compared with netns ours). */
export function compareBackends(summaries: readonly CellSummary[]): { readonly agreeing: number; readonly disagreements: readonly Disagreement[] } {
  const agentOf = (series: string): string => series.split('/')[0] ?? series;
  let agreeing = 0;
  const disagreements: Disagreement[] = [];
  for (const n of summaries.filter((s) => s.backend === 'netns' && s.left !== null && s.right !== null)) {
    const sim = summaries.find((s) => s.backend === 'simnet' && s.scenario === n.scenario && s.cell === n.cell && agentOf(s.series) === agentOf(n.series)
      && (agentOf(s.series) !== 'ours' || s.series === 'ours/virtual'));
    if (sim === undefined || n.left === null || n.right === null) continue;
    const a = outcomeOf(sim);
    const b = outcomeOf(n);
    if (a === b) agreeing++;
    else disagreements.push({ scenario: n.scenario, left: n.left, right: n.right, series: n.series, simnet: a, netns: b });
  }
  return { agreeing, disagreements };
}

/** Known kernel-vs-simnet differences (docs/real-nat-lab.md) that can explain a disagreement. */
export function explainDisagreement(d: Disagreement): string {
  const expected = isExpectedToConnect(d.left, d.right) ? 'connects' : 'fails';
  const which = d.simnet === expected ? 'netns' : 'simnet';
  const hints: string[] = [];
  if (which === 'netns') {
    if (d.left === 'symmetric' || d.right === 'symmetric') hints.push('kernel `fully-random` masquerade picks a port per 5-tuple; conntrack port clashes differ from simnet\'s per-mapping model');
    if (d.netns === 'flaky') hints.push('timing: real scheduling and the harness\'s process start make a race (early check vs. filter opening) go either way');
    hints.push('kernel NATs refresh on inbound traffic and do not hairpin (docs/real-nat-lab.md, "differences")');
  } else {
    hints.push(`simnet disagrees with RFC 4787's expectation (${expected}): a simnet model or agent bug to investigate`);
  }
  return `${which} differs from RFC 4787's expectation (${expected}); ${hints.join('; ')}`;
}

/** Renders the whole Markdown report. */
export function renderMarkdown(input: ReportInput): string {
  const out: string[] = [`# ${input.title}`, '', `Generated ${input.generatedAt} by \`${input.command}\`.`, '', `Environment: ${input.environment}.`, ''];
  if (input.scenarios.some((sc) => sc.kind !== 'dds')) out.push('Setup time: ms from both agents having the other\'s parameters (after gathering) to both having selected a pair; '
    + '`ours (virtual time)` is exact simnet time, the other simnet figures are wall time with the network driven in real time, '
    + 'netns figures are wall time through kernel NATs. `✗` = no run connected; `(k/n)` = k of n runs connected.', '');
  const ddsSummaries = summarizeDds(input.ddsRecords ?? []);
  if (input.scenarios.some((sc) => sc.kind === 'dds')) out.push(DDS_INTRO, '');
  for (const note of input.notes) out.push(`> Note: ${note}`, '');
  for (const sc of input.scenarios) {
    out.push(`## ${sc.name}`, '', sc.description, '');
    if (sc.kind === 'dds') {
      out.push(...ddsSection(sc, ddsSummaries.filter((s) => s.scenario === sc.name)));
      continue;
    }
    out.push(sc.kind === 'pair'
      ? `Left NATs ${sc.left.join(', ')}; right NATs ${sc.right.join(', ')}; RTT ${sc.rttMs.join('/')} ms; loss ${sc.lossPercent.join('/')} % per one-way path; ${sc.runs} runs; seed ${sc.seed}; bound ${sc.timeoutMs} ms.`
      : `Participants ${sc.participants.join('/')} behind ${sc.nats.join(', ')} (round robin), full mesh; RTT ${sc.rttMs} ms; loss ${sc.lossPercent} % per one-way path; ${sc.runs} runs; seed ${sc.seed}; bound ${sc.timeoutMs} ms.`, '');
    for (const b of input.backends) {
      const m = matrixTable(sc, b, input.summaries);
      if (m !== undefined) out.push(`### ${b}: setup time (median ms)`, '', m, '');
    }
    const mine = input.summaries.filter((s) => s.scenario === sc.name);
    if (mine.length > 0) out.push(`### ${sc.name}: every cell`, '', spreadTable(mine), '');
  }
  if (input.backends.includes('simnet') && input.backends.includes('netns')) {
    const cmp = compareBackends(input.summaries);
    out.push('## simnet vs netns: outcome per NAT pair', '');
    out.push(`${cmp.agreeing} (cell, agent) outcomes agree, ${cmp.disagreements.length} differ.`, '');
    if (cmp.disagreements.length > 0) {
      out.push(table(['scenario', 'left', 'right', 'agent', 'simnet', 'netns', 'why (first suspects)'],
        cmp.disagreements.map((d) => [d.scenario, d.left, d.right, seriesLabel(d.series), d.simnet, d.netns, explainDisagreement(d)])), '');
    }
  }
  if (input.plots.length > 0) {
    out.push('## Plots', '');
    for (const p of input.plots) out.push(`### ${p.title}`, '', `![${p.title}](${p.file})`, '');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

/**
 * The bench's JSON-lines figures (`bench/support/report.ts` shape), per cell: ours's median setup ms with
 * the other agents' medians in `against` (those that always connected), and the share of runs that
 * connected, ours and the others'.
 */
export function benchResults(summaries: readonly CellSummary[]): readonly BenchResult[] {
  const out: BenchResult[] = [];
  const groups = new Map<string, CellSummary[]>();
  for (const s of summaries) {
    const k = `${s.scenario}|${s.backend}|${s.cell}`;
    groups.set(k, [...(groups.get(k) ?? []), s]);
  }
  for (const g of groups.values()) {
    const ours = g.find((s) => s.series === 'ours/virtual') ?? g.find((s) => s.series.startsWith('ours/'));
    if (ours === undefined) continue;
    const against: Record<string, number> = {};
    for (const s of g) {
      if (s === ours || s.setupMs === undefined || outcomeOf(s) !== 'connects') continue;
      against[seriesLabel(s.series)] = s.setupMs.median;
    }
    const metric = `${ours.scenario}.${ours.backend}.${ours.cell}`;
    if (ours.setupMs !== undefined && outcomeOf(ours) === 'connects') {
      out.push({ suite: 'nat', metric: `${metric}.setup`, unit: 'ms', value: ours.setupMs.median, against });
    }
    const connectedAgainst: Record<string, number> = {};
    for (const s of g) if (s !== ours) connectedAgainst[seriesLabel(s.series)] = (100 * s.connectedRuns) / s.runs;
    out.push({ suite: 'nat', metric: `${metric}.connected`, unit: '%', value: (100 * ours.connectedRuns) / ours.runs, against: connectedAgainst });
  }
  return out;
}

const AXIS_NATS = NAT_KINDS.map((k) => SHORT[k]);

const DDS_INTRO = 'DDS scenarios (`kind: "dds"`): the NAT demo\'s pair (`runNatPair`, `src/cli/nat-demo.ts`), two of our DomainParticipants '
  + 'behind simulated NATs, both relay clients of an RtpsRelay, with a STUN server, on simnet in virtual time (20 ms RTT, no loss). '
  + '*First sample* = virtual ms from the participants\' start to the first sample at the reader (through the relay or directly); '
  + '*direct path* = to the reader\'s selection of a direct (ICE) DATA path, `relay only` where none was selected and the relay carried '
  + 'every sample. The demo drives the network in 10 ms steps: times have a 10 ms granularity. '
  + 'Agent `ours` only (werift-ice has no DDS layer); simnet only.';

/** DDS times in whole ms: the demo steps the network by 10 ms, so decimals would claim a precision it has not. */
function ddsMs(v: number): string {
  return v >= 10_000 ? formatMs(v) : v.toFixed(0);
}

/** Text of a DDS cell's path kind over its runs: `direct`, `relay only`, `direct 2/3`. */
export function ddsPathText(s: DdsCellSummary): string {
  return s.path === 'mixed' ? `direct ${s.directRuns}/${s.runs}` : s.path;
}

/** Matrix entry of a DDS cell: `60 / 420` (median first sample / direct path ms), `90 / relay`. */
export function ddsMatrixEntry(s: DdsCellSummary | undefined): string {
  if (s === undefined) return '–';
  const first = s.firstSampleMs === undefined ? '✗' : ddsMs(s.firstSampleMs.median);
  const direct = s.directPathMs === undefined ? 'relay' : s.path === 'mixed' ? `${ddsMs(s.directPathMs.median)} (${s.directRuns}/${s.runs})` : ddsMs(s.directPathMs.median);
  return `${first} / ${direct}`;
}

/** The writer × reader matrix of a dds scenario: median first sample / direct path ms. */
export function ddsMatrixTable(scenario: DdsScenario, summaries: readonly DdsCellSummary[]): string | undefined {
  const mine = summaries.filter((s) => s.scenario === scenario.name);
  if (mine.length === 0) return undefined;
  const rows = scenario.left.map((left) => [`**${SHORT[left]}**`, ...scenario.right.map((right) => ddsMatrixEntry(mine.find((s) => s.left === left && s.right === right)))]);
  return table(['writer \\ reader (median first sample / direct path ms)', ...scenario.right.map((r) => SHORT[r])], rows);
}

/** Every DDS cell: median/p95/min/max of first sample and direct path, delivered/sent, path kind. */
export function ddsSpreadTable(summaries: readonly DdsCellSummary[]): string {
  const ms = (v: number | undefined): string => (v === undefined ? '–' : ddsMs(v));
  const rows = summaries.map((s) => {
    const f = s.firstSampleMs;
    const d = s.directPathMs;
    return [
      s.cell, String(s.runs), ms(f?.median), ms(f?.p95), ms(f?.min), ms(f?.max), ms(d?.median), ms(d?.p95), ms(d?.min), ms(d?.max),
      `${s.delivered}/${s.sent}${s.inOrder ? '' : ' (out of order)'}`, ddsPathText(s),
    ];
  });
  return table(['cell (writer×reader)', 'runs', 'first sample median ms', 'p95', 'min', 'max', 'direct path median ms', 'p95', 'min', 'max', 'delivered/sent', 'path'], rows);
}

function ddsSection(sc: DdsScenario, summaries: readonly DdsCellSummary[]): string[] {
  const out = [`Writer NATs ${sc.left.join(', ')}; reader NATs ${sc.right.join(', ')}; ${sc.samples} reliable samples per run; ${sc.runs} runs (seeds ${sc.seed}–${sc.seed + sc.runs - 1}); `
    + 'simnet only (virtual time, the demo\'s topology: 20 ms RTT, no loss, STUN server and RtpsRelay on the public side); agent ours only (werift-ice has no DDS layer).', ''];
  const m = ddsMatrixTable(sc, summaries);
  if (m !== undefined) out.push('### simnet: time to first sample / to direct path (median ms)', '', m, '');
  if (summaries.length > 0) out.push(`### ${sc.name}: every cell`, '', ddsSpreadTable(summaries), '');
  return out;
}

/**
 * JSON-lines figures of the DDS cells: median ms to the first sample (`….firstSample`) and to the direct
 * path (`….directPath`, where some run got one), the share of samples delivered (`….delivered`, %) and of
 * runs that got a direct path (`….direct`, %). No `against`: no other implementation runs these.
 */
export function ddsBenchResults(summaries: readonly DdsCellSummary[]): readonly BenchResult[] {
  const out: BenchResult[] = [];
  for (const s of summaries) {
    const metric = `${s.scenario}.simnet.${s.cell}`;
    if (s.firstSampleMs !== undefined) out.push({ suite: 'nat', metric: `${metric}.firstSample`, unit: 'ms', value: s.firstSampleMs.median });
    if (s.directPathMs !== undefined) out.push({ suite: 'nat', metric: `${metric}.directPath`, unit: 'ms', value: s.directPathMs.median });
    out.push({ suite: 'nat', metric: `${metric}.delivered`, unit: '%', value: s.sent === 0 ? 0 : (100 * s.delivered) / s.sent });
    out.push({ suite: 'nat', metric: `${metric}.direct`, unit: '%', value: (100 * s.directRuns) / s.runs });
  }
  return out;
}

/**
 * CDF over every run of a dds scenario (all cells) of one time: the first sample or the direct path.
 * The share is of all runs, so a curve that stays below 1 shows the runs that never got there (relay-only
 * cells for the direct path). One line for all cells, and one per path kind of the cells.
 */
export function ddsCdfSpec(scenario: DdsScenario, records: readonly DdsRunRecord[], which: 'firstSample' | 'directPath'): PlotSpec | undefined {
  const mine = records.filter((r) => r.scenario === scenario.name);
  const pick = (r: DdsRunRecord): number | null => (which === 'firstSample' ? r.firstSampleMs : r.directPathMs);
  if (!mine.some((r) => pick(r) !== null)) return undefined;
  const pathOf = new Map(summarizeDds(mine).map((s) => [s.cell, s.path]));
  const groups: readonly [string, readonly DdsRunRecord[]][] = [
    [`all cells (${mine.length} runs)`, mine],
    ...(['direct', 'relay only', 'mixed'] as const).map((kind): [string, DdsRunRecord[]] => {
      const rs = mine.filter((r) => pathOf.get(r.cell) === kind);
      return [`${kind === 'direct' ? 'cells with a direct path' : kind === 'relay only' ? 'relay-only cells' : 'cells with a direct path in some runs'} (${rs.length} runs)`, rs];
    }).filter(([, rs]) => rs.length > 0),
  ];
  const values: { group: string; x: number; p: number }[] = [];
  for (const [group, rs] of groups) {
    const xs = rs.flatMap((r) => { const v = pick(r); return v === null ? [] : [v]; });
    // The share of the group's runs (not of those that got there), starting at 0 on the left edge.
    // One point per distinct time (the step's top): the times have a 10 ms granularity, many runs share one.
    const points = cdf(xs).map((pt) => ({ x: pt.x, p: (pt.p * xs.length) / rs.length })).filter((pt, i, all) => all[i + 1]?.x !== pt.x);
    if (points.length === 0) continue;
    values.push({ group, x: 0, p: 0 }, ...points.map((pt) => ({ group, ...pt })));
  }
  const what = which === 'firstSample' ? 'time to first sample' : 'time to direct path';
  return {
    name: `dds-cdf-${which === 'firstSample' ? 'first-sample' : 'direct-path'}-${scenario.name}`,
    title: `${scenario.name}: CDF of ${what} (virtual ms, every run of every cell${which === 'directPath' ? '; relay-only runs never get there' : ''})`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 520, height: 260, data: { values },
      mark: { type: 'line', interpolate: 'step-after', point: { size: 14 } },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: `${what} (ms from start)` },
        y: { field: 'p', type: 'quantitative', title: 'share of runs', scale: { domain: [0, 1] } },
        color: { field: 'group', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2, labelLimit: 400 } },
      },
      config: { font: 'DejaVu Sans' },
    },
  };
}

/** Heat map of a dds scenario: rows writer NAT, columns reader NAT, colour = median first sample ms, label `first / direct`. */
export function ddsHeatmapSpec(scenario: DdsScenario, records: readonly DdsRunRecord[]): PlotSpec | undefined {
  const mine = summarizeDds(records.filter((r) => r.scenario === scenario.name));
  if (mine.length < 2) return undefined;
  const values = mine.map((s) => ({
    left: SHORT[s.left], right: SHORT[s.right], first: s.firstSampleMs?.median ?? null, label: ddsMatrixEntry(s),
  }));
  const order = AXIS_NATS.filter((n) => values.some((v) => v.left === n || v.right === n));
  const times = values.flatMap((v) => (v.first === null ? [] : [v.first]));
  const darkAbove = times.length === 0 ? 0 : (Math.min(...times) + Math.max(...times)) / 2;
  return {
    name: `dds-heatmap-${scenario.name}`,
    title: `${scenario.name}: median time to first sample (colour) / to direct path (ms; relay = the relay carried everything)`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values },
      width: 110 * order.length, height: 40 * order.length,
      layer: [
        { mark: { type: 'rect', stroke: 'white' }, encoding: {
          x: { field: 'right', type: 'ordinal', sort: order, title: 'reader NAT', axis: { labelAngle: 0, orient: 'top' } },
          y: { field: 'left', type: 'ordinal', sort: order, title: 'writer NAT' },
          color: { field: 'first', type: 'quantitative', title: 'first sample ms', scale: { scheme: 'yellowgreenblue' } },
        } },
        { mark: { type: 'text', fontSize: 11 }, encoding: {
          x: { field: 'right', type: 'ordinal', sort: order }, y: { field: 'left', type: 'ordinal', sort: order },
          text: { field: 'label' },
          color: { condition: { test: `datum.first !== null && datum.first > ${darkAbove}`, value: 'white' }, value: 'black' },
        } },
      ],
      config: { view: { stroke: null }, font: 'DejaVu Sans' },
    },
  };
}

/** The plots of the dds scenarios: CDF of first sample, CDF of direct path, heat map. */
export function ddsPlotSpecs(scenarios: readonly Scenario[], records: readonly DdsRunRecord[]): readonly PlotSpec[] {
  const out: PlotSpec[] = [];
  for (const sc of scenarios) {
    if (sc.kind !== 'dds') continue;
    for (const p of [ddsCdfSpec(sc, records, 'firstSample'), ddsCdfSpec(sc, records, 'directPath'), ddsHeatmapSpec(sc, records)]) if (p !== undefined) out.push(p);
  }
  return out;
}

/** Heat map of a pair scenario on one backend: rows left NAT, columns right NAT, colour = median setup ms, ✗ = failed; one panel per agent. */
export function heatmapSpec(scenario: Scenario, backend: Backend, summaries: readonly CellSummary[]): PlotSpec | undefined {
  if (scenario.kind !== 'pair' || scenario.left.length * scenario.right.length < 2) return undefined;
  const mine = summaries.filter((s) => s.scenario === scenario.name && s.backend === backend && s.left !== null && s.right !== null);
  if (mine.length === 0) return undefined;
  const values = mine.map((s) => ({
    agent: seriesLabel(s.series), left: SHORT[s.left ?? 'none'], right: SHORT[s.right ?? 'none'],
    setup: outcomeOf(s) === 'fails' || s.setupMs === undefined ? null : s.setupMs.median,
    label: matrixEntry(s),
  }));
  const order = AXIS_NATS.filter((n) => values.some((v) => v.left === n || v.right === n));
  const times = values.flatMap((v) => (v.setup === null ? [] : [v.setup]));
  // Labels turn white on the dark half of the (log) colour scale.
  const darkAbove = times.length === 0 ? 0 : Math.sqrt(Math.min(...times) * Math.max(...times));
  return {
    name: `heatmap-${scenario.name}-${backend}`,
    title: `${scenario.name} on ${backend}: median setup time (ms), ✗ = failed${mine.every((s) => s.linkEmulated) ? '' : ' (RTT and loss not emulated: veth latency)'}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values },
      facet: {
        column: { field: 'agent', type: 'nominal', title: null, sort: orderedSeries(mine).map(seriesLabel), header: { labelFontSize: 14, labelFontWeight: 'bold' } },
      },
      spec: {
        width: 64 * order.length, height: 40 * order.length,
        layer: [
          { mark: { type: 'rect', stroke: 'white' }, encoding: {
            x: { field: 'right', type: 'ordinal', sort: order, title: 'right NAT', axis: { labelAngle: -30 } },
            y: { field: 'left', type: 'ordinal', sort: order, title: 'left NAT' },
            color: { field: 'setup', type: 'quantitative', title: 'setup ms', scale: { scheme: 'yellowgreenblue', type: 'log' } },
          } },
          { mark: { type: 'text', fontSize: 11 }, encoding: {
            x: { field: 'right', type: 'ordinal', sort: order }, y: { field: 'left', type: 'ordinal', sort: order },
            text: { field: 'label' },
            color: { condition: { test: `datum.setup !== null && datum.setup > ${darkAbove}`, value: 'white' }, value: 'black' },
          } },
        ],
      },
      config: { view: { stroke: null }, font: 'DejaVu Sans' },
    },
  };
}

/** CDF of setup time over every connected run of a scenario, one line per (agent, backend). */
export function cdfSpec(scenario: Scenario, records: readonly RunRecord[]): PlotSpec | undefined {
  const mine = records.filter((r) => r.scenario === scenario.name && r.connected && r.setupMs !== null);
  if (mine.length === 0) return undefined;
  const values: { agent: string; backend: string; x: number; p: number }[] = [];
  const keys = [...new Set(mine.map((r) => `${r.backend}|${seriesOf(r)}`))];
  for (const k of keys) {
    const [backend, series] = k.split('|');
    const xs = mine.filter((r) => `${r.backend}|${seriesOf(r)}` === k).map((r) => r.setupMs ?? 0);
    for (const pt of cdf(xs)) values.push({ agent: seriesLabel(series ?? ''), backend: backend ?? '', x: Math.max(pt.x, 0.1), p: pt.p });
  }
  return {
    name: `cdf-${scenario.name}`,
    title: `${scenario.name}: CDF of time to selected pair (connected runs, all cells)`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 520, height: 260, data: { values },
      mark: { type: 'line', interpolate: 'step-after', point: { size: 14 } },
      encoding: {
        x: { field: 'x', type: 'quantitative', title: 'setup time (ms, log)', scale: { type: 'log' } },
        y: { field: 'p', type: 'quantitative', title: 'share of runs', scale: { domain: [0, 1] } },
        color: { field: 'agent', type: 'nominal', title: 'agent', legend: { orient: 'bottom', columns: 3, labelLimit: 320 } },
        strokeDash: { field: 'backend', type: 'nominal', title: 'backend', legend: { orient: 'bottom' } },
      },
      config: { font: 'DejaVu Sans' },
    },
  };
}

/** Median connectivity checks per connected pair, per cell and agent (simnet: counted on the virtual wire). */
export function checksSpec(scenario: Scenario, summaries: readonly CellSummary[]): PlotSpec | undefined {
  const values = summaries.filter((s) => s.scenario === scenario.name && s.checksPerPair !== undefined)
    .map((s) => ({ cell: s.cell, agent: seriesLabel(s.series), checks: s.checksPerPair?.median ?? 0 }));
  if (values.length === 0) return undefined;
  return {
    name: `checks-${scenario.name}`,
    title: `${scenario.name}: STUN checks sent per connected pair (median, simnet)`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      data: { values }, width: 360, height: { step: 9 },
      mark: 'bar',
      encoding: {
        y: { field: 'cell', type: 'nominal', title: null, sort: null, axis: { labelLimit: 440 } },
        yOffset: { field: 'agent' },
        x: { field: 'checks', type: 'quantitative', title: 'Binding requests per pair' },
        color: { field: 'agent', type: 'nominal', title: null, legend: { orient: 'top', labelLimit: 400 } },
      },
      config: { font: 'DejaVu Sans' },
    },
  };
}

/** Median setup (with min–max) against the swept parameter (RTT, loss or participants) when a scenario sweeps one. */
export function sweepSpec(scenario: Scenario, summaries: readonly CellSummary[]): PlotSpec | undefined {
  if (scenario.kind === 'dds') return undefined;
  const param = scenario.kind === 'mesh' ? (scenario.participants.length > 1 ? 'participants' : undefined)
    : scenario.lossPercent.length > 1 ? 'lossPercent' : scenario.rttMs.length > 1 ? 'rttMs' : undefined;
  if (param === undefined) return undefined;
  const values = summaries.filter((s) => s.scenario === scenario.name && s.setupMs !== undefined).map((s) => ({
    x: param === 'participants' ? s.participants : param === 'lossPercent' ? s.lossPercent : s.rttMs,
    agent: `${seriesLabel(s.series)}, ${s.backend}`, median: s.setupMs?.median, min: s.setupMs?.min, max: s.setupMs?.max,
  }));
  if (values.length === 0) return undefined;
  const title = param === 'participants' ? 'participants' : param === 'lossPercent' ? 'loss per one-way path (%)' : 'RTT (ms)';
  return {
    name: `sweep-${scenario.name}`,
    title: `${scenario.name}: median setup time (min–max band) vs ${title}`,
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 420, height: 240, data: { values },
      encoding: { x: { field: 'x', type: 'quantitative', title }, color: { field: 'agent', type: 'nominal', title: null, legend: { orient: 'bottom', columns: 2, labelLimit: 400 } } },
      layer: [
        { mark: { type: 'errorband', opacity: 0.2 }, encoding: { y: { field: 'min', type: 'quantitative', title: 'setup ms' }, y2: { field: 'max' } } },
        { mark: { type: 'line', point: true }, encoding: { y: { field: 'median', type: 'quantitative' } } },
      ],
      config: { font: 'DejaVu Sans' },
    },
  };
}

/** Every plot a set of scenarios and results calls for. */
export function plotSpecs(scenarios: readonly Scenario[], backends: readonly Backend[], summaries: readonly CellSummary[], records: readonly RunRecord[]): readonly PlotSpec[] {
  const out: PlotSpec[] = [];
  for (const sc of scenarios) {
    for (const b of backends) {
      const h = heatmapSpec(sc, b, summaries);
      if (h !== undefined) out.push(h);
    }
    for (const p of [cdfSpec(sc, records), checksSpec(sc, summaries), sweepSpec(sc, summaries)]) if (p !== undefined) out.push(p);
  }
  return out;
}
