/** DATA 0x0013 (RFC 8656 §18.4): the application datagram carried in Send/Data indications; decodes to a view into the datagram. */
import { bytesCodec } from './fixed-value.js';

/** DATA 0x0013 (RFC 8656 §18.4): the application datagram carried in Send/Data indications; decodes to a view into the datagram. */
export const Data = bytesCodec(0x0013, 'DATA', 0, 0xfffc);
