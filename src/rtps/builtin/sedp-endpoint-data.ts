/**
 * SEDP publication and subscription data (RTPS 2.5 §8.5.4.2, §9.6.2.2; OpenDDS "DATA" ICE key,
 * spec §2.4) in domain form, and their PL_CDR payload codecs. This is the one mapping module between
 * `DiscoveredWriterData_t` / `DiscoveredReaderData_t` and the domain types.
 */
import type { DiscoveredEndpointData_t, DiscoveredReaderData_t, DiscoveredWriterData_t } from '../../idl/builtin.js';
import type { TypeConsistencyEnforcementQosPolicy_t } from '../../idl/qos.js';
import { DecodeError } from '../../util/errors.js';
import type { Guid } from '../guid.js';
import { EntityIds } from '../guid.js';
import type { Locator } from '../locator.js';
import type { UnknownParameter } from '../pid/pl-struct.js';
import { guidFromWire, guidToWire, msFromWire, msToWire, vendorFromWire, vendorToWire } from './common-mapping.js';
import { ReaderDataType, WriterDataType } from './endpoint-data-codec.js';
import type { EndpointQos } from './endpoint-qos.js';
import { endpointQosFromWire, endpointQosToWire } from './endpoint-qos.js';
import type { IceAgentInfo } from './ice-agent-info.js';
import { iceAgentInfoFromWire, iceAgentInfoToWire } from './ice-agent-info.js';
import { readPlPayload, writePlPayload } from './pl-payload.js';

/** What publication and subscription data share. Byte fields alias the decoded payload. */
export interface SedpEndpointData {
  readonly endpointGuid: Guid;
  /** PID_PARTICIPANT_GUID, else the endpoint's prefix with ENTITYID_PARTICIPANT (Cyclone omits it). */
  readonly participantGuid: Guid;
  readonly topicName: string;
  readonly typeName: string;
  readonly protocolVersion?: { readonly major: number; readonly minor: number };
  readonly vendorId?: number;
  readonly qos: EndpointQos;
  readonly unicastLocators: readonly Locator[];
  readonly multicastLocators: readonly Locator[];
  readonly entityName?: string;
  readonly typeMaxSizeSerialized?: number;
  /** OpenDDS ICE agent info per key (normally only "DATA"); empty when absent or dropped (spec §2.2). */
  readonly ice: ReadonlyMap<string, IceAgentInfo>;
  /** Parameters not interpreted, re-encoded verbatim (meaningful only in the byte order they came in). */
  readonly unknownParameters: readonly UnknownParameter[];
}

export interface SedpPublicationData extends SedpEndpointData {
  readonly ownershipStrength?: number;
}

export interface SedpSubscriptionData extends SedpEndpointData {
  readonly expectsInlineQos?: boolean;
  readonly timeBasedFilterMs?: number;
  readonly typeConsistency?: TypeConsistency;
}

/** XTypes 1.3 §7.6.3.4 TypeConsistencyEnforcementQosPolicy (kind 0 = disallow, 1 = allow type coercion). */
export interface TypeConsistency {
  readonly kind: 'disallow-type-coercion' | 'allow-type-coercion';
  readonly ignoreSequenceBounds: boolean;
  readonly ignoreStringBounds: boolean;
  readonly ignoreMemberNames: boolean;
  readonly preventTypeWidening: boolean;
  readonly forceTypeValidation: boolean;
}

function typeConsistencyFromWire(t: TypeConsistencyEnforcementQosPolicy_t): TypeConsistency {
  if (t.kind !== 0 && t.kind !== 1) throw new DecodeError('sedp-subscription/PID_TYPE_CONSISTENCY_ENFORCEMENT', 0, `unknown kind ${t.kind}`);
  return {
    kind: t.kind === 0 ? 'disallow-type-coercion' : 'allow-type-coercion',
    ignoreSequenceBounds: t.ignore_sequence_bounds,
    ignoreStringBounds: t.ignore_string_bounds,
    ignoreMemberNames: t.ignore_member_names,
    preventTypeWidening: t.prevent_type_widening,
    forceTypeValidation: t.force_type_validation,
  };
}

function typeConsistencyToWire(t: TypeConsistency): TypeConsistencyEnforcementQosPolicy_t {
  return {
    kind: t.kind === 'disallow-type-coercion' ? 0 : 1,
    ignore_sequence_bounds: t.ignoreSequenceBounds,
    ignore_string_bounds: t.ignoreStringBounds,
    ignore_member_names: t.ignoreMemberNames,
    prevent_type_widening: t.preventTypeWidening,
    force_type_validation: t.forceTypeValidation,
  };
}

