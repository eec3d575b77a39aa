/**
 * Runs a pair cell on real kernel NATs: the netns lab of `test/support/netns-lab.ts` (nftables NATs in
 * network namespaces, coturn as STUN server; root), one lab per cell, the agents as harness peers of
 * `test/interop/peers/` under `ip netns exec` (ours = `ours-runner.ts`, werift = `werift-runner.ts`,
 * aioice and libnice their own processes), the first one in hostA controlling. Setup time is the
 * harness's: wall ms from both peers having the other's parameters to both reporting connected.
 *
 * Link emulation: the cell's RTT and loss are applied with `tc netem` on the six access-link egresses
 * (a quarter of the RTT and `perLinkLoss` each, as on simnet) when the kernel has `sch_netem`; otherwise the cell runs at
 * veth latency and every record says so (`linkEmulated: false`).
 */
import { connectPeers, startPeer, type IcePeer } from '../../test/interop/peers/index.js';
import { LAB_ADDRESS_PREFIXES, NetnsLab, requireLab, type NatMode } from '../../test/support/netns-lab.js';
import type { RunOutcome } from './sim-runner.js';
import { perLinkLoss, type AgentName, type NatKind, type PairCell } from './scenario.js';

/** The lab's nft mode for a bench NAT kind (docs/real-nat-lab.md). */
export function labModeOf(kind: NatKind): NatMode {
  switch (kind) {
    case 'none': return 'none';
    case 'full-cone': return 'fullcone';
    case 'address-restricted': return 'addr';
    case 'port-restricted': return 'port';
    case 'symmetric': return 'sym';
  }
}

/** Access-link egresses: each carries rtt/4 one way (natX wan0 and inet's a0/b0 for the hosts, stun eth0 and inet s0 for the server). */
const EGRESSES: readonly (readonly ['natA' | 'natB' | 'inet' | 'stun', string])[] = [
  ['natA', 'wan0'], ['inet', 'a0'], ['natB', 'wan0'], ['inet', 'b0'], ['stun', 'eth0'], ['inet', 's0'],
];

/** One lab for one cell; {@link close} removes it. */
export class NetnsCell {
  readonly #lab: NetnsLab;
  readonly linkEmulated: boolean;
  readonly linkNote: string | null;

  private constructor(lab: NetnsLab, linkEmulated: boolean, linkNote: string | null) {
    this.#lab = lab;
    this.linkEmulated = linkEmulated;
    this.linkNote = linkNote;
  }

  /** Builds the lab for `cell` (throws the lab's error with the install command when it cannot run). */
  static async open(cell: PairCell): Promise<NetnsCell> {
    requireLab();
    const lab = await NetnsLab.up({ left: labModeOf(cell.left), right: labModeOf(cell.right), signal: AbortSignal.timeout(60_000) });
    try {
      if (cell.rttMs === 0 && cell.lossPercent === 0) return new NetnsCell(lab, true, null);
      const oneWay = `${cell.rttMs / 4}ms`;
      for (const [ns, dev] of EGRESSES) {
        const r = await lab.exec(ns, ['tc', 'qdisc', 'replace', 'dev', dev, 'root', 'netem', 'delay', oneWay, 'loss', `${(100 * perLinkLoss(cell.lossPercent)).toFixed(3)}%`], { timeoutMs: 10_000 });
        if (r.code !== 0) {
          return new NetnsCell(lab, false, `tc netem unavailable (${r.stderr.trim() || `exit ${String(r.code)}`}): ran at veth latency, no loss`);
        }
      }
      return new NetnsCell(lab, true, null);
    } catch (err: unknown) {
      await lab.down();
      throw err;
    }
  }

  /** One session of `agent` ↔ `agent`: A controlling, B controlled; conntrack flushed afterwards. */
  async run(agent: AgentName, timeoutMs: number): Promise<RunOutcome> {
    const lab = this.#lab;
    const peers: IcePeer[] = [];
    try {
      const started = await Promise.all((['A', 'B'] as const).map((side) => startPeer(agent, {
        signal: AbortSignal.timeout(60_000), launcher: lab.launcher(side), hostIp: lab.hostIp(side), stunServer: lab.stunServer,
        allowPrefixes: LAB_ADDRESS_PREFIXES, ...(agent === 'ours' ? { failureTimeoutMs: timeoutMs } : {}),
      })));
      peers.push(...started);
      const [a, b] = started;
      if (a === undefined || b === undefined) throw new Error('peers not started');
      try {
        const r = await connectPeers(a, b, { signal: AbortSignal.timeout(timeoutMs + 5_000) });
        const ok = r.controlling.event === 'connected' && r.controlled.event === 'connected';
        const reasons = [r.controlling, r.controlled].flatMap((o) => (o.event === 'failed' ? [o.reason] : []));
        return { connected: ok, setupMs: ok ? r.setupMs : null, pairsConnected: ok ? 1 : 0, pairs: 1, checksPerPair: null, reason: ok ? null : [...new Set(reasons)].join('; ') };
      } catch (err: unknown) {
        if (err instanceof Error && /aborted/.test(err.message)) {
          return { connected: false, setupMs: null, pairsConnected: 0, pairs: 1, checksPerPair: null, reason: `not connected within ${timeoutMs + 5_000} ms` };
        }
        throw err;
      }
    } finally {
      await Promise.all(peers.map((p) => p.close()));
      await lab.flushConntrack();
    }
  }

  async close(): Promise<void> {
    await this.#lab.down();
  }
}
