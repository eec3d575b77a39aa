/**
 * `bench/relay`: the RtpsRelay's forwarding cost, added latency and memory per client.
 *
 * - `forward.undirected.throughput` / `.cpuPerDatagram`: 1,000 raw-datagram clients on simnet, 100
 *   partitions of 10 clients, all admitted by one `RelayServer`; each client sends ROUNDS undirected
 *   DATA datagrams, each forwarded to the 9 others of its partition. Virtual time costs nothing, so the
 *   figure is CPU time (user + system, `process.cpuUsage`) per forwarded datagram, simnet delivery
 *   included; `against.direct` is the same clients sending the same datagrams straight to their 9
 *   peers (simnet alone), so relay cost ≈ value − direct.
 * - `forward.directed.*`: the same with INFO_DST to one peer (routing by destination).
 * - `forward.twoRelays.*`: 500 clients on each of two relays (relay domain on simnet), every partition
 *   spread over both; forwarded = vertical + horizontal sends of both relays.
 * - `latency.loopback.median` / `.p99`: real UDP on 127.0.0.1, relay in this process: one client sends
 *   DATA to the relay, the relay forwards it to the other client; µs from send to receive, one datagram
 *   in flight at a time, LATENCY_SAMPLES samples after a warm-up; `against.direct` = the same clients
 *   sending to each other directly. Added latency = value − direct.
 * - `memory.perClient`: V8 heap bytes per admitted client (three addresses, a cached 52-byte SPDP
 *   message, one endpoint with one partition) in `GuidAddrSet` + `PartitionTable`, 10,000 clients,
 *   after forced GC in a child process (`--expose-gc`), after minus before, divided by 10,000.
 *
 * OpenDDS's RtpsRelay is not installed on this machine (no OpenDDS build), so `against` holds only the
 * direct (no relay) figures of the same run.
 *
 * Run: `npx tsx bench/relay.ts` (table) or `npm run bench:relay -- --json` (one JSON object a line).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GuidAddrSet, PartitionTable, RelayServer, type RelayPortType } from '../src/relay/index.js';
import { VirtualNetwork } from '../src/simnet/index.js';
import { RealTimerService, UdpNetwork } from '../src/transport/index.js';
import { transportAddress, type TransportAddress } from '../src/util/address.js';
import { ManualClock } from '../src/util/clock.js';
import type { DatagramSocket } from '../src/util/datagram-io.js';
import { silentLogger } from '../src/util/logger.js';
import { SeededRandom } from '../src/util/prng.js';
import { prefixOf, rtps, stunRequest } from '../test/relay/relay-fixtures.js';
import { printResults, type BenchResult } from './support/report.js';
import { heapUsedAfterGc } from './support/memory.js';

const execFileAsync = promisify(execFile);
const CLIENTS = 1000;
const PARTITION_SIZE = 10;
const ROUNDS = 20;
const LATENCY_SAMPLES = 2000;
const MEMORY_CLIENTS = 10_000;
const PORTS: readonly RelayPortType[] = ['spdp', 'sedp', 'data'];

interface SimClient {
  readonly n: number;
  readonly sockets: Readonly<Record<RelayPortType, DatagramSocket>>;
}

function cpuNs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
}

async function simClients(net: VirtualNetwork, count: number, firstN = 1): Promise<SimClient[]> {
  const out: SimClient[] = [];
  for (let h = 0; h * 100 < count; h++) {
    const ip = `10.${firstN > 1 ? 2 : 1}.${h}.1`;
    const host = net.addHost(`h${firstN}-${h}`, { ips: [ip] });
    for (let i = 0; i < 100 && h * 100 + i < count; i++) {
      const n = firstN + h * 100 + i;
      const port = 20_000 + i * 3;
      out.push({ n, sockets: { spdp: await host.bind(ip, port), sedp: await host.bind(ip, port + 1), data: await host.bind(ip, port + 2) } });
    }
  }
  return out;
}

function partitionOf(n: number): string {
  return `partition-${Math.floor((n - 1) / PARTITION_SIZE)}`;
}

function joinAll(relayOf: (c: SimClient) => RelayServer, clients: readonly SimClient[]): void {
  for (const c of clients) {
    const relay = relayOf(c);
    relay.partitions.setEndpointPartitions({ prefix: prefixOf(c.n), entityId: 0x102 }, [partitionOf(c.n)]);
    c.sockets.spdp.send(rtps(prefixOf(c.n)), relay.address('spdp'));
    c.sockets.sedp.send(rtps(prefixOf(c.n)), relay.address('sedp'));
    c.sockets.data.send(stunRequest({ guidPrefix: prefixOf(c.n), indication: true }), relay.address('data'));
  }
}

/** Sends ROUNDS datagrams per client through `send`, running the network between rounds; CPU ns. */
function measure(net: VirtualNetwork, clients: readonly SimClient[], send: (c: SimClient, round: number) => void): number {
  const t0 = cpuNs();
  for (let r = 0; r < ROUNDS; r++) {
    for (const c of clients) send(c, r);
    net.runFor(10);
  }
  return cpuNs() - t0;
}

