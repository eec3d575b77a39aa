/**
 * The ICE driver on simnet: the same driver code that runs on real UDP, here on virtual networks with
 * RFC 4787 NATs in virtual time, so timings are deterministic and may be asserted.
 */
import { expect } from 'chai';
import type { IceAgentEvent, IceAgentInfo } from '../../src/ice/index.js';
import { StunServer } from '../../src/relay/index.js';
import type { NatSpec, TwoNatTopology } from '../../src/simnet/index.js';
import { NatPresets, twoNatTopology } from '../../src/simnet/index.js';
import { IceDriver } from '../../src/transport/ice-driver.js';
import { silentLogger } from '../../src/util/logger.js';
import { SeededRandom } from '../../src/util/prng.js';

const TA_MS = 50;
const ENDPOINT = 'SEDP';

interface Side {
  readonly driver: IceDriver;
  readonly events: { readonly at: number; readonly e: IceAgentEvent }[];
  info(): IceAgentInfo;
}

async function side(topo: TwoNatTopology, host: 'left' | 'right', seed: number, stun: boolean): Promise<Side> {
  const rng = new SeededRandom(seed);
  const net = topo[host];
  const driver = new IceDriver({ network: net, timers: topo.network.timers, randomBytes: (n) => rng.bytes(n), log: silentLogger });
  const events: { at: number; e: IceAgentEvent }[] = [];
  driver.on('ice-event', (e) => { events.push({ at: topo.network.timers.clock.now(), e }); });
  await driver.addEndpoint({ id: ENDPOINT, ...(stun ? { stunServer: { family: 'IPv4', ip: '192.0.2.1', port: 3478 } } : {}) });
  return {
    driver,
    events,
    info: () => {
      const i = driver.agent.localInfo(ENDPOINT);
      if (i === undefined) throw new Error('no local info');
      return i;
    },
  };
}

interface Outcome {
  readonly connected: boolean;
  /** ms from both sides having the other's info to both having selected a pair. */
  readonly setupMs: number | undefined;
  readonly failedReasons: readonly string[];
}

/** Runs one cell: gather (with a STUN server), exchange info at t0, run until both selected or both failed. */
async function connect(left: NatSpec, right: NatSpec, opts: { rttMs: number; loss?: number; seed?: number; stun?: boolean }): Promise<Outcome> {
  const seed = opts.seed ?? 1;
  const topo = twoNatTopology({ left, right, rttMs: opts.rttMs, loss: opts.loss ?? 0, seed, recordTrace: false });
  const stun = opts.stun ?? true;
  const server = stun ? await StunServer.start(topo.server, { ip: '192.0.2.1', port: 3478 }) : undefined;
  const l = await side(topo, 'left', seed * 7919 + 1, stun);
  const r = await side(topo, 'right', seed * 7919 + 2, stun);
  try {
    // Gathering: let the server-reflexive transaction complete (retransmitted under loss).
    topo.network.runFor(stun ? 3_000 : 0);
    const t0 = topo.network.timers.clock.now();
    l.driver.startIce(ENDPOINT, 'L->R', r.info());
    r.driver.startIce(ENDPOINT, 'R->L', l.info());
    const done = (s: Side): boolean => s.events.some(({ e }) => e.type === 'selected' || e.type === 'failed');
    for (let i = 0; i < 2_400 && !(done(l) && done(r)); i++) topo.network.runFor(50);
    const selectedAt = (s: Side): number | undefined => s.events.find(({ e }) => e.type === 'selected')?.at;
    const la = selectedAt(l);
    const ra = selectedAt(r);
    const failedReasons = [...l.events, ...r.events].flatMap(({ e }) => (e.type === 'failed' ? [e.reason] : []));
    const connected = la !== undefined && ra !== undefined;
    return { connected, setupMs: connected ? Math.max(la, ra) - t0 : undefined, failedReasons };
  } finally {
    l.driver.close();
    r.driver.close();
    server?.close();
  }
}

const KINDS = {
  'no NAT': 'none',
  'full cone': NatPresets.fullCone,
  'address-restricted': NatPresets.addressRestricted,
  'port-restricted': NatPresets.portRestricted,
  symmetric: NatPresets.symmetric,
} as const satisfies Record<string, NatSpec>;
type Kind = keyof typeof KINDS;

/** RFC 4787: hole punching fails only where a symmetric NAT meets a port-restricted or symmetric one. */
function expected(a: Kind, b: Kind): boolean {
  const bad = (x: Kind, y: Kind): boolean => x === 'symmetric' && (y === 'port-restricted' || y === 'symmetric');
  return !bad(a, b) && !bad(b, a);
}

