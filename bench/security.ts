/**
 * Security bench (docs/security.md), real UDP on 127.0.0.1:
 * - DTLS handshake time to the relay's port (cookie round, ECDHE-RSA handshake, key proofs), median of N;
 * - TURN allocation time against our TURN server (401 round + Allocate), median of N;
 * - RtpsRelay forwarding between two admitted clients, with DTLS (relay mode `require`) against
 *   without: round-trip latency (client → relay → client → relay → client, median of pings) and
 *   one-way throughput (datagrams/s delivered of a paced burst).
 * Usage: npm run bench:security [-- --json] [--handshakes 20] [--pings 200] [--burst 5000]
 */
import { randomBytes } from 'node:crypto';
import { RelayServer, TurnServer } from '../src/relay/index.js';
import type { ParticipantIdentity } from '../src/security/index.js';
import { generateSelfSignedIdentity, loadIdentity } from '../src/security/index.js';
import { DtlsClientNetwork, DtlsServerNetwork, RealTimerService, UdpNetwork } from '../src/transport/index.js';
import { TurnClient } from '../src/turn/index.js';
import type { TransportAddress } from '../src/util/address.js';
import type { DatagramNetwork, DatagramSocket } from '../src/util/datagram-io.js';
import { silentLogger } from '../src/util/logger.js';
import { encodeRtpsMessage, PROTOCOL_VERSION_2_4, VendorIds } from '../src/rtps/index.js';
import { attr, encodeStunMessage, GuidPrefix, StunMethod } from '../src/stun/index.js';
import { printResults, type BenchResult } from './support/report.js';

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const opt = (name: string, dflt: number): number => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const HANDSHAKES = opt('handshakes', 20);
const PINGS = opt('pings', 200);
const BURST = opt('burst', 5000);
const IP = '127.0.0.1';
const rnd = (n: number): Uint8Array => new Uint8Array(randomBytes(n));
const now = Date.now();
const ident = (cn: string): ParticipantIdentity => loadIdentity({ ...generateSelfSignedIdentity({ commonName: cn, nowMs: now, randomBytes: rnd }), nowMs: now });
const relayId = ident('bench-relay');
const clientId = ident('bench-client');
const median = (xs: number[]): number => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] ?? Number.NaN; };
const sleep = (ms: number): Promise<void> => new Promise((r) => { setTimeout(r, ms); });

async function until(cond: () => boolean, maxMs: number): Promise<boolean> {
  const end = performance.now() + maxMs;
  while (!cond() && performance.now() < end) await new Promise<void>((r) => { setImmediate(r); });
  return cond();
}

async function handshakeMs(udp: UdpNetwork): Promise<number[]> {
  const out: number[] = [];
  const server = await new DtlsServerNetwork(udp, 'require', { identity: relayId, trust: { pinnedFingerprints: [clientId.fingerprint] } }).bind(IP, 0);
  let got = 0;
  server.onDatagram(() => { got++; });
  const clients = new DtlsClientNetwork(udp, [server.localAddress], { identity: clientId, trust: { pinnedFingerprints: [relayId.fingerprint] } });
  for (let i = 0; i < HANDSHAKES; i++) {
    const c = await clients.bind(IP, 0);
    const before = got;
    const t0 = performance.now();
    c.send(new Uint8Array([1, 2, 3]), server.localAddress);
    if (!await until(() => got > before, 5000)) throw new Error('DTLS handshake did not complete in 5 s');
    out.push(performance.now() - t0);
    c.close();
  }
  server.close();
  return out;
}

async function turnAllocationMs(udp: UdpNetwork, timers: RealTimerService): Promise<number[]> {
  const server = await TurnServer.start(udp, { ip: IP, port: 0, realm: 'bench', users: new Map([['u', 'p']]), timers, randomBytes: rnd });
  const out: number[] = [];
  for (let i = 0; i < HANDSHAKES; i++) {
    const socket = await udp.bind(IP, 0);
    let allocated = false;
    const client = new TurnClient({
      clock: timers.clock, randomBytes: rnd, log: silentLogger,
      send: (b) => { socket.send(b, server.address); },
      emit: (e) => { if (e.type === 'allocated') allocated = true; },
    }, { server: server.address, username: 'u', password: 'p' });
    socket.onDatagram((b) => { client.handle(b); });
    const t0 = performance.now();
    client.start();
    if (!await until(() => allocated, 5000)) throw new Error('TURN allocation did not complete in 5 s');
    out.push(performance.now() - t0);
    client.close();
    socket.close();
  }
  server.close();
  return out;
}

