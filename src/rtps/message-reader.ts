/**
 * Receiver-style iteration over an RTPS message (RTPS 2.5 §8.3.4): the submessages are handed to a
 * visitor one by one, without collecting them in an array, so a receiver can update its state
 * (INFO_DST, INFO_TS, …) as it goes.
 */
import { ByteReader } from '../util/byte-reader.js';
import type { RtpsHeader } from './header.js';
import { readRtpsHeader } from './header.js';
import type { Submessage } from './submessages/submessage.js';
import { readSubmessage } from './submessages/submessage.js';

/** Called once per submessage in wire order; `index` counts from 0. */
export type SubmessageVisitor = (submessage: Submessage, index: number, header: RtpsHeader) => void;

/**
 * Decodes the header, then each submessage in turn, calling `visit` for each before reading the
 * next. Byte fields handed out are views into `datagram`. If a later submessage is malformed the
 * DecodeError is thrown after the earlier ones were visited; a receiver that must not act on half a
 * message uses `decodeRtpsMessage` instead.
 * @returns the header.
 * @throws DecodeError as `decodeRtpsMessage` does.
 */
export function forEachSubmessage(datagram: Uint8Array, visit: SubmessageVisitor): RtpsHeader {
  const r = new ByteReader(datagram, 'rtps');
  const header = readRtpsHeader(r);
  for (let i = 0; r.remaining > 0; i++) visit(readSubmessage(r, i), i, header);
  return header;
}
