/**
 * Runs one cell once on simnet: the topology of the cell (two NATed hosts, or a mesh of N), a plain
 * STUN server on the public side at 192.0.2.1 (`plain-stun-server.ts`), and the agents:
 *
 * - `ours` in virtual time (exact and deterministic for a seed: the figure the NAT matrix doc asserts);
 * - `ours` and `werift` in wall time, the network driven by a {@link RealtimePump}: werift runs its own
 *   code with real timers, so the comparison with it is made with both agents under the same clock.
 *
 * The measured time runs from the moment every agent has the other's parameters (t0, after gathering)
 * to the moment both sides of every pair have selected (nominated) a pair. Connectivity checks are
 * counted from the network's trace: STUN Binding requests sent between the agents (not to the STUN
 * server) between t0 and the end of setup, divided by the number of pairs.
 */
import type { IceAgentEvent, IceAgentInfo } from '../../src/ice/index.js';
import type { NatSpec, SimHost } from '../../src/simnet/index.js';
import { NatPresets, TWO_NAT_ADDRESSES, twoNatTopology, VirtualNetwork } from '../../src/simnet/index.js';
import { IceDriver } from '../../src/transport/index.js';
import type { TransportAddress } from '../../src/util/address.js';
import { silentLogger } from '../../src/util/logger.js';
import { SeededRandom } from '../../src/util/prng.js';
import { PlainStunServer } from './plain-stun-server.js';
import { RealtimePump } from './realtime-pump.js';
import { perLinkLoss, type Cell, type NatKind } from './scenario.js';
import { WeriftSimPeer, type WeriftLocal } from './werift-sim.js';

const STUN: TransportAddress = { family: 'IPv4', ip: TWO_NAT_ADDRESSES.server, port: 3478 };
const ENDPOINT = 'E';
/** Gathering bound: the server-reflexive transaction completes well within it, retransmissions under loss included. */
const GATHER_MS = 3_000;

/** The simnet preset of a bench NAT kind. */
export function natSpecOf(kind: NatKind): NatSpec {
  switch (kind) {
    case 'none': return NatPresets.none;
    case 'full-cone': return NatPresets.fullCone;
    case 'address-restricted': return NatPresets.addressRestricted;
    case 'port-restricted': return NatPresets.portRestricted;
    case 'symmetric': return NatPresets.symmetric;
  }
}

/** What one run measured (before the scenario/cell fields are added). */
export interface RunOutcome {
  readonly connected: boolean;
  readonly setupMs: number | null;
  readonly pairsConnected: number;
  readonly pairs: number;
  readonly checksPerPair: number | null;
  readonly reason: string | null;
}

interface Topology {
  readonly network: VirtualNetwork;
  readonly hosts: readonly SimHost[];
  readonly server: SimHost;
}

/** The cell's network: pair = `twoNatTopology`; mesh = one NAT (or public host) per participant, all links rtt/4 each way. */
function buildTopology(cell: Cell, seed: number): Topology {
  const loss = perLinkLoss(cell.lossPercent);
  if (cell.kind === 'pair') {
    const t = twoNatTopology({ left: natSpecOf(cell.left), right: natSpecOf(cell.right), rttMs: cell.rttMs, loss, seed, recordTrace: false });
    return { network: t.network, hosts: [t.left, t.right], server: t.server };
  }
  const network = new VirtualNetwork({ seed, recordTrace: false });
  const access = { delayMs: cell.rttMs / 4, loss, jitterMs: 0 };
  const server = network.addHost('server', { ips: [STUN.ip], link: access });
  const hosts: SimHost[] = [];
  for (let i = 0; i < cell.participants; i++) {
    const kind = cell.nats[i % cell.nats.length] ?? 'none';
    const spec = natSpecOf(kind);
    if (spec === 'none') {
      hosts.push(network.addHost(`p${i}`, { link: access }));
    } else {
      const nat = network.addNat(`p${i}-nat`, { behavior: spec, link: access });
      hosts.push(network.addHost(`p${i}`, { realm: nat.inside }));
    }
  }
  return { network, hosts, server };
}

function isBindingRequest(b: Uint8Array): boolean {
  // RFC 5389 §6: type 0x0001 (Binding request), magic cookie 0x2112A442 at offset 4.
  return b.length >= 20 && b[0] === 0x00 && b[1] === 0x01 && b[4] === 0x21 && b[5] === 0x12 && b[6] === 0xa4 && b[7] === 0x42;
}

