/**
 * The wire form of one DATA submessage, built once per change by the writer (the history keeps it
 * and every send and repair copies it into the datagram) instead of encoding the submessage object
 * on every send. Same octets as {@link writeSubmessage} produces for a DATA that is not the last
 * submessage of its message (test/rtps/data-wire.test.ts).
 */
import { ByteWriter } from '../../util/byte-writer.js';
import { allocBytes } from '../../util/slab.js';
import { EncodeError } from '../../util/errors.js';
import { PID_SENTINEL } from '../parameter-list.js';
import { DataCodec, DataFlags, DATA_OCTETS_TO_INLINE_QOS } from './data.js';
import type { DataSubmessage } from './data.js';
import type { InlineQosParameter } from './inline-qos.js';
import { EntityIds } from '../guid.js';
import { FLAG_ENDIANNESS } from './submessage-codec.js';
import { ByteReader } from '../../util/byte-reader.js';
import type { Submessage } from './submessage.js';
import { readSubmessage, writeSubmessage } from './submessage.js';
import type { RtpsTime } from '../time.js';

/**
 * A transmit of the form `[INFO_TS(timestamp), …rest]` with `rest` already encoded: the packer
 * writes the INFO_TS only when the datagram's timestamp in effect differs (Cyclone DDS sends one
 * INFO_TS per run of samples with the same source time), then copies `rest`.
 */
export interface EncodedChunk {
  readonly encoded: true;
  /** The INFO_TS time; undefined = INFO_TS with the invalidate flag. */
  readonly timestamp: RtpsTime | undefined;
  /** Whole submessages, each padded to 4 octets (e.g. {@link encodeDataSubmessage}). */
  readonly rest: Uint8Array;
}

const TWO_32 = 2 ** 32;
let scratch: ByteWriter | undefined;

/**
 * `s` encoded as a complete submessage (header, body, padding to 4 octets).
 * @throws EncodeError for values the wire cannot carry (as writeSubmessage).
 */
export function encodeDataSubmessage(s: DataSubmessage): Uint8Array {
  if (s.serializedData !== undefined && s.serializedKey !== undefined) throw new EncodeError('data', 'serializedData and serializedKey are exclusive');
  return encodeData(s.littleEndian ?? true, DataCodec.flagsOf(s), s.readerId, s.writerId, s.writerSN, s.inlineQos, s.serializedData ?? s.serializedKey, allocBytes) ?? generic(s, allocBytes);
}

/**
 * A writer's DATA to ENTITYID_UNKNOWN, from its fields: the same octets as
 * {@link encodeDataSubmessage} without a submessage object per sample (the writer's hot path).
 * `isKey`: `payload` is the serialized key (flag K), else the data (flag D). `alloc` gives the
 * array to write into (every octet is written; default: zero-filled from the shared slabs).
 */
export function encodeWriterData(
  littleEndian: boolean, writerId: number, writerSN: number, inlineQos: readonly InlineQosParameter[] | undefined,
  payload: Uint8Array, isKey: boolean, alloc: (n: number) => Uint8Array = allocBytes,
): Uint8Array {
  const flags = (inlineQos ? DataFlags.Q : 0) | (isKey ? DataFlags.K : DataFlags.D);
  return encodeData(littleEndian, flags, EntityIds.UNKNOWN, writerId, writerSN, inlineQos, payload, alloc) ?? generic({
    kind: 'data', littleEndian, readerId: EntityIds.UNKNOWN, writerId, writerSN, inlineQos,
    serializedData: isKey ? undefined : payload, serializedKey: isKey ? payload : undefined,
  }, alloc);
}

/** The fast encoding, or undefined when the general encoder must decide (PID_EXTENDED, sizes, SN). */
function encodeData(
  le: boolean, flags: number, readerId: number, writerId: number, writerSN: number, qos: readonly InlineQosParameter[] | undefined,
  payload: Uint8Array | undefined, alloc: (n: number) => Uint8Array,
): Uint8Array | undefined {
  let qosOctets = 0;
  if (qos !== undefined) {
    qosOctets = 4;
    for (const p of qos) {
      if (p.pid > 0xffff || p.value.length > 0xfffc) return undefined; // PID_EXTENDED or an error: the general encoder
      qosOctets += 4 + ((p.value.length + 3) & ~3);
    }
  }
  const body = (20 + qosOctets + (payload?.length ?? 0) + 3) & ~3;
  if (body > 0xffff || !Number.isSafeInteger(writerSN)) return undefined;
  const out = alloc(4 + body);
  out[0] = DataCodec.id;
  out[1] = flags | (le ? FLAG_ENDIANNESS : 0);
  u16(out, 2, body, le);
  // extraFlags 0, then octetsToInlineQos.
  out[4] = 0;
  out[5] = 0;
  u16(out, 6, DATA_OCTETS_TO_INLINE_QOS, le);
  // Entity ids are octet arrays: big-endian whatever the flag.
  u32(out, 8, readerId >>> 0, false);
  u32(out, 12, writerId >>> 0, false);
  const high = Math.floor(writerSN / TWO_32);
  u32(out, 16, high >>> 0, le);
  u32(out, 20, writerSN - high * TWO_32, le);
  let o = 24;
  if (qos !== undefined) {
    for (const p of qos) {
      const padded = (p.value.length + 3) & ~3;
      u16(out, o, p.pid, le);
      u16(out, o + 2, padded, le);
      out.set(p.value, o + 4);
      if (padded !== p.value.length) out.fill(0, o + 4 + p.value.length, o + 4 + padded);
      o += 4 + padded;
    }
    u16(out, o, PID_SENTINEL, le);
    out[o + 2] = 0;
    out[o + 3] = 0;
    o += 4;
  }
  if (payload !== undefined) {
    out.set(payload, o);
    o += payload.length;
  }
  if (o < out.length) out.fill(0, o);
  return out;
}

function generic(s: DataSubmessage, alloc: (n: number) => Uint8Array): Uint8Array {
  const w = (scratch ??= new ByteWriter(256, true));
  w.offset = 0;
  writeSubmessage(w, s, false);
  const encoded = w.finish();
  const out = alloc(encoded.length);
  out.set(encoded);
  return out;
}

function u16(b: Uint8Array, o: number, v: number, le: boolean): void {
  if (le) { b[o] = v & 0xff; b[o + 1] = v >>> 8; } else { b[o] = v >>> 8; b[o + 1] = v & 0xff; }
}

function u32(b: Uint8Array, o: number, v: number, le: boolean): void {
  if (le) {
    b[o] = v & 0xff; b[o + 1] = (v >>> 8) & 0xff; b[o + 2] = (v >>> 16) & 0xff; b[o + 3] = v >>> 24;
  } else {
    b[o] = v >>> 24; b[o + 1] = (v >>> 16) & 0xff; b[o + 2] = (v >>> 8) & 0xff; b[o + 3] = v & 0xff;
  }
}

/**
 * The submessages an {@link EncodedChunk} stands for: `[INFO_TS(timestamp), …rest]` as objects
 * (for consumers that inspect transmits; the transport sends the octets).
 * @throws DecodeError when `rest` is not whole submessages (a bug in its producer).
 */
export function decodeEncodedChunk(chunk: EncodedChunk): Submessage[] {
  const out: Submessage[] = [{ kind: 'info-ts', littleEndian: true, timestamp: chunk.timestamp }];
  const r = new ByteReader(chunk.rest, 'encoded chunk');
  for (let i = 0; r.remaining > 0; i++) out.push(readSubmessage(r, i));
  return out;
}
