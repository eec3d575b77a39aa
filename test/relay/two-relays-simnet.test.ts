/**
 * The must-show of the relay work (spec §8.1-§8.3): two participants behind symmetric NATs, each a
 * relay client of its OWN relay (`RtpsRelayOnly`), the two relays connected horizontally (relay domain
 * + horizontal ports), each relay with its application participant feeding its clients' partitions.
 * The participants discover each other and exchange reliable samples exactly once, every datagram
 * between them crossing relay 1 → relay 2 (or back) horizontally. Simnet, virtual time.
 */
import { expect } from 'chai';
import type { DdsConfigInput } from '../../src/dds/index.js';
import { DomainParticipant } from '../../src/dds/index.js';
import { RelayApplicationParticipant, RelayServer } from '../../src/relay/index.js';
import type { SimHost } from '../../src/simnet/index.js';
import { NatPresets, twoNatTopology } from '../../src/simnet/index.js';
import { toHex } from '../../src/util/hex.js';
import { SeededRandom } from '../../src/util/prng.js';
import { drive, driveUntil, IdCollector, LAB_MSG_IDL, writeAll } from '../dds/support.js';
import type { VirtualNetwork } from '../../src/simnet/index.js';

const R1 = '192.0.2.1'; // twoNatTopology's server host
const R2 = '192.0.2.2';
const DOMAIN = 1; // the application domain (OpenDDS -ApplicationDomain default)

interface Relay {
  readonly server: RelayServer;
  readonly ap: RelayApplicationParticipant;
}

async function startRelay(net: VirtualNetwork, host: SimHost, ip: string, id: string, peer: string, seed: number): Promise<Relay> {
  const rng = new SeededRandom(seed);
  const server = await driveUntil(net, RelayServer.start(host, net.timers, {
    ip, basePort: 7400,
    horizontal: {
      relayId: id, ip, basePort: 17400,
      relayDomain: { domainId: 0, config: { rtpsDiscovery: { spdpSendAddrs: `${peer}:7410`, resendPeriod: 1 } }, randomBytes: (k) => rng.bytes(k) },
    },
  }), 1000);
  const ap = await driveUntil(net, RelayApplicationParticipant.start(server, host, net.timers, {
    domainId: DOMAIN, randomBytes: (n) => rng.bytes(n),
  }), 1000);
  return { server, ap };
}

const relayOnly = (ip: string): DdsConfigInput => ({
  rtpsDiscovery: { spdpRtpsRelayAddress: `${ip}:7400`, sedpRtpsRelayAddress: `${ip}:7401`, rtpsRelayOnly: true },
  transport: { dataRtpsRelayAddress: `${ip}:7402`, rtpsRelayOnly: true },
});

describe('two relays connected horizontally, each serving one participant behind a symmetric NAT (simnet)', function () {
  this.timeout(180_000);

  it('the participants discover each other across the relays and exchange 2,000 reliable samples exactly once', async () => {
    const topo = twoNatTopology({ left: NatPresets.symmetric, right: NatPresets.symmetric, rttMs: 40, recordTrace: false, seed: 31 });
    const net = topo.network;
    const host2 = net.addHost('relay-2', { ips: [R2], link: { delayMs: 10 } });
    const r1 = await startRelay(net, topo.server, R1, 'relay-1', R2, 1);
    const r2 = await startRelay(net, host2, R2, 'relay-2', R1, 2);
    const participant = async (host: SimHost, seed: number, relayIp: string): Promise<DomainParticipant> => {
      const rng = new SeededRandom(seed);
      return driveUntil(net, DomainParticipant.create({
        domainId: DOMAIN, network: host, timers: net.timers, randomBytes: (n) => rng.bytes(n), config: relayOnly(relayIp),
      }), 1000);
    };
    const start = net.now();
    const a = await participant(topo.left, 11, R1);
    const b = await participant(topo.right, 22, R2);
    try {
      const writer = a.createDataWriter(a.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all', maxSamples: 1000 });
      const reader = b.createDataReader(b.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all' });
      const collector = new IdCollector(reader);
      let firstSampleMs: number | undefined;
      reader.once('data', () => { firstSampleMs = net.now() - start; });
      await drive(net, () => r1.server.relays.size === 1 && r2.server.relays.size === 1, 60_000);
      const relaysMs = net.now() - start;
      await drive(net, () => a.discoveredParticipants().some((x) => toHex(x.guidPrefix) === toHex(b.guidPrefix)) &&
        b.discoveredParticipants().some((x) => toHex(x.guidPrefix) === toHex(a.guidPrefix)), 120_000);
      const discoveredMs = net.now() - start;
      await driveUntil(net, writer.waitForMatch(), 60_000);
      await driveUntil(net, reader.waitForMatch(), 60_000);
      const matchedMs = net.now() - start;
      const N = 2000;
      await driveUntil(net, writeAll(writer, N), 120_000);
      await drive(net, () => collector.ids.length >= N, 120_000);
      await driveUntil(net, writer.waitForAcknowledgments(), 30_000);
      collector.expectExactly(N);
      const s1 = r1.server.stats();
      const s2 = r2.server.stats();
      // Each relay admitted its own client and its application participant only.
      expect(r1.server.clients.isAdmitted(a.guidPrefix) && !r1.server.clients.isAdmitted(b.guidPrefix)).to.equal(true);
      expect(r2.server.clients.isAdmitted(b.guidPrefix) && !r2.server.clients.isAdmitted(a.guidPrefix)).to.equal(true);
      // Everything between a and b crossed horizontally: a's DATA one way (many samples a datagram), b's ACKNACKs the other.
      expect(s1.horizontalSentBytes, 'relay 1 → relay 2: at least the samples\' bytes').to.be.greaterThan(N * 20);
      expect(s2.horizontal.routed, 'relay 2 fanned out (nearly) all relay 1 sent').to.be.greaterThan(s1.horizontalSentDatagrams * 0.9);
      expect(s2.horizontalSentDatagrams, 'relay 2 → relay 1 (SPDP/SEDP/ACKNACK of b)').to.be.greaterThan(0);
      // The application participants learnt their own client's endpoints only, and stayed local.
      expect(r1.ap.discoveredClients()).to.deep.equal([toHex(a.guidPrefix)]);
      expect(r2.ap.discoveredClients()).to.deep.equal([toHex(b.guidPrefix)]);
      expect(s1.dropped.imposter + s2.dropped.imposter + s1.dropped['unconfirmed-address'] + s2.dropped['unconfirmed-address']).to.equal(0);
      console.log(`      virtual ms after start: relays know each other ${relaysMs}, participants discovered ${discoveredMs}, matched ${matchedMs} ms, first sample ${firstSampleMs}; ${N} samples exactly once; horizontal datagrams relay1→2 ${s1.horizontalSentDatagrams}, relay2→1 ${s2.horizontalSentDatagrams}`);
    } finally {
      await a.close();
      await b.close();
      for (const r of [r1, r2]) await r.ap.close();
      await driveUntil(net, Promise.all([r1.server.close(), r2.server.close()]), 10_000);
    }
    net.runUntilIdle();
    expect(topo.left.openSockets + topo.right.openSockets + topo.server.openSockets + host2.openSockets).to.equal(0);
  });
});
