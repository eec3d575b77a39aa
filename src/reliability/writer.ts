/**
 * The RTPS writer (RTPS 2.5 §8.4.7-8.4.9): a StatefulWriter with one ReaderProxy per matched
 * reader, reliable or best-effort each. Sans-I/O (STYLE.md rule 3): input through `write`,
 * `handleAckNack`, `handleNackFrag`; output through `deps.send`; time through `deps.clock`,
 * `nextDeadline()` and `handleTimeout()`.
 *
 * Per-reader change state is kept compactly instead of one ChangeForReader object per change:
 * - acknowledged: every SN ≤ `ackedUpTo` (the last ACKNACK's base − 1);
 * - requested: the `requested` set (and `requestedFragments` for NACK_FRAG);
 * - unsent: SNs of the history pushed to a late joiner, `[firstRelevant, pushUpTo]`;
 * - underway / unacknowledged: everything else up to the writer's last SN (new changes go to all
 *   matched readers the moment they are written, so a reader never has unsent new changes).
 */
import type {
  AckNackSubmessage, DataFragSubmessage, GapSubmessage, Guid, GuidPrefix, HeartbeatFragSubmessage,
  HeartbeatSubmessage, InfoTsSubmessage, NackFragSubmessage, Submessage,
} from '../rtps/index.js';
import { encodeWriterData, EntityIds, forEachFragmentNumber, forEachSequenceNumber, guidPrefixEquals, MAX_SET_BITS, sizeOfSubmessage } from '../rtps/index.js';
import type { Logger } from '../util/logger.js';
import type { DurabilityKind, WriterInit } from './config.js';
import { INFO_DST_OCTETS, INFO_TS_OCTETS, resolveWriterInit, RTPS_HEADER_OCTETS } from './config.js';
import type { CacheChange } from './history-cache.js';
import { HistoryCache, WireChange } from './history-cache.js';
import { ProxyTable } from './proxy-table.js';
import type { ReliabilityDeps, TransmitDestination, WriteInput, WriterDropReason, WriterEvent, WriteResult } from './types.js';
import { EncodedTransmit, NO_WRITER_DROPS } from './types.js';
import { OctetArena } from '../util/octet-arena.js';
import { allocLarge } from '../util/slab.js';

/** Collaborators of {@link RtpsWriter}. */
export interface WriterDeps extends ReliabilityDeps {
  readonly emit: (e: WriterEvent) => void;
}

/** How a matched reader wants the writer's data. */
export interface ReaderProxyOptions {
  /** RELIABILITY of the remote reader: reliable readers get HEARTBEATs and repairs. */
  readonly reliable: boolean;
  /**
   * DURABILITY of the remote reader. It gets the retained history only when both it and the
   * writer are transient-local; otherwise it starts at the writer's next SN and everything
   * before is declared irrelevant with GAP. Default 'volatile'.
   */
  readonly durability?: DurabilityKind;
}

/** What a test or a status query can see of one reader proxy. */
export interface ReaderProxyState {
  readonly guid: Guid;
  readonly isReliable: boolean;
  /** Every SN ≤ this is acknowledged by the reader. */
  readonly acknowledgedUpTo: number;
  /** SNs below this are irrelevant to the reader (it matched later and is volatile, or earlier ones were gone). */
  readonly firstRelevant: number;
  readonly requestedCount: number;
}

/** RTPS 2.5 §8.4.7.5 ReaderProxy, compact form (see the file comment). */
class ReaderProxy {
  ackedUpTo = 0;
  lastAckNackCount: number | undefined;
  lastNackFragCount: number | undefined;
  readonly requested = new Set<number>();
  readonly requestedFragments = new Map<number, Set<number>>();
  /** When the next repair / history push / HEARTBEAT to this reader alone is due. */
  repairAt: number | undefined;
  /** History still to push to a late joiner: SNs in [firstRelevant, pushUpTo]. */
  pushUpTo = 0;
  /** When this reader was last sent a HEARTBEAT (one per instant is enough). */
  lastHeartbeatAt = Number.NEGATIVE_INFINITY;
  /** nackSuppressionDuration bookkeeping: SN -> time it was last repaired. Used only when the duration > 0. */
  readonly repairedAt = new Map<number, number>();

  constructor(
    readonly guid: Guid,
    readonly isReliable: boolean,
    readonly firstRelevant: number,
  ) {}
}

