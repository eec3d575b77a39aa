/**
 * SPDP participant data (RTPS 2.5 §8.5.3.2, §9.6.2.2; OpenDDS ICE keys "SPDP"/"SEDP", spec §2.4) in
 * domain form, and its PL_CDR payload codec. This is the one mapping module between
 * `SPDPdiscoveredParticipantData_t` and {@link SpdpParticipantData}.
 */
import type { SPDPdiscoveredParticipantData_t } from '../../idl/builtin.js';
import { DecodeError } from '../../util/errors.js';
import type { GuidPrefix } from '../guid.js';
import { EntityIds } from '../guid.js';
import type { Locator } from '../locator.js';
import type { UnknownParameter } from '../pid/pl-struct.js';
import { guidToWire, msFromWire, msToWire, vendorFromWire, vendorToWire } from './common-mapping.js';
import type { IceAgentInfo } from './ice-agent-info.js';
import { iceAgentInfoFromWire, iceAgentInfoToWire } from './ice-agent-info.js';
import { ParticipantDataType } from './participant-data-codec.js';
import { readPlPayload, writePlPayload } from './pl-payload.js';

/** RTPS 2.5 §9.6.2.2 Table 9.14: PARTICIPANT_LEASE_DURATION defaults to 100 s. */
export const DEFAULT_PARTICIPANT_LEASE_DURATION_MS = 100_000;

/** A participant's SPDP announcement. Byte fields alias the decoded payload. */
export interface SpdpParticipantData {
  readonly guidPrefix: GuidPrefix;
  /** Absent when PID_PROTOCOL_VERSION was not sent. */
  readonly protocolVersion?: { readonly major: number; readonly minor: number };
  /** 16-bit vendor id (PID_VENDORID, else the RTPS header's). */
  readonly vendorId: number;
  /** BuiltinEndpointSet_t bits (RTPS 2.5 §9.3.2); 0 when absent. */
  readonly builtinEndpoints: number;
  readonly builtinEndpointQos?: number;
  readonly leaseDurationMs: number;
  readonly metatrafficUnicastLocators: readonly Locator[];
  readonly metatrafficMulticastLocators: readonly Locator[];
  readonly defaultUnicastLocators: readonly Locator[];
  readonly defaultMulticastLocators: readonly Locator[];
  readonly expectsInlineQos?: boolean;
  readonly manualLivelinessCount?: number;
  readonly domainId?: number;
  readonly domainTag?: string;
  readonly userData?: Uint8Array;
  readonly properties: readonly { readonly name: string; readonly value: string }[];
  readonly entityName?: string;
  /** OpenDDS PID 0xB006 (read only from OpenDDS senders). */
  readonly isRtpsRelayApplicationParticipant?: boolean;
  /** OpenDDS ICE agent info per key ("SPDP", "SEDP"); empty when none was sent or it was dropped (spec §2.2). */
  readonly ice: ReadonlyMap<string, IceAgentInfo>;
  /** Parameters not interpreted, re-encoded verbatim (meaningful only in the byte order they came in). */
  readonly unknownParameters: readonly UnknownParameter[];
}

/**
 * Decodes the serialized payload of an SPDP DATA(p): encapsulation header + PL.
 * @param vendorId the RTPS header's vendor id: decides which vendor-specific PIDs are interpreted.
 * @throws DecodeError on malformed input, a non-PL_CDR encapsulation, a missing PID_PARTICIPANT_GUID
 *   or an unknown must-understand parameter. A malformed ICE locator only drops `ice` (spec §2.2).
 */
