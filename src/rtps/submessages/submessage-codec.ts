/**
 * What every submessage module shares (RTPS 2.5 §9.4.1, §9.4.5.1): the submessage ids, the
 * endianness flag, and the {@link SubmessageCodec} shape each submessage module exports one of.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import type { EntityId } from '../guid.js';

/** SubmessageId values (RTPS 2.5 §9.4.5.1.1, Table 9.12). Ids 0x80..0xff are vendor-specific. */
export const SubmessageId = Object.freeze({
  PAD: 0x01,
  ACKNACK: 0x06,
  HEARTBEAT: 0x07,
  GAP: 0x08,
  INFO_TS: 0x09,
  INFO_SRC: 0x0c,
  INFO_REPLY_IP4: 0x0d,
  INFO_DST: 0x0e,
  INFO_REPLY: 0x0f,
  NACK_FRAG: 0x12,
  HEARTBEAT_FRAG: 0x13,
  DATA: 0x15,
  DATA_FRAG: 0x16,
} as const);

/** First vendor-specific submessage id (RTPS 2.5 §9.4.5.1.1). */
export const SUBMESSAGE_ID_VENDOR_SPECIFIC = 0x80;
/** Size of the submessage header: id, flags, octetsToNextHeader (RTPS 2.5 §9.4.5.1). */
export const SUBMESSAGE_HEADER_SIZE = 4;
/** EndiannessFlag E (RTPS 2.5 §9.4.5.1.2): set = the submessage is little-endian. */
export const FLAG_ENDIANNESS = 0x01;

/** Fields every submessage carries in the domain. */
export interface SubmessageCommon {
  /**
   * Byte order of the submessage (flag E, RTPS 2.5 §9.4.5.1.2). Decoders always set it; encoders
   * default to little-endian (what Cyclone DDS and OpenDDS send) when it is absent.
   */
  readonly littleEndian?: boolean;
}

/**
 * One submessage kind's codec (STYLE.md rule 8). `decode` reads the body (everything after the
 * 4-octet submessage header, up to octetsToNextHeader) through a reader already set to the
 * submessage's byte order; `encodeBody` writes the body in the writer's byte order.
 */
export interface SubmessageCodec<T extends SubmessageCommon> {
  /** SubmessageId (RTPS 2.5 Table 9.12). */
  readonly id: number;
  /** Spec name, e.g. `'DATA'`. */
  readonly name: string;
  /** @throws DecodeError naming the field and its absolute offset. */
  decode(r: ByteReader, flags: number): T;
  /** The flags octet without E (the encoder adds it). */
  flagsOf(s: T): number;
  /** Octets `encodeBody` writes. */
  sizeOfBody(s: T): number;
  /** @throws EncodeError for values the wire cannot carry. */
  encodeBody(w: ByteWriter, s: T): void;
}

/**
 * Reads an EntityId_t (an octet array, so big-endian whatever the submessage's byte order) without
 * allocating a view; same result as `readEntityId` in guid.ts.
 */
export function readEntityIdOctets(r: ByteReader, field: string): EntityId {
  const le = r.littleEndian;
  r.littleEndian = false;
  const v = r.u32(field);
  r.littleEndian = le;
  return v;
}

/** Writes an EntityId_t (big-endian octets whatever the writer's byte order). */
export function writeEntityIdOctets(w: ByteWriter, id: EntityId): void {
  const le = w.littleEndian;
  w.littleEndian = false;
  w.u32(id >>> 0);
  w.littleEndian = le;
}
