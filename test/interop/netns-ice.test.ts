/**
 * Our ICE agent through real NATs: two of our agents (`startPeer('ours', { launcher })`, i.e.
 * `peers/ours-runner.ts` under `ip netns exec`) in hostA and hostB of the netns lab
 * (`test/support/netns-lab.ts`: kernel NATs from nftables, coturn as the STUN server inside the lab).
 *
 * - Two port-restricted NATs: both connect, on the same pair, and each side's selected remote is the
 *   other NAT's WAN (public) address; natA's conntrack holds the session's 5-tuple, seen both ways.
 * - Two symmetric NATs: STUN alone cannot work, and both sides report `failed` with a reason within
 *   the agent's failure bound, lowered for the test with `--failure-timeout-ms` (default 40 s).
 * - Afterwards the lab is down: none of this run's namespaces is left, and no process in them.
 *
 * Root only; without root or a tool every test fails with what to do (CI runs as root and installs
 * everything in .ci/run). All traffic stays inside the lab's own namespaces.
 */
import { execFileSync } from 'node:child_process';
import { expect } from 'chai';
import { LAB_ADDRESS_PREFIXES, listNamespaces, NetnsLab, requireLab, type LabSide } from '../support/netns-lab.js';
import { connectPeers, startPeer, type IcePeer, type PeerLocal, type PeerOutcome } from './peers/index.js';
import type { PeerEndpoint } from './peers/protocol.js';

const INSTALL = 'apt-get install -y iproute2 nftables conntrack coturn stun-client tcpdump';
const RUNS = 3;
/** The failure bound given to our agents through sym/sym (`--failure-timeout-ms`). */
const FAILURE_TIMEOUT_MS = 8_000;
/** Slack on top of it for `failed` to reach the harness (timer granularity, process I/O). */
const FAILURE_SLACK_MS = 2_000;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

type Connected = Extract<PeerOutcome, { event: 'connected' }>;

function connected(o: PeerOutcome, who: string): Connected & { selected: NonNullable<Connected['selected']> } {
  if (o.event !== 'connected') throw new Error(`${who} failed: ${o.reason}`);
  if (o.selected === null) throw new Error(`${who}: no selected pair reported`);
  return { ...o, selected: o.selected };
}

/** Pids of the processes inside namespace `name` (`ip netns pids`). */
function namespacePids(name: string): number[] {
  return execFileSync('ip', ['netns', 'pids', name], { encoding: 'utf8', timeout: 10_000 }).split('\n').filter((l) => l !== '').map(Number);
}

