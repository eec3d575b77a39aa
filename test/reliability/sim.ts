/**
 * A small in-test network for the reliability cores: one writer and any number of readers, each in
 * its own participant, joined by a lossy, duplicating, reordering channel in virtual time. Every
 * transmit is encoded to a datagram with the real RTPS codec (header + INFO_DST + submessages) and
 * decoded again on arrival, so each run exercises the wire round trip.
 */
import type { Guid, GuidPrefix, RtpsHeader, RtpsTime, Submessage } from '../../src/rtps/index.js';
import { decodeRtpsMessage, encodeRtpsMessage, guidPrefixEquals, PROTOCOL_VERSION_2_5, VendorIds } from '../../src/rtps/index.js';
import type {
  ReaderEvent, ReaderInit, ReceivedSample, ReliabilityTransmit, WriterEvent, WriterInit,
} from '../../src/reliability/index.js';
import { RtpsReader, RtpsWriter } from '../../src/reliability/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { SeededRandom } from '../../src/util/prng.js';

export interface LinkOptions {
  /** Probability a datagram is dropped. */
  readonly loss?: number;
  /** Probability a datagram is delivered twice. */
  readonly duplicate?: number;
  /** One-way latency, ms. */
  readonly latencyMs?: number;
  /** Extra uniform random delay in [0, jitterMs), which reorders datagrams. */
  readonly jitterMs?: number;
}

export function prefixOf(n: number): GuidPrefix {
  return Uint8Array.from([1, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, n]);
}

export const WRITER_ENTITY = 0x00000102;
export const READER_ENTITY = 0x00000107;

interface Pending {
  readonly at: number;
  readonly seq: number;
  readonly bytes: Uint8Array;
  readonly deliver: (bytes: Uint8Array) => void;
}

