/**
 * One role of test/relay/netns-relay.test.ts in a lab namespace, speaking JSON lines on stdout.
 * Argument: one JSON object.
 *
 * - `{ role: 'relay', ip, basePort, domainId }`: our RtpsRelay (vertical SPDP/SEDP/DATA at basePort
 *   +0/+1/+2) with its application participant, on real UDP. Counts the RTPS datagrams each vertical
 *   port receives (`rtpsIn`). stdin lines: `stats` → a `stats` line; `stop` (or end) → close and exit.
 * - `{ role: 'writer' | 'reader', ip, relay, mode: 'only' | 'use', ice, count, domainId }`: a
 *   DomainParticipant that is a relay client (`RtpsRelayOnly` or `UseRtpsRelay`; ICE on DATA, on SPDP/SEDP too, or off). The
 *   writer writes `count` reliable LabMsg samples, 10 every 20 ms, once matched, and waits for their
 *   acknowledgment; the reader checks order, duplicates and content and reports when the first sample
 *   arrived. Both report when the DATA pair was ICE-selected (with ICE, waiting up to 15 s for it
 *   after the last sample). Then they wait for a stdin line (or 60 s).
 */
import { createInterface } from 'node:readline';
import { DomainParticipant } from '../../src/dds/index.js';
import { RelayApplicationParticipant, RelayServer } from '../../src/relay/index.js';
import { IceDriver, RealTimerService, UdpNetwork } from '../../src/transport/index.js';
import { randomBytes } from 'node:crypto';
import type { DatagramNetwork, DatagramSocket } from '../../src/util/datagram-io.js';
import { createLogger, silentLogger } from '../../src/util/logger.js';
import { LAB_MSG_IDL, readLabMsgs } from '../dds/support.js';

interface RelayArgs { role: 'relay'; ip: string; basePort: number; domainId: number }
interface ClientArgs {
  role: 'writer' | 'reader'; ip: string; relay: string; mode: 'only' | 'use';
  /** ICE on the DATA endpoint (`[transport] UseIce`); `iceDiscovery` adds it on SPDP/SEDP (`[rtps_discovery] UseIce`). */
  ice: boolean; iceDiscovery: boolean; count: number; domainId: number;
}
const args = JSON.parse(process.argv[2] ?? '{}') as RelayArgs | ClientArgs;
const report = (o: object): void => { process.stdout.write(`${JSON.stringify(o)}\n`); };
const t0 = performance.now();
const guard = new AbortController();
const hard = setTimeout(() => { report({ event: 'timeout' }); guard.abort(new Error('timeout')); }, 150_000);
const { signal } = guard;
const lines = createInterface({ input: process.stdin });

