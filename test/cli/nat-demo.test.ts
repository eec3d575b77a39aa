import { expect } from 'chai';
import { runNatPair } from '../../src/cli/nat-demo.js';

describe('cli/nat-demo (the README\'s first command)', function () {
  this.timeout(60_000);

  it('two port-restricted NATs: discovery, ICE on DATA, every sample over the selected public path, in order', async () => {
    const r = await runNatPair('port-restricted', 'port-restricted', { samples: 50 });
    expect(r.delivered).to.equal(50);
    expect(r.inOrder).to.equal(true);
    expect(r.path, 'the writer NAT\'s public address').to.match(/^198\.51\.100\.1:\d+$/);
    expect(r.dataSelectedMs).to.be.a('number');
  });

  it('symmetric behind symmetric: no direct pair, every sample through the relay, in order', async () => {
    const r = await runNatPair('symmetric', 'symmetric', { samples: 10 });
    expect(r.delivered).to.equal(10);
    expect(r.inOrder).to.equal(true);
    expect(r.path).to.equal(undefined);
    expect(r.relayed).to.equal(true);
  });

  it('port-restricted behind port-restricted: the first samples through the relay, then the direct pair', async () => {
    const r = await runNatPair('port-restricted', 'port-restricted', { samples: 50 });
    expect(r.relayed).to.equal(true);
    expect(r.firstSampleMs!).to.be.lessThan(r.dataSelectedMs!);
    expect(r.delivered).to.equal(50);
  });

  it('is deterministic: the same pair gives the same virtual timings', async () => {
    const a = await runNatPair('full cone', 'port-restricted', { samples: 20 });
    const b = await runNatPair('full cone', 'port-restricted', { samples: 20 });
    expect(b).to.deep.equal(a);
  });
});
