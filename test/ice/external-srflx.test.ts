import { expect } from 'chai';
import { eventsOf, FakeNet, ip4 } from './support/fake-net.js';
import { lanPair } from './support/scenarios.js';

const RELAY = ip4('192.0.2.1', 4902);
const PUBLIC = ip4('198.51.100.1', 40000);

describe('ice/agent: externally learned server-reflexive address (relay keep-alive hook, spec §6.1, §6.4)', () => {
  it('adds, changes and removes a srflx candidate per host base, with local-info-changed', () => {
    const s = lanPair();
    const before = eventsOf(s.a, 'local-info-changed').length;
    expect(s.a.agent.setServerReflexiveAddress('E', RELAY, PUBLIC)).to.equal(true);
    let info = s.a.agent.localInfo('E');
    const srflx = info?.candidates.filter((c) => c.type === 'server-reflexive') ?? [];
    expect(srflx.map((c) => c.address)).to.deep.equal([PUBLIC]);
    expect(srflx[0]?.foundation).to.equal('S10.0.0.1_192.0.2.1U');
    const changed = eventsOf(s.a, 'local-info-changed').slice(before);
    expect(changed.map((e) => e.reason)).to.deep.equal(['server-reflexive']);
    expect(changed[0]?.info).to.deep.equal(info);

    expect(s.a.agent.setServerReflexiveAddress('E', RELAY, ip4('198.51.100.1', 40000))).to.equal(false);
    expect(eventsOf(s.a, 'local-info-changed').length).to.equal(before + 1);

    const moved = ip4('198.51.100.1', 40001);
    expect(s.a.agent.setServerReflexiveAddress('E', RELAY, moved)).to.equal(true);
    info = s.a.agent.localInfo('E');
    expect(info?.candidates.filter((c) => c.type === 'server-reflexive').map((c) => c.address)).to.deep.equal([moved]);

    expect(s.a.agent.setServerReflexiveAddress('E', RELAY, undefined)).to.equal(true);
    expect(s.a.agent.localInfo('E')?.candidates.map((c) => c.type)).to.deep.equal(['host']);
    expect(s.a.agent.setServerReflexiveAddress('E', RELAY, undefined)).to.equal(false);
    expect(eventsOf(s.a, 'local-info-changed').length).to.equal(before + 3);
  });

  it('is a no-op for an unknown endpoint and adds nothing for another address family', () => {
    const s = lanPair();
    expect(s.a.agent.setServerReflexiveAddress('nope', RELAY, PUBLIC)).to.equal(false);
    expect(s.a.agent.setServerReflexiveAddress('E', RELAY, { family: 'IPv6', ip: '2001:db8::1', port: 40000 })).to.equal(true);
    expect(s.a.agent.localInfo('E')?.candidates.map((c) => c.type)).to.deep.equal(['host']);
  });

  it('keeps one candidate per server and de-duplicates it with the agent\'s own STUN client', () => {
    const net = new FakeNet();
    net.addNat('nat', '198.51.100.1', 'endpoint-independent');
    const stun = ip4('192.0.2.10', 3478);
    net.addStunServer(stun);
    const a = net.addNode('a', 1, {}, 'nat');
    net.addEndpoint(a, 'E', [ip4('10.0.1.2', 5000)], stun);
    net.run(1_000);
    const own = a.agent.localInfo('E')?.candidates.find((c) => c.type === 'server-reflexive');
    expect(own?.address.ip).to.equal('198.51.100.1');
    if (own === undefined) return;
    // The relay sees the same mapping (endpoint-independent mapping): still one srflx candidate.
    a.agent.setServerReflexiveAddress('E', RELAY, own.address);
    expect(a.agent.localInfo('E')?.candidates.filter((c) => c.type === 'server-reflexive')).to.have.length(1);
    // A different mapping reported by the relay (e.g. address-dependent mapping): a second candidate.
    a.agent.setServerReflexiveAddress('E', RELAY, ip4('198.51.100.1', 50000));
    const all = a.agent.localInfo('E')?.candidates.filter((c) => c.type === 'server-reflexive') ?? [];
    expect(all.map((c) => c.foundation).sort()).to.deep.equal(['S10.0.1.2_192.0.2.10U', 'S10.0.1.2_192.0.2.1U']);
  });

  it('restarts running checklists so that the new candidate is paired (as for the own srflx)', () => {
    const s = lanPair();
    s.a.agent.startIce('E', 'a-b', s.infoB);
    s.net.run(5);
    expect(s.a.agent.setServerReflexiveAddress('E', RELAY, PUBLIC)).to.equal(true);
    const snap = s.a.agent.inspect('E', s.infoB.username);
    expect(snap?.peerKeys).to.deep.equal(['a-b']);
    expect(snap?.state).to.equal('running');
  });
});
