/**
 * `npm run bench:nat -- --scenario <file|name>[,…] --runs N --backend simnet|netns|simnet,netns --json --report <dir>`
 *
 * Runs NAT-traversal scenarios (`bench/scenarios/*.json`, see `scenario.ts`) on simnet (default) and/or
 * on real kernel NATs in network namespaces (root), repeated `runs` times per cell and agent, and prints
 * the NAT matrix with every agent's median setup time. `--json` prints the figures as JSON lines
 * (`bench/support/report.ts`) instead. `--report <dir>` also writes `runs.jsonl` (every run),
 * `summary.json`, `report.md`, one SVG per plot and `plots.html`; `--png <file>` screenshots
 * `plots.html` with headless Chromium (`apt-get install -y chromium`). A progress bar goes to stderr
 * (`--quiet` silences it). `--from <runs.jsonl>` re-renders an earlier run's records instead of running.
 * docs/bench.md is the guide.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { printResults } from '../support/report.js';
import { PeerToolMissingError, requirePeerTool } from '../../test/interop/peers/index.js';
import { NetnsCell } from './netns-runner.js';
import { ProgressBar } from './progress.js';
import { runDdsCell, summarizeDds, type DdsRunRecord } from './dds-runner.js';
import { benchResults, ddsBenchResults, ddsMatrixTable, ddsPlotSpecs, ddsSpreadTable, matrixTable, plotSpecs, renderMarkdown, spreadTable } from './report.js';
import {
  agentsFor, BACKENDS, expandCells, expandDdsCells, parseScenarioText, type AgentName, type Backend, type Cell, type IceScenario, type Scenario,
} from './scenario.js';
import { runOursVirtual, runOursWall, runWeriftWall, type RunOutcome } from './sim-runner.js';
import { summarize, type ClockKind, type RunRecord } from './stats.js';
import { renderSvg } from './svg.js';

const execFileAsync = promisify(execFile);
const SCENARIO_DIR = fileURLToPath(new URL('../scenarios/', import.meta.url));

/** Bad command-line input: printed with the usage, exit code 2. */
class UsageError extends Error {
  override readonly name = 'UsageError';
}

const USAGE = `usage: npm run bench:nat -- [--scenario <file|name>[,...]] [--runs N] [--backend simnet|netns|simnet,netns]
                          [--json] [--report <dir>] [--png <file>] [--ours-wall] [--quiet] [--from <runs.jsonl>]
  scenario names: the files in bench/scenarios/ without .json (default nat-matrix)`;

interface Options {
  readonly scenarios: readonly string[];
  readonly runs: number | undefined;
  readonly backends: readonly Backend[];
  readonly json: boolean;
  readonly reportDir: string | undefined;
  readonly png: string | undefined;
  readonly oursWall: boolean;
  readonly quiet: boolean;
  /** Re-render from a `runs.jsonl` of an earlier run instead of running. */
  readonly from: string | undefined;
}

/** Parses argv (after the script); throws {@link UsageError} naming the bad flag. */
export function parseArgs(argv: readonly string[]): Options {
  let scenarios: string[] = [];
  let runs: number | undefined;
  let backends: Backend[] = ['simnet'];
  let json = false;
  let reportDir: string | undefined;
  let png: string | undefined;
  let oursWall = false;
  let quiet = false;
  let from: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] ?? '';
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--scenario': scenarios.push(...value().split(',').filter((s) => s !== '')); break;
      case '--runs': {
        const v = value();
        runs = Number(v);
        if (!Number.isInteger(runs) || runs < 1 || runs > 1000) throw new UsageError(`--runs needs an integer in [1, 1000], got ${v}`);
        break;
      }
      case '--backend': {
        const list = value().split(',');
        backends = list.map((b) => {
          const hit = BACKENDS.find((x) => x === b);
          if (hit === undefined) throw new UsageError(`--backend: unknown backend ${JSON.stringify(b)} (simnet, netns)`);
          return hit;
        });
        break;
      }
      case '--json': json = true; break;
      case '--report': reportDir = value(); break;
      case '--png': png = value(); break;
      case '--ours-wall': oursWall = true; break;
      case '--quiet': quiet = true; break;
      case '--from': from = value(); break;
      case '--help': throw new UsageError('');
      default: throw new UsageError(`unknown argument ${JSON.stringify(flag)}`);
    }
  }
  if (scenarios.length === 0) scenarios = ['nat-matrix'];
  if (png !== undefined && reportDir === undefined) throw new UsageError('--png needs --report <dir> (it screenshots the report\'s plots.html)');
  return { scenarios, runs, backends: [...new Set(backends)], json, reportDir, png, oursWall, quiet, from };
}

