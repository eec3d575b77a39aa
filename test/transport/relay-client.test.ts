/**
 * The transport side of the RtpsRelay client (spec §6, §5.13) on simnet: one keepalive per socket
 * toward its relay port, the relay's answers taken before ICE and turned into server-reflexive
 * candidates, RtpsRelayOnly sending SPDP to the relay only, and the relay sends of SPDP.
 */
import { expect } from 'chai';
import { EntityIds, type Submessage } from '../../src/rtps/index.js';
import { RelayServer } from '../../src/relay/index.js';
import { NatPresets, twoNatTopology } from '../../src/simnet/index.js';
import type { RelayKeepaliveEvent, TransportChannel } from '../../src/transport/index.js';
import { IceDriver, RtpsUdpTransport } from '../../src/transport/index.js';
import { formatAddress, transportAddress } from '../../src/util/address.js';
import { silentLogger } from '../../src/util/logger.js';
import { SeededRandom } from '../../src/util/prng.js';
import { prefixOf } from './compliance.js';

const RELAY = '192.0.2.1';
const relayAddresses = { spdp: transportAddress(RELAY, 7400), sedp: transportAddress(RELAY, 7401), data: transportAddress(RELAY, 7402) };

const SPDP_DATA: Submessage = {
  kind: 'data', littleEndian: true, readerId: EntityIds.SPDP_BUILTIN_PARTICIPANT_DETECTOR, writerId: EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER,
  writerSN: 1, inlineQos: [], serializedData: new Uint8Array([0, 3, 0, 0, 1, 0, 0, 0]), serializedKey: undefined,
};

