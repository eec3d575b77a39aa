/** XOR-MAPPED-ADDRESS 0x0020 (RFC 5389 §15.2): the reflexive transport address XORed with the magic cookie (and, for IPv6, the transaction id). */
import { addressCodec } from './address-value.js';

/** XOR-MAPPED-ADDRESS 0x0020 (RFC 5389 §15.2): the reflexive transport address XORed with the magic cookie (and, for IPv6, the transaction id). */
export const XorMappedAddress = addressCodec(0x0020, 'XOR-MAPPED-ADDRESS', true);
