/** PRIORITY 0x0024 (RFC 8445 §7.1.1): the priority a peer-reflexive candidate would have, u32. */
import { u32Codec } from './fixed-value.js';

/** PRIORITY 0x0024 (RFC 8445 §7.1.1): the priority a peer-reflexive candidate would have, u32. */
export const Priority = u32Codec(0x0024, 'PRIORITY');
