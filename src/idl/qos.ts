/**
 * DDS QoS policies as they travel in SEDP (RTPS 2.5 §9.6.3.2, DDS 1.4 §2.2.3), named and shaped as
 * in `idl/rtps_core.idl`. Enumerations are `long` on the wire; their values are the constants below.
 */
import type { Duration_t } from './rtps-core.js';

/** RTPS 2.5 §9.3.2: BEST_EFFORT = 1, RELIABLE = 2 on the wire (not the DDS API values). */
export const BEST_EFFORT_RELIABILITY_QOS = 1;
export const RELIABLE_RELIABILITY_QOS = 2;
export const VOLATILE_DURABILITY_QOS = 0;
export const TRANSIENT_LOCAL_DURABILITY_QOS = 1;
export const TRANSIENT_DURABILITY_QOS = 2;
export const PERSISTENT_DURABILITY_QOS = 3;
export const AUTOMATIC_LIVELINESS_QOS = 0;
export const MANUAL_BY_PARTICIPANT_LIVELINESS_QOS = 1;
export const MANUAL_BY_TOPIC_LIVELINESS_QOS = 2;
export const SHARED_OWNERSHIP_QOS = 0;
export const EXCLUSIVE_OWNERSHIP_QOS = 1;
export const BY_RECEPTION_TIMESTAMP_DESTINATIONORDER_QOS = 0;
export const BY_SOURCE_TIMESTAMP_DESTINATIONORDER_QOS = 1;
export const KEEP_LAST_HISTORY_QOS = 0;
export const KEEP_ALL_HISTORY_QOS = 1;
export const INSTANCE_PRESENTATION_QOS = 0;
export const TOPIC_PRESENTATION_QOS = 1;
export const GROUP_PRESENTATION_QOS = 2;

export interface ReliabilityQosPolicy_t {
  readonly kind: number;
  readonly max_blocking_time: Duration_t;
}
export interface DurabilityQosPolicy_t {
  readonly kind: number;
}
export interface DeadlineQosPolicy_t {
  readonly period: Duration_t;
}
export interface LatencyBudgetQosPolicy_t {
  readonly duration: Duration_t;
}
export interface LivelinessQosPolicy_t {
  readonly kind: number;
  readonly lease_duration: Duration_t;
}
export interface OwnershipQosPolicy_t {
  readonly kind: number;
}
export interface OwnershipStrengthQosPolicy_t {
  readonly value: number;
}
export interface DestinationOrderQosPolicy_t {
  readonly kind: number;
}
export interface HistoryQosPolicy_t {
  readonly kind: number;
  readonly depth: number;
}
export interface ResourceLimitsQosPolicy_t {
  readonly max_samples: number;
  readonly max_instances: number;
  readonly max_samples_per_instance: number;
}
export interface PresentationQosPolicy_t {
  readonly access_scope: number;
  readonly coherent_access: boolean;
  readonly ordered_access: boolean;
}
export interface LifespanQosPolicy_t {
  readonly duration: Duration_t;
}
export interface TimeBasedFilterQosPolicy_t {
  readonly minimum_separation: Duration_t;
}
export interface PartitionQosPolicy_t {
  readonly name: readonly string[];
}
/** XTypes 1.3 §7.6.3.1.1: `sequence<DataRepresentationId_t> value` (short ids: XCDR = 0, XML = 1, XCDR2 = 2). */
export interface DataRepresentationQosPolicy_t {
  readonly value: readonly number[];
}
/** XTypes 1.3 §7.6.3.4.1: `kind` is a 16-bit enum (DISALLOW_TYPE_COERCION = 0, ALLOW_TYPE_COERCION = 1). */
export interface TypeConsistencyEnforcementQosPolicy_t {
  readonly kind: number;
  readonly ignore_sequence_bounds: boolean;
  readonly ignore_string_bounds: boolean;
  readonly ignore_member_names: boolean;
  readonly prevent_type_widening: boolean;
  readonly force_type_validation: boolean;
}
