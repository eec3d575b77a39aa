/**
 * Configuration of the writer and reader cores: one frozen default object each (STYLE.md rule 15),
 * validated in the constructors. The sources of the defaults are in docs/reliability.md.
 */
import { InvalidConfigError } from '../util/errors.js';

/** RTPS message header (RTPS 2.5 §9.4.4). */
export const RTPS_HEADER_OCTETS = 20;
/** INFO_DST submessage the transport puts in front of every unicast transmit (RTPS 2.5 §9.4.5.6). */
export const INFO_DST_OCTETS = 16;
/** INFO_TS with a timestamp (RTPS 2.5 §9.4.5.9). */
export const INFO_TS_OCTETS = 12;
/** DATA_FRAG header and fixed fields, without inline QoS and fragments (RTPS 2.5 §9.4.5.4). */
export const DATA_FRAG_FIXED_OCTETS = 36;
/** Everything in a datagram around the fragments of a DATA_FRAG without inline QoS. */
export const DATA_FRAG_DATAGRAM_OVERHEAD = RTPS_HEADER_OCTETS + INFO_DST_OCTETS + INFO_TS_OCTETS + DATA_FRAG_FIXED_OCTETS;

export type HistoryKind = 'keep-last' | 'keep-all';
export type DurabilityKind = 'volatile' | 'transient-local';

/** User configuration of {@link RtpsWriter}; everything optional. */
export interface WriterInit {
  /** HISTORY kind. Default 'keep-last'. */
  readonly history?: HistoryKind;
  /** HISTORY depth per instance for keep-last. Default 1 (the DDS default). */
  readonly depth?: number;
  /**
   * RESOURCE_LIMITS max_samples: changes the history may hold. A write that needs more returns
   * `history-full`. Default 10,000.
   */
  readonly maxSamples?: number;
  /** DURABILITY: transient-local keeps the history for late-joining readers. Default 'volatile'. */
  readonly durability?: DurabilityKind;
  /**
   * Period of HEARTBEATs to reliable readers that have unacknowledged changes (RTPS 2.5 §8.4.7.2
   * heartbeatPeriod). Default 1,000 (OpenDDS `heartbeat_period`); SEDP uses 200.
   */
  readonly heartbeatPeriodMs?: number;
  /**
   * Delay from a write to the HEARTBEAT that closes the burst. 0 (the default) puts it at the
   * next `handleTimeout`, which a driver runs after the current burst of writes: one HEARTBEAT per
   * burst, as Cyclone DDS piggy-backs it after the data.
   */
  readonly burstHeartbeatDelayMs?: number;
  /** RTPS 2.5 §8.4.7.1 nackResponseDelay: wait before answering an ACKNACK / NACK_FRAG. Default 200. */
  readonly nackResponseDelayMs?: number;
  /** RTPS 2.5 §8.4.7.1 nackSuppressionDuration: ignore a NACK of a change repaired this recently. Default 0. */
  readonly nackSuppressionDurationMs?: number;
  /**
   * Largest datagram a transmit may need (RTPS header + INFO_DST + submessages). Default 1,400:
   * under a 1,500-octet MTU with IPv6 + UDP headers and tunnel margin, because NATs on the ICE
   * path often drop IP fragments (RFC 8085 §3.2). OpenDDS's 65,466 works on a LAN.
   */
  readonly maxDatagramSize?: number;
  /**
   * Payloads longer than this go out as DATA_FRAG with fragments of this many octets. Default 1,280:
   * a fragment plus DATA_FRAG, INFO_TS, INFO_DST and RTPS header (84 octets) and a key hash and
   * status info in inline QoS (32) fit 1,400. Must leave room for the 84 in `maxDatagramSize`.
   */
  readonly fragmentSize?: number;
  /**
   * Flow control of a keep-all writer with reliable readers (Cyclone DDS's `WhcHigh`): while the
   * payload octets written but not yet acknowledged by every reliable reader reach this, `write`
   * returns `history-full` and resumes when acknowledgements bring it below. It keeps a burst from
   * overrunning the reader's socket buffer, which on UDP turns into loss and repair storms. Also
   * caps the octets one repair resends. 0 (the default of the core) = unlimited; DataWriter uses
   * the transport's `max_unacked_bytes` (524,288). Keep-last writers never block on it (DDS).
   */
  readonly maxUnackedBytes?: number;
}

export const DEFAULT_WRITER_INIT: Readonly<Required<WriterInit>> = Object.freeze({
  history: 'keep-last',
  depth: 1,
  maxSamples: 10_000,
  durability: 'volatile',
  heartbeatPeriodMs: 1_000,
  burstHeartbeatDelayMs: 0,
  nackResponseDelayMs: 200,
  nackSuppressionDurationMs: 0,
  maxDatagramSize: 1_400,
  fragmentSize: 1_280,
  maxUnackedBytes: 0,
});

