/** ICE-CONTROLLED 0x8029 (RFC 8445 §7.1.3): the sender's tie-breaker, u64 (as bigint). */
import { u64Codec } from './fixed-value.js';

/** ICE-CONTROLLED 0x8029 (RFC 8445 §7.1.3): the sender's tie-breaker, u64 (as bigint). */
export const IceControlled = u64Codec(0x8029, 'ICE-CONTROLLED');
