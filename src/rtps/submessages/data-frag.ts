/**
 * DATA_FRAG (RTPS 2.5 §8.3.8.3, §9.4.5.4): consecutive fragments of one serialized sample.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import { checkInt } from '../../util/byte-writer.js';
import type { EntityId } from '../guid.js';
import { readSequenceNumber, writeSequenceNumber } from '../sequence-number.js';
import type { InlineQosParameter } from './inline-qos.js';
import { readInlineQos, sizeOfInlineQos, writeInlineQos } from './inline-qos.js';
import type { SubmessageCodec, SubmessageCommon } from './submessage-codec.js';
import { readEntityIdOctets, SubmessageId, writeEntityIdOctets } from './submessage-codec.js';

/** DATA_FRAG flags (RTPS 2.5 §9.4.5.4.1): InlineQos, Key, NonStandardPayload. */
export const DataFragFlags = Object.freeze({ Q: 0x02, K: 0x04, N: 0x08 } as const);

/** octetsToInlineQos of the RTPS 2.5 layout (readerId … sampleSize, §9.4.5.4). */
export const DATA_FRAG_OCTETS_TO_INLINE_QOS = 28;

/** A DATA_FRAG submessage in domain form. */
export interface DataFragSubmessage extends SubmessageCommon {
  readonly kind: 'data-frag';
  readonly readerId: EntityId;
  readonly writerId: EntityId;
  readonly writerSN: number;
  /** First fragment carried here, 1-based. */
  readonly fragmentStartingNum: number;
  readonly fragmentsInSubmessage: number;
  /** Octets per fragment (the last fragment of the sample may be shorter). */
  readonly fragmentSize: number;
  /** Octets of the whole serialized sample (encapsulation header included). */
  readonly sampleSize: number;
  /** Present iff flag Q; values are views into the datagram. */
  readonly inlineQos: readonly InlineQosParameter[] | undefined;
  /** Flag K: the fragments are of the serialized key rather than the data. */
  readonly isKey: boolean;
  readonly isNonStandardPayload?: boolean;
  /**
   * The fragments' octets, exactly as many as the fields above imply (alignment padding after them
   * is not included). A view into the datagram.
   */
  readonly fragments: Uint8Array;
}

/** Octets of fragments `[start, start + count)` of a sample, or -1 if the numbers do not fit the sample. */
export function fragmentsByteLength(start: number, count: number, fragmentSize: number, sampleSize: number): number {
  if (start < 1 || count < 1 || fragmentSize < 1) return -1;
  const total = Math.ceil(sampleSize / fragmentSize);
  if (start + count - 1 > total) return -1;
  return Math.min(count * fragmentSize, sampleSize - (start - 1) * fragmentSize);
}

/** The codec of DATA_FRAG (id 0x16). */
export const DataFragCodec: SubmessageCodec<DataFragSubmessage> = {
  id: SubmessageId.DATA_FRAG,
  name: 'DATA_FRAG',
  decode(r: ByteReader, flags: number): DataFragSubmessage {
    r.u16('extraFlags');
    const toInlineQos = r.u16('octetsToInlineQos');
    if (toInlineQos < DATA_FRAG_OCTETS_TO_INLINE_QOS) r.fail('octetsToInlineQos', `${toInlineQos} < ${DATA_FRAG_OCTETS_TO_INLINE_QOS}`);
    const fieldsStart = r.offset;
    const readerId = readEntityIdOctets(r, 'readerId');
    const writerId = readEntityIdOctets(r, 'writerId');
    const writerSN = readSequenceNumber(r, 'writerSN');
    const fragmentStartingNum = r.u32('fragmentStartingNum');
    if (fragmentStartingNum < 1) r.fail('fragmentStartingNum', 'fragment numbers start at 1');
    const fragmentsInSubmessage = r.u16('fragmentsInSubmessage');
    if (fragmentsInSubmessage < 1) r.fail('fragmentsInSubmessage', 'must be at least 1');
    const fragmentSize = r.u16('fragmentSize');
    if (fragmentSize < 1) r.fail('fragmentSize', 'must be at least 1');
    const sampleSize = r.u32('sampleSize');
    const length = fragmentsByteLength(fragmentStartingNum, fragmentsInSubmessage, fragmentSize, sampleSize);
    // RTPS 2.5 §8.3.8.3: the fragments must lie inside the sample.
    if (length < 0) r.fail('sampleSize', `fragments ${fragmentStartingNum}+${fragmentsInSubmessage} of ${fragmentSize} octets exceed a ${sampleSize}-octet sample`);
    r.skip(fieldsStart + toInlineQos - r.offset, 'octetsToInlineQos');
    const inlineQos = (flags & DataFragFlags.Q) !== 0 ? readInlineQos(r) : undefined;
    const fragments = r.bytesView(length, 'fragments');
    return {
      kind: 'data-frag',
      littleEndian: r.littleEndian,
      readerId,
      writerId,
      writerSN,
      fragmentStartingNum,
      fragmentsInSubmessage,
      fragmentSize,
      sampleSize,
      inlineQos,
      isKey: (flags & DataFragFlags.K) !== 0,
      isNonStandardPayload: (flags & DataFragFlags.N) !== 0,
      fragments,
    };
  },
  flagsOf(s: DataFragSubmessage): number {
    return (s.inlineQos ? DataFragFlags.Q : 0) | (s.isKey ? DataFragFlags.K : 0) | (s.isNonStandardPayload === true ? DataFragFlags.N : 0);
  },
  sizeOfBody(s: DataFragSubmessage): number {
    return 32 + (s.inlineQos ? sizeOfInlineQos(s.inlineQos) : 0) + s.fragments.length;
  },
  encodeBody(w: ByteWriter, s: DataFragSubmessage): void {
    checkInt('dataFrag.fragmentStartingNum', s.fragmentStartingNum, 1, 0xffffffff);
    checkInt('dataFrag.fragmentsInSubmessage', s.fragmentsInSubmessage, 1, 0xffff);
    checkInt('dataFrag.fragmentSize', s.fragmentSize, 1, 0xffff);
    checkInt('dataFrag.sampleSize', s.sampleSize, 0, 0xffffffff);
    const length = fragmentsByteLength(s.fragmentStartingNum, s.fragmentsInSubmessage, s.fragmentSize, s.sampleSize);
    checkInt('dataFrag.fragments.length', s.fragments.length, length, length);
    w.u16(0).u16(DATA_FRAG_OCTETS_TO_INLINE_QOS);
    writeEntityIdOctets(w, s.readerId);
    writeEntityIdOctets(w, s.writerId);
    writeSequenceNumber(w, s.writerSN);
    w.u32(s.fragmentStartingNum).u16(s.fragmentsInSubmessage).u16(s.fragmentSize).u32(s.sampleSize);
    if (s.inlineQos) writeInlineQos(w, s.inlineQos);
    w.bytes(s.fragments);
  },
};
