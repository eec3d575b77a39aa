/** LIFETIME 0x000D (RFC 8656 §18.2): seconds until the TURN allocation expires, u32. */
import { u32Codec } from './fixed-value.js';

/** LIFETIME 0x000D (RFC 8656 §18.2): seconds until the TURN allocation expires, u32. */
export const Lifetime = u32Codec(0x000d, 'LIFETIME');
