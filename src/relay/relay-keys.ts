/** The relay's port types and the keys its tables use for prefixes and addresses. */
import type { TransportAddress } from '../util/address.js';
import { formatAddress } from '../util/address.js';
import { toHex } from '../util/hex.js';

/** The three vertical port types of a relay (spec §8.1: `VSPDP`, `VSEDP`, `VDATA` at base port +0/+1/+2). */
export type RelayPortType = 'spdp' | 'sedp' | 'data';

/** Every port type, in base-port offset order. */
export const RELAY_PORT_TYPES: readonly RelayPortType[] = Object.freeze(['spdp', 'sedp', 'data'] as const);

/** A GUID prefix as bytes, or as lower-case hex (what the events report). */
export type PrefixKey = Uint8Array | string;

/** The hex key of a prefix. */
export function prefixKey(prefix: PrefixKey): string {
  return typeof prefix === 'string' ? prefix : toHex(prefix);
}

/** The key of an address in maps (`ip:port`, `[ip]:port`). */
export function addressKey(a: TransportAddress): string {
  return formatAddress(a);
}
