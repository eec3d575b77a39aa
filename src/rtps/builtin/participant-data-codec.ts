/**
 * The PL codec of SPDP participant data: the member table is the wire struct
 * `SPDPdiscoveredParticipantData_t` of `idl/rtps_core.idl` (member order = our encoding order).
 */
import type { SPDPdiscoveredParticipantData_t } from '../../idl/builtin.js';
import { BuiltinEndpointQos } from '../pid/builtin-endpoint-qos.js';
import { BuiltinEndpointSet } from '../pid/builtin-endpoint-set.js';
import { DefaultMulticastLocator } from '../pid/default-multicast-locator.js';
import { DefaultUnicastLocator } from '../pid/default-unicast-locator.js';
import { DomainId } from '../pid/domain-id.js';
import { DomainTag } from '../pid/domain-tag.js';
import { EntityName } from '../pid/entity-name.js';
import { ExpectsInlineQos } from '../pid/expects-inline-qos.js';
import { IceCandidate } from '../pid/ice-candidate.js';
import { IceGeneral } from '../pid/ice-general.js';
import { writeIceParameters } from '../pid/ice-tail.js';
import { MetatrafficMulticastLocator } from '../pid/metatraffic-multicast-locator.js';
import { MetatrafficUnicastLocator } from '../pid/metatraffic-unicast-locator.js';
import { ParticipantGuid } from '../pid/participant-guid.js';
import { ParticipantLeaseDuration } from '../pid/participant-lease-duration.js';
import { ParticipantManualLivelinessCount } from '../pid/participant-manual-liveliness-count.js';
import { repeated, single, plStruct } from '../pid/pl-struct.js';
import type { PlStructType } from '../pid/pl-struct.js';
import { PropertyList } from '../pid/property-list.js';
import { ProtocolVersion } from '../pid/protocol-version.js';
import { RtpsRelayApplicationParticipant } from '../pid/rtps-relay-application-participant.js';
import { UserData } from '../pid/user-data.js';
import { VendorIdParameter } from '../pid/vendor-id.js';

export const ParticipantDataType: PlStructType<SPDPdiscoveredParticipantData_t> = plStruct<SPDPdiscoveredParticipantData_t>(
  'SPDPdiscoveredParticipantData_t',
  {
    protocol_version: single(ProtocolVersion),
    vendor_id: single(VendorIdParameter),
    participant_guid: single(ParticipantGuid),
    domain_id: single(DomainId),
    domain_tag: single(DomainTag),
    expects_inline_qos: single(ExpectsInlineQos),
    metatraffic_unicast_locator: repeated(MetatrafficUnicastLocator),
    metatraffic_multicast_locator: repeated(MetatrafficMulticastLocator),
    default_unicast_locator: repeated(DefaultUnicastLocator),
    default_multicast_locator: repeated(DefaultMulticastLocator),
    builtin_endpoint_set: single(BuiltinEndpointSet),
    builtin_endpoint_qos: single(BuiltinEndpointQos),
    participant_lease_duration: single(ParticipantLeaseDuration),
    participant_manual_liveliness_count: single(ParticipantManualLivelinessCount),
    user_data: single(UserData),
    property_list: single(PropertyList),
    entity_name: single(EntityName),
    rtps_relay_application_participant: single(RtpsRelayApplicationParticipant),
    ice_general: repeated(IceGeneral),
    ice_candidate: repeated(IceCandidate),
  },
  { tail: ['ice_general', 'ice_candidate'], writeTail: writeIceParameters },
);
