/**
 * Two relays on simnet in virtual time, each with raw-datagram clients: the relays find each other
 * through the relay domain (our DDS layer), publish their horizontal addresses and their clients'
 * partitions, and route undirected RTPS by partition and directed RTPS by INFO_DST across relays.
 * Bad input on the horizontal ports is dropped and counted and never answered.
 */
import { expect } from 'chai';
import { encodeHorizontalDatagram, RelayServer, type RelayPortType, type RelayServerOptions } from '../../src/relay/index.js';
import { VirtualNetwork, type SimHost } from '../../src/simnet/index.js';
import { formatAddress, type TransportAddress } from '../../src/util/address.js';
import type { DatagramSocket } from '../../src/util/datagram-io.js';
import { SeededRandom } from '../../src/util/prng.js';
import { drive, driveUntil } from '../dds/support.js';
import { prefixOf, rtps, stunRequest } from './relay-fixtures.js';

const R1 = '192.0.2.1';
const R2 = '192.0.2.2';

interface Client {
  readonly n: number;
  readonly sockets: Readonly<Record<RelayPortType, DatagramSocket>>;
  /** What each socket received, as `port <hex bytes>`. */
  readonly got: { port: RelayPortType; bytes: Uint8Array; from: TransportAddress }[];
}

async function startRelay(net: VirtualNetwork, host: SimHost, ip: string, id: string, peer: string, seed: number, extra: Partial<RelayServerOptions> = {}): Promise<RelayServer> {
  const rng = new SeededRandom(seed);
  return driveUntil(net, RelayServer.start(host, net.timers, {
    ip, basePort: 7400, ...extra,
    horizontal: {
      relayId: id, ip, basePort: 17400,
      relayDomain: { domainId: 0, config: { rtpsDiscovery: { spdpSendAddrs: `${peer}:7410`, resendPeriod: 1 } }, randomBytes: (k) => rng.bytes(k) },
    },
  }), 1000);
}

async function client(net: VirtualNetwork, n: number): Promise<Client> {
  const ip = `198.51.100.${n}`;
  const host = net.addHost(`c${n}`, { ips: [ip] });
  const got: Client['got'] = [];
  const sockets = {
    spdp: await host.bind(ip, 5000), sedp: await host.bind(ip, 5001), data: await host.bind(ip, 5002),
  };
  for (const port of ['spdp', 'sedp', 'data'] as const) sockets[port].onDatagram((bytes, from) => got.push({ port, bytes: bytes.slice(), from }));
  return { n, sockets, got };
}

/** The client announces itself to its relay (SPDP + SEDP RTPS, DATA keep-alive) and is admitted; its endpoint uses `partitions`. */
function join(relay: RelayServer, c: Client, partitions: readonly string[]): void {
  relay.partitions.setEndpointPartitions({ prefix: prefixOf(c.n), entityId: 0x00000102 }, partitions);
  c.sockets.spdp.send(rtps(prefixOf(c.n)), relay.address('spdp'));
  c.sockets.sedp.send(rtps(prefixOf(c.n)), relay.address('sedp'));
  c.sockets.data.send(stunRequest({ guidPrefix: prefixOf(c.n), indication: true }), relay.address('data'));
}