/** Counts Binding requests between the agents while `isCounting`. */
function checkCounter(network: VirtualNetwork): { start(): void; stop(): void; readonly count: number; dispose(): void } {
  let isCounting = false;
  let count = 0;
  const off = network.onTrace((e) => {
    if (isCounting && e.kind === 'send' && e.to.ip !== STUN.ip && isBindingRequest(e.bytes)) count++;
  });
  return { start: () => { isCounting = true; }, stop: () => { isCounting = false; }, get count() { return count; }, dispose: off };
}

/** All unordered pairs (i < j) of `n` participants. */
function pairsOf(n: number): readonly (readonly [number, number])[] {
  const out: [number, number][] = [];
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out.push([i, j]);
  return out;
}

/** Tracks per-pair completion: a pair is done when both sides selected, or failed when either side failed. */
class PairBook {
  readonly #selectedAt = new Map<string, number>();
  readonly #failed = new Map<string, string>();
  readonly pairs: readonly (readonly [number, number])[];

  constructor(n: number) {
    this.pairs = pairsOf(n);
  }

  selected(i: number, j: number, atMs: number): void {
    const k = `${i}>${j}`;
    if (!this.#selectedAt.has(k)) this.#selectedAt.set(k, atMs);
  }

  failed(i: number, j: number, reason: string): void {
    const k = `${i}>${j}`;
    if (!this.#failed.has(k) && !this.#selectedAt.has(k)) this.#failed.set(k, reason);
  }

  #pairDoneAt(i: number, j: number): number | undefined {
    const a = this.#selectedAt.get(`${i}>${j}`);
    const b = this.#selectedAt.get(`${j}>${i}`);
    return a === undefined || b === undefined ? undefined : Math.max(a, b);
  }

  #pairFailed(i: number, j: number): string | undefined {
    return this.#failed.get(`${i}>${j}`) ?? this.#failed.get(`${j}>${i}`);
  }

