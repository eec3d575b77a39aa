import { expect } from 'chai';
import { FakeNet, eventsOf, firstEventAt, ip4 } from './support/fake-net.js';

/** The two-NAT setup time of the last run (virtual ms), for reports. */
export let lastNatSetupMs = Number.NaN;

describe('ice/agent: setup time in virtual time', function () {
  this.timeout(120_000);
  it('two cone NATs (EIM, address-and-port-dependent filtering), RTT 20 ms, first checks dropped: both selected within 200 ms', () => {
    const net = new FakeNet();
    net.delay = () => 5; // 5 ms per hop segment; host↔host across the NATs is 2 segments = 10 ms one way
    net.addNat('natA', '198.51.100.1');
    net.addNat('natB', '203.0.113.1');
    const stun = ip4('192.0.2.10', 3478);
    net.addStunServer(stun);
    const a = net.addNode('a', 11, {}, 'natA');
    const b = net.addNode('b', 12, {}, 'natB');
    net.addEndpoint(a, 'E', [ip4('10.0.1.2', 5000)], stun);
    net.addEndpoint(b, 'E', [ip4('10.0.2.2', 5000)], stun);
    net.delay = () => 10;
    net.run(1_000, () => eventsOf(a, 'local-info-changed').length > 0 && eventsOf(b, 'local-info-changed').length > 0);
    const infoA = a.agent.localInfo('E')!;
    const infoB = b.agent.localInfo('E')!;
    expect(infoA.candidates.map((c) => c.type)).to.have.members(['host', 'server-reflexive']);
    // A learns B's info first; B 30 ms later, so A's first checks toward B's NAT are filtered.
    const t0 = net.clock.now() + 100;
    net.run(t0);
    a.agent.startIce('E', 'a-b', infoB);
    net.run(t0 + 30);
    b.agent.startIce('E', 'b-a', infoA);
    const both = t0 + 30;
    net.run(both + 5_000, () => firstEventAt(a, 'selected') !== undefined && firstEventAt(b, 'selected') !== undefined);
    const done = Math.max(firstEventAt(a, 'selected')!, firstEventAt(b, 'selected')!);
    expect(done - both).to.be.at.most(200);
    lastNatSetupMs = done - both;
    const sel = eventsOf(a, 'selected')[0]!;
    expect(sel.remoteAddress.ip).to.equal('203.0.113.1');
  });
});
