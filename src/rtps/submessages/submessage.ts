/**
 * The submessage union and its framing (RTPS 2.5 §9.4.5.1): id, flags, octetsToNextHeader, body.
 * Byte order is per submessage (flag E); octetsToNextHeader 0 on any kind but PAD and INFO_TS means
 * "to the end of the message" (§9.4.5.1.3).
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import { assertNever, DecodeError, EncodeError } from '../../util/errors.js';
import type { AckNackSubmessage } from './acknack.js';
import { AckNackCodec } from './acknack.js';
import type { DataFragSubmessage } from './data-frag.js';
import { DataFragCodec } from './data-frag.js';
import type { DataSubmessage } from './data.js';
import { DataCodec } from './data.js';
import type { GapSubmessage } from './gap.js';
import { GapCodec } from './gap.js';
import type { HeartbeatFragSubmessage } from './heartbeat-frag.js';
import { HeartbeatFragCodec } from './heartbeat-frag.js';
import type { HeartbeatSubmessage } from './heartbeat.js';
import { HeartbeatCodec } from './heartbeat.js';
import type { InfoDstSubmessage } from './info-dst.js';
import { InfoDstCodec } from './info-dst.js';
import type { InfoReplyIp4Submessage } from './info-reply-ip4.js';
import { InfoReplyIp4Codec } from './info-reply-ip4.js';
import type { InfoReplySubmessage } from './info-reply.js';
import { InfoReplyCodec } from './info-reply.js';
import type { InfoSrcSubmessage } from './info-src.js';
import { InfoSrcCodec } from './info-src.js';
import type { InfoTsSubmessage } from './info-ts.js';
import { InfoTsCodec } from './info-ts.js';
import type { NackFragSubmessage } from './nack-frag.js';
import { NackFragCodec } from './nack-frag.js';
import type { PadSubmessage } from './pad.js';
import { PadCodec } from './pad.js';
import type { SubmessageCodec, SubmessageCommon } from './submessage-codec.js';
import { FLAG_ENDIANNESS, SUBMESSAGE_HEADER_SIZE, SubmessageId } from './submessage-codec.js';
import type { UnknownSubmessage } from './unknown.js';

/** Every submessage, discriminated on `kind`. */
export type Submessage =
  | DataSubmessage | DataFragSubmessage | HeartbeatSubmessage | HeartbeatFragSubmessage | AckNackSubmessage
  | NackFragSubmessage | GapSubmessage | InfoTsSubmessage | InfoSrcSubmessage | InfoDstSubmessage
  | InfoReplySubmessage | InfoReplyIp4Submessage | PadSubmessage | UnknownSubmessage;

/** The `kind` values of {@link Submessage}. */
export type SubmessageKind = Submessage['kind'];

/**
 * Reads one submessage at the cursor (which must be at a submessage header) and advances past it.
 * `index` only names it in errors. Decoded byte fields are views into the reader's input.
 * @throws DecodeError when fewer than 4 octets remain, octetsToNextHeader runs past the input, or
 * the body of a known kind is malformed. Unknown ids never throw once framed.
 */
export function readSubmessage(r: ByteReader, index: number): Submessage {
  if (r.remaining < SUBMESSAGE_HEADER_SIZE) r.fail(`submessage[${index}]`, `${r.remaining} trailing octets are shorter than a submessage header`);
  // Four octets are present: the header reads below cannot fail, so their field names stay constant strings.
  const id = r.u8('submessageId');
  const flags = r.u8('flags');
  r.littleEndian = (flags & FLAG_ENDIANNESS) !== 0;
  let length = r.u16('octetsToNextHeader');
  // RTPS 2.5 §9.4.5.1.3: 0 means the last submessage, up to the end, except for PAD and INFO_TS.
  if (length === 0 && id !== SubmessageId.PAD && id !== SubmessageId.INFO_TS) length = r.remaining;
  if (length > r.remaining) {
    throw new DecodeError(`${r.context}/submessage[${index}].octetsToNextHeader`, r.absoluteOffset - 2, `${length} exceeds the ${r.remaining} octets left`);
  }
  // The body is read through `r` itself, narrowed to the body (no reader per submessage): errors
  // name `rtps/submessage[i](KIND)/field` and absolute offsets exactly as a sub-reader's would.
  const bodyStart = r.offset;
  const bodyEnd = bodyStart + length;
  const outerEnd = r.end;
  const outerContext = r.context;
  r.end = bodyEnd;
  r.context = contextOf(outerContext, index, id);
  const s = decodeBody(r, id, flags);
  r.end = outerEnd;
  r.context = outerContext;
  r.offset = bodyEnd;
  return s;
}

