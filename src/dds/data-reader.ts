/**
 * `DataReader`: a typed facade (STYLE.md rule 12) over one {@link RtpsReader} core. Samples are
 * decoded with the topic's codec and offered as `'data'` events and as an async iterator
 * (`for await (const { sample, info } of reader)`); `'samples-lost'` reports what a writer's
 * keep-last history replaced before it arrived.
 */
import { EventEmitter } from 'node:events';
import type { UserSample } from '../cdr/index.js';
import type { IncompatiblePolicy, RemoteEndpointData } from '../discovery/index.js';
import { keyHashOf, STATUS_INFO_DISPOSED, STATUS_INFO_UNREGISTERED, statusInfoOf } from '../discovery/index.js';
import type { Guid } from '../rtps/index.js';
import { timeToUnixMs } from '../rtps/index.js';
import type { ReaderEvent, ReceivedSample } from '../reliability/index.js';
import { RtpsReader } from '../reliability/index.js';
import { DecodeError } from '../util/errors.js';
import { toHex } from '../util/hex.js';
import { abortErrorOf, EntityClosedError, throwIfAborted, abortable } from './errors.js';
import type { EndpointControl, EndpointHost } from './internal.js';
import type { ResolvedQos } from './qos.js';
import type { Topic } from './topic.js';

/** What came with a sample. */
export interface SampleInfo {
  /** The writer's INFO_TS as Unix ms; undefined when it sent none. */
  readonly sourceTimestampMs: number | undefined;
  /** The remote DataWriter. */
  readonly writerGuid: Guid;
  /** Its RTPS sequence number. */
  readonly sequenceNumber: number;
}

/** One received sample. */
export interface ReceivedData {
  readonly sample: UserSample;
  readonly info: SampleInfo;
}

/** A match with a remote writer began or ended. */
export interface SubscriptionMatchedStatus {
  readonly remote: Guid;
  readonly isMatched: boolean;
  readonly currentCount: number;
}

/** An instance's life-cycle change sent by a writer (dispose / unregister, RTPS 2.5 §9.6.4.9). */
export interface InstanceStateInfo extends SampleInfo {
  /** `disposed`, `unregistered`, or both at once (`disposed-unregistered`). */
  readonly state: 'disposed' | 'unregistered' | 'disposed-unregistered';
  /** The instance's 16-octet key hash (PID_KEY_HASH), or undefined when the writer sent none. */
  readonly keyHash: Uint8Array | undefined;
}

/** Typed events of a {@link DataReader}. */
export interface DataReaderEvents {
  data: [sample: UserSample, info: SampleInfo];
  /** A matched writer disposed or unregistered an instance (a key-only DATA with PID_STATUS_INFO). */
  'instance-state': [info: InstanceStateInfo];
  /** `count` samples from `firstSequenceNumber` of `writer` will never arrive (DDS SAMPLE_LOST). */
  'samples-lost': [status: { readonly writer: Guid; readonly firstSequenceNumber: number; readonly count: number }];
  'subscription-matched': [status: SubscriptionMatchedStatus];
  /** Same topic and partition, but `policy` cannot match (DDS REQUESTED_INCOMPATIBLE_QOS). */
  'incompatible-qos': [status: { readonly remote: Guid; readonly policy: IncompatiblePolicy }];
}

/** Created by {@link DomainParticipant.createDataReader}. */
export class DataReader extends EventEmitter<DataReaderEvents> implements AsyncIterable<ReceivedData> {
  readonly guid: Guid;
  readonly topic: Topic;
  readonly qos: ResolvedQos;
  readonly #host: EndpointHost;
  readonly #core: RtpsReader;
  readonly #control: EndpointControl;
  readonly #matched = new Map<string, Guid>();
  readonly #waiters = new Set<() => void>();
  readonly #iterators = new Set<() => void>();
  #malformed = 0;
  #isClosed = false;

