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
import { rtps, stunRequest } from './relay-fixtures.js';

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
  await r.server.close();
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
      const apSeenByA = a.p.discoveredParticipants().filter((x) => x.isRtpsRelayApplicationParticipant === true).map((x) => toHex(x.guidPrefix));
      expect(apSeenByA, 'a discovered the relay application participant by its PID 0xB006').to.deep.equal([toHex(relay.ap.guidPrefix)]);
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

  it('churn: a silent client is removed after Lifespan; the others stay', async () => {
    const topo = twoNatTopology({ left: NatPresets.symmetric, right: NatPresets.symmetric, rttMs: 40, recordTrace: false, seed: 9 });
    const net = topo.network;
    const relay = await startRelay(topo, 3, { lifespanMs: 60_000 });
    const a = await client(topo, topo.left, 55, relayConfig('only', false), false);
    const b = await client(topo, topo.right, 66, relayConfig('only', false), false);
    const removed = new Map<string, number>();
    relay.server.on('client-removed', (prefix) => { removed.set(prefix, net.now()); });
    try {
      const { writer } = pair(a.p, b.p);
      await driveUntil(net, writer.waitForMatch(), 60_000);
      const bHex = toHex(b.p.guidPrefix);
      expect(relay.server.clients.isAdmittedHex(bHex)).to.equal(true);
      net.runFor(5_000);
      b.network.crash(); // b goes silent: no dispose, no keepalive, nothing
      const crashedAt = net.now();
      await drive(net, () => removed.has(bHex), 120_000, 100);
      const afterMs = (removed.get(bHex) ?? 0) - crashedAt;
      // Removed Lifespan after its last datagram (which left at most one keepalive period before the crash).
      expect(afterMs).to.be.within(60_000 - 30_000, 60_000 + 1_000);
      expect(relay.server.clients.has(b.p.guidPrefix)).to.equal(false);
      expect(relay.server.partitions.participantPartitions(b.p.guidPrefix)).to.deep.equal([]);
      expect(relay.server.clients.isAdmittedHex(toHex(a.p.guidPrefix)), 'a keeps talking and stays').to.equal(true);
      console.log(`      silent client removed ${afterMs} virtual ms after it went silent (Lifespan 60,000 ms)`);
    } finally {
      await closeClient(a);
      await closeClient(b);
      await stopRelay(relay);
    }
    net.runUntilIdle();
  });

  it('churn: a relay restart is survived; clients register again and every sample arrives exactly once', async () => {
    const topo = twoNatTopology({ left: NatPresets.symmetric, right: NatPresets.symmetric, rttMs: 40, recordTrace: false, seed: 10 });
    const net = topo.network;
    let relay = await startRelay(topo, 4);
    const a = await client(topo, topo.left, 77, relayConfig('only', false), false);
    const b = await client(topo, topo.right, 88, relayConfig('only', false), false);
    try {
      const { writer, reader, collector } = pair(a.p, b.p);
      await driveUntil(net, writer.waitForMatch(), 60_000);
      await driveUntil(net, reader.waitForMatch(), 60_000);
      let id = 0;
      const writeBurst = async (n: number): Promise<void> => {
        for (let k = 0; k < n; k++) { id++; await driveUntil(net, writer.write({ id, text: `msg ${id}` }), 120_000); }
      };
      // 20 s of traffic so the keepalives and the SPDP schedule reach their long periods.
      for (let t = 0; t < 20; t++) { await writeBurst(10); net.runFor(1000); }
      await drive(net, () => collector.ids.length === id, 10_000);
      await stopRelay(relay);
      net.runFor(5_000); // down for 5 s; the writer keeps writing into its history
      await writeBurst(20);
      const restartedAt = net.now();
      relay = await startRelay(topo, 5);
      await writeBurst(1);
      const target = id;
      await drive(net, () => collector.ids.length >= target, 120_000, 10);
      const recoveredMs = net.now() - restartedAt;
      await driveUntil(net, writer.waitForAcknowledgments(), 30_000);
      collector.expectExactly(target);
      expect(relay.server.clients.isAdmittedHex(toHex(a.p.guidPrefix))).to.equal(true);
      expect(relay.server.clients.isAdmittedHex(toHex(b.p.guidPrefix))).to.equal(true);
      console.log(`      relay restarted after 5 s down: every sample (the ones written while it was down included) delivered ${recoveredMs} virtual ms after the restart, ${target} samples exactly once`);
    } finally {
      await closeClient(a);
      await closeClient(b);
      await stopRelay(relay);
    }
    net.runUntilIdle();
  });

  it('an imposter of the application participant is dropped, its address rejected, and nothing of it reaches a client', async () => {
    const topo = twoNatTopology({ left: NatPresets.symmetric, right: NatPresets.none, rttMs: 40, recordTrace: false, seed: 11 });
    const net = topo.network;
    const relay = await startRelay(topo, 6, { rejectedAddressDurationMs: 10_000 });
    const a = await client(topo, topo.left, 99, relayConfig('only', false), false);
    try {
      await drive(net, () => relay.ap.discoveredClients().includes(toHex(a.p.guidPrefix)), 30_000);
      const apPrefix = relay.ap.guidPrefix;
      const apSpdp = relay.ap.participant.localAddresses('spdp');
      // The imposter sits on the public right host and claims the application participant's prefix.
      const imposter = await topo.right.bind(topo.right.ip, 5555);
      const stunImposter = await topo.right.bind(topo.right.ip, 5556);
      let toClient = 0;
      let toImposter = 0;
      const stopTrace = net.onTrace((e) => {
        if (e.kind === 'send' && e.to.ip === topo.right.ip && (e.to.port === 5555 || e.to.port === 5556)) toImposter++;
        if (e.kind === 'fate' && e.fate === 'delivered' && e.from.ip === RELAY_IP && e.seenTo.ip !== RELAY_IP && e.size === forged.length) toClient++;
      });
      const forged = rtps(apPrefix, [a.p.guidPrefix]);
      const relaySpdp = relay.server.address('spdp');
      const before = relay.server.stats();
      imposter.send(forged, relaySpdp);
      stunImposter.send(stunRequest({ guidPrefix: apPrefix }), relay.server.address('sedp'));
      net.runFor(100);
      imposter.send(forged, relaySpdp); // now from a rejected address
      net.runFor(100);
      const after = relay.server.stats();
      expect(after.dropped.imposter - before.dropped.imposter, 'imposter drops (RTPS and STUN)').to.equal(2);
      expect(after.dropped['rejected-address'] - before.dropped['rejected-address']).to.equal(1);
      expect(after.clients.rejectedAddresses).to.equal(2);
      expect(relay.server.clients.addresses(apPrefix, 'spdp'), 'the application participant keeps its own address only').to.deep.equal(apSpdp);
      expect(relay.server.clients.addresses(apPrefix, 'sedp').some((x) => x.port === 5556)).to.equal(false);
      expect(toImposter, 'datagrams (STUN answers included) sent back to the imposter').to.equal(0);
      expect(toClient, 'forged datagrams forwarded to a client').to.equal(0);
      // The real application participant keeps working: a is still discovered by it, and admitted.
      expect(relay.server.clients.isAdmittedHex(toHex(a.p.guidPrefix))).to.equal(true);
      stopTrace();
      imposter.close();
      stunImposter.close();
    } finally {
      await closeClient(a);
      await stopRelay(relay);
    }
    net.runUntilIdle();
  });
});
