/**
 * Participant identity: GUID prefix from the certificate (DDS Security 1.1 §9.3.3) stable across
 * restarts, CA chain verification, wrong certificates refused, the fingerprint announced in SPDP
 * and decoded by tshark.
 */
import { expect } from 'chai';
import { createHash, randomBytes as nodeRandomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeUdpPcap } from '../../src/cli/pcap.js';
import { DomainParticipant, loadOrCreateIdentityFiles } from '../../src/dds/index.js';
import {
  decodeRtpsMessage, decodeSpdpParticipantData, encodeRtpsMessage, encodeSpdpParticipantData, EntityIds, PROTOCOL_VERSION_2_4, VendorIds,
} from '../../src/rtps/index.js';
import type { ParticipantIdentity } from '../../src/security/index.js';
import {
  adjustedGuidPrefix, announcedFingerprint, checkAnnouncedIdentity, generateCaSignedIdentity, generateSelfSignedIdentity,
  guidPrefixMatchesSubject, IdentityError, identityProperties, loadIdentity, subjectNameDer, verifyCertificate,
} from '../../src/security/index.js';
import { VirtualNetwork } from '../../src/simnet/index.js';
import { IceDriver } from '../../src/transport/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { SeededRandom } from '../../src/util/prng.js';
import { X509Certificate } from 'node:crypto';
import { drive, driveUntil } from '../dds/support.js';

const NOW = Date.UTC(2026, 10, 21);
const rnd = (n: number): Uint8Array => new Uint8Array(nodeRandomBytes(n));

function expectIdentityError(f: () => unknown, code: string): void {
  try {
    f();
  } catch (err) {
    expect(err).to.be.instanceOf(IdentityError);
    expect((err as IdentityError).code).to.equal(code);
    return;
  }
  expect.fail(`expected IdentityError ${code}`);
}

/** §9.3.3 written bit by bit with BigInt, independently of the byte-shifting implementation. */
function referencePrefix(subjectDer: Uint8Array, candidate: Uint8Array): string {
  const h1 = BigInt(`0x${createHash('sha256').update(subjectDer).digest('hex')}`);
  const g = new Uint8Array(16);
  g.set(candidate);
  g.set([0, 0, 1, 0xc1], 12);
  const h2 = BigInt(`0x${createHash('sha256').update(g).digest('hex')}`);
  const first47 = h1 >> (256n - 47n);
  const first48 = h2 >> (256n - 48n);
  const prefix = (1n << 95n) | (first47 << 48n) | first48;
  return prefix.toString(16).padStart(24, '0');
}

