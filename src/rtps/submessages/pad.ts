/**
 * PAD (RTPS 2.5 §8.3.7.4, §9.4.5.13): alignment filler with no meaning.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import type { SubmessageCodec, SubmessageCommon } from './submessage-codec.js';
import { SubmessageId } from './submessage-codec.js';

/** A PAD submessage in domain form. */
export interface PadSubmessage extends SubmessageCommon {
  readonly kind: 'pad';
  /** The filler octets (usually none); a view into the datagram when decoded. */
  readonly padding: Uint8Array;
}

/** The codec of PAD (id 0x01); it defines no flags besides E. */
export const PadCodec: SubmessageCodec<PadSubmessage> = {
  id: SubmessageId.PAD,
  name: 'PAD',
  decode(r: ByteReader): PadSubmessage {
    return { kind: 'pad', littleEndian: r.littleEndian, padding: r.bytesView(r.remaining, 'padding') };
  },
  flagsOf(): number {
    return 0;
  },
  sizeOfBody(s: PadSubmessage): number {
    return s.padding.length;
  },
  encodeBody(w: ByteWriter, s: PadSubmessage): void {
    w.bytes(s.padding);
  },
};
