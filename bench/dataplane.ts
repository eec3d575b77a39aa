/**
 * Data-plane benchmark: our DataWriter → DataReader in two processes over real loopback UDP, side by
 * side in the same run with Cyclone DDS `ddsperf` (test/interop/dds/ddsperf.ts), for 64 B, 1 KB and
 * 64 KB samples.
 *
 * - Throughput: `pub` writes as fast as keep-all back-pressure lets it for `--seconds`; `sub` counts
 *   per second (the first second left out, as the ddsperf parser does). samples/s and MB/s (payload
 *   octets / 10^6).
 * - Latency: `ping` writes one sample, `pong` writes it back on a second topic, `ping` waits for it:
 *   round-trip median and p99 in µs (the first second left out, as ddsperf does).
 *
 * QoS as ddsperf's: RELIABLE, KEEP_ALL with max_samples 10,000 (ddsperf's data writer/reader), a
 * keyed type of the same shape as its `KeyedSeq` (`seq`, `keyval` key, `sequence<octet> baggage`,
 * sized so the sample is `size` octets). Transport: no ICE, SPDP unicast to the loopback ports of
 * participant ids 0/1 (no multicast), heartbeat period 100 ms and response delays 0 (Cyclone answers
 * HEARTBEATs at once and piggy-backs them on bursts; our burst HEARTBEAT does the latter).
 *
 * As root, both of our processes and both ddsperf processes run in one private network namespace
 * holding only `lo` (created and removed here); otherwise on the host's loopback with a domain id
 * derived from the pid.
 *
 * Round trips also run a bare `node:dgram` ping-pong of the same size between two processes in the
 * same place (`against: { 'node-dgram': … }`): the floor any Node.js stack starts from.
 *
 * Usage: `npx tsx bench/dataplane.ts [--json] [--seconds N] [--sizes 64,1024,65536] [--no-ddsperf]
 * [--max-message-size 14720] [--busy-poll-us 500]` (busy polling of the second round-trip phase; 0 skips it)
 * (children: `--role pub|sub|ping|pong`).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { DdsConfigInput } from '../src/dds/index.js';
import { DomainParticipant } from '../src/dds/index.js';
import { BusyPoller } from '../src/transport/busy-poll.js';
import { runDdsperfLatency, runDdsperfThroughput } from '../test/interop/dds/ddsperf.js';
import { canCreateDdsNetns, createDdsNetns, netnsLauncher, type DdsNetns } from '../test/interop/dds/peers.js';
import { printResults, type BenchResult } from './support/report.js';

const KS_IDL = 'struct KeyedSeq { unsigned long seq; @key unsigned long keyval; sequence<octet> baggage; };';
/** seq + keyval + sequence length. */
const KS_OVERHEAD = 12;
const HISTORY = { reliability: 'reliable', history: 'keep-all', maxSamples: 10_000 } as const;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? undefined : process.argv[i + 1];
}

/**
 * Largest RTPS message: Cyclone DDS's default `MaxMessageSize` (14,720), so both stacks batch
 * samples into datagrams of the same size (ours defaults to 1,400 for NAT paths; OpenDDS 65,466).
 */
const MAX_MESSAGE_SIZE = Number(arg('max-message-size') ?? 14_720);

/**
 * Busy polling window of the second round-trip phase, µs (`busy_poll_us`; 0 skips that phase).
 * Long enough to span a round trip, so both sides poll from one message to the next.
 */
const BUSY_POLL_US = Number(arg('busy-poll-us') ?? 500);

function benchConfig(domainId: number, busyPollUs = 0): DdsConfigInput {
  const base = 7400 + 250 * domainId + 10;
  return {
    rtpsDiscovery: { spdpSendAddrs: `127.0.0.1:${base},127.0.0.1:${base + 2}`, resendPeriod: 1, leaseDuration: 10 },
    transport: { heartbeatPeriod: 100, heartbeatResponseDelay: 0, nakResponseDelay: 0, maxMessageSize: MAX_MESSAGE_SIZE, busyPollUs },
  };
}

