/**
 * `bench/ice`: ICE setup time and memory, ours beside third-party agents measured in the same run.
 *
 * - `setup.loopback`: ours ↔ ours over real loopback UDP (IceDriver + UdpNetwork + RealTimerService,
 *   host candidates on 127.0.0.1, no STUN server), median of RUNS sessions; `against` holds
 *   werift-ice ↔ werift-ice, aioice ↔ aioice and libnice ↔ libnice (the tools that are installed),
 *   measured in this run with the same harness (`test/interop/peers/`) and the same definition:
 *   ms from both `remote` messages delivered to both connected (ice-landscape.md §3). The first
 *   side is controlling.
 * - `setup.loopback.vsWerift`: ours (controlling) ↔ werift (controlled); `setup.loopback.weriftToOurs`
 *   the other way round; `against` werift ↔ werift.
 * - `setup.simnet.twoConeNats20ms`: two IceDrivers behind port-restricted cone NATs (EIM, APDF) on
 *   simnet, 20 ms RTT, STUN server on the public side; virtual ms from both having the other's info
 *   to both selected (deterministic).
 * - `setup.simnet.loss30.p50` / `.p95` / `.connected`: `runLossySetups(100, 0.3, 5)` of
 *   `test/ice/support/scenarios.ts` (30 % loss both ways, 5 ms one way, 100 seeds, virtual ms).
 * - `memory.perRemoteAgent`: bytes of V8 heap per remote agent: one IceAgent, one endpoint, 1,000
 *   remote agents with two host candidates each, `startIce` for each (no-op send, manual clock);
 *   heap used after forced GC (`--expose-gc`, in a child process so nothing else is on the heap)
 *   after minus before, divided by 1,000.
 * - `setup.realNat.twoPortRestricted`: our agent in the two host namespaces of the netns lab
 *   (`test/support/netns-lab.ts`, port-restricted NATs, coturn as STUN server), `against` werift ↔
 *   werift in the same lab; omitted, with the reason on stderr, where the lab cannot run (not root).
 *
 * Run: `npx tsx bench/ice.ts` (table) or `npx tsx bench/ice.ts --json` (one JSON object a line);
 * `--runs N` (default 5).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { IceAgent, type IceAgentInfo } from '../src/ice/index.js';
import { StunServer } from '../src/relay/index.js';
import { NatPresets, twoNatTopology } from '../src/simnet/index.js';
import { IceDriver } from '../src/transport/index.js';
import { transportAddress } from '../src/util/address.js';
import { ManualClock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';
import { SeededRandom } from '../src/util/prng.js';
import { runLossySetups } from '../test/ice/support/scenarios.js';
import { LAB_ADDRESS_PREFIXES, NetnsLab, requireLab } from '../test/support/netns-lab.js';
import { connectPeers, PeerToolMissingError, requirePeerTool, startPeer, type IcePeer, type PeerKind } from '../test/interop/peers/index.js';
import type { BenchResult } from './support/report.js';
import { heapUsedAfterGc } from './support/memory.js';
import { printResults } from './support/report.js';

const execFileAsync = promisify(execFile);
const REMOTE_AGENTS = 1_000;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function start(kind: PeerKind): Promise<IcePeer> {
  return startPeer(kind, { signal: AbortSignal.timeout(60_000) });
}

/** Median setup ms of `runs` loopback sessions, `first` controlling; every peer closed after each. */
async function loopbackSetup(first: PeerKind, second: PeerKind, runs: number): Promise<number> {
  const ms: number[] = [];
  for (let run = 0; run < runs; run++) {
    const peers: IcePeer[] = [];
    try {
      peers.push(await start(first));
      peers.push(await start(second));
      const [a, b] = peers;
      if (a === undefined || b === undefined) throw new Error('peers not started');
      const r = await connectPeers(a, b, { signal: AbortSignal.timeout(20_000) });
      if (r.controlling.event !== 'connected' || r.controlled.event !== 'connected') {
        throw new Error(`${first} -> ${second} did not connect: ${JSON.stringify([r.controlling, r.controlled])}`);
      }
      ms.push(r.setupMs);
    } finally {
      await Promise.all(peers.map((p) => p.close()));
    }
  }
  return median(ms);
}

/** Whether the peer's tool is installed (a missing one is left out of `against`). */
async function isInstalled(kind: PeerKind): Promise<boolean> {
  try {
    await requirePeerTool(kind);
    return true;
  } catch (err: unknown) {
    if (err instanceof PeerToolMissingError) return false;
    throw err;
  }
}