/** A binary min-heap on (at, seq). */
class EventQueue {
  readonly #h: Pending[] = [];
  get size(): number {
    return this.#h.length;
  }
  peek(): Pending | undefined {
    return this.#h[0];
  }
  push(p: Pending): void {
    const h = this.#h;
    h.push(p);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(h[i]!, h[parent]!)) break;
      [h[i], h[parent]] = [h[parent]!, h[i]!];
      i = parent;
    }
  }
  pop(): Pending | undefined {
    const h = this.#h;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && less(h[l]!, h[m]!)) m = l;
        if (r < h.length && less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

function less(a: Pending, b: Pending): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

export interface SimReader {
  readonly core: RtpsReader;
  readonly prefix: GuidPrefix;
  readonly guid: Guid;
  readonly samples: ReceivedSample[];
  readonly events: ReaderEvent[];
  /** Every submessage this reader sent, in order. */
  readonly sent: Submessage[];
}

export class Sim {
  readonly clock = new ManualClock();
  readonly rng: SeededRandom;
  readonly writer: RtpsWriter;
  readonly writerPrefix = prefixOf(1);
  readonly writerGuid: Guid = { prefix: this.writerPrefix, entityId: WRITER_ENTITY };
  readonly writerEvents: WriterEvent[] = [];
  /** Every submessage the writer sent, in order. */
  readonly writerSent: Submessage[] = [];
  readonly readers: SimReader[] = [];
  /** Datagrams put on the wire (before loss). */
  datagrams = 0;
  /** Octets of the largest datagram put on the wire. */
  largestDatagram = 0;
  readonly #queue = new EventQueue();
  #seq = 0;
  /** The channel's behaviour; may be changed between steps. */
  link: Required<LinkOptions>;

  constructor(seed: number, link: LinkOptions = {}, writerInit: WriterInit = {}) {
    this.rng = new SeededRandom(seed);
    this.link = { loss: 0, duplicate: 0, latencyMs: 1, jitterMs: 0, ...link };
    this.writer = new RtpsWriter({
      guid: this.writerGuid,
      clock: this.clock,
      log: silentLogger,
      emit: (e) => this.writerEvents.push(e),
      send: (t) => {
        for (const s of t.submessages) this.writerSent.push(s);
        this.#fromWriter(t);
      },
    }, writerInit);
  }

  /** Adds a reader in participant `n` (2, 3, …), matched both ways. */
  addReader(n: number, opts: { reliable: boolean; durability?: 'volatile' | 'transient-local'; init?: ReaderInit }): SimReader {
    const prefix = prefixOf(n);
    const guid: Guid = { prefix, entityId: READER_ENTITY };
    const samples: ReceivedSample[] = [];
    const events: ReaderEvent[] = [];
    const sent: Submessage[] = [];
    const core = new RtpsReader({
      guid,
      clock: this.clock,
      log: silentLogger,
      deliver: (s) => samples.push(s),
      emit: (e) => events.push(e),
      send: (t) => {
        for (const s of t.submessages) sent.push(s);
        this.#fromReader(prefix, t);
      },
    }, opts.init ?? {});
    const r: SimReader = { core, prefix, guid, samples, events, sent };
    this.readers.push(r);
    core.addWriterProxy(this.writerGuid, { reliable: opts.reliable });
    this.writer.addReaderProxy(guid, { reliable: opts.reliable, ...(opts.durability ? { durability: opts.durability } : {}) });
    return r;
  }

  removeReader(r: SimReader): void {
    this.writer.removeReaderProxy(r.guid);
    r.core.removeWriterProxy(this.writerGuid);
    this.readers.splice(this.readers.indexOf(r), 1);
  }

  /** The earliest pending event (datagram or core deadline), or undefined. */
  nextEventAt(): number | undefined {
    let at = this.#queue.peek()?.at;
    const consider = (d: number | undefined): void => {
      if (d !== undefined && (at === undefined || d < at)) at = d;
    };
    consider(this.writer.nextDeadline());
    for (const r of this.readers) consider(r.core.nextDeadline());
    return at;
  }

  /** Runs one virtual instant; false when nothing is pending. */
  step(): boolean {
    const at = this.nextEventAt();
    if (at === undefined) return false;
    if (at > this.clock.now()) this.clock.set(at);
    const now = this.clock.now();
    for (let p = this.#queue.peek(); p !== undefined && p.at <= now; p = this.#queue.peek()) {
      this.#queue.pop();
      p.deliver(p.bytes);
    }
    const wd = this.writer.nextDeadline();
    if (wd !== undefined && wd <= now) this.writer.handleTimeout();
    for (const r of this.readers) {
      const d = r.core.nextDeadline();
      if (d !== undefined && d <= now) r.core.handleTimeout();
    }
    return true;
  }

  /** Steps until `done()` or virtual time passes `untilMs`; returns whether `done()` held. */
  runUntil(done: () => boolean, untilMs: number): boolean {
    while (!done()) {
      const at = this.nextEventAt();
      if (at === undefined || at > untilMs) {
        if (untilMs > this.clock.now()) this.clock.set(untilMs);
        return done();
      }
      this.step();
    }
    return true;
  }

  /** Runs every event due up to `ms` from now. */
  runFor(ms: number): void {
    const until = this.clock.now() + ms;
    this.runUntil(() => false, until);
  }

  /** Hands a datagram to every matching endpoint, through encode/decode. */
  #fromWriter(t: ReliabilityTransmit): void {
    for (const r of this.readers) {
      if (t.to !== 'all-matched' && !guidPrefixEquals(t.to, r.prefix)) continue;
      this.#put(this.writerPrefix, r.prefix, t.submessages, (subs, src, ts) => {
        for (const s of subs.submessages) if (s.kind !== 'info-ts' && s.kind !== 'info-dst') r.core.handleSubmessage(src, s, ts.get(s));
      });
    }
  }

  #fromReader(from: GuidPrefix, t: ReliabilityTransmit): void {
    if (t.to === 'all-matched' || !guidPrefixEquals(t.to, this.writerPrefix)) return;
    this.#put(from, this.writerPrefix, t.submessages, (subs, src) => {
      for (const s of subs.submessages) this.writer.handleSubmessage(src, s);
    });
  }

  #put(
    from: GuidPrefix,
    to: GuidPrefix,
    submessages: readonly Submessage[],
    handle: (m: { submessages: readonly Submessage[] }, src: GuidPrefix, ts: Map<Submessage, RtpsTime | undefined>) => void,
  ): void {
    const header: RtpsHeader = { protocolVersion: PROTOCOL_VERSION_2_5, vendorId: VendorIds.OPENDDS, guidPrefix: from };
    const bytes = encodeRtpsMessage(header, [{ kind: 'info-dst', littleEndian: true, guidPrefix: to }, ...submessages]);
    this.datagrams++;
    if (bytes.length > this.largestDatagram) this.largestDatagram = bytes.length;
    const deliver = (b: Uint8Array): void => {
      const m = decodeRtpsMessage(b);
      // The receiver's INFO_TS state (RTPS 2.5 §8.3.4): the timestamp applies to what follows.
      const ts = new Map<Submessage, RtpsTime | undefined>();
      let current: RtpsTime | undefined;
      for (const s of m.submessages) {
        if (s.kind === 'info-ts') current = s.timestamp;
        else ts.set(s, current);
      }
      handle(m, m.header.guidPrefix, ts);
    };
    const copies = this.rng.next() < this.link.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      if (this.rng.next() < this.link.loss) continue;
      const at = this.clock.now() + this.link.latencyMs + this.rng.next() * this.link.jitterMs;
      this.#queue.push({ at, seq: this.#seq++, bytes, deliver });
    }
  }
}

