/**
 * `rtps-ice relay` as a child process on 127.0.0.1: it answers STUN on its vertical ports (success
 * with XOR-MAPPED-ADDRESS, 400 without FINGERPRINT), serves /healthcheck, prints statistics lines,
 * and SIGTERM stops it cleanly (exit 0, nothing left bound); its application participant discovers a
 * participant that uses the relay. Bad command lines exit 2. With `-Dtls require` only DTLS clients
 * (`relayDtls`) reach it and plain STUN gets no answer; with `-Dtls allow` both do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { loadRelayDtlsIdentity, parseRelayArgs } from '../../src/cli/relay-command.js';
import { DomainParticipant } from '../../src/dds/index.js';
import { RealTimerService, UdpNetwork } from '../../src/transport/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { decodeStunMessage, ErrorCode, getAttribute, XorMappedAddress } from '../../src/stun/index.js';
import { InvalidConfigError } from '../../src/util/errors.js';
import { generateSelfSignedIdentity, loadIdentity, type ParticipantIdentity } from '../../src/security/index.js';
import { stunRequest } from '../relay/relay-fixtures.js';

const MAIN = new URL('../../src/cli/main.ts', import.meta.url).pathname;

function run(args: readonly string[]): { child: ChildProcess; lines: string[]; waitFor: (re: RegExp, ms: number) => Promise<string>; exit: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, 'relay', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let buffered = '';
  const waiters = new Set<() => void>();
  const onText = (d: Buffer): void => {
    buffered += d.toString('utf8');
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    lines.push(...parts);
    for (const w of waiters) w();
  };
  child.stdout.on('data', onText);
  child.stderr.on('data', onText);
  const exit = new Promise<number | null>((resolve) => { child.on('exit', (code) => { resolve(code); }); });
  const waitFor = (re: RegExp, ms: number): Promise<string> => new Promise((resolve, reject) => {
    const check = (): void => {
      const hit = lines.find((l) => re.test(l));
      if (hit === undefined) return;
      clearTimeout(timer);
      waiters.delete(check);
      resolve(hit);
    };
    const timer = setTimeout(() => { waiters.delete(check); reject(new Error(`no line matching ${re} within ${ms} ms:\n${lines.join('\n')}`)); }, ms);
    waiters.add(check);
    check();
  });
  return { child, lines, waitFor, exit };
}

async function stunExchange(request: Uint8Array, port: number): Promise<{ answer: Uint8Array; local: number }> {
  const sock = createSocket('udp4');
  await new Promise<void>((resolve) => { sock.bind(0, '127.0.0.1', resolve); });
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      const answer = await new Promise<Uint8Array | undefined>((resolve) => {
        const timer = setTimeout(() => { resolve(undefined); }, 500);
        sock.once('message', (m) => { clearTimeout(timer); resolve(new Uint8Array(m)); });
        sock.send(request, port, '127.0.0.1');
      });
      if (answer !== undefined) return { answer, local: sock.address().port };
    }
    throw new Error(`no STUN answer from 127.0.0.1:${port}`);
  } finally {
    sock.close();
  }
}

describe('cli/relay-command', function () {
  this.timeout(60_000);

  it('parses OpenDDS option names with their defaults, and refuses unknown, unsupported and bad options', () => {
    const o = parseRelayArgs(['-Id', 'r1', '-VerticalAddress', '127.0.0.1:4444', '-Lifespan', '30', '-AdmissionMaxParticipantsRange', '10-20']);
    expect(o.id).to.equal('r1');
    expect(o.verticalAddress).to.deep.include({ ip: '127.0.0.1', port: 4444 });
    expect(o.horizontalAddress).to.equal(undefined);
    expect(o.metaDiscoveryAddress).to.deep.include({ ip: '0.0.0.0', port: 8080 });
    expect([o.relayDomain, o.applicationDomain]).to.deep.equal([0, 1]);
    expect(o.core).to.deep.include({ lifespanMs: 30_000, allowEmptyPartition: true, rejectedAddressDurationMs: 0, admissionControlQueueSize: 0 });
    expect(o.core.admissionMaxParticipantsRange).to.deep.equal({ low: 10, high: 20 });
    expect(o.metaDiscoveryContent).to.equal('{}');
    expect(parseRelayArgs(['-Id', 'x', '-MetaDiscoveryContentPath', '/c.json'], () => '{"a":1}').metaDiscoveryContent).to.equal('{"a":1}');
    expect(() => parseRelayArgs([])).to.throw(InvalidConfigError, /-Id/);
    expect(() => parseRelayArgs(['-Id', 'x', '-Bogus', '1'])).to.throw(InvalidConfigError, /unknown option/);
    expect(() => parseRelayArgs(['-Id', 'x', '-RestartDetection', '1'])).to.throw(InvalidConfigError, /does not implement/);
    expect(parseRelayArgs(['-Id', 'x', '-MaxIpsPerClient', '2']).core.maxIpsPerClient).to.equal(2);
    expect(() => parseRelayArgs(['-Id', 'x', '-MaxIpsPerClient', '-1'])).to.throw(InvalidConfigError, /-MaxIpsPerClient/);
    expect(() => parseRelayArgs(['-Id', 'x', '-Lifespan'])).to.throw(InvalidConfigError, /needs a value/);
    expect(() => parseRelayArgs(['-Id', 'x', '-Lifespan', 'soon'])).to.throw(InvalidConfigError, /-Lifespan/);
    expect(() => parseRelayArgs(['-Id', 'x', '-VerticalAddress', 'nowhere'])).to.throw(InvalidConfigError, /IP:PORT/);
    expect(() => parseRelayArgs(['-Id', 'x', '-AdmissionMaxParticipantsRange', '5'])).to.throw(InvalidConfigError, /LOW-HIGH/);
  });

  it('exits 2 with the usage on a bad command line, 1 on a wildcard vertical address', async () => {
    const bad = run(['-Id', 'r', '-Nope', '1']);
    expect(await bad.exit).to.equal(2);
    expect(bad.lines.join('\n')).to.match(/unknown option/);
    const wildcard = run(['-Id', 'r', '-VerticalAddress', '0.0.0.0:7400', '-HorizontalAddress', '127.0.0.1:7410']);
    expect(await wildcard.exit).to.equal(1);
    expect(wildcard.lines.join('\n')).to.match(/wildcard address is not supported/);
  });

  it('runs on 127.0.0.1: STUN answers on the vertical ports, /healthcheck, statistics lines; SIGTERM stops it cleanly', async () => {
    const base = 30_000 + Math.floor(Math.random() * 2000) * 10;
    const http = base + 5;
    const relay = run([
      '-Id', 'cli-relay', '-VerticalAddress', `127.0.0.1:${base}`, '-HorizontalAddress', `127.0.0.1:${base + 3}`,
      '-MetaDiscoveryAddress', `127.0.0.1:${http}`, '-RelayDomain', String(40 + Math.floor(Math.random() * 50)), '-LogRelayStatistics', '1',
    ]);
    try {
      await relay.waitFor(/^relay cli-relay started: vertical 127\.0\.0\.1/, 30_000);
      // Padded with SOFTWARE so the answer is not larger than the request (no amplification for unadmitted sources).
      for (const port of [base, base + 1, base + 2]) {
        const { answer, local } = await stunExchange(stunRequest({ software: 'x'.repeat(40) }), port);
        const msg = decodeStunMessage(answer);
        expect(msg.messageClass, `port ${port}`).to.equal('success');
        expect(getAttribute(msg, XorMappedAddress)).to.deep.include({ ip: '127.0.0.1', port: local });
      }
      const { answer } = await stunExchange(stunRequest({ fingerprint: false, software: 'x'.repeat(80) }), base);
      expect(getAttribute(decodeStunMessage(answer), ErrorCode)?.code).to.equal(400);
      const res = await fetch(`http://127.0.0.1:${http}/healthcheck`);
      expect(res.status).to.equal(200);
      await res.text();
      // 4 answers to this test; the application participant's relay keepalives draw more.
      await relay.waitFor(/^relay cli-relay statistics: .*stun_answers=(\d+)/, 10_000);
      expect(Math.max(...relay.lines.map((l) => Number(/stun_answers=(\d+)/.exec(l)?.[1] ?? 0)))).to.be.at.least(4);
    } finally {
      relay.child.kill('SIGTERM');
      // Bounded: a relay that ignored SIGTERM is killed (and the test fails on its exit code).
      const killer = setTimeout(() => { relay.child.kill('SIGKILL'); }, 15_000);
      void relay.exit.then(() => { clearTimeout(killer); });
    }
    expect(await relay.exit).to.equal(0);
    expect(relay.lines.some((l) => l === 'relay cli-relay stopped')).to.equal(true);
    // Its ports are free again.
    const sock = createSocket('udp4');
    await new Promise<void>((resolve, reject) => { sock.once('error', reject); sock.bind(base, '127.0.0.1', resolve); });
    sock.close();
  });

  it('runs the application participant (-ApplicationDomain): it discovers a participant that uses the relay (RtpsRelayOnly)', async () => {
    const base = 30_000 + Math.floor(Math.random() * 2000) * 10;
    const domain = 100 + Math.floor(Math.random() * 100);
    const relay = run([
      '-Id', 'cli-ap', '-VerticalAddress', `127.0.0.1:${base}`, '-HorizontalAddress', `127.0.0.1:${base + 3}`,
      '-MetaDiscoveryAddress', '127.0.0.1:0', '-RelayDomain', String(domain - 60), '-ApplicationDomain', String(domain), '-LogRelayStatistics', '1',
    ]);
    const network = new UdpNetwork({ log: silentLogger }, { includeLoopback: true });
    const timers = new RealTimerService({ log: silentLogger });
    let p: DomainParticipant | undefined;
    try {
      const started = await relay.waitFor(/^relay cli-ap started: .* application domain \d+ application participant [0-9a-f]{24}$/, 30_000);
      const apPrefix = /application participant ([0-9a-f]{24})$/.exec(started)?.[1];
      p = await DomainParticipant.create({
        domainId: domain, network, timers, ips: ['127.0.0.1'], multicast: false, log: silentLogger,
        config: {
          rtpsDiscovery: { spdpRtpsRelayAddress: `127.0.0.1:${base}`, sedpRtpsRelayAddress: `127.0.0.1:${base + 1}`, rtpsRelayOnly: true },
          transport: { dataRtpsRelayAddress: `127.0.0.1:${base + 2}`, rtpsRelayOnly: true },
        },
      });
      const participant = p;
      await relay.waitFor(/^relay cli-ap statistics: .*admitted=2 .*ap_clients=1 /, 30_000);
      // And the participant sees the relay's application participant (PID 0xB006), through the relay.
      const deadline = Date.now() + 10_000;
      while (!participant.discoveredParticipants().some((x) => x.isRtpsRelayApplicationParticipant === true) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect(participant.discoveredParticipants().filter((x) => x.isRtpsRelayApplicationParticipant === true).map((x) => Buffer.from(x.guidPrefix).toString('hex')))
        .to.deep.equal([apPrefix]);
    } finally {
      await p?.close();
      timers.close();
      await network.close();
      relay.child.kill('SIGTERM');
      const killer = setTimeout(() => { relay.child.kill('SIGKILL'); }, 15_000);
      void relay.exit.then(() => { clearTimeout(killer); });
    }
    expect(await relay.exit).to.equal(0);
  });

  it('two relays on 127.0.0.1 find each other in the relay domain (-DCPSConfigFile with SpdpSendAddrs)', async () => {
    const domain = 40 + Math.floor(Math.random() * 50);
    const spdp = 7400 + 250 * domain + 10;
    const dir = mkdtempSync(join(tmpdir(), 'rtps-ice-relay-'));
    const ini = join(dir, 'relay.ini');
    writeFileSync(ini, `[rtps_discovery/relay]\nSpdpSendAddrs=127.0.0.1:${spdp},127.0.0.1:${spdp + 2}\nResendPeriod=1\n`);
    const base = 30_000 + Math.floor(Math.random() * 2000) * 10;
    const start = (id: string, offset: number): ReturnType<typeof run> => run([
      '-Id', id, '-VerticalAddress', `127.0.0.1:${base + offset}`, '-HorizontalAddress', `127.0.0.1:${base + offset + 3}`,
      '-MetaDiscoveryAddress', '127.0.0.1:0', '-RelayDomain', String(domain), '-DCPSConfigFile', ini, '-LogRelayStatistics', '1',
    ]);
    const relays = [start('cli-a', 0), start('cli-b', 6)];
    try {
      for (const r of relays) await r.waitFor(/statistics: .*remote_relays=1/, 30_000);
    } finally {
      for (const r of relays) {
        r.child.kill('SIGTERM');
        const killer = setTimeout(() => { r.child.kill('SIGKILL'); }, 15_000);
        void r.exit.then(() => { clearTimeout(killer); });
      }
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await Promise.all(relays.map((r) => r.exit))).to.deep.equal([0, 0]);
  });
  it('parses the -Dtls options and refuses bad combinations naming the option', () => {
    const fp = `sha-256 ${'ab:'.repeat(31)}ab`;
    expect(parseRelayArgs(['-Id', 'x']).dtls).to.equal(undefined);
    expect(parseRelayArgs(['-Id', 'x', '-Dtls', 'plain']).dtls).to.equal(undefined);
    const o = parseRelayArgs(['-Id', 'x', '-Dtls', 'require', '-DtlsCertificate', '/c.pem', '-DtlsPrivateKey', '/k.pem', '-DtlsPinnedFingerprint', `${fp},${'CD'.repeat(32)}`]);
    expect(o.dtls).to.deep.include({ mode: 'require', certificatePath: '/c.pem', privateKeyPath: '/k.pem', createIdentity: false });
    expect(o.dtls?.pinnedFingerprints).to.deep.equal([`${'AB:'.repeat(31)}AB`, `${'CD:'.repeat(31)}CD`]);
    const base = ['-Id', 'x', '-Dtls', 'allow', '-DtlsCertificate', '/c.pem', '-DtlsPrivateKey', '/k.pem'];
    expect(() => parseRelayArgs(['-Id', 'x', '-Dtls', 'on'])).to.throw(InvalidConfigError, /^-Dtls: on is not require, allow or plain/);
    expect(() => parseRelayArgs(['-Id', 'x', '-Dtls', 'require', '-DtlsPinnedFingerprint', fp])).to.throw(InvalidConfigError, /^-DtlsCertificate: is needed with -Dtls require/);
    expect(() => parseRelayArgs(['-Id', 'x', '-Dtls', 'require', '-DtlsCertificate', '/c.pem'])).to.throw(InvalidConfigError, /^-DtlsPrivateKey: is needed/);
    expect(() => parseRelayArgs(base)).to.throw(InvalidConfigError, /^-Dtls: allow needs -DtlsTrustedCa or -DtlsPinnedFingerprint/);
    expect(() => parseRelayArgs([...base, '-DtlsPinnedFingerprint', 'AB:CD'])).to.throw(InvalidConfigError, /^-DtlsPinnedFingerprint: not a SHA-256 fingerprint/);
    expect(() => parseRelayArgs([...base, '-DtlsTrustedCa', '/nope.pem'], () => { throw new Error('ENOENT'); })).to.throw(InvalidConfigError, /^-DtlsTrustedCa: cannot read \/nope\.pem/);
    expect(() => parseRelayArgs([...base, '-DtlsTrustedCa', '/ca.pem'], () => 'no pem')).to.throw(InvalidConfigError, /^-DtlsTrustedCa: \/ca\.pem holds no PEM certificate/);
    expect(() => parseRelayArgs([...base, '-DtlsPinnedFingerprint', fp, '-DtlsCreateIdentity', 'yes'])).to.throw(InvalidConfigError, /^-DtlsCreateIdentity/);
    expect(() => parseRelayArgs(['-Id', 'x', '-DtlsCertificate', '/c.pem'])).to.throw(InvalidConfigError, /^-DtlsCertificate: needs -Dtls require or -Dtls allow/);
  });

  it('-Dtls: bad options and unreadable files exit 2 naming the option', async () => {
    const noCert = run(['-Id', 'r', '-Dtls', 'require', '-DtlsPinnedFingerprint', 'AB'.repeat(32)]);
    expect(await noCert.exit).to.equal(2);
    expect(noCert.lines.join('\n')).to.match(/-DtlsCertificate: is needed with -Dtls require/);
    const badFp = run(['-Id', 'r', '-Dtls', 'allow', '-DtlsCertificate', '/c.pem', '-DtlsPrivateKey', '/k.pem', '-DtlsPinnedFingerprint', 'xyz']);
    expect(await badFp.exit).to.equal(2);
    expect(badFp.lines.join('\n')).to.match(/-DtlsPinnedFingerprint: not a SHA-256 fingerprint/);
    const missing = run(['-Id', 'r', '-Dtls', 'require', '-DtlsCertificate', '/nonexistent/relay.pem', '-DtlsPrivateKey', '/nonexistent/relay.key',
      '-DtlsPinnedFingerprint', 'AB'.repeat(32), '-VerticalAddress', '127.0.0.1:7400', '-HorizontalAddress', '127.0.0.1:7410']);
    expect(await missing.exit).to.equal(2);
    expect(missing.lines.join('\n')).to.match(/rtps-ice relay: -DtlsCertificate: cannot read \/nonexistent\/relay\.pem/);
  });

  describe('-Dtls on the vertical ports (child process, 127.0.0.1)', () => {
    const now = Date.now();
    const rnd = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
    let dir = '';
    let relayPem = { certificatePem: '', privateKeyPem: '' };
    let relayFp = '';
    let participant: ParticipantIdentity | undefined;

    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'rtps-ice-relay-dtls-'));
      relayPem = generateSelfSignedIdentity({ commonName: 'relay', nowMs: now, randomBytes: rnd });
      relayFp = loadIdentity({ ...relayPem, nowMs: now }).fingerprint;
      writeFileSync(join(dir, 'relay.pem'), relayPem.certificatePem);
      writeFileSync(join(dir, 'relay.key'), relayPem.privateKeyPem, { mode: 0o600 });
      participant = loadIdentity({ ...generateSelfSignedIdentity({ commonName: 'participant', nowMs: now, randomBytes: rnd }), nowMs: now });
    });
    after(() => { rmSync(dir, { recursive: true, force: true }); });

    /** A relay client (`RtpsRelayOnly`) with DTLS to the relay's three vertical ports; resolves when the relay counts it. */
    async function dtlsClientReaches(relay: ReturnType<typeof run>, id: string, base: number, domain: number, fingerprint: string): Promise<void> {
      const network = new UdpNetwork({ log: silentLogger }, { includeLoopback: true });
      const timers = new RealTimerService({ log: silentLogger });
      let p: DomainParticipant | undefined;
      try {
        if (participant === undefined) throw new Error('no participant identity');
        p = await DomainParticipant.create({
          domainId: domain, network, timers, ips: ['127.0.0.1'], multicast: false, log: silentLogger,
          identity: participant, relayDtls: { trust: { pinnedFingerprints: [fingerprint] } },
          config: {
            rtpsDiscovery: { spdpRtpsRelayAddress: `127.0.0.1:${base}`, sedpRtpsRelayAddress: `127.0.0.1:${base + 1}`, rtpsRelayOnly: true },
            transport: { dataRtpsRelayAddress: `127.0.0.1:${base + 2}`, rtpsRelayOnly: true },
          },
        });
        // Admitted: the application participant (itself a DTLS client of these ports) and this participant, which it discovered.
        await relay.waitFor(new RegExp(`^relay ${id} statistics: .*admitted=2 .*ap_clients=1 .*dtls_sessions=[1-9]`), 40_000);
      } finally {
        await p?.close();
        timers.close();
        await network.close();
      }
    }

    async function stop(relay: ReturnType<typeof run>): Promise<void> {
      relay.child.kill('SIGTERM');
      const killer = setTimeout(() => { relay.child.kill('SIGKILL'); }, 15_000);
      void relay.exit.then(() => { clearTimeout(killer); });
      expect(await relay.exit).to.equal(0);
    }

    it('loadRelayDtlsIdentity: the files, or an error naming the option (key of another certificate, not PEM, missing)', async () => {
      const opts = { mode: 'require' as const, certificatePath: join(dir, 'relay.pem'), privateKeyPath: join(dir, 'relay.key'), createIdentity: false, trustedCaPems: [], pinnedFingerprints: [] };
      expect((await loadRelayDtlsIdentity(opts, 'r')).fingerprint).to.equal(relayFp);
      writeFileSync(join(dir, 'other.key'), generateSelfSignedIdentity({ commonName: 'other', nowMs: now, randomBytes: rnd, keyBits: 1024 }).privateKeyPem);
      writeFileSync(join(dir, 'junk.pem'), 'junk');
      const failure = async (o: typeof opts): Promise<string> => { try { await loadRelayDtlsIdentity(o, 'r'); return 'no error'; } catch (e) { return String(e); } };
      expect(await failure({ ...opts, privateKeyPath: join(dir, 'other.key') })).to.match(/InvalidConfigError: -DtlsPrivateKey: key-mismatch/);
      expect(await failure({ ...opts, privateKeyPath: join(dir, 'junk.pem') })).to.match(/InvalidConfigError: -DtlsPrivateKey: bad-pem/);
      expect(await failure({ ...opts, certificatePath: join(dir, 'junk.pem') })).to.match(/InvalidConfigError: -DtlsCertificate: .*holds no PEM certificate/);
      expect(await failure({ ...opts, privateKeyPath: join(dir, 'none.key') })).to.match(/InvalidConfigError: -DtlsPrivateKey: cannot read/);
      // -DtlsCreateIdentity writes only when both files are missing.
      expect(await failure({ ...opts, privateKeyPath: join(dir, 'none.key'), createIdentity: true })).to.match(/-DtlsPrivateKey: cannot read/);
    });

    it('-Dtls require: a relayDtls participant is admitted; a plain STUN binding request gets no answer', async () => {
      if (participant === undefined) throw new Error('no participant identity');
      const base = 30_000 + Math.floor(Math.random() * 2000) * 10;
      const domain = 100 + Math.floor(Math.random() * 100);
      const relay = run([
        '-Id', 'cli-dtls', '-VerticalAddress', `127.0.0.1:${base}`, '-HorizontalAddress', `127.0.0.1:${base + 3}`,
        '-MetaDiscoveryAddress', '127.0.0.1:0', '-RelayDomain', String(domain - 60), '-ApplicationDomain', String(domain), '-LogRelayStatistics', '1',
        '-Dtls', 'require', '-DtlsCertificate', join(dir, 'relay.pem'), '-DtlsPrivateKey', join(dir, 'relay.key'),
        '-DtlsPinnedFingerprint', participant.fingerprint,
      ]);
      try {
        const started = await relay.waitFor(/^relay cli-dtls started: /, 30_000);
        expect(started).to.include(` dtls require fingerprint sha-256 ${relayFp} `);
        let err: unknown;
        try { await stunExchange(stunRequest({ software: 'x'.repeat(40) }), base); } catch (e) { err = e; }
        expect(String(err)).to.match(/no STUN answer/);
        await dtlsClientReaches(relay, 'cli-dtls', base, domain, relayFp);
        await relay.waitFor(/^relay cli-dtls statistics: .*plain_dropped=[1-9]/, 5_000);
      } finally {
        await stop(relay);
      }
    });

    it('-Dtls allow (-DtlsCreateIdentity 1): plain STUN is answered and a relayDtls participant is admitted', async () => {
      if (participant === undefined) throw new Error('no participant identity');
      const base = 30_000 + Math.floor(Math.random() * 2000) * 10;
      const domain = 100 + Math.floor(Math.random() * 100);
      const cert = join(dir, 'made', 'relay.pem');
      const relay = run([
        '-Id', 'cli-allow', '-VerticalAddress', `127.0.0.1:${base}`, '-HorizontalAddress', `127.0.0.1:${base + 3}`,
        '-MetaDiscoveryAddress', '127.0.0.1:0', '-RelayDomain', String(domain - 60), '-ApplicationDomain', String(domain), '-LogRelayStatistics', '1',
        '-Dtls', 'allow', '-DtlsCertificate', cert, '-DtlsPrivateKey', join(dir, 'made', 'relay.key'), '-DtlsCreateIdentity', '1',
        '-DtlsPinnedFingerprint', participant.fingerprint,
      ]);
      try {
        const started = await relay.waitFor(/^relay cli-allow started: /, 30_000);
        const fingerprint = / dtls allow fingerprint sha-256 ([0-9A-F:]{95}) /.exec(started)?.[1];
        expect(fingerprint).to.be.a('string');
        expect(existsSync(cert)).to.equal(true);
        const { answer, local } = await stunExchange(stunRequest({ software: 'x'.repeat(40) }), base);
        expect(getAttribute(decodeStunMessage(answer), XorMappedAddress)).to.deep.include({ ip: '127.0.0.1', port: local });
        await dtlsClientReaches(relay, 'cli-allow', base, domain, fingerprint ?? '');
      } finally {
        await stop(relay);
      }
    });
  });
});
