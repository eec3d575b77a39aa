/**
 * Interop of our ICE agent (IceDriver on real UDP, `roleRule: 'rfc8445'`) with werift-ice, aioice
 * and libnice over loopback: host candidates on 127.0.0.1, no STUN server. Each case runs RUNS
 * sessions and asserts that both sides connected and selected the same pair (each side's local is
 * the other's remote). Setup time is ms from both `remote` messages delivered to both connected
 * (ice-landscape.md §3), median of RUNS; the reference pairs (werift ↔ werift, werift ↔ aioice, …)
 * are measured first in the same run with the same harness, and every case's title reports its
 * median beside the references with our agent replaced by werift and by the peer itself. The
 * tests print nothing else; `bench/ice.ts` prints the same figures as a table.
 *
 * A role switch of ours is reported, not failed, outside the same-role cases: a peer in a child
 * process applies its role when it reads the `remote` line, and our first check (sent at `start`)
 * can reach it before that, while it still has its default role (libnice starts controlled; the
 * aioice peer holds such checks until its role is known, see aioice_peer.py). libnice then answers 487 (RFC 8445 §7.3.1.1) and the conflict resolves; the session
 * must still converge on one pair, which is asserted.
 */
import { expect } from 'chai';
import {
  uninstallLoopbackGuard, blockedDestinations, connectPeers, isOursPeer, requirePeerTool, startPeer, type IcePeer, type OursPeer, type PeerKind, type PeerOutcome,
} from './peers/index.js';

const RUNS = 3;
type Role = 'controlling' | 'controlled';

interface Case {
  readonly first: PeerKind;
  readonly second: PeerKind;
  readonly roles: readonly [Role, Role];
}

