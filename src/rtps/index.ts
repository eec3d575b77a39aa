/**
 * What other folders may use from `rtps/` (STYLE.md rule 2). A plain list of named exports, one
 * module per block, so additions from other modules merge cleanly.
 */

// header.ts
export type { ProtocolVersion, RtpsHeader } from './header.js';
export {
  PROTOCOL_RTPS,
  PROTOCOL_RTPX,
  PROTOCOL_VERSION_2_4,
  PROTOCOL_VERSION_2_5,
  readRtpsHeader,
  RTPS_HEADER_SIZE,
  VendorIds,
  writeRtpsHeader,
} from './header.js';

// message.ts
export type { RtpsMessage } from './message.js';
export { decodeRtpsMessage, encodeRtpsMessage, sizeOfRtpsMessage } from './message.js';

// message-reader.ts
export type { SubmessageVisitor } from './message-reader.js';
export { forEachSubmessage } from './message-reader.js';

// submessages/data-wire.ts
export type { EncodedChunk } from './submessages/data-wire.js';
export { decodeEncodedChunk, encodeDataSubmessage, encodeWriterData } from './submessages/data-wire.js';

// message-writer.ts
export { DEFAULT_MESSAGE_WRITER_CAPACITY, RtpsMessageWriter } from './message-writer.js';

// sequence-number-set.ts
export type { SequenceNumberSet } from './sequence-number-set.js';
export {
  forEachSequenceNumber,
  hasSequenceNumber,
  MAX_SET_BITS,
  readSequenceNumberSet,
  sequenceNumberSetFromMembers,
  sequenceNumberSetMembers,
  sizeOfSequenceNumberSet,
  writeSequenceNumberSet,
} from './sequence-number-set.js';

// fragment-number-set.ts
export type { FragmentNumberSet } from './fragment-number-set.js';
export {
  forEachFragmentNumber,
  fragmentNumberSetFromMembers,
  fragmentNumberSetMembers,
  hasFragmentNumber,
  readFragmentNumberSet,
  sizeOfFragmentNumberSet,
  writeFragmentNumberSet,
} from './fragment-number-set.js';

// submessages/submessage.ts
export type { Submessage, SubmessageKind } from './submessages/submessage.js';
export { nameOf as submessageName, readSubmessage, sizeOfSubmessage, writeSubmessage } from './submessages/submessage.js';

// submessages/submessage-codec.ts
export type { SubmessageCodec, SubmessageCommon } from './submessages/submessage-codec.js';
export { FLAG_ENDIANNESS, SUBMESSAGE_HEADER_SIZE, SUBMESSAGE_ID_VENDOR_SPECIFIC, SubmessageId } from './submessages/submessage-codec.js';

// submessages/*.ts, one per kind
export type { AckNackSubmessage } from './submessages/acknack.js';
export { AckNackCodec, AckNackFlags } from './submessages/acknack.js';
export type { DataSubmessage } from './submessages/data.js';
export { DATA_OCTETS_TO_INLINE_QOS, DataCodec, DataFlags } from './submessages/data.js';
export type { DataFragSubmessage } from './submessages/data-frag.js';
export { DATA_FRAG_OCTETS_TO_INLINE_QOS, DataFragCodec, DataFragFlags, fragmentsByteLength } from './submessages/data-frag.js';
export type { GapGroupInfo, GapSubmessage } from './submessages/gap.js';
export { GapCodec, GapFlags } from './submessages/gap.js';
export type { HeartbeatGroupInfo, HeartbeatSubmessage } from './submessages/heartbeat.js';
export { HeartbeatCodec, HeartbeatFlags } from './submessages/heartbeat.js';
export type { HeartbeatFragSubmessage } from './submessages/heartbeat-frag.js';
export { HeartbeatFragCodec } from './submessages/heartbeat-frag.js';
export type { InfoDstSubmessage } from './submessages/info-dst.js';
export { InfoDstCodec } from './submessages/info-dst.js';
export type { InfoReplySubmessage } from './submessages/info-reply.js';
export { InfoReplyCodec, InfoReplyFlags } from './submessages/info-reply.js';
export type { InfoReplyIp4Submessage, LocatorUdpV4 } from './submessages/info-reply-ip4.js';
export { InfoReplyIp4Codec } from './submessages/info-reply-ip4.js';
export type { InfoSrcSubmessage } from './submessages/info-src.js';
export { InfoSrcCodec } from './submessages/info-src.js';
export type { InfoTsSubmessage } from './submessages/info-ts.js';
export { InfoTsCodec, InfoTsFlags } from './submessages/info-ts.js';
export type { InlineQosParameter } from './submessages/inline-qos.js';
export type { NackFragSubmessage } from './submessages/nack-frag.js';
export { NackFragCodec } from './submessages/nack-frag.js';
export type { PadSubmessage } from './submessages/pad.js';
export { PadCodec } from './submessages/pad.js';
export type { UnknownSubmessage } from './submessages/unknown.js';

