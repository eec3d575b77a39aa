/**
 * The horizontal datagram (OpenDDS spec §8.2, `HorizontalHandler`): a `RelayHeader` (idl/Relay.idl)
 * serialized XCDR1 with no encapsulation header, followed by the client's RTPS datagram, unchanged.
 *
 * Byte order: OpenDDS writes the header in the sender's native order with no marker (spec §10 item 13),
 * so relays must share endianness. Every platform Node runs relays on is little-endian, so this codec
 * writes and reads little-endian (a big-endian OpenDDS relay would not interoperate, as with OpenDDS
 * itself across endianness).
 */
import { CdrReader, CdrWriter, type CdrRules } from '../cdr/index.js';
import { GUID_PREFIX_LENGTH, type Guid } from '../rtps/index.js';
import { EncodeError } from '../util/errors.js';

/** XCDR1, little-endian (see the module comment). */
export const RELAY_HEADER_RULES: CdrRules = Object.freeze({ version: 'xcdr1', littleEndian: true });

/** `RtpsRelay::RelayHeader` in domain form. */
export interface RelayHeader {
  /** The partitions of the source participant's endpoints (`to_partitions`). */
  readonly toPartitions: readonly string[];
  /** Destination participants when the message is directed (`to_guids`); empty = undirected. */
  readonly toGuids: readonly Guid[];
  /** `use_async_discovery` (OpenDDS async discovery, secure relays only); false here. */
  readonly useAsyncDiscovery: boolean;
}

/** A decoded horizontal datagram. */
export interface HorizontalDatagram {
  readonly header: RelayHeader;
  /** The client's RTPS datagram: a view into the input. */
  readonly message: Uint8Array;
}

/** Smallest GUID_t on the wire: 12-byte prefix + 4-byte entity id. */
const GUID_SIZE = 16;

/**
 * Encodes `header` followed by `message` (copied) into one datagram.
 * @throws EncodeError when a GUID prefix is not 12 bytes or an entity id is not a uint32.
 */
export function encodeHorizontalDatagram(header: RelayHeader, message: Uint8Array): Uint8Array {
  let size = 4 + 4 + header.toGuids.length * GUID_SIZE + 1 + message.length + 8;
  for (const p of header.toPartitions) size += 8 + p.length * 3 + 1;
  const w = new CdrWriter(RELAY_HEADER_RULES, size);
  w.au32(header.toPartitions.length);
  for (const p of header.toPartitions) w.string(p);
  w.au32(header.toGuids.length);
  for (const [i, g] of header.toGuids.entries()) {
    if (g.prefix.length !== GUID_PREFIX_LENGTH) throw new EncodeError(`RelayHeader.to_guids[${i}].guidPrefix`, `${g.prefix.length} bytes, not 12`);
    if (!Number.isInteger(g.entityId) || g.entityId < 0 || g.entityId > 0xffff_ffff) {
      throw new EncodeError(`RelayHeader.to_guids[${i}].entityId`, `${g.entityId} is not a uint32`);
    }
    // EntityId_t is octet[3] entityKey + octet entityKind: the id's big-endian bytes whatever the CDR order.
    w.bytes(g.prefix).u8(g.entityId >>> 24).u8((g.entityId >>> 16) & 0xff).u8((g.entityId >>> 8) & 0xff).u8(g.entityId & 0xff);
  }
  w.u8(header.useAsyncDiscovery ? 1 : 0);
  w.bytes(message);
  return w.finish();
}

/**
 * Splits a horizontal datagram into its header and the RTPS datagram after it.
 * @throws DecodeError on a truncated or malformed header, or a boolean that is neither 0 nor 1.
 */
export function decodeHorizontalDatagram(bytes: Uint8Array): HorizontalDatagram {
  const r = new CdrReader(bytes, 'RelayHeader', RELAY_HEADER_RULES);
  const nPartitions = r.sequenceLength('to_partitions', 5);
  const toPartitions: string[] = [];
  for (let i = 0; i < nPartitions; i++) toPartitions.push(r.string(`to_partitions[${i}]`));
  const nGuids = r.sequenceLength('to_guids', GUID_SIZE);
  const toGuids: Guid[] = [];
  for (let i = 0; i < nGuids; i++) {
    const prefix = r.bytesView(GUID_PREFIX_LENGTH, `to_guids[${i}].guidPrefix`).slice();
    const entityId = ((r.u8(`to_guids[${i}].entityKey`) << 24) | (r.u8(`to_guids[${i}].entityKey`) << 16)
      | (r.u8(`to_guids[${i}].entityKey`) << 8) | r.u8(`to_guids[${i}].entityKind`)) >>> 0;
    toGuids.push({ prefix, entityId });
  }
  const flag = r.u8('use_async_discovery');
  if (flag > 1) r.fail('use_async_discovery', `boolean byte ${flag}`);
  return { header: { toPartitions, toGuids, useAsyncDiscovery: flag === 1 }, message: bytes.subarray(r.offset) };
}
