/** REALM 0x0014 (RFC 5389 §15.7): UTF-8 quoted-string text, fewer than 128 characters (at most 763 bytes). */
import { textCodec } from './text-value.js';

/** REALM 0x0014 (RFC 5389 §15.7): UTF-8 quoted-string text, fewer than 128 characters (at most 763 bytes). */
export const Realm = textCodec(0x0014, 'REALM', 763, 127);
