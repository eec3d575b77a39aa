/** REQUESTED-TRANSPORT 0x0019 (RFC 8656 §18.7): IP protocol number u8 followed by 24 RFFU bits. */
import { checkLength, checkRange, defineCodec } from '../attribute-codec.js';

/** IANA protocol number of UDP, the only transport RFC 8656 §7.2 allocations carry. */
export const TRANSPORT_UDP = 17;

/** REQUESTED-TRANSPORT 0x0019 (RFC 8656 §18.7); decodes to the protocol number (17 = UDP). */
export const RequestedTransport = defineCodec<number>({
  type: 0x0019,
  name: 'REQUESTED-TRANSPORT',
  check: (value, offset, index) => { checkLength('REQUESTED-TRANSPORT', value, 4, offset, index); },
  read: (value) => value[0] ?? 0,
  sizeOf(v) { checkRange('REQUESTED-TRANSPORT', v, 0, 255); return 4; },
  write(v, _tid, out, offset) {
    out[offset] = v;
    out[offset + 1] = 0;
    out[offset + 2] = 0;
    out[offset + 3] = 0;
  },
});
