/** USERNAME 0x0006 (RFC 5389 §15.3): UTF-8, fewer than 513 bytes (OpenDDS accepts up to 512 on parse, spec §3.2). ICE uses `remoteUfrag:localUfrag` (RFC 8445 §7.2.2). */
import { textCodec } from './text-value.js';

/** USERNAME 0x0006 (RFC 5389 §15.3): UTF-8, fewer than 513 bytes (OpenDDS accepts up to 512 on parse, spec §3.2). ICE uses `remoteUfrag:localUfrag` (RFC 8445 §7.2.2). */
export const Username = textCodec(0x0006, 'USERNAME', 512);
