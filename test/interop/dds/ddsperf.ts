/**
 * Cyclone DDS's `ddsperf` (cyclonedds-tools 0.10) as the reference `bench/dataplane` compares against:
 * a throughput pair (`ddsperf sub` + `ddsperf pub size S`) and a latency pair (`ddsperf pong` +
 * `ddsperf ping size S`), both on loopback only (`CYCLONEDDS_URI` = the shared cyclone-lo.xml), each
 * bounded by `-D` plus a hard deadline after which both processes are killed.
 *
 * Run by hand: `npx tsx test/interop/dds/ddsperf.ts [seconds] [--host]` prints the suite (64 B, 1 KB, 64 KB) as
 * JSON; as root it runs in a private network namespace unless `--host`.
 */
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { canCreateDdsNetns, createDdsNetns, ddsLoopbackEnv, netnsLauncher, requireDdsTools, type DdsReliability } from './peers.js';

/** One per-second line of `ddsperf sub`. */
export interface DdsperfSubInterval {
  /** Seconds since the process started. */
  readonly t: number;
  readonly size: number;
  readonly total: number;
  readonly lost: number;
  readonly delta: number;
  readonly samplesPerSec: number;
  /** ddsperf's Mb/s (megabits of payload). */
  readonly mbitsPerSec: number;
}

/** One per-second line of `ddsperf ping` (round-trip times in microseconds). */
export interface DdsperfPingInterval {
  readonly t: number;
  readonly size: number;
  readonly meanUs: number;
  readonly minUs: number;
  readonly p50Us: number;
  readonly p90Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  readonly count: number;
}

const NUM = String.raw`([\d.]+)`;
const SUB_LINE = new RegExp(String.raw`^\[\d+\] ${NUM}\s+size (\d+) total (\d+) lost (\d+) delta (\d+) lost \d+ rate ${NUM} kS/s ${NUM} Mb/s`);
const PING_LINE = new RegExp(
  String.raw`^\[\d+\] ${NUM}\s+\S+ size (\d+) mean ${NUM}us min ${NUM}us 50% ${NUM}us 90% ${NUM}us 99% ${NUM}us max ${NUM}us cnt (\d+)`);

/** The data lines of `ddsperf sub` output (other lines ignored). */
export function parseDdsperfSub(output: string): DdsperfSubInterval[] {
  const out: DdsperfSubInterval[] = [];
  for (const line of output.split('\n')) {
    const m = SUB_LINE.exec(line.trim());
    if (m === null) continue;
    const [, t, size, total, lost, delta, ks, mb] = m.map(Number) as [number, number, number, number, number, number, number, number];
    out.push({ t, size, total, lost, delta, samplesPerSec: ks * 1000, mbitsPerSec: mb });
  }
  return out;
}

/** The data lines of `ddsperf ping` output (other lines ignored). */
export function parseDdsperfPing(output: string): DdsperfPingInterval[] {
  const out: DdsperfPingInterval[] = [];
  for (const line of output.split('\n')) {
    const m = PING_LINE.exec(line.trim());
    if (m === null) continue;
    const [, t, size, meanUs, minUs, p50Us, p90Us, p99Us, maxUs, count] = m.map(Number) as
      [number, number, number, number, number, number, number, number, number, number];
    out.push({ t, size, meanUs, minUs, p50Us, p90Us, p99Us, maxUs, count });
  }
  return out;
}

/** Throughput of one run, from the subscriber's side. */
export interface DdsperfThroughput {
  readonly size: number;
  readonly reliability: DdsReliability;
  /** Mean of the per-second rates, the first (warm-up) second left out when there are more than two. */
  readonly samplesPerSec: number;
  /** samplesPerSec × size / 10^6 (payload megabytes). */
  readonly mbytesPerSec: number;
  readonly received: number;
  readonly lost: number;
  readonly intervals: readonly DdsperfSubInterval[];
}

/** Round-trip latency of one run (ping → pong → ping), microseconds. */
export interface DdsperfLatency {
  readonly size: number;
  /**
   * ddsperf prints percentiles per second only; these are the per-second medians and 99th percentiles
   * averaged with the round-trip counts as weights (its first second is already left out by ddsperf).
   */
  readonly medianUs: number;
  readonly p99Us: number;
  readonly meanUs: number;
  readonly maxUs: number;
  readonly roundtrips: number;
  readonly intervals: readonly DdsperfPingInterval[];
}

