/**
 * Lossy connection-setup scenarios, exported so `bench/ice` can print the same figures the tests
 * assert (virtual time, deterministic per seed):
 *
 * - {@link runLossySetups}: two agents on the fake LAN (`fake-net.ts`), `loss` on every datagram both ways;
 * - {@link runLossyNatSetups}: two {@link IceDriver}s behind RFC 4787 NATs on `src/simnet/` with our
 *   STUN server; `loss` is the loss of a one-way path (each of its two access links drops
 *   `1 - sqrt(1 - loss)`), also on the way to and from the STUN server.
 *
 * Setup time is measured from the moment both sides have the other's agent info to the moment both
 * have selected a pair. Discovery is modelled as reliable: a `local-info-changed` (e.g. a
 * server-reflexive candidate learned late) is handed to the other side at once, as SPDP re-announces.
 */
import type { IceAgentEvent, IceAgentInfo, IceConfigInit } from '../../../src/ice/index.js';
import { StunServer } from '../../../src/relay/index.js';
import { NatPresets, twoNatTopology, type NatSpec, type TwoNatTopology } from '../../../src/simnet/index.js';
import { IceDriver } from '../../../src/transport/ice-driver.js';
import { silentLogger } from '../../../src/util/logger.js';
import { SeededRandom } from '../../../src/util/prng.js';
import { connect, lanPair } from './scenarios.js';

/** Figures of a batch of seeded setups. */
export interface LossyReport {
  readonly runs: number;
  readonly connected: number;
  /** Setup times (both selected) in virtual ms, sorted ascending. */
  readonly setupMs: readonly number[];
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  /** Seeds that did not connect within the limit. */
  readonly failedSeeds: readonly number[];
}

/** Builds a report from per-seed setup times (`undefined` = did not connect). */
export function summarize(results: readonly { readonly seed: number; readonly setupMs: number | undefined }[]): LossyReport {
  const times = results.flatMap((r) => (r.setupMs === undefined ? [] : [r.setupMs])).sort((x, y) => x - y);
  const pct = (p: number): number => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] ?? Number.NaN;
  return {
    runs: results.length,
    connected: times.length,
    setupMs: times,
    p50: pct(50),
    p95: pct(95),
    max: times[times.length - 1] ?? Number.NaN,
    failedSeeds: results.filter((r) => r.setupMs === undefined).map((r) => r.seed),
  };
}

/**
 * `seeds` LAN setups with `loss` (0..1) on every datagram both ways and `oneWayMs` delay, both sides
 * given the other's info at t = 0.
 */
export function runLossySetups(seeds: number, loss = 0.3, oneWayMs = 5, init: IceConfigInit = {}): LossyReport {
  const results: { seed: number; setupMs: number | undefined }[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const s = lanPair(seed * 2 + 1000, seed * 2 + 1001, init);
    const rng = new SeededRandom(seed);
    s.net.delay = () => oneWayMs;
    s.net.drop = () => rng.next() < loss;
    const r = connect(s);
    results.push({ seed, setupMs: r.a !== undefined && r.b !== undefined ? Math.max(r.a, r.b) : undefined });
  }
  return summarize(results);
}

/** Options of {@link runLossyNatSetups}. */
export interface LossyNatOptions {
  readonly left?: NatSpec;
  readonly right?: NatSpec;
  /** Round-trip time host↔host and host↔server. Default 20. */
  readonly rttMs?: number;
  /** Loss of a one-way path. Default 0.3. */
  readonly loss?: number;
  /** Gathering time before the info exchange. Default 3,000. */
  readonly gatherMs?: number;
  /** Give up this long after the exchange. Default 60,000. */
  readonly limitMs?: number;
  /** Hand a changed local info (late srflx) to the other side, as discovery re-announces. Default true. */
  readonly reannounce?: boolean;
  readonly init?: IceConfigInit;
}

/** What one simnet setup did: setup time if connected, and every `failed` event (ms after the exchange). */
export interface NatOutcome {
  readonly setupMs: number | undefined;
  readonly failures: readonly { readonly reason: string; readonly atMs: number }[];
}

