import { expect } from 'chai';
import {
  candidatePriority, hostFoundation, localPeerReflexiveFoundation, pairPriority, remotePeerReflexiveFoundation, serverReflexiveFoundation,
} from '../../src/ice/index.js';
import { formPairs } from '../../src/ice/checklist.js';
import type { IceCandidateInfo, LocalCandidate } from '../../src/ice/types.js';
import { transportAddress } from '../../src/util/address.js';

const v4 = transportAddress('192.168.1.10', 50000);
const v6 = transportAddress('2001:db8::1', 50000);

function host(ip: string, port = 5000): LocalCandidate {
  const a = transportAddress(ip, port);
  return { address: a, base: a, type: 'host', priority: candidatePriority('host', a), foundation: hostFoundation(a) };
}
function remote(ip: string, port: number, type: IceCandidateInfo['type'] = 'host', foundation = `R${ip}`): IceCandidateInfo {
  const a = transportAddress(ip, port);
  return { address: a, type, priority: candidatePriority(type, a), foundation };
}

describe('ice/priority (spec §5.4)', () => {
  it('computes the OpenDDS candidate priorities exactly', () => {
    expect(candidatePriority('host', v4)).to.equal(2130706175).and.equal(0x7effFEFF);
    expect(candidatePriority('host', v6)).to.equal(2130706431).and.equal(0x7effffff);
    expect(candidatePriority('server-reflexive', v4)).to.equal(1694498559).and.equal(0x64fffeff);
    expect(candidatePriority('server-reflexive', v6)).to.equal(1694498815).and.equal(0x64ffffff);
    expect(candidatePriority('peer-reflexive', v4)).to.equal(1862270719).and.equal(0x6efffeff);
    expect(candidatePriority('peer-reflexive', v6)).to.equal(1862270975).and.equal(0x6effffff);
  });

  it('formats foundations as OpenDDS does', () => {
    expect(hostFoundation(v4)).to.equal('H192.168.1.10U');
    expect(serverReflexiveFoundation(v4, transportAddress('1.2.3.4', 3478))).to.equal('S192.168.1.10_1.2.3.4U');
    expect(localPeerReflexiveFoundation(v4, transportAddress('5.6.7.8', 9))).to.equal('P192.168.1.10_5.6.7.8U');
    expect(remotePeerReflexiveFoundation(3)).to.equal('Q3U');
  });

  it('pair priority is 2^32·min(G,D) + 2·max(G,D) + (G>D) (RFC 8445 §6.1.2.3)', () => {
    const g = 2130706175;
    const d = 1694498559;
    expect(pairPriority(g, d)).to.equal((BigInt(d) << 32n) + 2n * BigInt(g) + 1n);
    expect(pairPriority(d, g)).to.equal((BigInt(d) << 32n) + 2n * BigInt(g));
    expect(pairPriority(g, g)).to.equal((BigInt(g) << 32n) + 2n * BigInt(g));
  });

  it('pairs same-family candidates only, link-local only with link-local, sorted by priority', () => {
    const locals = [host('10.0.0.1'), host('2001:db8::1'), host('fe80::1')];
    const remotes = [remote('10.0.0.2', 6000), remote('2001:db8::2', 6000), remote('fe80::2', 6000), remote('203.0.113.9', 7000, 'server-reflexive')];
    const pairs = formPairs(locals, remotes, true);
    const names = pairs.map((p) => `${p.local.base.ip}>${p.remote.address.ip}`);
    expect(names).to.have.members(['10.0.0.1>10.0.0.2', '10.0.0.1>203.0.113.9', '2001:db8::1>2001:db8::2', 'fe80::1>fe80::2']);
    for (let i = 1; i < pairs.length; i++) expect(pairs[i - 1]!.priority >= pairs[i]!.priority).to.equal(true);
    expect(pairs.at(-1)!.remote.type).to.equal('server-reflexive');
  });

  it('prunes a srflx-local pair in favour of its host base (same base, same remote)', () => {
    const h = host('10.0.0.1');
    const s: LocalCandidate = {
      address: transportAddress('198.51.100.1', 40000), base: h.base, type: 'server-reflexive',
      priority: candidatePriority('server-reflexive', h.address), foundation: 'S10.0.0.1_1.2.3.4U',
    };
    const pairs = formPairs([s, h], [remote('10.0.0.2', 6000)], false);
    expect(pairs).to.have.length(1);
    expect(pairs[0]!.local.type).to.equal('host');
    expect(pairs[0]!.foundation).to.equal('H10.0.0.1U|R10.0.0.2');
  });

  it('swaps G and D with the role', () => {
    const [c] = formPairs([host('10.0.0.1')], [remote('10.0.0.2', 1, 'server-reflexive')], true);
    const [d] = formPairs([host('10.0.0.1')], [remote('10.0.0.2', 1, 'server-reflexive')], false);
    expect(c!.priority).to.equal(pairPriority(2130706175, 1694498559));
    expect(d!.priority).to.equal(pairPriority(1694498559, 2130706175));
  });
});
