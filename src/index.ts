/**
 * rtps-ice: an RTPS/UDP transport for Node.js that gets DDS traffic through NATs with
 * OpenDDS-compatible ICE. This release carries the wire layer: RTPS messages and discovery data
 * (with OpenDDS's ICE parameters), STUN, CDR and user types from IDL, and the datagram classifier.
 *
 * @example
 * ```ts
 * import {
 *   attr, createIntegrityKey, decodeStunMessage, encodeStunMessage, getAttribute, StunMethod, Username,
 *   verifyMessageIntegrity,
 * } from 'rtps-ice';
 *
 * // An ICE connectivity check keyed with the remote's password (OpenDDS spec §5.7), and its verification.
 * const key = createIntegrityKey('0123456789abcdeffedcba9876543210');
 * const check = encodeStunMessage({
 *   method: StunMethod.binding, messageClass: 'request', transactionId: new Uint8Array(12),
 *   attributes: [attr(Username, 'remoteufrag:localufrag')], integrity: key, fingerprint: true,
 * });
 * const msg = decodeStunMessage(check);
 * console.log(getAttribute(msg, Username), verifyMessageIntegrity(msg, key)); // remoteufrag:localufrag true
 * ```
 *
 * @packageDocumentation
 */

// Errors (STYLE.md rule 11): every error the library throws extends RtpsLibError.
export { DecodeError, EncodeError, InvalidConfigError, RtpsLibError } from './util/errors.js';

// Addresses.
export type { IpFamily, TransportAddress } from './util/address.js';
export { formatAddress, parseAddress, transportAddress } from './util/address.js';

// Datagram demultiplexing (RFC 7983).
export type { DatagramKind } from './transport/classify-datagram.js';
export { classifyDatagram } from './transport/classify-datagram.js';

// RTPS messages, submessages and discovery data.
export type {
  EndpointQos, EntityId, Guid, GuidPrefix, IceAgentInfo, IceCandidateInfo, IceCandidateKind, Locator, RtpsHeader,
  RtpsMessage, RtpsTime, SedpEndpointData, SedpPublicationData, SedpSubscriptionData, SequenceNumberSet,
  FragmentNumberSet, SpdpParticipantData, Submessage, SubmessageKind,
} from './rtps/index.js';
export {
  addressFromLocator, decodeRtpsMessage, decodeSedpPublicationData, decodeSedpSubscriptionData,
  decodeSpdpParticipantData, encodeRtpsMessage, encodeSedpPublicationData, encodeSedpSubscriptionData,
  encodeSpdpParticipantData, EntityIds, EntityKind, forEachSubmessage, fragmentNumberSetFromMembers,
  fragmentNumberSetMembers, guidToString, ICE_KEY_DATA, ICE_KEY_SEDP, ICE_KEY_SPDP, locatorFromAddress, LocatorKind,
  PROTOCOL_VERSION_2_4, PROTOCOL_VERSION_2_5, RtpsMessageWriter, sequenceNumberSetFromMembers,
  sequenceNumberSetMembers, VendorIds,
} from './rtps/index.js';

// STUN (RFC 5389/8489) and TURN framing.
export type { AttributeCodec, ChannelData, EncodableAttribute, ErrorCodeValue, StunClassName, StunMessage, StunMessageInit } from './stun/index.js';
export {
  AlternateServer, attr, ChannelNumber, createIntegrityKey, createLongTermIntegrityKey, Data, decodeChannelData,
  decodeStunMessage, encodeChannelData, encodeStunMessage, ErrorCode, getAllAttributes, getAttribute,
  getMappedAddress, GuidPrefix as GuidPrefixAttribute, IceControlled, IceControlling, IntegrityKey, Lifetime,
  MappedAddress, Nonce, prepareAttribute, Priority, rawAttr, Realm, RequestedTransport, Software, StunMethod, TransactionIdSource,
  UnknownAttributes, unknownComprehensionRequired, UseCandidate, Username, verifyMessageIntegrity,
  verifyMessageIntegritySha256, XorMappedAddress, XorPeerAddress, XorRelayedAddress,
} from './stun/index.js';

// CDR and user types from IDL.
export type { CompileIdlOptions, EncapsulationKind, UserCodecKind, UserSample, UserTypeCodec, UserValue } from './cdr/index.js';
export {
  CDR2_BE, CDR2_LE, compileIdl, D_CDR2_BE, D_CDR2_LE, PL_CDR2_BE, PL_CDR2_LE, PL_CDR_BE, PL_CDR_LE, PLAIN_CDR_BE, PLAIN_CDR_LE,
  TypeLibrary,
} from './cdr/index.js';

// DDS facade (docs/configuration.md): participant, topics, writers, readers, OpenDDS configuration.
export type {
  AddressOption, ConfigWarning, DataReaderEvents, DataWriterEvents, DdsConfig, DdsConfigInput, DomainParticipantEvents,
  DomainParticipantOptions, EndpointQosInit, IceOptions, IceStatus, InstanceStateInfo, PublicationMatchedStatus, ReceivedData, ResolvedQos,
  RtpsDiscoveryConfig, RtpsDiscoveryOptions, RtpsUdpTransportConfig, RtpsUdpTransportOptions, SampleInfo, SubscriptionMatchedStatus,
  WriteInfo, WriteOptions,
} from './dds/index.js';
export {
  DataReader, DataWriter, DdsAbortError, DdsUsageError, DEFAULT_ENDPOINT_QOS, DomainParticipant, EntityClosedError, parseDdsConfigIni,
  resolveDdsConfig, Topic, loadOrCreateIdentityFiles,
} from './dds/index.js';

// The RtpsRelay server (docs/relay.md) and the real-UDP network and timers it runs on.
export type {
  AdmitState, AdmittingState, DrainState, MetaDiscoveryOptions, RelayHorizontalOptions, RelayPortType, RelayServerEvents, RelayServerOptions,
} from './relay/index.js';
export { MetaDiscoveryServer, RelayServer, StunServer } from './relay/index.js';
export { RealTimerService, UdpNetwork } from './transport/index.js';
export type { IdentityFilesOptions } from './dds/index.js';

// Participant identity (docs/security.md).
export {
  adjustedGuidPrefix, announcedFingerprint, certificateFingerprint, checkAnnouncedIdentity, generateCaSignedIdentity,
  generateSelfSignedIdentity, IDENTITY_FINGERPRINT_PROPERTY, IdentityError, loadIdentity, verifyCertificate,
} from './security/index.js';
export type { IdentityErrorCode, ParticipantIdentity, TrustOptions, VerifiedCertificate } from './security/index.js';
