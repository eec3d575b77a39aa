/**
 * What other folders may use from `stun/`: the message codec, attribute codecs, integrity keys,
 * transaction ids and TURN ChannelData framing (RFC 5389/8489, RFC 8445, RFC 8656, OpenDDS spec §3).
 */
export type { AttributeCodec } from './attribute-codec.js';
export { AlternateServer } from './attributes/alternate-server.js';
export { ChannelNumber, MAX_CHANNEL_NUMBER, MIN_CHANNEL_NUMBER } from './attributes/channel-number.js';
export { Data } from './attributes/data.js';
export { ErrorCode, type ErrorCodeValue } from './attributes/error-code.js';
export { Fingerprint } from './attributes/fingerprint.js';
export { GuidPrefix } from './attributes/guid-prefix.js';
export { IceControlled } from './attributes/ice-controlled.js';
export { IceControlling } from './attributes/ice-controlling.js';
export { Lifetime } from './attributes/lifetime.js';
export { MappedAddress } from './attributes/mapped-address.js';
export { MessageIntegrity } from './attributes/message-integrity.js';
export { MessageIntegritySha256 } from './attributes/message-integrity-sha256.js';
export { Nonce } from './attributes/nonce.js';
export { Priority } from './attributes/priority.js';
export { Realm } from './attributes/realm.js';
export { RequestedTransport, TRANSPORT_UDP } from './attributes/requested-transport.js';
export { Software } from './attributes/software.js';
export { UnknownAttributes } from './attributes/unknown-attributes.js';
export { UseCandidate } from './attributes/use-candidate.js';
export { Username } from './attributes/username.js';
export { XorMappedAddress } from './attributes/xor-mapped-address.js';
export { XorPeerAddress } from './attributes/xor-peer-address.js';
export { XorRelayedAddress } from './attributes/xor-relayed-address.js';
export { AttributeType, attributeName, codecForType, isComprehensionRequired, KNOWN_ATTRIBUTES } from './attributes/registry.js';
export { CHANNEL_DATA_HEADER_LENGTH, decodeChannelData, encodeChannelData, isChannelData, sizeOfChannelData, type ChannelData } from './channel-data.js';
export { FINGERPRINT_XOR, HEADER_LENGTH, MAGIC_COOKIE, TRANSACTION_ID_LENGTH } from './constants.js';
export { attr, encodeStunMessage, prepareAttribute, rawAttr, sizeOfStunMessage, type EncodableAttribute, type StunMessageInit } from './encode.js';
export {
  getAllAttributes, getAttribute, getFirstAttribute, getLastAttribute, getMappedAddress, hasAttribute,
  unknownComprehensionRequired,
} from './get-attribute.js';
export { createIntegrityKey, createLongTermIntegrityKey, IntegrityKey, longTermKeyBytes } from './integrity.js';
export { decodeStunMessage, type RawAttribute, type StunMessage } from './message.js';
export { classOfType, encodeMessageType, methodName, methodOfType, StunClass, StunMethod, type StunClassName } from './message-type.js';
export { saslPrep } from './sasl-prep.js';
export { TransactionIdSource, transactionIdKey, type RandomFill } from './transaction-id.js';
export { fingerprintOf, verifyMessageIntegrity, verifyMessageIntegritySha256 } from './verify.js';
