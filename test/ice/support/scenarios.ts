/**
 * Reusable ICE scenarios on the fake network (virtual time, deterministic per seed); the lossy
 * batches that benches print are in `lossy.ts`.
 */
import type { IceAgentInfo, IceConfigInit } from '../../../src/ice/index.js';
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

// Kept here for existing importers (bench/ice.ts); the lossy batches live in lossy.ts.
export { runLossySetups, type LossyReport } from './lossy.js';