/** `pgrep -f pattern` pids (none: empty). */
function pgrep(pattern: string): number[] {
  try {
    return execFileSync('pgrep', ['-f', pattern], { encoding: 'utf8', timeout: 10_000 }).split('\n').filter((l) => l !== '').map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

interface Session {
  readonly setupMs: number;
  readonly a: PeerOutcome;
  readonly b: PeerOutcome;
  readonly localA: PeerLocal;
  readonly localB: PeerLocal;
  /** natA's UDP conntrack table right after both outcomes, before the peers closed. */
  readonly conntrackA: string;
}

/** Our agent in hostA (controlling) and hostB (controlled), coturn as STUN server; always closes both and checks they left. */
async function session(lab: NetnsLab, timeoutMs: number, failureTimeoutMs?: number): Promise<Session> {
  const peers: IcePeer[] = [];
  try {
    for (const side of ['A', 'B'] as const) {
      peers.push(await startPeer('ours', {
        signal: AbortSignal.timeout(60_000), launcher: lab.launcher(side), hostIp: lab.hostIp(side), stunServer: lab.stunServer,
        allowPrefixes: LAB_ADDRESS_PREFIXES, ...(failureTimeoutMs === undefined ? {} : { failureTimeoutMs }),
      }));
    }
    const [a, b] = peers;
    if (a === undefined || b === undefined) throw new Error('peers not started');
    const [localA, localB] = await Promise.all([a.local({ signal: AbortSignal.timeout(20_000) }), b.local({ signal: AbortSignal.timeout(20_000) })]);
    for (const c of [...localA.candidates, ...localB.candidates]) {
      expect(LAB_ADDRESS_PREFIXES.some((p) => c.ip.startsWith(p)), `candidate ${c.ip}`).to.equal(true);
    }
    const r = await connectPeers(a, b, { signal: AbortSignal.timeout(timeoutMs) });
    const conntrackA = await lab.conntrack('A');
    return { setupMs: r.setupMs, a: r.controlling, b: r.controlled, localA, localB, conntrackA };
  } finally {
    await Promise.all(peers.map((p) => p.close()));
    for (const side of ['hostA', 'hostB'] as const) {
      expect(namespacePids(`${lab.prefix}-${side}`), `processes left in ${side} after close`).to.deep.equal([]);
    }
  }
}

/** Whether `local` has a server-reflexive candidate on `side`'s NAT WAN address. */
function hasSrflxOnNat(lab: NetnsLab, local: PeerLocal, side: LabSide): boolean {
  return local.candidates.some((c) => c.type === 'srflx' && c.ip === lab.publicIp(side));
}

/**
 * The address `side`'s NAT shows for `local` (a selected local endpoint, host base or srflx): a base
 * on the host's LAN address is translated to the NAT's WAN address, its port kept (port-restricted
 * NATs here are masquerade with the source port preserved).
 */
function asSeenFromOutside(lab: NetnsLab, side: LabSide, local: PeerEndpoint): PeerEndpoint {
  return local.ip === lab.hostIp(side) ? { ip: lab.publicIp(side), port: local.port } : local;
}

describe(`real NAT lab: our agent ↔ our agent through kernel NATs, coturn as STUN server (root; \`${INSTALL}\`)`, function () {
  this.timeout(120_000);
  const report: string[] = [];
  let lab: NetnsLab | undefined;

  before(async () => {
    requireLab(); // fails with the apt command or "needs root"
    lab = await NetnsLab.up({ left: 'port', right: 'port', signal: AbortSignal.timeout(30_000) });
  });

  after(async () => {
    await lab?.down();
    if (report.length > 0) console.log(`\n  real-NAT lab, ours ↔ ours:\n${report.map((l) => `    ${l}`).join('\n')}\n`);
  });

  it('port-restricted/port-restricted: ours (hostA, controlling) connects to ours (hostB) on the same pair, remotes = the NATs\' WAN addresses', async function () {
    if (lab === undefined) throw new Error('no lab');
    const ms: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      await lab.flushConntrack();
      const s = await session(lab, 20_000);
      expect(hasSrflxOnNat(lab, s.localA, 'A') && hasSrflxOnNat(lab, s.localB, 'B'), 'both gathered a srflx candidate on their NAT').to.equal(true);
      const x = connected(s.a, 'ours (hostA)');
      const y = connected(s.b, 'ours (hostB)');
      // Traffic crosses the NATs: each side talks to the other NAT's WAN address, never to a LAN address.
      expect(x.selected.remote.ip, "hostA's selected remote").to.equal(lab.publicIp('B'));
      expect(y.selected.remote.ip, "hostB's selected remote").to.equal(lab.publicIp('A'));
      // The same pair: what each side sends to is where the other side's selected local appears outside its NAT.
      expect(x.selected.remote, "hostA's remote is hostB's local behind natB").to.deep.equal(asSeenFromOutside(lab, 'B', y.selected.local));
      expect(y.selected.remote, "hostB's remote is hostA's local behind natA").to.deep.equal(asSeenFromOutside(lab, 'A', x.selected.local));
      // natA translated this very 5-tuple and saw replies: no [UNREPLIED] (not [ASSURED]: since Linux 5.x a UDP
      // entry is assured only once it has lived 2 s with replies, and a session here is shorter).
      const entry = s.conntrackA.split('\n').find((l) => l.includes(`src=${lab?.hostIp('A') ?? ''} dst=${x.selected.remote.ip} sport=${String(x.selected.local.port)} dport=${String(x.selected.remote.port)} `));
      expect(entry, `natA conntrack entry for the selected pair in:\n${s.conntrackA}`).to.be.a('string');
      expect(entry, 'natA saw the session both ways').to.not.contain('UNREPLIED');
      expect(entry, "natA's reply direction: hostB's NAT to natA's WAN address").to.contain(`src=${x.selected.remote.ip} dst=${lab.publicIp('A')} sport=${String(x.selected.remote.port)} dport=${String(y.selected.remote.port)}`);
      ms.push(s.setupMs);
    }
    const line = `port/port ours -> ours: setup median ${median(ms).toFixed(0)} ms (runs ${ms.map((m) => m.toFixed(0)).join(', ')})`;
    report.push(line);
    if (this.test !== undefined) this.test.title = `${this.test.title}: ${line}`;
  });

  it(`symmetric/symmetric: both of our agents report failed with a reason within the failure bound (--failure-timeout-ms ${String(FAILURE_TIMEOUT_MS)})`, async function () {
    if (lab === undefined) throw new Error('no lab');
    await lab.setNat('A', 'sym');
    await lab.setNat('B', 'sym');
    try {
      const bound = FAILURE_TIMEOUT_MS + FAILURE_SLACK_MS;
      const s = await session(lab, bound + 10_000, FAILURE_TIMEOUT_MS);
      expect(hasSrflxOnNat(lab, s.localA, 'A') && hasSrflxOnNat(lab, s.localB, 'B'), 'both gathered a srflx candidate on their NAT').to.equal(true);
      for (const [o, who] of [[s.a, 'hostA'], [s.b, 'hostB']] as const) {
        if (o.event !== 'failed') throw new Error(`${who} did not fail through two symmetric NATs: ${JSON.stringify(o)}`);
        expect(o.reason, `${who} failure reason`).to.be.oneOf(['timeout', 'all-pairs-failed', 'no-pairs']);
        expect(o.ms ?? Infinity, `${who} ms to failed`).to.be.below(bound);
      }
      expect(s.setupMs, 'both failed within the bound').to.be.below(bound);
      const reason = (o: PeerOutcome): string => (o.event === 'failed' ? `${o.reason} after ${o.ms?.toFixed(0) ?? '?'} ms` : o.event);
      const line = `sym/sym ours -> ours: both failed after ${s.setupMs.toFixed(0)} ms (hostA ${reason(s.a)}, hostB ${reason(s.b)})`;
      report.push(line);
      if (this.test !== undefined) this.test.title = `${this.test.title}: ${line}`;
    } finally {
      await lab.setNat('A', 'port');
      await lab.setNat('B', 'port');
    }
  });

  it('lab down: none of this run\'s namespaces and no process in them is left', async () => {
    if (lab === undefined) throw new Error('no lab');
    const mine = (): string[] => listNamespaces().filter((n) => n.startsWith(`${lab?.prefix ?? '?'}-`));
    expect(mine(), 'namespaces while up').to.have.length(6);
    for (const side of ['hostA', 'hostB'] as const) expect(namespacePids(`${lab.prefix}-${side}`), `processes in ${side}`).to.deep.equal([]);
    await lab.down();
    expect(mine(), 'namespaces after down').to.deep.equal([]);
    expect(pgrep(`turnserver.*${lab.workDir}`), "this lab's coturn after down").to.deep.equal([]);
  });
});
