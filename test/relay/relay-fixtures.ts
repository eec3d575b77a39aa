/** Shared builders for the relay tests: RTPS datagrams with or without INFO_DST, STUN requests. */
import { encodeRtpsMessage, EntityIds, PROTOCOL_VERSION_2_4, VendorIds, type Submessage } from '../../src/rtps/index.js';
import { attr, encodeStunMessage, GuidPrefix, Software, StunMethod } from '../../src/stun/index.js';
import type { TransportAddress } from '../../src/util/address.js';
import { transportAddress } from '../../src/util/address.js';
import { toHex } from '../../src/util/hex.js';

/** A 12-byte GUID prefix whose last byte is `n` (non-zero for n > 0). */
export function prefixOf(n: number): Uint8Array {
  return new Uint8Array([1, 3, 0, 0, 0, 0, 0, 0, 0, 0, (n >> 8) & 0xff, n & 0xff]);
}

export function hexOf(n: number): string {
  return toHex(prefixOf(n));
}

export function addr(ip: string, port: number): TransportAddress {
  return transportAddress(ip, port);
}

const HEARTBEAT: Submessage = {
  kind: 'heartbeat', readerId: EntityIds.UNKNOWN, writerId: EntityIds.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER,
  firstSN: 1, lastSN: 1, count: 1, isFinal: false, isLiveliness: false,
};

/** An RTPS datagram from `source`: INFO_DST for each of `to` (none = undirected), then a HEARTBEAT. */
export function rtps(source: Uint8Array, to: readonly Uint8Array[] = []): Uint8Array {
  const header = { protocolVersion: PROTOCOL_VERSION_2_4, vendorId: VendorIds.UNKNOWN, guidPrefix: source };
  return encodeRtpsMessage(header, [...to.map((p): Submessage => ({ kind: 'info-dst', guidPrefix: p })), HEARTBEAT]);
}

let tid = 0;
function nextTid(): Uint8Array {
  tid++;
  return new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, (tid >> 24) & 0xff, (tid >> 16) & 0xff, (tid >> 8) & 0xff, tid & 0xff]);
}

/** A Binding request; `guidPrefix` as OpenDDS's relay keep-alive (spec §6.1); `software` pads it. */
export function stunRequest(options: { guidPrefix?: Uint8Array; fingerprint?: boolean; software?: string; indication?: boolean } = {}): Uint8Array {
  const attributes = [
    ...(options.guidPrefix === undefined ? [] : [attr(GuidPrefix, options.guidPrefix)]),
    ...(options.software === undefined ? [] : [attr(Software, options.software)]),
  ];
  return encodeStunMessage({
    method: StunMethod.binding, messageClass: options.indication === true ? 'indication' : 'request',
    transactionId: nextTid(), attributes, fingerprint: options.fingerprint ?? true,
  });
}