/** A scenario by file path or by name in bench/scenarios/. */
function loadScenario(ref: string): Scenario {
  const path = ref.endsWith('.json') || ref.includes('/') ? resolve(ref) : join(SCENARIO_DIR, `${ref}.json`);
  if (!existsSync(path)) throw new UsageError(`scenario ${JSON.stringify(ref)} not found (looked for ${path})`);
  return parseScenarioText(readFileSync(path, 'utf8'), path);
}

interface Job {
  readonly scenario: IceScenario;
  readonly backend: Backend;
  readonly cell: Cell;
  readonly agent: AgentName;
  readonly clock: ClockKind;
}

function recordOf(job: Job, run: number, seed: number, o: RunOutcome, linkEmulated: boolean): RunRecord {
  const c = job.cell;
  return {
    scenario: job.scenario.name, backend: job.backend, cell: c.id, agent: job.agent, clock: job.clock,
    left: c.kind === 'pair' ? c.left : null, right: c.kind === 'pair' ? c.right : null,
    participants: c.kind === 'pair' ? 2 : c.participants, rttMs: c.rttMs, lossPercent: c.lossPercent, run, seed,
    connected: o.connected, setupMs: o.setupMs, pairsConnected: o.pairsConnected, pairs: o.pairs, checksPerPair: o.checksPerPair,
    reason: o.reason, linkEmulated,
  };
}

/** The simnet series of an agent: ours in virtual time (and wall time with --ours-wall), werift in wall time. */
function simSeries(agent: AgentName, oursWall: boolean): readonly ClockKind[] {
  if (agent === 'ours') return oursWall ? ['virtual', 'wall'] : ['virtual'];
  return ['wall'];
}

async function runSim(job: Job, seed: number): Promise<RunOutcome> {
  const t = job.scenario.timeoutMs;
  if (job.agent === 'ours') return job.clock === 'virtual' ? runOursVirtual(job.cell, seed, t) : runOursWall(job.cell, seed, t);
  if (job.agent === 'werift') return runWeriftWall(job.cell, seed, t);
  throw new Error(`${job.agent} does not run on simnet`);
}