function countReceived(clients: readonly SimClient[]): { value: number } {
  const counter = { value: 0 };
  for (const c of clients) c.sockets.data.onDatagram(() => { counter.value++; });
  return counter;
}

/** Direct baseline: each client sends `perSend` datagrams to peers of its partition; CPU ns per delivery. */
async function directNsPerDelivery(directed: boolean): Promise<number> {
  const net = new VirtualNetwork({ seed: 2, recordTrace: false });
  const clients = await simClients(net, CLIENTS);
  const received = countReceived(clients);
  const peersOf = (c: SimClient): SimClient[] => clients.filter((o) => o !== c && partitionOf(o.n) === partitionOf(c.n));
  const peers = new Map(clients.map((c) => [c, directed ? peersOf(c).slice(0, 1) : peersOf(c)]));
  const msgs = new Map(clients.map((c) => [c, rtps(prefixOf(c.n))]));
  const ns = measure(net, clients, (c) => {
    const msg = msgs.get(c) ?? new Uint8Array();
    for (const p of peers.get(c) ?? []) c.sockets.data.send(msg, p.sockets.data.localAddress);
  });
  return ns / received.value;
}

async function oneRelay(directed: boolean): Promise<{ nsPerForward: number; forwarded: number }> {
  const net = new VirtualNetwork({ seed: 1, recordTrace: false });
  const relay = await RelayServer.start(net.addHost('relay', { ips: ['192.0.2.1'] }), net.timers, { ip: '192.0.2.1' });
  const clients = await simClients(net, CLIENTS);
  joinAll(() => relay, clients);
  net.runFor(100);
  if (relay.stats().clients.admittedClients !== CLIENTS) throw new Error(`only ${relay.stats().clients.admittedClients} clients admitted`);
  const received = countReceived(clients);
  const msgs = new Map(clients.map((c) => {
    const peer = c.n % PARTITION_SIZE === 0 ? c.n - 1 : c.n + 1; // same partition
    return [c, directed ? rtps(prefixOf(c.n), [prefixOf(peer)]) : rtps(prefixOf(c.n))];
  }));
  const before = relay.stats().sentDatagrams;
  const ns = measure(net, clients, (c) => { c.sockets.data.send(msgs.get(c) ?? new Uint8Array(), relay.address('data')); });
  const forwarded = relay.stats().sentDatagrams - before;
  if (forwarded !== received.value) throw new Error(`forwarded ${forwarded}, received ${received.value}`);
  await relay.close();
  return { nsPerForward: ns / forwarded, forwarded };
}

