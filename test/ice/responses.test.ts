import { expect } from 'chai';
import type { IceConfigInit } from '../../src/ice/index.js';
import { attr, createIntegrityKey, decodeStunMessage, encodeStunMessage, ErrorCode, StunMethod } from '../../src/stun/index.js';
import { eventsOf, FakeNet, ip4 } from './support/fake-net.js';
import { lanPair, type PairSetup } from './support/scenarios.js';

function stalled(init: IceConfigInit = {}): PairSetup {
  const s = lanPair(1, 2, init);
  s.net.drop = () => true;
  s.a.agent.startIce('E', 'a-b', s.infoB);
  s.net.run(10);
  return s;
}

function reply(s: PairSetup, cls: 'success' | 'error', code?: number): void {
  const req = decodeStunMessage(s.a.sent.find((x) => x.cls === 'request')!.t.bytes);
  const bytes = encodeStunMessage({
    method: StunMethod.binding, messageClass: cls, transactionId: req.transactionId,
    attributes: code === undefined ? [] : [attr(ErrorCode, { code, reason: 'x' })],
    integrity: createIntegrityKey(s.infoB.password), fingerprint: true,
  }).slice();
  s.a.agent.handleStun('E', s.infoA.candidates[0]!.address, s.infoB.candidates[0]!.address, bytes);
}

const pairState = (s: PairSetup): string => s.a.agent.inspect('E', s.infoB.username)!.pairs[0]!.state;

describe('ice/agent: response handling (spec §5.7)', () => {
  it('verified 400 and 420 fail the pair (and the checklist with one pair)', () => {
    for (const code of [400, 420]) {
      const s = stalled();
      reply(s, 'error', code);
      expect(pairState(s)).to.equal('failed');
      expect(eventsOf(s.a, 'failed').map((e) => e.reason)).to.deep.equal(['all-pairs-failed']);
    }
  });
  it('verified 401 is retried: the pair stays in progress', () => {
    const s = stalled();
    reply(s, 'error', 401);
    expect(pairState(s)).to.equal('in-progress');
  });
  it('a verified success without a mapped address fails the pair', () => {
    const s = stalled();
    reply(s, 'success');
    expect(pairState(s)).to.equal('failed');
  });
  it('an unanswered check is resent with RTO doubling capped at maxRtoMs (0, 500, 1500, 2500, … ms) and fails after checkTimeoutMs', () => {
    const s = stalled();
    s.net.run(39_499);
    expect(pairState(s)).to.equal('in-progress');
    s.net.run(200_000);
    const sends = s.a.sent.filter((x) => x.cls === 'request').map((x) => x.at);
    expect(sends).to.deep.equal([0, 500, ...Array.from({ length: 38 }, (_, i) => 1500 + 1000 * i)]);
    expect(pairState(s)).to.equal('failed');
    const custom = stalled({ maxRtoMs: 4_000, checkTimeoutMs: 10_000 });
    custom.net.run(200_000);
    expect(custom.a.sent.filter((x) => x.cls === 'request').map((x) => x.at)).to.deep.equal([0, 500, 1500, 3500, 7500]);
  });
});

describe('ice/agent: server-reflexive client (spec §5.3)', () => {
  it('requests at once, then indications every period, a request again after ServerReflexiveIndicationCount', () => {
    const net = new FakeNet();
    net.addNat('nat', '198.51.100.1', 'endpoint-independent');
    const stun = ip4('192.0.2.10', 3478);
    net.addStunServer(stun);
    const a = net.addNode('a', 1, { serverReflexiveIndicationCount: 3 }, 'nat');
    net.addEndpoint(a, 'E', [ip4('10.0.1.2', 5000)], stun);
    net.run(100_000);
    const toServer = a.sent.filter((x) => x.t.to.ip === stun.ip).map((x) => `${x.at}:${x.cls}`);
    expect(toServer.slice(0, 4)).to.deep.equal(['0:request', '30000:indication', '60000:indication', '90000:indication']);
    const changed = eventsOf(a, 'local-info-changed');
    expect(changed).to.have.length(1);
    const srflx = changed[0]!.info.candidates.find((c) => c.type === 'server-reflexive')!;
    expect(srflx.address.ip).to.equal('198.51.100.1');
    expect(srflx.foundation).to.equal('S10.0.1.2_192.0.2.10U');
    net.run(130_000);
    expect(a.sent.filter((x) => x.t.to.ip === stun.ip).map((x) => x.cls)[4]).to.equal('request');
  });
});