/** A payload of `size` octets (multiple of 4: DATA keeps alignment padding) whose bytes 4..11 carry `n`. */
export function payload(n: number, size: number): Uint8Array {
  const b = new Uint8Array(size);
  b[1] = 1; // CDR_LE encapsulation
  new DataView(b.buffer).setFloat64(4, n, true);
  for (let i = 12; i < size; i++) b[i] = (n + i) & 0xff;
  return b;
}

/** The `n` a {@link payload} carries. */
export function payloadIndex(b: Uint8Array | undefined): number {
  if (b === undefined) return Number.NaN;
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getFloat64(4, true);
}

/** True if the bytes are exactly `payload(n, size)`. */
export function payloadIntact(b: Uint8Array | undefined, n: number, size: number): boolean {
  if (b?.length !== size) return false;
  const want = payload(n, size);
  for (let i = 0; i < size; i++) if (b[i] !== want[i]) return false;
  return true;
}

/** A lone reader whose sends, deliveries and events are captured, for unit tests with crafted input. */
export function makeReader(init: ReaderInit = {}, writer: Guid = { prefix: prefixOf(1), entityId: WRITER_ENTITY }, reliable = true): {
  readonly core: RtpsReader; readonly clock: ManualClock; readonly sent: ReliabilityTransmit[]; readonly samples: ReceivedSample[];
  readonly events: ReaderEvent[]; readonly writer: Guid;
} {
  const clock = new ManualClock();
  const sent: ReliabilityTransmit[] = [];
  const samples: ReceivedSample[] = [];
  const events: ReaderEvent[] = [];
  const core = new RtpsReader({
    guid: { prefix: prefixOf(2), entityId: READER_ENTITY }, clock, log: silentLogger,
    send: (t) => sent.push(t), deliver: (s) => samples.push(s), emit: (e) => events.push(e),
  }, init);
  core.addWriterProxy(writer, { reliable });
  return { core, clock, sent, samples, events, writer };
}

/** A lone writer whose sends and events are captured. */
export function makeWriter(init: WriterInit = {}): {
  readonly core: RtpsWriter; readonly clock: ManualClock; readonly sent: ReliabilityTransmit[]; readonly events: WriterEvent[];
} {
  const clock = new ManualClock();
  const sent: ReliabilityTransmit[] = [];
  const events: WriterEvent[] = [];
  const core = new RtpsWriter({
    guid: { prefix: prefixOf(1), entityId: WRITER_ENTITY }, clock, log: silentLogger,
    send: (t) => sent.push(t), emit: (e) => events.push(e),
  }, init);
  return { core, clock, sent, events };
}

/** The submessages of `transmits` of one kind, flattened. */
export function submessagesOf<K extends Submessage['kind']>(transmits: readonly ReliabilityTransmit[], kind: K): Extract<Submessage, { kind: K }>[] {
  const out: Extract<Submessage, { kind: K }>[] = [];
  for (const t of transmits) for (const s of t.submessages) if (isKind(s, kind)) out.push(s);
  return out;
}

function isKind<K extends Submessage['kind']>(s: Submessage, kind: K): s is Extract<Submessage, { kind: K }> {
  return s.kind === kind;
}