async function twoRelays(): Promise<{ nsPerForward: number; forwarded: number }> {
  const net = new VirtualNetwork({ seed: 3, recordTrace: false });
  const start = async (ip: string, peer: string, id: string, seed: number): Promise<RelayServer> => {
    const rng = new SeededRandom(seed);
    const p = RelayServer.start(net.addHost(id, { ips: [ip] }), net.timers, {
      ip, horizontal: { relayId: id, ip, relayDomain: { config: { rtpsDiscovery: { spdpSendAddrs: `${peer}:7410`, resendPeriod: 1 } }, randomBytes: (k) => rng.bytes(k) } },
    });
    for (let i = 0; i < 100; i++) { net.runFor(10); await new Promise<void>((r) => { setImmediate(r); }); }
    return p;
  };
  const r1 = await start('192.0.2.1', '192.0.2.2', 'relay-1', 1);
  const r2 = await start('192.0.2.2', '192.0.2.1', 'relay-2', 2);
  const clients = await simClients(net, CLIENTS);
  // Odd clients on relay 1, even on relay 2: every partition of 10 spans both relays.
  joinAll((c) => (c.n % 2 === 1 ? r1 : r2), clients);
  const ready = (r: RelayServer): boolean => r.relays.relays()[0]?.partitions.length === 100 && r.relays.relays()[0]?.addresses.data !== undefined;
  for (let i = 0; i < 500 && !(ready(r1) && ready(r2)); i++) {
    net.runFor(20);
    await new Promise<void>((r) => { setImmediate(r); });
  }
  if (!ready(r1) || !ready(r2)) throw new Error('relays did not learn each other\'s addresses and partitions');
  const received = countReceived(clients);
  const msgs = new Map(clients.map((c) => [c, rtps(prefixOf(c.n))]));
  const sent = (): number => [r1, r2].reduce((n, r) => n + r.stats().sentDatagrams + r.stats().horizontalSentDatagrams + r.stats().horizontal.sentDatagrams, 0);
  const before = sent();
  const ns = measure(net, clients, (c) => { c.sockets.data.send(msgs.get(c) ?? new Uint8Array(), (c.n % 2 === 1 ? r1 : r2).address('data')); });
  const forwarded = sent() - before;
  if (received.value !== CLIENTS * ROUNDS * (PARTITION_SIZE - 1)) throw new Error(`received ${received.value}`);
  await r1.close();
  await r2.close();
  return { nsPerForward: ns / forwarded, forwarded };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? Number.NaN;
}

/** One-way µs from send to receive over loopback UDP, via the relay or directly. */
async function loopbackLatency(): Promise<{ relay: number[]; direct: number[] }> {
  const network = new UdpNetwork({}, { includeLoopback: true });
  const timers = new RealTimerService();
  const base = 40_000 + Math.floor(Math.random() * 1000) * 10;
  const relay = await RelayServer.start(network, timers, { ip: '127.0.0.1', basePort: base });
  try {
    const a = await Promise.all(PORTS.map((_, i) => network.bind('127.0.0.1', base + 10 + i)));
    const b = await Promise.all(PORTS.map((_, i) => network.bind('127.0.0.1', base + 20 + i)));
    const sockets = (s: DatagramSocket[]): Record<RelayPortType, DatagramSocket> => ({ spdp: s[0] as DatagramSocket, sedp: s[1] as DatagramSocket, data: s[2] as DatagramSocket });
    const ca: SimClient = { n: 1, sockets: sockets(a) };
    const cb: SimClient = { n: 2, sockets: sockets(b) };
    joinAll(() => relay, [ca, cb]);
    await new Promise<void>((r) => { setTimeout(r, 200); });
    if (relay.stats().clients.admittedClients !== 2) throw new Error('loopback clients not admitted');
    let onB: (() => void) | undefined;
    cb.sockets.data.onDatagram(() => { onB?.(); });
    const msg = rtps(prefixOf(1));
    const once = async (to: TransportAddress): Promise<number> => {
      const got = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => { reject(new Error('datagram lost on loopback')); }, 1000);
        onB = () => { clearTimeout(timer); resolve(); };
      });
      const t0 = process.hrtime.bigint();
      ca.sockets.data.send(msg, to);
      await got;
      return Number(process.hrtime.bigint() - t0) / 1000;
    };
    const run = async (to: TransportAddress): Promise<number[]> => {
      for (let i = 0; i < 200; i++) await once(to);
      const out: number[] = [];
      for (let i = 0; i < LATENCY_SAMPLES; i++) out.push(await once(to));
      return out.sort((x, y) => x - y);
    };
    // Interleave the two runs in halves so drift on a shared host affects both.
    const relayA = await run(relay.address('data'));
    const directA = await run(cb.sockets.data.localAddress);
    const relayB = await run(relay.address('data'));
    const directB = await run(cb.sockets.data.localAddress);
    return { relay: [...relayA, ...relayB].sort((x, y) => x - y), direct: [...directA, ...directB].sort((x, y) => x - y) };
  } finally {
    await relay.close();
    timers.close();
    await network.close();
  }
}

