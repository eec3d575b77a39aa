/** ICE-CONTROLLING 0x802A (RFC 8445 §7.1.3): the sender's tie-breaker, u64 (as bigint). */
import { u64Codec } from './fixed-value.js';

/** ICE-CONTROLLING 0x802A (RFC 8445 §7.1.3): the sender's tie-breaker, u64 (as bigint). */
export const IceControlling = u64Codec(0x802a, 'ICE-CONTROLLING');