/** Two IceDrivers behind port-restricted cone NATs, 20 ms RTT, on simnet: virtual ms to both selected. */
async function simnetTwoConeNats(): Promise<number> {
  const topo = twoNatTopology({ left: NatPresets.portRestricted, right: NatPresets.portRestricted, rttMs: 20, loss: 0, seed: 1, recordTrace: false });
  const stun = { family: 'IPv4', ip: '192.0.2.1', port: 3478 } as const;
  const server = await StunServer.start(topo.server, { ip: stun.ip, port: stun.port });
  const drivers: IceDriver[] = [];
  try {
    const selectedAt: (number | undefined)[] = [undefined, undefined];
    const infos: IceAgentInfo[] = [];
    for (const [i, host] of (['left', 'right'] as const).entries()) {
      const rng = new SeededRandom(100 + i);
      const d = new IceDriver({ network: topo[host], timers: topo.network.timers, randomBytes: (n) => rng.bytes(n), log: silentLogger });
      d.on('ice-event', (e) => { if (e.type === 'selected') selectedAt[i] ??= topo.network.timers.clock.now(); });
      drivers.push(d);
      await d.addEndpoint({ id: 'E', stunServer: stun });
    }
    topo.network.runFor(3_000); // gathering: the server-reflexive transactions complete
    for (const d of drivers) {
      const info = d.agent.localInfo('E');
      if (info === undefined) throw new Error('no local info');
      infos.push(info);
    }
    const [l, r] = drivers;
    const [il, ir] = infos;
    if (l === undefined || r === undefined || il === undefined || ir === undefined) throw new Error('drivers not started');
    const t0 = topo.network.timers.clock.now();
    l.startIce('E', 'l-r', ir);
    r.startIce('E', 'r-l', il);
    for (let i = 0; i < 200 && (selectedAt[0] === undefined || selectedAt[1] === undefined); i++) topo.network.runFor(50);
    const [a, b] = selectedAt;
    if (a === undefined || b === undefined) throw new Error('two cone NATs: not connected');
    return Math.max(a, b) - t0;
  } finally {
    for (const d of drivers) d.close();
    server.close();
  }
}

/** Child-process half of `memory.perRemoteAgent` (run with `--expose-gc`): prints bytes per remote agent. */
function memoryChild(): void {
  const clock = new ManualClock();
  const agent = new IceAgent({
    clock, send: () => undefined, emit: () => undefined, log: silentLogger,
    randomBytes: (n) => { const b = randomBytes(n); return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); },
  }, { allowLoopback: true });
  agent.addEndpoint({ id: 'E', hostAddresses: [transportAddress('10.0.0.1', 5000)] });
  // The remote infos exist before the first measurement: only what the agent keeps per remote counts.
  const remotes: IceAgentInfo[] = [];
  for (let i = 0; i < REMOTE_AGENTS; i++) {
    const ip = `10.${1 + (i >> 8)}.${i & 0xff}.`;
    remotes.push({
      type: 'full', username: i.toString(16).padStart(32, '0'), password: 'p'.repeat(24),
      candidates: [
        { address: transportAddress(`${ip}1`, 6000), foundation: `H${ip}1U`, priority: 2130706431, type: 'host' },
        { address: transportAddress(`${ip}2`, 6000), foundation: `H${ip}2U`, priority: 2130706175, type: 'host' },
      ],
    });
  }
  const before = heapUsedAfterGc();
  for (const [i, remote] of remotes.entries()) agent.startIce('E', `peer-${i}`, remote, { roleRule: 'rfc8445' });
  const after = heapUsedAfterGc();
  process.stdout.write(`${JSON.stringify({ bytesPerRemoteAgent: (after - before) / REMOTE_AGENTS, pairs: agent.inspect('E', remotes[0]?.username ?? '')?.pairs.length })}\n`);
  agent.close();
}

async function memoryPerRemoteAgent(): Promise<number> {
  const self = fileURLToPath(import.meta.url);
  const { stdout } = await execFileAsync(process.execPath, ['--expose-gc', '--import', import.meta.resolve('tsx'), self, '--memory-child'], { timeout: 120_000 });
  const parsed: unknown = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
  const v: unknown = typeof parsed === 'object' && parsed !== null ? Reflect.get(parsed, 'bytesPerRemoteAgent') : undefined;
  if (typeof v !== 'number') throw new Error(`memory child printed ${stdout}`);
  return v;
}

