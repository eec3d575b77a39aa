/**
 * The bench's two backends agree: for a few NAT pairs, our agent connects (or fails) through the kernel
 * NATs of the netns lab exactly when it does on simnet. Root and the lab's tools are required; without
 * them the test fails with the reason and the install command (`requireLab`).
 */
import { expect } from 'chai';
import { NetnsCell } from '../../bench/nat/netns-runner.js';
import { cellId, isExpectedToConnect, type NatKind, type PairCell } from '../../bench/nat/scenario.js';
import { runOursVirtual } from '../../bench/nat/sim-runner.js';
import { requireLab } from '../support/netns-lab.js';

function pair(left: NatKind, right: NatKind): PairCell {
  const c = { kind: 'pair' as const, left, right, rttMs: 20, lossPercent: 0 };
  return { ...c, id: cellId(c) };
}

describe('bench/nat: simnet and netns agree on the outcome (root)', function () {
  this.timeout(120_000);

  before(() => {
    requireLab();
  });

  const cells: readonly (readonly [NatKind, NatKind])[] = [['port-restricted', 'port-restricted'], ['full-cone', 'symmetric'], ['symmetric', 'port-restricted']];
  for (const [left, right] of cells) {
    const want = isExpectedToConnect(left, right);
    it(`${left} × ${right}: ${want ? 'connects' : 'fails'} on both`, async () => {
      const cell = pair(left, right);
      const sim = await runOursVirtual(cell, 1, 3_000);
      const lab = await NetnsCell.open(cell);
      try {
        const real = await lab.run('ours', 3_000);
        expect(sim.connected, `simnet: ${sim.reason ?? ''}`).to.equal(want);
        expect(real.connected, `netns: ${real.reason ?? ''}`).to.equal(want);
        if (!want) expect(real.reason, 'our agent reports why').to.be.a('string').and.not.equal('');
      } finally {
        await lab.close();
      }
    });
  }
});
