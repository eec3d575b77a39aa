/**
 * BuiltinEndpointSet_t bits (RTPS 2.5 §9.3.2 Table 9.4 / 8.5.3.1; XTypes 1.3 §7.6.2.1 for type
 * lookup; DDS Security 1.1 §7.4.7.1 for the secure builtins) and the builtin reader/writer pairings
 * OpenDDS starts ICE for on the SEDP endpoint (spec/opendds-ice-and-rtpsrelay.md §2.5,
 * `Spdp::start_ice`).
 */
import type { EntityId } from '../rtps/index.js';
import { EntityIds } from '../rtps/index.js';

/** Bits of PID_BUILTIN_ENDPOINT_SET. */
export const BuiltinEndpointBits = Object.freeze({
  PARTICIPANT_ANNOUNCER: 1 << 0,
  PARTICIPANT_DETECTOR: 1 << 1,
  PUBLICATIONS_ANNOUNCER: 1 << 2,
  PUBLICATIONS_DETECTOR: 1 << 3,
  SUBSCRIPTIONS_ANNOUNCER: 1 << 4,
  SUBSCRIPTIONS_DETECTOR: 1 << 5,
  PARTICIPANT_MESSAGE_DATA_WRITER: 1 << 10,
  PARTICIPANT_MESSAGE_DATA_READER: 1 << 11,
  TYPELOOKUP_SERVICE_REQUEST_WRITER: 1 << 12,
  TYPELOOKUP_SERVICE_REQUEST_READER: 1 << 13,
  TYPELOOKUP_SERVICE_REPLY_WRITER: 1 << 14,
  TYPELOOKUP_SERVICE_REPLY_READER: 1 << 15,
  PUBLICATIONS_SECURE_WRITER: 1 << 16,
  PUBLICATIONS_SECURE_READER: 1 << 17,
  SUBSCRIPTIONS_SECURE_WRITER: 1 << 18,
  SUBSCRIPTIONS_SECURE_READER: 1 << 19,
  PARTICIPANT_MESSAGE_SECURE_WRITER: 1 << 20,
  PARTICIPANT_MESSAGE_SECURE_READER: 1 << 21,
  PARTICIPANT_STATELESS_MESSAGE_WRITER: 1 << 22,
  PARTICIPANT_STATELESS_MESSAGE_READER: 1 << 23,
  PARTICIPANT_VOLATILE_MESSAGE_SECURE_WRITER: 1 << 24,
  PARTICIPANT_VOLATILE_MESSAGE_SECURE_READER: 1 << 25,
  SPDP_RELIABLE_PARTICIPANT_SECURE_WRITER: 1 << 26,
  SPDP_RELIABLE_PARTICIPANT_SECURE_READER: 1 << 27,
} as const);

const B = BuiltinEndpointBits;

/**
 * What this library's participant has: SPDP announcer/detector and the SEDP publications and
 * subscriptions announcers/detectors. No participant-message (liveliness) endpoints, no type lookup.
 */
export const DEFAULT_BUILTIN_ENDPOINTS: number = B.PARTICIPANT_ANNOUNCER | B.PARTICIPANT_DETECTOR |
  B.PUBLICATIONS_ANNOUNCER | B.PUBLICATIONS_DETECTOR | B.SUBSCRIPTIONS_ANNOUNCER | B.SUBSCRIPTIONS_DETECTOR;

/** Entity ids of the secure builtins (spec §1 table; OpenDDS `MessageTypes.h`). */
export const SecureEntityIds = Object.freeze({
  SEDP_PUBLICATIONS_SECURE_WRITER: 0xff0003c2,
  SEDP_PUBLICATIONS_SECURE_READER: 0xff0003c7,
  SEDP_SUBSCRIPTIONS_SECURE_WRITER: 0xff0004c2,
  SEDP_SUBSCRIPTIONS_SECURE_READER: 0xff0004c7,
  P2P_PARTICIPANT_MESSAGE_SECURE_WRITER: 0xff0200c2,
  P2P_PARTICIPANT_MESSAGE_SECURE_READER: 0xff0200c7,
  P2P_PARTICIPANT_STATELESS_WRITER: 0x000201c3,
  P2P_PARTICIPANT_STATELESS_READER: 0x000201c4,
  P2P_PARTICIPANT_VOLATILE_SECURE_WRITER: 0xff0202c3,
  P2P_PARTICIPANT_VOLATILE_SECURE_READER: 0xff0202c4,
  SPDP_RELIABLE_PARTICIPANT_SECURE_WRITER: 0xff0101c2,
  SPDP_RELIABLE_PARTICIPANT_SECURE_READER: 0xff0101c7,
} as const);

/** One pairing: when the remote advertises `remoteBit`, its `remoteEntity` talks to our `localEntity`. */
interface BuiltinPairing {
  readonly remoteBit: number;
  readonly localEntity: EntityId;
  readonly remoteEntity: EntityId;
}

const E = EntityIds;
const S = SecureEntityIds;