/**
 * `setup.realNat.twoPortRestricted`: the netns lab of `test/support/netns-lab.ts` with
 * port-restricted NATs (Linux MASQUERADE: endpoint-independent mapping, address-and-port-dependent
 * filtering) in front of hostA and hostB and coturn as STUN server; our agent in hostA
 * (controlling) and in hostB, each the harness's `ours-runner.ts` under `ip netns exec`
 * (`startPeer('ours', { launcher })`); `against` werift ↔ werift in the same lab and run. Undefined (metric omitted) when the lab cannot run here (not
 * root, a tool missing): the reason is returned instead.
 */
async function realNatSetup(runs: number): Promise<{ value: number; against: Record<string, number> } | { skipped: string }> {
  try {
    requireLab();
  } catch (err: unknown) {
    return { skipped: err instanceof Error ? err.message : String(err) };
  }
  const lab = await NetnsLab.up({ left: 'port', right: 'port', signal: AbortSignal.timeout(60_000) });
  try {
    const session = async (kind: 'ours' | 'werift'): Promise<number> => {
      const peers: IcePeer[] = [];
      try {
        for (const side of ['A', 'B'] as const) {
          peers.push(await startPeer(kind, {
            signal: AbortSignal.timeout(60_000), launcher: lab.launcher(side), hostIp: lab.hostIp(side), stunServer: lab.stunServer,
            allowPrefixes: LAB_ADDRESS_PREFIXES,
          }));
        }
        const [a, b] = peers;
        if (a === undefined || b === undefined) throw new Error('peers not started');
        const r = await connectPeers(a, b, { signal: AbortSignal.timeout(30_000) });
        if (r.controlling.event !== 'connected' || r.controlled.event !== 'connected') {
          throw new Error(`real NAT ${kind}: ${JSON.stringify([r.controlling, r.controlled])}`);
        }
        return r.setupMs;
      } finally {
        await Promise.all(peers.map((p) => p.close()));
        await lab.flushConntrack();
      }
    };
    const ours: number[] = [];
    const werift: number[] = [];
    for (let run = 0; run < runs; run++) {
      ours.push(await session('ours'));
      werift.push(await session('werift'));
    }
    return { value: median(ours), against: { 'werift-ice': median(werift) } };
  } finally {
    await lab.down();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf('--runs');
  const runs = runsAt >= 0 ? Number(args[runsAt + 1]) : 5;
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a positive integer');
  const results: BenchResult[] = [];

  const loopbackAgainst: Record<string, number> = { 'werift-ice': await loopbackSetup('werift', 'werift', runs) };
  if (await isInstalled('aioice')) loopbackAgainst.aioice = await loopbackSetup('aioice', 'aioice', runs);
  if (await isInstalled('libnice')) loopbackAgainst.libnice = await loopbackSetup('libnice', 'libnice', runs);
  results.push({ suite: 'ice', metric: 'setup.loopback', unit: 'ms', value: await loopbackSetup('ours', 'ours', runs), against: loopbackAgainst });
  const weriftWerift = loopbackAgainst['werift-ice'] ?? Number.NaN;
  results.push({ suite: 'ice', metric: 'setup.loopback.vsWerift', unit: 'ms', value: await loopbackSetup('ours', 'werift', runs), against: { 'werift-ice': weriftWerift } });
  results.push({
    suite: 'ice', metric: 'setup.loopback.weriftToOurs', unit: 'ms', value: await loopbackSetup('werift', 'ours', runs),
    against: { 'werift-ice': weriftWerift },
  });

  const realNat = await realNatSetup(runs);
  if ('value' in realNat) {
    results.push({ suite: 'ice', metric: 'setup.realNat.twoPortRestricted', unit: 'ms', value: realNat.value, against: realNat.against });
  } else {
    process.stderr.write(`setup.realNat.twoPortRestricted not measured: ${realNat.skipped}\n`);
  }

  results.push({ suite: 'ice', metric: 'setup.simnet.twoConeNats20ms', unit: 'ms', value: await simnetTwoConeNats() });
  const lossy = runLossySetups(100, 0.3, 5);
  results.push({ suite: 'ice', metric: 'setup.simnet.loss30.p50', unit: 'ms', value: lossy.p50 });
  results.push({ suite: 'ice', metric: 'setup.simnet.loss30.p95', unit: 'ms', value: lossy.p95 });
  results.push({ suite: 'ice', metric: 'setup.simnet.loss30.connected', unit: '%', value: (100 * lossy.connected) / lossy.runs });
  results.push({ suite: 'ice', metric: 'memory.perRemoteAgent', unit: 'B', value: await memoryPerRemoteAgent() });
  printResults(results, args.includes('--json'));
}

if (process.argv.includes('--memory-child')) {
  memoryChild();
} else {
  await main();
}
