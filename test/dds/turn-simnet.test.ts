/**
 * Two DomainParticipants behind symmetric NATs on simnet, in virtual time, with a TURN server
 * (relay/turn-server.ts) on the public side: host and server-reflexive pairs cannot work through
 * two symmetric NATs, so ICE selects pairs through relayed candidates (IceCandidate_t type 3) and
 * reliable samples flow through the TURN allocation.
 *
 * SPDP needs a rendezvous to cross the NATs at all (OpenDDS uses the RtpsRelay for that): here a
 * public UDP reflector forwards each SPDP datagram to the other participant's NAT mapping. Only SPDP
 * goes through it; SEDP and DATA go where ICE selected.
 */
import { expect } from 'chai';
import type { DdsConfigInput, DomainParticipant as Participant } from '../../src/dds/index.js';
import { DomainParticipant } from '../../src/dds/index.js';
import { TurnServer } from '../../src/relay/index.js';
import type { SimHost, VirtualNetwork } from '../../src/simnet/index.js';
import { NatPresets, twoNatTopology } from '../../src/simnet/index.js';
import { IceDriver } from '../../src/transport/index.js';
import type { TransportAddress } from '../../src/util/address.js';
import { formatAddress } from '../../src/util/address.js';
import type { DatagramSocket } from '../../src/util/datagram-io.js';
import { toHex } from '../../src/util/hex.js';
import { silentLogger } from '../../src/util/logger.js';
import { SeededRandom } from '../../src/util/prng.js';
import { drive, driveUntil, IdCollector, LAB_MSG_IDL, writeAll } from './support.js';

const N = 2_000;

interface Side {
  readonly p: Participant;
  readonly driver: IceDriver;
  readonly turnErrors: string[];
}

async function side(net: VirtualNetwork, host: SimHost, seed: number, config: DdsConfigInput): Promise<Side> {
  const rng = new SeededRandom(seed);
  const randomBytes = (n: number): Uint8Array => rng.bytes(n);
  const driver = new IceDriver({ network: host, timers: net.timers, randomBytes, log: silentLogger }, {
    transportPolicy: config.ice?.transportPolicy ?? 'all',
    turnServers: config.ice?.turnServer === undefined ? [] : [{
      address: { ip: '192.0.2.1', port: 3478, family: 'IPv4' }, username: config.ice.turnUsername ?? '', password: config.ice.turnPassword ?? '',
    }],
  });
  const p = await driveUntil(net, DomainParticipant.create({ domainId: 0, network: host, timers: net.timers, iceDriver: driver, randomBytes, config }), 1000);
  const turnErrors: string[] = [];
  p.on('turn-failed', (e) => { turnErrors.push(e.code); });
  return { p, driver, turnErrors };
}

/** The SPDP rendezvous: forwards what one sender sends to every other sender seen. */
async function reflector(host: SimHost): Promise<DatagramSocket> {
  const socket = await host.bind('192.0.2.1', 7400);
  const seen = new Map<string, TransportAddress>();
  socket.onDatagram((bytes, from) => {
    seen.set(formatAddress(from), from);
    for (const [k, to] of seen) if (k !== formatAddress(from)) socket.send(bytes, to);
  });
  return socket;
}

const config = (password = 's3cret', transportPolicy: 'all' | 'relay' = 'all'): DdsConfigInput => ({
  rtpsDiscovery: { useIce: true, spdpSendAddrs: '192.0.2.1:7400', spdpStunServerAddress: '192.0.2.1:3478', sedpStunServerAddress: '192.0.2.1:3478' },
  transport: { useIce: true, dataStunServerAddress: '192.0.2.1:3478' },
  ice: { turnServer: '192.0.2.1:3478', turnUsername: 'alice', turnPassword: password, transportPolicy },
});

/** Two symmetric NATs, our TURN server (user alice / s3cret) and the SPDP reflector, and a participant on each side. */
interface World {
  readonly net: VirtualNetwork;
  readonly topo: ReturnType<typeof twoNatTopology>;
  readonly turn: TurnServer;
  readonly a: Side;
  readonly b: Side;
  readonly close: () => Promise<void>;
}

