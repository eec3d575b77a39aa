/**
 * Struct codecs for OpenDDS's `IceGeneral_t` and `IceCandidate_t` (spec/opendds-ice-and-rtpsrelay.md
 * §2.1, §2.2): plain XCDR1, members in IDL order.
 */
import type { IceCandidate_t, IceGeneral_t } from '../../idl/ice.js';
import { string, struct, unsignedLong } from './cdr-type.js';
import { LocatorType } from './core-types.js';

export const IceGeneralType = struct<IceGeneral_t>('IceGeneral_t', {
  key: string, agent_type: unsignedLong, username: string, password: string,
});
export const IceCandidateType = struct<IceCandidate_t>('IceCandidate_t', {
  key: string, locator: LocatorType, foundation: string, priority: unsignedLong, type: unsignedLong,
});
