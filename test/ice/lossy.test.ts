/**
 * Loss robustness in virtual time (deterministic per seed, so percentiles may be asserted): 30 %
 * random loss on every one-way path, 100 seeded runs, on the fake LAN and through two
 * port-restricted cone NATs on simnet with our STUN server (server-reflexive gathering is lossy too).
 */
import { expect } from 'chai';
import { DEFAULT_ICE_CONFIG } from '../../src/ice/index.js';
import { NatPresets } from '../../src/simnet/index.js';
import { lossyNatSetup, runLossyNatSetups, runLossySetups, type LossyReport } from './support/lossy.js';

const figures = (r: LossyReport): string => `${r.connected}/${r.runs}, p50 ${r.p50} ms, p95 ${r.p95} ms, max ${r.max} ms`;

describe('ice/agent: 30 % loss both ways, 100 seeds', function () {
  this.timeout(120_000);

  it('LAN (5 ms one way): all connect, p95 within 3 s, max within 8 s', () => {
    const r = runLossySetups(100, 0.3, 5);
    expect(r.connected, figures(r)).to.equal(100);
    expect(r.p50, figures(r)).to.be.at.most(500);
    expect(r.p95, figures(r)).to.be.at.most(3_000);
    expect(r.max, figures(r)).to.be.at.most(8_000);
  });

  it('two port-restricted cone NATs, 20 ms RTT, lossy STUN gathering: all connect, p95 within 4 s, max within 6 s', async () => {
    const r = await runLossyNatSetups(100);
    expect(r.connected, figures(r)).to.equal(100);
    expect(r.p50, figures(r)).to.be.at.most(1_000);
    expect(r.p95, figures(r)).to.be.at.most(4_000);
    expect(r.max, figures(r)).to.be.at.most(6_000);
  });

  it('a cell that cannot connect (symmetric × port-restricted) fails on both sides with a reason within the failure bound', async () => {
    for (const loss of [0, 0.3]) {
      const o = await lossyNatSetup(1, { left: NatPresets.symmetric, right: NatPresets.portRestricted, loss, limitMs: 120_000 });
      expect(o.setupMs).to.equal(undefined);
      expect(o.failures.length, JSON.stringify(o.failures)).to.be.at.least(2);
      for (const f of o.failures) {
        expect(f.reason).to.be.oneOf(['timeout', 'all-pairs-failed']);
        expect(f.atMs).to.be.at.most(DEFAULT_ICE_CONFIG.failureTimeoutMs + 1_000);
      }
    }
  });

  it('the failure bound is configurable', async () => {
    const o = await lossyNatSetup(1, { left: NatPresets.symmetric, right: NatPresets.symmetric, loss: 0, init: { failureTimeoutMs: 5_000 } });
    expect(o.failures.map((f) => f.reason)).to.deep.equal(['timeout', 'timeout']);
    for (const f of o.failures) expect(f.atMs).to.be.within(5_000, 5_100);
  });
});
