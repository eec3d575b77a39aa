/**
 * The relay client and our RtpsRelay through real kernel NATs (test/support/netns-lab.ts): the relay
 * with its application participant runs in the lab's public `stun` namespace at 198.51.100.131:7400,
 * a writer in hostA and a reader in hostB (each a child process, test/relay/netns-relay-runner.ts).
 *
 * - Symmetric NATs on both sides, `RtpsRelayOnly`: discovery and 1,000 reliable samples through the
 *   relay, exactly once and in order.
 * - Port-restricted cone NATs, `UseRtpsRelay` + ICE on SPDP, SEDP and DATA (no STUN server: the
 *   server-reflexive candidates come from the relay's answers): samples start through the relay and
 *   move to the ICE-selected direct pair; 3,000 samples exactly once and in order; the pair is
 *   natA's/natB's public address; the relay's DATA port receives no RTPS after the switch.
 *   The three checklists share pair foundations (same host base, srflx foundation from the relay's
 *   IP); with foundations frozen agent-wide (OpenDDS, spec §5.6) the two agents could probe a
 *   foundation first on different endpoints, and behind port-restricted NATs neither probe got through
 *   (docs/ice.md "Freezing"). The agent now counts active foundations per checklist.
 *
 * Wall-clock times are reported, never asserted. Root only; without root or a tool it fails with the
 * reason and the install command. Afterwards the lab is gone.
 */
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { labLines, waitForLabEvent, type LabLine, type LabProcess, type NatMode, type NetnsLab } from '../support/netns-lab.js';
import { useNetnsLab } from '../support/netns-lab-hooks.js';

const INSTALL = 'apt-get install -y iproute2 nftables conntrack coturn stun-client tcpdump';
const RUNNER = fileURLToPath(new URL('./netns-relay-runner.ts', import.meta.url));
const RELAY_IP = '198.51.100.131';
const DOMAIN = 41;

async function relayStats(relay: LabProcess): Promise<LabLine> {
  const n = labLines(relay).length;
  relay.child.stdin?.write('stats\n');
  return waitForLabEvent(relay, 'stats', 5_000, n);
}

function rtpsInAt(stats: LabLine, port: number): number {
  return (stats['rtpsIn'] as Record<string, number>)[String(port)] ?? 0;
}

function labSuite(left: NatMode, right: NatMode, title: string, body: (lab: () => NetnsLab) => void): void {
  describe(title, function () {
    this.timeout(240_000);
    body(useNetnsLab(INSTALL, left, right));
  });
}

function spawnRelay(l: NetnsLab): LabProcess {
  return l.spawn('stun', [process.execPath, '--import', 'tsx', RUNNER, JSON.stringify({ role: 'relay', ip: RELAY_IP, basePort: 7400, domainId: DOMAIN })], { stdin: 'pipe' });
}

function spawnClient(l: NetnsLab, role: 'writer' | 'reader', side: 'A' | 'B', mode: 'only' | 'use', ice: boolean, count: number): LabProcess {
  // `ice`: ICE on SPDP and SEDP (`[rtps_discovery] UseIce`) and on DATA (`[transport] UseIce`).
  return l.spawn(side === 'A' ? 'hostA' : 'hostB', [
    process.execPath, '--import', 'tsx', RUNNER, JSON.stringify({ role, ip: l.hostIp(side), relay: RELAY_IP, mode, ice, iceDiscovery: ice, count, domainId: DOMAIN }),
  ], { stdin: 'pipe' });
}

async function stopAll(ps: readonly LabProcess[]): Promise<void> {
  for (const p of ps) p.child.stdin?.end('stop\n');
  await Promise.all(ps.map((p) => p.stop(5000)));
}

