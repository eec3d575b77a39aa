/**
 * A DomainParticipant under hostile input, on simnet (virtual time): two participants with ICE on
 * every channel and a matched reliable LabMsg writer/reader pair; an attacker fires 1,000,000 random
 * and mutated datagrams at all of B's ports (SPDP, SEDP, DATA). The templates are real captures
 * (Cyclone DDS, Fast DDS, ddsperf SPDP/SEDP/DATA, coturn STUN from ../shared/pcaps) and our own
 * SPDP/SEDP/DATA/STUN traffic recorded from the simnet trace, with our participants' GUID prefixes
 * replaced by the attacker's (a spoofed HEARTBEAT from A's own prefix could legitimately move B's
 * reader window: RTPS without DDS Security cannot tell it apart). Replayed SPDP/SEDP announcements
 * make the attacker a participant with a LabMsg writer that B's reader matches, so B receives some
 * of its (well-formed) samples: DDS behaviour without security, counted and told apart by writer
 * GUID. Afterwards A's samples still flow reliably, exactly once and in order, and every fired
 * datagram is counted (ICE driver) and every non-STUN one counted and classified or routed by B's
 * transport.
 */
import { join } from 'node:path';
import { expect } from 'chai';
import type { DomainParticipant as Participant } from '../../src/dds/index.js';
import { DomainParticipant } from '../../src/dds/index.js';
import type { SimHost } from '../../src/simnet/index.js';
import { VirtualNetwork } from '../../src/simnet/index.js';
import { IceDriver } from '../../src/transport/index.js';
import type { TransportAddress } from '../../src/util/address.js';
import { silentLogger } from '../../src/util/logger.js';
import { SeededRandom } from '../../src/util/prng.js';
import { PCAP_DIR } from '../rtps/captures.js';
import { readUdpPackets } from '../support/pcap.js';
import { drive, driveUntil, LAB_MSG_IDL } from './support.js';

const TOTAL = 1_000_000;
const BATCH = 10_000;
const ATTACKER_PREFIX = Uint8Array.from([0x01, 0x0f, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee]);

interface Side { readonly p: Participant; readonly driver: IceDriver }

async function side(net: VirtualNetwork, host: SimHost, seed: number, peer: string): Promise<Side> {
  const rng = new SeededRandom(seed);
  const randomBytes = (n: number): Uint8Array => rng.bytes(n);
  const driver = new IceDriver({ network: host, timers: net.timers, randomBytes, log: silentLogger }, {});
  const p = await driveUntil(net, DomainParticipant.create({
    domainId: 0, network: host, timers: net.timers, iceDriver: driver, randomBytes,
    config: { rtpsDiscovery: { useIce: true, spdpSendAddrs: `${peer}:7410` }, transport: { useIce: true, heartbeatPeriod: 200 } },
  }), 1000);
  return { p, driver };
}

