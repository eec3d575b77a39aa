/**
 * Run records of the NAT bench and their summaries: median, p95, min, max per (backend, cell, series),
 * and empirical CDFs. Pure functions; no I/O.
 */
import type { AgentName, Backend, NatKind } from './scenario.js';

/** How a run was timed: `virtual` = simnet's clock (exact, deterministic), `wall` = real time. */
export type ClockKind = 'virtual' | 'wall';

/** One run of one agent pair (or one mesh) in one cell. */
export interface RunRecord {
  readonly scenario: string;
  readonly backend: Backend;
  readonly cell: string;
  readonly agent: AgentName;
  readonly clock: ClockKind;
  readonly left: NatKind | null;
  readonly right: NatKind | null;
  readonly participants: number;
  readonly rttMs: number;
  readonly lossPercent: number;
  readonly run: number;
  readonly seed: number;
  /** Every pair connected (both sides selected a pair). */
  readonly connected: boolean;
  /** ms from both sides having the other's info to both selected (mesh: to every pair selected); null when not connected. */
  readonly setupMs: number | null;
  /** Pairs connected / pairs tried (1 / 1 for a pair cell). */
  readonly pairsConnected: number;
  readonly pairs: number;
  /** STUN Binding requests the agents sent to each other (not to the STUN server) until setup ended, per pair; null when not counted (netns). */
  readonly checksPerPair: number | null;
  /** Why it did not connect (the agents' own reasons, or the bench timeout). */
  readonly reason: string | null;
  /** The cell's RTT and loss were applied (always on simnet; on netns only where `tc netem` works). */
  readonly linkEmulated: boolean;
}

/** `ours/virtual`, `werift/wall`: an agent and how it was timed. */
export function seriesOf(r: Pick<RunRecord, 'agent' | 'clock'>): string {
  return `${r.agent}/${r.clock}`;
}

/** Display name of a series: `ours (virtual time)`, `werift-ice`, … */
export function seriesLabel(series: string): string {
  const [agent, clock] = series.split('/');
  const name = agent === 'werift' ? 'werift-ice' : agent ?? series;
  return clock === 'virtual' ? `${name} (virtual time)` : name;
}

export interface Spread {
  readonly n: number;
  readonly median: number;
  readonly p95: number;
  readonly min: number;
  readonly max: number;
}

/** Nearest-rank quantile (q in [0, 1]) of sorted values; the median of an even count is the upper middle. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) throw new RangeError('quantile of no values');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} outside [0, 1]`);
  const rank = q === 0.5 ? Math.floor(sorted.length / 2) : Math.max(0, Math.ceil(q * sorted.length) - 1);
  return sorted[Math.min(rank, sorted.length - 1)] ?? Number.NaN;
}

/** Median, p95, min, max; undefined for no values. */
export function spread(values: readonly number[]): Spread | undefined {
  if (values.length === 0) return undefined;
  for (const v of values) if (!Number.isFinite(v)) throw new RangeError(`not a finite value: ${v}`);
  const s = [...values].sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), p95: quantile(s, 0.95), min: s[0] ?? Number.NaN, max: s[s.length - 1] ?? Number.NaN };
}

/** Empirical CDF: one point per value, `p` = share of values ≤ `x`. */
export function cdf(values: readonly number[]): readonly { readonly x: number; readonly p: number }[] {
  const s = [...values].sort((a, b) => a - b);
  return s.map((x, i) => ({ x, p: (i + 1) / s.length }));
}

/** Summary of one (backend, cell, series). */
export interface CellSummary {
  readonly scenario: string;
  readonly backend: Backend;
  readonly cell: string;
  readonly series: string;
  readonly left: NatKind | null;
  readonly right: NatKind | null;
  readonly participants: number;
  readonly rttMs: number;
  readonly lossPercent: number;
  readonly runs: number;
  readonly connectedRuns: number;
  /** Setup time over the connected runs; undefined when none connected. */
  readonly setupMs: Spread | undefined;
  readonly checksPerPair: Spread | undefined;
  /** Distinct failure reasons, most frequent first. */
  readonly reasons: readonly string[];
  /** Every run had the cell's RTT and loss applied. */
  readonly linkEmulated: boolean;
}

/** Groups records by (backend, cell, series) in first-seen order and summarises each group. */
export function summarize(records: readonly RunRecord[]): readonly CellSummary[] {
  const groups = new Map<string, RunRecord[]>();
  for (const r of records) {
    const key = `${r.scenario}|${r.backend}|${r.cell}|${seriesOf(r)}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [r]);
    else g.push(r);
  }
  const out: CellSummary[] = [];
  for (const g of groups.values()) {
    const first = g[0];
    if (first === undefined) continue;
    const ok = g.filter((r) => r.connected && r.setupMs !== null);
    const counts = new Map<string, number>();
    for (const r of g) if (r.reason !== null) counts.set(r.reason, (counts.get(r.reason) ?? 0) + 1);
    out.push({
      scenario: first.scenario, backend: first.backend, cell: first.cell, series: seriesOf(first),
      left: first.left, right: first.right, participants: first.participants, rttMs: first.rttMs, lossPercent: first.lossPercent,
      runs: g.length, connectedRuns: ok.length,
      setupMs: spread(ok.map((r) => r.setupMs ?? Number.NaN)),
      checksPerPair: spread(ok.flatMap((r) => (r.checksPerPair === null ? [] : [r.checksPerPair]))),
      reasons: [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([reason]) => reason),
      linkEmulated: g.every((r) => r.linkEmulated),
    });
  }
  return out;
}

/** Outcome of a summary: every run connected, none did, or some. */
export function outcomeOf(s: Pick<CellSummary, 'runs' | 'connectedRuns'>): 'connects' | 'fails' | 'flaky' {
  if (s.connectedRuns === s.runs) return 'connects';
  return s.connectedRuns === 0 ? 'fails' : 'flaky';
}
