/**
 * `bench/simnet`: how fast the virtual network runs. Two hosts behind NATs (port-restricted and symmetric)
 * each run a 20 ms periodic timer that sends a datagram to an echo server on the public side, over lossy,
 * jittery links, for 10,000 virtual seconds.
 *
 * `wall-10000-vs-1-timer` is the same with only the left host's timer (the yardstick:
 * one 20 ms periodic timer plus its traffic, < 2 s). `traced-…` keeps the full trace in memory.
 *
 * Run: `npx tsx bench/simnet.ts` (table) or `npx tsx bench/simnet.ts --json` (one JSON object a line).
 */
import { NatPresets, twoNatTopology } from '../src/simnet/index.js';
import type { SimHost, TwoNatTopology } from '../src/simnet/index.js';
import type { TimerHandle } from '../src/util/datagram-io.js';
import { transportAddress } from '../src/util/address.js';
import type { BenchResult } from './support/report.js';
import { printResults } from './support/report.js';

const VIRTUAL_MS = 10_000_000;

function build(recordTrace: boolean, bothSides: boolean): { t: TwoNatTopology; stop: () => void } {
  const t = twoNatTopology({ left: NatPresets.portRestricted, right: NatPresets.symmetric, rttMs: 40, loss: 0.01, jitterMs: 2, seed: 9, recordTrace });
  const echo = t.server.bindSync(t.server.ip, 7);
  echo.onDatagram((bytes, from) => { echo.send(bytes, from); });
  const timers: TimerHandle[] = [];
  const closers: (() => void)[] = [() => { echo.close(); }];
  const periodic = (host: SimHost): void => {
    const sock = host.bindSync(host.ip, 5000);
    sock.onDatagram(() => undefined);
    const payload = new Uint8Array(100);
    const to = transportAddress(t.server.ip, 7);
    const i = timers.length;
    const tick = (): void => {
      sock.send(payload, to);
      timers[i] = t.network.timers.at(t.network.now() + 20, tick);
    };
    timers.push(t.network.timers.at(0, tick));
    closers.push(() => { sock.close(); });
  };
  periodic(t.left);
  if (bothSides) periodic(t.right);
  return { t, stop: () => { for (const h of timers) h.cancel(); for (const c of closers) c(); } };
}

function measure(virtualMs: number, recordTrace: boolean, bothSides = true): { wallMs: number; events: number; datagrams: number } {
  const { t, stop } = build(recordTrace, bothSides);
  const t0 = process.hrtime.bigint();
  t.network.run({ untilMs: virtualMs });
  stop();
  t.network.runUntilIdle();
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  return { wallMs, events: t.network.scheduler.executedEvents, datagrams: t.network.counters.sent };
}

measure(100_000, false); // warm-up
const run = measure(VIRTUAL_MS, false);
const single = measure(VIRTUAL_MS, false, false);
const traced = measure(1_000_000, true);
const results: BenchResult[] = [
  { suite: 'simnet', metric: 'events-per-second', unit: 'ev/s', value: run.events / (run.wallMs / 1000) },
  { suite: 'simnet', metric: 'wall-10000-vs', unit: 'ms', value: run.wallMs },
  { suite: 'simnet', metric: 'wall-10000-vs-1-timer', unit: 'ms', value: single.wallMs },
  { suite: 'simnet', metric: 'datagrams-per-second', unit: 'dg/s', value: run.datagrams / (run.wallMs / 1000) },
  { suite: 'simnet', metric: 'virtual-speedup', unit: 'x', value: VIRTUAL_MS / run.wallMs },
  { suite: 'simnet', metric: 'traced-events-per-second', unit: 'ev/s', value: traced.events / (traced.wallMs / 1000) },
];
printResults(results, process.argv.includes('--json'));
