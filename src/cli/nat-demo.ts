/**
 * The NAT demo (the README's first command): pairs of our DomainParticipants, each pair behind a
 * different combination of simulated RFC 4787 NATs, with a STUN server and our RtpsRelay (and its
 * application participant) on the public side. Both sides are relay clients (`UseRtpsRelay`): they
 * discover each other through the relay (and by SPDP to the peer NAT's public SPDP port), run ICE on
 * their SEDP and DATA endpoints, and exchange LabMsg samples through the relay until ICE selects a
 * direct pair; where no direct pair exists (a symmetric NAT), the relay carries everything. Everything
 * runs on `simnet` in virtual time: no root, no traffic beyond this process, the same code as on real UDP.
 */
import { DomainParticipant } from '../dds/index.js';
import type { DdsConfigInput, DomainParticipant as Participant } from '../dds/index.js';
import { RelayApplicationParticipant, RelayServer, StunServer } from '../relay/index.js';
import type { NatSpec, SimHost, VirtualNetwork } from '../simnet/index.js';
import { NatPresets, twoNatTopology, TWO_NAT_ADDRESSES } from '../simnet/index.js';
import { IceDriver } from '../transport/index.js';
import { formatAddress } from '../util/address.js';
import { silentLogger } from '../util/logger.js';
import { SeededRandom } from '../util/prng.js';

const LAB_MSG_IDL = 'struct Msg { long id; string text; };';
const STUN = `${TWO_NAT_ADDRESSES.server}:3478`;
/** The relay's vertical ports on the server host (SPDP, SEDP = +1, DATA = +2). */
const RELAY_PORT = 7400;
const relay = (offset: number): string => `${TWO_NAT_ADDRESSES.server}:${RELAY_PORT + offset}`;

/** NAT kinds of the demo, RFC 4787 behaviours by their usual names. */
export const DEMO_NATS = {
  'no NAT': 'none',
  'full cone': NatPresets.fullCone,
  'port-restricted': NatPresets.portRestricted,
  symmetric: NatPresets.symmetric,
} as const satisfies Record<string, NatSpec>;
export type DemoNat = keyof typeof DEMO_NATS;

/** What one pair achieved, in virtual milliseconds from start. */
export interface NatDemoResult {
  readonly writerNat: DemoNat;
  readonly readerNat: DemoNat;
  readonly discoveredMs: number | undefined;
  readonly dataSelectedMs: number | undefined;
  readonly firstSampleMs: number | undefined;
  readonly delivered: number;
  readonly sent: number;
  /** The reader's selected remote for DATA (the writer's public address), if any. */
  readonly path: string | undefined;
  /** Samples reached the reader while no direct DATA pair was selected: the relay carried them. */
  readonly relayed: boolean;
  readonly inOrder: boolean;
}

async function drive(net: VirtualNetwork, cond: () => boolean, maxMs: number): Promise<boolean> {
  const end = net.now() + maxMs;
  while (!cond()) {
    if (net.now() >= end) return false;
    net.runFor(10);
    await new Promise<void>((r) => { setImmediate(r); });
  }
  return true;
}

/** Drives the simulation until `p` settles; the outcome, or undefined when it did not settle in time. */
async function settle<T>(net: VirtualNetwork, p: Promise<T>, maxMs: number): Promise<{ readonly ok: boolean; readonly value: T | undefined } | undefined> {
  let outcome: { ok: boolean; value: T | undefined } | undefined;
  p.then((value) => { outcome = { ok: true, value }; }, () => { outcome = { ok: false, value: undefined }; });
  await drive(net, () => outcome !== undefined, maxMs);
  return outcome;
}

async function participant(net: VirtualNetwork, host: SimHost, seed: number, peerSpdp: string): Promise<{ p: Participant; driver: IceDriver }> {
  const rng = new SeededRandom(seed);
  const randomBytes = (n: number): Uint8Array => rng.bytes(n);
  const driver = new IceDriver({ network: host, timers: net.timers, randomBytes, log: silentLogger }, {});
  const config: DdsConfigInput = {
    rtpsDiscovery: {
      useIce: true, spdpSendAddrs: peerSpdp, spdpStunServerAddress: STUN, sedpStunServerAddress: STUN,
      useRtpsRelay: true, spdpRtpsRelayAddress: relay(0), sedpRtpsRelayAddress: relay(1),
    },
    transport: { useIce: true, dataStunServerAddress: STUN, useRtpsRelay: true, dataRtpsRelayAddress: relay(2) },
  };
  const created = await settle(net, DomainParticipant.create({ domainId: 0, network: host, timers: net.timers, iceDriver: driver, randomBytes, config }), 2_000);
  if (created?.value === undefined) throw new Error('participant did not start');
  return { p: created.value, driver };
}

