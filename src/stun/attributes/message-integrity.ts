/** MESSAGE-INTEGRITY 0x0008 (RFC 5389 §15.4): 20-byte HMAC-SHA1; decodes to a view. Written by the encoder's `integrity` option, never from an attribute list; verify with verifyMessageIntegrity. */
import { bytesCodec } from './fixed-value.js';

/** MESSAGE-INTEGRITY 0x0008 (RFC 5389 §15.4): 20-byte HMAC-SHA1; decodes to a view. Written by the encoder's `integrity` option, never from an attribute list; verify with verifyMessageIntegrity. */
export const MessageIntegrity = bytesCodec(0x0008, 'MESSAGE-INTEGRITY', 20, 20);
