/**
 * DATA (RTPS 2.5 §8.3.8.2, §9.4.5.3): a change of a writer's history, with optional inline QoS and
 * either the serialized data or the serialized key.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import { EncodeError } from '../../util/errors.js';
import type { EntityId } from '../guid.js';
import { readSequenceNumber, writeSequenceNumber } from '../sequence-number.js';
import type { InlineQosParameter } from './inline-qos.js';
import { readInlineQos, sizeOfInlineQos, writeInlineQos } from './inline-qos.js';
import type { SubmessageCodec, SubmessageCommon } from './submessage-codec.js';
import { readEntityIdOctets, SubmessageId, writeEntityIdOctets } from './submessage-codec.js';

/** DATA flags (RTPS 2.5 §9.4.5.3.1): InlineQos, Data, Key, NonStandardPayload. */
export const DataFlags = Object.freeze({ Q: 0x02, D: 0x04, K: 0x08, N: 0x10 } as const);

/** octetsToInlineQos of the RTPS 2.5 layout: readerId + writerId + writerSN (§9.4.5.3). */
export const DATA_OCTETS_TO_INLINE_QOS = 16;

/** A DATA submessage in domain form. */
export interface DataSubmessage extends SubmessageCommon {
  readonly kind: 'data';
  readonly readerId: EntityId;
  readonly writerId: EntityId;
  readonly writerSN: number;
  /** Present iff flag Q; values are views into the datagram. */
  readonly inlineQos: readonly InlineQosParameter[] | undefined;
  /**
   * SerializedPayload (flag D), encapsulation header included, up to the end of the submessage
   * (alignment padding included). A view into the datagram. Exclusive with `serializedKey`.
   */
  readonly serializedData: Uint8Array | undefined;
  /** The serialized key (flag K), encapsulation header included; a view into the datagram. */
  readonly serializedKey: Uint8Array | undefined;
  /** Flag N (RTPS 2.5 §9.4.5.3.1): the payload is not formatted per the topic's data type. */
  readonly isNonStandardPayload?: boolean;
}

/** The codec of DATA (id 0x15). */
export const DataCodec: SubmessageCodec<DataSubmessage> = {
  id: SubmessageId.DATA,
  name: 'DATA',
  decode(r: ByteReader, flags: number): DataSubmessage {
    r.u16('extraFlags');
    const toInlineQos = r.u16('octetsToInlineQos');
    if (toInlineQos < DATA_OCTETS_TO_INLINE_QOS) r.fail('octetsToInlineQos', `${toInlineQos} < ${DATA_OCTETS_TO_INLINE_QOS}`);
    const fieldsStart = r.offset;
    const readerId = readEntityIdOctets(r, 'readerId');
    const writerId = readEntityIdOctets(r, 'writerId');
    const writerSN = readSequenceNumber(r, 'writerSN');
    // RTPS 2.5 §9.4.5.3.3: a later version may put more fields before the inline QoS; skip them.
    r.skip(fieldsStart + toInlineQos - r.offset, 'octetsToInlineQos');
    const inlineQos = (flags & DataFlags.Q) !== 0 ? readInlineQos(r) : undefined;
    const hasData = (flags & DataFlags.D) !== 0;
    const hasKey = (flags & DataFlags.K) !== 0;
    if (hasData && hasKey) r.fail('flags', 'D and K both set (RTPS 2.5 §9.4.5.3.1)');
    let payload: Uint8Array | undefined;
    if (hasData || hasKey) {
      const field = hasData ? 'serializedData' : 'serializedKey';
      if (r.remaining < 4) r.fail(field, `need the 4-octet encapsulation header, ${r.remaining} left`);
      payload = r.bytesView(r.remaining, field);
    }
    return {
      kind: 'data',
      littleEndian: r.littleEndian,
      readerId,
      writerId,
      writerSN,
      inlineQos,
      serializedData: hasData ? payload : undefined,
      serializedKey: hasKey ? payload : undefined,
      isNonStandardPayload: (flags & DataFlags.N) !== 0,
    };
  },
  flagsOf(s: DataSubmessage): number {
    return (s.inlineQos ? DataFlags.Q : 0) | (s.serializedData ? DataFlags.D : 0) | (s.serializedKey ? DataFlags.K : 0) |
      (s.isNonStandardPayload === true ? DataFlags.N : 0);
  },
  sizeOfBody(s: DataSubmessage): number {
    return 20 + (s.inlineQos ? sizeOfInlineQos(s.inlineQos) : 0) + (s.serializedData?.length ?? s.serializedKey?.length ?? 0);
  },
  encodeBody(w: ByteWriter, s: DataSubmessage): void {
    if (s.serializedData && s.serializedKey) throw new EncodeError('data', 'serializedData and serializedKey are exclusive');
    w.u16(0).u16(DATA_OCTETS_TO_INLINE_QOS);
    writeEntityIdOctets(w, s.readerId);
    writeEntityIdOctets(w, s.writerId);
    writeSequenceNumber(w, s.writerSN);
    if (s.inlineQos) writeInlineQos(w, s.inlineQos);
    const payload = s.serializedData ?? s.serializedKey;
    if (payload) w.bytes(payload);
  },
};
