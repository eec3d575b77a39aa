/**
 * Struct codecs for the RTPS basic types of `idl/rtps_core.idl` (RTPS 2.5 §9.3.2). Octet arrays
 * in decoded values alias the input.
 */
import type {
  Duration_t, EntityId_t, GUID_t, KeyHash_t, Locator_t, PropertyList_t, Property_t, ProtocolVersion_t,
  SequenceNumber_t, StatusInfo_t, Time_t, VendorId_t,
} from '../../idl/rtps-core.js';
import { long, octet, octetArray, sequence, string, struct, unsignedLong } from './cdr-type.js';

export const EntityIdType = struct<EntityId_t>('EntityId_t', { entityKey: octetArray(3), entityKind: octet });
/** `GuidPrefix_t` (a typedef of octet[12]). */
export const GuidPrefixType = octetArray(12);
export const GuidType = struct<GUID_t>('GUID_t', { guidPrefix: GuidPrefixType, entityId: EntityIdType });
export const LocatorType = struct<Locator_t>('Locator_t', { kind: long, port: unsignedLong, address: octetArray(16) });
export const SequenceNumberType = struct<SequenceNumber_t>('SequenceNumber_t', { high: long, low: unsignedLong });
export const TimeType = struct<Time_t>('Time_t', { seconds: long, fraction: unsignedLong });
export const DurationType = struct<Duration_t>('Duration_t', { seconds: long, fraction: unsignedLong });
export const ProtocolVersionType = struct<ProtocolVersion_t>('ProtocolVersion_t', { major: octet, minor: octet });
export const VendorIdType = struct<VendorId_t>('VendorId_t', { vendorId: octetArray(2) });
export const PropertyType = struct<Property_t>('Property_t', { name: string, value: string });
/** Each property is at least two 4-byte string lengths. */
export const PropertyListType = struct<PropertyList_t>('PropertyList_t', { value: sequence(PropertyType, 8) });
export const KeyHashType = struct<KeyHash_t>('KeyHash_t', { value: octetArray(16) });
export const StatusInfoType = struct<StatusInfo_t>('StatusInfo_t', { value: octetArray(4) });
