/** MESSAGE-INTEGRITY-SHA256 0x001C (RFC 8489 §14.6): HMAC-SHA256, possibly truncated to 16..32 bytes in steps of 4; decodes to a view. Written by the encoder's `integritySha256` option. */
import { bytesCodec } from './fixed-value.js';

/** MESSAGE-INTEGRITY-SHA256 0x001C (RFC 8489 §14.6): HMAC-SHA256, possibly truncated to 16..32 bytes in steps of 4; decodes to a view. Written by the encoder's `integritySha256` option. */
export const MessageIntegritySha256 = bytesCodec(0x001c, 'MESSAGE-INTEGRITY-SHA256', 16, 32, 4);
