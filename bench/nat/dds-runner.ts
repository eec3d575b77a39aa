/**
 * DDS-level runs of the NAT bench (`kind: "dds"` scenarios): the NAT demo's pair (`runNatPair` in
 * `src/cli/nat-demo.ts`), two of our DomainParticipants behind simulated NATs with a STUN server and an
 * RtpsRelay on the public side, in virtual time on simnet. Each run records the time from start to the
 * first sample at the reader and to the reader's selection of a direct DATA path (none where only the
 * relay carries the samples), and the samples delivered. The demo drives the network in 10 ms steps,
 * so the times have a 10 ms granularity.
 */
import { runNatPair, type DemoNat } from '../../src/cli/nat-demo.js';
import type { DdsCell, DdsNatKind, DdsScenario } from './scenario.js';
import { spread, type Spread } from './stats.js';

/** The demo's name of a bench NAT kind (`DEMO_NATS` keys). */
export function demoNatOf(kind: DdsNatKind): DemoNat {
  switch (kind) {
    case 'none': return 'no NAT';
    case 'full-cone': return 'full cone';
    case 'port-restricted': return 'port-restricted';
    case 'symmetric': return 'symmetric';
  }
}

/** One run of one DDS cell (virtual ms from the participants' start). */
export interface DdsRunRecord {
  readonly scenario: string;
  readonly backend: 'simnet';
  readonly cell: string;
  readonly left: DdsNatKind;
  readonly right: DdsNatKind;
  readonly run: number;
  readonly seed: number;
  readonly discoveredMs: number | null;
  /** First sample at the reader (through the relay or directly); null when none arrived. */
  readonly firstSampleMs: number | null;
  /** The reader selected a direct DATA pair; null when the relay carried everything. */
  readonly directPathMs: number | null;
  readonly delivered: number;
  readonly sent: number;
  readonly inOrder: boolean;
  /** Some samples arrived while no direct pair was selected (through the relay). */
  readonly relayed: boolean;
}

/** Runs one DDS cell once with `seed`. */
export async function runDdsCell(scenario: Pick<DdsScenario, 'name' | 'samples'>, cell: DdsCell, run: number, seed: number): Promise<DdsRunRecord> {
  const r = await runNatPair(demoNatOf(cell.left), demoNatOf(cell.right), { samples: scenario.samples, seed });
  return {
    scenario: scenario.name, backend: 'simnet', cell: cell.id, left: cell.left, right: cell.right, run, seed,
    discoveredMs: r.discoveredMs ?? null, firstSampleMs: r.firstSampleMs ?? null, directPathMs: r.dataSelectedMs ?? null,
    delivered: r.delivered, sent: r.sent, inOrder: r.inOrder, relayed: r.relayed,
  };
}

/** Path kind of a cell over its runs: every run got a direct path, none did, or some. */
export type DdsPathKind = 'direct' | 'relay only' | 'mixed';

/** Summary of one DDS cell over its runs. */
export interface DdsCellSummary {
  readonly scenario: string;
  readonly cell: string;
  readonly left: DdsNatKind;
  readonly right: DdsNatKind;
  readonly runs: number;
  readonly firstSampleMs: Spread | undefined;
  readonly directPathMs: Spread | undefined;
  /** Runs that selected a direct path. */
  readonly directRuns: number;
  readonly delivered: number;
  readonly sent: number;
  readonly inOrder: boolean;
  readonly path: DdsPathKind;
}

/** Groups DDS records by (scenario, cell) in first-seen order and summarises each group. */
export function summarizeDds(records: readonly DdsRunRecord[]): readonly DdsCellSummary[] {
  const groups = new Map<string, DdsRunRecord[]>();
  for (const r of records) {
    const key = `${r.scenario}|${r.cell}`;
    const g = groups.get(key);
    if (g === undefined) groups.set(key, [r]);
    else g.push(r);
  }
  const out: DdsCellSummary[] = [];
  for (const g of groups.values()) {
    const first = g[0];
    if (first === undefined) continue;
    const direct = g.flatMap((r) => (r.directPathMs === null ? [] : [r.directPathMs]));
    out.push({
      scenario: first.scenario, cell: first.cell, left: first.left, right: first.right, runs: g.length,
      firstSampleMs: spread(g.flatMap((r) => (r.firstSampleMs === null ? [] : [r.firstSampleMs]))),
      directPathMs: spread(direct), directRuns: direct.length,
      delivered: g.reduce((n, r) => n + r.delivered, 0), sent: g.reduce((n, r) => n + r.sent, 0),
      inOrder: g.every((r) => r.inOrder),
      path: direct.length === g.length ? 'direct' : direct.length === 0 ? 'relay only' : 'mixed',
    });
  }
  return out;
}
