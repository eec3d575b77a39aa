/**
 * The PL codecs of SEDP publication and subscription data: the member tables are the wire structs
 * `DiscoveredWriterData_t` / `DiscoveredReaderData_t` of `idl/rtps_core.idl` (order = our encoding order).
 */
import type { DiscoveredEndpointData_t, DiscoveredReaderData_t, DiscoveredWriterData_t } from '../../idl/builtin.js';
import { DataRepresentation } from '../pid/data-representation.js';
import { Deadline } from '../pid/deadline.js';
import { DestinationOrder } from '../pid/destination-order.js';
import { Durability } from '../pid/durability.js';
import { EndpointGuid } from '../pid/endpoint-guid.js';
import { EntityName } from '../pid/entity-name.js';
import { ExpectsInlineQos } from '../pid/expects-inline-qos.js';
import { GroupData } from '../pid/group-data.js';
import { History } from '../pid/history.js';
import { IceCandidate } from '../pid/ice-candidate.js';
import { IceGeneral } from '../pid/ice-general.js';
import { writeIceParameters } from '../pid/ice-tail.js';
import { KeyHash } from '../pid/key-hash.js';
import { LatencyBudget } from '../pid/latency-budget.js';
import { Lifespan } from '../pid/lifespan.js';
import { Liveliness } from '../pid/liveliness.js';
import { MulticastLocator } from '../pid/multicast-locator.js';
import { Ownership } from '../pid/ownership.js';
import { OwnershipStrength } from '../pid/ownership-strength.js';
import { ParticipantGuid } from '../pid/participant-guid.js';
import { Partition } from '../pid/partition.js';
import { plStruct, repeated, single } from '../pid/pl-struct.js';
import type { PlMembers, PlStructType } from '../pid/pl-struct.js';
import { Presentation } from '../pid/presentation.js';
import { ProtocolVersion } from '../pid/protocol-version.js';
import { Reliability } from '../pid/reliability.js';
import { ResourceLimits } from '../pid/resource-limits.js';
import { TimeBasedFilter } from '../pid/time-based-filter.js';
import { TopicData } from '../pid/topic-data.js';
import { TopicName } from '../pid/topic-name.js';
import { TypeConsistencyEnforcement } from '../pid/type-consistency-enforcement.js';
import { TypeMaxSizeSerialized } from '../pid/type-max-size-serialized.js';
import { TypeName } from '../pid/type-name.js';
import { UnicastLocator } from '../pid/unicast-locator.js';
import { UserData } from '../pid/user-data.js';
import { VendorIdParameter } from '../pid/vendor-id.js';

const ENDPOINT_MEMBERS: PlMembers<DiscoveredEndpointData_t> = {
  endpoint_guid: single(EndpointGuid),
  participant_guid: single(ParticipantGuid),
  topic_name: single(TopicName),
  type_name: single(TypeName),
  protocol_version: single(ProtocolVersion),
  vendor_id: single(VendorIdParameter),
  key_hash: single(KeyHash),
  durability: single(Durability),
  deadline: single(Deadline),
  latency_budget: single(LatencyBudget),
  liveliness: single(Liveliness),
  reliability: single(Reliability),
  lifespan: single(Lifespan),
  user_data: single(UserData),
  ownership: single(Ownership),
  destination_order: single(DestinationOrder),
  presentation: single(Presentation),
  partition: single(Partition),
  topic_data: single(TopicData),
  group_data: single(GroupData),
  history: single(History),
  resource_limits: single(ResourceLimits),
  type_max_size_serialized: single(TypeMaxSizeSerialized),
  data_representation: single(DataRepresentation),
  entity_name: single(EntityName),
  unicast_locator: repeated(UnicastLocator),
  multicast_locator: repeated(MulticastLocator),
  ice_general: repeated(IceGeneral),
  ice_candidate: repeated(IceCandidate),
};

const ICE_TAIL = { tail: ['ice_general', 'ice_candidate'], writeTail: writeIceParameters } as const;

export const WriterDataType: PlStructType<DiscoveredWriterData_t> = plStruct<DiscoveredWriterData_t>(
  'DiscoveredWriterData_t',
  { ...ENDPOINT_MEMBERS, ownership_strength: single(OwnershipStrength) },
  ICE_TAIL,
);

export const ReaderDataType: PlStructType<DiscoveredReaderData_t> = plStruct<DiscoveredReaderData_t>(
  'DiscoveredReaderData_t',
  {
    ...ENDPOINT_MEMBERS,
    expects_inline_qos: single(ExpectsInlineQos),
    time_based_filter: single(TimeBasedFilter),
    type_consistency: single(TypeConsistencyEnforcement),
  },
  ICE_TAIL,
);