/**
 * A stateful RTPS writer. Usage: `addReaderProxy` per match (discovery's job), `write` per sample,
 * `handleAckNack` / `handleNackFrag` from the receiver, and `handleTimeout` whenever
 * `nextDeadline()` has passed.
 *
 * Back-pressure: `write` never blocks and never throws for a full history; it returns
 * `{ kind: 'history-full' }` and the writer emits `history-space-available` once a change is
 * released (acknowledged by every reliable reader, or its reader removed).
 */
export class RtpsWriter {
  readonly #deps: WriterDeps;
  readonly #config: Readonly<Required<WriterInit>>;
  readonly #log: Logger;
  readonly #history: HistoryCache;
  readonly #proxies = new ProxyTable<ReaderProxy>();
  readonly #drops: Record<WriterDropReason, number> = { ...NO_WRITER_DROPS };
  #lastSN = 0;
  #heartbeatCount = 0;
  #heartbeatFragCount = 0;
  #reliableCount = 0;
  #heartbeatAt: number | undefined;
  #wasFull = false;
  #allAckedUpTo = 0;
  /** Flow control: payload octets per SN written while reliable readers were matched and not yet acknowledged by all. */
  readonly #unacked = new SnOctetsQueue();
  #unackedBytes = 0;
  /** When a HEARTBEAT last asked for an answer (see {@link RtpsWriter.handleTimeout}). */
  #lastSolicitAt = Number.NEGATIVE_INFINITY;
  /** Payload octets written since a HEARTBEAT last asked for an answer. */
  #sinceSolicit = 0;

  /** Allocates the octets the history keeps: from an OctetArena (keep-all), else the slabs. */
  readonly #alloc: (n: number) => Uint8Array;
  readonly #free: (bytes: Uint8Array) => void;