/** User configuration of {@link RtpsReader}; everything optional. */
export interface ReaderInit {
  /** RTPS 2.5 §8.4.10.1 heartbeatResponseDelay: wait before answering a HEARTBEAT. Default 500 (spec, OpenDDS). */
  readonly heartbeatResponseDelayMs?: number;
  /**
   * Largest sampleSize accepted in DATA_FRAG; larger samples are counted and dropped before any
   * allocation. Default 16 MiB.
   */
  readonly maxSampleSize?: number;
  /**
   * Out-of-order window per reliable writer: SNs at or beyond `next expected + window` are dropped
   * (and repaired later). Default 2,048.
   */
  readonly maxBufferedSamples?: number;
  /**
   * Octets of buffered out-of-order samples and partial reassemblies the reader holds over all
   * writers; fragments of new samples beyond it are dropped until memory frees. Default 64 MiB.
   */
  readonly maxBufferedBytes?: number;
  /** Most NACK_FRAG submessages in one answer to a HEARTBEAT. Default 16. */
  readonly maxNackFragsPerResponse?: number;
}

export const DEFAULT_READER_INIT: Readonly<Required<ReaderInit>> = Object.freeze({
  heartbeatResponseDelayMs: 500,
  maxSampleSize: 16 * 1024 * 1024,
  maxBufferedSamples: 2_048,
  maxBufferedBytes: 64 * 1024 * 1024,
  maxNackFragsPerResponse: 16,
});

const HISTORY_KINDS: readonly string[] = ['keep-last', 'keep-all'];
const DURABILITY_KINDS: readonly string[] = ['volatile', 'transient-local'];

/** Merges `init` over the defaults and validates. @throws InvalidConfigError */
export function resolveWriterInit(init: WriterInit): Readonly<Required<WriterInit>> {
  const c: Required<WriterInit> = { ...DEFAULT_WRITER_INIT, ...init };
  // Guards JavaScript callers and configuration read from files.
  if (!HISTORY_KINDS.includes(c.history)) throw new InvalidConfigError('history', `unknown kind ${c.history}`);
  if (!DURABILITY_KINDS.includes(c.durability)) throw new InvalidConfigError('durability', `unknown kind ${c.durability}`);
  positiveInt('depth', c.depth);
  positiveInt('maxSamples', c.maxSamples);
  nonNegative('heartbeatPeriodMs', c.heartbeatPeriodMs);
  if (c.heartbeatPeriodMs === 0) throw new InvalidConfigError('heartbeatPeriodMs', 'must be > 0');
  nonNegative('burstHeartbeatDelayMs', c.burstHeartbeatDelayMs);
  nonNegative('nackResponseDelayMs', c.nackResponseDelayMs);
  nonNegative('nackSuppressionDurationMs', c.nackSuppressionDurationMs);
  positiveInt('maxDatagramSize', c.maxDatagramSize);
  if (c.maxDatagramSize > 65_507) throw new InvalidConfigError('maxDatagramSize', `${c.maxDatagramSize} exceeds the UDP/IPv4 payload limit 65,507`);
  positiveInt('fragmentSize', c.fragmentSize);
  nonNegative('maxUnackedBytes', c.maxUnackedBytes);
  if (c.fragmentSize > 0xffff) throw new InvalidConfigError('fragmentSize', 'DATA_FRAG carries it in 16 bits');
  if (c.fragmentSize + DATA_FRAG_DATAGRAM_OVERHEAD > c.maxDatagramSize) {
    throw new InvalidConfigError('fragmentSize', `${c.fragmentSize} + ${DATA_FRAG_DATAGRAM_OVERHEAD} octets of headers exceed maxDatagramSize ${c.maxDatagramSize}`);
  }
  return Object.freeze(c);
}

/** Merges `init` over the defaults and validates. @throws InvalidConfigError */
export function resolveReaderInit(init: ReaderInit): Readonly<Required<ReaderInit>> {
  const c: Required<ReaderInit> = { ...DEFAULT_READER_INIT, ...init };
  nonNegative('heartbeatResponseDelayMs', c.heartbeatResponseDelayMs);
  positiveInt('maxSampleSize', c.maxSampleSize);
  positiveInt('maxBufferedSamples', c.maxBufferedSamples);
  positiveInt('maxBufferedBytes', c.maxBufferedBytes);
  positiveInt('maxNackFragsPerResponse', c.maxNackFragsPerResponse);
  return Object.freeze(c);
}

function positiveInt(key: string, v: number): void {
  if (!Number.isSafeInteger(v) || v < 1) throw new InvalidConfigError(key, `${v} is not a positive integer`);
}

function nonNegative(key: string, v: number): void {
  if (!Number.isFinite(v) || v < 0) throw new InvalidConfigError(key, `${v} is not a finite number >= 0`);
}
