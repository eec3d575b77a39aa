/** CHANNEL-NUMBER 0x000C (RFC 8656 §18.1): u16 channel number followed by 16 RFFU bits. */
import { checkLength, checkRange, defineCodec, readU16, writeU16 } from '../attribute-codec.js';

/** Lowest channel number a client may bind (RFC 8656 §12; RFC 5766 §11). */
export const MIN_CHANNEL_NUMBER = 0x4000;
/** Highest channel number (RFC 5766 §11 range 0x4000–0x7FFF; RFC 8656 §12 narrows new bindings to 0x4FFF). */
export const MAX_CHANNEL_NUMBER = 0x7fff;

/**
 * CHANNEL-NUMBER 0x000C (RFC 8656 §18.1). Decoding accepts any u16 (a server answers 400 for a bad
 * range, RFC 8656 §11.2, which is the agent's decision); encoding insists on 0x4000–0x7FFF.
 */
export const ChannelNumber = defineCodec<number>({
  type: 0x000c,
  name: 'CHANNEL-NUMBER',
  check: (value, offset, index) => { checkLength('CHANNEL-NUMBER', value, 4, offset, index); },
  read: (value) => readU16(value, 0),
  sizeOf(v) { checkRange('CHANNEL-NUMBER', v, MIN_CHANNEL_NUMBER, MAX_CHANNEL_NUMBER); return 4; },
  write(v, _tid, out, offset) {
    writeU16(out, offset, v);
    writeU16(out, offset + 2, 0);
  },
});