/** Child-process half of `memory.perClient` (run with `--expose-gc`). */
function memoryChild(): void {
  const clock = new ManualClock();
  const set = new GuidAddrSet({ clock, log: silentLogger, emit: () => undefined });
  const partitions = new PartitionTable();
  const inputs = Array.from({ length: MEMORY_CLIENTS }, (_, i) => ({
    prefix: prefixOf(i + 1),
    addresses: PORTS.map((_, k) => transportAddress(`10.${(i >> 16) & 0xff}.${(i >> 8) & 0xff}.${i & 0xff}`, 40_000 + k)),
    spdp: rtps(prefixOf(i + 1)),
    partition: partitionOf(i + 1),
  }));
  const before = heapUsedAfterGc();
  for (const c of inputs) {
    PORTS.forEach((port, k) => { set.recordActivity(c.prefix, c.addresses[k] ?? transportAddress('10.0.0.1', 1), port); });
    set.cacheSpdpMessage(c.prefix, c.spdp);
    set.admit(c.prefix);
    partitions.setEndpointPartitions({ prefix: c.prefix, entityId: 0x102 }, [c.partition]);
  }
  const after = heapUsedAfterGc();
  if (set.stats().admittedClients !== MEMORY_CLIENTS) throw new Error('not all admitted');
  process.stdout.write(`${JSON.stringify({ bytesPerClient: (after - before) / MEMORY_CLIENTS })}\n`);
}

async function memoryPerClient(): Promise<number> {
  const self = fileURLToPath(import.meta.url);
  const { stdout } = await execFileAsync(process.execPath, ['--expose-gc', '--import', import.meta.resolve('tsx'), self, '--memory-child'], { timeout: 120_000 });
  const parsed: unknown = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
  const v: unknown = typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, 'bytesPerClient') : undefined;
  if (typeof v !== 'number') throw new Error(`memory child printed ${stdout}`);
  return v;
}

async function main(): Promise<void> {
  const json = process.argv.includes('--json');
  const results: BenchResult[] = [];
  const round = (v: number): number => Number(v.toFixed(1));
  for (const directed of [false, true]) {
    const name = directed ? 'directed' : 'undirected';
    const r = await oneRelay(directed);
    const direct = await directNsPerDelivery(directed);
    results.push({ suite: 'relay', metric: `forward.${name}.throughput`, unit: 'datagrams/s', value: Math.round(1e9 / r.nsPerForward), against: { direct: Math.round(1e9 / direct) } });
    results.push({ suite: 'relay', metric: `forward.${name}.cpuPerDatagram`, unit: 'ns', value: Math.round(r.nsPerForward), against: { direct: Math.round(direct) } });
  }
  const two = await twoRelays();
  results.push({ suite: 'relay', metric: 'forward.twoRelays.throughput', unit: 'datagrams/s', value: Math.round(1e9 / two.nsPerForward) });
  results.push({ suite: 'relay', metric: 'forward.twoRelays.cpuPerDatagram', unit: 'ns', value: Math.round(two.nsPerForward) });
  const lat = await loopbackLatency();
  results.push({ suite: 'relay', metric: 'latency.loopback.median', unit: 'us', value: round(percentile(lat.relay, 0.5)), against: { direct: round(percentile(lat.direct, 0.5)) } });
  results.push({ suite: 'relay', metric: 'latency.loopback.p99', unit: 'us', value: round(percentile(lat.relay, 0.99)), against: { direct: round(percentile(lat.direct, 0.99)) } });
  results.push({ suite: 'relay', metric: 'memory.perClient', unit: 'B', value: Math.round(await memoryPerClient()) });
  printResults(results, json);
}

if (process.argv.includes('--memory-child')) {
  memoryChild();
} else {
  await main();
}
