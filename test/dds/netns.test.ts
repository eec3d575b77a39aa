/**
 * Two DomainParticipants through real kernel NATs: a writer in hostA and a reader in hostB of the
 * netns lab (test/support/netns-lab.ts: two port-restricted NATs, coturn as the STUN server), each a
 * child process (test/dds/netns-runner.ts). SPDP goes to the other NAT's public address and SPDP
 * port (no multicast across the NATs: a relay-less rendezvous, `SpdpSendAddrs`); ICE with coturn on
 * SPDP/SEDP/DATA. 1,000 reliable samples arrive, none lost, duplicated or out of order; a tcpdump in
 * hostB shows every DATA datagram of the writer came from natA's public address, and that address
 * is the reader's ICE-selected remote address. Afterwards the lab is gone.
 *
 * Root only; without root or a tool it fails with the reason and the install command.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { listNamespaces, NetnsLab, requireLab, waitForLabEvent, type LabSide } from '../support/netns-lab.js';
import { extractData } from '../support/extract-data.js';
import { readUdpPackets } from '../support/pcap.js';

const INSTALL = 'apt-get install -y iproute2 nftables conntrack coturn stun-client tcpdump';
const N = 1000;
const SPDP_PORT = 7410; // domain 0, participant 0 (OpenDDS port formula)
const RUNNER = fileURLToPath(new URL('./netns-runner.ts', import.meta.url));

describe(`dds/DomainParticipant through two port-restricted kernel NATs, coturn as STUN server (root; \`${INSTALL}\`)`, function () {
  this.timeout(180_000);
  let lab: NetnsLab | undefined;
  let prefix = '';
  let work = '';

  before(async () => {
    try {
      requireLab();
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)} — install: ${INSTALL} (and run as root)`, { cause: err });
    }
    const t0 = performance.now();
    lab = await NetnsLab.up({ left: 'port', right: 'port', signal: AbortSignal.timeout(30_000) });
    prefix = lab.prefix;
    work = mkdtempSync(join(tmpdir(), 'rtps-ice-dds-netns-'));
    console.log(`      lab up in ${(performance.now() - t0).toFixed(0)} ms`);
  });

  after(async () => {
    await lab?.down();
    if (work !== '' && process.env['KEEP_PCAP'] === undefined) rmSync(work, { recursive: true, force: true });
    if (prefix !== '') expect(listNamespaces().filter((n) => n.startsWith(`${prefix}-`)), 'lab namespaces left').to.deep.equal([]);
  });

  it('1,000 reliable samples hostA → hostB exactly once and in order, over the ICE-selected pair from natA\'s public address', async () => {
    if (lab === undefined) throw new Error('no lab');
    const l = lab;
    const pcap = join(work, 'hostB.pcap');
    const tcpdump = l.spawn('hostB', ['tcpdump', '-Z', 'root', '--immediate-mode', '-i', 'any', '-n', '-U', '-s', '2000', '-w', pcap, 'udp']);
    await new Promise((r) => { setTimeout(r, 700); });
    const stun = `${l.stunServer.ip}:${l.stunServer.port}`;
    const argsOf = (role: 'writer' | 'reader', side: LabSide, other: LabSide): string =>
      JSON.stringify({ role, ip: l.hostIp(side), peer: `${l.publicIp(other)}:${SPDP_PORT}`, stun, count: N, domainId: 0 });
    const t0 = performance.now();
    const reader = l.spawn('hostB', [process.execPath, '--import', 'tsx', RUNNER, argsOf('reader', 'B', 'A')], { stdin: 'pipe' });
    const writer = l.spawn('hostA', [process.execPath, '--import', 'tsx', RUNNER, argsOf('writer', 'A', 'B')], { stdin: 'pipe' });
    try {
      const readerReady = await waitForLabEvent(reader, 'ready', 20_000);
      const w = await waitForLabEvent(writer, 'done', 120_000);
      const r = await waitForLabEvent(reader, 'done', 30_000);
      const totalMs = performance.now() - t0;
      expect(r['received'], 'received').to.equal(N);
      expect(r['bad'], 'lost / duplicated / out of order').to.equal(0);

      const readerData = (readerReady['data'] as { ip: string; port: number }[])[0];
      const selected = r['selectedData'] as { ip: string; port: number } | null;
      expect(selected, 'reader has an ICE-selected DATA pair').to.not.equal(null);
      expect(selected?.ip, 'selected remote is natA\'s public address').to.equal(l.publicIp('A'));
      const writerSelected = w['selectedData'] as { ip: string; port: number } | null;
      expect(writerSelected?.ip, 'writer\'s selected remote is natB\'s public address').to.equal(l.publicIp('B'));

      await new Promise((res) => { setTimeout(res, 1000); }); // let tcpdump write what it has before SIGTERM
      await tcpdump.stop(2000);
      // User DATA (writer entity kinds 0x02/0x03) that reached the reader's DATA socket: where from.
      const sources = new Map<string, number>();
      let samples = 0;
      for (const pkt of readUdpPackets(pcap)) {
        if (pkt.dst !== readerData?.ip || pkt.dstPort !== readerData.port) continue;
        const data = extractData(pkt.payload).filter((d) => (d.writerId & 0xff) === 0x03 || (d.writerId & 0xff) === 0x02);
        if (data.length === 0) continue;
        samples += data.length;
        const key = `${pkt.src}:${pkt.srcPort}`;
        sources.set(key, (sources.get(key) ?? 0) + 1);
      }
      console.log(`      matched ${Number(w['matchedMs']).toFixed(0)} ms, DATA pair selected ${Number(w['selectedMs']).toFixed(0)} ms, ${N} samples acknowledged ${Number(w['doneMs']).toFixed(0)} ms after the writer started (${totalMs.toFixed(0)} ms both); DATA from ${[...sources].map(([k, n]) => `${k} (${n} datagrams)`).join(', ')}, ${samples} DATA submessages; reader's selected remote ${selected?.ip}:${selected?.port}`);
      expect(samples, 'DATA submessages captured at hostB').to.be.at.least(N);
      expect([...sources.keys()], 'every DATA datagram came from the ICE-selected address (natA public)').to.deep.equal([`${selected?.ip}:${selected?.port}`]);
    } finally {
      for (const p of [writer, reader]) p.child.stdin?.end('stop\n');
      await Promise.all([writer.stop(5000), reader.stop(5000), tcpdump.stop(2000)]);
    }
  });
});
