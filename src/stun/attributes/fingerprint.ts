/** FINGERPRINT 0x8028 (RFC 5389 §15.5): CRC-32 of the message XOR 0x5354554E. Written by the encoder's `fingerprint` option and verified by decodeStunMessage. */
import { u32Codec } from './fixed-value.js';

/** FINGERPRINT 0x8028 (RFC 5389 §15.5): CRC-32 of the message XOR 0x5354554E. Written by the encoder's `fingerprint` option and verified by decodeStunMessage. */
export const Fingerprint = u32Codec(0x8028, 'FINGERPRINT');
