/** XOR-RELAYED-ADDRESS 0x0016 (RFC 8656 §18.5): the relayed transport address allocated by a TURN server, XOR-encoded. */
import { addressCodec } from './address-value.js';

/** XOR-RELAYED-ADDRESS 0x0016 (RFC 8656 §18.5): the relayed transport address allocated by a TURN server, XOR-encoded. */
export const XorRelayedAddress = addressCodec(0x0016, 'XOR-RELAYED-ADDRESS', true);
