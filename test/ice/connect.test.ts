import { expect } from 'chai';
import { decodeStunMessage, getAttribute, IceControlling } from '../../src/stun/index.js';
import { eventsOf, firstEventAt } from './support/fake-net.js';
import { connect, lanPair } from './support/scenarios.js';

const TA = 50;

describe('ice/agent: connecting two agents', () => {
  for (const oneWay of [1, 5, 20]) {
    const rtt = 2 * oneWay;
    it(`LAN, RTT ${rtt} ms: both selected within Ta + 3·RTT (${TA + 3 * rtt} ms) of both having the other's info`, () => {
      const s = lanPair();
      s.net.delay = () => oneWay;
      const r = connect(s, 0, 0);
      expect(r.a).to.be.a('number');
      expect(Math.max(r.a!, r.b!)).to.be.at.most(TA + 3 * rtt);
      const selA = eventsOf(s.a, 'selected')[0]!;
      const selB = eventsOf(s.b, 'selected')[0]!;
      expect(selA.peerKeys).to.deep.equal(['a-b']);
      expect(selA.remoteAddress).to.deep.equal(s.infoB.candidates[0]!.address);
      expect(selB.remoteAddress).to.deep.equal(s.infoA.candidates[0]!.address);
      expect(s.a.agent.selectedAddress('E', 'a-b')).to.deep.equal(s.infoB.candidates[0]!.address);
      expect(new Set([selA.role, selB.role])).to.deep.equal(new Set(['controlling', 'controlled']));
    });
  }

  it('staggered info (B learns A 30 ms later): deferred check replayed, both selected within Ta + 3·RTT of the later', () => {
    const s = lanPair();
    s.net.delay = () => 5;
    const r = connect(s, 0, 30);
    expect(Math.max(r.a!, r.b!) - 30).to.be.at.most(TA + 30);
  });

  it('role by username order (spec §5.5), both ways', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 8; seed++) {
      const s = lanPair(seed, seed + 100);
      connect(s);
      const aControls = s.infoA.username < s.infoB.username;
      seen.add(String(aControls));
      expect(s.a.agent.inspect('E', s.infoB.username)!.role).to.equal(aControls ? 'controlling' : 'controlled');
      expect(s.b.agent.inspect('E', s.infoA.username)!.role).to.equal(aControls ? 'controlled' : 'controlling');
      // Only the controlling side sends USE-CANDIDATE.
      const nominator = aControls ? 'a' : 'b';
      expect(s.net.log.filter((x) => x.useCandidate).every((x) => x.node === nominator)).to.equal(true);
    }
    expect(seen.size, 'both orders exercised').to.equal(2);
  });

  it('deferred triggered check: a request before the remote info is answered and replayed first when it arrives', () => {
    const s = lanPair();
    s.net.delay = () => 5;
    s.b.agent.startIce('E', 'b-a', s.infoA);
    s.net.run(20);
    expect(s.a.agent.deferredCount('E', s.infoB.username)).to.equal(1);
    expect(s.a.sent.filter((x) => x.cls === 'success')).to.have.length(1);
    expect(s.a.sent.filter((x) => x.cls === 'request')).to.have.length(0);
    s.a.agent.startIce('E', 'a-b', s.infoB);
    expect(s.a.agent.deferredCount('E', s.infoB.username)).to.equal(0);
    s.net.run(2000, () => firstEventAt(s.a, 'selected') !== undefined && firstEventAt(s.b, 'selected') !== undefined);
    expect(firstEventAt(s.a, 'selected')).to.be.at.most(20 + TA + 30);
    const firstReq = s.a.sent.find((x) => x.cls === 'request')!;
    expect(firstReq.t.to).to.deep.equal(s.infoB.candidates[0]!.address);
  });

  it('password-only change is applied in place, without restarting checks (spec §5.12)', () => {
    const s = lanPair();
    connect(s);
    const before = s.a.agent.inspect('E', s.infoB.username);
    const sentBefore = s.a.sent.length;
    s.a.agent.startIce('E', 'a-b', { ...s.infoB, password: 'a'.repeat(32) });
    expect(s.a.agent.inspect('E', s.infoB.username)).to.deep.equal(before);
    expect(eventsOf(s.a, 'disconnected')).to.have.length(0);
    expect(s.a.sent.length).to.equal(sentBefore);
    expect(s.a.agent.selectedAddress('E', 'a-b')).to.deep.equal(s.infoB.candidates[0]!.address);
  });

  it('a candidate change rebuilds the checklist; a second peer key shares it', () => {
    const s = lanPair();
    connect(s);
    s.a.agent.startIce('E', 'a-b2', s.infoB);
    expect(s.a.agent.inspect('E', s.infoB.username)!.peerKeys).to.deep.equal(['a-b', 'a-b2']);
    expect(eventsOf(s.a, 'selected').at(-1)!.peerKeys).to.deep.equal(['a-b2']);
    s.a.agent.startIce('E', 'a-b', { ...s.infoB, candidates: [...s.infoB.candidates, { ...s.infoB.candidates[0]!, address: { ...s.infoB.candidates[0]!.address, port: 5001 } }] });
    expect(eventsOf(s.a, 'disconnected').map((e) => e.reason)).to.deep.equal(['restarted']);
    expect(s.a.agent.inspect('E', s.infoB.username)!.state).to.equal('running');
    expect(s.a.agent.inspect('E', s.infoB.username)!.peerKeys).to.have.members(['a-b', 'a-b2']);
    s.a.agent.stopIce('E', 'a-b');
    s.a.agent.stopIce('E', 'a-b2');
    expect(s.a.agent.inspect('E', s.infoB.username)).to.equal(undefined);
  });

  it('a remote username equal to ours regenerates ours (spec §5.2)', () => {
    const s = lanPair();
    s.a.agent.startIce('E', 'x', { ...s.infoB, username: s.infoA.username });
    const changed = eventsOf(s.a, 'local-info-changed');
    expect(changed.map((e) => e.reason)).to.deep.equal(['username-collision']);
    expect(changed[0]!.info.username).to.not.equal(s.infoA.username);
    expect(changed[0]!.info.username).to.match(/^[0-9a-f]{32}$/);
  });

  it('restart(): new credentials, checklists rebuilt, and it reconnects with the new info', () => {
    const s = lanPair();
    connect(s);
    s.a.agent.restart('E');
    const info = eventsOf(s.a, 'local-info-changed')[0]!.info;
    expect(info.username).to.not.equal(s.infoA.username);
    expect(info.password).to.not.equal(s.infoA.password);
    s.b.agent.startIce('E', 'b-a', info);
    const t0 = s.net.clock.now();
    s.net.run(t0 + 5000, () => firstEventAt(s.a, 'selected', t0) !== undefined && firstEventAt(s.b, 'selected', t0 + 1) !== undefined);
    expect(firstEventAt(s.a, 'selected', t0)).to.be.a('number');
    expect(s.a.agent.selectedAddress('E', 'a-b')).to.deep.equal(s.infoB.candidates[0]!.address);
  });

  for (const both of ['controlling', 'controlled'] as const) {
    it(`rfc8445 mode: both ${both} → 487 role conflict resolved by tie-breakers, then connected`, () => {
      const s = lanPair(3, 4);
      s.net.delay = () => 2;
      s.a.agent.startIce('E', 'a-b', s.infoB, { roleRule: 'rfc8445', initialRole: both });
      s.b.agent.startIce('E', 'b-a', s.infoA, { roleRule: 'rfc8445', initialRole: both });
      s.net.run(10_000, () => firstEventAt(s.a, 'selected') !== undefined && firstEventAt(s.b, 'selected') !== undefined);
      const roles = [s.a.agent.inspect('E', s.infoB.username)!.role, s.b.agent.inspect('E', s.infoA.username)!.role];
      expect(new Set(roles)).to.deep.equal(new Set(['controlling', 'controlled']));
      expect(s.net.log.some((x) => x.cls === 'error'), 'a 487 was sent').to.equal(true);
      expect(eventsOf(s.a, 'role-changed').length + eventsOf(s.b, 'role-changed').length).to.be.greaterThan(0);
      // RFC 8445 §7.3.1.1: the larger tie-breaker ends up controlling.
      const tb = (node: typeof s.a): bigint => {
        for (const x of node.sent) {
          if (x.cls !== 'request') continue;
          const v = getAttribute(decodeStunMessage(x.t.bytes), IceControlling);
          if (v !== undefined) return v;
        }
        return -1n;
      };
      const controller = roles[0] === 'controlling' ? s.a : s.b;
      const other = controller === s.a ? s.b : s.a;
      if (both === 'controlling') expect(tb(controller) >= tb(other)).to.equal(true);
      expect(firstEventAt(s.a, 'selected')).to.be.a('number');
    });
  }

  it('opendds mode ignores tie-breakers: no 487 even when both claim one role', () => {
    const s = lanPair(3, 4);
    connect(s);
    expect(s.net.log.some((x) => x.cls === 'error')).to.equal(false);
  });

  it('close() leaves no deadline and no state', () => {
    const s = lanPair();
    s.a.agent.startIce('E', 'a-b', s.infoB);
    s.net.run(5);
    s.a.agent.close();
    expect(s.a.agent.nextDeadline()).to.equal(undefined);
    expect(s.a.agent.localInfo('E')).to.equal(undefined);
    connect(s);
    s.b.agent.close();
    expect(s.b.agent.nextDeadline()).to.equal(undefined);
  });
});
