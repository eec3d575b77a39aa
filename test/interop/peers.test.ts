/**
 * Validates the interop-peer harness by connecting third-party ICE agents to each other over
 * loopback (host candidates on 127.0.0.1, no STUN server), in both roles, and reports setup times
 * (ms from both remote messages delivered to both connected, ice-landscape.md §3; median of RUNS).
 */
import dgram from 'node:dgram';
import { expect } from 'chai';
import {
  uninstallLoopbackGuard, blockedDestinations, installLoopbackGuard, connectPeers, PeerToolMissingError, requirePeerTool, startPeer, type IcePeer, type PeerKind,
  type PeerOutcome,
} from './peers/index.js';

const RUNS = 3;
const PAIRS: readonly (readonly [PeerKind, PeerKind])[] = [
  ['werift', 'aioice'], ['aioice', 'werift'],
  ['aioice', 'libnice'], ['libnice', 'aioice'],
  ['libnice', 'werift'], ['werift', 'libnice'],
];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
}

function expectLoopbackConnected(o: PeerOutcome, who: string): void {
  if (o.event !== 'connected') throw new Error(`${who} failed: ${o.reason}`);
  if (o.selected !== null) {
    expect(o.selected.local.ip, `${who} local`).to.equal('127.0.0.1');
    expect(o.selected.remote.ip, `${who} remote`).to.equal('127.0.0.1');
  }
}

describe('interop peers over loopback (werift-ice, aioice, libnice)', function () {
  after(() => { uninstallLoopbackGuard(); }); // werift runs in this process: restore dgram send for later files
  this.timeout(120_000);
  const results = new Map<string, number[]>();

  before(async () => {
    // A missing tool fails here with the apt command that installs it (CI installs them all).
    await requirePeerTool('aioice');
    await requirePeerTool('libnice');
  });

  after(() => {
    const rows = [...results].map(([k, ms]) => `  ${k.padEnd(20)} median ${median(ms).toFixed(1).padStart(7)} ms  runs ${ms.map((m) => m.toFixed(1)).join(', ')}`);
    console.log(`\n  setup ms (controlling -> controlled), both remote delivered -> both connected:\n${rows.join('\n')}\n`);
  });

  it('each peer gathers host candidates on 127.0.0.1 only', async () => {
    for (const kind of ['werift', 'aioice', 'libnice'] as const) {
      const peer = await startPeer(kind, { signal: AbortSignal.timeout(60_000) });
      try {
        const local = await peer.local({ signal: AbortSignal.timeout(20_000) });
        expect(local.candidates.length, kind).to.be.greaterThan(0);
        for (const c of local.candidates) expect(c.ip, kind).to.equal('127.0.0.1');
        expect(local.ufrag.length, kind).to.be.greaterThan(0);
        expect(local.pwd.length, kind).to.be.at.least(22);
      } finally {
        await peer.close();
      }
    }
  });

  for (const [ctl, ctd] of PAIRS) {
    it(`${ctl} (controlling) connects to ${ctd} (controlled)`, async () => {
      const ms: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const peers: IcePeer[] = [];
        try {
          peers.push(await startPeer(ctl, { signal: AbortSignal.timeout(60_000) }));
          peers.push(await startPeer(ctd, { signal: AbortSignal.timeout(60_000) }));
          const [a, b] = peers;
          if (a === undefined || b === undefined) throw new Error('peers not started');
          const r = await connectPeers(a, b, { signal: AbortSignal.timeout(20_000) });
          expectLoopbackConnected(r.controlling, `${ctl} controlling`);
          expectLoopbackConnected(r.controlled, `${ctd} controlled`);
          ms.push(r.setupMs);
        } finally {
          await Promise.all(peers.map((p) => p.close()));
        }
      }
      results.set(`${ctl} -> ${ctd}`, ms);
      expect(blockedDestinations, 'datagrams to non-loopback addresses').to.deep.equal([]);
    });
  }

  it('the loopback guard blocks and records a datagram to a non-loopback address', async () => {
    installLoopbackGuard();
    const before = blockedDestinations.length;
    const socket = dgram.createSocket('udp4');
    try {
      const err = await new Promise<Error | null>((resolve) => {
        socket.send(new Uint8Array([1]), 9, '192.0.2.1', (e) => { resolve(e); });
      });
      expect(err).to.be.instanceOf(Error);
      expect(blockedDestinations.slice(before)).to.deep.equal(['192.0.2.1']);
    } finally {
      blockedDestinations.splice(before);
      socket.close();
    }
  });

  it('a missing tool fails with the apt command that installs it', () => {
    const err = new PeerToolMissingError('libnice', 'apt-get install libnice-dev libnice10 pkg-config');
    expect(err.message).to.contain('apt-get install libnice-dev libnice10 pkg-config');
  });
});
