/**
 * Endpoint QoS as SEDP announces it (DDS 1.4 §2.2.3, RTPS 2.5 §9.6.3.2), in domain form, and the
 * mapping to and from the wire policy structs. A policy the peer did not send is absent (its DDS
 * default applies). Enumerations outside the spec's values reject the sample (DecodeError).
 */
import type { DiscoveredEndpointData_t } from '../../idl/builtin.js';
import { DecodeError } from '../../util/errors.js';
import { msFromWire, msToWire } from './common-mapping.js';

export type ReliabilityKind = 'best-effort' | 'reliable';
export type DurabilityKind = 'volatile' | 'transient-local' | 'transient' | 'persistent';
export type LivelinessKind = 'automatic' | 'manual-by-participant' | 'manual-by-topic';
export type OwnershipKind = 'shared' | 'exclusive';
export type DestinationOrderKind = 'by-reception-timestamp' | 'by-source-timestamp';
export type HistoryKind = 'keep-last' | 'keep-all';
export type PresentationAccessScope = 'instance' | 'topic' | 'group';

/** Durations in milliseconds (`Infinity` = DURATION_INFINITE). */
export interface EndpointQos {
  readonly reliability?: { readonly kind: ReliabilityKind; readonly maxBlockingTimeMs: number };
  readonly durability?: DurabilityKind;
  readonly deadlineMs?: number;
  readonly latencyBudgetMs?: number;
  readonly liveliness?: { readonly kind: LivelinessKind; readonly leaseDurationMs: number };
  readonly ownership?: OwnershipKind;
  readonly destinationOrder?: DestinationOrderKind;
  readonly presentation?: { readonly accessScope: PresentationAccessScope; readonly coherentAccess: boolean; readonly orderedAccess: boolean };
  readonly history?: { readonly kind: HistoryKind; readonly depth: number };
  readonly resourceLimits?: { readonly maxSamples: number; readonly maxInstances: number; readonly maxSamplesPerInstance: number };
  readonly lifespanMs?: number;
  /** PARTITION names; absent when the PID was not sent. */
  readonly partitions?: readonly string[];
  /** Octet QoS values alias the decoded payload. */
  readonly userData?: Uint8Array;
  readonly topicData?: Uint8Array;
  readonly groupData?: Uint8Array;
  /** XTypes data representation ids (XCDR = 0, XML = 1, XCDR2 = 2). */
  readonly dataRepresentation?: readonly number[];
}

// Wire values are the array index (RTPS 2.5 §9.3.2; reliability is 1-based).
const RELIABILITY: readonly ReliabilityKind[] = ['best-effort', 'reliable'];
const DURABILITY: readonly DurabilityKind[] = ['volatile', 'transient-local', 'transient', 'persistent'];
const LIVELINESS: readonly LivelinessKind[] = ['automatic', 'manual-by-participant', 'manual-by-topic'];
const OWNERSHIP: readonly OwnershipKind[] = ['shared', 'exclusive'];
const DESTINATION_ORDER: readonly DestinationOrderKind[] = ['by-reception-timestamp', 'by-source-timestamp'];
const HISTORY: readonly HistoryKind[] = ['keep-last', 'keep-all'];
const ACCESS_SCOPE: readonly PresentationAccessScope[] = ['instance', 'topic', 'group'];

function enumFromWire<K>(table: readonly K[], v: number, what: string, base = 0): K {
  const k = table[v - base];
  if (k === undefined) throw new DecodeError(`sedp/${what}`, 0, `unknown kind ${v}`);
  return k;
}

function enumToWire<K>(table: readonly K[], k: K, base = 0): number {
  return table.indexOf(k) + base;
}

