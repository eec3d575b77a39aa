/**
 * A reusable builder that batches submessages into one datagram (RTPS 2.5 §8.3.3; Cyclone DDS
 * packs INFO_DST + INFO_TS + DATA… this way). It owns one growable buffer and writes straight into
 * it, so a steady-state sender allocates nothing per message.
 */
import { ByteWriter } from '../util/byte-writer.js';
import type { EntityId, GuidPrefix } from './guid.js';
import type { RtpsHeader } from './header.js';
import { writeRtpsHeader } from './header.js';
import type { InlineQosParameter } from './submessages/inline-qos.js';
import type { Submessage } from './submessages/submessage.js';
import { writeSubmessage } from './submessages/submessage.js';
import type { RtpsTime } from './time.js';

/** Default capacity: a typical Ethernet-MTU datagram. */
export const DEFAULT_MESSAGE_WRITER_CAPACITY = 1500;

/**
 * Usage: `w.begin(header).infoDst(prefix).infoTs(now).data(…).finish()`. Every submessage is padded
 * to 4 octets. The array `finish()` returns is a view of the internal buffer, valid until the next
 * `begin()`; send or copy it before that.
 */
export class RtpsMessageWriter {
  readonly #w: ByteWriter;
  /** Byte order of the submessages appended (true = little-endian, as Cyclone DDS and OpenDDS send). */
  littleEndian: boolean;

  constructor(capacity = DEFAULT_MESSAGE_WRITER_CAPACITY, littleEndian = true) {
    this.#w = new ByteWriter(capacity, false);
    this.littleEndian = littleEndian;
  }

  /** Octets written so far (header included). */
  get length(): number {
    return this.#w.offset;
  }

  /** Discards what was written and starts a message with `header`. @throws EncodeError */
  begin(header: RtpsHeader): this {
    this.#w.offset = 0;
    writeRtpsHeader(this.#w, header);
    return this;
  }

  /** Appends any submessage (byte order from the submessage itself). @throws EncodeError */
  submessage(s: Submessage): this {
    writeSubmessage(this.#w, s, false);
    return this;
  }

  /** Appends INFO_DST (RTPS 2.5 §9.4.5.6). @throws EncodeError unless the prefix has 12 octets */
  infoDst(guidPrefix: GuidPrefix): this {
    return this.submessage({ kind: 'info-dst', littleEndian: this.littleEndian, guidPrefix });
  }

  /** Appends INFO_TS (RTPS 2.5 §9.4.5.9); `undefined` writes the invalidate flag. */
  infoTs(timestamp: RtpsTime | undefined): this {
    return this.submessage({ kind: 'info-ts', littleEndian: this.littleEndian, timestamp });
  }

  /**
   * Appends DATA (RTPS 2.5 §9.4.5.3) carrying `serializedData` (encapsulation header included),
   * padded to 4 octets.
   * @throws EncodeError for values the wire cannot carry.
   */
  data(readerId: EntityId, writerId: EntityId, writerSN: number, serializedData: Uint8Array, inlineQos?: readonly InlineQosParameter[]): this {
    return this.submessage({
      kind: 'data',
      littleEndian: this.littleEndian,
      readerId,
      writerId,
      writerSN,
      inlineQos,
      serializedData,
      serializedKey: undefined,
    });
  }

  /** Appends submessages already encoded (whole, each padded to 4 octets, as `encodeDataSubmessage` and `encodeWriterData` make them). */
  append(submessages: Uint8Array): this {
    this.#w.bytes(submessages);
    return this;
  }

  /** The message so far: a view of the internal buffer, valid until the next `begin()`. */
  finish(): Uint8Array {
    return this.#w.finish();
  }
}
