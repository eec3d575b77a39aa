/**
 * What the reliability cores exchange with their driver (STYLE.md rules 3, 10, 12): transmits,
 * deliveries, events and drop counters. The cores never touch a socket; the transport turns a
 * {@link ReliabilityTransmit} into a datagram (RTPS header + INFO_DST + the submessages).
 */
import type { EncodedChunk, Guid, GuidPrefix, InlineQosParameter, RtpsTime, Submessage } from '../rtps/index.js';
import { decodeEncodedChunk } from '../rtps/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';

/**
 * Where a transmit goes: one remote participant (the transport puts an INFO_DST with this prefix in
 * front and sends to that participant's selected path or locators), or every reader the writer has
 * matched (`readerId` is ENTITYID_UNKNOWN in the DATA; the transport fans out to each matched
 * reader's participant once, or multicasts).
 */
export type TransmitDestination = GuidPrefix | 'all-matched';

/**
 * One unit of output. Its submessages always fit one datagram of the core's `maxDatagramSize`
 * (RTPS header and INFO_DST included), so the transport may put several transmits for the same
 * destination into one datagram but never has to split one. A transmit that carries DATA or
 * DATA_FRAG starts with its own INFO_TS, so batching never lends a timestamp to the wrong sample.
 * The arrays may be shared between transmits (repairs resend the same objects): never mutate them.
 */
export interface ReliabilityTransmit {
  readonly to: TransmitDestination;
  readonly submessages: readonly Submessage[];
  /**
   * The same transmit already encoded (a change's `[INFO_TS, DATA]`, built once at write time):
   * a transport sends this instead of encoding `submessages` again.
   */
  readonly encoded?: EncodedChunk;
}

/** A transmit of an encoded change: `submessages` are decoded only when someone asks for them. */
export class EncodedTransmit implements ReliabilityTransmit {
  constructor(readonly to: TransmitDestination, readonly encoded: EncodedChunk) {}

  get submessages(): readonly Submessage[] {
    return decodeEncodedChunk(this.encoded);
  }
}

/** Collaborators of both cores (STYLE.md rule 15: deps are required, config is optional). */
export interface ReliabilityDeps {
  /** This endpoint's GUID: readerId/writerId of everything it sends. */
  readonly guid: Guid;
  readonly clock: Clock;
  /** Fire-and-forget; must not re-enter the core. */
  readonly send: (t: ReliabilityTransmit) => void;
  readonly log: Logger;
  /**
   * The transport's `Transport.flushCount`: lets a writer reuse the octets of changes that left its
   * history once their queued transmits are gone (OctetArena). Omitted: nothing is reused.
   */
  readonly flushCount?: () => number;
}

/** A sample as the writer's user hands it over. */
export interface WriteInput {
  /**
   * The SerializedPayload (encapsulation header included). Kept by reference in the history
   * cache until the change is released: do not mutate it after `write`.
   */
  readonly serializedData: Uint8Array;
  /**
   * The instance this sample belongs to (e.g. the hex key hash), for keep-last per instance.
   * Omitted: the topic has one instance (no key).
   */
  readonly instanceKey?: string;
  /**
   * `serializedData` is a scratch view valid only during `write` (EncodeOptions.transient): the
   * writer copies what it keeps (the encoded DATA, or the payload of a fragmented sample).
   */
  readonly isTransient?: boolean;
  /**
   * `serializedData` came from {@link RtpsWriter.retain} (a write that had to wait): the writer
   * adopts it as the payload of a fragmented change, or gives it back once it encoded the DATA.
   */
  readonly isRetained?: boolean;
  /** Flag K: `serializedData` is the serialized key (dispose / unregister), not the data. */
  readonly isKey?: boolean;
  /** Inline QoS (key hash, status info, …) to put in the DATA (or the first DATA_FRAG). */
  readonly inlineQos?: readonly InlineQosParameter[];
  /** Sent in the INFO_TS in front of the DATA; omitted = INFO_TS with the invalidate flag. */
  readonly sourceTimestamp?: RtpsTime;
}

