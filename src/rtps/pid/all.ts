/**
 * Every parameter codec of this folder, for callers that dispatch on a PID (and for tests).
 */
import { ProtocolVersion } from './protocol-version.js';
import { VendorIdParameter } from './vendor-id.js';
import { ParticipantGuid } from './participant-guid.js';
import { EndpointGuid } from './endpoint-guid.js';
import { BuiltinEndpointSet } from './builtin-endpoint-set.js';
import { BuiltinEndpointQos } from './builtin-endpoint-qos.js';
import { ParticipantLeaseDuration } from './participant-lease-duration.js';
import { DefaultUnicastLocator } from './default-unicast-locator.js';
import { DefaultMulticastLocator } from './default-multicast-locator.js';
import { MetatrafficUnicastLocator } from './metatraffic-unicast-locator.js';
import { MetatrafficMulticastLocator } from './metatraffic-multicast-locator.js';
import { UnicastLocator } from './unicast-locator.js';
import { MulticastLocator } from './multicast-locator.js';
import { ExpectsInlineQos } from './expects-inline-qos.js';
import { ParticipantManualLivelinessCount } from './participant-manual-liveliness-count.js';
import { DomainId } from './domain-id.js';
import { DomainTag } from './domain-tag.js';
import { UserData } from './user-data.js';
import { TopicData } from './topic-data.js';
import { GroupData } from './group-data.js';
import { PropertyList } from './property-list.js';
import { EntityName } from './entity-name.js';
import { TopicName } from './topic-name.js';
import { TypeName } from './type-name.js';
import { KeyHash } from './key-hash.js';
import { StatusInfo } from './status-info.js';
import { Reliability } from './reliability.js';
import { Durability } from './durability.js';
import { Deadline } from './deadline.js';
import { LatencyBudget } from './latency-budget.js';
import { Liveliness } from './liveliness.js';
import { Ownership } from './ownership.js';
import { OwnershipStrength } from './ownership-strength.js';
import { DestinationOrder } from './destination-order.js';
import { History } from './history.js';
import { ResourceLimits } from './resource-limits.js';
import { Partition } from './partition.js';
import { Presentation } from './presentation.js';
import { Lifespan } from './lifespan.js';
import { TimeBasedFilter } from './time-based-filter.js';
import { TypeMaxSizeSerialized } from './type-max-size-serialized.js';
import { DataRepresentation } from './data-representation.js';
import { TypeConsistencyEnforcement } from './type-consistency-enforcement.js';
import { IceGeneral } from './ice-general.js';
import { IceCandidate } from './ice-candidate.js';
import { RtpsRelayApplicationParticipant } from './rtps-relay-application-participant.js';
import type { ParameterCodec } from './parameter-codec.js';

export {
  ProtocolVersion,
  VendorIdParameter,
  ParticipantGuid,
  EndpointGuid,
  BuiltinEndpointSet,
  BuiltinEndpointQos,
  ParticipantLeaseDuration,
  DefaultUnicastLocator,
  DefaultMulticastLocator,
  MetatrafficUnicastLocator,
  MetatrafficMulticastLocator,
  UnicastLocator,
  MulticastLocator,
  ExpectsInlineQos,
  ParticipantManualLivelinessCount,
  DomainId,
  DomainTag,
  UserData,
  TopicData,
  GroupData,
  PropertyList,
  EntityName,
  TopicName,
  TypeName,
  KeyHash,
  StatusInfo,
  Reliability,
  Durability,
  Deadline,
  LatencyBudget,
  Liveliness,
  Ownership,
  OwnershipStrength,
  DestinationOrder,
  History,
  ResourceLimits,
  Partition,
  Presentation,
  Lifespan,
  TimeBasedFilter,
  TypeMaxSizeSerialized,
  DataRepresentation,
  TypeConsistencyEnforcement,
  IceGeneral,
  IceCandidate,
  RtpsRelayApplicationParticipant,
};

/** All PID codecs implemented here, in no particular order. */
export const ALL_PARAMETER_CODECS: readonly ParameterCodec<unknown>[] = [
  ProtocolVersion,
  VendorIdParameter,
  ParticipantGuid,
  EndpointGuid,
  BuiltinEndpointSet,
  BuiltinEndpointQos,
  ParticipantLeaseDuration,
  DefaultUnicastLocator,
  DefaultMulticastLocator,
  MetatrafficUnicastLocator,
  MetatrafficMulticastLocator,
  UnicastLocator,
  MulticastLocator,
  ExpectsInlineQos,
  ParticipantManualLivelinessCount,
  DomainId,
  DomainTag,
  UserData,
  TopicData,
  GroupData,
  PropertyList,
  EntityName,
  TopicName,
  TypeName,
  KeyHash,
  StatusInfo,
  Reliability,
  Durability,
  Deadline,
  LatencyBudget,
  Liveliness,
  Ownership,
  OwnershipStrength,
  DestinationOrder,
  History,
  ResourceLimits,
  Partition,
  Presentation,
  Lifespan,
  TimeBasedFilter,
  TypeMaxSizeSerialized,
  DataRepresentation,
  TypeConsistencyEnforcement,
  IceGeneral,
  IceCandidate,
  RtpsRelayApplicationParticipant,
];