async function world(seed: number, rngSeed: number, sideSeeds: readonly [number, number], configA: DdsConfigInput, configB: DdsConfigInput): Promise<World> {
  const topo = twoNatTopology({ left: NatPresets.symmetric, right: NatPresets.symmetric, rttMs: 20, recordTrace: false, seed });
  const net = topo.network;
  const rng = new SeededRandom(rngSeed);
  const turn = await TurnServer.start(topo.server, {
    ip: '192.0.2.1', port: 3478, realm: 'rtps-ice.test', users: new Map([['alice', 's3cret']]), timers: net.timers,
    randomBytes: (n) => rng.bytes(n),
  });
  const spdp = await reflector(topo.server);
  const a = await side(net, topo.left, sideSeeds[0], configA);
  const b = await side(net, topo.right, sideSeeds[1], configB);
  return {
    net, topo, turn, a, b,
    close: async () => {
      await a.p.close(); a.driver.close();
      await b.p.close(); b.driver.close();
      await drive(net, () => true, 100);
      spdp.close();
      turn.close();
    },
  };
}

describe('dds over TURN relayed candidates, two symmetric NATs (simnet, virtual time)', function () {
  this.timeout(120_000);

  it('selects pairs with a relayed local candidate and delivers reliable samples through the TURN server', async () => {
    const { net, topo, turn, a, b, close } = await world(9, 99, [71, 72], config(), config());
    try {
      await drive(net, () => a.p.discoveredParticipants().length === 1 && b.p.discoveredParticipants().length === 1, 20_000);
      // The announced ICE info carries relayed candidates (IceCandidate_t type 3 on the wire), once allocated.
      const relayedIn = (p: Participant): number => p.discoveredParticipants()[0]?.ice.get('SEDP')?.candidates.filter((c) => c.type === 'relayed').length ?? 0;
      await drive(net, () => relayedIn(a.p) > 0 && relayedIn(b.p) > 0, 20_000);
      const seenByB = b.p.discoveredParticipants()[0]!;
      const relayedAnnounced = seenByB.ice.get('SEDP')?.candidates.filter((c) => c.type === 'relayed') ?? [];
      expect(relayedAnnounced.map((c) => c.address.ip)).to.deep.equal(['192.0.2.1']);

      const topicA = a.p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL);
      const topicB = b.p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL);
      const writer = a.p.createDataWriter(topicA, { reliability: 'reliable', history: 'keep-all', maxSamples: 1000 });
      const reader = b.p.createDataReader(topicB, { reliability: 'reliable', history: 'keep-all' });
      const collector = new IdCollector(reader);
      await driveUntil(net, writer.waitForMatch(), 60_000);
      await driveUntil(net, reader.waitForMatch(), 60_000);
      const relayed = (): number => turn.stats().relayedToPeers + turn.stats().relayedToClients;
      const relayedBefore = relayed();
      await driveUntil(net, writeAll(writer, N), 120_000);
      await drive(net, () => collector.ids.length >= N, 120_000);
      await driveUntil(net, writer.waitForAcknowledgments(), 30_000);
      collector.expectExactly(N);
      const relayedDuring = relayed() - relayedBefore;
      expect(relayedDuring, 'the samples went through the TURN server').to.be.greaterThan(N / 100);

      const hexA = toHex(a.p.guidPrefix);
      const hexB = toHex(b.p.guidPrefix);
      for (const ch of ['SEDP', 'DATA'] as const) {
        const atA = a.driver.selectedPath(`${hexA}.${ch}`, hexB);
        const atB = b.driver.selectedPath(`${hexB}.${ch}`, hexA);
        expect(atA, `${ch} selected at a`).to.not.equal(undefined);
        expect(atB, `${ch} selected at b`).to.not.equal(undefined);
        // Through two symmetric NATs only the relay works: each side's selected pair goes through the TURN server,
        // and at least one side's local candidate is the relayed one.
        const types = [atA!.localCandidate.type, atB!.localCandidate.type];
        console.log(`      ${ch}: a ${types[0]} ${formatAddress(atA!.localBase)} -> ${formatAddress(atA!.remoteAddress)}; b ${types[1]} ${formatAddress(atB!.localBase)} -> ${formatAddress(atB!.remoteAddress)}`);
        expect(types, `${ch} local candidate types`).to.include('relayed');
        for (const path of [atA!, atB!]) {
          const viaRelay = path.localCandidate.type === 'relayed' || path.remoteAddress.ip === '192.0.2.1';
          expect(viaRelay, `${ch}: ${formatAddress(path.localBase)} -> ${formatAddress(path.remoteAddress)}`).to.equal(true);
        }
      }
      expect(a.turnErrors).to.deep.equal([]);
      expect(b.turnErrors).to.deep.equal([]);
      console.log(`      ${N} reliable samples through TURN; datagrams relayed while writing: ${relayedDuring}, allocations ${turn.stats().allocations}`);
    } finally {
      await close();
    }
    expect(topo.left.openSockets + topo.right.openSockets).to.equal(0);
  });

  it('a wrong TURN password is reported as TurnError "unauthorized" on every endpoint, and no relayed candidate is announced', async () => {
    const { net, a, b, close } = await world(10, 98, [81, 82], config('not-the-password'), config());
    try {
      await drive(net, () => a.turnErrors.length >= 3 && b.p.discoveredParticipants().length === 1, 20_000);
      expect(a.turnErrors).to.deep.equal(['unauthorized', 'unauthorized', 'unauthorized']);
      const seenByB = b.p.discoveredParticipants()[0]!;
      expect(seenByB.ice.get('SEDP')?.candidates.some((c) => c.type === 'relayed')).to.equal(false);
      expect(b.turnErrors).to.deep.equal([]);
    } finally {
      await close();
    }
  });

  it('TransportPolicy=relay: only relayed candidates are announced, both sides select relayed ↔ relayed, samples arrive', async () => {
    const { net, a, b, close } = await world(11, 97, [91, 92], config('s3cret', 'relay'), config('s3cret', 'relay'));
    try {
      const relayedIn = (p: Participant): number => p.discoveredParticipants()[0]?.ice.get('SEDP')?.candidates.filter((c) => c.type === 'relayed').length ?? 0;
      await drive(net, () => relayedIn(a.p) > 0 && relayedIn(b.p) > 0, 20_000);
      for (const p of [a.p, b.p]) {
        const types = new Set(p.discoveredParticipants()[0]!.ice.get('SEDP')!.candidates.map((c) => c.type));
        expect([...types], 'announced candidate types').to.deep.equal(['relayed']);
      }
      const writer = a.p.createDataWriter(a.p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all', maxSamples: 1000 });
      const reader = b.p.createDataReader(b.p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all' });
      const collector = new IdCollector(reader);
      await driveUntil(net, writer.waitForMatch(), 60_000);
      await driveUntil(net, writeAll(writer, N), 120_000);
      await drive(net, () => collector.ids.length >= N, 120_000);
      collector.expectExactly(N);
      const hexA = toHex(a.p.guidPrefix);
      const hexB = toHex(b.p.guidPrefix);
      await drive(net, () => a.driver.selectedPath(`${hexA}.DATA`, hexB) !== undefined && b.driver.selectedPath(`${hexB}.DATA`, hexA) !== undefined, 20_000);
      for (const ch of ['SEDP', 'DATA'] as const) {
        expect(a.driver.selectedPath(`${hexA}.${ch}`, hexB)?.localCandidate.type, `${ch} at a`).to.equal('relayed');
        expect(b.driver.selectedPath(`${hexB}.${ch}`, hexA)?.localCandidate.type, `${ch} at b`).to.equal('relayed');
      }
    } finally {
      await close();
    }
  });
});