labSuite('sym', 'sym', `relay client through two symmetric kernel NATs, our RtpsRelay in the lab (root; \`${INSTALL}\`)`, (lab) => {
  it('RtpsRelayOnly: discovery and 1,000 reliable samples hostA → hostB through the relay, exactly once and in order', async () => {
    const l = lab();
    const N = 1000;
    const relay = spawnRelay(l);
    let writer: LabProcess | undefined;
    let reader: LabProcess | undefined;
    try {
      await waitForLabEvent(relay, 'ready', 20_000);
      reader = spawnClient(l, 'reader', 'B', 'only', false, N);
      writer = spawnClient(l, 'writer', 'A', 'only', false, N);
      const w = await waitForLabEvent(writer, 'done', 150_000);
      const r = await waitForLabEvent(reader, 'done', 30_000);
      expect(r['received'], 'received').to.equal(N);
      expect(r['bad'], 'lost / duplicated / out of order').to.equal(0);
      const stats = await relayStats(relay);
      expect(stats['admitted'], 'writer, reader and the application participant admitted').to.equal(3);
      expect(rtpsInAt(stats, 7402), 'RTPS datagrams through the relay DATA port').to.be.greaterThan(0);
      console.log(`      wall: matched ${Number(w['matchedMs']).toFixed(0)} ms, first sample ${Number(r['firstSampleMs']).toFixed(0)} ms after the reader started, ${N} samples acknowledged ${Number(w['doneMs']).toFixed(0)} ms after the writer started; relay: ${JSON.stringify(stats['rtpsIn'])} RTPS datagrams per port`);
    } finally {
      await stopAll([writer, reader, relay].filter((p): p is LabProcess => p !== undefined));
    }
  });
});

labSuite('port', 'port', `relay client through two port-restricted kernel NATs: relay first, then the ICE-selected pair (root; \`${INSTALL}\`)`, (lab) => {
  it('UseRtpsRelay + ICE: 3,000 samples exactly once and in order across the relay → direct switch; the direct pair is the NATs\' public addresses', async () => {
    const l = lab();
    const N = 3000;
    const relay = spawnRelay(l);
    let writer: LabProcess | undefined;
    let reader: LabProcess | undefined;
    try {
      await waitForLabEvent(relay, 'ready', 20_000);
      reader = spawnClient(l, 'reader', 'B', 'use', true, N);
      writer = spawnClient(l, 'writer', 'A', 'use', true, N);
      const w = await waitForLabEvent(writer, 'done', 150_000);
      const r = await waitForLabEvent(reader, 'done', 30_000);
      expect(r['received'], 'received').to.equal(N);
      expect(r['bad'], 'lost / duplicated / out of order').to.equal(0);
      const selected = r['selectedData'] as { ip: string; port: number } | null;
      expect(selected?.ip, `reader's selected DATA remote is natA's public address (writer ${JSON.stringify(w)}, reader ${JSON.stringify(r)}; writer events ${JSON.stringify(labLines(writer).filter((x) => x['event'] !== 'done'))}; reader events ${JSON.stringify(labLines(reader).filter((x) => x['event'] !== 'done'))})`).to.equal(l.publicIp('A'));
      expect((w['selectedData'] as { ip: string } | null)?.ip, 'writer\'s selected DATA remote is natB\'s public address').to.equal(l.publicIp('B'));
      expect(r['selectedMs'], 'the DATA pair was selected').to.be.a('number');
      expect(Number(r['selectedMs']), 'the switch happened while samples were flowing').to.be.lessThan(Number(r['doneMs']));
      // After the switch the relay carries no user data: no RTPS reaches its DATA port over 2 s of idle.
      const s1 = await relayStats(relay);
      await new Promise((res) => { setTimeout(res, 2000); });
      const s2 = await relayStats(relay);
      expect(rtpsInAt(s2, 7402) - rtpsInAt(s1, 7402), 'RTPS to the relay DATA port after the switch').to.equal(0);
      expect(rtpsInAt(s1, 7402), 'RTPS through the relay DATA port before the switch').to.be.greaterThan(0);
      console.log(`      wall: first sample ${Number(r['firstSampleMs']).toFixed(0)} ms after the reader started, direct DATA pair ${Number(r['selectedMs']).toFixed(0)} ms (reader) / ${Number(w['selectedMs']).toFixed(0)} ms (writer), ${N} samples acknowledged ${Number(w['doneMs']).toFixed(0)} ms after the writer started; relay DATA port saw ${rtpsInAt(s1, 7402)} RTPS datagrams`);
    } finally {
      await stopAll([writer, reader, relay].filter((p): p is LabProcess => p !== undefined));
    }
  });
});