describe('security/identity', function () {
  this.timeout(60_000);
  const ca = generateCaSignedIdentity({ commonName: 'Test Root CA', organization: 'rtps-ice tests', nowMs: NOW, randomBytes: rnd });
  const otherCa = generateCaSignedIdentity({ commonName: 'Other CA', nowMs: NOW, randomBytes: rnd });
  const inter = generateCaSignedIdentity({ commonName: 'Test Intermediate', nowMs: NOW, randomBytes: rnd, issuer: ca, isCa: true });
  const leaf = generateCaSignedIdentity({ commonName: 'participant-1', nowMs: NOW, randomBytes: rnd, issuer: inter });

  it('derives the GUID prefix as DDS Security 1.1 §9.3.3 (first bit 1, 47 bits of the subject hash, 48 of the candidate hash)', () => {
    const self = generateSelfSignedIdentity({ commonName: 'alice', nowMs: NOW, randomBytes: rnd });
    const id = loadIdentity({ ...self, nowMs: NOW });
    const der = subjectNameDer(new X509Certificate(self.certificatePem));
    expect(Buffer.from(id.subjectDer).equals(Buffer.from(der))).to.equal(true);
    expect(der[0]).to.equal(0x30); // a DER SEQUENCE (Name)
    expect(Buffer.from(id.guidPrefix).toString('hex')).to.equal(referencePrefix(der, id.candidateGuidPrefix));
    expect((id.guidPrefix[0] ?? 0) & 0x80).to.equal(0x80);
    expect(guidPrefixMatchesSubject(id.guidPrefix, der)).to.equal(true);
    const other = loadIdentity({ ...generateSelfSignedIdentity({ commonName: 'bob', nowMs: NOW, randomBytes: rnd }), nowMs: NOW });
    expect(guidPrefixMatchesSubject(id.guidPrefix, other.subjectDer)).to.equal(false);
    // Another candidate: same first 48 bits (the subject), different last 48.
    const second = adjustedGuidPrefix(der, new Uint8Array(12).fill(7));
    expect(Buffer.from(second.subarray(0, 6)).equals(Buffer.from(id.guidPrefix.subarray(0, 6)))).to.equal(true);
    expect(Buffer.from(second.subarray(6)).equals(Buffer.from(id.guidPrefix.subarray(6)))).to.equal(false);
  });

  it('persists a generated identity (key 0600) and derives the same GUID prefix and fingerprint after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rtps-ice-identity-'));
    try {
      const files = { certificatePath: join(dir, 'p', 'cert.pem'), privateKeyPath: join(dir, 'p', 'key.pem'), createCommonName: 'persisted' };
      const first = await loadOrCreateIdentityFiles(files);
      expect(statSync(files.privateKeyPath).mode & 0o777).to.equal(0o600);
      const second = await loadOrCreateIdentityFiles(files);
      expect(Buffer.from(second.guidPrefix).toString('hex')).to.equal(Buffer.from(first.guidPrefix).toString('hex'));
      expect(second.fingerprint).to.equal(first.fingerprint);
      expect(first.fingerprint).to.match(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
      // Missing files without createCommonName are an error, not a silent new identity.
      let err: unknown;
      try { await loadOrCreateIdentityFiles({ certificatePath: join(dir, 'none.pem'), privateKeyPath: join(dir, 'none.key') }); } catch (e) { err = e; }
      expect(err).to.be.instanceOf(IdentityError);
      // A key file alone is refused.
      writeFileSync(join(dir, 'lonely.key'), first.privateKeyPem);
      err = undefined;
      try { await loadOrCreateIdentityFiles({ certificatePath: join(dir, 'lonely.pem'), privateKeyPath: join(dir, 'lonely.key'), createCommonName: 'x' }); } catch (e) { err = e; }
      expect(err).to.be.instanceOf(IdentityError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('verifies a CA chain (leaf → intermediate → root) and refuses a foreign CA, a missing intermediate, a non-CA issuer', () => {
    const ok = verifyCertificate(leaf.certificatePem, { trustedCaPems: [ca.certificatePem], chainPems: [inter.certificatePem], nowMs: NOW });
    expect(ok.trustedBy).to.equal('chain');
    const id = loadIdentity({ ...leaf, chainPems: [inter.certificatePem], trustedCaPems: [ca.certificatePem], nowMs: NOW });
    expect(id.chainPems).to.have.length(1);
    expectIdentityError(() => verifyCertificate(leaf.certificatePem, { trustedCaPems: [otherCa.certificatePem], chainPems: [inter.certificatePem], nowMs: NOW }), 'untrusted');
    expectIdentityError(() => verifyCertificate(leaf.certificatePem, { trustedCaPems: [ca.certificatePem], nowMs: NOW }), 'untrusted');
    expectIdentityError(() => loadIdentity({ ...leaf, chainPems: [inter.certificatePem], trustedCaPems: [otherCa.certificatePem], nowMs: NOW }), 'untrusted');
    // A leaf certificate used as an issuer: its signature verifies but it is no CA (OpenSSL's issuer check refuses it).
    const fakeIssuer = generateCaSignedIdentity({ commonName: 'not-a-ca', nowMs: NOW, randomBytes: rnd, issuer: ca, isCa: false });
    const child = generateCaSignedIdentity({ commonName: 'child', nowMs: NOW, randomBytes: rnd, issuer: fakeIssuer });
    expectIdentityError(() => verifyCertificate(child.certificatePem, { trustedCaPems: [ca.certificatePem], chainPems: [fakeIssuer.certificatePem], nowMs: NOW }), 'untrusted');
  });

  it('refuses a wrong certificate or fingerprint, a key of another certificate, expired and not-yet-valid certificates', () => {
    const a = generateSelfSignedIdentity({ commonName: 'a', nowMs: NOW, randomBytes: rnd, validityDays: 10 });
    const b = generateSelfSignedIdentity({ commonName: 'b', nowMs: NOW, randomBytes: rnd });
    const ida = loadIdentity({ ...a, nowMs: NOW });
    expect(verifyCertificate(a.certificatePem, { pinnedFingerprints: [`sha-256 ${ida.fingerprint.toLowerCase()}`], nowMs: NOW }).trustedBy).to.equal('pinned');
    expectIdentityError(() => verifyCertificate(b.certificatePem, { pinnedFingerprints: [ida.fingerprint], nowMs: NOW }), 'fingerprint-mismatch');
    expectIdentityError(() => verifyCertificate(a.certificatePem, { nowMs: NOW }), 'no-trust-anchor');
    expectIdentityError(() => loadIdentity({ certificatePem: a.certificatePem, privateKeyPem: b.privateKeyPem, nowMs: NOW }), 'key-mismatch');
    expectIdentityError(() => loadIdentity({ ...a, nowMs: NOW + 11 * 86_400_000 }), 'expired');
    expectIdentityError(() => loadIdentity({ ...a, nowMs: NOW - 2 * 3_600_000 }), 'not-yet-valid');
    expectIdentityError(() => loadIdentity({ certificatePem: 'garbage', privateKeyPem: a.privateKeyPem, nowMs: NOW }), 'bad-pem');
    // A peer whose presented certificate is not the one it announced, or whose GUID is not derived from it.
    const idb = loadIdentity({ ...b, nowMs: NOW });
    const vb = verifyCertificate(b.certificatePem, { pinnedFingerprints: [idb.fingerprint], nowMs: NOW });
    checkAnnouncedIdentity(idb.guidPrefix, identityProperties(idb), vb);
    expect(() => { checkAnnouncedIdentity(idb.guidPrefix, identityProperties(ida), vb); }).to.throw(IdentityError, /fingerprint-mismatch/);
    expect(() => { checkAnnouncedIdentity(ida.guidPrefix, identityProperties(idb), vb); }).to.throw(IdentityError, /guid-mismatch/);
  });

  it('a participant with an identity uses its GUID prefix and announces its fingerprint in SPDP (simnet)', async () => {
    const ida = loadIdentity({ ...generateSelfSignedIdentity({ commonName: 'sim-a', nowMs: NOW, randomBytes: rnd }), nowMs: NOW });
    const net = new VirtualNetwork({ seed: 5, recordTrace: false });
    const ha = net.addHost('a', { ips: ['10.0.0.1'], link: { delayMs: 1 } });
    const hb = net.addHost('b', { ips: ['10.0.0.2'], link: { delayMs: 1 } });
    const mk = async (host: typeof ha, seed: number, peer: string, identity?: ParticipantIdentity): Promise<{ p: DomainParticipant; d: IceDriver }> => {
      const rng = new SeededRandom(seed);
      const randomBytes = (n: number): Uint8Array => rng.bytes(n);
      const d = new IceDriver({ network: host, timers: net.timers, randomBytes, log: silentLogger });
      const p = await driveUntil(net, DomainParticipant.create({
        domainId: 0, network: host, timers: net.timers, iceDriver: d, randomBytes, config: { rtpsDiscovery: { spdpSendAddrs: peer } },
        ...(identity !== undefined && { identity }),
      }), 1000);
      return { p, d };
    };
    const a = await mk(ha, 1, '10.0.0.2:7410', ida);
    const b = await mk(hb, 2, '10.0.0.1:7410');
    try {
      expect(Buffer.from(a.p.guidPrefix).toString('hex')).to.equal(Buffer.from(ida.guidPrefix).toString('hex'));
      await drive(net, () => b.p.discoveredParticipants().length === 1, 5_000);
      const seen = b.p.discoveredParticipants()[0]!;
      expect(announcedFingerprint(seen.properties)).to.equal(ida.fingerprint);
      expect(guidPrefixMatchesSubject(seen.guidPrefix, ida.subjectDer)).to.equal(true);
    } finally {
      await a.p.close(); a.d.close();
      await b.p.close(); b.d.close();
    }
  });

  const hasTshark = spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
  it(hasTshark ? 'tshark decodes the SPDP carrying the identity properties (no malformed packet)' : 'needs tshark (apt-get install -y tshark)', () => {
    expect(hasTshark, 'tshark missing: apt-get install -y tshark').to.equal(true);
    const id = loadIdentity({ ...generateSelfSignedIdentity({ commonName: 'wire', nowMs: NOW, randomBytes: rnd }), nowMs: NOW });
    const payload = encodeSpdpParticipantData({
      guidPrefix: id.guidPrefix, protocolVersion: PROTOCOL_VERSION_2_4, vendorId: VendorIds.UNKNOWN, builtinEndpoints: 0x3f,
      leaseDurationMs: 30_000, metatrafficUnicastLocators: [], metatrafficMulticastLocators: [], defaultUnicastLocators: [],
      defaultMulticastLocators: [], properties: identityProperties(id), ice: new Map(), unknownParameters: [],
    }, { littleEndian: true });
    const datagram = encodeRtpsMessage({ protocolVersion: PROTOCOL_VERSION_2_4, vendorId: VendorIds.UNKNOWN, guidPrefix: id.guidPrefix }, [{
      kind: 'data', readerId: EntityIds.UNKNOWN, writerId: EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER, writerSN: 1, inlineQos: undefined,
      serializedData: payload, serializedKey: undefined, littleEndian: true,
    }]);
    // Our own decoder round-trips it.
    const msg = decodeRtpsMessage(datagram);
    const data = msg.submessages.find((s) => s.kind === 'data');
    expect(data?.kind).to.equal('data');
    if (data?.kind !== 'data' || data.serializedData === undefined) return;
    expect(announcedFingerprint(decodeSpdpParticipantData(data.serializedData, VendorIds.UNKNOWN).properties)).to.equal(id.fingerprint);
    const dir = mkdtempSync(join(tmpdir(), 'rtps-ice-identity-pcap-'));
    try {
      const file = join(dir, 'spdp.pcap');
      writeFileSync(file, encodeUdpPcap([{ src: '127.0.0.1', dst: '127.0.0.1', srcPort: 7410, dstPort: 7400, payload: datagram }]));
      const out = spawnSync('tshark', ['-r', file, '-V'], { encoding: 'utf8' });
      expect(out.status, out.stderr).to.equal(0);
      expect(out.stdout).to.include('PID_PROPERTY_LIST');
      expect(out.stdout).to.include('rtps-ice.identity.fingerprint');
      expect(out.stdout).to.include(id.fingerprint);
      expect(out.stdout).to.not.match(/Malformed/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
