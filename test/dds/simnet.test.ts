/**
 * Two DomainParticipants on simnet in virtual time: discovery, ICE on the SEDP and DATA endpoints,
 * 10,000 reliable LabMsg samples; with password rotation; behind two port-restricted NATs.
 */
import { expect } from 'chai';
import type { DomainParticipant as Participant, IceStatus } from '../../src/dds/index.js';
import { DomainParticipant } from '../../src/dds/index.js';
import { StunServer } from '../../src/relay/index.js';
import type { SimHost } from '../../src/simnet/index.js';
import { NatPresets, twoNatTopology, VirtualNetwork } from '../../src/simnet/index.js';
import { IceDriver } from '../../src/transport/index.js';
import type { DdsConfigInput } from '../../src/dds/index.js';
import { formatAddress } from '../../src/util/address.js';
import { silentLogger } from '../../src/util/logger.js';
import { SeededRandom } from '../../src/util/prng.js';
import { drive, driveUntil, IdCollector, LAB_MSG_IDL, writeAll } from './support.js';

const N = 10_000;

interface Side {
  readonly p: Participant;
  readonly driver: IceDriver;
  readonly host: SimHost;
  readonly ice: IceStatus[];
}

async function side(net: VirtualNetwork, host: SimHost, seed: number, config: DdsConfigInput): Promise<Side> {
  const rng = new SeededRandom(seed);
  const randomBytes = (n: number): Uint8Array => rng.bytes(n);
  const changePasswordPeriodMs = (config.ice?.changePasswordPeriod ?? 300) * 1000;
  const driver = new IceDriver({ network: host, timers: net.timers, randomBytes, log: silentLogger }, { changePasswordPeriodMs });
  const p = await driveUntil(net, DomainParticipant.create({ domainId: 0, network: host, timers: net.timers, iceDriver: driver, randomBytes, config }), 1000);
  const ice: IceStatus[] = [];
  p.on('ice', (s) => { ice.push(s); });
  return { p, driver, host, ice };
}

async function closeSide(s: Side): Promise<void> {
  await s.p.close();
  s.driver.close();
}

async function exchange(net: VirtualNetwork, a: Side, b: Side, maxMs: number): Promise<{ collector: IdCollector; virtualMs: number }> {
  const topicA = a.p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL);
  const topicB = b.p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL);
  const writer = a.p.createDataWriter(topicA, { reliability: 'reliable', history: 'keep-all', maxSamples: 1000 });
  const reader = b.p.createDataReader(topicB, { reliability: 'reliable', history: 'keep-all' });
  const collector = new IdCollector(reader);
  await driveUntil(net, writer.waitForMatch(), 20_000);
  await driveUntil(net, reader.waitForMatch(), 20_000);
  const start = net.now();
  await driveUntil(net, writeAll(writer, N), maxMs);
  await drive(net, () => collector.ids.length >= N, maxMs);
  await driveUntil(net, writer.waitForAcknowledgments(), 10_000);
  return { collector, virtualMs: net.now() - start };
}

const iceConfig = (extra: DdsConfigInput['ice'] = {}, stun?: string): DdsConfigInput => ({
  rtpsDiscovery: { useIce: true, ...(stun !== undefined && { spdpStunServerAddress: stun, sedpStunServerAddress: stun }) },
  transport: { useIce: true, ...(stun !== undefined && { dataStunServerAddress: stun }) },
  ice: extra,
});

