/**
 * DDS QoS of a DataWriter / DataReader (the subset the facade implements) and its mapping onto
 * the SEDP announcement (`EndpointQos`) and the reliability cores.
 */
import type { EndpointQos } from '../rtps/index.js';
import type { DurabilityKind, HistoryKind } from '../reliability/index.js';
import { InvalidConfigError } from '../util/errors.js';

/** QoS of a DataWriter or DataReader; everything optional. */
export interface EndpointQosInit {
  /** RELIABILITY. Default: 'reliable' for writers, 'best-effort' for readers (DDS defaults). */
  readonly reliability?: 'reliable' | 'best-effort';
  /** DURABILITY. Default 'volatile'. */
  readonly durability?: DurabilityKind;
  /** HISTORY kind. Default 'keep-last'. */
  readonly history?: HistoryKind;
  /** HISTORY depth (keep-last). Default 1. */
  readonly depth?: number;
  /** RESOURCE_LIMITS max_samples: writer history bound; a keep-all writer blocks `write` when full. Default 10,000. */
  readonly maxSamples?: number;
  /** PARTITION names. Default [] (the default partition ""). */
  readonly partitions?: readonly string[];
  /** RELIABILITY max_blocking_time, ms: announced in SEDP; `write` blocks until its signal aborts. Default 100. */
  readonly maxBlockingTimeMs?: number;
}

/** The resolved QoS. */
export type ResolvedQos = Readonly<Required<EndpointQosInit>>;

/** Defaults shared by writers and readers (reliability differs, see {@link resolveQos}). */
export const DEFAULT_ENDPOINT_QOS: Readonly<Omit<ResolvedQos, 'reliability'>> = Object.freeze({
  durability: 'volatile',
  history: 'keep-last',
  depth: 1,
  maxSamples: 10_000,
  partitions: Object.freeze([]),
  maxBlockingTimeMs: 100,
});

/** Merges and validates. @throws InvalidConfigError naming the policy. */
export function resolveQos(init: EndpointQosInit, isWriter: boolean): ResolvedQos {
  const q: ResolvedQos = Object.freeze({ ...DEFAULT_ENDPOINT_QOS, reliability: isWriter ? 'reliable' : 'best-effort', ...init });
  // Guards JavaScript callers.
  if (!['reliable', 'best-effort'].includes(q.reliability)) throw new InvalidConfigError('qos.reliability', `unknown kind ${q.reliability}`);
  if (!['volatile', 'transient-local'].includes(q.durability)) throw new InvalidConfigError('qos.durability', `unsupported kind ${q.durability}`);
  if (!['keep-last', 'keep-all'].includes(q.history)) throw new InvalidConfigError('qos.history', `unknown kind ${q.history}`);
  if (!Number.isSafeInteger(q.depth) || q.depth < 1) throw new InvalidConfigError('qos.depth', `${q.depth} is not a positive integer`);
  if (!Number.isSafeInteger(q.maxSamples) || q.maxSamples < 1) throw new InvalidConfigError('qos.maxSamples', `${q.maxSamples} is not a positive integer`);
  if (!(q.maxBlockingTimeMs >= 0)) throw new InvalidConfigError('qos.maxBlockingTimeMs', `${q.maxBlockingTimeMs} must be >= 0`);
  return q;
}

/** What SEDP announces for this QoS. */
export function toEndpointQos(q: ResolvedQos): EndpointQos {
  return {
    reliability: { kind: q.reliability, maxBlockingTimeMs: q.maxBlockingTimeMs },
    durability: q.durability,
    history: { kind: q.history, depth: q.depth },
    partitions: q.partitions,
  };
}
