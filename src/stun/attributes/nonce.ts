/** NONCE 0x0015 (RFC 5389 §15.8): fewer than 128 characters (at most 763 bytes). */
import { textCodec } from './text-value.js';

/** NONCE 0x0015 (RFC 5389 §15.8): fewer than 128 characters (at most 763 bytes). */
export const Nonce = textCodec(0x0015, 'NONCE', 763, 127);
