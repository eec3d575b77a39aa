/**
 * The RTPS message header (RTPS 2.5 §8.3.3.1, §9.4.4): `"RTPS"`, ProtocolVersion_t, VendorId_t and
 * GuidPrefix_t, 20 octets, no byte-order dependence (every field is an octet array).
 */
import type { ByteReader } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import { checkInt } from '../util/byte-writer.js';
import { DecodeError } from '../util/errors.js';
import type { GuidPrefix } from './guid.js';
import { readGuidPrefix, writeGuidPrefix } from './guid.js';

/** Size of the header on the wire in octets (RTPS 2.5 §9.4.4). */
export const RTPS_HEADER_SIZE = 20;

/** `'R' 'T' 'P' 'S'` as a big-endian u32 (RTPS 2.5 §9.4.4, ProtocolId_t PROTOCOL_RTPS). */
export const PROTOCOL_RTPS = 0x52545053;
/** `'R' 'T' 'P' 'X'`, the protocol id of RTPS 1.x-era extensions / DDS Security probes; recognised and rejected. */
export const PROTOCOL_RTPX = 0x52545058;

/** ProtocolVersion_t (RTPS 2.5 §9.3.2): `octet major; octet minor`. */
export interface ProtocolVersion {
  readonly major: number;
  readonly minor: number;
}

/** RTPS 2.4, what OpenDDS sends (`PROTOCOLVERSION_2_4`, spec/opendds-ice-and-rtpsrelay.md §1). */
export const PROTOCOL_VERSION_2_4: ProtocolVersion = Object.freeze({ major: 2, minor: 4 });
/** RTPS 2.5 (the latest version this codec implements). */
export const PROTOCOL_VERSION_2_5: ProtocolVersion = Object.freeze({ major: 2, minor: 5 });

/** Vendor ids (VendorId_t as a big-endian u16, RTPS 2.5 §9.3.1.5; OMG DDSI-RTPS vendor registry). */
export const VendorIds = Object.freeze({
  UNKNOWN: 0x0000,
  /** OCI OpenDDS (`VENDORID_OCI`). */
  OPENDDS: 0x0103,
  /** eProsima Fast DDS. */
  FASTDDS: 0x010f,
  /** Eclipse Cyclone DDS. */
  CYCLONEDDS: 0x0110,
} as const);

/** The message header in domain form. */
export interface RtpsHeader {
  readonly protocolVersion: ProtocolVersion;
  /** VendorId_t's two octets as a big-endian u16 (`0x0110` for Cyclone DDS). */
  readonly vendorId: number;
  /** The sending participant's prefix; a decoded value is a view into the datagram. */
  readonly guidPrefix: GuidPrefix;
}

/**
 * Reads the 20-octet header at the reader's cursor. Accepts any minor version of major version 2
 * (OpenDDS `RtpsTransportHeader.cpp` checks only the major; RTPS 2.5 §8.3.4.1 says a receiver
 * processes messages of a higher minor version).
 * @throws DecodeError for a short input, a protocol id other than "RTPS" ("RTPX" is named in the
 * message) or a major version other than 2.
 */
export function readRtpsHeader(r: ByteReader): RtpsHeader {
  r.need(RTPS_HEADER_SIZE, 'header');
  r.littleEndian = false; // every header field is an octet array
  const at = r.absoluteOffset;
  const protocol = r.u32('header/protocol');
  if (protocol === PROTOCOL_RTPX) throw new DecodeError(`${r.context}/header/protocol`, at, '"RTPX" messages are not supported');
  if (protocol !== PROTOCOL_RTPS) throw new DecodeError(`${r.context}/header/protocol`, at, `not "RTPS" (0x${protocol.toString(16)})`);
  const major = r.u8('header/version.major');
  const minor = r.u8('header/version.minor');
  if (major !== 2) throw new DecodeError(`${r.context}/header/version.major`, at + 4, `unsupported major version ${major}`);
  const vendorId = (r.u8('header/vendorId[0]') << 8) | r.u8('header/vendorId[1]');
  const guidPrefix = readGuidPrefix(r, 'header/guidPrefix');
  return { protocolVersion: { major, minor }, vendorId, guidPrefix };
}

/**
 * Writes the 20-octet header.
 * @throws EncodeError when a version octet or the vendor id is out of range or the prefix is not 12 octets.
 */
export function writeRtpsHeader(w: ByteWriter, h: RtpsHeader): void {
  checkInt('header.protocolVersion.major', h.protocolVersion.major, 0, 0xff);
  checkInt('header.protocolVersion.minor', h.protocolVersion.minor, 0, 0xff);
  checkInt('header.vendorId', h.vendorId, 0, 0xffff);
  w.u8(0x52).u8(0x54).u8(0x50).u8(0x53);
  w.u8(h.protocolVersion.major).u8(h.protocolVersion.minor);
  w.u8(h.vendorId >>> 8).u8(h.vendorId & 0xff);
  writeGuidPrefix(w, h.guidPrefix);
}