  /** @throws InvalidConfigError */
  constructor(deps: WriterDeps, init: WriterInit = {}) {
    this.#deps = deps;
    this.#config = resolveWriterInit(init);
    this.#log = deps.log.child('writer');
    const isKeepAll = this.#config.history === 'keep-all';
    // Keep-all releases in SN order, so arena chunks empty in turn. Keep-last may keep one old
    // change per instance for ever, which would pin a whole chunk each: those use the slabs.
    const arena = isKeepAll && deps.flushCount !== undefined ? new OctetArena(deps.flushCount) : undefined;
    this.#history = new HistoryCache(isKeepAll ? undefined : this.#config.depth, arena && ((change) => {
      if (change.octets !== undefined) arena.free(change.octets);
    }));
    this.#alloc = arena === undefined ? allocLarge : (n) => arena.alloc(n);
    this.#free = arena === undefined ? () => undefined : (b) => { arena.free(b); };
  }

  get guid(): Guid {
    return this.#deps.guid;
  }

  /** The resolved configuration. */
  get config(): Readonly<Required<WriterInit>> {
    return this.#config;
  }

  /** The last SN written (0 before the first write). */
  get lastSequenceNumber(): number {
    return this.#lastSN;
  }

  /** Changes held in the history cache. */
  get historySize(): number {
    return this.#history.size;
  }

  /** Payload octets written and not yet acknowledged by every reliable reader (flow control). */
  get unacknowledgedBytes(): number {
    return this.#unackedBytes;
  }

  /** Dropped inputs by reason (a live view; do not mutate). */
  get drops(): Readonly<Record<WriterDropReason, number>> {
    return this.#drops;
  }

  /** The matched readers, in the order added. */
  readerProxies(): ReaderProxyState[] {
    return this.#proxies.all.map((p) => ({
      guid: p.guid,
      isReliable: p.isReliable,
      acknowledgedUpTo: p.ackedUpTo,
      firstRelevant: p.firstRelevant,
      requestedCount: p.requested.size + p.requestedFragments.size,
    }));
  }

  /**
   * Matches a reader. A reliable one gets a HEARTBEAT right away (at the next `handleTimeout`),
   * and a transient-local one the retained history. Returns false if it was already matched.
   */
  addReaderProxy(guid: Guid, options: ReaderProxyOptions): boolean {
    const wantsHistory = this.#config.durability === 'transient-local' && options.durability === 'transient-local';
    const firstHeld = this.#history.firstSequenceNumber() ?? this.#lastSN + 1;
    // Volatile: start at the next SN (RTPS 2.5 §8.7.2.2.x, DDS DURABILITY): the rest is irrelevant.
    const firstRelevant = wantsHistory ? firstHeld : this.#lastSN + 1;
    const proxy = new ReaderProxy({ prefix: guid.prefix.slice(), entityId: guid.entityId }, options.reliable, firstRelevant);
    if (!this.#proxies.add(proxy)) return false;
    if (wantsHistory && this.#history.size > 0) proxy.pushUpTo = this.#lastSN;
    if (proxy.isReliable) {
      this.#reliableCount++;
      // Tell the new reader the range at once (and declare the earlier SNs irrelevant).
      proxy.repairAt = this.#deps.clock.now();
      this.#armHeartbeat(this.#deps.clock.now() + this.#config.heartbeatPeriodMs);
    } else if (proxy.pushUpTo > 0) {
      proxy.repairAt = this.#deps.clock.now();
    }
    return true;
  }

  /**
   * Unmatches a reader: its state and deadlines go, and changes only it had not acknowledged may
   * be released. Returns false if it was not matched.
   */
  removeReaderProxy(guid: Guid): boolean {
    const proxy = this.#proxies.remove(guid);
    if (proxy === undefined) return false;
    if (proxy.isReliable) this.#reliableCount--;
    if (this.#reliableCount === 0) this.#heartbeatAt = undefined;
    this.#release();
    return true;
  }

  /**
   * A copy of `bytes` from the memory the history keeps, for a write that must wait (its caller's
   * array is a scratch view): write it with `isRetained`, or give it back with {@link release}
   * if it is never written.
   */
  retain(bytes: Uint8Array): Uint8Array {
    const out = this.#alloc(bytes.length);
    out.set(bytes);
    return out;
  }

  /** Gives back a copy from {@link retain} that will not be written (the write was aborted). */
  release(bytes: Uint8Array): void {
    this.#free(bytes);
  }

  /**
   * Adds a change to the history and sends it to every matched reader (`to: 'all-matched'`), as
   * DATA or, above `fragmentSize`, as DATA_FRAGs. Never throws for a full history: see
   * {@link WriteResult}.
   */
  write(input: WriteInput): WriteResult {
    const instanceKey = input.instanceKey ?? '';
    if ((this.#history.size >= this.#config.maxSamples && !this.#history.replacesOnAdd(instanceKey)) || this.#isThrottled()) {
      this.#wasFull = true;
      return { kind: 'history-full', historySize: this.#history.size };
    }
    // The SN is taken only once the change encodes: a write that throws leaves no hole behind.
    const sn = this.#lastSN + 1;
    const change = this.#makeChange(sn, instanceKey, input);
    this.#lastSN = sn;
    this.#history.add(change);
    if (this.#reliableCount > 0 && this.#config.maxUnackedBytes > 0) {
      this.#unacked.push(sn, change.payloadBytes);
      this.#unackedBytes += change.payloadBytes;
      this.#sinceSolicit += change.payloadBytes;
    }
    if (this.#proxies.size > 0) this.#sendChange(change, 'all-matched');
    if (this.#reliableCount > 0) {
      // One HEARTBEAT after the burst (Cyclone piggy-backs it after the data).
      this.#armHeartbeat(this.#deps.clock.now() + this.#config.burstHeartbeatDelayMs);
      // Flow control: every quarter window of new data also carries a HEARTBEAT that asks for an
      // answer, so acknowledgements stream back while the burst goes on (writer and reader work at
      // once instead of taking turns at each full window).
      if (this.#config.maxUnackedBytes > 0 && this.#sinceSolicit * 4 >= this.#config.maxUnackedBytes) {
        for (const p of this.#proxies.all) if (p.isReliable && p.ackedUpTo < this.#lastSN) this.#sendControl(p, [], [], true, false);
        this.#sinceSolicit = 0;
      }
    }
    // A new change raises no reader's acknowledgement: only without reliable readers (nothing
    // to wait for) can a write release anything.
    if (this.#reliableCount === 0) this.#release();
    return { kind: 'written', sequenceNumber: sn };
  }

  /**
   * The path to participant `prefix` changed (an ICE pair was selected): what was sent before may
   * not have arrived. At the next `handleTimeout` its reliable readers get the unacknowledged
   * changes again (at most 256 of them and the flow-control window, as one NACK could ask) and a
   * HEARTBEAT, instead of waiting for the next period, the reader's answer and the repair delay.
   * Returns how many readers were scheduled.
   */
  resendOnNewPath(prefix: GuidPrefix): number {
    const now = this.#deps.clock.now();
    const window = this.#config.maxUnackedBytes > 0 ? this.#config.maxUnackedBytes : Number.POSITIVE_INFINITY;
    let n = 0;
    for (const p of this.#proxies.all) {
      if (!p.isReliable || p.ackedUpTo >= this.#lastSN || !guidPrefixEquals(p.guid.prefix, prefix)) continue;
      let bytes = 0;
      let count = 0;
      for (const change of this.#history.range(Math.max(p.ackedUpTo + 1, p.firstRelevant), this.#lastSN)) {
        if (count >= MAX_SET_BITS || bytes >= window) break;
        p.requested.add(change.sequenceNumber);
        bytes += change.payloadBytes;
        count++;
      }
      this.#scheduleRepairAt(p, now);
      n++;
    }
    return n;
  }

  /** Dispatches an ACKNACK or NACK_FRAG from the participant `sourcePrefix`; other kinds are ignored (false). */
  handleSubmessage(sourcePrefix: GuidPrefix, s: Submessage): boolean {
    if (s.kind === 'acknack') this.#onAckNack(sourcePrefix, s);
    else if (s.kind === 'nack-frag') this.#onNackFrag(sourcePrefix, s);
    else return false;
    return true;
  }

  /** RTPS 2.5 §8.4.9.2.8 (reliable StatefulWriter receives ACKNACK). Malformed input is counted and dropped. */
  handleAckNack(readerGuid: Guid, acknack: AckNackSubmessage): void {
    this.#onAckNack(readerGuid.prefix, { ...acknack, readerId: readerGuid.entityId });
  }

  /** RTPS 2.5 §8.4.9.2.x NACK_FRAG: resend the fragments named. Malformed input is counted and dropped. */
  handleNackFrag(readerGuid: Guid, nackFrag: NackFragSubmessage): void {
    this.#onNackFrag(readerGuid.prefix, { ...nackFrag, readerId: readerGuid.entityId });
  }

  /** The earliest time (clock ms) `handleTimeout` has work, or undefined when idle. */
  nextDeadline(): number | undefined {
    let at = this.#heartbeatAt;
    for (const p of this.#proxies.all) {
      if (p.repairAt !== undefined && (at === undefined || p.repairAt < at)) at = p.repairAt;
    }
    return at;
  }

  /** Sends what is due: repairs, history pushes, GAPs and HEARTBEATs. */
  handleTimeout(): void {
    const now = this.#deps.clock.now();
    for (const p of this.#proxies.all) {
      if (p.repairAt !== undefined && p.repairAt <= now) {
        p.repairAt = undefined;
        this.#repair(p, now);
      }
    }
    if (this.#heartbeatAt !== undefined && this.#heartbeatAt <= now) {
      this.#heartbeatAt = undefined;
      let sent = false;
      // With flow control on, a HEARTBEAT after a small burst is final (no ACKNACK wanted, as
      // Cyclone DDS does): a reader still NACKs what it misses, and at least one HEARTBEAT per
      // period, or once a quarter of the window is unacknowledged, asks for an answer.
      const isFinal = this.#mayOmitAck(now);
      for (const p of this.#proxies.all) {
        if (p.isReliable && p.ackedUpTo < this.#lastSN) {
          if (p.lastHeartbeatAt < now) this.#sendControl(p, [], [], true, isFinal);
          sent = true;
        }
      }
      // RTPS 2.5 §8.4.7.2: periodic while something is unacknowledged; silent once all acked.
      if (sent) this.#armHeartbeat(now + this.#config.heartbeatPeriodMs);
    }
  }

  /** Drops all readers and the history; no deadline remains. */
  close(): void {
    this.#proxies.clear();
    this.#reliableCount = 0;
    this.#history.clear();
    this.#unacked.clear();
    this.#unackedBytes = 0;
    this.#heartbeatAt = undefined;
  }

  /** Flow control: a keep-all writer with reliable readers waits while the window is full. */
  #isThrottled(): boolean {
    const max = this.#config.maxUnackedBytes;
    return max > 0 && this.#config.history === 'keep-all' && this.#reliableCount > 0 && this.#unackedBytes >= max;
  }

  /** True when the next HEARTBEAT may be final (see handleTimeout). */
  #mayOmitAck(now: number): boolean {
    const max = this.#config.maxUnackedBytes;
    return max > 0 && this.#unackedBytes * 4 < max && this.#unacked.size * 4 < this.#config.maxSamples
      && now - this.#lastSolicitAt < this.#config.heartbeatPeriodMs;
  }

  #armHeartbeat(at: number): void {
    if (this.#heartbeatAt === undefined || at < this.#heartbeatAt) this.#heartbeatAt = at;
  }

  #drop(reason: WriterDropReason, fields?: Readonly<Record<string, unknown>>): void {
    this.#drops[reason]++;
    if (this.#log.enabled) this.#log.debug('input dropped', { reason, ...fields });
  }

  #sendChange(change: CacheChange, to: TransmitDestination): void {
    if (change.wire !== undefined) {
      this.#deps.send(new EncodedTransmit(to, change.wire));
      return;
    }
    for (const chunk of change.chunks) this.#deps.send({ to, submessages: chunk });
  }

  #makeChange(sn: number, instanceKey: string, input: WriteInput): CacheChange {
    const le = true;
    let payload = input.serializedData;
    const isKey = input.isKey === true;
    const fragmentSize = this.#config.fragmentSize;
    if (payload.length <= fragmentSize) {
      // Kept as octets only, built from the fields (no submessage object per sample; bench/dataplane:
      // history objects that outlive a scavenge were a fifth of the writer's time in GC).
      const change = new WireChange(sn, instanceKey, payload.length, input.sourceTimestamp, encodeWriterData(le, this.#deps.guid.entityId, sn, input.inlineQos, payload, isKey, this.#alloc));
      if (input.isRetained === true) this.#free(payload);
      return change;
    }
    const infoTs: InfoTsSubmessage = { kind: 'info-ts', littleEndian: le, timestamp: input.sourceTimestamp };
    // RTPS 2.5 §8.4.14.1: fragments of fragmentSize; as many per DATA_FRAG as fit the datagram.
    // The DATA_FRAGs keep views of the payload: a transient one is copied first.
    let octets: Uint8Array | undefined;
    if (input.isRetained === true) {
      octets = payload;
    } else if (input.isTransient === true) {
      octets = payload = this.#alloc(payload.length);
      payload.set(input.serializedData);
    }
    const total = Math.ceil(payload.length / fragmentSize);
    const qosOctets = input.inlineQos ? sizeOfSubmessage(dataFragProbe(input.inlineQos)) - sizeOfSubmessage(dataFragProbe(undefined)) : 0;
    const room = this.#config.maxDatagramSize - RTPS_HEADER_OCTETS - INFO_DST_OCTETS - INFO_TS_OCTETS - 36 - qosOctets;
    const perChunk = Math.max(1, Math.floor(room / fragmentSize));
    const chunks: Submessage[][] = [];
    for (let start = 1; start <= total; start += perChunk) {
      const count = Math.min(perChunk, total - start + 1);
      const from = (start - 1) * fragmentSize;
      const frag: DataFragSubmessage = {
        kind: 'data-frag',
        littleEndian: le,
        readerId: EntityIds.UNKNOWN,
        writerId: this.#deps.guid.entityId,
        writerSN: sn,
        fragmentStartingNum: start,
        fragmentsInSubmessage: count,
        fragmentSize,
        sampleSize: payload.length,
        // Inline QoS rides with fragment 1 only (as Cyclone DDS sends it).
        inlineQos: start === 1 ? input.inlineQos : undefined,
        isKey,
        fragments: payload.subarray(from, Math.min(payload.length, from + count * fragmentSize)),
      };
      chunks.push([infoTs, frag]);
    }
    return { sequenceNumber: sn, instanceKey, chunks, totalFragments: total, fragmentsPerChunk: perChunk, payloadBytes: payload.length, octets };
  }

  #onAckNack(prefix: GuidPrefix, a: AckNackSubmessage): void {
    const proxy = this.#proxies.find(prefix, a.readerId);
    if (proxy === undefined) { this.#drop('unknown-reader'); return; }
    if (a.writerId !== this.#deps.guid.entityId && a.writerId !== EntityIds.UNKNOWN) { this.#drop('wrong-writer-id'); return; }
    if (!proxy.isReliable) { this.#drop('best-effort-reader'); return; }
    const set = a.readerSNState;
    // RTPS 2.5 §8.3.5.5 / §8.3.7.1.3: base ≥ 1, numBits ≤ 256; a reader cannot acknowledge SNs never written.
    if (!Number.isSafeInteger(set.base) || set.base < 1 || set.base > this.#lastSN + 1 || !validBitmap(set.numBits, set.bitmap)) {
      this.#drop('invalid-acknack', { base: set.base, numBits: set.numBits }); return;
    }
    // RTPS 2.5 §8.4.15.7: ACKNACKs with a count not above the last one are duplicates.
    if (proxy.lastAckNackCount !== undefined && ((a.count - proxy.lastAckNackCount) | 0) <= 0) { this.#drop('stale-count'); return; }
    proxy.lastAckNackCount = a.count;
    const now = this.#deps.clock.now();
    if (set.base - 1 > proxy.ackedUpTo) {
      proxy.ackedUpTo = set.base - 1;
      for (const sn of proxy.requested) if (sn <= proxy.ackedUpTo) proxy.requested.delete(sn);
      for (const sn of proxy.requestedFragments.keys()) if (sn <= proxy.ackedUpTo) proxy.requestedFragments.delete(sn);
      if (proxy.repairedAt.size > 0) for (const sn of proxy.repairedAt.keys()) if (sn <= proxy.ackedUpTo) proxy.repairedAt.delete(sn);
    }
    const suppressMs = this.#config.nackSuppressionDurationMs;
    const last = this.#lastSN;
    forEachSequenceNumber(set, (sn) => {
      if (sn > last) return;
      if (suppressMs > 0) {
        const at = proxy.repairedAt.get(sn);
        if (at !== undefined && now - at < suppressMs) return;
      }
      proxy.requested.add(sn);
    });
    // RTPS 2.5 §8.3.7.1: without the final flag the reader wants a HEARTBEAT back.
    if (proxy.requested.size > 0 || !a.isFinal) this.#scheduleRepair(proxy, now);
    this.#release();
  }

  #onNackFrag(prefix: GuidPrefix, n: NackFragSubmessage): void {
    const proxy = this.#proxies.find(prefix, n.readerId);
    if (proxy === undefined) { this.#drop('unknown-reader'); return; }
    if (n.writerId !== this.#deps.guid.entityId && n.writerId !== EntityIds.UNKNOWN) { this.#drop('wrong-writer-id'); return; }
    if (!proxy.isReliable) { this.#drop('best-effort-reader'); return; }
    const set = n.fragmentNumberState;
    if (!Number.isSafeInteger(n.writerSN) || n.writerSN < 1 || n.writerSN > this.#lastSN || set.base < 1 || !validBitmap(set.numBits, set.bitmap)) {
      this.#drop('invalid-nack-frag', { writerSN: n.writerSN, base: set.base }); return;
    }
    if (proxy.lastNackFragCount !== undefined && ((n.count - proxy.lastNackFragCount) | 0) <= 0) { this.#drop('stale-count'); return; }
    proxy.lastNackFragCount = n.count;
    if (n.writerSN <= proxy.ackedUpTo) return;
    const change = this.#history.get(n.writerSN);
    if (change === undefined || change.totalFragments === 0) {
      // Gone, or never fragmented: answer as for an ACKNACK of the whole SN (resend or GAP).
      proxy.requested.add(n.writerSN);
    } else {
      let frags = proxy.requestedFragments.get(n.writerSN);
      const total = change.totalFragments;
      forEachFragmentNumber(set, (f) => {
        if (f > total) return;
        if (frags === undefined) {
          frags = new Set<number>();
          proxy.requestedFragments.set(n.writerSN, frags);
        }
        frags.add(f);
      });
      if (frags === undefined) { this.#drop('invalid-nack-frag', { writerSN: n.writerSN, base: set.base }); return; }
    }
    this.#scheduleRepair(proxy, this.#deps.clock.now());
  }

  #scheduleRepair(proxy: ReaderProxy, now: number): void {
    this.#scheduleRepairAt(proxy, now + this.#config.nackResponseDelayMs);
  }

  #scheduleRepairAt(proxy: ReaderProxy, at: number): void {
    if (proxy.repairAt === undefined || at < proxy.repairAt) proxy.repairAt = at;
  }

  /**
   * Serves one proxy: pushes history to a late joiner, resends requested changes and fragments,
   * GAPs what is irrelevant or gone, and closes with a HEARTBEAT (reliable readers).
   */
  #repair(proxy: ReaderProxy, now: number): void {
    const to = proxy.guid.prefix;
    const first = this.#history.firstSequenceNumber() ?? this.#lastSN + 1;
    const gaps: number[] = [];
    if (proxy.pushUpTo > 0) {
      // Transient-local late joiner (RTPS 2.5 §8.4.7.5: its changes start 'unsent').
      let expected = Math.max(proxy.firstRelevant, proxy.ackedUpTo + 1);
      for (const change of this.#history.range(expected, proxy.pushUpTo)) {
        for (let sn = expected; sn < change.sequenceNumber; sn++) gaps.push(sn);
        this.#sendChange(change, to);
        proxy.requested.delete(change.sequenceNumber);
        expected = change.sequenceNumber + 1;
      }
      proxy.pushUpTo = 0;
    }
    if (proxy.requested.size > 0) {
      const sns = Array.from(proxy.requested).sort((x, y) => x - y);
      proxy.requested.clear();
      const suppress = this.#config.nackSuppressionDurationMs > 0;
      // One repair resends at most the flow-control window; the HEARTBEAT that ends it makes the
      // reader NACK the rest, paced by its answers instead of one burst that overruns it again.
      let budget = this.#config.maxUnackedBytes > 0 ? this.#config.maxUnackedBytes : Number.POSITIVE_INFINITY;
      for (const sn of sns) {
        if (sn <= proxy.ackedUpTo) continue;
        const change = sn < proxy.firstRelevant ? undefined : this.#history.get(sn);
        if (change !== undefined) {
          if (budget <= 0) continue;
          budget -= change.payloadBytes;
          this.#sendChange(change, to);
          proxy.requestedFragments.delete(sn);
          if (suppress) proxy.repairedAt.set(sn, now);
        } else if (sn < proxy.firstRelevant || sn >= first) {
          // RTPS 2.5 §8.4.9.2.x: irrelevant to this reader, or removed from the middle of the history.
          gaps.push(sn);
        }
        // Below the history's first SN: the HEARTBEAT below moves the reader's window (lost).
      }
    }
    const fragControl: Submessage[] = [];
    for (const [sn, frags] of proxy.requestedFragments) {
      const change = this.#history.get(sn);
      if (change === undefined) {
        if (sn >= first) gaps.push(sn);
        continue;
      }
      let lastChunk = -1;
      for (const f of Array.from(frags).sort((x, y) => x - y)) {
        const i = Math.floor((f - 1) / change.fragmentsPerChunk);
        if (i === lastChunk) continue;
        lastChunk = i;
        const chunk = change.chunks[i];
        if (chunk !== undefined) this.#deps.send({ to, submessages: chunk });
      }
      // RTPS 2.5 §8.3.7.6: HEARTBEAT_FRAG so the reader NACK_FRAGs what is still missing.
      const hbFrag: HeartbeatFragSubmessage = {
        kind: 'heartbeat-frag',
        littleEndian: true,
        readerId: proxy.guid.entityId,
        writerId: this.#deps.guid.entityId,
        writerSN: sn,
        lastFragmentNum: change.totalFragments,
        count: (this.#heartbeatFragCount = (this.#heartbeatFragCount + 1) | 0),
      };
      fragControl.push(hbFrag);
    }
    proxy.requestedFragments.clear();
    if (gaps.length > 0) gaps.sort((x, y) => x - y);
    if (proxy.isReliable) {
      this.#sendControl(proxy, gaps, fragControl);
    } else if (gaps.length > 0 || fragControl.length > 0) {
      this.#sendControl(proxy, gaps, fragControl, false);
    }
  }

  /**
   * Sends GAPs (`gaps` sorted; plus the "everything before firstRelevant" GAP while the reader has
   * not acknowledged past it), `extra` control submessages and a HEARTBEAT, split over as few
   * datagrams as fit. The GAPs come first so a reader that gets the HEARTBEAT has them too.
   */
  #sendControl(proxy: ReaderProxy, gaps: readonly number[], extra: readonly Submessage[] = [], withHeartbeat = true, isFinal = false): void {
    const out: Submessage[] = [];
    if (proxy.firstRelevant > 1 && proxy.ackedUpTo < proxy.firstRelevant - 1) {
      out.push(this.#gap(proxy, 1, proxy.firstRelevant, []));
    }
    let i = 0;
    while (i < gaps.length) {
      // GAP = [gapStart, gapList.base) plus up to 256 members of gapList (RTPS 2.5 §8.3.7.4).
      const start = gaps[i] ?? 0;
      let end = start + 1;
      i++;
      while (i < gaps.length && gaps[i] === end) { end++; i++; }
      const members: number[] = [];
      while (i < gaps.length && (gaps[i] ?? 0) < end + MAX_SET_BITS) members.push(gaps[i++] ?? 0);
      out.push(this.#gap(proxy, start, end, members));
    }
    for (const s of extra) out.push(s);
    if (withHeartbeat) {
      proxy.lastHeartbeatAt = this.#deps.clock.now();
      if (!isFinal) {
        this.#lastSolicitAt = proxy.lastHeartbeatAt;
        this.#sinceSolicit = 0;
      }
      const first = this.#history.firstSequenceNumber() ?? this.#lastSN + 1;
      const hb: HeartbeatSubmessage = {
        kind: 'heartbeat',
        littleEndian: true,
        readerId: proxy.guid.entityId,
        writerId: this.#deps.guid.entityId,
        firstSN: first,
        lastSN: this.#lastSN,
        count: (this.#heartbeatCount = (this.#heartbeatCount + 1) | 0),
        // Not final (but see handleTimeout): the reader answers, so acknowledgements (and memory release) follow.
        isFinal,
        isLiveliness: false,
      };
      out.push(hb);
    }
    if (out.length === 0) return;
    const budget = this.#config.maxDatagramSize - RTPS_HEADER_OCTETS - INFO_DST_OCTETS;
    let batch: Submessage[] = [];
    let size = 0;
    for (const s of out) {
      const n = sizeOfSubmessage(s);
      if (batch.length > 0 && size + n > budget) {
        this.#deps.send({ to: proxy.guid.prefix, submessages: batch });
        batch = [];
        size = 0;
      }
      batch.push(s);
      size += n;
    }
    this.#deps.send({ to: proxy.guid.prefix, submessages: batch });
  }

  #gap(proxy: ReaderProxy, gapStart: number, listBase: number, members: readonly number[]): GapSubmessage {
    const words = new Uint32Array(MAX_SET_BITS / 32);
    let numBits = 0;
    for (const m of members) {
      const b = m - listBase;
      words[b >>> 5] = ((words[b >>> 5] ?? 0) | (0x80000000 >>> (b & 31))) >>> 0;
      numBits = b + 1;
    }
    return {
      kind: 'gap',
      littleEndian: true,
      readerId: proxy.guid.entityId,
      writerId: this.#deps.guid.entityId,
      gapStart,
      gapList: { base: listBase, numBits, bitmap: words.slice(0, (numBits + 31) >>> 5) },
    };
  }

  /**
   * Releases what every reliable reader acknowledged (volatile writers; a transient-local history
   * is kept for late joiners) and reports space and full acknowledgement.
   */
  #release(): void {
    let min = this.#lastSN;
    for (const p of this.#proxies.all) if (p.isReliable && p.ackedUpTo < min) min = p.ackedUpTo;
    if (this.#config.durability === 'volatile' && min > 0) this.#history.removeUpTo(min);
    if (this.#unacked.size > 0) this.#unackedBytes -= this.#unacked.popUpTo(this.#reliableCount > 0 ? min : Number.POSITIVE_INFINITY);
    if (this.#wasFull && this.#history.size < this.#config.maxSamples && !this.#isThrottled()) {
      this.#wasFull = false;
      this.#deps.emit({ kind: 'history-space-available', historySize: this.#history.size });
    }
    if (this.#reliableCount > 0 && min === this.#lastSN && min > this.#allAckedUpTo) {
      this.#allAckedUpTo = min;
      this.#deps.emit({ kind: 'all-acknowledged', sequenceNumber: min });
    }
  }
}

/** Flow control's (SN, payload octets) of unacknowledged changes, oldest first, in two growing arrays. */
class SnOctetsQueue {
  #sns: number[] = [];
  #octets: number[] = [];
  #head = 0;

  get size(): number {
    return this.#sns.length - this.#head;
  }

  push(sn: number, octets: number): void {
    this.#sns.push(sn);
    this.#octets.push(octets);
  }

  /** Removes the entries with SN ≤ `sn`; returns their octets. */
  popUpTo(sn: number): number {
    let octets = 0;
    let h = this.#head;
    const sns = this.#sns;
    while (h < sns.length && (sns[h] ?? 0) <= sn) octets += this.#octets[h++] ?? 0;
    if (h === sns.length) {
      this.#sns = [];
      this.#octets = [];
      h = 0;
    } else if (h > 4096 && h * 2 > sns.length) {
      this.#sns = sns.slice(h);
      this.#octets = this.#octets.slice(h);
      h = 0;
    }
    this.#head = h;
    return octets;
  }

  clear(): void {
    this.#sns = [];
    this.#octets = [];
    this.#head = 0;
  }
}

/** A numBits/bitmap pair a set may carry (RTPS 2.5 §9.4.2.6): 0..256 bits and enough words. */
function validBitmap(numBits: number, bitmap: Uint32Array): boolean {
  return Number.isInteger(numBits) && numBits >= 0 && numBits <= MAX_SET_BITS && bitmap.length >= (numBits + 31) >>> 5;
}

/** A DATA_FRAG shell used only to size inline QoS. */
function dataFragProbe(inlineQos: DataFragSubmessage['inlineQos']): DataFragSubmessage {
  return {
    kind: 'data-frag', littleEndian: true, readerId: 0, writerId: 0, writerSN: 1, fragmentStartingNum: 1,
    fragmentsInSubmessage: 1, fragmentSize: 1, sampleSize: 1, inlineQos, isKey: false, fragments: new Uint8Array(0),
  };
}
