/** ALTERNATE-SERVER 0x8023 (RFC 5389 §15.11): the server to try instead, same layout as MAPPED-ADDRESS. */
import { addressCodec } from './address-value.js';

/** ALTERNATE-SERVER 0x8023 (RFC 5389 §15.11): the server to try instead, same layout as MAPPED-ADDRESS. */
export const AlternateServer = addressCodec(0x8023, 'ALTERNATE-SERVER', false);