describe('transport/IceDriver on simnet', function () {
  this.timeout(120_000);

  it('LAN: both sides select within Ta + 3 RTT of both having the other\'s info', async () => {
    const rttMs = 2;
    const o = await connect('none', 'none', { rttMs, stun: false });
    expect(o.connected).to.equal(true);
    expect(o.setupMs).to.be.at.most(TA_MS + 3 * rttMs);
  });

  it('two port-restricted cone NATs at 20 ms RTT: both selected within 200 ms', async () => {
    const o = await connect(NatPresets.portRestricted, NatPresets.portRestricted, { rttMs: 20 });
    expect(o.connected, o.failedReasons.join()).to.equal(true);
    expect(o.setupMs).to.be.at.most(200);
  });

  it('two port-restricted NATs, two endpoints whose checklists start in opposite orders on the two sides: both endpoints select within 2 s (no cross-endpoint freeze)', async () => {
    // The ice-stall case (docs/ice.md "Freezing"): with foundations frozen agent-wide, the left agent
    // probed each foundation first on SPDP and the right agent on SEDP; behind address-and-port-dependent
    // filtering a check only gets through once the peer has checked the same 5-tuple, so neither probe
    // was answered and each held its foundation for checkTimeoutMs (39.5 s) while every other pair
    // stayed frozen. Kernel-like NATs (Linux masquerade): port-restricted, no hairpinning.
    const kernelPort: NatSpec = { ...NatPresets.portRestricted, hairpinning: false };
    const topo = twoNatTopology({ left: kernelPort, right: kernelPort, rttMs: 20, seed: 3, recordTrace: false });
    const server = await StunServer.start(topo.server, { ip: '192.0.2.1', port: 3478 });
    const ids = ['SPDP', 'SEDP'] as const;
    const make = async (host: 'left' | 'right', seed: number): Promise<{ driver: IceDriver; selected: Map<string, number> }> => {
      const rng = new SeededRandom(seed);
      const driver = new IceDriver({ network: topo[host], timers: topo.network.timers, randomBytes: (n) => rng.bytes(n), log: silentLogger });
      const selected = new Map<string, number>();
      driver.on('ice-event', (e) => { if (e.type === 'selected') selected.set(e.endpointId, topo.network.timers.clock.now()); });
      for (const id of ids) await driver.addEndpoint({ id, stunServer: { family: 'IPv4', ip: '192.0.2.1', port: 3478 } });
      return { driver, selected };
    };
    const l = await make('left', 101);
    const r = await make('right', 202);
    try {
      topo.network.runFor(3_000);
      const info = (d: IceDriver, id: string): IceAgentInfo => {
        const i = d.agent.localInfo(id);
        if (i?.candidates.some((c) => c.type === 'server-reflexive') !== true) throw new Error(`${id}: no server-reflexive candidate`);
        return i;
      };
      const t0 = topo.network.timers.clock.now();
      for (const id of ['SPDP', 'SEDP']) l.driver.startIce(id, 'L->R', info(r.driver, id));
      for (const id of ['SEDP', 'SPDP']) r.driver.startIce(id, 'R->L', info(l.driver, id));
      for (let i = 0; i < 40 && (l.selected.size < 2 || r.selected.size < 2); i++) topo.network.runFor(50);
      const report = (d: IceDriver, peer: IceDriver): string => ids.map((id) => {
        const snap = d.agent.inspect(id, info(peer, id).username);
        return `${id} ${snap?.state ?? '?'} [${snap?.pairs.map((p) => `${p.remote} ${p.state}`).join(', ') ?? ''}]`;
      }).join('; ');
      expect([...l.selected.keys()].sort(), `left: ${report(l.driver, r.driver)}`).to.deep.equal(['SEDP', 'SPDP']);
      expect([...r.selected.keys()].sort(), `right: ${report(r.driver, l.driver)}`).to.deep.equal(['SEDP', 'SPDP']);
      for (const at of [...l.selected.values(), ...r.selected.values()]) expect(at - t0).to.be.at.most(2_000);
    } finally {
      l.driver.close();
      r.driver.close();
      server.close();
    }
  });

  describe('the NAT matrix, STUN server on the public side, 20 ms RTT', () => {
    const names = Object.keys(KINDS) as Kind[];
    for (const a of names) {
      for (const b of names) {
        const want = expected(a, b);
        it(`${a} × ${b}: ${want ? 'connects' : 'fails cleanly with a reason'}`, async () => {
          const o = await connect(KINDS[a], KINDS[b], { rttMs: 20 });
          expect(o.connected, `setup ${String(o.setupMs)} ms, failures ${o.failedReasons.join()}`).to.equal(want);
          if (!want) expect(o.failedReasons.length, 'a failed event with its reason on each side').to.equal(2);
        });
      }
    }
  });
});