/** One simnet setup: gather, exchange, run until both selected, both failed, or the limit. */
export async function lossyNatSetup(seed: number, o: LossyNatOptions = {}): Promise<NatOutcome> {
  const loss = o.loss ?? 0.3;
  const topo = twoNatTopology({
    left: o.left ?? NatPresets.portRestricted, right: o.right ?? NatPresets.portRestricted,
    rttMs: o.rttMs ?? 20, loss: 1 - Math.sqrt(1 - loss), seed, recordTrace: false,
  });
  const server = await StunServer.start(topo.server, { ip: '192.0.2.1', port: 3478 });
  const l = await natSide(topo, 'left', seed * 7919 + 1, o.init ?? {}, o.reannounce ?? true);
  const r = await natSide(topo, 'right', seed * 7919 + 2, o.init ?? {}, o.reannounce ?? true);
  try {
    topo.network.runFor(o.gatherMs ?? 3_000);
    const t0 = topo.network.timers.clock.now();
    l.exchangeWith(r);
    r.exchangeWith(l);
    const limit = o.limitMs ?? 60_000;
    const settled = (x: NatSide): boolean => x.selectedAt !== undefined || x.failures.length > 0;
    while (topo.network.timers.clock.now() - t0 < limit && !(l.selectedAt !== undefined && r.selectedAt !== undefined)) {
      if (settled(l) && settled(r) && l.selectedAt === undefined && r.selectedAt === undefined) break;
      topo.network.runFor(10);
    }
    const failures = [...l.failures, ...r.failures].map((f) => ({ reason: f.reason, atMs: f.at - t0 }));
    if (l.selectedAt === undefined || r.selectedAt === undefined) return { setupMs: undefined, failures };
    return { setupMs: Math.max(l.selectedAt, r.selectedAt) - t0, failures };
  } finally {
    l.driver.close();
    r.driver.close();
    server.close();
  }
}

/** `seeds` simnet setups (default: two port-restricted cone NATs, 20 ms RTT, 30 % loss per one-way path). */
export async function runLossyNatSetups(seeds: number, o: LossyNatOptions = {}): Promise<LossyReport> {
  const results: { seed: number; setupMs: number | undefined }[] = [];
  for (let seed = 1; seed <= seeds; seed++) results.push({ seed, setupMs: (await lossyNatSetup(seed, o)).setupMs });
  return summarize(results);
}

interface NatSide {
  readonly driver: IceDriver;
  selectedAt: number | undefined;
  readonly failures: { readonly reason: string; readonly at: number }[];
  /** Gives `other` our info now and on every later change. */
  exchangeWith(other: NatSide): void;
}

const ENDPOINT = 'SEDP';

async function natSide(topo: TwoNatTopology, host: 'left' | 'right', seed: number, init: IceConfigInit, reannounce: boolean): Promise<NatSide> {
  const rng = new SeededRandom(seed);
  const driver = new IceDriver({ network: topo[host], timers: topo.network.timers, randomBytes: (n) => rng.bytes(n), log: silentLogger }, init);
  let peer: NatSide | undefined;
  const info = (): IceAgentInfo | undefined => driver.agent.localInfo(ENDPOINT);
  const side: NatSide = {
    driver,
    selectedAt: undefined,
    failures: [],
    exchangeWith(other) {
      peer = other;
      const i = info();
      if (i !== undefined) other.driver.startIce(ENDPOINT, host === 'left' ? 'R->L' : 'L->R', i);
    },
  };
  driver.on('ice-event', (e: IceAgentEvent) => {
    if (e.type === 'selected') side.selectedAt ??= topo.network.timers.clock.now();
    if (e.type === 'failed') side.failures.push({ reason: e.reason, at: topo.network.timers.clock.now() });
    if (e.type === 'local-info-changed' && peer !== undefined && reannounce) peer.driver.startIce(ENDPOINT, host === 'left' ? 'R->L' : 'L->R', e.info);
  });
  await driver.addEndpoint({ id: ENDPOINT, stunServer: { family: 'IPv4', ip: '192.0.2.1', port: 3478 } });
  return side;
}