/** Case label: `a → b` (a controlling), `a ⇉ b both controlling`, `a ⇇ b both controlled`. */
function label(c: Case): string {
  if (c.roles[0] === c.roles[1]) return `${c.first} + ${c.second} both ${c.roles[0]}`;
  return c.roles[0] === 'controlling' ? `${c.first} → ${c.second}` : `${c.second} → ${c.first}`;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function start(kind: PeerKind): Promise<IcePeer> {
  return startPeer(kind, { signal: AbortSignal.timeout(60_000) }); // ours: in process (its events are inspected)
}

function connected(o: PeerOutcome, who: string): Extract<PeerOutcome, { event: 'connected' }> {
  if (o.event !== 'connected') throw new Error(`${who} failed: ${o.reason}`);
  return o;
}

/** One session: both connected, both report a selected pair, and it is the same pair seen from each side. */
async function session(c: Case): Promise<{ setupMs: number; ours: readonly OursPeer[] }> {
  const peers: IcePeer[] = [];
  try {
    peers.push(await start(c.first));
    peers.push(await start(c.second));
    const [a, b] = peers;
    if (a === undefined || b === undefined) throw new Error('peers not started');
    const r = await connectPeers(a, b, {
      signal: AbortSignal.timeout(20_000), roles: [c.roles[0] === 'controlling', c.roles[1] === 'controlling'],
    });
    const x = connected(r.controlling, `${c.first} (${c.roles[0]})`);
    const y = connected(r.controlled, `${c.second} (${c.roles[1]})`);
    if (x.selected === null || y.selected === null) throw new Error(`${label(c)}: a side reported no selected pair`);
    expect(x.selected.local, `${label(c)}: ${c.first}'s local is ${c.second}'s remote`).to.deep.equal(y.selected.remote);
    expect(x.selected.remote, `${label(c)}: ${c.first}'s remote is ${c.second}'s local`).to.deep.equal(y.selected.local);
    expect(x.selected.local.ip).to.equal('127.0.0.1');
    expect(x.selected.remote.ip).to.equal('127.0.0.1');
    return { setupMs: r.setupMs, ours: peers.filter(isOursPeer) };
  } finally {
    await Promise.all(peers.map((p) => p.close()));
  }
}

const REFERENCES: readonly Case[] = [
  { first: 'ours', second: 'ours', roles: ['controlling', 'controlled'] },
  { first: 'werift', second: 'werift', roles: ['controlling', 'controlled'] },
  { first: 'werift', second: 'werift', roles: ['controlling', 'controlling'] },
  { first: 'werift', second: 'werift', roles: ['controlled', 'controlled'] },
  { first: 'werift', second: 'aioice', roles: ['controlling', 'controlled'] },
  { first: 'aioice', second: 'werift', roles: ['controlling', 'controlled'] },
  { first: 'aioice', second: 'aioice', roles: ['controlling', 'controlled'] },
  { first: 'werift', second: 'libnice', roles: ['controlling', 'controlled'] },
  { first: 'libnice', second: 'werift', roles: ['controlling', 'controlled'] },
  { first: 'libnice', second: 'libnice', roles: ['controlling', 'controlled'] },
];

const OURS_CASES: readonly Case[] = [
  { first: 'ours', second: 'werift', roles: ['controlling', 'controlled'] },
  { first: 'werift', second: 'ours', roles: ['controlling', 'controlled'] },
  { first: 'ours', second: 'werift', roles: ['controlling', 'controlling'] },
  { first: 'ours', second: 'werift', roles: ['controlled', 'controlled'] },
  { first: 'ours', second: 'aioice', roles: ['controlling', 'controlled'] },
  { first: 'aioice', second: 'ours', roles: ['controlling', 'controlled'] },
  { first: 'ours', second: 'libnice', roles: ['controlling', 'controlled'] },
  { first: 'libnice', second: 'ours', roles: ['controlling', 'controlled'] },
];

/** The same case with our agent replaced by `by`. */
function replaced(c: Case, by: PeerKind): Case {
  const sub = (k: PeerKind): PeerKind => (k === 'ours' ? by : k);
  return { first: sub(c.first), second: sub(c.second), roles: c.roles };
}

function fmt(ms: readonly number[]): string {
  return `${median(ms).toFixed(1)} ms`;
}

describe('interop: our agent ↔ werift-ice, aioice, libnice over loopback UDP', function () {
  after(() => { uninstallLoopbackGuard(); }); // werift runs in this process: restore dgram send for later files
  this.timeout(180_000);
  const results = new Map<string, number[]>();

  before(async () => {
    // A missing tool fails here with the apt command that installs it (CI installs them all).
    await requirePeerTool('aioice');
    await requirePeerTool('libnice');
  });

  after(() => {
    expect(blockedDestinations, 'datagrams to non-loopback addresses').to.deep.equal([]);
  });

  describe(`references, same run (median of ${RUNS})`, () => {
    for (const c of REFERENCES) {
      it(label(c), async function () {
        const ms: number[] = [];
        for (let run = 0; run < RUNS; run++) ms.push((await session(c)).setupMs);
        results.set(label(c), ms);
        if (this.test !== undefined) this.test.title = `${label(c)}: ${fmt(ms)} (${ms.map((m) => m.toFixed(1)).join(', ')})`;
      });
    }
  });

  describe(`our agent (median of ${RUNS}; in brackets the same case with werift / the peer in our place)`, () => {
    for (const c of OURS_CASES) {
      const isConflict = c.roles[0] === c.roles[1];
      it(`${label(c)}${isConflict ? ' (487 resolution converges)' : ''}: connected, same pair`, async function () {
        const ms: number[] = [];
        let oursSwitched = 0;
        for (let run = 0; run < RUNS; run++) {
          const s = await session(c);
          ms.push(s.setupMs);
          for (const p of s.ours) {
            const switched = p.events.filter((e) => e.type === 'role-changed');
            const selected = p.events.find((e) => e.type === 'selected');
            if (selected?.type !== 'selected') throw new Error('ours: no selected event');
            const initial = c.roles[c.first === 'ours' ? 0 : 1];
            // Our final role is the initial one unless a 487 exchange switched it (RFC 8445 §7.2.5.1, §7.3.1.1).
            expect(selected.role, 'our role at selection').to.equal(switched.at(-1)?.role ?? initial);
            for (const e of switched) expect(e.cause).to.be.oneOf(['role-conflict-request', 'role-conflict-response']);
            if (switched.length > 0) oursSwitched++;
          }
        }
        results.set(label(c), ms);
        const other = c.first === 'ours' ? c.second : c.first;
        const refs = [...new Set([label(replaced(c, 'werift')), label(replaced(c, other === 'ours' ? 'werift' : other))])];
        const side = refs.map((r) => `${r} ${fmt(results.get(r) ?? [])}`).join(', ');
        if (this.test !== undefined) {
          this.test.title = `${label(c)}: ${fmt(ms)} (${ms.map((m) => m.toFixed(1)).join(', ')})`
            + `${isConflict || oursSwitched > 0 ? `, ours switched role in ${oursSwitched}/${RUNS}` : ''} [same run: ${side}]`;
        }
      });
    }
  });
});
