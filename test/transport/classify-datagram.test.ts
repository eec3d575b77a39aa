import { expect } from 'chai';
import { classifyDatagram } from '../../src/transport/classify-datagram.js';
import { fromHex } from '../../src/util/hex.js';
import { readUdpPackets } from '../support/pcap.js';

const PCAPS = '../shared/pcaps';

describe('classifyDatagram', () => {
  it('classifies every datagram of the Cyclone, Fast DDS and coturn captures', () => {
    for (const f of ['cyclone-labmsg', 'fastdds', 'cyclone-fastdds-interop', 'cyclone-ddsperf']) {
      for (const p of readUdpPackets(`${PCAPS}/${f}.pcapng`)) {
        // Cyclone wakes its own receive threads with 1-byte datagrams; tshark shows them as plain UDP.
        const expected = p.payload.length === 1 ? 'other' : 'rtps';
        expect(classifyDatagram(p.payload), `${f} frame ${p.frame}`).to.equal(expected);
      }
    }
    const counts: Record<string, number> = {};
    for (const p of readUdpPackets(`${PCAPS}/coturn-stun-turn.pcapng`)) {
      const kind = classifyDatagram(p.payload);
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
    // 20 STUN/TURN messages and 2 relayed application datagrams (frames 12 and 13) that are neither.
    expect(counts).to.deep.equal({ stun: 20, other: 2 });
  });

  it('follows RFC 7983 for DTLS and TURN ChannelData', () => {
    const clientHello = fromHex('16 fe fd 00 00 00 00 00 00 00 00 00 2f 01');
    expect(classifyDatagram(clientHello)).to.equal('dtls');
    expect(classifyDatagram(fromHex('40 00 00 04 de ad be ef'))).to.equal('turn-channel');
    expect(classifyDatagram(fromHex('40 00 00 08 de ad be ef')), 'length past the end').to.equal('other');
  });

  it('rejects look-alikes: RTPX, short RTPS, STUN without the magic cookie, empty', () => {
    expect(classifyDatagram(new TextEncoder().encode('RTPX' + '\0'.repeat(16)))).to.equal('other');
    expect(classifyDatagram(new TextEncoder().encode('RTPS'))).to.equal('other');
    expect(classifyDatagram(fromHex('00 01 00 00 00 00 00 00 00 01 02 03 04 05 06 07 08 09 0a 0b'))).to.equal('other');
    expect(classifyDatagram(new Uint8Array(0))).to.equal('other');
    expect(classifyDatagram(fromHex('80 00 00 00 00 00'))).to.equal('other');
  });
});
