import { expect } from 'chai';
import { StunServer } from '../../src/relay/index.js';
import {
  attr, decodeStunMessage, encodeStunMessage, ErrorCode, getAttribute, GuidPrefix, MappedAddress, StunMethod,
  XorMappedAddress,
} from '../../src/stun/index.js';
import { UdpNetwork, type UdpSocket } from '../../src/transport/index.js';
import type { TransportAddress } from '../../src/util/address.js';
import { NatPresets, TWO_NAT_ADDRESSES, twoNatTopology } from '../../src/simnet/index.js';

const TID = new Uint8Array([11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0]);
const PREFIX = new Uint8Array([1, 3, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0, 1, 0, 2]);

function reply(socket: UdpSocket, send: () => void, ms = 2000): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error('no reply')); }, ms);
    socket.onDatagram((bytes) => {
      clearTimeout(timer);
      resolve(bytes.slice());
    });
    send();
  });
}

describe('relay/stun-server over real loopback UDP', () => {
  let net: UdpNetwork;
  beforeEach(() => { net = new UdpNetwork({}, { includeLoopback: true }); });
  afterEach(async () => { await net.close({ signal: AbortSignal.timeout(2000) }); });

  for (const ip of ['127.0.0.1', '::1']) {
    it(`answers a binding request with the client's address on ${ip} and reports GUID_PREFIX`, async () => {
      const server = await StunServer.start(net, { ip, signal: AbortSignal.timeout(2000) });
      const registered: [Uint8Array, TransportAddress][] = [];
      server.on('registered', (p, from) => registered.push([p, from]));
      const client = await net.bind(ip, 0);
      const req = encodeStunMessage({
        method: StunMethod.binding, messageClass: 'request', transactionId: TID,
        attributes: [attr(GuidPrefix, PREFIX)], fingerprint: true,
      });
      const bytes = await reply(client, () => { client.send(req, server.address); });
      const m = decodeStunMessage(bytes);
      expect(m.messageClass).to.equal('success');
      expect(getAttribute(m, XorMappedAddress)).to.deep.equal(client.localAddress);
      expect(getAttribute(m, MappedAddress)).to.deep.equal(client.localAddress);
      expect(registered).to.have.length(1);
      expect(registered[0]?.[1]).to.deep.equal(client.localAddress);
      expect(server.stats().successResponses).to.equal(1);
      server.close();
      server.close();
    });
  }

  it('answers a request without FINGERPRINT with 400 and counts non-STUN datagrams', async () => {
    const server = await StunServer.start(net, { ip: '127.0.0.1' });
    const client = await net.bind('127.0.0.1', 0);
    client.send(new TextEncoder().encode('RTPS\x02\x03\x01\x0f0123456789ab'), server.address);
    const req = encodeStunMessage({ method: StunMethod.binding, messageClass: 'request', transactionId: TID });
    const m = decodeStunMessage(await reply(client, () => { client.send(req, server.address); }));
    expect(getAttribute(m, ErrorCode)?.code).to.equal(400);
    expect(server.stats().notStun).to.equal(1);
    server.close();
  });

  it('start honours an aborted signal', async () => {
    const err = await StunServer.start(net, { ip: '127.0.0.1', signal: AbortSignal.abort() }).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
    expect(net.openSockets).to.equal(0);
  });
});

describe('relay/stun-server on simnet (the same driver on the virtual network)', () => {
  it('reports the NAT-mapped public address to a client behind a port-restricted NAT', async () => {
    const topo = twoNatTopology({ left: NatPresets.portRestricted, right: 'none' });
    const server = await StunServer.start(topo.server, { ip: TWO_NAT_ADDRESSES.server, port: 3478 });
    const [clientIp] = topo.left.interfaceAddresses();
    if (clientIp === undefined) throw new Error('no client address');
    const client = await topo.left.bind(clientIp.ip, 0);
    let mapped: TransportAddress | undefined;
    client.onDatagram((bytes) => { mapped = getAttribute(decodeStunMessage(bytes), XorMappedAddress); });
    client.send(encodeStunMessage({ method: StunMethod.binding, messageClass: 'request', transactionId: TID, fingerprint: true }), server.address);
    topo.network.runUntilIdle({ maxEvents: 1000 });
    expect(mapped?.ip).to.equal(TWO_NAT_ADDRESSES.leftPublic);
    expect(mapped?.port).to.not.equal(undefined);
    expect(server.stats().successResponses).to.equal(1);
    server.close();
    client.close();
  });
});