function commonFromWire(d: DiscoveredEndpointData_t, unknown: UnknownParameter[], what: string): SedpEndpointData {
  // PID_KEY_HASH is the endpoint GUID when PID_ENDPOINT_GUID is missing (RTPS 2.5 §9.6.2.2.1).
  const endpointGuid = d.endpoint_guid
    ? guidFromWire(d.endpoint_guid)
    : d.key_hash && guidFromWire({
      guidPrefix: d.key_hash.value.subarray(0, 12),
      entityId: { entityKey: d.key_hash.value.subarray(12, 15), entityKind: d.key_hash.value[15] ?? 0 },
    });
  if (endpointGuid === undefined) throw new DecodeError(`${what}/PID_ENDPOINT_GUID`, 0, 'missing');
  if (d.topic_name === undefined) throw new DecodeError(`${what}/PID_TOPIC_NAME`, 0, 'missing');
  if (d.type_name === undefined) throw new DecodeError(`${what}/PID_TYPE_NAME`, 0, 'missing');
  return {
    endpointGuid,
    participantGuid: d.participant_guid ? guidFromWire(d.participant_guid) : { prefix: endpointGuid.prefix, entityId: EntityIds.PARTICIPANT },
    topicName: d.topic_name,
    typeName: d.type_name,
    ...(d.protocol_version && { protocolVersion: { major: d.protocol_version.major, minor: d.protocol_version.minor } }),
    ...(d.vendor_id && { vendorId: vendorFromWire(d.vendor_id) }),
    qos: endpointQosFromWire(d),
    unicastLocators: d.unicast_locator,
    multicastLocators: d.multicast_locator,
    ...(d.entity_name !== undefined && { entityName: d.entity_name }),
    ...(d.type_max_size_serialized !== undefined && { typeMaxSizeSerialized: d.type_max_size_serialized }),
    ice: iceAgentInfoFromWire(d.ice_general, d.ice_candidate) ?? new Map(),
    unknownParameters: unknown,
  };
}

function commonToWire(e: SedpEndpointData): DiscoveredEndpointData_t {
  return {
    endpoint_guid: guidToWire(e.endpointGuid),
    participant_guid: guidToWire(e.participantGuid),
    topic_name: e.topicName,
    type_name: e.typeName,
    protocol_version: e.protocolVersion && { major: e.protocolVersion.major, minor: e.protocolVersion.minor },
    vendor_id: e.vendorId === undefined ? undefined : vendorToWire(e.vendorId),
    key_hash: undefined,
    ...endpointQosToWire(e.qos),
    type_max_size_serialized: e.typeMaxSizeSerialized,
    entity_name: e.entityName,
    unicast_locator: e.unicastLocators,
    multicast_locator: e.multicastLocators,
    ...iceAgentInfoToWire(e.ice),
  };
}

/**
 * Decodes the serialized payload of an SEDP DATA(w).
 * @param vendorId the RTPS header's vendor id (gates vendor-specific PIDs).
 * @throws DecodeError on malformed input, missing endpoint GUID / topic / type name, an
 *   out-of-range QoS enumeration or an unknown must-understand parameter.
 */
export function decodeSedpPublicationData(serializedPayload: Uint8Array, vendorId: number): SedpPublicationData {
  const { rules, params } = readPlPayload(serializedPayload, 'sedp-publication');
  const { value: d, unknown } = WriterDataType.decode(params, rules, vendorId);
  return {
    ...commonFromWire(d, unknown, 'sedp-publication'),
    ...(d.ownership_strength && { ownershipStrength: d.ownership_strength.value }),
  };
}

/** Decodes the serialized payload of an SEDP DATA(r). @throws DecodeError as {@link decodeSedpPublicationData}. */
export function decodeSedpSubscriptionData(serializedPayload: Uint8Array, vendorId: number): SedpSubscriptionData {
  const { rules, params } = readPlPayload(serializedPayload, 'sedp-subscription');
  const { value: d, unknown } = ReaderDataType.decode(params, rules, vendorId);
  const common = commonFromWire(d, unknown, 'sedp-subscription');
  return {
    ...common,
    ...(d.expects_inline_qos !== undefined && { expectsInlineQos: d.expects_inline_qos }),
    ...(d.time_based_filter && { timeBasedFilterMs: msFromWire(d.time_based_filter.minimum_separation) }),
    ...(d.type_consistency && { typeConsistency: typeConsistencyFromWire(d.type_consistency) }),
  };
}

/** Encodes SEDP publication data (PL_CDR_LE/BE, options 0; ICE "DATA" parameters last). @throws EncodeError */
export function encodeSedpPublicationData(p: SedpPublicationData, options: { readonly littleEndian: boolean }): Uint8Array {
  const wire: DiscoveredWriterData_t = {
    ...commonToWire(p),
    ownership_strength: p.ownershipStrength === undefined ? undefined : { value: p.ownershipStrength },
  };
  return writePlPayload(options.littleEndian, (w) => { WriterDataType.encode(w, wire, p.unknownParameters); });
}

/** Encodes SEDP subscription data (PL_CDR_LE/BE, options 0; ICE "DATA" parameters last). @throws EncodeError */
export function encodeSedpSubscriptionData(s: SedpSubscriptionData, options: { readonly littleEndian: boolean }): Uint8Array {
  const wire: DiscoveredReaderData_t = {
    ...commonToWire(s),
    expects_inline_qos: s.expectsInlineQos,
    time_based_filter: s.timeBasedFilterMs === undefined ? undefined : { minimum_separation: msToWire(s.timeBasedFilterMs) },
    type_consistency: s.typeConsistency && typeConsistencyToWire(s.typeConsistency),
  };
  return writePlPayload(options.littleEndian, (w) => { ReaderDataType.encode(w, wire, s.unknownParameters); });
}