// builtin/ (SPDP / SEDP builtin-topic data, OpenDDS ICE agent info)
export type { SpdpParticipantData } from './builtin/spdp-participant-data.js';
export {
  decodeSpdpParticipantData,
  DEFAULT_PARTICIPANT_LEASE_DURATION_MS,
  encodeSpdpParticipantData,
} from './builtin/spdp-participant-data.js';
export type { SedpEndpointData, SedpPublicationData, SedpSubscriptionData, TypeConsistency } from './builtin/sedp-endpoint-data.js';
export {
  decodeSedpPublicationData,
  decodeSedpSubscriptionData,
  encodeSedpPublicationData,
  encodeSedpSubscriptionData,
} from './builtin/sedp-endpoint-data.js';
export type {
  DestinationOrderKind,
  DurabilityKind,
  EndpointQos,
  HistoryKind,
  LivelinessKind,
  OwnershipKind,
  PresentationAccessScope,
  ReliabilityKind,
} from './builtin/endpoint-qos.js';
export type { IceAgentInfo, IceCandidateInfo, IceCandidateKind } from './builtin/ice-agent-info.js';
export { ICE_KEY_DATA, ICE_KEY_SEDP, ICE_KEY_SPDP } from './builtin/ice-agent-info.js';
export { decodeBuiltinKey, encodeBuiltinKey } from './builtin/builtin-key.js';

// pid/ (one typed codec per parameter)
export type { ParameterCodec } from './pid/parameter-codec.js';
export type { UnknownParameter } from './pid/pl-struct.js';
export { ALL_PARAMETER_CODECS, IceCandidate, IceGeneral } from './pid/all.js';

// guid.ts, locator.ts, sequence-number.ts, time.ts, parameter-list.ts: the basic wire types
export type { EntityId, Guid, GuidPrefix } from './guid.js';
export {
  copyGuidPrefix, EntityIds, entityIdToString, EntityKind, GUID_PREFIX_LENGTH, guidEquals, GUIDPREFIX_UNKNOWN,
  guidPrefixEquals, guidToString, isReaderEntity, isWriterEntity,
} from './guid.js';
export type { Locator } from './locator.js';
export { addressFromLocator, locatorFromAddress, LocatorKind, locatorToString } from './locator.js';
export { SEQUENCE_NUMBER_UNKNOWN } from './sequence-number.js';
export type { RtpsTime } from './time.js';
export { DURATION_INFINITE, durationFromMs, durationToMs, TIME_INFINITE, TIME_INVALID, TIME_ZERO, timeFromUnixMs, timeToUnixMs } from './time.js';
export type { RawParameter } from './parameter-list.js';
export { PID_MUST_UNDERSTAND_FLAG, PID_SENTINEL, PID_VENDOR_SPECIFIC_FLAG } from './parameter-list.js';
