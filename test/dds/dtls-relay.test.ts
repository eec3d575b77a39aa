/**
 * The must-show of docs/security.md: a participant using the RtpsRelay (`UseRtpsRelay`, ICE on)
 * sends SPDP and SEDP — which carry its ICE usernames and passwords — to the relay's vertical
 * ports. With DTLS required on that hop (transport/dtls-network.ts), a capture of every datagram
 * between the participant's host and the relay's host (simnet's trace) contains none of them; with
 * DTLS off (relay mode `plain`, as with OpenDDS clients), the same capture does contain them, so the
 * check can fail.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { DomainParticipant } from '../../src/dds/index.js';
import { RelayServer } from '../../src/relay/index.js';
import type { ParticipantIdentity } from '../../src/security/index.js';
import { generateSelfSignedIdentity, loadIdentity } from '../../src/security/index.js';
import { VirtualNetwork } from '../../src/simnet/index.js';
import { IceDriver } from '../../src/transport/index.js';
import type { DtlsMode } from '../../src/transport/dtls-network.js';
import { DtlsClientNetwork, DtlsServerNetwork } from '../../src/transport/dtls-network.js';
import { transportAddress } from '../../src/util/address.js';
import { InvalidConfigError } from '../../src/util/errors.js';
import type { DatagramNetwork } from '../../src/util/datagram-io.js';
import { silentLogger } from '../../src/util/logger.js';
import { SeededRandom } from '../../src/util/prng.js';
import { toHex } from '../../src/util/hex.js';

const NOW = Date.now();
const rnd = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const relayId: ParticipantIdentity = loadIdentity({ ...generateSelfSignedIdentity({ commonName: 'relay', nowMs: NOW, randomBytes: rnd }), nowMs: NOW });
const participantId: ParticipantIdentity = loadIdentity({ ...generateSelfSignedIdentity({ commonName: 'participant', nowMs: NOW, randomBytes: rnd }), nowMs: NOW });
const RELAY_IP = '192.0.2.1';

async function settle(net: VirtualNetwork, virtualMs: number): Promise<void> {
  const end = net.now() + virtualMs;
  while (net.now() < end) {
    net.runFor(5);
    await new Promise<void>((r) => { setTimeout(r, 1); });
  }
}

async function capture(mode: DtlsMode): Promise<{ found: string[]; secrets: string[]; datagrams: number; dtlsRecords: number; decryptedAtSpdp: number }> {
  const net = new VirtualNetwork({ seed: 7, recordTrace: false });
  const hp = net.addHost('participant', { ips: ['10.0.0.2'], link: { delayMs: 1 } });
  const hr = net.addHost('relay', { ips: [RELAY_IP], link: { delayMs: 1 } });
  const wire: Uint8Array[] = [];
  net.onTrace((e) => {
    if (e.kind !== 'send') return;
    const ips = [e.from.ip, e.to.ip];
    if (ips.includes('10.0.0.2') && ips.includes(RELAY_IP)) wire.push(e.bytes.slice());
  });
  const relayNet = new DtlsServerNetwork(hr, mode, { identity: relayId, trust: { pinnedFingerprints: [participantId.fingerprint] }, bindGuidPrefix: true });
  const relay = await RelayServer.start(relayNet, net.timers, { ip: RELAY_IP, basePort: 7400 });
  const relayPorts = [7400, 7401, 7402].map((p) => transportAddress(RELAY_IP, p));
  const pNet: DatagramNetwork = mode === 'plain' ? hp : new DtlsClientNetwork(hp, relayPorts, { identity: participantId, trust: { pinnedFingerprints: [relayId.fingerprint] } });
  const rng = new SeededRandom(3);
  const randomBytesSeeded = (n: number): Uint8Array => rng.bytes(n);
  const driver = new IceDriver({ network: pNet, timers: net.timers, randomBytes: randomBytesSeeded, log: silentLogger });
  const create = DomainParticipant.create({
    domainId: 0, network: pNet, timers: net.timers, iceDriver: driver, randomBytes: randomBytesSeeded, identity: participantId,
    config: {
      rtpsDiscovery: { useIce: true, useRtpsRelay: true, spdpRtpsRelayAddress: `${RELAY_IP}:7400`, sedpRtpsRelayAddress: `${RELAY_IP}:7401`, resendPeriod: 1 },
      transport: { useIce: true, useRtpsRelay: true, dataRtpsRelayAddress: `${RELAY_IP}:7402` },
    },
  });
  await settle(net, 50);
  const p = await create;
  try {
    // A writer and a reader so SEDP has endpoint announcements (with the DATA endpoint's ICE info) to send.
    const topic = p.createTopic('LabMsg', 'Msg', 'struct Msg { long id; string text; };');
    p.createDataWriter(topic, { reliability: 'reliable' });
    p.createDataReader(topic, { reliability: 'reliable' });
    await settle(net, 3_000);
    const hex = toHex(p.guidPrefix);
    const secrets: string[] = [];
    for (const ch of ['SPDP', 'SEDP', 'DATA']) {
      const info = driver.agent.localInfo(`${hex}.${ch}`);
      if (info !== undefined) secrets.push(info.username, info.password);
    }
    expect(secrets.length).to.equal(6);
    const text = wire.map((d) => Buffer.from(d));
    const found = secrets.filter((s) => text.some((d) => d.includes(Buffer.from(s, 'latin1'))));
    // What the relay's SPDP port got out of DTLS (plaintext RTPS), so the capture is not empty by failure.
    const decryptedAtSpdp = relayNet.sockets[0]?.stats.decrypted ?? 0;
    expect(relayNet.sockets.reduce((n, x) => n + x.stats.guidMismatch, 0), 'the participant\'s GUID is its certificate\'s').to.equal(0);
    return { found, secrets, datagrams: wire.length, dtlsRecords: wire.filter((d) => (d[0] ?? 0) >= 20 && (d[0] ?? 0) <= 63).length, decryptedAtSpdp };
  } finally {
    await p.close();
    driver.close();
    await relay.close();
  }
}

describe('dds ↔ RtpsRelay hop: ICE credentials never in clear with DTLS required (simnet capture)', function () {
  this.timeout(120_000);

  it('DTLS required: none of the participant\'s ICE usernames or passwords appears in any datagram to or from the relay', async () => {
    const r = await capture('require');
    console.log(`      require: ${r.datagrams} datagrams on the hop, ${r.dtlsRecords} DTLS; credentials found: ${r.found.length}/${r.secrets.length}; SPDP datagrams decrypted at the relay: ${r.decryptedAtSpdp}`);
    expect(r.datagrams).to.be.greaterThan(10);
    expect(r.dtlsRecords, 'the hop is DTLS').to.equal(r.datagrams);
    expect(r.decryptedAtSpdp, 'SPDP reached the relay inside DTLS').to.be.greaterThan(0);
    expect(r.found).to.deep.equal([]);
  });

  it('DTLS off (plain, as OpenDDS clients): the same capture finds the ICE credentials', async () => {
    const r = await capture('plain');
    console.log(`      plain: ${r.datagrams} datagrams on the hop; credentials found: ${r.found.length}/${r.secrets.length}`);
    expect(r.found.length).to.be.greaterThan(0);
  });

  it('DomainParticipant relayDtls: DTLS to the configured relay addresses with the identity (SPDP decrypted at the relay); needs an identity', async () => {
    const net = new VirtualNetwork({ seed: 8, recordTrace: false });
    const hp = net.addHost('participant', { ips: ['10.0.0.2'], link: { delayMs: 1 } });
    const hr = net.addHost('relay', { ips: [RELAY_IP], link: { delayMs: 1 } });
    let clear = 0;
    net.onTrace((e) => { if (e.kind === 'send' && e.to.ip === RELAY_IP && !((e.bytes[0] ?? 0) >= 20 && (e.bytes[0] ?? 0) <= 63)) clear++; });
    const relayNet = new DtlsServerNetwork(hr, 'require', { identity: relayId, trust: { pinnedFingerprints: [participantId.fingerprint] } });
    const relay = await RelayServer.start(relayNet, net.timers, { ip: RELAY_IP, basePort: 7400 });
    const config = { rtpsDiscovery: { useRtpsRelay: true, spdpRtpsRelayAddress: `${RELAY_IP}:7400`, resendPeriod: 1 } };
    let err: unknown;
    try { await DomainParticipant.create({ domainId: 0, network: hp, timers: net.timers, config, relayDtls: { trust: { pinnedFingerprints: [relayId.fingerprint] } } }); } catch (e) { err = e; }
    expect(err).to.be.instanceOf(InvalidConfigError);
    const create = DomainParticipant.create({
      domainId: 0, network: hp, timers: net.timers, config, identity: participantId, relayDtls: { trust: { pinnedFingerprints: [relayId.fingerprint] } },
    });
    await settle(net, 50);
    const p = await create;
    try {
      await settle(net, 2_000);
      expect(relayNet.sockets[0]?.stats.decrypted, 'SPDP decrypted at the relay').to.be.greaterThan(0);
      expect(clear, 'datagrams to the relay in clear').to.equal(0);
    } finally {
      await p.close();
      await relay.close();
    }
  });
});
