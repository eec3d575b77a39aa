/**
 * The attribute types this library understands (RFC 5389 §18.2, RFC 8489 §18.3, RFC 8445 §16.1,
 * RFC 8656 §18, OpenDDS spec §3.2) and their codecs. {@link decodeStunMessage} checks every
 * attribute whose type is listed here.
 */
import type { AttributeCodec } from '../attribute-codec.js';
import { AlternateServer } from './alternate-server.js';
import { ChannelNumber } from './channel-number.js';
import { Data } from './data.js';
import { ErrorCode } from './error-code.js';
import { Fingerprint } from './fingerprint.js';
import { GuidPrefix } from './guid-prefix.js';
import { IceControlled } from './ice-controlled.js';
import { IceControlling } from './ice-controlling.js';
import { Lifetime } from './lifetime.js';
import { MappedAddress } from './mapped-address.js';
import { MessageIntegrity } from './message-integrity.js';
import { MessageIntegritySha256 } from './message-integrity-sha256.js';
import { Nonce } from './nonce.js';
import { Priority } from './priority.js';
import { Realm } from './realm.js';
import { RequestedTransport } from './requested-transport.js';
import { Software } from './software.js';
import { UnknownAttributes } from './unknown-attributes.js';
import { UseCandidate } from './use-candidate.js';
import { Username } from './username.js';
import { XorMappedAddress } from './xor-mapped-address.js';
import { XorPeerAddress } from './xor-peer-address.js';
import { XorRelayedAddress } from './xor-relayed-address.js';

/** Attribute type values (registry names in UPPER_SNAKE). */
export const AttributeType = {
  MAPPED_ADDRESS: 0x0001,
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  UNKNOWN_ATTRIBUTES: 0x000a,
  CHANNEL_NUMBER: 0x000c,
  LIFETIME: 0x000d,
  XOR_PEER_ADDRESS: 0x0012,
  DATA: 0x0013,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_TRANSPORT: 0x0019,
  MESSAGE_INTEGRITY_SHA256: 0x001c,
  XOR_MAPPED_ADDRESS: 0x0020,
  PRIORITY: 0x0024,
  USE_CANDIDATE: 0x0025,
  SOFTWARE: 0x8022,
  ALTERNATE_SERVER: 0x8023,
  FINGERPRINT: 0x8028,
  ICE_CONTROLLED: 0x8029,
  ICE_CONTROLLING: 0x802a,
  GUID_PREFIX: 0xd000,
} as const;

/** Every codec of this library, one per type. */
export const KNOWN_ATTRIBUTES: readonly AttributeCodec<unknown>[] = [
  MappedAddress, Username, MessageIntegrity, ErrorCode, UnknownAttributes, ChannelNumber, Lifetime,
  XorPeerAddress, Data, Realm, Nonce, XorRelayedAddress, RequestedTransport, MessageIntegritySha256,
  XorMappedAddress, Priority, UseCandidate, Software, AlternateServer, Fingerprint, IceControlled,
  IceControlling, GuidPrefix,
];

const BY_TYPE: ReadonlyMap<number, AttributeCodec<unknown>> = new Map(KNOWN_ATTRIBUTES.map((c) => [c.type, c]));

/** The codec of attribute `type`, or undefined when this library does not know it. */
export function codecForType(type: number): AttributeCodec<unknown> | undefined {
  return BY_TYPE.get(type);
}

/** The RFC name of `type` for logs (`0x….` when unknown). */
export function attributeName(type: number): string {
  return BY_TYPE.get(type)?.name ?? `0x${type.toString(16).padStart(4, '0')}`;
}

/**
 * True for types in the comprehension-required range 0x0000–0x7FFF (RFC 5389 §15): an agent that
 * does not understand one must reject the request with 420 (RFC 5389 §7.3.1).
 */
export function isComprehensionRequired(type: number): boolean {
  return type < 0x8000;
}
