/** Struct codecs for the QoS policies of `idl/rtps_core.idl` (RTPS 2.5 §9.6.3.2, XTypes 1.3 §7.6.3.1). */
import type {
  DataRepresentationQosPolicy_t, DeadlineQosPolicy_t, DestinationOrderQosPolicy_t, DurabilityQosPolicy_t,
  HistoryQosPolicy_t, LatencyBudgetQosPolicy_t, LifespanQosPolicy_t, LivelinessQosPolicy_t, OwnershipQosPolicy_t,
  OwnershipStrengthQosPolicy_t, PartitionQosPolicy_t, PresentationQosPolicy_t, ReliabilityQosPolicy_t,
  ResourceLimitsQosPolicy_t, TimeBasedFilterQosPolicy_t, TypeConsistencyEnforcementQosPolicy_t,
} from '../../idl/qos.js';
import { boolean, long, sequence, short, string, struct } from './cdr-type.js';
import { DurationType } from './core-types.js';

export const ReliabilityType = struct<ReliabilityQosPolicy_t>('ReliabilityQosPolicy_t', { kind: long, max_blocking_time: DurationType });
export const DurabilityType = struct<DurabilityQosPolicy_t>('DurabilityQosPolicy_t', { kind: long });
export const DeadlineType = struct<DeadlineQosPolicy_t>('DeadlineQosPolicy_t', { period: DurationType });
export const LatencyBudgetType = struct<LatencyBudgetQosPolicy_t>('LatencyBudgetQosPolicy_t', { duration: DurationType });
export const LivelinessType = struct<LivelinessQosPolicy_t>('LivelinessQosPolicy_t', { kind: long, lease_duration: DurationType });
export const OwnershipType = struct<OwnershipQosPolicy_t>('OwnershipQosPolicy_t', { kind: long });
export const OwnershipStrengthType = struct<OwnershipStrengthQosPolicy_t>('OwnershipStrengthQosPolicy_t', { value: long });
export const DestinationOrderType = struct<DestinationOrderQosPolicy_t>('DestinationOrderQosPolicy_t', { kind: long });
export const HistoryType = struct<HistoryQosPolicy_t>('HistoryQosPolicy_t', { kind: long, depth: long });
export const ResourceLimitsType = struct<ResourceLimitsQosPolicy_t>('ResourceLimitsQosPolicy_t', {
  max_samples: long, max_instances: long, max_samples_per_instance: long,
});
export const PresentationType = struct<PresentationQosPolicy_t>('PresentationQosPolicy_t', {
  access_scope: long, coherent_access: boolean, ordered_access: boolean,
});
export const LifespanType = struct<LifespanQosPolicy_t>('LifespanQosPolicy_t', { duration: DurationType });
export const TimeBasedFilterType = struct<TimeBasedFilterQosPolicy_t>('TimeBasedFilterQosPolicy_t', { minimum_separation: DurationType });
/** Each name is at least a 4-byte length. */
export const PartitionType = struct<PartitionQosPolicy_t>('PartitionQosPolicy_t', { name: sequence(string, 4) });
export const DataRepresentationType = struct<DataRepresentationQosPolicy_t>('DataRepresentationQosPolicy_t', { value: sequence(short, 2) });
export const TypeConsistencyEnforcementType = struct<TypeConsistencyEnforcementQosPolicy_t>('TypeConsistencyEnforcementQosPolicy_t', {
  kind: short,
  ignore_sequence_bounds: boolean,
  ignore_string_bounds: boolean,
  ignore_member_names: boolean,
  prevent_type_widening: boolean,
  force_type_validation: boolean,
});
