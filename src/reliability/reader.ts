/**
 * The RTPS reader (RTPS 2.5 §8.4.10-8.4.12): a StatefulReader with one WriterProxy per matched
 * writer, reliable or best-effort each. Sans-I/O (STYLE.md rule 3): input through `handleData`,
 * `handleDataFrag`, `handleHeartbeat`, `handleHeartbeatFrag`, `handleGap` (or `handleSubmessage`);
 * output through `deps.send` (ACKNACK, NACK_FRAG), `deps.deliver` and `deps.emit`.
 *
 * ChangeFromWriter state per writer, compactly: every SN below `nextExpected` is done
 * (delivered, lost or irrelevant); in `[nextExpected, nextExpected + window)` the `buffer` holds
 * received samples and irrelevant markers and `partials` the samples being reassembled; everything
 * else up to the highest SN known is missing. Nothing from the network ever throws out of the core:
 * malformed or hostile input is counted in {@link RtpsReader.drops} and dropped.
 */
import type {
  AckNackSubmessage, DataFragSubmessage, DataSubmessage, GapSubmessage, Guid, GuidPrefix, HeartbeatFragSubmessage,
  HeartbeatSubmessage, InlineQosParameter, NackFragSubmessage, RtpsTime, Submessage,
} from '../rtps/index.js';
import { EntityIds, forEachSequenceNumber, fragmentsByteLength, MAX_SET_BITS } from '../rtps/index.js';
import { assertNever } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import type { ReaderInit } from './config.js';
import { resolveReaderInit } from './config.js';
import { ProxyTable } from './proxy-table.js';
import { Reassembly } from './reassembly.js';
import type { ReaderDropReason, ReaderEvent, ReceivedSample, ReliabilityDeps } from './types.js';
import { NO_READER_DROPS } from './types.js';

/** Collaborators of {@link RtpsReader}. */
export interface ReaderDeps extends ReliabilityDeps {
  /** Receives each sample once, in SN order per reliable writer. Must not re-enter the reader. */
  readonly deliver: (sample: ReceivedSample) => void;
  /**
   * True: a sample delivered straight from the DATA that carried it (the next in order, or any
   * best-effort one) is lent: its `serializedData` / `serializedKey` and inline QoS values alias the
   * received datagram and are valid only during the `deliver` call, which decodes or copies what
   * it keeps. So is a reassembled sample delivered as soon as it completes: its octets are a
   * reassembly buffer that is reused after the call. Samples held back for ordering own their
   * bytes. Saves a copy and an allocation per in-order sample. Default false: every delivered
   * sample owns its bytes.
   */
  readonly lendsSamples?: boolean;
  readonly emit: (e: ReaderEvent) => void;
}

/** How the reader treats a matched writer. */
export interface WriterProxyOptions {
  /** Reliable: in-order, exactly-once delivery with ACKNACK / NACK_FRAG repair. Best-effort: newest in order. */
  readonly reliable: boolean;
}

/** What a test or a status query can see of one writer proxy. */
export interface WriterProxyState {
  readonly guid: Guid;
  readonly isReliable: boolean;
  /** Every SN below this is delivered, lost or irrelevant. */
  readonly nextExpected: number;
  readonly bufferedSamples: number;
  readonly partialSamples: number;
}

/** Marks an SN the writer declared irrelevant (GAP) inside the window. */
const IRRELEVANT = 0;
type Slot = ReceivedSample | typeof IRRELEVANT;

/** Partial samples a best-effort writer may have in reassembly before the oldest is evicted. */
const BEST_EFFORT_MAX_PARTIALS = 8;

/** RTPS 2.5 §8.4.10.4 WriterProxy, compact form (see the file comment). */
class WriterProxy {
  nextExpected = 1;
  readonly buffer = new Map<number, Slot>();
  readonly partials = new Map<number, Reassembly>();
  /** Highest SN the writer is known to have (HEARTBEAT lastSN or an SN received). */
  highestKnown = 0;
  lastHeartbeatCount: number | undefined;
  lastHeartbeatFragCount: number | undefined;
  hasHeartbeat = false;
  ackNackAt: number | undefined;
  ackNackCount = 0;
  nackFragCount = 0;

  constructor(
    readonly guid: Guid,
    readonly isReliable: boolean,
  ) {}
}