/** Every builtin reader/writer pairing that runs over the SEDP endpoint (spec §2.5, `Spdp::start_ice`). */
const SEDP_ENDPOINT_PAIRINGS: readonly BuiltinPairing[] = [
  { remoteBit: B.PUBLICATIONS_DETECTOR, localEntity: E.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER, remoteEntity: E.SEDP_BUILTIN_PUBLICATIONS_DETECTOR },
  { remoteBit: B.PUBLICATIONS_ANNOUNCER, localEntity: E.SEDP_BUILTIN_PUBLICATIONS_DETECTOR, remoteEntity: E.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER },
  { remoteBit: B.SUBSCRIPTIONS_DETECTOR, localEntity: E.SEDP_BUILTIN_SUBSCRIPTIONS_ANNOUNCER, remoteEntity: E.SEDP_BUILTIN_SUBSCRIPTIONS_DETECTOR },
  { remoteBit: B.SUBSCRIPTIONS_ANNOUNCER, localEntity: E.SEDP_BUILTIN_SUBSCRIPTIONS_DETECTOR, remoteEntity: E.SEDP_BUILTIN_SUBSCRIPTIONS_ANNOUNCER },
  { remoteBit: B.PARTICIPANT_MESSAGE_DATA_READER, localEntity: E.P2P_BUILTIN_PARTICIPANT_MESSAGE_WRITER, remoteEntity: E.P2P_BUILTIN_PARTICIPANT_MESSAGE_READER },
  { remoteBit: B.PARTICIPANT_MESSAGE_DATA_WRITER, localEntity: E.P2P_BUILTIN_PARTICIPANT_MESSAGE_READER, remoteEntity: E.P2P_BUILTIN_PARTICIPANT_MESSAGE_WRITER },
  { remoteBit: B.TYPELOOKUP_SERVICE_REQUEST_READER, localEntity: E.TL_SVC_REQ_WRITER, remoteEntity: E.TL_SVC_REQ_READER },
  { remoteBit: B.TYPELOOKUP_SERVICE_REQUEST_WRITER, localEntity: E.TL_SVC_REQ_READER, remoteEntity: E.TL_SVC_REQ_WRITER },
  { remoteBit: B.TYPELOOKUP_SERVICE_REPLY_READER, localEntity: E.TL_SVC_REPLY_WRITER, remoteEntity: E.TL_SVC_REPLY_READER },
  { remoteBit: B.TYPELOOKUP_SERVICE_REPLY_WRITER, localEntity: E.TL_SVC_REPLY_READER, remoteEntity: E.TL_SVC_REPLY_WRITER },
  { remoteBit: B.PUBLICATIONS_SECURE_READER, localEntity: S.SEDP_PUBLICATIONS_SECURE_WRITER, remoteEntity: S.SEDP_PUBLICATIONS_SECURE_READER },
  { remoteBit: B.PUBLICATIONS_SECURE_WRITER, localEntity: S.SEDP_PUBLICATIONS_SECURE_READER, remoteEntity: S.SEDP_PUBLICATIONS_SECURE_WRITER },
  { remoteBit: B.SUBSCRIPTIONS_SECURE_READER, localEntity: S.SEDP_SUBSCRIPTIONS_SECURE_WRITER, remoteEntity: S.SEDP_SUBSCRIPTIONS_SECURE_READER },
  { remoteBit: B.SUBSCRIPTIONS_SECURE_WRITER, localEntity: S.SEDP_SUBSCRIPTIONS_SECURE_READER, remoteEntity: S.SEDP_SUBSCRIPTIONS_SECURE_WRITER },
  { remoteBit: B.PARTICIPANT_MESSAGE_SECURE_READER, localEntity: S.P2P_PARTICIPANT_MESSAGE_SECURE_WRITER, remoteEntity: S.P2P_PARTICIPANT_MESSAGE_SECURE_READER },
  { remoteBit: B.PARTICIPANT_MESSAGE_SECURE_WRITER, localEntity: S.P2P_PARTICIPANT_MESSAGE_SECURE_READER, remoteEntity: S.P2P_PARTICIPANT_MESSAGE_SECURE_WRITER },
  { remoteBit: B.PARTICIPANT_STATELESS_MESSAGE_READER, localEntity: S.P2P_PARTICIPANT_STATELESS_WRITER, remoteEntity: S.P2P_PARTICIPANT_STATELESS_READER },
  { remoteBit: B.PARTICIPANT_STATELESS_MESSAGE_WRITER, localEntity: S.P2P_PARTICIPANT_STATELESS_READER, remoteEntity: S.P2P_PARTICIPANT_STATELESS_WRITER },
  { remoteBit: B.PARTICIPANT_VOLATILE_MESSAGE_SECURE_READER, localEntity: S.P2P_PARTICIPANT_VOLATILE_SECURE_WRITER, remoteEntity: S.P2P_PARTICIPANT_VOLATILE_SECURE_READER },
  { remoteBit: B.PARTICIPANT_VOLATILE_MESSAGE_SECURE_WRITER, localEntity: S.P2P_PARTICIPANT_VOLATILE_SECURE_READER, remoteEntity: S.P2P_PARTICIPANT_VOLATILE_SECURE_WRITER },
  { remoteBit: B.SPDP_RELIABLE_PARTICIPANT_SECURE_READER, localEntity: S.SPDP_RELIABLE_PARTICIPANT_SECURE_WRITER, remoteEntity: S.SPDP_RELIABLE_PARTICIPANT_SECURE_READER },
  { remoteBit: B.SPDP_RELIABLE_PARTICIPANT_SECURE_WRITER, localEntity: S.SPDP_RELIABLE_PARTICIPANT_SECURE_READER, remoteEntity: S.SPDP_RELIABLE_PARTICIPANT_SECURE_WRITER },
];

/**
 * The (local entity, remote entity) pairs on the SEDP endpoint for a remote that advertises
 * `remoteBuiltinEndpoints`, in a fixed order. As in OpenDDS, only the remote's set decides: the
 * pairing names our counterpart whether or not we run it, so a selected address is known for it.
 */
export function sedpEndpointPairings(remoteBuiltinEndpoints: number): { readonly localEntity: EntityId; readonly remoteEntity: EntityId }[] {
  return SEDP_ENDPOINT_PAIRINGS
    .filter((p) => (remoteBuiltinEndpoints & p.remoteBit) !== 0)
    .map((p) => ({ localEntity: p.localEntity, remoteEntity: p.remoteEntity }));
}
