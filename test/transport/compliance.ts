/**
 * The transport compliance suite (STYLE.md rule 17): the same behaviour checked against every
 * {@link Transport} implementation — UDP on loopback (real sockets and timers), UDP on simnet
 * (virtual), and in-memory. A fixture makes connected participants and a way to let time pass.
 */
import { expect } from 'chai';
import type { Guid, GuidPrefix, Submessage } from '../../src/rtps/index.js';
import { EntityIds, timeFromUnixMs } from '../../src/rtps/index.js';
import type { ReceivedSample } from '../../src/reliability/index.js';
import { RtpsReader, RtpsWriter } from '../../src/reliability/index.js';
import type { Transport } from '../../src/transport/transport.js';
import { TransportError } from '../../src/transport/transport-engine.js';
import type { Clock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';

/** What a fixture gives the suite. */
export interface ComplianceWorld {
  readonly transports: readonly Transport[];
  readonly clock: Clock;
  /** Lets time pass (virtual or real) until `done()` or `maxMs` elapsed; returns done(). */
  until(done: () => boolean, maxMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface ComplianceFixture {
  readonly name: string;
  /** `n` participants with distinct prefixes; the suite registers them with each other. */
  make(n: number, options?: { readonly maxDatagramSize?: number }): Promise<ComplianceWorld>;
}

export function prefixOf(n: number): GuidPrefix {
  return Uint8Array.from([0x01, 0x03, 0xaa, 0xbb, 0xcc, 0xdd, 0, 0, 0, 0, 0, n]);
}

/** Registers every participant with every other, with the locators each announces. */
export function introduce(ts: readonly Transport[]): void {
  for (const a of ts) {
    for (const b of ts) {
      if (a === b) continue;
      const l = b.locators();
      a.addRemoteParticipant({
        guidPrefix: b.guidPrefix,
        metatrafficUnicastLocators: l.metatrafficUnicast,
        defaultUnicastLocators: l.defaultUnicast,
        spdpUnicastLocators: l.spdpUnicast,
      });
    }
  }
}

const USER_WRITER = 0x00000102;
const USER_READER = 0x00000107;

/** A reliable writer on `a` and a reliable reader on `b`, wired through the transports. */
export function reliablePair(a: Transport, b: Transport, clock: Clock, ids = { writer: USER_WRITER, reader: USER_READER }): {
  readonly writer: RtpsWriter;
  readonly reader: RtpsReader;
  readonly received: ReceivedSample[];
} {
  const wGuid: Guid = { prefix: a.guidPrefix, entityId: ids.writer };
  const rGuid: Guid = { prefix: b.guidPrefix, entityId: ids.reader };
  const received: ReceivedSample[] = [];
  const writer = new RtpsWriter({ guid: wGuid, clock, send: (t) => { a.send(ids.writer, t); }, emit: () => undefined, log: silentLogger }, {
    maxDatagramSize: a.maxDatagramSize, heartbeatPeriodMs: 100, nackResponseDelayMs: 10,
  });
  const reader = new RtpsReader({ guid: rGuid, clock, send: (t) => { b.send(ids.reader, t); }, deliver: (s) => { received.push(s); }, emit: () => undefined, log: silentLogger }, {
    heartbeatResponseDelayMs: 10,
  });
  a.addLocalEndpoint({ entityId: ids.writer, handler: (src, s) => { writer.handleSubmessage(src, s); }, core: writer });
  b.addLocalEndpoint({ entityId: ids.reader, handler: (src, s, ts) => { reader.handleSubmessage(src, s, ts); }, core: reader });
  writer.addReaderProxy(rGuid, { reliable: true });
  reader.addWriterProxy(wGuid, { reliable: true });
  a.matchRemoteReader(ids.writer, rGuid);
  b.matchRemoteWriter(ids.reader, wGuid);
  a.reschedule();
  b.reschedule();
  return { writer, reader, received };
}

function payload(i: number, size = 16): Uint8Array {
  const p = new Uint8Array(size);
  p[0] = 0x00; p[1] = 0x01; // CDR_LE encapsulation
  p[4] = i & 0xff; p[5] = (i >>> 8) & 0xff;
  return p;
}

function dataSubmessage(readerId: number, writerId: number, sn: number, size = 16): Submessage {
  return { kind: 'data', littleEndian: true, readerId, writerId, writerSN: sn, inlineQos: undefined, serializedData: payload(sn, size), serializedKey: undefined };
}

interface Seen {
  readonly source: string;
  readonly s: Submessage;
  readonly ts: number | undefined;
}

function recorder(t: Transport, entityId: number): Seen[] {
  const seen: Seen[] = [];
  t.addLocalEndpoint({
    entityId,
    handler: (src, s, ts) => { seen.push({ source: Buffer.from(src).toString('hex'), s, ts: ts === undefined ? undefined : ts.seconds }); },
  });
  return seen;
}

/** Defines the suite for one fixture. */
export function transportCompliance(fixture: ComplianceFixture): void {
  describe(`Transport compliance: ${fixture.name}`, function () {
    this.timeout(30_000);
    let world: ComplianceWorld | undefined;
    afterEach(async () => {
      await world?.close();
      world = undefined;
    });
    const make = async (n: number, options?: { readonly maxDatagramSize?: number }): Promise<ComplianceWorld> => {
      world = await fixture.make(n, options);
      introduce(world.transports);
      return world;
    };

    it('carries reliable user data between two participants, every sample once and in order', async () => {
      const w = await make(2);
      const [a, b] = w.transports;
      const { writer, received } = reliablePair(a!, b!, w.clock);
      for (let i = 1; i <= 50; i++) writer.write({ serializedData: payload(i) });
      a!.reschedule();
      expect(await w.until(() => received.length === 50, 5_000)).to.equal(true);
      expect(received.map((r) => r.sequenceNumber)).to.deep.equal(Array.from({ length: 50 }, (_, i) => i + 1));
    });

    it('a transmit to one participant reaches the endpoint named by readerId, with the INFO_TS in effect', async () => {
      const w = await make(3);
      const [a, b, c] = w.transports;
      const atB = recorder(b!, USER_READER);
      const atC = recorder(c!, USER_READER);
      a!.addLocalEndpoint({ entityId: USER_WRITER, handler: () => undefined });
      const ts = timeFromUnixMs(1_700_000_000_000);
      a!.send(USER_WRITER, { to: b!.guidPrefix, submessages: [{ kind: 'info-ts', littleEndian: true, timestamp: ts }, dataSubmessage(USER_READER, USER_WRITER, 1)] });
      expect(await w.until(() => atB.length === 1, 2_000)).to.equal(true);
      expect(atB[0]?.source).to.equal(Buffer.from(a!.guidPrefix).toString('hex'));
      expect(atB[0]?.ts).to.equal(ts.seconds);
      await w.until(() => false, 50);
      expect(atC).to.have.length(0);
    });

    it("'all-matched' fans out once to each participant with a matched reader, and stops after unmatch", async () => {
      const w = await make(3);
      const [a, b, c] = w.transports;
      const atB = recorder(b!, USER_READER);
      const atC = recorder(c!, USER_READER);
      for (const t of [b!, c!]) t.matchRemoteWriter(USER_READER, { prefix: a!.guidPrefix, entityId: USER_WRITER });
      a!.addLocalEndpoint({ entityId: USER_WRITER, handler: () => undefined });
      a!.matchRemoteReader(USER_WRITER, { prefix: b!.guidPrefix, entityId: USER_READER });
      a!.matchRemoteReader(USER_WRITER, { prefix: c!.guidPrefix, entityId: USER_READER });
      a!.send(USER_WRITER, { to: 'all-matched', submessages: [dataSubmessage(EntityIds.UNKNOWN, USER_WRITER, 1)] });
      expect(await w.until(() => atB.length === 1 && atC.length === 1, 2_000)).to.equal(true);
      a!.unmatchRemoteReader(USER_WRITER, { prefix: c!.guidPrefix, entityId: USER_READER });
      a!.send(USER_WRITER, { to: 'all-matched', submessages: [dataSubmessage(EntityIds.UNKNOWN, USER_WRITER, 2)] });
      expect(await w.until(() => atB.length === 2, 2_000)).to.equal(true);
      await w.until(() => false, 50);
      expect(atC).to.have.length(1);
    });

    it('SPDP announcements reach every other participant\'s SPDP detector without any match', async () => {
      const w = await make(3);
      const [a, b, c] = w.transports;
      const atB = recorder(b!, EntityIds.SPDP_BUILTIN_PARTICIPANT_DETECTOR);
      const atC = recorder(c!, EntityIds.SPDP_BUILTIN_PARTICIPANT_DETECTOR);
      a!.addLocalEndpoint({ entityId: EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER, handler: () => undefined });
      a!.send(EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER, {
        to: 'all-matched', submessages: [dataSubmessage(EntityIds.UNKNOWN, EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER, 1)],
      });
      expect(await w.until(() => atB.length >= 1 && atC.length >= 1, 2_000)).to.equal(true);
    });

    it('reliable SEDP builtin endpoints work over the metatraffic channel', async () => {
      const w = await make(2);
      const [a, b] = w.transports;
      const { writer, received } = reliablePair(a!, b!, w.clock, {
        writer: EntityIds.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER, reader: EntityIds.SEDP_BUILTIN_PUBLICATIONS_DETECTOR,
      });
      for (let i = 1; i <= 5; i++) writer.write({ serializedData: payload(i, 200) });
      a!.reschedule();
      expect(await w.until(() => received.length === 5, 5_000)).to.equal(true);
    });

    it('packs a burst of transmits into datagrams no larger than maxDatagramSize, never splitting one', async () => {
      const w = await make(2, { maxDatagramSize: 600 });
      const [a, b] = w.transports;
      const atB = recorder(b!, USER_READER);
      a!.addLocalEndpoint({ entityId: USER_WRITER, handler: () => undefined });
      for (let i = 1; i <= 40; i++) a!.send(USER_WRITER, { to: b!.guidPrefix, submessages: [dataSubmessage(USER_READER, USER_WRITER, i, 100)] });
      expect(await w.until(() => atB.length === 40, 2_000)).to.equal(true);
      const st = a!.stats();
      // 20 header + 16 INFO_DST + n × (24 + 100) ≤ 600 → 4 per datagram.
      expect(st.transmitsOut).to.equal(40);
      expect(st.datagramsOut).to.equal(10);
      expect(st.bytesOut / st.datagramsOut).to.be.at.most(600);
      expect(st.dropped.oversize).to.equal(0);
      expect(atB.map((x) => (x.s.kind === 'data' ? x.s.writerSN : 0))).to.deep.equal(Array.from({ length: 40 }, (_, i) => i + 1));
    });

    it('counts a transmit to an unknown participant as no-destination and keeps working', async () => {
      const w = await make(2);
      const [a, b] = w.transports;
      a!.addLocalEndpoint({ entityId: USER_WRITER, handler: () => undefined });
      expect(() => { a!.send(USER_WRITER, { to: Uint8Array.from({ length: 12 }, () => 0xee), submessages: [dataSubmessage(USER_READER, USER_WRITER, 1)] }); }).not.to.throw();
      a!.flush();
      expect(a!.stats().dropped['no-destination']).to.equal(1);
      const atB = recorder(b!, USER_READER);
      a!.send(USER_WRITER, { to: b!.guidPrefix, submessages: [dataSubmessage(USER_READER, USER_WRITER, 2)] });
      expect(await w.until(() => atB.length === 1, 2_000)).to.equal(true);
    });

    it('counts submessages for no local endpoint, refuses duplicate endpoints, and is inert after close', async () => {
      const w = await make(2);
      const [a, b] = w.transports;
      a!.addLocalEndpoint({ entityId: USER_WRITER, handler: () => undefined });
      expect(() => { a!.addLocalEndpoint({ entityId: USER_WRITER, handler: () => undefined }); }).to.throw(TransportError);
      a!.send(USER_WRITER, { to: b!.guidPrefix, submessages: [dataSubmessage(0x00000207, USER_WRITER, 1)] });
      expect(await w.until(() => b!.stats().dropped['no-endpoint'] === 1, 2_000)).to.equal(true);
      const atB = recorder(b!, USER_READER);
      b!.close();
      b!.close();
      a!.send(USER_WRITER, { to: b!.guidPrefix, submessages: [dataSubmessage(USER_READER, USER_WRITER, 2)] });
      await w.until(() => false, 50);
      expect(atB).to.have.length(0);
      expect(() => { b!.addLocalEndpoint({ entityId: 0x00000307, handler: () => undefined }); }).to.throw(TransportError);
    });
  });
}
