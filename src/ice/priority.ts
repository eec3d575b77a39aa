/**
 * Candidate priorities, foundations and pair priorities as OpenDDS computes them
 * (spec/opendds-ice-and-rtpsrelay.md §5.4, `Ice.cpp`; RFC 8445 §5.1.2.1, §6.1.2.3).
 */
import type { TransportAddress } from '../util/address.js';
import type { IceCandidateKind } from './types.js';

/** RFC 8445 §5.1.2.2 recommended type preferences, as OpenDDS uses them (spec §5.4). */
export const TYPE_PREFERENCE = Object.freeze({ host: 126, 'peer-reflexive': 110, 'server-reflexive': 100, relayed: 0 } as const);

/** OpenDDS local preference: 65535 for IPv6, 65534 for IPv4 (spec §5.4). */
export function localPreference(a: TransportAddress): number {
  return a.family === 'IPv6' ? 65535 : 65534;
}

/**
 * `(typePref << 24) + (localPref << 8) + (256 − componentId)` with component 1 (RFC 8445 §5.1.2.1,
 * spec §5.4): host IPv4 2130706175, IPv6 2130706431; srflx 1694498559 / 1694498815; prflx
 * 1862270719 / 1862270975.
 */
export function candidatePriority(type: IceCandidateKind, address: TransportAddress): number {
  return TYPE_PREFERENCE[type] * 0x1000000 + localPreference(address) * 0x100 + 255;
}

/** Host foundation `H<ip>U` (spec §5.4). */
export function hostFoundation(address: TransportAddress): string {
  return `H${address.ip}U`;
}

/** Server-reflexive foundation `S<base ip>_<stun server ip>U` (spec §5.4). */
export function serverReflexiveFoundation(base: TransportAddress, stunServer: TransportAddress): string {
  return `S${base.ip}_${stunServer.ip}U`;
}

/** Relayed foundation `R<base ip>_<turn server ip>U` (same scheme as the srflx one; RFC 8445 §5.1.1.3). */
export function relayedFoundation(base: TransportAddress, turnServer: TransportAddress): string {
  return `R${base.ip}_${turnServer.ip}U`;
}

/** Local peer-reflexive foundation learned from a response: `P<base ip>_<remote ip>U` (spec §5.4). */
export function localPeerReflexiveFoundation(base: TransportAddress, remote: TransportAddress): string {
  return `P${base.ip}_${remote.ip}U`;
}

/** Remote peer-reflexive foundation learned from a request: `Q<agent-wide counter>U` (spec §5.4). */
export function remotePeerReflexiveFoundation(counter: number): string {
  return `Q${counter}U`;
}

/**
 * Pair priority, RFC 8445 §6.1.2.3: `2^32·MIN(G,D) + 2·MAX(G,D) + (G>D ? 1 : 0)`, G the
 * controlling side's candidate priority and D the controlled side's. Exceeds 2^53, hence bigint.
 */
export function pairPriority(controllingPriority: number, controlledPriority: number): bigint {
  const g = BigInt(controllingPriority);
  const d = BigInt(controlledPriority);
  const min = g < d ? g : d;
  const max = g < d ? d : g;
  return (min << 32n) + 2n * max + (g > d ? 1n : 0n);
}
