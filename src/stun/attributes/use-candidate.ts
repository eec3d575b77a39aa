/** USE-CANDIDATE 0x0025 (RFC 8445 §7.1.2): nomination flag, empty value; decodes to `true`. */
import { flagCodec } from './fixed-value.js';

/** USE-CANDIDATE 0x0025 (RFC 8445 §7.1.2): nomination flag, empty value; decodes to `true`. */
export const UseCandidate = flagCodec(0x0025, 'USE-CANDIDATE');