describe('dds/DomainParticipant on simnet (virtual time)', function () {
  this.timeout(120_000);

  it('discovers, selects ICE pairs on SEDP and DATA, and delivers 10,000 reliable samples exactly once, in order', async () => {
    const net = new VirtualNetwork({ seed: 1, recordTrace: false });
    const ha = net.addHost('a', { ips: ['10.0.0.1'], link: { delayMs: 1 } });
    const hb = net.addHost('b', { ips: ['10.0.0.2'], link: { delayMs: 1 } });
    const a = await side(net, ha, 11, { ...iceConfig(), rtpsDiscovery: { useIce: true, spdpSendAddrs: '10.0.0.2:7410' } });
    const b = await side(net, hb, 22, { ...iceConfig(), rtpsDiscovery: { useIce: true, spdpSendAddrs: '10.0.0.1:7410' } });
    try {
      const discoveredMs = await drive(net, () => a.p.discoveredParticipants().length === 1 && b.p.discoveredParticipants().length === 1, 5_000);
      const { collector, virtualMs } = await exchange(net, a, b, 600_000);
      collector.expectExactly(N);
      // The samples may all be through before ICE on DATA finishes (they go to the announced
      // locators until then): the pairs are selected within a few seconds either way.
      await drive(net, () => (['sedp', 'data'] as const).every((ch) => a.p.selectedAddress(ch, b.p.guidPrefix) !== undefined && b.p.selectedAddress(ch, a.p.guidPrefix) !== undefined), 10_000);
      for (const ch of ['sedp', 'data'] as const) {
        expect(a.p.selectedAddress(ch, b.p.guidPrefix), `${ch} selected a→b`).to.deep.equal(b.p.localAddresses(ch)[0]);
        expect(b.p.selectedAddress(ch, a.p.guidPrefix), `${ch} selected b→a`).to.deep.equal(a.p.localAddresses(ch)[0]);
        expect(a.ice.some((s) => s.channel === ch && s.state === 'selected')).to.equal(true);
      }
      console.log(`      discovery ${discoveredMs} ms, ${N} samples in ${virtualMs} virtual ms`);
    } finally {
      await closeSide(a);
      await closeSide(b);
    }
    net.runUntilIdle();
    expect(ha.openSockets + hb.openSockets).to.equal(0);
    expect(net.pendingEvents).to.equal(0);
  });

  it('with ChangePasswordPeriod = 2 s: credentials rotate, SPDP/SEDP re-announce, checks keep working, none lost', async () => {
    const net = new VirtualNetwork({ seed: 2, recordTrace: false });
    const ha = net.addHost('a', { ips: ['10.0.0.1'], link: { delayMs: 1 } });
    const hb = net.addHost('b', { ips: ['10.0.0.2'], link: { delayMs: 1 } });
    const cfg = (peer: string): DdsConfigInput => ({ ...iceConfig({ changePasswordPeriod: 2 }), rtpsDiscovery: { useIce: true, spdpSendAddrs: peer } });
    const a = await side(net, ha, 33, cfg('10.0.0.2:7410'));
    const b = await side(net, hb, 44, cfg('10.0.0.1:7410'));
    const rotations: string[] = [];
    a.p.on('local-ice-changed', (ch, reason) => { if (reason === 'password-rotation') rotations.push(ch); });
    try {
      await drive(net, () => a.p.discoveredParticipants().length === 1 && b.p.discoveredParticipants().length === 1, 5_000);
      const passwordsBefore = b.p.discoveredParticipants()[0]?.ice.get('SEDP')?.password;
      // Slow the writer down so the run spans several rotations: 10,000 samples in bursts of 100 every 100 ms.
      const topicA = a.p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL);
      const topicB = b.p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL);
      const writer = a.p.createDataWriter(topicA, { reliability: 'reliable', history: 'keep-all', maxSamples: 1000 });
      const reader = b.p.createDataReader(topicB, { reliability: 'reliable', history: 'keep-all' });
      const collector = new IdCollector(reader);
      await driveUntil(net, writer.waitForMatch(), 20_000);
      const start = net.now();
      for (let burst = 0; burst < N / 100; burst++) {
        for (let i = 1; i <= 100; i++) {
          const id = burst * 100 + i;
          await writer.write({ id, text: `msg ${id}` });
        }
        net.runFor(100);
      }
      await drive(net, () => collector.ids.length >= N, 60_000);
      const virtualMs = net.now() - start;
      collector.expectExactly(N);
      expect(virtualMs).to.be.greaterThan(9_000);
      const rotated = rotations.filter((c) => c === 'sedp').length;
      expect(rotated, 'SEDP password rotations').to.be.at.least(4);
      expect(rotations.filter((c) => c === 'data').length, 'DATA password rotations').to.be.at.least(4);
      expect(b.p.discoveredParticipants()[0]?.ice.get('SEDP')?.password, 'b sees the new SEDP password').not.to.equal(passwordsBefore);
      for (const ch of ['sedp', 'data'] as const) {
        expect(a.p.selectedAddress(ch, b.p.guidPrefix), `${ch} still selected`).not.to.equal(undefined);
        expect(b.p.selectedAddress(ch, a.p.guidPrefix), `${ch} still selected`).not.to.equal(undefined);
      }
      expect(a.ice.filter((s) => s.state === 'failed' || s.state === 'disconnected')).to.deep.equal([]);
      console.log(`      ${N} samples over ${virtualMs} virtual ms, ${rotated} SEDP rotations of a`);
    } finally {
      await closeSide(a);
      await closeSide(b);
    }
    net.runUntilIdle();
    expect(ha.openSockets + hb.openSockets).to.equal(0);
  });

  it('behind two port-restricted NATs with a STUN server: samples arrive over the ICE-selected pair', async () => {
    const topo = twoNatTopology({ left: NatPresets.portRestricted, right: NatPresets.portRestricted, rttMs: 20, recordTrace: false, seed: 3 });
    const net = topo.network;
    const stun = '192.0.2.1:3478';
    const server = await StunServer.start(topo.server, { ip: '192.0.2.1', port: 3478 });
    // SPDP: each side sends to the other NAT's public SPDP port (ports are preserved by the cone NATs),
    // which punches the hole; SEDP and DATA then need ICE (the announced locators are private).
    const cfg = (peer: string): DdsConfigInput => ({ ...iceConfig({}, stun), rtpsDiscovery: { useIce: true, spdpSendAddrs: peer, spdpStunServerAddress: stun, sedpStunServerAddress: stun } });
    const a = await side(net, topo.left, 55, cfg('203.0.113.1:7410'));
    const b = await side(net, topo.right, 66, cfg('198.51.100.1:7410'));
    const leftNatIp = '198.51.100.1';
    try {
      await drive(net, () => a.p.discoveredParticipants().length === 1 && b.p.discoveredParticipants().length === 1, 10_000);
      const sources = new Map<string, number>();
      const bData = new Set(b.p.localAddresses('data').map(formatAddress));
      const rtpsIds = new Set<number>();
      net.onTrace((e) => {
        if (e.kind === 'send' && e.bytes[0] === 0x52) rtpsIds.add(e.id);
        if (e.kind === 'fate' && e.fate === 'delivered' && bData.has(formatAddress(e.seenTo)) && rtpsIds.delete(e.id)) {
          const k = formatAddress(e.seenFrom);
          sources.set(k, (sources.get(k) ?? 0) + 1);
        }
      });
      const { collector, virtualMs } = await exchange(net, a, b, 600_000);
      collector.expectExactly(N);
      const selectedAtA = a.p.selectedAddress('data', b.p.guidPrefix);
      const selectedAtB = b.p.selectedAddress('data', a.p.guidPrefix);
      expect(selectedAtA?.ip, 'a sends DATA to b\'s NAT').to.equal('203.0.113.1');
      expect(selectedAtB?.ip, 'b sends DATA to a\'s NAT').to.equal(leftNatIp);
      expect(a.p.selectedAddress('sedp', b.p.guidPrefix)?.ip).to.equal('203.0.113.1');
      // Every RTPS datagram b's DATA socket received came from a's NAT, from the address b selected.
      expect([...sources.keys()]).to.deep.equal([formatAddress(selectedAtB!)]);
      console.log(`      ${N} samples through two NATs in ${virtualMs} virtual ms, from ${[...sources.keys()].join(',')}`);
    } finally {
      await closeSide(a);
      await closeSide(b);
      server.close();
      net.runUntilIdle();
    }
  });
});