/** Decodes the body of submessage `id` from a reader narrowed to it. */
function decodeBody(r: ByteReader, id: number, flags: number): Submessage {
  switch (id) {
    case SubmessageId.DATA: return DataCodec.decode(r, flags);
    case SubmessageId.DATA_FRAG: return DataFragCodec.decode(r, flags);
    case SubmessageId.HEARTBEAT: return HeartbeatCodec.decode(r, flags);
    case SubmessageId.HEARTBEAT_FRAG: return HeartbeatFragCodec.decode(r, flags);
    case SubmessageId.ACKNACK: return AckNackCodec.decode(r, flags);
    case SubmessageId.NACK_FRAG: return NackFragCodec.decode(r, flags);
    case SubmessageId.GAP: return GapCodec.decode(r, flags);
    case SubmessageId.INFO_TS: return InfoTsCodec.decode(r, flags);
    case SubmessageId.INFO_SRC: return InfoSrcCodec.decode(r, flags);
    case SubmessageId.INFO_DST: return InfoDstCodec.decode(r, flags);
    case SubmessageId.INFO_REPLY: return InfoReplyCodec.decode(r, flags);
    case SubmessageId.INFO_REPLY_IP4: return InfoReplyIp4Codec.decode(r, flags);
    case SubmessageId.PAD: return PadCodec.decode(r, flags);
    default: return { kind: 'unknown', id, flags, body: r.bytesView(r.remaining, 'body') };
  }
}

const ROOT_CONTEXT = 'rtps';
const contexts: (string | undefined)[] = [];

/** `rtps/submessage[2](DATA)`, memoised for the message decoders' root so that decoding builds no strings. */
function contextOf(parent: string, index: number, id: number): string {
  if (parent !== ROOT_CONTEXT || index >= 64) return `${parent}/submessage[${index}](${nameOf(id)})`;
  const key = index * 256 + id;
  let c = contexts[key];
  if (c === undefined) {
    c = `${parent}/submessage[${index}](${nameOf(id)})`;
    contexts[key] = c;
  }
  return c;
}

/** The spec name of a submessage id (`'DATA'`), or its hex for ids this codec does not know. */
export function nameOf(id: number): string {
  switch (id) {
    case SubmessageId.DATA: return 'DATA';
    case SubmessageId.DATA_FRAG: return 'DATA_FRAG';
    case SubmessageId.HEARTBEAT: return 'HEARTBEAT';
    case SubmessageId.HEARTBEAT_FRAG: return 'HEARTBEAT_FRAG';
    case SubmessageId.ACKNACK: return 'ACKNACK';
    case SubmessageId.NACK_FRAG: return 'NACK_FRAG';
    case SubmessageId.GAP: return 'GAP';
    case SubmessageId.INFO_TS: return 'INFO_TS';
    case SubmessageId.INFO_SRC: return 'INFO_SRC';
    case SubmessageId.INFO_DST: return 'INFO_DST';
    case SubmessageId.INFO_REPLY: return 'INFO_REPLY';
    case SubmessageId.INFO_REPLY_IP4: return 'INFO_REPLY_IP4';
    case SubmessageId.PAD: return 'PAD';
    default: return `0x${id.toString(16).padStart(2, '0')}`;
  }
}

/** Octets {@link writeSubmessage} writes for `s` when it is not the last submessage (header and padding included). */
export function sizeOfSubmessage(s: Submessage): number {
  return SUBMESSAGE_HEADER_SIZE + ((sizeOfBody(s) + 3) & ~3);
}