  /** @internal use {@link DomainParticipant.createDataReader}. */
  constructor(host: EndpointHost, topic: Topic, qos: ResolvedQos, guid: Guid) {
    super();
    this.#host = host;
    this.topic = topic;
    this.qos = qos;
    this.guid = guid;
    this.#core = new RtpsReader({
      guid, clock: host.clock, log: host.log.child('reader'),
      send: (t) => { host.transport.send(guid.entityId, t); },
      // The core lends in-order samples (views into the datagram): #take decodes them during the
      // call, and only the decoded result waits for the end of the core call.
      lendsSamples: true,
      deliver: (s) => { this.#take(s); },
      emit: (e) => { host.defer(() => { this.#onCoreEvent(e); }); },
    }, { heartbeatResponseDelayMs: host.config.transport.heartbeatResponseDelayMs });
    const core = this.#core;
    host.transport.addLocalEndpoint({
      entityId: guid.entityId,
      handler: (src, s, ts) => { host.run(() => core.handleSubmessage(src, s, ts)); },
      core: { nextDeadline: () => core.nextDeadline(), handleTimeout: () => { host.run(() => { core.handleTimeout(); }); } },
    });
    this.#control = {
      guid, isWriter: false,
      onMatched: (r) => { this.#onMatched(r); },
      onUnmatched: (g) => { this.#onUnmatched(g); },
      onIncompatible: (remote, policy) => { this.emit('incompatible-qos', { remote, policy }); },
      close: () => { this.#shutdown(); },
    };
    host.register(this.#control, topic, qos);
  }

  /** Remote writers matched now. */
  get matchedWriters(): readonly Guid[] {
    return [...this.#matched.values()];
  }

  /** Delivered, lost and irrelevant sample counts of the core, plus samples that did not decode. */
  get counts(): { readonly delivered: number; readonly lost: number; readonly malformed: number } {
    const c = this.#core.counts;
    return { delivered: c.delivered, lost: c.lost, malformed: this.#malformed };
  }

  /** Resolves once at least `count` writers (default 1) are matched. @throws AbortError; EntityClosedError. */
  async waitForMatch(options: { readonly signal?: AbortSignal; readonly count?: number } = {}): Promise<void> {
    const count = options.count ?? 1;
    throwIfAborted(options.signal);
    if (this.#isClosed) throw new EntityClosedError('reader closed');
    if (this.#matched.size >= count) return;
    await abortable<undefined>(options.signal, (resolve, reject) => {
      const check = (): void => {
        if (this.#isClosed) reject(new EntityClosedError('reader closed'));
        else if (this.#matched.size >= count) resolve(undefined);
      };
      this.#waiters.add(check);
      return () => { this.#waiters.delete(check); };
    });
  }

  /**
   * Samples from now on, in delivery order, until `return()`, the signal aborts (the iterator
   * throws AbortError) or the reader closes (it ends). Samples arriving between two `next()` calls
   * are buffered.
   */
  samples(options: { readonly signal?: AbortSignal } = {}): AsyncIterableIterator<ReceivedData> {
    const { signal } = options;
    const queue: ReceivedData[] = [];
    let wake: (() => void) | undefined;
    let isEnded = this.#isClosed;
    let failure: Error | undefined;
    const onData = (sample: UserSample, info: SampleInfo): void => { queue.push({ sample, info }); wake?.(); };
    const end = (): void => {
      if (isEnded && wake === undefined) return;
      isEnded = true;
      this.off('data', onData);
      this.#iterators.delete(end);
      signal?.removeEventListener('abort', onAbort);
      wake?.();
    };
    const onAbort = (): void => { if (signal !== undefined) failure = abortErrorOf(signal); end(); };
    if (!isEnded) {
      this.on('data', onData);
      this.#iterators.add(end);
      if (signal?.aborted === true) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    }
    const iterator: AsyncIterableIterator<ReceivedData> = {
      next: async (): Promise<IteratorResult<ReceivedData, undefined>> => {
        for (;;) {
          const item = queue.shift();
          if (item !== undefined) return { value: item, done: false };
          if (failure !== undefined) throw failure;
          if (isEnded) return { value: undefined, done: true };
          await new Promise<void>((r) => { wake = r; });
          wake = undefined;
        }
      },
      return: (): Promise<IteratorResult<ReceivedData, undefined>> => {
        end();
        return Promise.resolve({ value: undefined, done: true });
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<ReceivedData> {
    return this.samples();
  }

  /** Unregisters from discovery and releases the core; iterators end. Idempotent. */
  close(): void {
    if (this.#isClosed) return;
    this.#host.unregister(this.#control);
    this.#shutdown();
  }

  /**
   * A sample from the core, whose bytes may be lent (valid during this call only): everything the
   * user gets is decoded or copied here, and the event waits for the end of the core call
   * (`host.defer`), so no listener runs inside the core.
   */
  #take(s: ReceivedSample): void {
    if (this.#isClosed) return;
    const status = statusInfoOf(s.inlineQos) & (STATUS_INFO_DISPOSED | STATUS_INFO_UNREGISTERED);
    if (status !== 0) {
      // Cyclone and OpenDDS send these key-only, Fast DDS may add the payload: never a data sample.
      const state = status === STATUS_INFO_DISPOSED ? 'disposed' : status === STATUS_INFO_UNREGISTERED ? 'unregistered' : 'disposed-unregistered';
      const ts = s.sourceTimestamp;
      const info: InstanceStateInfo = {
        state, keyHash: keyHashOf(s.inlineQos)?.slice(),
        sourceTimestampMs: ts === undefined ? undefined : timeToUnixMs(ts), writerGuid: s.writer, sequenceNumber: s.sequenceNumber,
      };
      this.#host.defer(() => { if (!this.#isClosed) this.emit('instance-state', info); });
      return;
    }
    if (s.serializedData === undefined) return; // key-only without a status: nothing to report
    let sample: UserSample;
    try {
      sample = this.topic.codec.decode(s.serializedData);
    } catch (err) {
      // One bad sample must not stop the others (STYLE.md rule 7): counted, logged, dropped.
      if (!(err instanceof DecodeError)) throw err;
      this.#malformed++;
      this.#host.log.warn('sample does not decode', { field: err.field, offset: err.offset, writer: toHex(s.writer.prefix) });
      return;
    }
    const ts = s.sourceTimestamp;
    const info: SampleInfo = { sourceTimestampMs: ts === undefined ? undefined : timeToUnixMs(ts), writerGuid: s.writer, sequenceNumber: s.sequenceNumber };
    this.#host.defer(() => { if (!this.#isClosed) this.emit('data', sample, info); });
  }

  #onCoreEvent(e: ReaderEvent): void {
    switch (e.kind) {
      case 'samples-lost': this.emit('samples-lost', { writer: e.writer, firstSequenceNumber: e.firstSN, count: e.count }); break;
      case 'liveliness-asserted': break;
      default: { const never: never = e; return never; }
    }
  }

  #notify(): void {
    for (const w of [...this.#waiters]) w();
  }

  #onMatched(remote: RemoteEndpointData): void {
    const g = remote.endpointGuid;
    const key = `${toHex(g.prefix)}.${g.entityId}`;
    if (this.#matched.has(key)) return;
    const guid: Guid = { prefix: g.prefix.slice(), entityId: g.entityId };
    this.#matched.set(key, guid);
    // An absent RELIABILITY of a writer is RELIABLE (DDS default for writers).
    const isReliable = this.qos.reliability === 'reliable' && (remote.qos.reliability?.kind ?? 'reliable') === 'reliable';
    this.#core.addWriterProxy(guid, { reliable: isReliable });
    this.#host.transport.matchRemoteWriter(this.guid.entityId, guid, remote.unicastLocators);
    this.emit('subscription-matched', { remote: guid, isMatched: true, currentCount: this.#matched.size });
    this.#notify();
  }

  #onUnmatched(remote: Guid): void {
    const key = `${toHex(remote.prefix)}.${remote.entityId}`;
    const guid = this.#matched.get(key);
    if (guid === undefined) return;
    this.#matched.delete(key);
    this.#core.removeWriterProxy(guid);
    this.#host.transport.unmatchRemoteWriter(this.guid.entityId, guid);
    this.emit('subscription-matched', { remote: guid, isMatched: false, currentCount: this.#matched.size });
    this.#notify();
  }

  #shutdown(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#core.close();
    this.#host.transport.removeLocalEndpoint(this.guid.entityId);
    for (const end of [...this.#iterators]) end();
    this.#notify();
    this.#waiters.clear();
    this.removeAllListeners();
  }
}
