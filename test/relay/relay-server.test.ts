import { expect } from 'chai';
import { RelayServer } from '../../src/relay/index.js';
import { VirtualNetwork } from '../../src/simnet/index.js';
import type { DatagramSocket } from '../../src/util/datagram-io.js';
import { hexOf, prefixOf, rtps, stunRequest } from './relay-fixtures.js';

const RELAY_IP = '192.0.2.1';

async function setup(): Promise<{ net: VirtualNetwork; relay: RelayServer; relayHost: ReturnType<VirtualNetwork['addHost']>; a: DatagramSocket; b: DatagramSocket; got: Uint8Array[] }> {
  const net = new VirtualNetwork({ seed: 1 });
  const relayHost = net.addHost('relay', { ips: [RELAY_IP] });
  const ha = net.addHost('a', { ips: ['198.51.100.1'] });
  const hb = net.addHost('b', { ips: ['198.51.100.2'] });
  const relay = await RelayServer.start(relayHost, net.timers, { ip: RELAY_IP, basePort: 7400 });
  const a = await ha.bind('198.51.100.1', 5000);
  const b = await hb.bind('198.51.100.2', 5000);
  const got: Uint8Array[] = [];
  b.onDatagram((bytes) => got.push(bytes.slice()));
  return { net, relay, relayHost, a, b, got };
}

describe('relay/relay-server on simnet', () => {
  it('binds SPDP/SEDP/DATA at base port +0/+1/+2 and relays DATA between two admitted clients by partition', async () => {
    const { net, relay, a, b, got } = await setup();
    expect([relay.address('spdp').port, relay.address('sedp').port, relay.address('data').port]).to.deep.equal([7400, 7401, 7402]);
    relay.partitions.setEndpointPartitions({ prefix: prefixOf(1), entityId: 0x102 }, ['p']);
    relay.partitions.setEndpointPartitions({ prefix: prefixOf(2), entityId: 0x107 }, ['p']);
    const admitted: string[] = [];
    relay.on('admitted', (p) => admitted.push(p));
    for (const [sock, n] of [[a, 1], [b, 2]] as const) {
      sock.send(rtps(prefixOf(n)), relay.address('spdp'));
      sock.send(stunRequest({ guidPrefix: prefixOf(n), indication: true }), relay.address('sedp'));
      sock.send(stunRequest({ guidPrefix: prefixOf(n), indication: true }), relay.address('data'));
    }
    net.runFor(100);
    expect(admitted.sort()).to.deep.equal([hexOf(1), hexOf(2)]);
    got.length = 0;
    const msg = rtps(prefixOf(1));
    a.send(msg, relay.address('data'));
    net.runFor(100);
    expect(got).to.deep.equal([msg]);
    await relay.close();
  });

  it('keeps a client alive by GUID_PREFIX STUN alone and removes it 60 s after it falls silent; close leaves nothing', async () => {
    const { net, relay, relayHost, a } = await setup();
    const removed: string[] = [];
    relay.on('client-removed', (p) => removed.push(p));
    for (let t = 0; t < 120_000; t += 30_000) {
      a.send(stunRequest({ guidPrefix: prefixOf(1), indication: true }), relay.address('data'));
      net.runFor(30_000);
      expect(relay.clients.has(prefixOf(1)), `at ${t}`).to.equal(true);
    }
    net.runFor(29_000); // the last keep-alive was sent 59 s ago
    expect(removed).to.deep.equal([]);
    net.runFor(2000);
    expect(removed).to.deep.equal([hexOf(1)]);
    expect(relay.stats().clients).to.include({ clients: 0, removedClients: 1 });
    a.send(stunRequest({ guidPrefix: prefixOf(2), indication: true }), relay.address('spdp'));
    net.runFor(10);
    expect(net.pendingEvents).to.be.greaterThan(0); // the expiry timer
    await relay.close();
    await relay.close();
    a.close();
    expect(relayHost.openSockets).to.equal(0);
    expect(net.pendingEvents).to.equal(0);
  });

  it('start releases every socket when a port is taken', async () => {
    const net = new VirtualNetwork({ seed: 1 });
    const host = net.addHost('relay', { ips: [RELAY_IP] });
    const squatter = await host.bind(RELAY_IP, 7402);
    const err = await RelayServer.start(host, net.timers, { ip: RELAY_IP }).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
    expect(host.openSockets).to.equal(1);
    squatter.close();
  });
});