/**
 * A stateful RTPS reader. Usage: `addWriterProxy` per match (discovery's job), the `handle*`
 * methods from the receiver (which tracks INFO_TS and passes the source timestamp), and
 * `handleTimeout` whenever `nextDeadline()` has passed.
 */
export class RtpsReader {
  readonly #deps: ReaderDeps;
  readonly #config: Readonly<Required<ReaderInit>>;
  readonly #log: Logger;
  readonly #proxies = new ProxyTable<WriterProxy>();
  readonly #drops: Record<ReaderDropReason, number> = { ...NO_READER_DROPS };
  #bufferedBytes = 0;
  #delivered = 0;
  #irrelevant = 0;
  #lost = 0;

  /** @throws InvalidConfigError */
  constructor(deps: ReaderDeps, init: ReaderInit = {}) {
    this.#deps = deps;
    this.#config = resolveReaderInit(init);
    this.#log = deps.log.child('reader');
  }

  get guid(): Guid {
    return this.#deps.guid;
  }

  get config(): Readonly<Required<ReaderInit>> {
    return this.#config;
  }

  /** Dropped inputs by reason (a live view; do not mutate). */
  get drops(): Readonly<Record<ReaderDropReason, number>> {
    return this.#drops;
  }

  /** Samples delivered, SNs lost (reported) and SNs skipped as irrelevant, over all writers. */
  get counts(): { readonly delivered: number; readonly lost: number; readonly irrelevant: number } {
    return { delivered: this.#delivered, lost: this.#lost, irrelevant: this.#irrelevant };
  }

  /** Octets held in out-of-order buffers and reassemblies (bounded by `maxBufferedBytes`). */
  get bufferedBytes(): number {
    return this.#bufferedBytes;
  }

  writerProxies(): WriterProxyState[] {
    return this.#proxies.all.map((p) => ({
      guid: p.guid,
      isReliable: p.isReliable,
      nextExpected: p.nextExpected,
      bufferedSamples: p.buffer.size,
      partialSamples: p.partials.size,
    }));
  }

  /**
   * Matches a writer. A reliable one gets a pre-emptive ACKNACK (non-final, base 1) at the next
   * `handleTimeout`, so it answers with a HEARTBEAT (as Cyclone DDS does). False if already matched.
   */
  addWriterProxy(guid: Guid, options: WriterProxyOptions): boolean {
    const proxy = new WriterProxy({ prefix: guid.prefix.slice(), entityId: guid.entityId }, options.reliable);
    if (!this.#proxies.add(proxy)) return false;
    if (proxy.isReliable) proxy.ackNackAt = this.#deps.clock.now();
    return true;
  }

  /** Unmatches a writer, freeing its buffers; no deadline of it remains. False if not matched. */
  removeWriterProxy(guid: Guid): boolean {
    const proxy = this.#proxies.remove(guid);
    if (proxy === undefined) return false;
    this.#clearBuffers(proxy, Number.POSITIVE_INFINITY);
    return true;
  }

  /**
   * Dispatches a submessage from the participant `sourcePrefix` (DATA, DATA_FRAG, HEARTBEAT,
   * HEARTBEAT_FRAG, GAP); other kinds are ignored (false). `sourceTimestamp` is the INFO_TS in effect.
   */
  handleSubmessage(sourcePrefix: GuidPrefix, s: Submessage, sourceTimestamp?: RtpsTime): boolean {
    switch (s.kind) {
      case 'data': this.#onData(sourcePrefix, s, sourceTimestamp); return true;
      case 'data-frag': this.#onDataFrag(sourcePrefix, s, sourceTimestamp); return true;
      case 'heartbeat': this.#onHeartbeat(sourcePrefix, s); return true;
      case 'heartbeat-frag': this.#onHeartbeatFrag(sourcePrefix, s); return true;
      case 'gap': this.#onGap(sourcePrefix, s); return true;
      case 'acknack': case 'nack-frag': case 'info-ts': case 'info-src': case 'info-dst': case 'info-reply':
      case 'info-reply-ip4': case 'pad': case 'unknown':
        return false;
      default: return assertNever(s, 'submessage');
    }
  }

  handleData(writerGuid: Guid, data: DataSubmessage, sourceTimestamp?: RtpsTime): void {
    this.#onData(writerGuid.prefix, { ...data, writerId: writerGuid.entityId }, sourceTimestamp);
  }

  handleDataFrag(writerGuid: Guid, frag: DataFragSubmessage, sourceTimestamp?: RtpsTime): void {
    this.#onDataFrag(writerGuid.prefix, { ...frag, writerId: writerGuid.entityId }, sourceTimestamp);
  }

  handleHeartbeat(writerGuid: Guid, hb: HeartbeatSubmessage): void {
    this.#onHeartbeat(writerGuid.prefix, { ...hb, writerId: writerGuid.entityId });
  }

  handleHeartbeatFrag(writerGuid: Guid, hbf: HeartbeatFragSubmessage): void {
    this.#onHeartbeatFrag(writerGuid.prefix, { ...hbf, writerId: writerGuid.entityId });
  }

  handleGap(writerGuid: Guid, gap: GapSubmessage): void {
    this.#onGap(writerGuid.prefix, { ...gap, writerId: writerGuid.entityId });
  }

  /** The earliest time (clock ms) `handleTimeout` has work, or undefined when idle. */
  nextDeadline(): number | undefined {
    let at: number | undefined;
    for (const p of this.#proxies.all) {
      if (p.ackNackAt !== undefined && (at === undefined || p.ackNackAt < at)) at = p.ackNackAt;
    }
    return at;
  }

  /** Sends the ACKNACKs (and NACK_FRAGs) that are due. */
  handleTimeout(): void {
    const now = this.#deps.clock.now();
    for (const p of this.#proxies.all) {
      if (p.ackNackAt !== undefined && p.ackNackAt <= now) {
        p.ackNackAt = undefined;
        this.#sendAckNack(p);
      }
    }
  }

  /** Drops every writer and buffer; no deadline remains. */
  close(): void {
    for (const p of this.#proxies.all) this.#clearBuffers(p, Number.POSITIVE_INFINITY);
    this.#proxies.clear();
  }

  #drop(reason: ReaderDropReason, fields?: Readonly<Record<string, unknown>>): void {
    this.#drops[reason]++;
    if (this.#log.enabled) this.#log.debug('input dropped', { reason, ...fields });
  }

  /** The proxy a submessage from `prefix` to `readerId` about `writerId` belongs to, or undefined (counted). */
  #proxyFor(prefix: GuidPrefix, writerId: number, readerId: number): WriterProxy | undefined {
    const proxy = this.#proxies.find(prefix, writerId);
    if (proxy === undefined) {
      this.#drop('unknown-writer');
      return undefined;
    }
    if (readerId !== EntityIds.UNKNOWN && readerId !== this.#deps.guid.entityId) {
      this.#drop('not-addressed');
      return undefined;
    }
    return proxy;
  }

  #onData(prefix: GuidPrefix, d: DataSubmessage, ts: RtpsTime | undefined): void {
    const proxy = this.#proxyFor(prefix, d.writerId, d.readerId);
    if (proxy === undefined) return;
    const sn = d.writerSN;
    if (!this.#admit(proxy, sn)) return;
    // #accept delivers at once exactly when best-effort or next in order; only then may it be lent.
    const isLent = this.#deps.lendsSamples === true && (!proxy.isReliable || sn === proxy.nextExpected);
    const sample: ReceivedSample = isLent ? {
      writer: proxy.guid,
      sequenceNumber: sn,
      serializedData: d.serializedData,
      serializedKey: d.serializedKey,
      inlineQos: d.inlineQos,
      sourceTimestamp: ts,
    } : {
      writer: proxy.guid,
      sequenceNumber: sn,
      serializedData: d.serializedData?.slice(),
      serializedKey: d.serializedKey?.slice(),
      inlineQos: copyInlineQos(d.inlineQos),
      sourceTimestamp: ts,
    };
    const partial = proxy.partials.get(sn);
    if (partial !== undefined) {
      proxy.partials.delete(sn);
      this.#bufferedBytes -= partial.footprint;
    }
    this.#accept(proxy, sn, sample);
  }

  #onDataFrag(prefix: GuidPrefix, f: DataFragSubmessage, ts: RtpsTime | undefined): void {
    const proxy = this.#proxyFor(prefix, f.writerId, f.readerId);
    if (proxy === undefined) return;
    const sn = f.writerSN;
    // Bound memory before anything else: RTPS 2.5 §8.3.8.3 puts no limit on sampleSize.
    if (!Number.isSafeInteger(f.sampleSize) || f.sampleSize > this.#config.maxSampleSize) {
      this.#drop('sample-too-large', { sampleSize: f.sampleSize }); return;
    }
    const length = fragmentsByteLength(f.fragmentStartingNum, f.fragmentsInSubmessage, f.fragmentSize, f.sampleSize);
    if (!Number.isInteger(f.fragmentStartingNum) || !Number.isInteger(f.fragmentsInSubmessage) || !Number.isInteger(f.fragmentSize) ||
        length < 0 || length !== f.fragments.length) {
      this.#drop('invalid-fragment', { start: f.fragmentStartingNum, count: f.fragmentsInSubmessage, sampleSize: f.sampleSize }); return;
    }
    if (!this.#admit(proxy, sn)) return;
    let partial = proxy.partials.get(sn);
    if (partial === undefined) {
      const footprint = f.sampleSize + Math.ceil(f.sampleSize / f.fragmentSize);
      if (!proxy.isReliable && proxy.partials.size >= BEST_EFFORT_MAX_PARTIALS) this.#evictOldestPartial(proxy);
      if (this.#bufferedBytes + footprint > this.#config.maxBufferedBytes) { this.#drop('buffer-full', { sampleSize: f.sampleSize }); return; }
      partial = new Reassembly(f.sampleSize, f.fragmentSize, f.isKey);
      proxy.partials.set(sn, partial);
      this.#bufferedBytes += partial.footprint;
    } else if (partial.sampleSize !== f.sampleSize || partial.fragmentSize !== f.fragmentSize || partial.isKey !== f.isKey) {
      this.#drop('invalid-fragment', { sn, reason: 'inconsistent with earlier fragments' }); return;
    }
    if (partial.add(f.fragmentStartingNum, f.fragmentsInSubmessage, f.fragments) === 0) { this.#drop('duplicate'); return; }
    if (partial.inlineQos === undefined && f.inlineQos !== undefined) partial.inlineQos = copyInlineQos(f.inlineQos);
    if (partial.sourceTimestamp === undefined) partial.sourceTimestamp = ts;
    if (sn > proxy.highestKnown) proxy.highestKnown = sn;
    if (!partial.isComplete) return;
    proxy.partials.delete(sn);
    this.#bufferedBytes -= partial.footprint;
    // Delivered now (as #onData's lent samples): a lent sample is done with once deliver returns,
    // so its buffer goes back to the pool. One held back for ordering keeps its own.
    const isLent = this.#deps.lendsSamples === true && (!proxy.isReliable || sn === proxy.nextExpected);
    this.#accept(proxy, sn, {
      writer: proxy.guid,
      sequenceNumber: sn,
      serializedData: partial.isKey ? undefined : partial.data,
      serializedKey: partial.isKey ? partial.data : undefined,
      inlineQos: partial.inlineQos,
      sourceTimestamp: partial.sourceTimestamp,
    });
    if (isLent) partial.recycle();
  }

  /** Checks an incoming SN against the proxy's state; false (counted) when it is to be dropped. */
  #admit(proxy: WriterProxy, sn: number): boolean {
    if (!Number.isSafeInteger(sn) || sn < 1) {
      this.#drop('invalid-sequence-number', { sn });
      return false;
    }
    if (sn < proxy.nextExpected || proxy.buffer.has(sn)) {
      this.#drop('duplicate');
      return false;
    }
    if (proxy.isReliable && sn >= proxy.nextExpected + this.#config.maxBufferedSamples) {
      this.#drop('outside-window', { sn });
      return false;
    }
    return true;
  }

  /** A complete sample: deliver it now if it is next (or best-effort), else buffer it. */
  #accept(proxy: WriterProxy, sn: number, sample: ReceivedSample): void {
    if (sn > proxy.highestKnown) proxy.highestKnown = sn;
    if (!proxy.isReliable) {
      // Best-effort (RTPS 2.5 §8.4.12.1): newest in order; older and duplicates are dropped.
      proxy.nextExpected = sn + 1;
      this.#deliver(sample);
      for (const [psn, partial] of proxy.partials) {
        if (psn < sn) {
          proxy.partials.delete(psn);
          this.#bufferedBytes -= partial.footprint;
        }
      }
      return;
    }
    if (sn === proxy.nextExpected) {
      proxy.nextExpected++;
      this.#deliver(sample);
      this.#drain(proxy);
      return;
    }
    const bytes = sizeOf(sample);
    if (this.#bufferedBytes + bytes > this.#config.maxBufferedBytes) { this.#drop('buffer-full', { sn }); return; }
    proxy.buffer.set(sn, sample);
    this.#bufferedBytes += bytes;
  }

  #deliver(sample: ReceivedSample): void {
    this.#delivered++;
    this.#deps.deliver(sample);
  }

  /** Delivers (or skips irrelevant) buffered SNs from nextExpected while they are contiguous. */
  #drain(proxy: WriterProxy): void {
    for (;;) {
      const slot = proxy.buffer.get(proxy.nextExpected);
      if (slot === undefined) return;
      proxy.buffer.delete(proxy.nextExpected);
      proxy.nextExpected++;
      if (slot === IRRELEVANT) {
        this.#irrelevant++;
      } else {
        this.#bufferedBytes -= sizeOf(slot);
        this.#deliver(slot);
      }
    }
  }

  /**
   * Moves nextExpected to `target`. Below it, buffered samples are delivered ('lost': the
   * HEARTBEAT's firstSN moved, what did arrive is still good) or dropped ('irrelevant': a GAP);
   * SNs that never arrived are reported lost or counted irrelevant.
   */
  #skipTo(proxy: WriterProxy, target: number, why: 'lost' | 'irrelevant'): void {
    const windowEnd = Math.min(target, proxy.nextExpected + this.#config.maxBufferedSamples);
    let lostFrom = 0;
    let lostCount = 0;
    const flushLost = (): void => {
      if (lostCount === 0) return;
      this.#lost += lostCount;
      this.#deps.emit({ kind: 'samples-lost', writer: proxy.guid, firstSN: lostFrom, count: lostCount });
      lostCount = 0;
    };
    for (let sn = proxy.nextExpected; sn < windowEnd; sn++) {
      const slot = proxy.buffer.get(sn);
      if (slot !== undefined) {
        proxy.buffer.delete(sn);
        if (slot === IRRELEVANT) {
          this.#irrelevant++;
        } else {
          this.#bufferedBytes -= sizeOf(slot);
          if (why === 'lost') this.#deliver(slot);
          else this.#irrelevant++;
        }
        flushLost();
      } else if (why === 'lost') {
        if (lostCount === 0) lostFrom = sn;
        lostCount++;
      } else {
        this.#irrelevant++;
      }
    }
    // Beyond the window nothing can be buffered: one run.
    if (target > windowEnd) {
      if (why === 'lost') {
        if (lostCount === 0) lostFrom = windowEnd;
        lostCount += target - windowEnd;
      } else {
        this.#irrelevant += target - windowEnd;
      }
    }
    flushLost();
    proxy.nextExpected = target;
    this.#clearBuffers(proxy, target);
    this.#drain(proxy);
  }

  /** Frees buffered samples and reassemblies below `below`. */
  #clearBuffers(proxy: WriterProxy, below: number): void {
    for (const [sn, slot] of proxy.buffer) {
      if (sn >= below) continue;
      proxy.buffer.delete(sn);
      if (slot !== IRRELEVANT) this.#bufferedBytes -= sizeOf(slot);
    }
    for (const [sn, partial] of proxy.partials) {
      if (sn >= below) continue;
      proxy.partials.delete(sn);
      this.#bufferedBytes -= partial.footprint;
    }
  }

  #evictOldestPartial(proxy: WriterProxy): void {
    let oldest = Number.POSITIVE_INFINITY;
    for (const sn of proxy.partials.keys()) if (sn < oldest) oldest = sn;
    const partial = proxy.partials.get(oldest);
    if (partial === undefined) return;
    proxy.partials.delete(oldest);
    this.#bufferedBytes -= partial.footprint;
  }

  #onHeartbeat(prefix: GuidPrefix, hb: HeartbeatSubmessage): void {
    const proxy = this.#proxyFor(prefix, hb.writerId, hb.readerId);
    if (proxy === undefined) return;
    // RTPS 2.5 §8.3.7.5.3: firstSN ≥ 1, lastSN ≥ 0, lastSN ≥ firstSN − 1.
    if (!Number.isSafeInteger(hb.firstSN) || !Number.isSafeInteger(hb.lastSN) || hb.firstSN < 1 || hb.lastSN < 0 || hb.lastSN < hb.firstSN - 1) {
      this.#drop('invalid-heartbeat', { firstSN: hb.firstSN, lastSN: hb.lastSN }); return;
    }
    // RTPS 2.5 §8.4.15.7: a count not above the last one is a duplicate or stale HEARTBEAT.
    if (proxy.lastHeartbeatCount !== undefined && ((hb.count - proxy.lastHeartbeatCount) | 0) <= 0) { this.#drop('stale-count'); return; }
    proxy.lastHeartbeatCount = hb.count;
    if (hb.isLiveliness) this.#deps.emit({ kind: 'liveliness-asserted', writer: proxy.guid });
    if (!proxy.isReliable) return;
    proxy.hasHeartbeat = true;
    if (hb.lastSN > proxy.highestKnown) proxy.highestKnown = hb.lastSN;
    // RTPS 2.5 §8.4.10.4.3 lost_changes_update: what is below the writer's firstSN will not come.
    if (hb.firstSN > proxy.nextExpected) this.#skipTo(proxy, hb.firstSN, 'lost');
    // Cyclone DDS: answer only when something is missing or the writer asks (not final). A
    // positive acknowledgement goes at once (waiting aggregates nothing, and a writer with flow
    // control waits for it); a NACK waits heartbeatResponseDelay for stragglers.
    const isMissing = this.#hasMissing(proxy);
    if (isMissing) this.#scheduleAckNack(proxy);
    else if (!hb.isFinal) this.#scheduleAckNack(proxy, 0);
  }

  #onHeartbeatFrag(prefix: GuidPrefix, hbf: HeartbeatFragSubmessage): void {
    const proxy = this.#proxyFor(prefix, hbf.writerId, hbf.readerId);
    if (proxy === undefined) return;
    if (!Number.isSafeInteger(hbf.writerSN) || hbf.writerSN < 1 || hbf.lastFragmentNum < 1) {
      this.#drop('invalid-heartbeat', { writerSN: hbf.writerSN, lastFragmentNum: hbf.lastFragmentNum }); return;
    }
    if (proxy.lastHeartbeatFragCount !== undefined && ((hbf.count - proxy.lastHeartbeatFragCount) | 0) <= 0) { this.#drop('stale-count'); return; }
    proxy.lastHeartbeatFragCount = hbf.count;
    if (!proxy.isReliable || hbf.writerSN < proxy.nextExpected || proxy.buffer.has(hbf.writerSN)) return;
    if (hbf.writerSN > proxy.highestKnown) proxy.highestKnown = hbf.writerSN;
    // RTPS 2.5 §8.4.12.x: fragments up to lastFragmentNum exist; NACK_FRAG the missing ones.
    this.#scheduleAckNack(proxy);
  }

  #onGap(prefix: GuidPrefix, gap: GapSubmessage): void {
    const proxy = this.#proxyFor(prefix, gap.writerId, gap.readerId);
    if (proxy === undefined) return;
    const list = gap.gapList;
    // RTPS 2.5 §8.3.7.4.3: gapStart ≥ 1, gapList.base ≥ gapStart, a valid set.
    if (!Number.isSafeInteger(gap.gapStart) || !Number.isSafeInteger(list.base) || gap.gapStart < 1 || list.base < gap.gapStart ||
        !Number.isInteger(list.numBits) || list.numBits < 0 || list.numBits > MAX_SET_BITS || list.bitmap.length < (list.numBits + 31) >>> 5) {
      this.#drop('invalid-gap', { gapStart: gap.gapStart, base: list.base }); return;
    }
    if (!proxy.isReliable) return;
    const windowEnd = proxy.nextExpected + this.#config.maxBufferedSamples;
    if (gap.gapStart <= proxy.nextExpected) {
      if (list.base > proxy.nextExpected) this.#skipTo(proxy, list.base, 'irrelevant');
    } else {
      const end = Math.min(list.base, windowEnd);
      for (let sn = gap.gapStart; sn < end; sn++) this.#markIrrelevant(proxy, sn);
    }
    forEachSequenceNumber(list, (sn) => {
      if (sn < proxy.nextExpected + this.#config.maxBufferedSamples) this.#markIrrelevant(proxy, sn);
    });
    const highest = list.numBits > 0 ? list.base + list.numBits - 1 : list.base - 1;
    if (highest > proxy.highestKnown) proxy.highestKnown = highest;
    this.#drain(proxy);
  }

  #markIrrelevant(proxy: WriterProxy, sn: number): void {
    if (sn < proxy.nextExpected) return;
    const slot = proxy.buffer.get(sn);
    if (slot !== undefined && slot !== IRRELEVANT) this.#bufferedBytes -= sizeOf(slot);
    proxy.buffer.set(sn, IRRELEVANT);
    const partial = proxy.partials.get(sn);
    if (partial !== undefined) {
      proxy.partials.delete(sn);
      this.#bufferedBytes -= partial.footprint;
    }
  }

  /** True if an SN in [nextExpected, highestKnown] is neither buffered nor irrelevant. */
  #hasMissing(proxy: WriterProxy): boolean {
    if (proxy.highestKnown < proxy.nextExpected) return false;
    return proxy.buffer.size < proxy.highestKnown - proxy.nextExpected + 1;
  }

  #scheduleAckNack(proxy: WriterProxy, delayMs = this.#config.heartbeatResponseDelayMs): void {
    const at = this.#deps.clock.now() + delayMs;
    if (proxy.ackNackAt === undefined || at < proxy.ackNackAt) proxy.ackNackAt = at;
  }

  /**
   * RTPS 2.5 §8.4.12.2: ACKNACK with base = the first SN not yet done and a bitmap (≤ 256) of the
   * missing SNs; samples with some fragments get a NACK_FRAG instead of a bit (Cyclone DDS does
   * the same). Final when nothing is missing and a HEARTBEAT was heard.
   */
  #sendAckNack(proxy: WriterProxy): void {
    const base = proxy.nextExpected;
    const limit = Math.min(proxy.highestKnown, base + MAX_SET_BITS - 1);
    const words = new Uint32Array(MAX_SET_BITS / 32);
    let numBits = 0;
    const out: Submessage[] = [];
    const writerId = proxy.guid.entityId;
    const readerId = this.#deps.guid.entityId;
    const nackFrags: NackFragSubmessage[] = [];
    for (let sn = base; sn <= limit; sn++) {
      if (proxy.buffer.has(sn)) continue;
      const partial = proxy.partials.get(sn);
      if (partial !== undefined) {
        const missing = partial.missing();
        if (missing !== undefined && nackFrags.length < this.#config.maxNackFragsPerResponse) {
          proxy.nackFragCount = (proxy.nackFragCount + 1) | 0;
          nackFrags.push({ kind: 'nack-frag', littleEndian: true, readerId, writerId, writerSN: sn, fragmentNumberState: missing, count: proxy.nackFragCount });
        }
        continue;
      }
      const b = sn - base;
      words[b >>> 5] = ((words[b >>> 5] ?? 0) | (0x80000000 >>> (b & 31))) >>> 0;
      numBits = b + 1;
    }
    proxy.ackNackCount = (proxy.ackNackCount + 1) | 0;
    const acknack: AckNackSubmessage = {
      kind: 'acknack',
      littleEndian: true,
      readerId,
      writerId,
      readerSNState: { base, numBits, bitmap: words.slice(0, (numBits + 31) >>> 5) },
      count: proxy.ackNackCount,
      isFinal: numBits === 0 && nackFrags.length === 0 && proxy.hasHeartbeat,
    };
    out.push(acknack);
    for (const n of nackFrags) out.push(n);
    this.#deps.send({ to: proxy.guid.prefix, submessages: out });
  }
}

function sizeOf(sample: ReceivedSample): number {
  return (sample.serializedData?.length ?? 0) + (sample.serializedKey?.length ?? 0) + 64;
}

function copyInlineQos(q: readonly InlineQosParameter[] | undefined): readonly InlineQosParameter[] | undefined {
  return q?.map((p) => ({ pid: p.pid, value: p.value.slice() }));
}
