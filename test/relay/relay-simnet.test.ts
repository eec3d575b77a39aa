/**
 * The RtpsRelay client side and the relay's application participant, end to end on simnet in virtual
 * time (spec §6, §8.3): participants behind symmetric NATs discover each other and exchange reliable
 * samples through one relay; behind cone NATs they start through the relay and move to the
 * ICE-selected direct pair without losing or duplicating a sample; a silent client is removed after
 * Lifespan; a relay restart is survived; an imposter of the application participant is rejected.
 */
import { expect } from 'chai';
import type { DataReader, DataWriter, DdsConfigInput, DomainParticipant as Participant } from '../../src/dds/index.js';
import { DomainParticipant } from '../../src/dds/index.js';
import { RelayApplicationParticipant, RelayServer } from '../../src/relay/index.js';
import type { RelayServerOptions } from '../../src/relay/index.js';
import type { SimHost, TwoNatTopology } from '../../src/simnet/index.js';
import { NatPresets, twoNatTopology } from '../../src/simnet/index.js';
import { IceDriver } from '../../src/transport/index.js';
import type { DatagramNetwork, DatagramSocket } from '../../src/util/datagram-io.js';
import { toHex } from '../../src/util/hex.js';
import { silentLogger } from '../../src/util/logger.js';
import { SeededRandom } from '../../src/util/prng.js';
import { drive, driveUntil, IdCollector, LAB_MSG_IDL, writeAll } from '../dds/support.js';

const RELAY_IP = '192.0.2.1';
const DOMAIN = 1; // the application domain (OpenDDS -ApplicationDomain default)

