import { expect } from 'chai';
import {
  attr, createIntegrityKey, decodeStunMessage, encodeStunMessage, ErrorCode, getAttribute, StunMethod, XorMappedAddress,
} from '../../src/stun/index.js';
import { transportAddress } from '../../src/util/address.js';
import { eventsOf, firstEventAt } from './support/fake-net.js';
import { craft } from './support/direct.js';
import { connect, lanPair, type PairSetup } from './support/scenarios.js';

/** A started on B's info but every datagram dropped, so A's pair sits in-progress. */
function stalled(): PairSetup {
  const s = lanPair();
  s.net.drop = () => true;
  s.a.agent.startIce('E', 'a-b', s.infoB);
  s.net.run(10);
  return s;
}

function inject(s: PairSetup, bytes: Uint8Array, from = s.infoB.candidates[0]!.address): void {
  s.a.agent.handleStun('E', s.infoA.candidates[0]!.address, from, bytes);
}

function lastResponseCode(s: PairSetup): number | undefined {
  const last = s.a.sent.at(-1)!;
  const m = decodeStunMessage(last.t.bytes);
  return m.messageClass === 'error' ? getAttribute(m, ErrorCode)?.code : m.messageClass === 'success' ? 200 : undefined;
}

describe('ice/agent: security — rejected input changes no state', () => {
  const cases: [string, (s: PairSetup) => Uint8Array, number][] = [
    ['wrong MESSAGE-INTEGRITY', (s) => craft({ username: `${s.infoA.username}:${s.infoB.username}`, password: 'b'.repeat(32), priority: 1, controlling: 1n, useCandidate: true }), 401],
    ['unknown username', (s) => craft({ username: `${'c'.repeat(32)}:${s.infoB.username}`, password: s.infoA.password, priority: 1, controlling: 1n }), 401],
    ['no FINGERPRINT', (s) => craft({ username: `${s.infoA.username}:${s.infoB.username}`, password: s.infoA.password, priority: 1, controlling: 1n, fingerprint: false }), 400],
    ['USE-CANDIDATE from a controlled agent', (s) => craft({ username: `${s.infoA.username}:${s.infoB.username}`, password: s.infoA.password, priority: 1, controlled: 1n, useCandidate: true }), 400],
  ];
  for (const [name, make, code] of cases) {
    it(`${name} → ${code}, pair and checklist unchanged`, () => {
      const s = stalled();
      const before = s.a.agent.inspect('E', s.infoB.username);
      const deadlineBefore = s.a.agent.nextDeadline();
      inject(s, make(s), transportAddress('10.0.0.66', 6666));
      expect(lastResponseCode(s)).to.equal(code);
      expect(s.a.agent.inspect('E', s.infoB.username)).to.deep.equal(before);
      expect(s.a.agent.nextDeadline()).to.equal(deadlineBefore);
      expect(s.a.agent.deferredCount('E', s.infoB.username)).to.equal(0);
      expect(s.a.events).to.have.length(0);
    });
  }

  function responseTo(s: PairSetup, password: string): Uint8Array {
    const req = decodeStunMessage(s.a.sent.find((x) => x.cls === 'request')!.t.bytes);
    return encodeStunMessage({
      method: StunMethod.binding, messageClass: 'success', transactionId: req.transactionId,
      attributes: [attr(XorMappedAddress, s.infoA.candidates[0]!.address)], integrity: createIntegrityKey(password), fingerprint: true,
    }).slice();
  }

  it('a response with a wrong MESSAGE-INTEGRITY is discarded (RFC 5389 §10.1.3): no state change', () => {
    const s = stalled();
    const before = s.a.agent.inspect('E', s.infoB.username);
    inject(s, responseTo(s, 'd'.repeat(32)));
    expect(s.a.agent.inspect('E', s.infoB.username)).to.deep.equal(before);
    expect(before!.pairs[0]!.state).to.equal('in-progress');
  });

  it('a response from an address other than the one checked never validates the pair (non-symmetric ⇒ failed, nothing else)', () => {
    const s = stalled();
    const before = s.a.agent.inspect('E', s.infoB.username)!;
    inject(s, responseTo(s, s.infoB.password), transportAddress('10.0.0.66', 5000));
    const after = s.a.agent.inspect('E', s.infoB.username)!;
    expect(after.pairs.map((p) => p.state)).to.deep.equal(['failed']);
    expect({ ...after, pairs: [] }).to.deep.equal({ ...before, pairs: [], state: after.state });
    expect(s.a.agent.selectedAddress('E', 'a-b')).to.equal(undefined);
    expect(eventsOf(s.a, 'selected')).to.have.length(0);
  });

  it('a spoofed request creates a peer-reflexive pair that is never selected without our own check succeeding (pion/ice#21)', () => {
    const s = lanPair();
    s.net.delay = () => 1;
    connect(s);
    const spoofed = transportAddress('10.0.0.66', 6666);
    const controlled = s.a.agent.inspect('E', s.infoB.username)!.role === 'controlled';
    inject(s, craft({
      username: `${s.infoA.username}:${s.infoB.username}`, password: s.infoA.password, priority: 2130706175,
      ...(controlled ? { controlling: 1n, useCandidate: true } : { controlled: 1n }),
    }), spoofed);
    s.net.run(s.net.clock.now() + 120_000);
    expect(s.a.agent.selectedAddress('E', 'a-b')).to.deep.equal(s.infoB.candidates[0]!.address);
  });

  it('after a password rotation the old password works for passwordGraceMs, then 401', () => {
    const s = lanPair(1, 2, { changePasswordPeriodMs: 10_000, passwordGraceMs: 2_000 });
    connect(s);
    s.net.run(10_000);
    const rotated = eventsOf(s.a, 'local-info-changed').filter((e) => e.reason === 'password-rotation');
    expect(rotated).to.have.length(1);
    expect(rotated[0]!.info.password).to.not.equal(s.infoA.password);
    expect(s.a.agent.selectedAddress('E', 'a-b'), 'rotation does not restart ICE').to.not.equal(undefined);
    const oldReq = (): Uint8Array => craft({ username: `${s.infoA.username}:${s.infoB.username}`, password: s.infoA.password, priority: 1, controlled: 1n });
    inject(s, oldReq());
    expect(lastResponseCode(s)).to.equal(200);
    s.net.run(12_001);
    inject(s, oldReq());
    expect(lastResponseCode(s)).to.equal(401);
    inject(s, craft({ username: `${s.infoA.username}:${s.infoB.username}`, password: rotated[0]!.info.password, priority: 1, controlled: 1n }));
    expect(lastResponseCode(s)).to.equal(200);
  });

  it('no password rotation while the endpoint has no checklists (spec §5.2)', () => {
    const s = lanPair(1, 2, { changePasswordPeriodMs: 10_000 });
    s.net.run(35_000);
    expect(eventsOf(s.a, 'local-info-changed')).to.have.length(0);
    expect(firstEventAt(s.a, 'selected')).to.equal(undefined);
  });
});