/** Runs one pair: `samples` reliable LabMsg samples from the writer (left) to the reader (right). */
export async function runNatPair(writerNat: DemoNat, readerNat: DemoNat, options: { samples?: number; seed?: number } = {}): Promise<NatDemoResult> {
  const sent = options.samples ?? 100;
  const seed = options.seed ?? 1;
  const topo = twoNatTopology({ left: DEMO_NATS[writerNat], right: DEMO_NATS[readerNat], rttMs: 20, seed, recordTrace: false });
  const net = topo.network;
  const server = await StunServer.start(topo.server, { ip: TWO_NAT_ADDRESSES.server, port: 3478 });
  const relayServer = await RelayServer.start(topo.server, net.timers, { ip: TWO_NAT_ADDRESSES.server, basePort: RELAY_PORT });
  const apRandom = new SeededRandom(seed * 100 + 3);
  const ap = (await settle(net, RelayApplicationParticipant.start(relayServer, topo.server, net.timers, { domainId: 0, randomBytes: (n) => apRandom.bytes(n) }), 2_000))?.value;
  if (ap === undefined) throw new Error('relay application participant did not start');
  // Each side's SPDP goes to the other's public SPDP port (cone NATs preserve ports; a symmetric NAT
  // does not) and to the relay, which forwards it once its application participant knows both.
  const a = await participant(net, topo.left, seed * 100 + 1, `${TWO_NAT_ADDRESSES.rightPublic}:7410`);
  const b = await participant(net, topo.right, seed * 100 + 2, `${TWO_NAT_ADDRESSES.leftPublic}:7410`);
  const t0 = net.now();
  let firstSampleMs: number | undefined;
  let delivered = 0;
  let inOrder = true;
  let relayed = false;
  try {
    const discovered = await drive(net, () => a.p.discoveredParticipants().length > 0 && b.p.discoveredParticipants().length > 0, 10_000);
    const discoveredMs = discovered ? net.now() - t0 : undefined;
    const writer = a.p.createDataWriter(a.p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all', maxSamples: 1_000 });
    const reader = b.p.createDataReader(b.p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all' });
    reader.on('data', (sample) => {
      if (firstSampleMs === undefined) firstSampleMs = net.now() - t0;
      if (b.p.selectedAddress('data', a.p.guidPrefix) === undefined) relayed = true;
      delivered++;
      if (sample.id !== delivered) inOrder = false;
    });
    let dataSelectedMs: number | undefined;
    if (discovered && (await settle(net, writer.waitForMatch(), 15_000))?.ok === true) {
      for (let id = 1; id <= sent; id++) void writer.write({ id, text: `msg ${id}` }).catch(() => undefined);
      await drive(net, () => {
        if (dataSelectedMs === undefined && b.p.selectedAddress('data', a.p.guidPrefix) !== undefined) dataSelectedMs = net.now() - t0;
        return delivered >= sent && dataSelectedMs !== undefined;
      }, 30_000);
    }
    const selected = b.p.selectedAddress('data', a.p.guidPrefix);
    return {
      writerNat, readerNat, discoveredMs, dataSelectedMs, firstSampleMs, delivered, sent, path: selected === undefined ? undefined : formatAddress(selected), relayed, inOrder,
    };
  } finally {
    await settle(net, Promise.all([a.p.close(), b.p.close(), ap.close()]), 5_000);
    a.driver.close();
    b.driver.close();
    await relayServer.close();
    server.close();
  }
}

/** Every (writer NAT, reader NAT) pair of {@link DEMO_NATS}. */
export async function runNatDemo(onResult: (r: NatDemoResult) => void, options: { samples?: number } = {}): Promise<NatDemoResult[]> {
  const out: NatDemoResult[] = [];
  const kinds = Object.keys(DEMO_NATS) as DemoNat[];
  for (const w of kinds) {
    for (const r of kinds) {
      const result = await runNatPair(w, r, options);
      out.push(result);
      onResult(result);
    }
  }
  return out;
}