async function runAll(opts: Options, scenarios: readonly Scenario[]): Promise<{ records: RunRecord[]; notes: string[] }> {
  const records: RunRecord[] = [];
  const notes = new Set<string>();
  const units: { scenario: IceScenario; backend: Backend; cell: Cell; jobs: Job[] }[] = [];
  const missing = new Set<AgentName>();
  for (const agent of ['aioice', 'libnice'] as const) {
    if (!opts.backends.includes('netns') || !scenarios.some((s) => agentsFor('netns', s).includes(agent))) continue;
    try {
      await requirePeerTool(agent);
    } catch (err: unknown) {
      if (!(err instanceof PeerToolMissingError)) throw err;
      missing.add(agent);
      notes.add(`${agent} left out: ${err.message}`);
    }
  }
  for (const scenario of scenarios) {
    if (scenario.kind === 'dds') continue;
    for (const backend of opts.backends) {
      const agents = agentsFor(backend, scenario).filter((a) => !missing.has(a));
      if (agents.length === 0) continue;
      for (const cell of expandCells(scenario)) {
        const jobs = agents.flatMap((agent) => (backend === 'simnet' ? simSeries(agent, opts.oursWall) : ['wall' as const])
          .map((clock) => ({ scenario, backend, cell, agent, clock })));
        units.push({ scenario, backend, cell, jobs });
      }
    }
  }
  const total = units.reduce((n, u) => n + u.jobs.length * (opts.runs ?? u.scenario.runs), 0);
  const bar = new ProgressBar(total, { enabled: !opts.quiet });
  for (const u of units) {
    const runs = opts.runs ?? u.scenario.runs;
    if (u.backend === 'simnet') {
      for (let run = 0; run < runs; run++) {
        const seed = u.scenario.seed + run;
        for (const job of u.jobs) {
          records.push(recordOf(job, run, seed, await runSim(job, seed), true));
          bar.tick(`${u.scenario.name} ${u.backend} ${u.cell.id} ${job.agent}`);
        }
      }
      continue;
    }
    if (u.cell.kind !== 'pair') continue;
    const lab = await NetnsCell.open(u.cell);
    try {
      if (lab.linkNote !== null) notes.add(`netns: ${lab.linkNote}`);
      for (let run = 0; run < runs; run++) {
        for (const job of u.jobs) {
          records.push(recordOf(job, run, u.scenario.seed + run, await lab.run(job.agent, u.scenario.timeoutMs), lab.linkEmulated));
          bar.tick(`${u.scenario.name} ${u.backend} ${u.cell.id} ${job.agent}`);
        }
      }
    } finally {
      await lab.close();
    }
  }
  bar.finish();
  return { records, notes: [...notes] };
}

/** The dds scenarios' runs (simnet, ours, virtual time): run r of a cell uses the scenario's seed + r. */
async function runDds(opts: Options, scenarios: readonly Scenario[]): Promise<DdsRunRecord[]> {
  const records: DdsRunRecord[] = [];
  if (!opts.backends.includes('simnet')) return records;
  const units = scenarios.flatMap((sc) => (sc.kind === 'dds' ? expandDdsCells(sc).map((cell) => ({ sc, cell })) : []));
  const total = units.reduce((n, u) => n + (opts.runs ?? u.sc.runs), 0);
  if (total === 0) return records;
  const bar = new ProgressBar(total, { enabled: !opts.quiet });
  for (const { sc, cell } of units) {
    for (let run = 0; run < (opts.runs ?? sc.runs); run++) {
      records.push(await runDdsCell(sc, cell, run, sc.seed + run));
      bar.tick(`${sc.name} simnet ${cell.id} ours (DDS)`);
    }
  }
  bar.finish();
  return records;
}

/** Records of an earlier run (`--from`), restricted to the scenarios and backends asked for. */
function loadRecords(path: string, scenarios: readonly Scenario[], backends: readonly Backend[]): { records: RunRecord[]; notes: string[] } {
  if (!existsSync(path)) throw new UsageError(`--from: ${path} not found`);
  const records: RunRecord[] = [];
  for (const [i, line] of readFileSync(path, 'utf8').split('\n').entries()) {
    if (line.trim() === '') continue;
    const v: unknown = JSON.parse(line);
    const ok = typeof v === 'object' && v !== null && typeof Reflect.get(v, 'scenario') === 'string' && typeof Reflect.get(v, 'connected') === 'boolean'
      && typeof Reflect.get(v, 'linkEmulated') === 'boolean';
    if (!ok) throw new UsageError(`--from: ${path}:${i + 1} is not a run record`);
    // Checked above for the fields the report branches on; the file is this CLI's own output.
    const r = v as RunRecord;
    if (scenarios.some((s) => s.name === r.scenario) && backends.includes(r.backend)) records.push(r);
  }
  const notes = records.some((r) => !r.linkEmulated) ? ['netns: RTT and loss were not emulated in some cells (no tc netem): they ran at veth latency, no loss'] : [];
  return { records, notes };
}

