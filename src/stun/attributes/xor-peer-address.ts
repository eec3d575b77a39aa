/** XOR-PEER-ADDRESS 0x0012 (RFC 8656 §18.3): the peer's address as seen from the TURN server, XOR-encoded. */
import { addressCodec } from './address-value.js';

/** XOR-PEER-ADDRESS 0x0012 (RFC 8656 §18.3): the peer's address as seen from the TURN server, XOR-encoded. */
export const XorPeerAddress = addressCodec(0x0012, 'XOR-PEER-ADDRESS', true);
