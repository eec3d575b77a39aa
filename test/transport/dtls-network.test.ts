/**
 * DTLS between a participant-side socket and a relay-side socket (transport/dtls-network.ts) on
 * simnet: handshake with pinned fingerprints, data both ways, a wrong certificate or fingerprint
 * refused, a stolen certificate without its key refused, spoofed ClientHellos answered with
 * cookies and no state, RFC 7983 demultiplexing per relay mode.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ParticipantIdentity } from '../../src/security/index.js';
import { generateCaSignedIdentity, generateSelfSignedIdentity, loadIdentity } from '../../src/security/index.js';
import { VirtualNetwork } from '../../src/simnet/index.js';
import type { DtlsMode, DtlsSocket } from '../../src/transport/dtls-network.js';
import { DtlsClientNetwork, DtlsServerNetwork } from '../../src/transport/dtls-network.js';
import { transportAddress } from '../../src/util/address.js';

const NOW = Date.now();
const rnd = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const ident = (cn: string): ParticipantIdentity => loadIdentity({ ...generateSelfSignedIdentity({ commonName: cn, nowMs: NOW, randomBytes: rnd }), nowMs: NOW });
const relayId = ident('relay');
const aliceId = ident('alice');
const malloryId = ident('mallory');
const RELAY = transportAddress('192.0.2.1', 4444);

/** Runs virtual time while letting werift's promises and its real-time retransmission timers run. */
async function settle(net: VirtualNetwork, cond: () => boolean, maxRealMs = 5000): Promise<boolean> {
  const end = Date.now() + maxRealMs;
  while (!cond() && Date.now() < end) {
    net.runFor(5);
    await new Promise<void>((r) => { setTimeout(r, 2); });
  }
  return cond();
}

async function pair(mode: DtlsMode, client: ParticipantIdentity, pinsAtRelay: readonly string[], pinsAtClient: readonly string[] = [relayId.fingerprint]): Promise<{
  net: VirtualNetwork; c: DtlsSocket; s: DtlsSocket; atServer: string[]; atClient: string[]; refused: string[]; raw: Uint8Array[];
}> {
  const net = new VirtualNetwork({ seed: 1, recordTrace: false });
  const hc = net.addHost('c', { ips: ['10.0.0.2'], link: { delayMs: 1 } });
  const hs = net.addHost('s', { ips: ['192.0.2.1'], link: { delayMs: 1 } });
  const refused: string[] = [];
  const raw: Uint8Array[] = [];
  net.onTrace((e) => { if (e.kind === 'send') raw.push(e.bytes.slice()); });
  const s = await new DtlsServerNetwork(hs, mode, { identity: relayId, trust: { pinnedFingerprints: pinsAtRelay }, onRefused: (_p, r) => { refused.push(r); } }).bind('192.0.2.1', 4444);
  const c = await new DtlsClientNetwork(hc, [RELAY], { identity: client, trust: { pinnedFingerprints: pinsAtClient } }).bind('10.0.0.2', 5555);
  const atServer: string[] = [];
  const atClient: string[] = [];
  s.onDatagram((b, from) => { atServer.push(new TextDecoder().decode(b)); s.send(new TextEncoder().encode(`echo ${new TextDecoder().decode(b)}`), from); });
  c.onDatagram((b) => { atClient.push(new TextDecoder().decode(b)); });
  return { net, c, s, atServer, atClient, refused, raw };
}

function contains(hay: Uint8Array, needle: string): boolean {
  return Buffer.from(hay).includes(Buffer.from(needle));
}

