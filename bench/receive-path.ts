/**
 * The subscriber's receive path in isolation: two DomainParticipants on simnet (virtual time, one
 * process), a reliable keep-all writer of the `bench:dataplane` type (`KeyedSeq`, octet-sequence
 * payload) and a reader. The figure is the CPU time spent in the subscriber transport's
 * `TransportEngine.receive` per delivered sample: decode, routing, the reader core, the DataReader
 * (user decode included), its ACKNACKs. No kernel, socket or event-loop time; the writer side is not
 * counted. `TransportEngine.prototype.receive` is wrapped to time each engine separately; the
 * subscriber is the engine that received the most bytes.
 *
 * Usage: `npx tsx bench/receive-path.ts [--json] [--sizes 64,1024] [--samples N] [--rounds 5]`.
 * Each round is a fresh pair of participants; the minimum and the median over rounds are reported.
 */
import { DomainParticipant } from '../src/dds/index.js';
import { VirtualNetwork } from '../src/simnet/index.js';
import { TransportEngine } from '../src/transport/transport-engine.js';
import { SeededRandom } from '../src/util/prng.js';
import type { BenchResult } from './support/report.js';
import { printResults } from './support/report.js';

const KS_IDL = 'struct KeyedSeq { unsigned long seq; @key unsigned long keyval; sequence<octet> baggage; };';
/** seq + keyval + sequence length. */
const KS_OVERHEAD = 12;
const HISTORY = { reliability: 'reliable', history: 'keep-all', maxSamples: 10_000 } as const;

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface EngineTime { ns: number; calls: number; bytes: number }
const perEngine = new Map<unknown, EngineTime>();
let isTiming = false;
const proto = TransportEngine.prototype as unknown as { receive: (this: unknown, bytes: Uint8Array) => unknown };
const receive = proto.receive;
proto.receive = function timedReceive(this: unknown, bytes: Uint8Array): unknown {
  if (!isTiming) return receive.call(this, bytes);
  let e = perEngine.get(this);
  if (e === undefined) perEngine.set(this, (e = { ns: 0, calls: 0, bytes: 0 }));
  const t0 = process.hrtime.bigint();
  try {
    return receive.call(this, bytes);
  } finally {
    e.ns += Number(process.hrtime.bigint() - t0);
    e.calls++;
    e.bytes += bytes.length;
  }
};

async function drive(net: VirtualNetwork, cond: () => boolean, maxVirtualMs: number, stepMs: number): Promise<void> {
  const start = net.now();
  while (!cond()) {
    if (net.now() - start > maxVirtualMs) throw new Error(`not done within ${maxVirtualMs} virtual ms`);
    net.runFor(stepMs);
    await new Promise<void>((r) => { setImmediate(r); });
  }
}

async function participant(net: VirtualNetwork, host: ReturnType<VirtualNetwork['addHost']>, seed: number, peer: string): Promise<DomainParticipant> {
  const rng = new SeededRandom(seed);
  let p: DomainParticipant | undefined;
  let failure: unknown;
  DomainParticipant.create({ domainId: 4, network: host, timers: net.timers, randomBytes: (n) => rng.bytes(n), config: { rtpsDiscovery: { spdpSendAddrs: peer } } })
    .then((x) => { p = x; }, (err: unknown) => { failure = err; });
  await drive(net, () => p !== undefined || failure !== undefined, 2_000, 10);
  if (p === undefined) throw failure instanceof Error ? failure : new Error('participant not created');
  return p;
}

/** One round: µs of subscriber receive per sample, and samples per datagram. */
async function round(size: number, samples: number): Promise<{ usPerSample: number; samplesPerDatagram: number }> {
  const net = new VirtualNetwork({ seed: 1, recordTrace: false });
  const ha = net.addHost('a', { ips: ['10.0.0.1'], link: { delayMs: 0 } });
  const hb = net.addHost('b', { ips: ['10.0.0.2'], link: { delayMs: 0 } });
  const a = await participant(net, ha, 1, '10.0.0.2:8410');
  const b = await participant(net, hb, 2, '10.0.0.1:8410');
  try {
    const writer = a.createDataWriter(a.createTopic('KS', 'KeyedSeq', KS_IDL), HISTORY);
    const reader = b.createDataReader(b.createTopic('KS', 'KeyedSeq', KS_IDL), HISTORY);
    let received = 0;
    let bad = 0;
    reader.on('data', (s) => { received++; if (s.seq !== received) bad++; });
    let isMatched = false;
    void Promise.all([writer.waitForMatch(), reader.waitForMatch()]).then(() => { isMatched = true; });
    await drive(net, () => isMatched, 20_000, 10);
    const baggage = new Uint8Array(Math.max(0, size - KS_OVERHEAD)).fill(7);
    perEngine.clear();
    isTiming = true;
    let written = 0;
    let failure: unknown;
    void (async () => { for (; written < samples; written++) await writer.write({ seq: written + 1, keyval: 1, baggage }); })().catch((err: unknown) => { failure = err; });
    await drive(net, () => received >= samples || failure !== undefined, 600_000, 1);
    isTiming = false;
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error('write failed');
    if (bad !== 0) throw new Error(`${bad} samples out of order`);
    const sub = [...perEngine.values()].sort((x, y) => y.bytes - x.bytes)[0];
    if (sub === undefined) throw new Error('nothing received');
    return { usPerSample: sub.ns / 1000 / received, samplesPerDatagram: received / sub.calls };
  } finally {
    isTiming = false;
    await a.close();
    await b.close();
  }
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const sizes = (arg('sizes') ?? '64,1024').split(',').map(Number);
  const samples = Number(arg('samples') ?? 60_000);
  const rounds = Number(arg('rounds') ?? 5);
  const results: BenchResult[] = [];
  for (const size of sizes) {
    const us: number[] = [];
    let perDatagram = 0;
    for (let i = 0; i < rounds; i++) {
      const r = await round(size, samples);
      us.push(r.usPerSample);
      perDatagram = r.samplesPerDatagram;
    }
    us.sort((x, y) => x - y);
    const label = size >= 1024 ? `${size / 1024}k` : String(size);
    results.push({ suite: 'receive-path', metric: `${label}.usPerSample.min`, unit: 'us', value: us[0] ?? Number.NaN });
    results.push({ suite: 'receive-path', metric: `${label}.usPerSample.median`, unit: 'us', value: us[Math.floor(us.length / 2)] ?? Number.NaN });
    results.push({ suite: 'receive-path', metric: `${label}.samplesPerDatagram`, unit: 'samples', value: perDatagram });
  }
  printResults(results, json);
}

await main();