/**
 * The outcome of {@link RtpsWriter.write}: `written` with the sequence number given, or
 * `history-full` when a keep-all history (or a keep-last one with `maxSamples` instances full)
 * has no room. Nothing was sent then; the writer emits `history-space-available` once room frees.
 */
export type WriteResult =
  | { readonly kind: 'written'; readonly sequenceNumber: number }
  | { readonly kind: 'history-full'; readonly historySize: number };

/** Events of {@link RtpsWriter} (STYLE.md rule 12). */
export type WriterEvent =
  /** After a `history-full` result: a change was released; `write` may succeed again. */
  | { readonly kind: 'history-space-available'; readonly historySize: number }
  /** Every matched reliable reader has acknowledged every change up to `sequenceNumber` (the writer's last). */
  | { readonly kind: 'all-acknowledged'; readonly sequenceNumber: number };

/**
 * A sample delivered by {@link RtpsReader}; it owns its bytes (copied out of the datagram), unless
 * the reader was created with `ReaderDeps.lendsSamples` (then in-order samples are lent).
 */
export interface ReceivedSample {
  /** The matched writer (the object given to `addWriterProxy`). */
  readonly writer: Guid;
  readonly sequenceNumber: number;
  /** Exactly one of `serializedData` / `serializedKey` is set. */
  readonly serializedData: Uint8Array | undefined;
  readonly serializedKey: Uint8Array | undefined;
  readonly inlineQos: readonly InlineQosParameter[] | undefined;
  /** The INFO_TS in effect when the DATA (or the first DATA_FRAG seen) arrived. */
  readonly sourceTimestamp: RtpsTime | undefined;
}

/** Events of {@link RtpsReader} (STYLE.md rule 12). */
export type ReaderEvent =
  /**
   * Sequence numbers `[firstSN, firstSN + count)` of a reliable writer will never arrive: the
   * writer's HEARTBEAT moved its firstSN past them (keep-last replaced them) before they arrived.
   * SNs the writer declared irrelevant with GAP are skipped silently.
   */
  | { readonly kind: 'samples-lost'; readonly writer: Guid; readonly firstSN: number; readonly count: number }
  /** A HEARTBEAT with the liveliness flag arrived (RTPS 2.5 §8.3.7.5). */
  | { readonly kind: 'liveliness-asserted'; readonly writer: Guid };

/** Why the writer dropped an input (counted in {@link RtpsWriter.drops}, logged at debug). */
export type WriterDropReason =
  | 'unknown-reader' | 'wrong-writer-id' | 'best-effort-reader' | 'stale-count' | 'invalid-acknack' | 'invalid-nack-frag';

/** All writer drop counters at zero; copy with a spread. */
export const NO_WRITER_DROPS: Readonly<Record<WriterDropReason, number>> = Object.freeze({
  'unknown-reader': 0,
  'wrong-writer-id': 0,
  'best-effort-reader': 0,
  'stale-count': 0,
  'invalid-acknack': 0,
  'invalid-nack-frag': 0,
});

/** Why the reader dropped an input (counted in {@link RtpsReader.drops}, logged at debug). */
export type ReaderDropReason =
  | 'unknown-writer' | 'not-addressed' | 'invalid-sequence-number' | 'duplicate' | 'outside-window' | 'buffer-full'
  | 'sample-too-large' | 'invalid-fragment' | 'stale-count' | 'invalid-heartbeat' | 'invalid-gap';

/** All reader drop counters at zero; copy with a spread. */
export const NO_READER_DROPS: Readonly<Record<ReaderDropReason, number>> = Object.freeze({
  'unknown-writer': 0,
  'not-addressed': 0,
  'invalid-sequence-number': 0,
  duplicate: 0,
  'outside-window': 0,
  'buffer-full': 0,
  'sample-too-large': 0,
  'invalid-fragment': 0,
  'stale-count': 0,
  'invalid-heartbeat': 0,
  'invalid-gap': 0,
});
