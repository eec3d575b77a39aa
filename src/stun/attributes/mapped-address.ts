/** MAPPED-ADDRESS 0x0001 (RFC 5389 §15.1): the reflexive transport address, sent in the clear. Decodes to a TransportAddress. */
import { addressCodec } from './address-value.js';

/** MAPPED-ADDRESS 0x0001 (RFC 5389 §15.1): the reflexive transport address, sent in the clear. Decodes to a TransportAddress. */
export const MappedAddress = addressCodec(0x0001, 'MAPPED-ADDRESS', false);