/** DDS records of an earlier run (`--from <dir>/runs.jsonl` reads `<dir>/dds-runs.jsonl`), restricted to the scenarios asked for. */
function loadDdsRecords(from: string, scenarios: readonly Scenario[]): DdsRunRecord[] {
  const path = join(dirname(from), 'dds-runs.jsonl');
  if (!existsSync(path) || !scenarios.some((s) => s.kind === 'dds')) return [];
  const records: DdsRunRecord[] = [];
  for (const [i, line] of readFileSync(path, 'utf8').split('\n').entries()) {
    if (line.trim() === '') continue;
    const v: unknown = JSON.parse(line);
    const ok = typeof v === 'object' && v !== null && typeof Reflect.get(v, 'scenario') === 'string' && typeof Reflect.get(v, 'delivered') === 'number';
    if (!ok) throw new UsageError(`--from: ${path}:${i + 1} is not a DDS run record`);
    // Checked above for the fields the report branches on; the file is this CLI's own output.
    const r = v as DdsRunRecord;
    if (scenarios.some((s) => s.kind === 'dds' && s.name === r.scenario)) records.push(r);
  }
  return records;
}

async function weriftVersion(): Promise<string> {
  const pkg: unknown = JSON.parse(readFileSync(fileURLToPath(new URL('../../node_modules/werift-ice/package.json', import.meta.url)), 'utf8'));
  const v: unknown = typeof pkg === 'object' && pkg !== null ? Reflect.get(pkg, 'version') : undefined;
  const kernel = await execFileAsync('uname', ['-r']).then((r) => r.stdout.trim(), () => 'unknown');
  return `Node ${process.version}, ${cpus().length} CPU(s) (${cpus()[0]?.model ?? 'unknown'}), Linux ${kernel}, werift-ice ${typeof v === 'string' ? v : '?'}`;
}

/** Sum of the SVGs' heights (for the screenshot window). */
function svgHeight(svg: string): number {
  const m = /height="(\d+(?:\.\d+)?)"/.exec(svg);
  return m === null ? 400 : Number(m[1]);
}

/** The command that reproduces the report (without `--from`, which only re-renders its records). */
function commandLine(): string {
  const args = process.argv.slice(2);
  const at = args.indexOf('--from');
  return `npm run bench:nat -- ${args.filter((_, k) => at < 0 || (k !== at && k !== at + 1)).join(' ')}`;
}