  /** Every pair is settled (connected or failed on a side). */
  get isSettled(): boolean {
    return this.pairs.every(([i, j]) => this.#pairDoneAt(i, j) !== undefined || this.#pairFailed(i, j) !== undefined);
  }

  get isAllConnected(): boolean {
    return this.pairs.every(([i, j]) => this.#pairDoneAt(i, j) !== undefined);
  }

  outcome(t0: number, checks: number, timeoutReason: string): RunOutcome {
    const done = this.pairs.map(([i, j]) => this.#pairDoneAt(i, j));
    const connected = done.filter((d): d is number => d !== undefined);
    const all = connected.length === this.pairs.length;
    const reasons = new Set(this.pairs.flatMap(([i, j]) => {
      if (this.#pairDoneAt(i, j) !== undefined) return [];
      return [this.#pairFailed(i, j) ?? timeoutReason];
    }));
    return {
      connected: all,
      setupMs: all ? Math.max(...connected) - t0 : null,
      pairsConnected: connected.length,
      pairs: this.pairs.length,
      checksPerPair: checks / this.pairs.length,
      reason: all ? null : [...reasons].join('; '),
    };
  }
}

/** Our drivers, one per host, gathered; `book` records their events from t0 on. */
async function startOurs(topo: Topology, seed: number, timeoutMs: number): Promise<{ drivers: IceDriver[]; events: { i: number; at: number; e: IceAgentEvent }[] }> {
  const drivers: IceDriver[] = [];
  const events: { i: number; at: number; e: IceAgentEvent }[] = [];
  for (const [i, host] of topo.hosts.entries()) {
    const rng = new SeededRandom(seed * 7919 + i + 1);
    const d = new IceDriver({ network: host, timers: topo.network.timers, randomBytes: (n) => rng.bytes(n), log: silentLogger }, { failureTimeoutMs: timeoutMs });
    d.on('ice-event', (e) => { events.push({ i, at: topo.network.now(), e }); });
    drivers.push(d);
    await d.addEndpoint({ id: ENDPOINT, stunServer: STUN });
  }
  return { drivers, events };
}

function infoOf(d: IceDriver): IceAgentInfo {
  const info = d.agent.localInfo(ENDPOINT);
  if (info === undefined) throw new Error('ours: no local info after gathering');
  return info;
}

/** Applies our agents' events to the book (selected/failed per remote username). */
function record(book: PairBook, infos: readonly IceAgentInfo[], events: readonly { i: number; at: number; e: IceAgentEvent }[], from: number): void {
  for (const { i, at, e } of events.slice(from)) {
    if (e.type !== 'selected' && e.type !== 'failed') continue;
    const j = infos.findIndex((x) => x.username === e.remoteUsername);
    if (j < 0) continue;
    if (e.type === 'selected') book.selected(i, j, at);
    else book.failed(i, j, e.reason);
  }
}

/** Our agents in virtual time (deterministic). */
export async function runOursVirtual(cell: Cell, seed: number, timeoutMs: number): Promise<RunOutcome> {
  const topo = buildTopology(cell, seed);
  const server = await PlainStunServer.start(topo.server, STUN);
  const counter = checkCounter(topo.network);
  const { drivers, events } = await startOurs(topo, seed, timeoutMs);
  try {
    topo.network.runFor(GATHER_MS);
    const infos = drivers.map(infoOf);
    const book = new PairBook(drivers.length);
    const t0 = topo.network.now();
    const seen = events.length;
    counter.start();
    for (const [i, j] of book.pairs) {
      drivers[i]?.startIce(ENDPOINT, `p${j}`, infos[j]!);
      drivers[j]?.startIce(ENDPOINT, `p${i}`, infos[i]!);
    }
    for (let step = 0; step * 10 < timeoutMs + 1_000; step++) {
      topo.network.runFor(10);
      record(book, infos, events, seen);
      if (book.isSettled) break;
    }
    counter.stop();
    return book.outcome(t0, counter.count, `not connected within ${timeoutMs} ms`);
  } finally {
    for (const d of drivers) d.close();
    server.close();
    counter.dispose();
  }
}

/** Resolves after `ms` of wall time. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => { setTimeout(resolve, ms); });
}

/** Our agents on the same topology, the network driven in wall time (for the comparison with werift). */
export async function runOursWall(cell: Cell, seed: number, timeoutMs: number): Promise<RunOutcome> {
  const topo = buildTopology(cell, seed);
  const pump = new RealtimePump(topo.network);
  const server = await PlainStunServer.start(topo.server, STUN);
  const counter = checkCounter(topo.network);
  const { drivers, events } = await startOurs(topo, seed, timeoutMs);
  try {
    // Gathering in virtual time: it is not what is measured, and it is the same for both agents' figures.
    topo.network.runFor(GATHER_MS);
    const infos = drivers.map(infoOf);
    const book = new PairBook(drivers.length);
    const seen = events.length;
    pump.start();
    const t0 = topo.network.now();
    counter.start();
    for (const [i, j] of book.pairs) {
      drivers[i]?.startIce(ENDPOINT, `p${j}`, infos[j]!);
      drivers[j]?.startIce(ENDPOINT, `p${i}`, infos[i]!);
    }
    const deadline = t0 + timeoutMs + 1_000;
    while (topo.network.now() < deadline) {
      await sleep(5);
      record(book, infos, events, seen);
      if (book.isSettled) break;
    }
    counter.stop();
    return book.outcome(t0, counter.count, `not connected within ${timeoutMs} ms`);
  } finally {
    pump.stop();
    for (const d of drivers) d.close();
    server.close();
    counter.dispose();
  }
}

/** werift-ice agents (one `Connection` per side of every pair), network in wall time. */
export async function runWeriftWall(cell: Cell, seed: number, timeoutMs: number): Promise<RunOutcome> {
  const topo = buildTopology(cell, seed);
  const pump = new RealtimePump(topo.network);
  const server = await PlainStunServer.start(topo.server, STUN);
  const counter = checkCounter(topo.network);
  const book = new PairBook(topo.hosts.length);
  const peers: { i: number; j: number; peer: WeriftSimPeer; local: WeriftLocal }[] = [];
  pump.start();
  try {
    for (const [i, j] of book.pairs) {
      for (const [a, b] of [[i, j], [j, i]] as const) {
        const host = topo.hosts[a];
        if (host === undefined) throw new Error('host missing');
        const peer = new WeriftSimPeer(topo.network, host, STUN);
        peers.push({ i: a, j: b, peer, local: await peer.gather() });
      }
    }
    const t0 = topo.network.now();
    counter.start();
    for (const p of peers) {
      const other = peers.find((q) => q.i === p.j && q.j === p.i);
      if (other === undefined) throw new Error('werift: pair half missing');
      p.peer.start(other.local, p.i < p.j);
    }
    for (const p of peers) {
      void p.peer.outcome.then((o) => {
        if (o.connected) book.selected(p.i, p.j, o.atMs);
        else book.failed(p.i, p.j, o.reason);
      });
    }
    // Settled as soon as every pair is (one failed side settles a pair), or at the bound.
    const deadline = t0 + timeoutMs + 1_000;
    while (!book.isSettled && topo.network.now() < deadline) await sleep(5);
    counter.stop();
    return book.outcome(t0, counter.count, `not connected within ${timeoutMs} ms`);
  } finally {
    pump.stop();
    await Promise.all(peers.map((p) => p.peer.close()));
    server.close();
    counter.dispose();
  }
}