/** A network whose sockets can all be closed at once: a client that crashes and goes silent. */
class CrashableNetwork implements DatagramNetwork {
  readonly #host: SimHost;
  readonly #sockets: DatagramSocket[] = [];
  constructor(host: SimHost) { this.#host = host; }
  interfaceAddresses(): ReturnType<SimHost['interfaceAddresses']> { return this.#host.interfaceAddresses(); }
  async bind(ip: string, port: number): Promise<DatagramSocket> {
    const s = await this.#host.bind(ip, port);
    this.#sockets.push(s);
    return s;
  }
  crash(): void { for (const s of this.#sockets) s.close(); }
}

interface Relay {
  readonly server: RelayServer;
  readonly ap: RelayApplicationParticipant;
}

async function startRelay(topo: TwoNatTopology, seed: number, options: Partial<RelayServerOptions> = {}): Promise<Relay> {
  const net = topo.network;
  const server = await RelayServer.start(topo.server, net.timers, { ip: RELAY_IP, basePort: 7400, ...options });
  const rng = new SeededRandom(seed);
  const ap = await driveUntil(net, RelayApplicationParticipant.start(server, topo.server, net.timers, {
    domainId: DOMAIN, randomBytes: (n) => rng.bytes(n),
  }), 1000);
  return { server, ap };
}

async function stopRelay(r: Relay): Promise<void> {
  await r.ap.close();
  r.server.close();
}

const relayConfig = (mode: 'only' | 'use', withIce: boolean): DdsConfigInput => ({
  rtpsDiscovery: {
    spdpRtpsRelayAddress: `${RELAY_IP}:7400`, sedpRtpsRelayAddress: `${RELAY_IP}:7401`,
    ...(mode === 'only' ? { rtpsRelayOnly: true } : { useRtpsRelay: true }), useIce: withIce,
  },
  transport: { dataRtpsRelayAddress: `${RELAY_IP}:7402`, ...(mode === 'only' ? { rtpsRelayOnly: true } : { useRtpsRelay: true }), useIce: withIce },
});

interface Client {
  readonly p: Participant;
  readonly driver: IceDriver | undefined;
  readonly network: CrashableNetwork;
}

async function client(topo: TwoNatTopology, host: SimHost, seed: number, config: DdsConfigInput, withIce: boolean): Promise<Client> {
  const net = topo.network;
  const rng = new SeededRandom(seed);
  const randomBytes = (n: number): Uint8Array => rng.bytes(n);
  const network = new CrashableNetwork(host);
  const driver = withIce ? new IceDriver({ network, timers: net.timers, randomBytes, log: silentLogger }, {}) : undefined;
  const p = await driveUntil(net, DomainParticipant.create({
    domainId: DOMAIN, network, timers: net.timers, randomBytes, config, ...(driver !== undefined && { iceDriver: driver }),
  }), 1000);
  return { p, driver, network };
}

async function closeClient(c: Client): Promise<void> {
  await c.p.close();
  c.driver?.close();
}

interface Pair {
  readonly writer: DataWriter;
  readonly reader: DataReader;
  readonly collector: IdCollector;
}

function pair(a: Participant, b: Participant, partition?: string): Pair {
  const qos = partition === undefined ? {} : { partitions: [partition] };
  const writer = a.createDataWriter(a.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all', maxSamples: 1000, ...qos });
  const reader = b.createDataReader(b.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all', ...qos });
  return { writer, reader, collector: new IdCollector(reader) };
}

describe('relay client + application participant on simnet (virtual time)', function () {
  this.timeout(180_000);

  it('symmetric NATs on both sides, RtpsRelayOnly: discovery and 2,000 reliable samples through one relay, exactly once', async () => {
    const topo = twoNatTopology({ left: NatPresets.symmetric, right: NatPresets.symmetric, rttMs: 40, recordTrace: false, seed: 7 });
    const net = topo.network;
    const relay = await startRelay(topo, 1);
    const a = await client(topo, topo.left, 11, relayConfig('only', false), false);
    const b = await client(topo, topo.right, 22, relayConfig('only', false), false);
    try {
      const start = net.now();
      const { writer, reader, collector } = pair(a.p, b.p);
      const discoveredMs = await drive(net, () => a.p.discoveredParticipants().some((x) => toHex(x.guidPrefix) === toHex(b.p.guidPrefix)) &&
        b.p.discoveredParticipants().some((x) => toHex(x.guidPrefix) === toHex(a.p.guidPrefix)), 60_000);
      await driveUntil(net, writer.waitForMatch(), 60_000);
      await driveUntil(net, reader.waitForMatch(), 60_000);
      const N = 2000;
      let firstSampleMs: number | undefined;
      reader.once('data', () => { firstSampleMs = net.now() - start; });
      await driveUntil(net, writeAll(writer, N), 120_000);
      await drive(net, () => collector.ids.length >= N, 120_000);
      await driveUntil(net, writer.waitForAcknowledgments(), 30_000);
      collector.expectExactly(N);
      // Everything went through the relay (symmetric NATs leave no other path): it forwarded at least the samples' bytes.
      const stats = relay.server.stats();
      expect(stats.clients.admittedClients, 'admitted: a, b and the application participant').to.equal(3);
      expect(stats.sentBytes, 'bytes forwarded by the relay').to.be.greaterThan(N * 20);
      expect(a.p.relayAddresses('data').length, 'a learned its public DATA address from the relay').to.equal(1);
      expect(relay.ap.discoveredClients().sort()).to.deep.equal([toHex(a.p.guidPrefix), toHex(b.p.guidPrefix)].sort());
      expect(relay.server.partitions.participantPartitions(a.p.guidPrefix)).to.deep.equal(['']);
      console.log(`      discovery ${discoveredMs} virtual ms, first sample at ${firstSampleMs} virtual ms after start`);
    } finally {
      await closeClient(a);
      await closeClient(b);
      await stopRelay(relay);
    }
    net.runUntilIdle();
    expect(topo.left.openSockets + topo.right.openSockets + topo.server.openSockets).to.equal(0);
  });

  it('cone NATs, UseRtpsRelay + ICE: samples start through the relay and move to the ICE-selected direct pair, none lost or duplicated', async () => {
    const topo = twoNatTopology({ left: NatPresets.portRestricted, right: NatPresets.portRestricted, rttMs: 40, recordTrace: false, seed: 8 });
    const net = topo.network;
    const relay = await startRelay(topo, 2);
    const a = await client(topo, topo.left, 33, relayConfig('use', true), true);
    const b = await client(topo, topo.right, 44, relayConfig('use', true), true);
    let rtpsToRelayData = 0;
    const stopTrace = net.onTrace((e) => {
      if (e.kind === 'send' && e.to.ip === RELAY_IP && e.to.port === 7402 && e.bytes[0] === 0x52 && e.bytes[1] === 0x54) rtpsToRelayData++;
    });
    try {
      const start = net.now();
      let directAtMs: number | undefined;
      a.p.on('ice', (st) => { if (st.channel === 'data' && st.state === 'selected') directAtMs ??= net.now() - start; });
      const { writer, reader, collector } = pair(a.p, b.p);
      let firstSampleMs: number | undefined;
      let relayDataAtFirstSample = 0;
      reader.once('data', () => {
        firstSampleMs = net.now() - start;
        relayDataAtFirstSample = rtpsToRelayData;
      });
      await driveUntil(net, writer.waitForMatch(), 60_000);
      // A steady stream across the switch: 50 samples every 100 ms for 20 s.
      const N = 10_000;
      for (let id = 1; id <= N;) {
        for (let k = 0; k < 50 && id <= N; k++, id++) await driveUntil(net, writer.write({ id, text: `msg ${id}` }), 10_000);
        net.runFor(100);
      }
      await drive(net, () => collector.ids.length >= N, 60_000);
      await driveUntil(net, writer.waitForAcknowledgments(), 30_000);
      collector.expectExactly(N); // no sample lost, duplicated or reordered across the switch
      expect(firstSampleMs, 'first sample').to.be.a('number');
      expect(directAtMs, 'DATA pair selected').to.be.a('number');
      expect(directAtMs!, 'the first sample came before the direct path, through the relay').to.be.greaterThan(firstSampleMs!);
      expect(relayDataAtFirstSample, 'RTPS to the relay DATA port before the first sample').to.be.greaterThan(0);
      // After the switch the DATA path is the peer's public (NAT) address, not the relay.
      const selected = a.p.selectedAddress('data', b.p.guidPrefix);
      expect(selected?.ip).to.equal('203.0.113.1');
      // And the relay carries no more user data: 500 more samples, only STUN keepalives on its DATA port.
      const before = rtpsToRelayData;
      for (let id = N + 1; id <= N + 500; id++) await driveUntil(net, writer.write({ id, text: `msg ${id}` }), 10_000);
      await drive(net, () => collector.ids.length >= N + 500, 30_000);
      expect(rtpsToRelayData - before, 'RTPS datagrams to the relay DATA port after the switch').to.equal(0);
      console.log(`      first sample ${firstSampleMs} virtual ms (via relay), direct DATA path ${directAtMs} virtual ms, ${N} samples exactly once`);
    } finally {
      stopTrace();
      await closeClient(a);
      await closeClient(b);
      await stopRelay(relay);
    }
    net.runUntilIdle();
    expect(topo.left.openSockets + topo.right.openSockets + topo.server.openSockets).to.equal(0);
  });
});
