/**
 * Reusable ICE scenarios on the fake network, exported so benches can report the same figures the
 * tests assert (virtual time, deterministic per seed).
 */
import type { IceAgentInfo, IceConfigInit } from '../../../src/ice/index.js';
import { SeededRandom } from '../../../src/util/prng.js';
import { FakeNet, firstEventAt, ip4, type Node } from './fake-net.js';

export interface PairSetup {
  readonly net: FakeNet;
  readonly a: Node;
  readonly b: Node;
  readonly infoA: IceAgentInfo;
  readonly infoB: IceAgentInfo;
}

/** Two agents with one endpoint `E` each on a flat network (10.0.0.1:5000, 10.0.0.2:5000). */
export function lanPair(seedA = 1, seedB = 2, init: IceConfigInit = {}): PairSetup {
  const net = new FakeNet();
  const a = net.addNode('a', seedA, init);
  const b = net.addNode('b', seedB, init);
  const infoA = net.addEndpoint(a, 'E', [ip4('10.0.0.1', 5000)]);
  const infoB = net.addEndpoint(b, 'E', [ip4('10.0.0.2', 5000)]);
  return { net, a, b, infoA, infoB };
}

/** Gives each side the other's info at `atA`/`atB` (virtual ms), then runs until both selected or `limitMs`. */
export function connect(s: PairSetup, atA = 0, atB = 0, limitMs = 120_000): { readonly a?: number; readonly b?: number } {
  const { net, a, b } = s;
  const bothSelected = (): boolean => firstEventAt(a, 'selected') !== undefined && firstEventAt(b, 'selected') !== undefined;
  const steps = [
    { at: atA, go: () => { a.agent.startIce('E', 'a-b', s.infoB); } },
    { at: atB, go: () => { b.agent.startIce('E', 'b-a', s.infoA); } },
  ].sort((x, y) => x.at - y.at);
  for (const step of steps) {
    net.run(step.at);
    step.go();
  }
  net.run(limitMs, bothSelected);
  return { ...optional('a', firstEventAt(a, 'selected')), ...optional('b', firstEventAt(b, 'selected')) };
}

function optional<K extends string>(k: K, v: number | undefined): Partial<Record<K, number>> {
  return v === undefined ? {} : ({ [k]: v } as Record<K, number>);
}

export interface LossyReport {
  readonly runs: number;
  readonly connected: number;
  /** Setup times (both selected) in virtual ms, sorted. */
  readonly setupMs: readonly number[];
  readonly p50: number;
  readonly p95: number;
}

/**
 * `seeds` LAN setups with `loss` (0..1) on every datagram both ways, `oneWayMs` delay; reports how
 * many connected and the setup-time percentiles (time from both having the other's info until both selected).
 */
export function runLossySetups(seeds: number, loss = 0.3, oneWayMs = 5): LossyReport {
  const times: number[] = [];
  let connected = 0;
  for (let seed = 1; seed <= seeds; seed++) {
    const s = lanPair(seed * 2 + 1000, seed * 2 + 1001);
    const rng = new SeededRandom(seed);
    s.net.delay = () => oneWayMs;
    s.net.drop = () => rng.next() < loss;
    const r = connect(s);
    if (r.a !== undefined && r.b !== undefined) {
      connected++;
      times.push(Math.max(r.a, r.b));
    }
  }
  times.sort((x, y) => x - y);
  const pct = (p: number): number => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))] ?? Number.NaN;
  return { runs: seeds, connected, setupMs: times, p50: pct(50), p95: pct(95) };
}