async function writeReport(opts: Options, dir: string, scenarios: readonly Scenario[], records: readonly RunRecord[], ddsRecords: readonly DdsRunRecord[], notes: readonly string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const summaries = summarize(records);
  writeFileSync(join(dir, 'runs.jsonl'), records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  writeFileSync(join(dir, 'summary.json'), `${JSON.stringify(summaries, null, 2)}\n`);
  if (ddsRecords.length > 0) {
    writeFileSync(join(dir, 'dds-runs.jsonl'), ddsRecords.map((r) => `${JSON.stringify(r)}\n`).join(''));
    writeFileSync(join(dir, 'dds-summary.json'), `${JSON.stringify(summarizeDds(ddsRecords), null, 2)}\n`);
  }
  const plots: { file: string; title: string; svg: string }[] = [];
  for (const p of [...plotSpecs(scenarios, opts.backends, summaries, records), ...ddsPlotSpecs(scenarios, ddsRecords)]) {
    const svg = await renderSvg(p.spec);
    writeFileSync(join(dir, `${p.name}.svg`), svg);
    writeFileSync(join(dir, `${p.name}.vl.json`), `${JSON.stringify(p.spec, null, 2)}\n`);
    plots.push({ file: `${p.name}.svg`, title: p.title, svg });
  }
  const md = renderMarkdown({
    title: 'NAT-traversal bench report', command: commandLine(),
    generatedAt: new Date().toISOString(), environment: await weriftVersion(), scenarios, backends: opts.backends,
    summaries, records, plots, notes, ddsRecords,
  });
  writeFileSync(join(dir, 'report.md'), md);
  const html = ['<!doctype html><meta charset="utf-8"><title>NAT bench plots</title>',
    '<style>body{font-family:"DejaVu Sans",sans-serif;margin:16px;background:#fff} h2{font-size:15px;margin:18px 0 6px}</style>',
    ...plots.map((p) => `<h2>${p.title.replaceAll('&', '&amp;').replaceAll('<', '&lt;')}</h2>\n${p.svg}`)].join('\n');
  writeFileSync(join(dir, 'plots.html'), html);
  if (opts.png !== undefined) {
    const height = plots.reduce((h, p) => h + svgHeight(p.svg) + 48, 40);
    const width = Math.max(900, ...plots.map((p) => Number(/width="(\d+(?:\.\d+)?)"/.exec(p.svg)?.[1] ?? 800) + 40));
    mkdirSync(dirname(resolve(opts.png)), { recursive: true });
    try {
      await execFileAsync('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', `--window-size=${Math.ceil(width)},${Math.ceil(height)}`,
        `--screenshot=${resolve(opts.png)}`, pathToFileURL(join(resolve(dir), 'plots.html')).href], { timeout: 120_000 });
    } catch (err: unknown) {
      throw new Error(`--png: headless chromium failed (install it with \`apt-get install -y chromium\`): ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const scenarios = opts.scenarios.map(loadScenario);
  const { records, notes } = opts.from === undefined ? await runAll(opts, scenarios) : loadRecords(opts.from, scenarios, opts.backends);
  const ddsRecords = opts.from === undefined ? await runDds(opts, scenarios) : loadDdsRecords(opts.from, scenarios);
  if (opts.from !== undefined) notes.unshift('re-rendered (`--from`) from the records (`runs.jsonl`, and `dds-runs.jsonl` next to it) of an earlier run of this command');
  for (const sc of scenarios) {
    for (const b of opts.backends) {
      if (!sc.backends.includes(b)) notes.unshift(`${sc.name}: not run on ${b} (the scenario runs on ${sc.backends.join(', ')})`);
    }
  }
  const summaries = summarize(records);
  const ddsSummaries = summarizeDds(ddsRecords);
  if (opts.json) {
    printResults([...benchResults(summaries), ...ddsBenchResults(ddsSummaries)], true);
  } else {
    for (const n of notes) console.log(`note: ${n}`);
    for (const sc of scenarios) {
      for (const b of opts.backends) {
        const m = matrixTable(sc, b, summaries);
        if (m !== undefined && sc.kind === 'pair' && sc.left.length * sc.right.length > 1) console.log(`\n${sc.name} on ${b}: median setup ms\n${m}`);
      }
      const mine = summaries.filter((s) => s.scenario === sc.name);
      if (mine.length > 0) console.log(`\n${sc.name}: every cell\n${spreadTable(mine)}`);
      const dds = ddsSummaries.filter((s) => s.scenario === sc.name);
      if (sc.kind === 'dds' && dds.length > 0) {
        console.log(`\n${sc.name} on simnet (ours, virtual time): median ms to first sample / to direct path\n${ddsMatrixTable(sc, dds) ?? ''}`);
        console.log(`\n${sc.name}: every cell\n${ddsSpreadTable(dds)}`);
      }
    }
  }
  if (opts.reportDir !== undefined) {
    await writeReport(opts, opts.reportDir, scenarios, records, ddsRecords, notes);
    process.stderr.write(`report written to ${opts.reportDir}/report.md\n`);
  }
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    await main();
  } catch (err: unknown) {
    if (err instanceof UsageError) {
      if (err.message !== '') process.stderr.write(`bench:nat: ${err.message}\n`);
      process.stderr.write(`${USAGE}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`bench:nat: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    }
  }
}
