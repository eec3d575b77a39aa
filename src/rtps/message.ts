/**
 * An RTPS message (RTPS 2.5 §8.3.3, §9.4.1): the 20-octet header followed by submessages up to the
 * end of the datagram.
 */
import { ByteReader } from '../util/byte-reader.js';
import { ByteWriter } from '../util/byte-writer.js';
import type { RtpsHeader } from './header.js';
import { readRtpsHeader, RTPS_HEADER_SIZE, writeRtpsHeader } from './header.js';
import type { Submessage } from './submessages/submessage.js';
import { readSubmessage, sizeOfSubmessage, writeSubmessage } from './submessages/submessage.js';

/** A decoded message. */
export interface RtpsMessage {
  readonly header: RtpsHeader;
  /** In wire order; unknown and vendor-specific submessages are kept as `kind: 'unknown'`. */
  readonly submessages: readonly Submessage[];
}

/**
 * Decodes a whole datagram. Every Uint8Array in the result (guid prefixes, payloads, inline QoS
 * values, unknown bodies) aliases `datagram`; copy before keeping it past the receive callback.
 * Unknown and vendor-specific submessages (e.g. Fast DDS's trailing 0x80) never fail the message.
 * @throws DecodeError naming the field path and absolute offset when the header is not RTPS 2.x,
 * a known submessage is malformed, a length runs past the end, or 1..3 octets trail the last
 * submessage.
 */
export function decodeRtpsMessage(datagram: Uint8Array): RtpsMessage {
  const r = new ByteReader(datagram, 'rtps');
  const header = readRtpsHeader(r);
  const submessages: Submessage[] = [];
  while (r.remaining > 0) submessages.push(readSubmessage(r, submessages.length));
  return { header, submessages };
}

/** Octets {@link encodeRtpsMessage} writes at most (exact unless the last submessage needs no padding). */
export function sizeOfRtpsMessage(submessages: readonly Submessage[]): number {
  let n = RTPS_HEADER_SIZE;
  for (const s of submessages) n += sizeOfSubmessage(s);
  return n;
}

/**
 * Encodes a message into a freshly allocated, pre-sized buffer. Each submessage is written in its
 * own byte order (`littleEndian`, default true; an unknown one per its E flag), all but the last
 * padded to 4 octets. Re-encoding a decoded capture reproduces it byte for byte as long as the
 * sender used the standard layout (see the test suite for what is compared by value).
 * @throws EncodeError for values the wire cannot carry.
 */
export function encodeRtpsMessage(header: RtpsHeader, submessages: readonly Submessage[]): Uint8Array {
  const w = new ByteWriter(sizeOfRtpsMessage(submessages));
  writeRtpsHeader(w, header);
  const last = submessages.length - 1;
  for (let i = 0; i <= last; i++) {
    const s = submessages[i];
    if (s) writeSubmessage(w, s, i === last);
  }
  return w.finish();
}
