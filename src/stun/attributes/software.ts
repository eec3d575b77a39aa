/** SOFTWARE 0x8022 (RFC 5389 §15.10): UTF-8 description of the agent, fewer than 128 characters (at most 763 bytes). */
import { textCodec } from './text-value.js';

/** SOFTWARE 0x8022 (RFC 5389 §15.10): UTF-8 description of the agent, fewer than 128 characters (at most 763 bytes). */
export const Software = textCodec(0x8022, 'SOFTWARE', 763, 127);
