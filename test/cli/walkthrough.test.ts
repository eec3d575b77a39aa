import { expect } from 'chai';
import { encodeUdpPcap } from '../../src/cli/pcap.js';
import { runWalkthrough } from '../../src/cli/walkthrough.js';
import { toHex } from '../../src/util/hex.js';
import { readUdpPacketsFromBytes } from '../support/pcap.js';

describe('cli/walkthrough', () => {
  it('builds and verifies the whole bootstrap chain, deterministically per seed', () => {
    const one = runWalkthrough(1);
    const again = runWalkthrough(1);
    const other = runWalkthrough(2);
    expect(one.map((s) => s.what)).to.include.members([
      'SPDP DATA(p) with ICE keys SEDP, SPDP',
      'STUN Binding request with GUID_PREFIX (RtpsRelay keepalive)',
      'SEDP DATA(w) "LabMsg" (Msg) with ICE key DATA + HEARTBEAT',
      'DATA LabMsg #1 + HEARTBEAT',
    ]);
    expect(one.map((s) => toHex(s.datagram))).to.deep.equal(again.map((s) => toHex(s.datagram)));
    expect(toHex(one[0]!.datagram)).to.not.equal(toHex(other[0]!.datagram));
  });

  it('writes a pcap whose UDP payloads are the datagrams', () => {
    const steps = runWalkthrough(3);
    const pcap = encodeUdpPcap(steps.map((s) => ({ src: s.src.ip, dst: s.dst.ip, srcPort: s.src.port, dstPort: s.dst.port, payload: s.datagram })));
    const packets = readUdpPacketsFromBytes(pcap);
    expect(packets.map((p) => toHex(p.payload))).to.deep.equal(steps.map((s) => toHex(s.datagram)));
    expect(packets.map((p) => p.dstPort)).to.deep.equal(steps.map((s) => s.dst.port));
  });
});
