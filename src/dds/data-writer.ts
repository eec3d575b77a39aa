/**
 * `DataWriter`: a typed facade (STYLE.md rule 12) over one {@link RtpsWriter} core. `write` encodes
 * with the topic's codec, adds the key hash (PID_KEY_HASH inline QoS) for keyed types and blocks
 * (asynchronously, AbortSignal-aware) while a keep-all history is full, resuming in order when the
 * core reports space.
 */
import { EventEmitter } from 'node:events';
import type { EncodeOptions, UserSample } from '../cdr/index.js';
import type { IncompatiblePolicy, RemoteEndpointData } from '../discovery/index.js';
import { PID_KEY_HASH, PID_STATUS_INFO } from '../idl/pid.js';
import { STATUS_INFO_DISPOSED, STATUS_INFO_UNREGISTERED } from '../discovery/index.js';
import type { Guid, InlineQosParameter, RtpsTime } from '../rtps/index.js';
import { guidEquals, TIME_ZERO, timeFromUnixMs } from '../rtps/index.js';
import type { WriteInput, WriterEvent, WriteResult } from '../reliability/index.js';
import { DATA_FRAG_DATAGRAM_OVERHEAD, RtpsWriter } from '../reliability/index.js';
import { toHex } from '../util/hex.js';
import { abortable, DdsUsageError, EntityClosedError, throwIfAborted } from './errors.js';
import type { EndpointControl, EndpointHost } from './internal.js';
import type { ResolvedQos } from './qos.js';
import type { Topic } from './topic.js';

/** A match with a remote reader began or ended. */
export interface PublicationMatchedStatus {
  readonly remote: Guid;
  readonly isMatched: boolean;
  /** Readers matched now. */
  readonly currentCount: number;
}

/** Typed events of a {@link DataWriter}. */
export interface DataWriterEvents {
  'publication-matched': [status: PublicationMatchedStatus];
  /** Same topic and partition, but `policy` cannot match (DDS OFFERED_INCOMPATIBLE_QOS). */
  'incompatible-qos': [status: { readonly remote: Guid; readonly policy: IncompatiblePolicy }];
}

/** Options of {@link DataWriter.write}. */
export interface WriteOptions {
  /** Cancels a write blocked by a full keep-all history. */
  readonly signal?: AbortSignal;
  /** Source timestamp (Unix ms); default now. */
  readonly sourceTimestampMs?: number;
}

/** Result of a write. */
export interface WriteInfo {
  readonly sequenceNumber: number;
}

interface Blocked {
  readonly input: WriteInput;
  resolve(info: WriteInfo): void;
  reject(err: Error): void;
}

/** Key-hash inline QoS reserves 20 octets (+ status info 8) in a DATA_FRAG datagram (docs/reliability.md). */
const INLINE_QOS_RESERVE = 32;

/** Created by {@link DomainParticipant.createDataWriter}. */
export class DataWriter extends EventEmitter<DataWriterEvents> {
  readonly guid: Guid;
  readonly topic: Topic;
  readonly qos: ResolvedQos;
  readonly #host: EndpointHost;
  readonly #core: RtpsWriter;
  readonly #control: EndpointControl;
  readonly #matched = new Map<string, Guid>();
  readonly #blocked: Blocked[] = [];
  #lastSourceMs = Number.NaN;
  readonly #encodeOptions: EncodeOptions;
  #lastKeyHash: Uint8Array | undefined;
  #lastInlineQos: readonly InlineQosParameter[] = [];
  #lastInstanceKey = '';
  #lastSourceTime: RtpsTime = TIME_ZERO;
  readonly #waiters = new Set<() => void>();
  #isClosed = false;