function bytesEqual(x: Uint8Array, y: Uint8Array): boolean {
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

function isStun(b: Uint8Array): boolean {
  return b.length >= 20 && b[4] === 0x21 && b[5] === 0x12 && b[6] === 0xa4 && b[7] === 0x42;
}

function isRtps(b: Uint8Array): boolean {
  return b.length >= 20 && b[0] === 0x52 && b[1] === 0x54 && b[2] === 0x50 && b[3] === 0x53;
}

/** Every occurrence of `from` in `b` replaced by `to` (GUID prefixes in headers, INFO_DST, GUIDs, locator-free payloads). */
function replaceAll(b: Uint8Array, from: Uint8Array, to: Uint8Array): Uint8Array {
  const out = b.slice();
  outer: for (let i = 0; i + from.length <= out.length; i++) {
    for (let k = 0; k < from.length; k++) if (out[i + k] !== from[k]) continue outer;
    out.set(to, i);
  }
  return out;
}

/** RTPS and STUN datagrams of the shared captures (at most `perCapture` each, to keep variety cheap). */
function captureTemplates(perCapture: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const name of ['cyclone-labmsg', 'fastdds', 'cyclone-fastdds-interop', 'cyclone-ddsperf', 'coturn-stun-turn']) {
    const seen = new Set<string>();
    let n = 0;
    for (const pkt of readUdpPackets(join(PCAP_DIR, `${name}.pcapng`))) {
      const b = pkt.payload;
      if (!isRtps(b) && !isStun(b)) continue;
      // One per (kind, first submessage id, length bucket): SPDP, SEDP, DATA, DATA_FRAG, HEARTBEAT, ACKNACK, STUN…
      const key = `${isStun(b) ? 'stun' : 'rtps'}:${b[20] ?? 0}:${b[36] ?? 0}:${Math.floor(b.length / 64)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(b.slice());
      if (++n >= perCapture) break;
    }
  }
  return out;
}

/** One hostile datagram: random, or a template mutated in one of several ways (as test/transport/hostile-input.test.ts). */
function mutate(rng: SeededRandom, tpl: readonly Uint8Array[]): Uint8Array {
  const pick = (): Uint8Array => (tpl[rng.int(tpl.length)] ?? new Uint8Array(0)).slice();
  switch (rng.int(11)) {
    case 0: return rng.bytes(rng.int(200));
    case 1: { const b = rng.bytes(20 + rng.int(300)); b.set([0x52, 0x54, 0x50, 0x53, 2, rng.int(8)]); return b; }
    case 2: { const b = pick(); return b.subarray(0, rng.int(b.length + 1)); }
    case 3: { const b = pick(); for (let i = 1 + rng.int(8); i > 0; i--) b[8 + rng.int(Math.max(1, b.length - 8))] = rng.int(256); return b; }
    case 4: { // a submessage / parameter / attribute length made wrong
      const b = pick(); const at = 20 + 4 * rng.int(Math.max(1, (b.length - 20) >> 2)) + 2;
      if (at + 1 < b.length) { b[at] = rng.int(256); b[at + 1] = rng.int(256); }
      return b;
    }
    case 5: { // an extreme u32 at an aligned offset (sequence numbers, counts, set sizes, PIDs)
      const b = pick(); const at = 20 + 4 * rng.int(Math.max(1, (b.length - 24) >> 2));
      const v = [0xffffffff, 0x80000000, 0, 1, 0x7fffffff, 257][rng.int(6)] ?? 0;
      if (at + 4 <= b.length) new DataView(b.buffer, b.byteOffset).setUint32(at, v, rng.int(2) === 0);
      return b;
    }
    case 6: { const b = pick(); if (b.length > 3) b[3] = 0x58; return b; } // "RTPX"
    case 7: return pick(); // valid, but foreign or stale
    case 8: { const b = rng.bytes(20 + rng.int(80)); b.set([0, 1, 0, rng.int(80), 0x21, 0x12, 0xa4, 0x42]); return b; } // STUN-looking
    case 9: { const b = pick(); for (let i = 1 + rng.int(3); i > 0; i--) { const at = 20 + rng.int(Math.max(1, b.length - 20)); b.fill(rng.int(2) === 0 ? 0xff : 0, at, at + 1 + rng.int(16)); } return b; }
    default: { const b = pick(); const out = new Uint8Array(b.length + 1 + rng.int(40)); out.set(b); out.set(rng.bytes(out.length - b.length), b.length); return out; }
  }
}

describe('dds/DomainParticipant: hostile input', function () {
  this.timeout(300_000);

  it('1,000,000 random and mutated datagrams at its SPDP, SEDP and DATA ports: all counted, samples still flow reliably', async () => {
    const net = new VirtualNetwork({ seed: 7, recordTrace: false });
    const ha = net.addHost('a', { ips: ['10.0.0.1'], link: { delayMs: 1 } });
    const hb = net.addHost('b', { ips: ['10.0.0.2'], link: { delayMs: 1 } });
    const hx = net.addHost('x', { ips: ['10.0.0.66'] });
    // Our own traffic, recorded while the pair discovers, runs ICE and exchanges samples.
    const ours: Uint8Array[] = [];
    const seenOurs = new Set<string>();
    const stopTrace = net.onTrace((e) => {
      if (e.kind !== 'send' || ours.length >= 400) return;
      const key = `${isStun(e.bytes) ? 'stun' : 'rtps'}:${e.bytes[20] ?? 0}:${e.bytes[36] ?? 0}:${e.to.port}:${Math.floor(e.size / 32)}`;
      if (seenOurs.has(key)) return;
      seenOurs.add(key);
      ours.push(e.bytes.slice());
    });
    const a = await side(net, ha, 11, '10.0.0.2');
    const b = await side(net, hb, 22, '10.0.0.1');
    try {
      const writer = a.p.createDataWriter(a.p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all', maxSamples: 1000 });
      const reader = b.p.createDataReader(b.p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all' });
      // A's samples, in order, exactly once; anyone else's (the attacker's replayed writer) counted apart.
      const ids: number[] = [];
      let foreign = 0;
      let bad = 0;
      reader.on('data', (sample, info) => {
        if (!bytesEqual(info.writerGuid.prefix, a.p.guidPrefix)) { foreign++; return; }
        const n = sample.id as number;
        if (n !== ids.length + 1 || sample.text !== `msg ${n}`) bad++;
        ids.push(n);
      });
      await driveUntil(net, writer.waitForMatch(), 20_000);
      await driveUntil(net, reader.waitForMatch(), 20_000);
      let id = 0;
      const writeSome = async (n: number): Promise<void> => { for (let i = 0; i < n; i++) { id++; await writer.write({ id, text: `msg ${id}` }); } };
      await driveUntil(net, writeSome(50), 10_000);
      await drive(net, () => ids.length >= 50, 10_000);
      stopTrace();

      const templates = [
        ...captureTemplates(60),
        ...ours.map((t) => replaceAll(replaceAll(t, a.p.guidPrefix, ATTACKER_PREFIX), b.p.guidPrefix, ATTACKER_PREFIX)),
        // Also our traffic addressed to B (INFO_DST = B) but from the attacker.
        ...ours.filter(isRtps).map((t) => { const c = replaceAll(t, a.p.guidPrefix, ATTACKER_PREFIX); c.set(ATTACKER_PREFIX, 8); return c; }),
      ];
      expect(templates.length).to.be.greaterThan(50);
      const targets: TransportAddress[] = [...b.p.localAddresses('spdp'), ...b.p.localAddresses('sedp'), ...b.p.localAddresses('data')];
      expect(targets).to.have.length(3);
      const attacker = hx.bindSync('10.0.0.66', 40000);
      const rng = new SeededRandom(20240602);
      const before = { driver: b.driver.stats(), transport: b.p.transportStats() };
      const started = performance.now();
      let fired = 0;
      let stun = 0;
      // Legitimate samples keep flowing while the datagrams arrive.
      for (let sent = 0; sent < TOTAL;) {
        for (let i = 0; i < BATCH; i++, sent++) {
          const d = mutate(rng, templates);
          if (isStun(d)) stun++;
          attacker.send(d, targets[sent % targets.length]!);
          fired++;
        }
        net.runFor(2);
        await new Promise<void>((r) => { setImmediate(r); });
      }
      net.runFor(100);
      const elapsedMs = performance.now() - started;
      const driverIn = b.driver.stats().stunIn + b.driver.stats().otherIn - before.driver.stunIn - before.driver.otherIn;
      const st = b.p.transportStats();
      const d = st.dropped;
      console.log(`      ${fired} hostile datagrams (${stun} STUN-looking) in ${(elapsedMs / 1000).toFixed(1)} s: driver in ${driverIn}, transport in ${st.datagramsIn - before.transport.datagramsIn}, rtps ${st.rtpsIn - before.transport.rtpsIn}, malformed ${d.malformed}, not-rtps ${d['not-rtps']}, not-for-us ${d['not-for-us']}, no-endpoint ${d['no-endpoint']}, participants known ${b.p.discoveredParticipants().length}, virtual ${net.now()} ms`);

      // Every fired datagram reached B's ICE driver (plus A's legitimate traffic, which is small).
      expect(driverIn).to.be.at.least(fired);
      expect(driverIn).to.be.below(fired + 50_000);
      // Each non-STUN one went on to the transport and was counted there.
      const transportIn = st.datagramsIn - before.transport.datagramsIn;
      expect(transportIn).to.be.at.least(fired - stun - 1000);
      expect(d.malformed).to.be.greaterThan(50_000);
      expect(d['not-rtps']).to.be.greaterThan(50_000);

      // The data path still works: 1,000 more samples, reliably, exactly once and in order.
      await driveUntil(net, writeSome(1000), 120_000);
      await drive(net, () => ids.length >= id, 120_000);
      await driveUntil(net, writer.waitForAcknowledgments(), 30_000);
      expect(ids.length, 'received from A').to.equal(id);
      expect(bad, 'lost / duplicated / out of order / altered').to.equal(0);
      console.log(`      afterwards ${id} samples from A exactly once and in order; ${foreign} samples from the attacker's replayed writer, ${reader.counts.malformed} undecodable`);
    } finally {
      await a.p.close();
      await b.p.close();
      a.driver.close();
      b.driver.close();
    }
  });
});