describe('transport/RtpsUdpTransport as an RtpsRelay client (simnet)', () => {
  it('keeps each socket registered with its relay port and learns the NAT\'s public address per channel (no ICE)', async () => {
    const topo = twoNatTopology({ left: NatPresets.symmetric, right: 'none', rttMs: 20, recordTrace: false, seed: 21 });
    const net = topo.network;
    // Answer every request (OpenDDS behaviour) so the keepalive needs no admission first.
    const relay = await RelayServer.start(topo.server, net.timers, { ip: RELAY, basePort: 7400, maxUnadmittedStunAmplification: Infinity });
    const rng = new SeededRandom(5);
    const t = await RtpsUdpTransport.open({ guidPrefix: prefixOf(1), network: topo.left, timers: net.timers, log: silentLogger, randomBytes: (n) => rng.bytes(n) }, {
      multicast: false, relayAddresses, useRtpsRelay: true,
    });
    const events: [TransportChannel, RelayKeepaliveEvent][] = [];
    t.on('relay-address', (c, e) => { events.push([c, e]); });
    try {
      net.runFor(2_000);
      expect(events.map(([c, e]) => `${c} ${e.type}`).sort()).to.deep.equal(['data address-set', 'sedp address-set', 'spdp address-set']);
      for (const [, e] of events) if (e.type === 'address-set') expect(e.address.ip).to.equal('198.51.100.1');
      // Symmetric NAT: one public port per relay port.
      expect(new Set(events.map(([, e]) => (e.type === 'address-set' ? e.address.port : 0))).size).to.equal(3);
      expect(t.relayReflexiveAddresses('data')).to.have.length(1);
      expect(t.stats().dropped['stun-without-ice'], 'the relay\'s answers are the keepalive\'s, not dropped').to.equal(0);
      expect(relay.clients.addresses(prefixOf(1), 'sedp')).to.have.length(1);
      const [sedp] = t.relayKeepaliveStats('sedp');
      expect(sedp?.responses).to.be.at.least(1);
    } finally {
      t.close();
      await relay.close();
    }
    net.runUntilIdle();
    expect(topo.left.openSockets + topo.server.openSockets).to.equal(0);
    expect(net.pendingEvents).to.equal(0);
  });

  it('with ICE: the relay\'s answers (taken by the keepalive before the agent) become server-reflexive candidates of SPDP, SEDP and DATA', async () => {
    const topo = twoNatTopology({ left: NatPresets.portRestricted, right: 'none', rttMs: 20, recordTrace: false, seed: 22 });
    const net = topo.network;
    const relay = await RelayServer.start(topo.server, net.timers, { ip: RELAY, basePort: 7400, maxUnadmittedStunAmplification: Infinity });
    const rng = new SeededRandom(6);
    const randomBytes = (n: number): Uint8Array => rng.bytes(n);
    const driver = new IceDriver({ network: topo.left, timers: net.timers, randomBytes, log: silentLogger });
    const t = await RtpsUdpTransport.open({ guidPrefix: prefixOf(2), network: topo.left, timers: net.timers, log: silentLogger, iceDriver: driver, randomBytes }, {
      multicast: false, relayAddresses, useRtpsRelay: true, useIce: true,
    });
    try {
      net.runFor(2_000);
      for (const ch of ['spdp', 'sedp', 'data'] as const) {
        const srflx = t.iceLocalInfo(ch)?.candidates.filter((c) => c.type === 'server-reflexive') ?? [];
        expect(srflx.map((c) => formatAddress(c.address)), `${ch} srflx`).to.deep.equal(t.relayReflexiveAddresses(ch).map(formatAddress));
        expect(srflx).to.have.length(1);
      }
      const answers = t.relayKeepaliveStats('spdp')[0]?.responses ?? 0;
      expect(answers).to.be.at.least(1);
    } finally {
      t.close();
      driver.close();
      await relay.close();
    }
    net.runUntilIdle();
    expect(topo.left.openSockets + topo.server.openSockets).to.equal(0);
  });

  it('RtpsRelayOnly: the undirected SPDP announcement goes nowhere but relay sends go to the relay; directed SPDP goes to the relay only', async () => {
    const topo = twoNatTopology({ left: 'none', right: 'none', rttMs: 20, recordTrace: false, seed: 23 });
    const net = topo.network;
    const seen: string[] = [];
    const stop = net.onTrace((e) => { if (e.kind === 'send' && e.bytes[0] === 0x52) seen.push(formatAddress(e.to)); });
    const t = await RtpsUdpTransport.open({ guidPrefix: prefixOf(3), network: topo.left, timers: net.timers, log: silentLogger }, {
      multicast: false, relayAddresses, rtpsRelayOnly: true, spdpPeers: [transportAddress('203.0.113.1', 7410)],
    });
    try {
      t.addLocalEndpoint({ entityId: EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER, handler: () => undefined });
      t.send(EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER, { to: 'all-matched', submessages: [SPDP_DATA] });
      net.runFor(10);
      expect(seen, 'undirected announcement under RtpsRelayOnly').to.deep.equal([]);
      expect(t.stats().dropped['no-destination']).to.equal(0);
      t.sendToRelay(EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER, [SPDP_DATA]);
      net.runFor(10);
      expect(seen).to.deep.equal(['192.0.2.1:7400']);
      t.addRemoteParticipant({ guidPrefix: prefixOf(4), metatrafficUnicastLocators: [], defaultUnicastLocators: [], spdpUnicastLocators: [] });
      t.send(EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER, { to: prefixOf(4), submessages: [SPDP_DATA] });
      net.runFor(10);
      expect(seen).to.deep.equal(['192.0.2.1:7400', '192.0.2.1:7400']);
    } finally {
      stop();
      t.close();
    }
    net.runUntilIdle();
  });

  it('rejects a relay address no local socket can reach (family) with InvalidConfigError and leaves nothing open', async () => {
    const topo = twoNatTopology({ left: 'none', right: 'none', rttMs: 20, recordTrace: false, seed: 24 });
    const bad = { spdp: transportAddress('2001:db8::1', 7400) };
    let error: unknown;
    try {
      await RtpsUdpTransport.open({ guidPrefix: prefixOf(5), network: topo.left, timers: topo.network.timers, log: silentLogger }, {
        multicast: false, relayAddresses: bad, useRtpsRelay: true,
      });
    } catch (err) {
      error = err;
    }
    expect((error as Error).name).to.equal('InvalidConfigError');
    expect(topo.left.openSockets).to.equal(0);
  });
});