function sizeOfBody(s: Submessage): number {
  switch (s.kind) {
    case 'data': return DataCodec.sizeOfBody(s);
    case 'data-frag': return DataFragCodec.sizeOfBody(s);
    case 'heartbeat': return HeartbeatCodec.sizeOfBody(s);
    case 'heartbeat-frag': return HeartbeatFragCodec.sizeOfBody(s);
    case 'acknack': return AckNackCodec.sizeOfBody(s);
    case 'nack-frag': return NackFragCodec.sizeOfBody(s);
    case 'gap': return GapCodec.sizeOfBody(s);
    case 'info-ts': return InfoTsCodec.sizeOfBody(s);
    case 'info-src': return InfoSrcCodec.sizeOfBody(s);
    case 'info-dst': return InfoDstCodec.sizeOfBody(s);
    case 'info-reply': return InfoReplyCodec.sizeOfBody(s);
    case 'info-reply-ip4': return InfoReplyIp4Codec.sizeOfBody(s);
    case 'pad': return PadCodec.sizeOfBody(s);
    case 'unknown': return s.body.length;
    default: return assertNever(s, 'submessage kind');
  }
}

/**
 * Appends one submessage in its own byte order (`littleEndian`, default true). Every submessage
 * but the last is zero-padded to a multiple of 4 octets (RTPS 2.5 §9.4.1); the last is written as
 * is, so it may use octetsToNextHeader 0 when it exceeds 65535 octets (§9.4.5.1.3). The writer's
 * offset 0 must be the start of the message (alignment is relative to it).
 * @throws EncodeError for values the wire cannot carry.
 */
export function writeSubmessage(w: ByteWriter, s: Submessage, isLast: boolean): void {
  switch (s.kind) {
    case 'data': writeWith(w, DataCodec, s, isLast); return;
    case 'data-frag': writeWith(w, DataFragCodec, s, isLast); return;
    case 'heartbeat': writeWith(w, HeartbeatCodec, s, isLast); return;
    case 'heartbeat-frag': writeWith(w, HeartbeatFragCodec, s, isLast); return;
    case 'acknack': writeWith(w, AckNackCodec, s, isLast); return;
    case 'nack-frag': writeWith(w, NackFragCodec, s, isLast); return;
    case 'gap': writeWith(w, GapCodec, s, isLast); return;
    case 'info-ts': writeWith(w, InfoTsCodec, s, isLast); return;
    case 'info-src': writeWith(w, InfoSrcCodec, s, isLast); return;
    case 'info-dst': writeWith(w, InfoDstCodec, s, isLast); return;
    case 'info-reply': writeWith(w, InfoReplyCodec, s, isLast); return;
    case 'info-reply-ip4': writeWith(w, InfoReplyIp4Codec, s, isLast); return;
    case 'pad': writeWith(w, PadCodec, s, isLast); return;
    case 'unknown': {
      const le = (s.flags & FLAG_ENDIANNESS) !== 0;
      w.littleEndian = le;
      w.u8(s.id & 0xff).u8(s.flags & 0xff).u16(0);
      finishSubmessage(w, w.offset, s.body, isLast, le, s.id);
      return;
    }
    default: assertNever(s, 'submessage kind');
  }
}

function writeWith<T extends SubmessageCommon>(w: ByteWriter, codec: SubmessageCodec<T>, s: T, isLast: boolean): void {
  const le = s.littleEndian ?? true;
  w.littleEndian = le;
  w.u8(codec.id).u8(codec.flagsOf(s) | (le ? FLAG_ENDIANNESS : 0)).u16(0);
  const start = w.offset;
  codec.encodeBody(w, s);
  finishSubmessage(w, start, undefined, isLast, le, codec.id);
}

function finishSubmessage(w: ByteWriter, start: number, body: Uint8Array | undefined, isLast: boolean, le: boolean, id: number): void {
  if (body) w.bytes(body);
  if (!isLast) w.align(4);
  let length = w.offset - start;
  // RTPS 2.5 §9.4.5.1.3: 0 would read as "to the end of the message" for kinds other than PAD and INFO_TS.
  if (length === 0 && !isLast && id !== SubmessageId.PAD && id !== SubmessageId.INFO_TS) {
    throw new EncodeError(`submessage(${nameOf(id)})`, 'an empty body is only possible on the last submessage');
  }
  if (length > 0xffff) {
    const mayUseZero = isLast && id !== SubmessageId.PAD && id !== SubmessageId.INFO_TS;
    if (!mayUseZero) throw new EncodeError(`submessage(${nameOf(id)})`, `body of ${length} octets exceeds 65535`);
    length = 0;
  }
  w.view.setUint16(start - 2, length, le);
}
