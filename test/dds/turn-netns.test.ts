/**
 * Two DomainParticipants behind two symmetric kernel NATs (netns lab), a writer in hostA and a
 * reader in hostB, each a child process (test/dds/turn-netns-runner.ts), with coturn as STUN and
 * TURN server: direct and server-reflexive pairs cannot work through two symmetric NATs, so ICE
 * selects pairs through coturn's relayed candidates and 500 reliable samples arrive exactly once,
 * in order; both sides' selected SEDP and DATA pairs go through coturn.
 *
 * SPDP crosses the NATs through a rendezvous reflector in the `stun` namespace (OpenDDS would use
 * its RtpsRelay there); only SPDP goes through it.
 *
 * Root only; without root or a tool it fails with the reason and the install command.
 */
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { labLines, waitForLabEvent, type LabProcess } from '../support/netns-lab.js';
import { useNetnsLab } from '../support/netns-lab-hooks.js';

const INSTALL = 'apt-get install -y iproute2 nftables conntrack coturn stun-client tcpdump';
const N = 500;
const RUNNER = fileURLToPath(new URL('./turn-netns-runner.ts', import.meta.url));
const RENDEZVOUS_PORT = 7400;
/** Forwards each datagram to every other sender seen (bounded: 90 s). */
const REFLECTOR = `
import dgram from 'node:dgram';
const [ip, port] = process.argv.slice(1);
const s = dgram.createSocket('udp4');
const seen = new Map();
s.on('message', (m, r) => {
  const k = r.address + ':' + r.port;
  seen.set(k, r);
  for (const [key, to] of seen) if (key !== k) s.send(m, to.port, to.address);
});
s.bind(Number(port), ip, () => console.log('listening'));
setTimeout(() => process.exit(0), 90000);
`;

describe(`dds/DomainParticipant over coturn relayed candidates, two symmetric kernel NATs (root; \`${INSTALL}\`)`, function () {
  this.timeout(180_000);
  const labOf = useNetnsLab(INSTALL, 'sym', 'sym');

  it(`${N} reliable samples hostA → hostB exactly once and in order; the selected pairs go through coturn (a relayed local candidate)`, async () => {
    const l = labOf();
    const stun = `${l.stunServer.ip}:${l.stunServer.port}`;
    const reflector = l.spawn('stun', [process.execPath, '--input-type=module', '-e', REFLECTOR, l.stunServer.ip, String(RENDEZVOUS_PORT)]);
    const argsOf = (role: 'writer' | 'reader', side: 'A' | 'B'): string => JSON.stringify({
      role, ip: l.hostIp(side), rendezvous: `${l.stunServer.ip}:${RENDEZVOUS_PORT}`, stun, turn: l.turnCredentials, count: N,
    });
    let reader: LabProcess | undefined;
    let writer: LabProcess | undefined;
    try {
      for (let i = 0; i < 40 && !reflector.stdout().includes('listening'); i++) await new Promise((r) => { setTimeout(r, 50); });
      reader = l.spawn('hostB', [process.execPath, '--import', 'tsx', RUNNER, argsOf('reader', 'B')], { stdin: 'pipe' });
      writer = l.spawn('hostA', [process.execPath, '--import', 'tsx', RUNNER, argsOf('writer', 'A')], { stdin: 'pipe' });
      const w = await waitForLabEvent(writer, 'done', 120_000);
      const r = await waitForLabEvent(reader, 'done', 30_000);
      expect(r['received'], 'received').to.equal(N);
      expect(r['bad'], 'lost / duplicated / out of order').to.equal(0);
      for (const p of [writer, reader]) expect(labLines(p).filter((e) => e['event'] === 'turn-failed'), 'TURN failures').to.deep.equal([]);
      type Path = { localType: string; local: string; remote: string } | null;
      const wp = w['paths'] as Record<string, Path>;
      const rp = r['paths'] as Record<string, Path>;
      for (const ch of ['SEDP', 'DATA']) {
        const a = wp[ch];
        const b = rp[ch];
        expect(a, `${ch} selected at the writer`).to.not.equal(null);
        expect(b, `${ch} selected at the reader`).to.not.equal(null);
        expect([a?.localType, b?.localType], `${ch} local candidate types`).to.include('relayed');
        for (const p of [a, b]) {
          const viaCoturn = p?.localType === 'relayed' || (p?.remote.startsWith(`${l.stunServer.ip}:`) ?? false);
          expect(viaCoturn, `${ch}: ${JSON.stringify(p)} goes through coturn`).to.equal(true);
        }
      }
      console.log(`      DATA selected ${Number(w['selectedMs']).toFixed(0)} ms, ${N} samples acknowledged ${Number(w['doneMs']).toFixed(0)} ms after the writer started; writer ${JSON.stringify(wp['DATA'])}, reader ${JSON.stringify(rp['DATA'])}`);
    } finally {
      for (const p of [writer, reader]) p?.child.stdin?.end('stop\n');
      await Promise.all([writer?.stop(5000), reader?.stop(5000), reflector.stop(2000)]);
    }
  });
});