/** Counts RTPS datagrams received per bound port (the relay's vertical ports). */
class CountingNetwork implements DatagramNetwork {
  readonly rtpsIn = new Map<number, number>();
  readonly #inner: DatagramNetwork;
  constructor(inner: DatagramNetwork) { this.#inner = inner; }
  interfaceAddresses(): ReturnType<DatagramNetwork['interfaceAddresses']> { return this.#inner.interfaceAddresses(); }
  async bind(ip: string, port: number): Promise<DatagramSocket> {
    const s = await this.#inner.bind(ip, port);
    const counts = this.rtpsIn;
    const p = s.localAddress.port;
    return {
      localAddress: s.localAddress,
      send: (bytes, to) => { s.send(bytes, to); },
      close: () => { s.close(); },
      onDatagram: (h) => {
        s.onDatagram((bytes, from) => {
          if (bytes[0] === 0x52 && bytes[1] === 0x54 && bytes[2] === 0x50 && bytes[3] === 0x53) counts.set(p, (counts.get(p) ?? 0) + 1);
          h(bytes, from);
        });
      },
    };
  }
}

if (args.role === 'relay') {
  const udp = new UdpNetwork({ log: silentLogger }, { includeLoopback: false });
  const timers = new RealTimerService({ log: silentLogger });
  const network = new CountingNetwork(udp);
  const relay = await RelayServer.start(network, timers, { ip: args.ip, basePort: args.basePort, signal });
  const ap = await RelayApplicationParticipant.start(relay, udp, timers, { domainId: args.domainId, signal });
  report({ event: 'ready', ap: Buffer.from(ap.guidPrefix).toString('hex') });
  const stats = (): object => {
    const s = relay.stats();
    return {
      event: 'stats', atMs: performance.now() - t0, admitted: s.clients.admittedClients, routed: s.routed, dropped: s.dropped,
      rtpsIn: Object.fromEntries([...network.rtpsIn]), apClients: ap.discoveredClients().length,
    };
  };
  await new Promise<void>((resolve) => {
    lines.on('line', (l) => { if (l === 'stats') report(stats()); else resolve(); });
    process.stdin.once('end', () => { resolve(); });
    signal.addEventListener('abort', () => { resolve(); });
  });
  report(stats());
  await ap.close();
  await relay.close();
  timers.close();
  await udp.close();
  clearTimeout(hard);
  report({ event: 'closed' });
  process.exit(0);
} else {
  const a = args;
  const flag = a.mode === 'only' ? { rtpsRelayOnly: true } : { useRtpsRelay: true };
  // RELAY_NETNS_DEBUG=1: the library's debug log on stderr (for a failing run's diagnostics).
  const log = process.env['RELAY_NETNS_DEBUG'] === '1'
    ? createLogger((r) => { process.stderr.write(`${JSON.stringify(r, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))}\n`); }, 'client', true)
    : silentLogger;
  // Our own ICE driver (not the process-shared one) so the report can show the SEDP checklist.
  const iceNet = new UdpNetwork({ log: silentLogger }, { includeLoopback: false });
  const iceTimers = new RealTimerService({ log: silentLogger });
  const driver = a.ice ? new IceDriver({ network: iceNet, timers: iceTimers, randomBytes: (n) => new Uint8Array(randomBytes(n)), log }) : undefined;
  const p = await DomainParticipant.create({
    domainId: a.domainId, ips: [a.ip], multicast: false, signal, log, ...(driver !== undefined && { iceDriver: driver }),
    config: {
      rtpsDiscovery: { spdpRtpsRelayAddress: `${a.relay}:7400`, sedpRtpsRelayAddress: `${a.relay}:7401`, useIce: a.iceDiscovery, ...flag },
      transport: { dataRtpsRelayAddress: `${a.relay}:7402`, useIce: a.ice, heartbeatPeriod: 200, heartbeatResponseDelay: 10, nakResponseDelay: 10, ...flag },
    },
  });
  let selectedMs: number | null = null;
  p.on('ice', (s) => {
    if (s.channel === 'data' && s.state === 'selected') selectedMs ??= performance.now() - t0;
    report({ event: 'ice', atMs: performance.now() - t0, channel: s.channel, state: s.state, remote: s.remoteAddress ?? null });
  });
  p.on('relay-address', (channel, e) => { report({ event: 'relay-address', atMs: performance.now() - t0, channel, type: e.type }); });
  p.on('local-ice-changed', (channel, reason) => { report({ event: 'local-ice-changed', atMs: performance.now() - t0, channel, reason }); });
  report({ event: 'ready', prefix: Buffer.from(p.guidPrefix).toString('hex') });
  const topic = p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL);
  const qos = { reliability: 'reliable', history: 'keep-all', maxSamples: 1000 } as const;
  const remote = (): Uint8Array => p.discoveredParticipants().find((x) => x.isRtpsRelayApplicationParticipant !== true)?.guidPrefix ?? new Uint8Array(12);
  /** With ICE, the selected DATA address toward the peer, waiting up to 15 s for it (bounded, polled). */
  const selectedData = async (): Promise<unknown> => {
    for (let i = 0; a.ice && i < 750 && p.selectedAddress('data', remote()) === undefined; i++) await new Promise((r) => { setTimeout(r, 20); });
    return p.selectedAddress('data', remote()) ?? null;
  };
  /** The SEDP checklist toward the peer and the peer's announced SEDP candidates (diagnostics). */
  const iceReport = (): object => {
    const peer = p.discoveredParticipants().find((x) => x.isRtpsRelayApplicationParticipant !== true);
    const info = peer?.ice.get('SEDP');
    const snap = info === undefined ? undefined : driver?.agent.inspect(`${Buffer.from(p.guidPrefix).toString('hex')}.SEDP`, info.username);
    return {
      peerSedpCandidates: info?.candidates.map((c) => `${c.type} ${c.address.ip}:${c.address.port}`) ?? null,
      sedpChecklist: snap === undefined ? null : { role: snap.role, state: snap.state, pairs: snap.pairs.map((x) => `${x.local}->${x.remote} ${x.state}`) },
    };
  };
  try {
    if (a.role === 'writer') {
      const w = p.createDataWriter(topic, qos);
      await w.waitForMatch({ signal });
      const matchedMs = performance.now() - t0;
      for (let id = 1; id <= a.count; id++) {
        await w.write({ id, text: `msg ${id}` }, { signal });
        if (id % 10 === 0) await new Promise((r) => { setTimeout(r, 20); });
      }
      await w.waitForAcknowledgments({ signal });
      const doneMs = performance.now() - t0;
      report({ event: 'done', matchedMs, doneMs, selectedData: await selectedData(), selectedMs, ...iceReport() });
    } else {
      const r = p.createDataReader(topic, qos);
      let firstSampleMs: number | null = null;
      const { received, bad } = await readLabMsgs(r, a.count, signal, () => { firstSampleMs ??= performance.now() - t0; });
      const doneMs = performance.now() - t0;
      report({ event: 'done', received, bad, firstSampleMs, doneMs, selectedData: await selectedData(), selectedMs, ...iceReport() });
    }
    await Promise.race([new Promise<void>((r) => { lines.once('line', () => { r(); }); process.stdin.once('end', () => { r(); }); }), new Promise((r) => { setTimeout(r, 60_000); })]);
  } finally {
    clearTimeout(hard);
    await p.close();
    driver?.close();
    iceTimers.close();
    await iceNet.close();
    report({ event: 'closed' });
    process.exit(0);
  }
}