  /** @internal use {@link DomainParticipant.createDataWriter}. */
  constructor(host: EndpointHost, topic: Topic, qos: ResolvedQos, guid: Guid) {
    super();
    this.#host = host;
    this.topic = topic;
    this.qos = qos;
    this.guid = guid;
    this.#encodeOptions = { encapsulation: topic.encapsulation, transient: true };
    const max = host.transport.maxDatagramSize;
    this.#core = new RtpsWriter({
      guid, clock: host.clock, log: host.log.child('writer'),
      send: (t) => { host.transport.send(guid.entityId, t); },
      flushCount: () => host.transport.flushCount,
      emit: (e) => { host.defer(() => { this.#onCoreEvent(e); }); },
    }, {
      history: qos.history, depth: qos.depth, maxSamples: qos.maxSamples, durability: qos.durability,
      heartbeatPeriodMs: host.config.transport.heartbeatPeriodMs, nackResponseDelayMs: host.config.transport.nakResponseDelayMs,
      maxDatagramSize: max, fragmentSize: Math.min(max - DATA_FRAG_DATAGRAM_OVERHEAD - INLINE_QOS_RESERVE, 65_000),
      maxUnackedBytes: host.config.transport.maxUnackedBytes,
    });
    const core = this.#core;
    host.transport.addLocalEndpoint({
      entityId: guid.entityId,
      handler: (src, s) => { host.run(() => core.handleSubmessage(src, s)); },
      core: { nextDeadline: () => core.nextDeadline(), handleTimeout: () => { host.run(() => { core.handleTimeout(); }); } },
    });
    this.#control = {
      guid, isWriter: true,
      onMatched: (r) => { this.#onMatched(r); },
      onUnmatched: (g) => { this.#onUnmatched(g); },
      onIncompatible: (remote, policy) => { this.emit('incompatible-qos', { remote, policy }); },
      onPathSelected: (remotePrefixHex) => {
        for (const g of this.#matched.values()) {
          if (toHex(g.prefix) === remotePrefixHex) { host.run(() => { core.resendOnNewPath(g.prefix); }); return; }
        }
      },
      close: () => { this.#shutdown(new EntityClosedError('participant closed')); },
    };
    host.register(this.#control, topic, qos);
  }

  /** Remote readers matched now. */
  get matchedReaders(): readonly Guid[] {
    return [...this.#matched.values()];
  }

  /** Changes in the history (unacknowledged, or kept for late joiners). */
  get historySize(): number {
    return this.#core.historySize;
  }

  /**
   * Publishes one sample. Resolves at once unless the history is full (keep-all, `maxSamples`),
   * then when room frees; writes complete in call order.
   * @throws DdsUsageError when the codec rejects the sample; AbortError on `signal`; EntityClosedError.
   */
  write(sample: UserSample, options: WriteOptions = {}): Promise<WriteInfo> {
    // Not `async`: a write that completes at once costs one settled promise (the hot path of
    // bench/dataplane); every error still arrives as a rejection.
    let input: WriteInput;
    try {
      this.#checkWritable(options);
      input = this.#encode(sample, options.sourceTimestampMs ?? this.#host.wallClockMs());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    return this.#submit(input, options);
  }

  #checkWritable(options: WriteOptions): void {
    throwIfAborted(options.signal);
    if (this.#isClosed) throw new EntityClosedError('writer closed');
  }

  async #writeInput(encode: () => WriteInput, options: WriteOptions): Promise<WriteInfo> {
    this.#checkWritable(options);
    return this.#submit(encode(), options);
  }

  #submit(input: WriteInput, options: WriteOptions): Promise<WriteInfo> {
    if (this.#blocked.length === 0) {
      let r: WriteResult;
      try {
        r = this.#host.run(() => this.#core.write(input));
      } catch (err) {
        return Promise.reject(err instanceof Error ? err : new Error(String(err)));
      }
      if (r.kind === 'written') return Promise.resolve({ sequenceNumber: r.sequenceNumber });
    }
    let entry: Blocked | undefined;
    return abortable<WriteInfo>(options.signal, (resolve, reject) => {
      // It waits: a scratch view would be overwritten by the next encode. The copy comes from the
      // memory the history keeps, which a fragmented change adopts as it is.
      const kept = input.isTransient === true
        ? { ...input, serializedData: this.#core.retain(input.serializedData), isTransient: false, isRetained: true }
        : input;
      entry = { input: kept, resolve, reject };
      this.#blocked.push(entry);
      return () => {
        const i = entry === undefined ? -1 : this.#blocked.indexOf(entry);
        if (i < 0) return;
        this.#blocked.splice(i, 1);
        if (kept.isRetained === true) this.#core.release(kept.serializedData);
      };
    });
  }

  /**
   * Disposes the instance of `sample` (only its key members are used): readers get an
   * `instance-state` event with `disposed` (RTPS 2.5 §9.6.4.9: a key-only DATA with PID_STATUS_INFO
   * and PID_KEY_HASH). Ordered and reliable like any write.
   * @throws DdsUsageError for a topic without key members or a sample whose key does not encode;
   * AbortError; EntityClosedError.
   */
  async dispose(sample: UserSample, options: WriteOptions = {}): Promise<WriteInfo> {
    return this.#writeInput(() => this.#encodeKeyOnly(sample, STATUS_INFO_DISPOSED, options), options);
  }

  /** Unregisters the instance of `sample`: readers get `instance-state` with `unregistered`. See {@link dispose}. */
  async unregisterInstance(sample: UserSample, options: WriteOptions = {}): Promise<WriteInfo> {
    return this.#writeInput(() => this.#encodeKeyOnly(sample, STATUS_INFO_UNREGISTERED, options), options);
  }

  /**
   * Resolves once at least `count` readers (default 1) are matched.
   * @throws AbortError on `signal`; EntityClosedError.
   */
  async waitForMatch(options: { readonly signal?: AbortSignal; readonly count?: number } = {}): Promise<void> {
    const count = options.count ?? 1;
    return this.#waitUntil(options.signal, () => this.#matched.size >= count);
  }

  /** Resolves once every matched reliable reader acknowledged everything written (history drained for volatile). */
  async waitForAcknowledgments(options: { readonly signal?: AbortSignal } = {}): Promise<void> {
    return this.#waitUntil(options.signal, () => this.#core.readerProxies().every((p) => !p.isReliable || p.acknowledgedUpTo >= this.#core.lastSequenceNumber));
  }

  /** Unregisters from discovery and releases the core; pending writes reject with EntityClosedError. Idempotent. */
  close(): void {
    if (this.#isClosed) return;
    this.#host.unregister(this.#control);
    this.#shutdown(new EntityClosedError('writer closed'));
  }

  #waitUntil(signal: AbortSignal | undefined, cond: () => boolean): Promise<void> {
    throwIfAborted(signal);
    if (this.#isClosed) return Promise.reject(new EntityClosedError('writer closed'));
    if (cond()) return Promise.resolve();
    return abortable<undefined>(signal, (resolve, reject) => {
      const check = (): void => {
        if (this.#isClosed) reject(new EntityClosedError('writer closed'));
        else if (cond()) resolve(undefined);
      };
      this.#waiters.add(check);
      return () => { this.#waiters.delete(check); };
    }).then(() => undefined);
  }

  #notify(): void {
    for (const w of [...this.#waiters]) w();
  }

  #encode(sample: UserSample, sourceMs: number): WriteInput {
    const codec = this.topic.codec;
    let serializedData: Uint8Array;
    try {
      // A scratch view: the core copies it into the DATA it keeps, so one copy per sample.
      serializedData = codec.encode(sample, this.#encodeOptions);
    } catch (err) {
      throw new DdsUsageError(`sample does not encode as ${this.topic.typeName}`, { cause: err });
    }
    // Samples written in the same millisecond share one time object (and one INFO_TS on the wire).
    if (sourceMs !== this.#lastSourceMs) {
      this.#lastSourceMs = sourceMs;
      this.#lastSourceTime = timeFromUnixMs(sourceMs);
    }
    const sourceTimestamp = this.#lastSourceTime;
    if (!codec.hasKey) return { serializedData, sourceTimestamp, isTransient: true };
    const keyHash = codec.keyHash(sample);
    // RTPS 2.5 §9.6.4.8: PID_KEY_HASH identifies the instance; keep-last also keeps depth per
    // instance (a keep-all history never looks at the instance key, so it costs no string).
    // Consecutive samples of one instance share the inline QoS (and its key string).
    if (!sameBytes(keyHash, this.#lastKeyHash)) {
      this.#lastKeyHash = keyHash;
      this.#lastInlineQos = [{ pid: PID_KEY_HASH, value: keyHash }];
      this.#lastInstanceKey = this.qos.history === 'keep-last' ? toHex(keyHash) : '';
    }
    return { serializedData, sourceTimestamp, instanceKey: this.#lastInstanceKey, inlineQos: this.#lastInlineQos, isTransient: true };
  }

  #encodeKeyOnly(sample: UserSample, status: number, options: WriteOptions): WriteInput {
    const codec = this.topic.codec;
    if (!codec.hasKey) throw new DdsUsageError(`${this.topic.typeName} has no key members: nothing to dispose or unregister`);
    let serializedData: Uint8Array;
    let keyHash: Uint8Array;
    try {
      serializedData = codec.encodeKey(sample, { encapsulation: this.topic.encapsulation });
      keyHash = codec.keyHash(sample);
    } catch (err) {
      throw new DdsUsageError(`key of the sample does not encode as ${this.topic.typeName}`, { cause: err });
    }
    return {
      serializedData, isKey: true, sourceTimestamp: timeFromUnixMs(options.sourceTimestampMs ?? this.#host.wallClockMs()),
      instanceKey: this.qos.history === 'keep-last' ? toHex(keyHash) : '',
      inlineQos: [{ pid: PID_KEY_HASH, value: keyHash }, { pid: PID_STATUS_INFO, value: Uint8Array.of(0, 0, 0, status) }],
    };
  }

  #onCoreEvent(e: WriterEvent): void {
    switch (e.kind) {
      case 'history-space-available': this.#drainBlocked(); break;
      case 'all-acknowledged': break;
      default: { const never: never = e; return never; }
    }
    this.#notify();
  }

  #drainBlocked(): void {
    while (this.#blocked.length > 0 && !this.#isClosed) {
      const head = this.#blocked[0];
      if (head === undefined) break;
      const r = this.#host.run(() => this.#core.write(head.input));
      if (r.kind === 'history-full') break;
      this.#blocked.shift();
      head.resolve({ sequenceNumber: r.sequenceNumber });
    }
  }

  #onMatched(remote: RemoteEndpointData): void {
    const g = remote.endpointGuid;
    const key = `${toHex(g.prefix)}.${g.entityId}`;
    if (this.#matched.has(key)) return;
    const guid: Guid = { prefix: g.prefix.slice(), entityId: g.entityId };
    this.#matched.set(key, guid);
    const isReliable = this.qos.reliability === 'reliable' && remote.qos.reliability?.kind === 'reliable';
    const durability = remote.qos.durability === undefined || remote.qos.durability === 'volatile' ? 'volatile' : 'transient-local';
    this.#core.addReaderProxy(guid, { reliable: isReliable, durability });
    this.#host.transport.matchRemoteReader(this.guid.entityId, guid, remote.unicastLocators);
    this.emit('publication-matched', { remote: guid, isMatched: true, currentCount: this.#matched.size });
    this.#notify();
  }

  #onUnmatched(remote: Guid): void {
    const key = `${toHex(remote.prefix)}.${remote.entityId}`;
    const guid = this.#matched.get(key);
    if (guid === undefined) return;
    this.#matched.delete(key);
    this.#core.removeReaderProxy(guid);
    this.#host.transport.unmatchRemoteReader(this.guid.entityId, guid);
    this.emit('publication-matched', { remote: guid, isMatched: false, currentCount: this.#matched.size });
    // A volatile writer may release what only that reader held.
    this.#drainBlocked();
    this.#notify();
  }

  #shutdown(err: Error): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#core.close();
    this.#host.transport.removeLocalEndpoint(this.guid.entityId);
    for (const b of this.#blocked.splice(0)) b.reject(err);
    this.#notify();
    this.#waiters.clear();
    this.removeAllListeners();
  }

  /** True when `guid` is matched. */
  isMatchedWith(guid: Guid): boolean {
    return [...this.#matched.values()].some((g) => guidEquals(g, guid));
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array | undefined): boolean {
  if (b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