const report = (o: object): void => { process.stdout.write(`${JSON.stringify(o)}\n`); };
const sleep = (ms: number): Promise<void> => new Promise((r) => { setTimeout(r, ms); });
const yieldIo = (): Promise<void> => new Promise((r) => { setImmediate(r); });

/** Octet sequences take and give `Uint8Array` (bulk copies), as ddsperf's baggage is raw octets. */
function baggageOf(size: number): Uint8Array {
  return Uint8Array.from({ length: Math.max(0, size - KS_OVERHEAD) }, (_, i) => i & 0xff);
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

// ---- child roles ----

/**
 * With `DATAPLANE_PROF=<dir>`, a child profiles only its measured phase (start-up, discovery and
 * teardown left out) and writes `<dir>/<role>-<size>.cpuprofile`; with `DATAPLANE_HEAP=<dir>`
 * instead, a sampling heap profile of what survived the young generation, `<role>-<size>.heapprofile`.
 */
async function phaseProfiler(role: string): Promise<{ stop(): Promise<void> }> {
  const dir = process.env['DATAPLANE_PROF'];
  const heapDir = process.env['DATAPLANE_HEAP'];
  if (dir === undefined && heapDir === undefined) return { stop: () => Promise.resolve() };
  const { Session } = await import('node:inspector/promises');
  const { writeFile } = await import('node:fs/promises');
  const session = new Session();
  session.connect();
  if (heapDir !== undefined) {
    // Objects sampled during the phase that no scavenge collected: what is live at its end, plus
    // what scavenges promoted to the old generation (the cost of each scavenge, and the major GCs).
    await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true });
    return {
      stop: async () => {
        const { profile } = await session.post('HeapProfiler.stopSampling');
        await writeFile(`${heapDir}/${role}-${arg('size') ?? ''}.heapprofile`, JSON.stringify(profile));
        session.disconnect();
      },
    };
  }
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(`${dir}/${role}-${arg('size') ?? ''}.cpuprofile`, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** CPU µs (user + system) this process spent since `from`, per `n` samples. */
function cpuUsPerSample(from: NodeJS.CpuUsage, n: number): number {
  const d = process.cpuUsage(from);
  return Math.round(((d.user + d.system) / Math.max(1, n)) * 100) / 100;
}

/**
 * The floor of any Node.js stack: a bare `node:dgram` ping-pong of `size` octets between two
 * processes, on the same loopback (no RTPS, no DDS). `raw-pong` echoes from port 7399 + domain;
 * `raw-ping` measures as `ping` does.
 */
async function rawChild(role: string): Promise<void> {
  const { createSocket } = await import('node:dgram');
  const size = Number(arg('size'));
  const seconds = Number(arg('seconds'));
  const port = 17_000 + Number(arg('domain'));
  const socket = createSocket('udp4');
  // The same busy polling as `busy_poll_us` (src/transport/busy-poll.ts), for the floor of that mode.
  const busyPollUs = Number(arg('busy-poll') ?? 0);
  const poller = busyPollUs > 0 ? new BusyPoller(busyPollUs) : undefined;
  if (poller !== undefined) socket.on('message', () => { poller.activity(); });
  if (role === 'raw-pong') {
    socket.on('message', (m, r) => { poller?.activity(); socket.send(m, r.port, r.address); });
    await new Promise<void>((r) => { socket.bind(port, '127.0.0.1', r); });
    report({ event: 'ready' });
    await sleep((seconds + 5) * 1000);
    report({ event: 'result' });
    socket.close();
    return;
  }
  await new Promise<void>((r) => { socket.bind(0, '127.0.0.1', r); });
  const payload = new Uint8Array(Math.min(size, 65_000));
  const rtts: number[] = [];
  const start = performance.now();
  const end = start + seconds * 1000;
  await new Promise<void>((done) => {
    let t = 0;
    const send = (): void => { t = performance.now(); poller?.activity(); socket.send(payload, port, '127.0.0.1'); };
    socket.on('message', () => {
      const now = performance.now();
      if (t - start >= 1000) rtts.push((now - t) * 1000);
      if (now < end) send();
      else done();
    });
    send();
  });
  socket.close();
  rtts.sort((a, b) => a - b);
  report({ event: 'result', roundtrips: rtts.length, medianUs: percentile(rtts, 0.5), p99Us: percentile(rtts, 0.99) });
}

async function child(role: string): Promise<void> {
  if (role.startsWith('raw-')) { await rawChild(role); return; }
  const domainId = Number(arg('domain'));
  const size = Number(arg('size'));
  const seconds = Number(arg('seconds'));
  const guard = new AbortController();
  const hard = setTimeout(() => { report({ event: 'timeout' }); guard.abort(new Error('timeout')); process.exit(3); }, (seconds + 30) * 1000);
  const p = await DomainParticipant.create({ domainId, ips: ['127.0.0.1'], multicast: false, config: benchConfig(domainId, Number(arg('busy-poll') ?? 0)), signal: guard.signal });
  const signal = guard.signal;
  try {
    if (role === 'sub') {
      const reader = p.createDataReader(p.createTopic('KS', 'KeyedSeq', KS_IDL), HISTORY);
      let received = 0;
      let bad = 0;
      let next = 1;
      let last = 0;
      const buckets: number[] = [];
      let t0 = 0;
      let cpu0 = process.cpuUsage();
      reader.on('data', (s) => {
        const now = performance.now();
        if (received === 0) { t0 = now; cpu0 = process.cpuUsage(); }
        received++;
        last = now;
        if (s.seq !== next) bad++;
        next = (s.seq as number) + 1;
        const b = Math.floor((now - t0) / 1000);
        buckets[b] = (buckets[b] ?? 0) + 1;
      });
      report({ event: 'ready' });
      await reader.waitForMatch({ signal });
      const prof = await phaseProfiler(role);
      // Until 1.5 s without data after the first sample (the publisher has finished).
      const end = Date.now() + (seconds + 25) * 1000;
      let cpuUs = 0;
      while (Date.now() < end && (received === 0 || performance.now() - last < 1500)) {
        await sleep(50);
        if (received > 0 && performance.now() - last < 100) cpuUs = cpuUsPerSample(cpu0, received);
      }
      await prof.stop();
      report({ event: 'result', received, bad, buckets: Array.from(buckets, (x: number | undefined) => x ?? 0), spanMs: last - t0, cpuUsPerSample: cpuUs });
    } else if (role === 'pub') {
      const writer = p.createDataWriter(p.createTopic('KS', 'KeyedSeq', KS_IDL), HISTORY);
      await writer.waitForMatch({ signal });
      await sleep(300); // let SEDP settle on both sides (the reader matches too)
      const baggage = baggageOf(size);
      const writeOptions = { signal };
      const prof = await phaseProfiler(role);
      const cpu0 = process.cpuUsage();
      const end = performance.now() + seconds * 1000;
      let seq = 0;
      const dbg = process.env['DATAPLANE_DEBUG'] === undefined ? undefined
        : setInterval(() => { process.stderr.write(`pub seq ${seq} history ${writer.historySize} ${JSON.stringify(p.transportStats())}\n`); }, 500);
      while (performance.now() < end) {
        for (let i = 0; i < 64; i++) await writer.write({ seq: ++seq, keyval: 0, baggage }, writeOptions);
        await yieldIo();
      }
      clearInterval(dbg);
      const cpuUs = cpuUsPerSample(cpu0, seq);
      await prof.stop();
      await writer.waitForAcknowledgments({ signal });
      report({ event: 'result', written: seq, cpuUsPerSample: cpuUs });
    } else if (role === 'pong') {
      const reader = p.createDataReader(p.createTopic('Ping', 'KeyedSeq', KS_IDL), HISTORY);
      const writer = p.createDataWriter(p.createTopic('Pong', 'KeyedSeq', KS_IDL), HISTORY);
      let n = 0;
      reader.on('data', (s) => { n++; void writer.write(s).catch(() => undefined); });
      report({ event: 'ready' });
      await reader.waitForMatch({ signal });
      await writer.waitForMatch({ signal });
      // Until the ping side closes (its reader unmatches) or the hard bound.
      const end = Date.now() + (seconds + 25) * 1000;
      while (Date.now() < end && reader.matchedWriters.length > 0) await sleep(50);
      report({ event: 'result', echoed: n });
    } else if (role === 'ping') {
      const writer = p.createDataWriter(p.createTopic('Ping', 'KeyedSeq', KS_IDL), HISTORY);
      const reader = p.createDataReader(p.createTopic('Pong', 'KeyedSeq', KS_IDL), HISTORY);
      await writer.waitForMatch({ signal });
      await reader.waitForMatch({ signal });
      await sleep(300);
      const baggage = baggageOf(size);
      let wake: (() => void) | undefined;
      let lastSeq = 0;
      reader.on('data', (s) => { lastSeq = s.seq as number; wake?.(); });
      const prof = await phaseProfiler(role);
      const cpu0 = process.cpuUsage();
      const rtts: number[] = [];
      const start = performance.now();
      const end = start + seconds * 1000;
      for (let seq = 1; performance.now() < end; seq++) {
        const t = performance.now();
        const got = new Promise<void>((r) => { wake = r; });
        await writer.write({ seq, keyval: 0, baggage }, { signal });
        while (lastSeq < seq) await got;
        const done = performance.now();
        if (t - start >= 1000) rtts.push((done - t) * 1000);
      }
      const cpuUs = cpuUsPerSample(cpu0, rtts.length);
      await prof.stop();
      rtts.sort((a, b) => a - b);
      report({ event: 'result', roundtrips: rtts.length, medianUs: percentile(rtts, 0.5), p99Us: percentile(rtts, 0.99), cpuUsPerRoundTrip: cpuUs });
    }
  } finally {
    clearTimeout(hard);
    await sleep(200);
    await p.close();
  }
}

// ---- orchestrator ----

interface ChildResult { readonly [k: string]: unknown }

function startChild(role: string, domain: number, size: number, seconds: number, ns: DdsNetns | undefined, busyPollUs = 0): { ready: Promise<void>; result: Promise<ChildResult>; kill(): Promise<void> } {
  const file = fileURLToPath(import.meta.url);
  const argv = [...netnsLauncher(ns?.name), process.execPath, ...process.execArgv.filter((a) => !a.startsWith('--cpu-prof')), '--import', 'tsx', file,
    '--role', role, '--domain', String(domain), '--size', String(size), '--seconds', String(seconds), '--max-message-size', String(MAX_MESSAGE_SIZE), '--busy-poll', String(busyPollUs)];
  const [cmd, ...rest] = argv as [string, ...string[]];
  const c = spawn(cmd, rest, { stdio: ['ignore', 'pipe', 'inherit'] });
  let onReady: () => void = () => undefined;
  const ready = new Promise<void>((r) => { onReady = r; });
  const result = new Promise<ChildResult>((resolve, reject) => {
    createInterface({ input: c.stdout }).on('line', (line) => {
      let o: ChildResult;
      try { o = JSON.parse(line) as ChildResult; } catch { return; }
      if (o['event'] === 'ready') onReady();
      if (o['event'] === 'result') resolve(o);
      if (o['event'] === 'timeout') reject(new Error(`${role}: timeout`));
    });
    c.once('exit', (code) => { onReady(); reject(new Error(`${role} exited with ${code}`)); });
  });
  result.catch(() => undefined);
  const exited = new Promise<void>((r) => { if (c.exitCode !== null || c.signalCode !== null) r(); else c.once('exit', () => { r(); }); });
  // A child exits by itself after its result (close, then exit); SIGKILL after 3 s.
  const kill = async (): Promise<void> => {
    const t = setTimeout(() => { c.kill('SIGKILL'); }, 3000);
    await exited;
    clearTimeout(t);
  };
  return { ready, result, kill };
}

async function ours(size: number, seconds: number, domain: number, ns: DdsNetns | undefined): Promise<{
  samplesPerSec: number; lostOrBad: number; writerCpuUs: number; readerCpuUs: number; rtt: RoundTrips; busy: RoundTrips | undefined;
}> {
  const sub = startChild('sub', domain, size, seconds, ns);
  await sub.ready;
  const pub = startChild('pub', domain, size, seconds, ns);
  let samplesPerSec: number;
  let lostOrBad: number;
  let writerCpuUs: number;
  let readerCpuUs: number;
  try {
    const [s, w] = await Promise.all([sub.result, pub.result]);
    const buckets = s['buckets'] as number[];
    const full = buckets.slice(0, -1); // the last bucket is partial
    const steady = full.length > 2 ? full.slice(1) : full;
    samplesPerSec = steady.length > 0 ? steady.reduce((a, b) => a + b, 0) / steady.length : (s['received'] as number) / Math.max(1e-3, (s['spanMs'] as number) / 1000);
    lostOrBad = (w['written'] as number) - (s['received'] as number) + (s['bad'] as number);
    writerCpuUs = w['cpuUsPerSample'] as number;
    readerCpuUs = s['cpuUsPerSample'] as number;
  } finally {
    await Promise.all([sub.kill(), pub.kill()]);
  }
  const rtt = await roundTrips(size, seconds, domain, ns, 0);
  const busy = BUSY_POLL_US > 0 ? await roundTrips(size, seconds, domain, ns, BUSY_POLL_US) : undefined;
  return { samplesPerSec, lostOrBad, writerCpuUs, readerCpuUs, rtt, busy };
}

interface RoundTrips {
  readonly medianUs: number;
  readonly p99Us: number;
  /** CPU of the ping process per round trip (µs): what busy polling costs. */
  readonly cpuUs: number;
  readonly rawMedianUs: number;
  readonly rawP99Us: number;
}

/** Our ping/pong, then the bare node:dgram one, with `busyPollUs` of busy polling on both sides (0 = off). */
async function roundTrips(size: number, seconds: number, domain: number, ns: DdsNetns | undefined, busyPollUs: number): Promise<RoundTrips> {
  const pong = startChild('pong', domain, size, seconds, ns, busyPollUs);
  await pong.ready;
  const ping = startChild('ping', domain, size, seconds, ns, busyPollUs);
  let r: ChildResult;
  try {
    [r] = await Promise.all([ping.result, pong.result]);
  } finally {
    await Promise.all([ping.kill(), pong.kill()]);
  }
  const rawPong = startChild('raw-pong', domain, size, Math.min(seconds, 3), ns, busyPollUs);
  await rawPong.ready;
  const rawPing = startChild('raw-ping', domain, size, Math.min(seconds, 3), ns, busyPollUs);
  try {
    const [raw] = await Promise.all([rawPing.result]);
    return {
      medianUs: r['medianUs'] as number, p99Us: r['p99Us'] as number, cpuUs: r['cpuUsPerRoundTrip'] as number,
      rawMedianUs: raw['medianUs'] as number, rawP99Us: raw['p99Us'] as number,
    };
  } finally {
    await Promise.all([rawPing.kill(), rawPong.kill()]);
  }
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const seconds = Number(arg('seconds') ?? 5);
  const sizes = (arg('sizes') ?? '64,1024,65536').split(',').map(Number);
  const withDdsperf = !process.argv.includes('--no-ddsperf');
  const ns = canCreateDdsNetns() ? await createDdsNetns() : undefined;
  const domain = ns === undefined ? 150 + (process.pid % 80) : 7;
  const results: BenchResult[] = [];
  const sizeName = (s: number): string => (s >= 1024 ? `${s / 1024}k` : `${s}`);
  try {
    for (const size of sizes) {
      const o = await ours(size, seconds, domain, ns);
      const t = withDdsperf ? await runDdsperfThroughput({ size, seconds, domain: domain + 1, ...(ns !== undefined && { netns: ns.name }) }) : undefined;
      const l = withDdsperf ? await runDdsperfLatency({ size, seconds, domain: domain + 1, ...(ns !== undefined && { netns: ns.name }) }) : undefined;
      const n = sizeName(size);
      const cy = (v: number | undefined): { against?: Record<string, number> } => (v === undefined ? {} : { against: { cyclonedds: Math.round(v * 10) / 10 } });
      results.push({ suite: 'dataplane', metric: `throughput.${n}.samplesPerSec`, unit: 'samples/s', value: Math.round(o.samplesPerSec), ...cy(t?.samplesPerSec) });
      results.push({ suite: 'dataplane', metric: `throughput.${n}.MBps`, unit: 'MB/s', value: Math.round((o.samplesPerSec * size) / 1e5) / 10, ...cy(t?.mbytesPerSec) });
      // CPU (user + system) per sample of each process during the throughput phase.
      results.push({ suite: 'dataplane', metric: `throughput.${n}.writerCpuPerSample`, unit: 'us', value: o.writerCpuUs });
      results.push({ suite: 'dataplane', metric: `throughput.${n}.readerCpuPerSample`, unit: 'us', value: o.readerCpuUs });
      // `node-dgram` is the floor of any Node.js implementation on this machine: bare sockets, same size.
      const withFloor = (v: number | undefined, floor: number): { against: Record<string, number> } => ({
        against: { ...(v !== undefined && { cyclonedds: Math.round(v * 10) / 10 }), 'node-dgram': Math.round(floor * 10) / 10 },
      });
      const r1 = (v: number): number => Math.round(v * 10) / 10;
      results.push({ suite: 'dataplane', metric: `rtt.${n}.median`, unit: 'us', value: r1(o.rtt.medianUs), ...withFloor(l?.medianUs, o.rtt.rawMedianUs) });
      results.push({ suite: 'dataplane', metric: `rtt.${n}.p99`, unit: 'us', value: r1(o.rtt.p99Us), ...withFloor(l?.p99Us, o.rtt.rawP99Us) });
      if (o.busy !== undefined) {
        // `busy_poll_us` on both sides; `node-dgram` is then the bare ping-pong with the same polling.
        results.push({ suite: 'dataplane', metric: `rtt.${n}.medianBusyPoll`, unit: 'us', value: r1(o.busy.medianUs), ...withFloor(l?.medianUs, o.busy.rawMedianUs) });
        results.push({ suite: 'dataplane', metric: `rtt.${n}.p99BusyPoll`, unit: 'us', value: r1(o.busy.p99Us), ...withFloor(l?.p99Us, o.busy.rawP99Us) });
        results.push({ suite: 'dataplane', metric: `rtt.${n}.cpuPerRoundTripBusyPoll`, unit: 'us', value: o.busy.cpuUs, against: { 'without-busy-poll': o.rtt.cpuUs } });
      }
      if (t !== undefined && l !== undefined) {
        results.push({ suite: 'dataplane', metric: `ratio.${n}.throughput`, unit: 'ours/cyclone', value: Math.round((o.samplesPerSec / t.samplesPerSec) * 1000) / 1000 });
        results.push({ suite: 'dataplane', metric: `ratio.${n}.rttMedian`, unit: 'ours/cyclone', value: Math.round((o.rtt.medianUs / l.medianUs) * 100) / 100 });
        if (o.busy !== undefined) results.push({ suite: 'dataplane', metric: `ratio.${n}.rttMedianBusyPoll`, unit: 'ours/cyclone', value: Math.round((o.busy.medianUs / l.medianUs) * 100) / 100 });
      }
      results.push({ suite: 'dataplane', metric: `ratio.${n}.rttMedianVsNodeDgram`, unit: 'ours/node-dgram', value: Math.round((o.rtt.medianUs / o.rtt.rawMedianUs) * 100) / 100 });
      if (o.lostOrBad !== 0) results.push({ suite: 'dataplane', metric: `throughput.${n}.lostOrOutOfOrder`, unit: 'samples', value: o.lostOrBad });
    }
  } finally {
    await ns?.close();
  }
  printResults(results, json);
}

const role = arg('role');
if (role !== undefined) await child(role);
else await main();
