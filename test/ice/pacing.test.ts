import { expect } from 'chai';
import { FakeNet, eventsOf, firstEventAt, ip4, type Node, type SentRecord } from './support/fake-net.js';
import { connect, lanPair } from './support/scenarios.js';
import type { IceAgentInfo } from '../../src/ice/index.js';
import { formatAddress } from '../../src/util/address.js';

const TA = 50;

/** Requests and indications that start a new transaction (retransmissions reuse their transaction id). */
function newTransactions(sent: readonly SentRecord[]): SentRecord[] {
  const seen = new Set<string>();
  return sent.filter((x) => {
    if (x.cls !== 'request' && x.cls !== 'indication') return false;
    if (seen.has(x.tid)) return false;
    seen.add(x.tid);
    return true;
  });
}

function minGap(records: readonly SentRecord[]): number {
  let gap = Number.POSITIVE_INFINITY;
  for (let i = 1; i < records.length; i++) gap = Math.min(gap, records[i]!.at - records[i - 1]!.at);
  return gap;
}

describe('ice/agent: pacing and keepalive', function () {
  this.timeout(120_000);

  it('50 endpoints × 20 remote agents: no two new transactions of one agent closer than Ta, and all connect', () => {
    const net = new FakeNet();
    net.delay = () => 2;
    const a = net.addNode('a', 1);
    const remotes: Node[] = [];
    const infoA: IceAgentInfo[] = [];
    for (let i = 0; i < 50; i++) infoA.push(net.addEndpoint(a, `E${i}`, [ip4('10.0.0.1', 5000 + i)]));
    const infoR: IceAgentInfo[][] = [];
    for (let j = 0; j < 20; j++) {
      const r = net.addNode(`r${j}`, 100 + j);
      remotes.push(r);
      infoR.push(Array.from({ length: 50 }, (_, i) => net.addEndpoint(r, `E${i}`, [ip4(`10.1.${j}.1`, 5000 + i)])));
    }
    for (let j = 0; j < 20; j++) {
      for (let i = 0; i < 50; i++) {
        a.agent.startIce(`E${i}`, `a-${j}-${i}`, infoR[j]![i]!);
        remotes[j]!.agent.startIce(`E${i}`, `r${j}-${i}`, infoA[i]!);
      }
    }
    const all = (): boolean => eventsOf(a, 'selected').length === 1000 && remotes.every((r) => eventsOf(r, 'selected').length === 50);
    net.run(600_000, all);
    expect(eventsOf(a, 'selected')).to.have.length(1000);
    expect(eventsOf(a, 'failed')).to.have.length(0);
    for (const n of [a, ...remotes]) {
      const txs = newTransactions(n.sent);
      expect(txs.length).to.be.greaterThan(10);
      expect(minGap(txs), `${n.name}: minimum spacing of new transactions`).to.be.at.least(TA);
    }
  });

  it('after selection: no checks at all (no ping-pong, pion/ice#907), indications every IndicationPeriod', () => {
    const s = lanPair();
    s.net.delay = () => 1;
    connect(s);
    const t0 = s.net.clock.now();
    s.net.run(t0 + 61_000);
    for (const n of [s.a, s.b]) {
      const after = n.sent.filter((x) => x.at > t0 + 1);
      expect(after.filter((x) => x.cls === 'request'), `${n.name} requests after selection`).to.have.length(0);
      const ind = after.filter((x) => x.cls === 'indication');
      expect(ind).to.have.length(4);
      for (let i = 1; i < ind.length; i++) expect(ind[i]!.at - ind[i - 1]!.at).to.be.within(15_000, 15_000 + TA);
      expect(ind[0]!.t.to).to.deep.equal(n === s.a ? s.infoB.candidates[0]!.address : s.infoA.candidates[0]!.address);
      // Spec §5.11: USERNAME, MESSAGE-INTEGRITY, FINGERPRINT only.
    }
  });

  it('retransmissions of the peer after selection are answered without triggered checks', () => {
    const s = lanPair();
    s.net.delay = () => 1;
    connect(s);
    const t0 = s.net.clock.now();
    // Replay every request B ever sent: A answers each, but sends no new check.
    for (const r of s.b.sent.filter((x) => x.cls === 'request')) s.a.agent.handleStun('E', r.t.to, r.t.from, r.t.bytes);
    s.net.run(t0 + 14_000);
    expect(s.a.sent.filter((x) => x.at >= t0 && x.cls === 'request')).to.have.length(0);
    expect(s.a.sent.filter((x) => x.at >= t0 && x.cls === 'success').length).to.be.greaterThan(0);
  });

  it('the selected pair is dropped after NominatedTTL without a valid indication, and comes back with one', () => {
    const s = lanPair();
    s.net.delay = () => 1;
    connect(s);
    const t0 = s.net.clock.now();
    let blocked = true;
    s.net.drop = () => blocked;
    s.net.run(t0 + 299_000);
    expect(eventsOf(s.a, 'disconnected')).to.have.length(0);
    s.net.run(t0 + 301_000);
    expect(eventsOf(s.a, 'disconnected').map((e) => e.reason)).to.deep.equal(['nominated-ttl']);
    expect(s.a.agent.selectedAddress('E', 'a-b')).to.equal(undefined);
    blocked = false;
    s.net.run(t0 + 320_000);
    expect(eventsOf(s.a, 'reconnected')).to.have.length(1);
    expect(s.a.agent.selectedAddress('E', 'a-b')).to.deep.equal(s.infoB.candidates[0]!.address);
  });

  it('RFC 7675 consent freshness: a request every 5 s ± 20 %, consent lost 30 s after the last answer', () => {
    const s = lanPair(1, 2, { consentFreshness: true });
    s.net.delay = () => 1;
    connect(s);
    const t0 = s.net.clock.now();
    s.net.run(t0 + 60_000);
    const consent = s.a.sent.filter((x) => x.at > t0 + 1 && x.cls === 'request');
    expect(consent.length).to.be.within(10, 15);
    for (let i = 1; i < consent.length; i++) expect(consent[i]!.at - consent[i - 1]!.at).to.be.within(4000, 6000 + TA);
    expect(new Set(consent.map((x) => formatAddress(x.t.to))).size, 'one pair only').to.equal(1);
    const t1 = s.net.clock.now();
    s.net.drop = () => true;
    s.net.run(t1 + 40_000);
    const lost = eventsOf(s.a, 'disconnected');
    expect(lost.map((e) => e.reason)).to.deep.equal(['consent-expired']);
    const at = s.a.eventTimes[s.a.events.indexOf(lost[0]!)]!;
    expect(at - t1).to.be.within(24_000, 30_001);
  });

  it('freezes per foundation within a checklist, never across checklists (docs/ice.md "Freezing"); all connect', () => {
    const net = new FakeNet();
    net.delay = () => 1;
    const a = net.addNode('a', 1);
    const b = net.addNode('b', 2);
    const ia = [0, 1, 2].map((i) => net.addEndpoint(a, `E${i}`, [ip4('10.0.0.1', 5000 + i)]));
    const ib = [0, 1, 2].map((i) => net.addEndpoint(b, `E${i}`, [ip4('10.0.0.2', 5000 + i)]));
    // Each remote gets a second, lower-priority candidate with the same foundation (same IP, a port nobody binds).
    const withTwin = (info: IceAgentInfo, port: number): IceAgentInfo => {
      const c = info.candidates[0]!;
      return { ...info, candidates: [...info.candidates, { ...c, address: ip4('10.0.0.2', port), priority: c.priority - 1 }] };
    };
    for (let i = 0; i < 3; i++) a.agent.startIce(`E${i}`, `k${i}`, withTwin(ib[i]!, 6000 + i));
    const states = [0, 1, 2].map((i) => a.agent.inspect(`E${i}`, ib[i]!.username)!.pairs.map((p) => p.state));
    // Same pair foundation in all three checklists: each checklist's best pair is waiting, its twin frozen behind it.
    expect(states).to.deep.equal([['waiting', 'frozen'], ['waiting', 'frozen'], ['waiting', 'frozen']]);
    for (let i = 0; i < 3; i++) b.agent.startIce(`E${i}`, `k${i}`, ia[i]!);
    net.run(5_000, () => eventsOf(a, 'selected').length === 3 && eventsOf(b, 'selected').length === 3);
    expect(eventsOf(a, 'selected')).to.have.length(3);
    expect(firstEventAt(a, 'failed')).to.equal(undefined);
  });
});
