/** Gaps closed after the first version: deferred-check purge, host-address changes, IPv6/link-local, spoofed prflx. */
import { expect } from 'chai';
import { formatAddress, transportAddress } from '../../src/util/address.js';
import { eventsOf, FakeNet, firstEventAt, ip4 } from './support/fake-net.js';
import { craft } from './support/direct.js';
import { connect, lanPair } from './support/scenarios.js';

describe('ice/agent: deferred triggered checks expire (spec §5.9 DeferredTriggeredCheckTTL)', () => {
  it('are purged on the ServerReflexiveAddressPeriod tick (30 s after the first was stored) once past their TTL', () => {
    const s = lanPair(1, 2, { deferredTriggeredCheckTtlMs: 10_000 });
    s.net.delay = () => 5;
    s.b.agent.startIce('E', 'b-a', s.infoA);
    s.net.run(20);
    expect(s.a.agent.deferredCount('E', s.infoB.username)).to.equal(1);
    s.b.agent.stopIce('E', 'b-a');
    s.net.run(29_999);
    expect(s.a.agent.deferredCount('E', s.infoB.username), 'expired but not yet purged').to.equal(1);
    s.net.run(30_010);
    expect(s.a.agent.deferredCount('E', s.infoB.username), 'purged on the 30 s tick').to.equal(0);
  });

  it('an expired entry still held is not replayed when the remote info arrives', () => {
    const s = lanPair(1, 2, { deferredTriggeredCheckTtlMs: 1_000 });
    s.net.delay = () => 5;
    s.b.agent.startIce('E', 'b-a', s.infoA);
    s.net.run(20);
    s.b.agent.stopIce('E', 'b-a');
    s.net.run(5_000);
    s.a.agent.startIce('E', 'a-b', s.infoB);
    expect(s.a.agent.inspect('E', s.infoB.username)!.pairs.map((p) => p.state)).to.deep.equal(['waiting']);
    expect(s.a.agent.deferredCount('E', s.infoB.username)).to.equal(0);
  });
});

describe('ice/agent: endpoint management inside a full agent', () => {
  it('setHostAddresses: candidates regenerated, the selected pair disconnects (restarted), and ICE reconnects on the new address', () => {
    const s = lanPair();
    s.net.delay = () => 2;
    connect(s);
    const moved = ip4('10.0.0.9', 5002);
    const net = s.net;
    net.addEndpointBinding(s.a, 'E', moved);
    s.a.agent.setHostAddresses('E', [moved]);
    const changed = eventsOf(s.a, 'local-info-changed');
    expect(changed.map((e) => e.reason)).to.deep.equal(['host-addresses']);
    expect(changed[0]!.info.candidates.map((c) => formatAddress(c.address))).to.deep.equal([formatAddress(moved)]);
    expect(eventsOf(s.a, 'disconnected').map((e) => e.reason)).to.deep.equal(['restarted']);
    const t = net.clock.now();
    s.b.agent.startIce('E', 'b-a', changed[0]!.info);
    net.run(t + 5_000, () => eventsOf(s.a, 'selected').length === 2 && eventsOf(s.b, 'selected').length === 2);
    expect(s.b.agent.selectedAddress('E', 'b-a')).to.deep.equal(moved);
    expect(s.a.agent.selectedPath('E', 'a-b')!.localBase).to.deep.equal(moved);
  });

  it('removeEndpoint: checklists, deferred checks and timers go; later datagrams for it are ignored', () => {
    const s = lanPair();
    s.net.delay = () => 2;
    connect(s);
    s.a.agent.removeEndpoint('E');
    expect(s.a.agent.inspect('E', s.infoB.username)).to.equal(undefined);
    expect(s.a.agent.localInfo('E')).to.equal(undefined);
    expect(s.a.agent.nextDeadline()).to.equal(undefined);
    const sent = s.a.sent.length;
    s.net.run(s.net.clock.now() + 60_000);
    expect(s.a.sent.length, 'nothing answered or sent after removal').to.equal(sent);
  });

  it('IPv6 and link-local: pairs only within a family, link-local only with link-local; IPv6 host pair selected', () => {
    const net = new FakeNet();
    net.delay = () => 1;
    const a = net.addNode('a', 1);
    const b = net.addNode('b', 2);
    const aAddrs = [ip4('10.0.0.1', 5000), transportAddress('2001:db8::1', 5000), transportAddress('fe80::1', 5000)];
    const bAddrs = [ip4('10.0.0.2', 5000), transportAddress('2001:db8::2', 5000), transportAddress('fe80::2', 5000)];
    const ia = net.addEndpoint(a, 'E', aAddrs);
    const ib = net.addEndpoint(b, 'E', bAddrs);
    a.agent.startIce('E', 'a-b', ib);
    const pairs = a.agent.inspect('E', ib.username)!.pairs;
    const kind = (x: string): string => (x.startsWith('[fe80') ? 'll' : x.includes('[') ? 'v6' : 'v4');
    expect(pairs.map((p) => `${kind(p.local)}-${kind(p.remote)}`).sort()).to.deep.equal(['ll-ll', 'v4-v4', 'v6-v6']);
    b.agent.startIce('E', 'b-a', ia);
    net.run(5_000, () => firstEventAt(a, 'selected') !== undefined && firstEventAt(b, 'selected') !== undefined);
    // Spec §5.4: IPv6 local preference 65535 > IPv4 65534; link-local and global IPv6 host pairs tie on priority.
    expect(a.agent.selectedAddress('E', 'a-b')!.family).to.equal('IPv6');
  });
});

describe('ice/agent: a spoofed peer-reflexive source during checking (pion/ice#21)', () => {
  it('gets our answer and one triggered check, never data, selection or indications', () => {
    const s = lanPair();
    s.net.delay = () => 5;
    s.a.agent.startIce('E', 'a-b', s.infoB);
    const spoofed = transportAddress('10.0.0.66', 6666);
    const aControlled = s.a.agent.inspect('E', s.infoB.username)!.role === 'controlled';
    const bytes = craft({
      username: `${s.infoA.username}:${s.infoB.username}`, password: s.infoA.password, priority: 0x7effffff,
      ...(aControlled ? { controlling: 1n, useCandidate: true } : { controlled: 1n }),
    });
    s.a.agent.handleStun('E', s.infoA.candidates[0]!.address, spoofed, bytes);
    s.b.agent.startIce('E', 'b-a', s.infoA);
    s.net.run(120_000);
    expect(s.a.agent.selectedAddress('E', 'a-b')).to.deep.equal(s.infoB.candidates[0]!.address);
    for (const e of eventsOf(s.a, 'selected')) expect(formatAddress(e.remoteAddress)).to.not.equal(formatAddress(spoofed));
    const toSpoofed = s.a.sent.filter((x) => formatAddress(x.t.to) === formatAddress(spoofed));
    expect(toSpoofed.filter((x) => x.cls === 'indication'), 'no keepalives').to.have.length(0);
    expect(toSpoofed.filter((x) => x.cls === 'success'), 'the answer to its request').to.have.length(1);
    const checks = toSpoofed.filter((x) => x.cls === 'request');
    expect(new Set(checks.map((x) => x.tid)).size, 'one triggered check transaction').to.be.at.most(1);
    expect(checks.every((x) => !x.useCandidate), 'never nominated').to.equal(true);
    // Its retransmissions stop when a real pair is selected (RFC 8445 §8.1.2), long before checkTimeoutMs.
    const selectedAt = firstEventAt(s.a, 'selected')!;
    expect(checks.every((x) => x.at <= selectedAt)).to.equal(true);
  });
});
