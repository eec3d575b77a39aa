/**
 * `rtps-ice relay` as a child process on 127.0.0.1: it answers STUN on its vertical ports (success
 * with XOR-MAPPED-ADDRESS, 400 without FINGERPRINT), serves /healthcheck, prints statistics lines,
 * and SIGTERM stops it cleanly (exit 0, nothing left bound); its application participant discovers a
 * participant that uses the relay. Bad command lines exit 2.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseRelayArgs } from '../../src/cli/relay-command.js';
import { DomainParticipant } from '../../src/dds/index.js';
import { RealTimerService, UdpNetwork } from '../../src/transport/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { decodeStunMessage, ErrorCode, getAttribute, XorMappedAddress } from '../../src/stun/index.js';
import { InvalidConfigError } from '../../src/util/errors.js';
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
});
