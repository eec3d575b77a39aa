/**
 * SequenceNumber_t (RTPS 2.5 §9.3.2): `long high; unsigned long low`. In the domain a sequence
 * number is a JS number (exact up to 2^53, far beyond any writer's lifetime).
 */
import type { ByteReader } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import { DecodeError, EncodeError } from '../util/errors.js';

const TWO_32 = 0x1_0000_0000;

/** SEQUENCENUMBER_UNKNOWN = {-1, 0} (RTPS 2.5 §9.3.2). */
export const SEQUENCE_NUMBER_UNKNOWN = -TWO_32;

/**
 * Reads a SequenceNumber_t.
 * @throws DecodeError when the value is outside ±2^53 (a JS number would silently round it, and no
 * writer reaches it; only a corrupt or hostile datagram carries one).
 */
export function readSequenceNumber(r: ByteReader, field: string): number {
  // The field paths are built only on the failing path (this runs for every DATA and HEARTBEAT).
  const isShort = r.remaining < 8;
  const high = r.i32(isShort ? `${field}.high` : field);
  const low = r.u32(isShort ? `${field}.low` : field);
  const sn = high * TWO_32 + low;
  if (!Number.isSafeInteger(sn)) throw new DecodeError(`${r.context}/${field}.high`, r.absoluteOffset - 8, `${high}:${low} is beyond 2^53`);
  return sn;
}

export function writeSequenceNumber(w: ByteWriter, sn: number): void {
  if (!Number.isSafeInteger(sn)) throw new EncodeError('sequenceNumber', `${sn} is not a safe integer`);
  const high = Math.floor(sn / TWO_32);
  w.i32(high).u32(sn - high * TWO_32);
}