const prefixOf = (n: number): Uint8Array => new Uint8Array([1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, n]);
const rtps = (source: Uint8Array, payload: number): Uint8Array => encodeRtpsMessage(
  { protocolVersion: PROTOCOL_VERSION_2_4, vendorId: VendorIds.UNKNOWN, guidPrefix: source },
  [{ kind: 'pad', padding: new Uint8Array(payload) }],
);
const keepalive = (prefix: Uint8Array): Uint8Array => encodeStunMessage({
  method: StunMethod.binding, messageClass: 'indication', transactionId: rnd(12), attributes: [attr(GuidPrefix, prefix)], fingerprint: true,
});

interface RelayFigures { readonly rttUs: number; readonly throughput: number; readonly delivered: number }

async function relayRun(udp: UdpNetwork, timers: RealTimerService, withDtls: boolean): Promise<RelayFigures> {
  const relayNet: DatagramNetwork = withDtls ? new DtlsServerNetwork(udp, 'require', { identity: relayId, trust: { pinnedFingerprints: [clientId.fingerprint] } }) : udp;
  const basePort = 47_400 + Math.floor(Math.random() * 1000) * 3;
  const relay = await RelayServer.start(relayNet, timers, { ip: IP, basePort });
  for (const n of [1, 2]) {
    relay.partitions.setEndpointPartitions({ prefix: prefixOf(n), entityId: 0x102 }, ['p']);
    relay.partitions.setEndpointPartitions({ prefix: prefixOf(n), entityId: 0x107 }, ['p']);
  }
  const ports = (['spdp', 'sedp', 'data'] as const).map((p) => relay.address(p));
  const clientNet: DatagramNetwork = withDtls ? new DtlsClientNetwork(udp, ports, { identity: clientId, trust: { pinnedFingerprints: [relayId.fingerprint] } }) : udp;
  const a = await clientNet.bind(IP, 0);
  const b = await clientNet.bind(IP, 0);
  const admitted = new Set<string>();
  relay.on('admitted', (p) => { admitted.add(p); });
  const admit = (s: DatagramSocket, n: number): void => {
    s.send(rtps(prefixOf(n), 0), ports[0]!);
    s.send(keepalive(prefixOf(n)), ports[1]!);
    s.send(keepalive(prefixOf(n)), ports[2]!);
  };
  for (let i = 0; i < 50 && admitted.size < 2; i++) { admit(a, 1); admit(b, 2); await sleep(100); }
  if (admitted.size < 2) throw new Error('clients not admitted by the relay');
  const data: TransportAddress = ports[2]!;
  // Latency: a → relay → b, b echoes → relay → a.
  let pong = 0;
  b.onDatagram((bytes) => { if (bytes[0] === 0x52) b.send(rtps(prefixOf(2), 64), data); });
  a.onDatagram((bytes) => { if (bytes[0] === 0x52) pong++; });
  const rtts: number[] = [];
  for (let i = 0; i < PINGS; i++) {
    const before = pong;
    const t0 = performance.now();
    a.send(rtps(prefixOf(1), 64), data);
    if (!await until(() => pong > before, 2000)) continue;
    rtts.push((performance.now() - t0) * 1000);
  }
  // Throughput: a burst, paced in slices of 50 datagrams, counted at b.
  let received = 0;
  let lastAt = 0;
  b.onDatagram((bytes) => { if (bytes[0] === 0x52) { received++; lastAt = performance.now(); } });
  const msg = rtps(prefixOf(1), 1000);
  const t0 = performance.now();
  for (let i = 0; i < BURST; i++) {
    a.send(msg, data);
    if (i % 50 === 49) await new Promise<void>((r) => { setImmediate(r); });
  }
  await until(() => received >= BURST, 3000);
  const elapsed = (lastAt - t0) / 1000;
  a.close(); b.close(); await relay.close();
  return { rttUs: median(rtts), throughput: received / elapsed, delivered: received / BURST };
}

const udp = new UdpNetwork({ log: silentLogger }, { includeLoopback: true });
const timers = new RealTimerService({ log: silentLogger });
try {
  const hs = await handshakeMs(udp);
  const turn = await turnAllocationMs(udp, timers);
  const plain = await relayRun(udp, timers, false);
  const dtls = await relayRun(udp, timers, true);
  const results: BenchResult[] = [
    { suite: 'security', metric: 'dtls.handshake', unit: 'ms', value: median(hs) },
    { suite: 'security', metric: 'turn.allocate', unit: 'ms', value: median(turn) },
    { suite: 'security', metric: 'relay.rtt.dtls', unit: 'us', value: dtls.rttUs, against: { plain: plain.rttUs } },
    { suite: 'security', metric: 'relay.addedLatency.dtls', unit: 'us', value: (dtls.rttUs - plain.rttUs) / 2 },
    { suite: 'security', metric: 'relay.throughput.dtls', unit: 'datagrams/s', value: dtls.throughput, against: { plain: plain.throughput } },
    { suite: 'security', metric: 'relay.delivered.dtls', unit: 'fraction', value: dtls.delivered, against: { plain: plain.delivered } },
  ];
  printResults(results, json);
} finally {
  timers.close();
  await udp.close();
}
