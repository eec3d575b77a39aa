/**
 * GUIDs (RTPS 2.5 §8.2.4, §9.3.1): a 12-byte prefix naming the participant and a 4-byte entity id
 * (3-byte key + kind). Both are octet arrays on the wire, so byte order never applies.
 * In the domain an entity id is the 32-bit number `key << 8 | kind`, which makes comparisons and
 * map keys cheap.
 */
import type { ByteReader } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import { EncodeError } from '../util/errors.js';
import { toHex } from '../util/hex.js';

/** 12 bytes; decoded values alias the input datagram. */
export type GuidPrefix = Uint8Array;
/** `entityKey[0] << 24 | entityKey[1] << 16 | entityKey[2] << 8 | entityKind`, unsigned. */
export type EntityId = number;

export interface Guid {
  readonly prefix: GuidPrefix;
  readonly entityId: EntityId;
}

export const GUID_PREFIX_LENGTH = 12;
export const GUIDPREFIX_UNKNOWN: GuidPrefix = new Uint8Array(12);

/** Builtin entity ids (RTPS 2.5 §9.3.1.3; OpenDDS `MessageTypes.h`). */
export const EntityIds = Object.freeze({
  UNKNOWN: 0x00000000,
  PARTICIPANT: 0x000001c1,
  SEDP_BUILTIN_TOPICS_ANNOUNCER: 0x000002c2,
  SEDP_BUILTIN_TOPICS_DETECTOR: 0x000002c7,
  SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER: 0x000003c2,
  SEDP_BUILTIN_PUBLICATIONS_DETECTOR: 0x000003c7,
  SEDP_BUILTIN_SUBSCRIPTIONS_ANNOUNCER: 0x000004c2,
  SEDP_BUILTIN_SUBSCRIPTIONS_DETECTOR: 0x000004c7,
  SPDP_BUILTIN_PARTICIPANT_ANNOUNCER: 0x000100c2,
  SPDP_BUILTIN_PARTICIPANT_DETECTOR: 0x000100c7,
  P2P_BUILTIN_PARTICIPANT_MESSAGE_WRITER: 0x000200c2,
  P2P_BUILTIN_PARTICIPANT_MESSAGE_READER: 0x000200c7,
  TL_SVC_REQ_WRITER: 0x000300c3,
  TL_SVC_REQ_READER: 0x000300c4,
  TL_SVC_REPLY_WRITER: 0x000301c3,
  TL_SVC_REPLY_READER: 0x000301c4,
} as const);

/** Entity kinds (RTPS 2.5 Table 9.1), the low byte of an entity id. */
export const EntityKind = Object.freeze({
  USER_UNKNOWN: 0x00,
  USER_WRITER_WITH_KEY: 0x02,
  USER_WRITER_NO_KEY: 0x03,
  USER_READER_NO_KEY: 0x04,
  USER_READER_WITH_KEY: 0x07,
  BUILTIN_PARTICIPANT: 0xc1,
  BUILTIN_WRITER_WITH_KEY: 0xc2,
  BUILTIN_WRITER_NO_KEY: 0xc3,
  BUILTIN_READER_NO_KEY: 0xc4,
  BUILTIN_READER_WITH_KEY: 0xc7,
} as const);

/** True if the entity id names a writer (kinds 0x02, 0x03, 0xc2, 0xc3). */
export function isWriterEntity(id: EntityId): boolean {
  const kind = id & 0x3f;
  return kind === 0x02 || kind === 0x03;
}

/** True if the entity id names a reader (kinds 0x04, 0x07, 0xc4, 0xc7). */
export function isReaderEntity(id: EntityId): boolean {
  const kind = id & 0x3f;
  return kind === 0x04 || kind === 0x07;
}

export function readGuidPrefix(r: ByteReader, field: string): GuidPrefix {
  return r.bytesView(GUID_PREFIX_LENGTH, field);
}

export function writeGuidPrefix(w: ByteWriter, prefix: GuidPrefix): void {
  if (prefix.length !== GUID_PREFIX_LENGTH) throw new EncodeError('guidPrefix', `must be 12 bytes, got ${prefix.length}`);
  w.bytes(prefix);
}

/** Reads an entity id; always big-endian (it is an octet array on the wire). */
export function readEntityId(r: ByteReader, field: string): EntityId {
  const b = r.bytesView(4, field);
  return ((b[0] ?? 0) * 0x1000000) + (((b[1] ?? 0) << 16) | ((b[2] ?? 0) << 8) | (b[3] ?? 0));
}

export function writeEntityId(w: ByteWriter, id: EntityId): void {
  w.u8((id >>> 24) & 0xff).u8((id >>> 16) & 0xff).u8((id >>> 8) & 0xff).u8(id & 0xff);
}

export function readGuid(r: ByteReader, field: string): Guid {
  const prefix = readGuidPrefix(r, `${field}.prefix`);
  return { prefix, entityId: readEntityId(r, `${field}.entityId`) };
}

export function writeGuid(w: ByteWriter, g: Guid): void {
  writeGuidPrefix(w, g.prefix);
  writeEntityId(w, g.entityId);
}

/** `0110abcd….000001c1`, the usual text form (prefix hex, dot, entity id hex). */
export function guidToString(g: Guid): string {
  return `${toHex(g.prefix)}.${entityIdToString(g.entityId)}`;
}

export function entityIdToString(id: EntityId): string {
  return (id >>> 0).toString(16).padStart(8, '0');
}

export function guidPrefixEquals(a: GuidPrefix, b: GuidPrefix): boolean {
  for (let i = 0; i < GUID_PREFIX_LENGTH; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function guidEquals(a: Guid, b: Guid): boolean {
  return a.entityId === b.entityId && guidPrefixEquals(a.prefix, b.prefix);
}

/** A copy of a prefix that does not alias a datagram. */
export function copyGuidPrefix(p: GuidPrefix): GuidPrefix {
  return p.slice();
}
