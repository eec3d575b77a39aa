/**
 * Wire constants of the STUN header (RFC 5389 §6, RFC 8489 §5) and of FINGERPRINT (RFC 5389 §15.5).
 */

/** Fixed value of the second header word (RFC 5389 §6). */
export const MAGIC_COOKIE = 0x2112a442;

/** Length of the STUN header in bytes (RFC 5389 §6). */
export const HEADER_LENGTH = 20;

/** Length of the transaction id in bytes (RFC 5389 §6). */
export const TRANSACTION_ID_LENGTH = 12;

/** Length of an attribute's type + length prefix in bytes (RFC 5389 §15). */
export const ATTRIBUTE_HEADER_LENGTH = 4;

/** CRC-32 of the message is XORed with this value to form FINGERPRINT ("STUN", RFC 5389 §15.5). */
export const FINGERPRINT_XOR = 0x5354554e;

/** Longest message a decoder is asked to accept: the 16-bit length field plus the header. */
export const MAX_MESSAGE_LENGTH = HEADER_LENGTH + 0xfffc;
