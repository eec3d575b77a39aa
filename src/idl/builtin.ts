/**
 * The builtin-topic data we exchange (RTPS 2.5 §8.5.4.2, §9.6.2.2), as the mutable structs of
 * `idl/rtps_core.idl`: one member per PID we interpret (`@optional` members are `| undefined`, a PID
 * that may repeat is a sequence). Unknown parameters are not members; the codec keeps them aside.
 */
import type { IceCandidate_t, IceGeneral_t } from './ice.js';
import type {
  DataRepresentationQosPolicy_t, DeadlineQosPolicy_t, DestinationOrderQosPolicy_t, DurabilityQosPolicy_t,
  HistoryQosPolicy_t, LatencyBudgetQosPolicy_t, LifespanQosPolicy_t, LivelinessQosPolicy_t, OwnershipQosPolicy_t,
  OwnershipStrengthQosPolicy_t, PartitionQosPolicy_t, PresentationQosPolicy_t, ReliabilityQosPolicy_t,
  ResourceLimitsQosPolicy_t, TimeBasedFilterQosPolicy_t, TypeConsistencyEnforcementQosPolicy_t,
} from './qos.js';
import type { Duration_t, GUID_t, KeyHash_t, Locator_t, PropertyList_t, ProtocolVersion_t, VendorId_t } from './rtps-core.js';

/** SPDP `DATA(p)` (RTPS 2.5 §8.5.3.2 SPDPdiscoveredParticipantData). */
export interface SPDPdiscoveredParticipantData_t {
  readonly protocol_version: ProtocolVersion_t | undefined;
  readonly vendor_id: VendorId_t | undefined;
  readonly participant_guid: GUID_t | undefined;
  readonly domain_id: number | undefined;
  readonly domain_tag: string | undefined;
  readonly expects_inline_qos: boolean | undefined;
  readonly metatraffic_unicast_locator: readonly Locator_t[];
  readonly metatraffic_multicast_locator: readonly Locator_t[];
  readonly default_unicast_locator: readonly Locator_t[];
  readonly default_multicast_locator: readonly Locator_t[];
  readonly builtin_endpoint_set: number | undefined;
  readonly builtin_endpoint_qos: number | undefined;
  readonly participant_lease_duration: Duration_t | undefined;
  readonly participant_manual_liveliness_count: number | undefined;
  readonly user_data: Uint8Array | undefined;
  readonly property_list: PropertyList_t | undefined;
  readonly entity_name: string | undefined;
  readonly rtps_relay_application_participant: boolean | undefined;
  readonly ice_general: readonly IceGeneral_t[];
  readonly ice_candidate: readonly IceCandidate_t[];
}

/** Members common to SEDP publication and subscription data (RTPS 2.5 §8.5.4.2). */
export interface DiscoveredEndpointData_t {
  readonly endpoint_guid: GUID_t | undefined;
  readonly participant_guid: GUID_t | undefined;
  readonly topic_name: string | undefined;
  readonly type_name: string | undefined;
  readonly protocol_version: ProtocolVersion_t | undefined;
  readonly vendor_id: VendorId_t | undefined;
  readonly key_hash: KeyHash_t | undefined;
  readonly durability: DurabilityQosPolicy_t | undefined;
  readonly deadline: DeadlineQosPolicy_t | undefined;
  readonly latency_budget: LatencyBudgetQosPolicy_t | undefined;
  readonly liveliness: LivelinessQosPolicy_t | undefined;
  readonly reliability: ReliabilityQosPolicy_t | undefined;
  readonly lifespan: LifespanQosPolicy_t | undefined;
  readonly user_data: Uint8Array | undefined;
  readonly ownership: OwnershipQosPolicy_t | undefined;
  readonly destination_order: DestinationOrderQosPolicy_t | undefined;
  readonly presentation: PresentationQosPolicy_t | undefined;
  readonly partition: PartitionQosPolicy_t | undefined;
  readonly topic_data: Uint8Array | undefined;
  readonly group_data: Uint8Array | undefined;
  readonly history: HistoryQosPolicy_t | undefined;
  readonly resource_limits: ResourceLimitsQosPolicy_t | undefined;
  readonly type_max_size_serialized: number | undefined;
  readonly data_representation: DataRepresentationQosPolicy_t | undefined;
  readonly entity_name: string | undefined;
  readonly unicast_locator: readonly Locator_t[];
  readonly multicast_locator: readonly Locator_t[];
  readonly ice_general: readonly IceGeneral_t[];
  readonly ice_candidate: readonly IceCandidate_t[];
}

/** SEDP `DATA(w)` (RTPS 2.5 §8.5.4.2 DiscoveredWriterData). */
export interface DiscoveredWriterData_t extends DiscoveredEndpointData_t {
  readonly ownership_strength: OwnershipStrengthQosPolicy_t | undefined;
}

/** SEDP `DATA(r)` (RTPS 2.5 §8.5.4.2 DiscoveredReaderData). */
export interface DiscoveredReaderData_t extends DiscoveredEndpointData_t {
  readonly expects_inline_qos: boolean | undefined;
  readonly time_based_filter: TimeBasedFilterQosPolicy_t | undefined;
  readonly type_consistency: TypeConsistencyEnforcementQosPolicy_t | undefined;
}