describe('transport/dtls-network (DTLS 1.2 via werift-dtls, simnet)', function () {
  this.timeout(60_000);

  it('handshakes with pinned fingerprints (cookie round first), then carries data both ways, never in clear', async () => {
    const { net, c, s, atServer, atClient, raw } = await pair('require', aliceId, [aliceId.fingerprint]);
    c.send(new TextEncoder().encode('secret-ice-password-0123'), RELAY);
    expect(await settle(net, () => atClient.length > 0)).to.equal(true);
    expect(atServer).to.deep.equal(['secret-ice-password-0123']);
    expect(atClient).to.deep.equal(['echo secret-ice-password-0123']);
    expect(s.stats.helloVerifyRequests).to.equal(1);
    expect(s.stats.sessions).to.equal(1);
    expect(raw.some((d) => contains(d, 'secret-ice-password'))).to.equal(false);
    c.close(); s.close();
  });

  it('refuses a client whose certificate is not pinned (no data delivered), and a client that pins another relay refuses the relay', async () => {
    const a = await pair('require', malloryId, [aliceId.fingerprint]);
    a.c.send(new TextEncoder().encode('hello'), RELAY);
    await settle(a.net, () => a.refused.length > 0);
    await settle(a.net, () => false, 300);
    expect(a.refused.join()).to.match(/fingerprint-mismatch/);
    expect(a.atServer).to.deep.equal([]);
    a.c.close(); a.s.close();
    const b = await pair('require', aliceId, [aliceId.fingerprint], [malloryId.fingerprint]);
    b.c.send(new TextEncoder().encode('hello'), RELAY);
    await settle(b.net, () => b.c.stats.refused > 0);
    await settle(b.net, () => false, 300);
    expect(b.c.stats.refused).to.equal(1);
    expect(b.atServer).to.deep.equal([]);
    b.c.close(); b.s.close();
  });

  it('refuses a client presenting a stolen (pinned) certificate without its private key', async () => {
    const stolen: ParticipantIdentity = { ...malloryId, certificatePem: aliceId.certificatePem };
    // werift signs with mallory's key but sends alice's certificate: the handshake itself may or may not
    // complete; the key proof cannot verify, so nothing is delivered.
    const { net, c, s, atServer } = await pair('require', stolen, [aliceId.fingerprint]);
    c.send(new TextEncoder().encode('hello'), RELAY);
    await settle(net, () => false, 1500);
    expect(atServer).to.deep.equal([]);
    expect(s.stats.sessions).to.equal(0);
    c.close(); s.close();
  });

  it('accepts a CA-signed client certificate through the trusted CA', async () => {
    const ca = generateCaSignedIdentity({ commonName: 'ca', nowMs: NOW, randomBytes: rnd });
    const leaf = loadIdentity({ ...generateCaSignedIdentity({ commonName: 'bob', nowMs: NOW, randomBytes: rnd, issuer: ca }), nowMs: NOW });
    const net = new VirtualNetwork({ seed: 2, recordTrace: false });
    const hc = net.addHost('c', { ips: ['10.0.0.2'], link: { delayMs: 1 } });
    const hs = net.addHost('s', { ips: ['192.0.2.1'], link: { delayMs: 1 } });
    const s = await new DtlsServerNetwork(hs, 'require', { identity: relayId, trust: { trustedCaPems: [ca.certificatePem] } }).bind('192.0.2.1', 4444);
    const c = await new DtlsClientNetwork(hc, [RELAY], { identity: leaf, trust: { pinnedFingerprints: [relayId.fingerprint] } }).bind('10.0.0.2', 5555);
    const got: string[] = [];
    s.onDatagram((b) => { got.push(new TextDecoder().decode(b)); });
    c.send(new TextEncoder().encode('via-ca'), RELAY);
    expect(await settle(net, () => got.length > 0)).to.equal(true);
    expect(got).to.deep.equal(['via-ca']);
    c.close(); s.close();
  });

  it('works with an ECDSA P-256 identity on the client (made with openssl) and RSA on the relay', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rtps-ice-ec-'));
    try {
      const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-keyout', join(dir, 'k.pem'),
        '-out', join(dir, 'c.pem'), '-days', '2', '-nodes', '-subj', '/CN=ec-client'], { encoding: 'utf8' });
      expect(r.status, `openssl (apt-get install -y openssl): ${r.stderr}`).to.equal(0);
      const ec = loadIdentity({ certificatePem: readFileSync(join(dir, 'c.pem'), 'utf8'), privateKeyPem: readFileSync(join(dir, 'k.pem'), 'utf8'), nowMs: Date.now() });
      const { net, c, s, atServer } = await pair('require', ec, [ec.fingerprint]);
      c.send(new TextEncoder().encode('ecdsa'), RELAY);
      expect(await settle(net, () => atServer.length > 0)).to.equal(true);
      expect(atServer).to.deep.equal(['ecdsa']);
      c.close(); s.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bindGuidPrefix: the relay drops RTPS whose GUID prefix is not derived from the sender\'s certificate', async () => {
    const net = new VirtualNetwork({ seed: 5, recordTrace: false });
    const hc = net.addHost('c', { ips: ['10.0.0.2'], link: { delayMs: 1 } });
    const hs = net.addHost('s', { ips: ['192.0.2.1'], link: { delayMs: 1 } });
    const s = await new DtlsServerNetwork(hs, 'require', { identity: relayId, trust: { pinnedFingerprints: [aliceId.fingerprint] }, bindGuidPrefix: true }).bind('192.0.2.1', 4444);
    const c = await new DtlsClientNetwork(hc, [RELAY], { identity: aliceId, trust: { pinnedFingerprints: [relayId.fingerprint] } }).bind('10.0.0.2', 5555);
    const got: Uint8Array[] = [];
    s.onDatagram((b) => { got.push(b.slice()); });
    const rtpsFrom = (prefix: Uint8Array): Uint8Array => { const m = new Uint8Array(20); m.set([0x52, 0x54, 0x50, 0x53, 2, 4, 0, 0]); m.set(prefix, 8); return m; };
    c.send(rtpsFrom(malloryId.guidPrefix), RELAY); // another participant's GUID
    c.send(rtpsFrom(aliceId.guidPrefix), RELAY); // its own (DDS Security §9.3.3)
    expect(await settle(net, () => got.length > 0 && s.stats.guidMismatch > 0)).to.equal(true);
    expect(got.map((g) => Buffer.from(g.subarray(8, 20)).toString('hex'))).to.deep.equal([Buffer.from(aliceId.guidPrefix).toString('hex')]);
    expect(s.stats.guidMismatch).to.equal(1);
    c.close(); s.close();
  });

  it('a flood of spoofed ClientHellos gets HelloVerifyRequests (cookies) and creates no session', async () => {
    const net = new VirtualNetwork({ seed: 3, recordTrace: false });
    const hs = net.addHost('s', { ips: ['192.0.2.1'], link: { delayMs: 1 } });
    const ha = net.addHost('attacker', { ips: ['203.0.113.9'], link: { delayMs: 1 } });
    const s = await new DtlsServerNetwork(hs, 'require', { identity: relayId, trust: { pinnedFingerprints: [aliceId.fingerprint] } }).bind('192.0.2.1', 4444);
    const att = await ha.bind('203.0.113.9', 6000);
    let answers = 0;
    att.onDatagram((b) => { if (b[0] === 22 && b[13] === 3) answers++; });
    const hello = clientHello(new Uint8Array(0));
    for (let i = 0; i < 1000; i++) att.send(hello, RELAY);
    // A forged cookie is no better.
    for (let i = 0; i < 100; i++) att.send(clientHello(new Uint8Array(20).fill(i)), RELAY);
    net.runFor(100);
    expect(answers).to.equal(1100);
    expect(s.stats.helloVerifyRequests).to.equal(1100);
    expect(s.sessionCount).to.equal(0);
    s.close(); att.close();
  });

  it('demultiplexes per RFC 7983 by relay mode: require drops plain RTPS/STUN, allow delivers it, plain ignores DTLS', async () => {
    for (const [mode, expected] of [['require', 0], ['allow', 2], ['plain', 3]] as const) {
      const net = new VirtualNetwork({ seed: 4, recordTrace: false });
      const hs = net.addHost('s', { ips: ['192.0.2.1'], link: { delayMs: 1 } });
      const hc = net.addHost('c', { ips: ['10.0.0.9'], link: { delayMs: 1 } });
      const s = await new DtlsServerNetwork(hs, mode, { identity: relayId, trust: { pinnedFingerprints: [aliceId.fingerprint] } }).bind('192.0.2.1', 4444);
      const plain = await hc.bind('10.0.0.9', 7000);
      let delivered = 0;
      s.onDatagram(() => { delivered++; });
      const rtps = new Uint8Array(20); rtps.set([0x52, 0x54, 0x50, 0x53]);
      const stun = new Uint8Array(20); stun.set([0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42]);
      plain.send(rtps, RELAY); plain.send(stun, RELAY); plain.send(clientHello(new Uint8Array(0)), RELAY);
      net.runFor(50);
      expect(delivered, mode).to.equal(expected);
      s.close(); plain.close();
    }
  });
});

/** A syntactically valid DTLS 1.2 ClientHello record (enough for the cookie layer). */
function clientHello(cookie: Uint8Array): Uint8Array {
  const body = [0xfe, 0xfd, ...new Uint8Array(32).fill(7), 0, cookie.length, ...cookie, 0, 2, 0xc0, 0x2f, 1, 0];
  const hs = [1, 0, body.length >>> 8, body.length & 0xff, 0, 0, 0, 0, 0, 0, body.length >>> 8, body.length & 0xff, ...body];
  hs.splice(1, 3, 0, body.length >>> 8, body.length & 0xff);
  hs.splice(9, 3, 0, body.length >>> 8, body.length & 0xff);
  return Uint8Array.from([22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, hs.length >>> 8, hs.length & 0xff, ...hs]);
}