export function decodeSpdpParticipantData(serializedPayload: Uint8Array, vendorId: number): SpdpParticipantData {
  const { rules, params } = readPlPayload(serializedPayload, 'spdp');
  const { value: d, unknown } = ParticipantDataType.decode(params, rules, vendorId);
  if (d.participant_guid === undefined) throw new DecodeError('spdp/PID_PARTICIPANT_GUID', 0, 'missing');
  return {
    guidPrefix: d.participant_guid.guidPrefix,
    ...(d.protocol_version && { protocolVersion: { major: d.protocol_version.major, minor: d.protocol_version.minor } }),
    vendorId: d.vendor_id ? vendorFromWire(d.vendor_id) : vendorId,
    builtinEndpoints: d.builtin_endpoint_set ?? 0,
    ...(d.builtin_endpoint_qos !== undefined && { builtinEndpointQos: d.builtin_endpoint_qos }),
    leaseDurationMs: d.participant_lease_duration ? msFromWire(d.participant_lease_duration) : DEFAULT_PARTICIPANT_LEASE_DURATION_MS,
    metatrafficUnicastLocators: d.metatraffic_unicast_locator,
    metatrafficMulticastLocators: d.metatraffic_multicast_locator,
    defaultUnicastLocators: d.default_unicast_locator,
    defaultMulticastLocators: d.default_multicast_locator,
    ...(d.expects_inline_qos !== undefined && { expectsInlineQos: d.expects_inline_qos }),
    ...(d.participant_manual_liveliness_count !== undefined && { manualLivelinessCount: d.participant_manual_liveliness_count }),
    ...(d.domain_id !== undefined && { domainId: d.domain_id }),
    ...(d.domain_tag !== undefined && { domainTag: d.domain_tag }),
    ...(d.user_data && { userData: d.user_data }),
    properties: d.property_list?.value ?? [],
    ...(d.entity_name !== undefined && { entityName: d.entity_name }),
    ...(d.rtps_relay_application_participant !== undefined && { isRtpsRelayApplicationParticipant: d.rtps_relay_application_participant }),
    ice: iceAgentInfoFromWire(d.ice_general, d.ice_candidate) ?? new Map(),
    unknownParameters: unknown,
  };
}

/** The wire struct of `p` (exported for tests and tools). */
export function spdpParticipantDataToWire(p: SpdpParticipantData): SPDPdiscoveredParticipantData_t {
  return {
    protocol_version: p.protocolVersion && { major: p.protocolVersion.major, minor: p.protocolVersion.minor },
    vendor_id: vendorToWire(p.vendorId),
    participant_guid: guidToWire({ prefix: p.guidPrefix, entityId: EntityIds.PARTICIPANT }),
    domain_id: p.domainId,
    domain_tag: p.domainTag,
    expects_inline_qos: p.expectsInlineQos,
    metatraffic_unicast_locator: p.metatrafficUnicastLocators,
    metatraffic_multicast_locator: p.metatrafficMulticastLocators,
    default_unicast_locator: p.defaultUnicastLocators,
    default_multicast_locator: p.defaultMulticastLocators,
    builtin_endpoint_set: p.builtinEndpoints,
    builtin_endpoint_qos: p.builtinEndpointQos,
    participant_lease_duration: msToWire(p.leaseDurationMs),
    participant_manual_liveliness_count: p.manualLivelinessCount,
    user_data: p.userData,
    property_list: p.properties.length > 0 ? { value: p.properties } : undefined,
    entity_name: p.entityName,
    rtps_relay_application_participant: p.isRtpsRelayApplicationParticipant,
    ...iceAgentInfoToWire(p.ice),
  };
}

/**
 * Encodes `p` as an SPDP serialized payload: PL_CDR_LE (0x0003) or PL_CDR_BE (0x0002), options 0,
 * the parameters, the unknown parameters, the ICE parameters (keys sorted, spec §2.3), PID_SENTINEL.
 * @throws EncodeError when a value cannot be represented.
 */
export function encodeSpdpParticipantData(p: SpdpParticipantData, options: { readonly littleEndian: boolean }): Uint8Array {
  const wire = spdpParticipantDataToWire(p);
  return writePlPayload(options.littleEndian, (w) => { ParticipantDataType.encode(w, wire, p.unknownParameters); });
}