/** The QoS members of decoded SEDP wire data. @throws DecodeError on an out-of-range enumeration. */
export function endpointQosFromWire(d: DiscoveredEndpointData_t): EndpointQos {
  const { reliability: rel, liveliness: liv, presentation: pre, history: his, resource_limits: rl } = d;
  return {
    ...(rel && { reliability: { kind: enumFromWire(RELIABILITY, rel.kind, 'reliability', 1), maxBlockingTimeMs: msFromWire(rel.max_blocking_time) } }),
    ...(d.durability && { durability: enumFromWire(DURABILITY, d.durability.kind, 'durability') }),
    ...(d.deadline && { deadlineMs: msFromWire(d.deadline.period) }),
    ...(d.latency_budget && { latencyBudgetMs: msFromWire(d.latency_budget.duration) }),
    ...(liv && { liveliness: { kind: enumFromWire(LIVELINESS, liv.kind, 'liveliness'), leaseDurationMs: msFromWire(liv.lease_duration) } }),
    ...(d.ownership && { ownership: enumFromWire(OWNERSHIP, d.ownership.kind, 'ownership') }),
    ...(d.destination_order && { destinationOrder: enumFromWire(DESTINATION_ORDER, d.destination_order.kind, 'destinationOrder') }),
    ...(pre && {
      presentation: { accessScope: enumFromWire(ACCESS_SCOPE, pre.access_scope, 'presentation'), coherentAccess: pre.coherent_access, orderedAccess: pre.ordered_access },
    }),
    ...(his && { history: { kind: enumFromWire(HISTORY, his.kind, 'history'), depth: his.depth } }),
    ...(rl && { resourceLimits: { maxSamples: rl.max_samples, maxInstances: rl.max_instances, maxSamplesPerInstance: rl.max_samples_per_instance } }),
    ...(d.lifespan && { lifespanMs: msFromWire(d.lifespan.duration) }),
    ...(d.partition && { partitions: d.partition.name }),
    ...(d.user_data && { userData: d.user_data }),
    ...(d.topic_data && { topicData: d.topic_data }),
    ...(d.group_data && { groupData: d.group_data }),
    ...(d.data_representation && { dataRepresentation: d.data_representation.value }),
  };
}

type QosWire = Pick<DiscoveredEndpointData_t,
  'reliability' | 'durability' | 'deadline' | 'latency_budget' | 'liveliness' | 'ownership' | 'destination_order' |
  'presentation' | 'history' | 'resource_limits' | 'lifespan' | 'partition' | 'user_data' | 'topic_data' | 'group_data' |
  'data_representation'>;

/** The wire QoS members of `q` (absent policies stay absent). */
export function endpointQosToWire(q: EndpointQos): QosWire {
  const { reliability: rel, liveliness: liv, presentation: pre, history: his, resourceLimits: rl } = q;
  return {
    reliability: rel && { kind: enumToWire(RELIABILITY, rel.kind, 1), max_blocking_time: msToWire(rel.maxBlockingTimeMs) },
    durability: q.durability && { kind: enumToWire(DURABILITY, q.durability) },
    deadline: q.deadlineMs === undefined ? undefined : { period: msToWire(q.deadlineMs) },
    latency_budget: q.latencyBudgetMs === undefined ? undefined : { duration: msToWire(q.latencyBudgetMs) },
    liveliness: liv && { kind: enumToWire(LIVELINESS, liv.kind), lease_duration: msToWire(liv.leaseDurationMs) },
    ownership: q.ownership && { kind: enumToWire(OWNERSHIP, q.ownership) },
    destination_order: q.destinationOrder && { kind: enumToWire(DESTINATION_ORDER, q.destinationOrder) },
    presentation: pre && { access_scope: enumToWire(ACCESS_SCOPE, pre.accessScope), coherent_access: pre.coherentAccess, ordered_access: pre.orderedAccess },
    history: his && { kind: enumToWire(HISTORY, his.kind), depth: his.depth },
    resource_limits: rl && { max_samples: rl.maxSamples, max_instances: rl.maxInstances, max_samples_per_instance: rl.maxSamplesPerInstance },
    lifespan: q.lifespanMs === undefined ? undefined : { duration: msToWire(q.lifespanMs) },
    partition: q.partitions && { name: q.partitions },
    user_data: q.userData,
    topic_data: q.topicData,
    group_data: q.groupData,
    data_representation: q.dataRepresentation && { value: q.dataRepresentation },
  };
}
