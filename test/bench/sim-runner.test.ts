/**
 * The NAT bench's simnet runner: our agents in virtual time (outcomes, determinism, check counting,
 * mesh), and werift-ice on simnet through the dgram shim (outcomes only: it runs in wall time, so no
 * time is asserted).
 */
import { expect } from 'chai';
import dgram from 'node:dgram';
import type { Cell, NatKind } from '../../bench/nat/scenario.js';
import { cellId } from '../../bench/nat/scenario.js';
import { runOursVirtual, runWeriftWall } from '../../bench/nat/sim-runner.js';

function pair(left: NatKind, right: NatKind, rttMs = 20, lossPercent = 0): Cell {
  const c = { kind: 'pair' as const, left, right, rttMs, lossPercent };
  return { ...c, id: cellId(c) };
}

describe('bench/nat simnet runner', function () {
  this.timeout(60_000);

  it('ours, two port-restricted NATs at 20 ms RTT: connects within 200 virtual ms, a handful of checks, same record for the same seed', async () => {
    const a = await runOursVirtual(pair('port-restricted', 'port-restricted'), 1, 5_000);
    expect(a).to.deep.include({ connected: true, pairsConnected: 1, pairs: 1, reason: null });
    expect(a.setupMs).to.be.greaterThan(0).and.at.most(200);
    expect(a.checksPerPair).to.be.at.least(2).and.at.most(12);
    expect(await runOursVirtual(pair('port-restricted', 'port-restricted'), 1, 5_000)).to.deep.equal(a);
  });

  it('ours, symmetric against port-restricted: does not connect, with the agent\'s reason, within the bound', async () => {
    const o = await runOursVirtual(pair('symmetric', 'port-restricted'), 1, 3_000);
    expect(o).to.deep.include({ connected: false, setupMs: null, pairsConnected: 0 });
    expect(o.reason).to.be.a('string').and.not.match(/not connected within/);
  });

  it('ours under 30 % loss per one-way path still connects (seeded) and sends more checks than without loss', async () => {
    const clean = await runOursVirtual(pair('port-restricted', 'port-restricted'), 3, 15_000);
    const lossy = await runOursVirtual(pair('port-restricted', 'port-restricted', 20, 30), 3, 15_000);
    expect(lossy.connected, lossy.reason ?? '').to.equal(true);
    expect(lossy.checksPerPair).to.be.greaterThan(clean.checksPerPair ?? 0);
  });

  it('ours, a mesh of 4 behind different NATs: every one of the 6 pairs connects', async () => {
    const o = await runOursVirtual({ kind: 'mesh', id: 'mesh4', participants: 4, nats: ['port-restricted', 'full-cone', 'address-restricted', 'none'], rttMs: 20, lossPercent: 0 }, 1, 10_000);
    expect(o, o.reason ?? '').to.deep.include({ connected: true, pairsConnected: 6, pairs: 6 });
  });

  it('werift-ice on simnet through the dgram shim: connects through two port-restricted NATs, fails symmetric×symmetric; dgram is restored', async () => {
    const create = dgram.createSocket;
    const ok = await runWeriftWall(pair('port-restricted', 'port-restricted'), 1, 5_000);
    expect(ok, ok.reason ?? '').to.deep.include({ connected: true, pairsConnected: 1 });
    expect(ok.checksPerPair).to.be.greaterThan(0);
    const bad = await runWeriftWall(pair('symmetric', 'symmetric'), 1, 3_000);
    expect(bad).to.deep.include({ connected: false, setupMs: null });
    expect(bad.reason).to.match(/candidate pairs failed/);
    expect(dgram.createSocket).to.equal(create);
  });
});