/** Options of the runs. */
export interface DdsperfRunOptions {
  /** Sample size in octets, ddsperf's KS topic (≥ 12; default 1024). */
  readonly size?: number;
  /** Seconds the measuring side runs (`-D`, default 5). */
  readonly seconds?: number;
  /** Throughput only: `-u` for best-effort (default reliable). */
  readonly reliability?: DdsReliability;
  /** DDS domain (`-i`, default 0). */
  readonly domain?: number;
  /** Run both sides in this network namespace (see `createDdsNetns`), isolated from other DDS processes. */
  readonly netns?: string;
  readonly signal?: AbortSignal;
}

type DdsperfChild = ChildProcessByStdio<null, Readable, Readable>;

interface Proc {
  readonly child: DdsperfChild;
  output: string;
  readonly exited: Promise<number | null>;
  /** Resolves when a line matching `re` shows up (or the process exits). */
  waitLine(re: RegExp): Promise<boolean>;
}

function startDdsperf(args: readonly string[], netns: string | undefined): Proc {
  const [file, ...argv] = [...netnsLauncher(netns), 'ddsperf', ...args] as [string, ...string[]];
  const child = spawn(file, argv, { env: ddsLoopbackEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const waiters = new Set<{ re: RegExp; res: (ok: boolean) => void }>();
  const proc: Proc = {
    child,
    output: '',
    exited: new Promise((res) => {
      child.once('exit', (code) => {
        for (const w of waiters) w.res(false);
        waiters.clear();
        res(code);
      });
      child.once('error', (err) => { proc.output += `spawn error: ${err.message}\n`; res(null); });
    }),
    waitLine: (re) => new Promise((res) => {
      if (re.test(proc.output)) { res(true); return; }
      if (child.exitCode !== null || child.signalCode !== null) { res(false); return; }
      waiters.add({ re, res });
    }),
  };
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => { proc.output += d; });
  createInterface({ input: child.stdout }).on('line', (line) => {
    proc.output += `${line}\n`;
    for (const w of [...waiters]) if (w.re.test(line)) { waiters.delete(w); w.res(true); }
  });
  return proc;
}

/** SIGTERM, SIGKILL after 2 s, waits for the exit. */
async function stopDdsperf(p: Proc): Promise<void> {
  if (p.child.exitCode === null && p.child.signalCode === null && p.child.pid !== undefined) {
    p.child.kill('SIGTERM');
    const timer = setTimeout(() => { p.child.kill('SIGKILL'); }, 2000);
    await p.exited;
    clearTimeout(timer);
  }
  await p.exited;
}

/**
 * Runs a passive side (`sub`/`pong`), then the active one (`pub`/`ping`) for `seconds`, stops the
 * passive side 1.2 s after the active one ends; everything is killed by `seconds + 15` s at the latest.
 */
async function runPair(passive: readonly string[], active: readonly string[], seconds: number, netns?: string, signal?: AbortSignal): Promise<{ passive: string; active: string }> {
  await requireDdsTools('ddsperf');
  signal?.throwIfAborted();
  const procs: Proc[] = [];
  let timer: NodeJS.Timeout | undefined;
  const killAll = (): void => { for (const p of procs) void stopDdsperf(p); };
  signal?.addEventListener('abort', killAll, { once: true });
  try {
    const deadline = new Promise<never>((_, rej) => {
      timer = setTimeout(() => { killAll(); rej(new Error(`ddsperf ${active.join(' ')}: no result within ${seconds + 15} s`)); }, (seconds + 15) * 1000);
    });
    deadline.catch(() => undefined);
    const p = startDdsperf(passive, netns);
    procs.push(p);
    await Promise.race([p.waitLine(/participant \S+: new \(self\)/), deadline]);
    const a = startDdsperf(active, netns);
    procs.push(a);
    await Promise.race([a.exited, deadline]);
    await Promise.race([new Promise((r) => setTimeout(r, 1200)), deadline]);
    await Promise.race([stopDdsperf(p), deadline]);
    signal?.throwIfAborted();
    return { passive: p.output, active: a.output };
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', killAll);
    await Promise.all(procs.map(stopDdsperf));
  }
}

const common = (o: DdsperfRunOptions): string[] => ['-i', String(o.domain ?? 0)];

/** `ddsperf sub` + `ddsperf -D seconds pub size S` (as fast as possible). */
export async function runDdsperfThroughput(options: DdsperfRunOptions = {}): Promise<DdsperfThroughput> {
  const size = options.size ?? 1024;
  const seconds = options.seconds ?? 5;
  const reliability = options.reliability ?? 'reliable';
  const qos = reliability === 'best-effort' ? ['-u'] : [];
  const out = await runPair(
    [...common(options), ...qos, '-D', String(seconds + 5), 'sub'],
    [...common(options), ...qos, '-D', String(seconds), 'pub', 'size', String(size)],
    seconds, options.netns, options.signal);
  const all = parseDdsperfSub(out.passive);
  if (all.length === 0) throw new Error(`ddsperf sub printed no data line:\n${out.passive.slice(-2000)}\npub:\n${out.active.slice(-2000)}`);
  // Intervals after the publisher left carry no data; the first includes discovery.
  const data = all.filter((i) => i.delta > 0);
  const steady = data.length > 2 ? data.slice(1) : data;
  const samplesPerSec = steady.reduce((s, i) => s + i.samplesPerSec, 0) / Math.max(1, steady.length);
  const last = all[all.length - 1];
  return {
    size, reliability, samplesPerSec, mbytesPerSec: (samplesPerSec * size) / 1e6,
    received: last?.total ?? 0, lost: last?.lost ?? 0, intervals: all,
  };
}

/** `ddsperf pong` + `ddsperf -D seconds ping size S` (a ping whenever the previous pong arrived). */
export async function runDdsperfLatency(options: DdsperfRunOptions = {}): Promise<DdsperfLatency> {
  const size = options.size ?? 1024;
  const seconds = options.seconds ?? 5;
  const out = await runPair(
    [...common(options), '-D', String(seconds + 5), 'pong'],
    [...common(options), '-D', String(seconds), 'ping', 'size', String(size)],
    seconds, options.netns, options.signal);
  const intervals = parseDdsperfPing(out.active);
  const roundtrips = intervals.reduce((s, i) => s + i.count, 0);
  if (roundtrips === 0) throw new Error(`ddsperf ping printed no data line:\n${out.active.slice(-2000)}\npong:\n${out.passive.slice(-2000)}`);
  const weighted = (f: (i: DdsperfPingInterval) => number): number => intervals.reduce((s, i) => s + f(i) * i.count, 0) / roundtrips;
  return {
    size, medianUs: weighted((i) => i.p50Us), p99Us: weighted((i) => i.p99Us), meanUs: weighted((i) => i.meanUs),
    maxUs: Math.max(...intervals.map((i) => i.maxUs)), roundtrips, intervals,
  };
}

/** The sizes `bench/dataplane` compares: 64 B, 1 KB, 64 KB. */
export const DDSPERF_SIZES = [64, 1024, 65536] as const;

/** Throughput and latency for every size, one pair at a time (about 2 × sizes × (seconds + 2) s). */
export async function runDdsperfSuite(options: Omit<DdsperfRunOptions, 'size'> & { readonly sizes?: readonly number[] } = {}): Promise<{
  readonly throughput: readonly DdsperfThroughput[];
  readonly latency: readonly DdsperfLatency[];
}> {
  const throughput: DdsperfThroughput[] = [];
  const latency: DdsperfLatency[] = [];
  for (const size of options.sizes ?? DDSPERF_SIZES) {
    throughput.push(await runDdsperfThroughput({ ...options, size }));
    latency.push(await runDdsperfLatency({ ...options, size }));
  }
  return { throughput, latency };
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const seconds = Number(process.argv[2] ?? 5);
  // As root, in a private namespace (only lo), so that other DDS processes on the machine do not interfere.
  const ns = process.argv.includes('--host') || !canCreateDdsNetns() ? undefined : await createDdsNetns();
  try {
    const r = await runDdsperfSuite({ seconds, ...(ns === undefined ? {} : { netns: ns.name }) });
    const round = (x: number): number => Math.round(x * 10) / 10;
    process.stdout.write(`${JSON.stringify({
      netns: ns !== undefined,
      throughput: r.throughput.map((t) => ({ size: t.size, samplesPerSec: Math.round(t.samplesPerSec), mbytesPerSec: round(t.mbytesPerSec), lost: t.lost })),
      latency: r.latency.map((l) => ({ size: l.size, medianUs: round(l.medianUs), p99Us: round(l.p99Us), roundtrips: l.roundtrips })),
    }, null, 2)}\n`);
  } finally {
    await ns?.close();
  }
}