describe('relay/horizontal: two relays on simnet, clients on each', function () {
  this.timeout(60_000);

  async function setup(): Promise<{ net: VirtualNetwork; r1: RelayServer; r2: RelayServer; hosts: SimHost[]; a: Client; b: Client; c: Client; d: Client }> {
    const net = new VirtualNetwork({ seed: 5, recordTrace: false });
    const h1 = net.addHost('r1', { ips: [R1], link: { delayMs: 1 } });
    const h2 = net.addHost('r2', { ips: [R2], link: { delayMs: 1 } });
    const r1 = await startRelay(net, h1, R1, 'relay-1', R2, 1);
    const r2 = await startRelay(net, h2, R2, 'relay-2', R1, 2);
    const [a, b, c, d] = [await client(net, 1), await client(net, 2), await client(net, 3), await client(net, 4)];
    join(r1, a, ['sensors']);
    join(r2, b, ['sensors']);
    join(r2, c, ['other']);
    join(r1, d, ['sens*']);
    // Both relays know each other's addresses and partitions.
    await drive(net, () => r1.relays.relays().some((r) => r.partitions.length === 2) && r2.relays.relays().some((r) => r.partitions.length === 2), 20_000);
    for (const x of [a, b, c, d]) x.got.length = 0;
    return { net, r1, r2, hosts: [h1, h2], a, b, c, d };
  }

  it('learns the other relay\'s horizontal addresses and partitions through the relay domain', async () => {
    const { r1, r2, hosts } = await setup();
    const seen = r1.relays.relays();
    expect(seen.map((r) => r.relayId)).to.deep.equal(['relay-2']);
    expect(seen[0]?.partitions.slice().sort()).to.deep.equal(['other', 'sensors']);
    expect(formatAddress(seen[0]?.addresses.data ?? { family: 'IPv4', ip: '0.0.0.0', port: 0 })).to.equal(`${R2}:17402`);
    expect(r2.relays.relays()[0]?.partitions.slice().sort()).to.deep.equal(['sens*', 'sensors']);
    await r1.close();
    await r2.close();
    expect(hosts.map((h) => h.openSockets)).to.deep.equal([0, 0]);
  });

  it('routes undirected RTPS by partition across relays, sent once per remote relay and fanned out there', async () => {
    const { net, r1, r2, a, b, c, d } = await setup();
    const msg = rtps(prefixOf(1));
    a.sockets.data.send(msg, r1.address('data'));
    net.runFor(100);
    expect(b.got.map((g) => g.port)).to.deep.equal(['data']);
    expect(b.got[0]?.bytes).to.deep.equal(msg); // unchanged bytes, from relay 2's vertical DATA port
    expect(formatAddress(b.got[0]?.from ?? r2.address('spdp'))).to.equal(`${R2}:7402`);
    expect(d.got.map((g) => g.port)).to.deep.equal(['data']); // local, wildcard partition
    expect(c.got).to.deep.equal([]); // partition "other"
    expect(r1.stats().horizontalSentDatagrams).to.equal(1);
    expect(r2.stats().horizontal.routed).to.equal(1);
    // The other way: b (relay 2) reaches a and d (relay 1).
    b.sockets.sedp.send(rtps(prefixOf(2)), r2.address('sedp'));
    net.runFor(100);
    expect(a.got.map((g) => g.port)).to.deep.equal(['sedp']);
    expect(d.got.filter((g) => g.port === 'sedp')).to.have.length(1);
    await r1.close();
    await r2.close();
  });

  it('routes directed RTPS (INFO_DST) across relays only to the destination', async () => {
    const { net, r1, r2, a, b, d } = await setup();
    const join5 = await client(net, 5);
    join(r2, join5, ['sensors']);
    net.runFor(2000);
    for (const x of [join5, b, d]) x.got.length = 0;
    const msg = rtps(prefixOf(1), [prefixOf(5)]);
    a.sockets.data.send(msg, r1.address('data'));
    net.runFor(100);
    expect(join5.got.map((g) => g.bytes)).to.deep.equal([msg]);
    expect(b.got).to.deep.equal([]);
    expect(d.got).to.deep.equal([]);
    await r1.close();
    await r2.close();
  });

  it('drops and counts malformed and unauthenticated datagrams on every horizontal port, never answering', async () => {
    const { net, r1, r2, a, b } = await setup();
    const attacker = await net.addHost('x', { ips: ['203.0.113.66'] }).bind('203.0.113.66', 9);
    const answers: Uint8Array[] = [];
    attacker.onDatagram((bytes) => answers.push(bytes));
    const valid = encodeHorizontalDatagram({ toPartitions: ['sensors'], toGuids: [], useAsyncDiscovery: false }, rtps(prefixOf(9)));
    for (const port of ['spdp', 'sedp', 'data'] as const) {
      const to = r2.horizontalAddress(port);
      if (to === undefined) throw new Error('no horizontal address');
      attacker.send(valid, to); // well-formed, but not from a relay of the relay domain
      attacker.send(stunRequest(), to);
      attacker.send(new Uint8Array([1, 2, 3]), to);
    }
    net.runFor(100);
    expect(r2.stats().horizontal.dropped['unknown-relay']).to.equal(9);
    expect(answers).to.deep.equal([]);
    expect(b.got).to.deep.equal([]);
    expect(a.got).to.deep.equal([]);
    await r1.close();
    await r2.close();
  });

  it('a relay that stops is forgotten by the other; restarted with the same id, routing across resumes', async () => {
    const { net, r1, r2, hosts, a, b } = await setup();
    await r2.close();
    await drive(net, () => r1.relays.size === 0, 5_000); // SPDP dispose of relay 2's participant
    a.sockets.data.send(rtps(prefixOf(1)), r1.address('data'));
    net.runFor(100);
    expect(r1.stats().horizontalSentDatagrams).to.equal(0);
    const r2b = await startRelay(net, hosts[1] ?? net.addHost('never', { ips: [] }), R2, 'relay-2', R1, 3);
    join(r2b, b, ['sensors']); // b registers again with the new relay instance
    await drive(net, () => r1.relays.relays().some((r) => r.relayId === 'relay-2' && r.partitions.includes('sensors') && r.addresses.data !== undefined)
      && r2b.relays.relayAt(r1.horizontalAddress('data') ?? r1.address('data'), 'data') === 'relay-1', 20_000);
    b.got.length = 0;
    const msg = rtps(prefixOf(1));
    a.sockets.data.send(msg, r1.address('data'));
    net.runFor(100);
    expect(b.got.map((g) => g.bytes)).to.deep.equal([msg]);
    await r1.close();
    await r2b.close();
  });

  it('publishes partitions in slots of 64 names, re-writing only changed slots, emptied slots included', async () => {
    const { net, r1, r2 } = await setup();
    const written = (): number => r1.stats().relayDomain?.partitionSamplesWritten ?? 0;
    const before = written();
    const names = Array.from({ length: 70 }, (_, i) => `many-${String(i).padStart(2, '0')}`);
    r1.partitions.setEndpointPartitions({ prefix: prefixOf(1), entityId: 0x00000202 }, names);
    const seen = (): readonly string[] => r2.relays.relays().find((r) => r.relayId === 'relay-1')?.partitions ?? [];
    await drive(net, () => seen().length === 72, 10_000); // 70 + "sensors" + "sens*"
    expect(written() - before).to.equal(2); // both slots changed (the sorted names shifted)
    r1.partitions.removeEndpoint({ prefix: prefixOf(1), entityId: 0x00000202 });
    await drive(net, () => seen().length === 2, 10_000);
    expect([...seen()].sort()).to.deep.equal(['sens*', 'sensors']);
    expect(written() - before).to.equal(4); // slot 0 rewritten, slot 1 emptied
    await r1.close();
    await r2.close();
  });
});
