/**
 * What the virtual network records: one `send` entry per datagram a socket sends and one fate entry per
 * copy that reaches its end (delivered or dropped, and why). Tests and benches assert on this trace;
 * the ICE agent's pacing tests read STUN transactions from the `send` entries' bytes.
 */
import type { TransportAddress } from '../util/address.js';

/** How a datagram copy's journey ended. */
export type DatagramFate =
  | 'delivered'
  | 'dropped-loss'            // a link lost it
  | 'dropped-filter'          // a NAT's filter refused it (RFC 4787 §5)
  | 'dropped-no-mapping'      // inbound at a NAT port with no live mapping (or 1:1 NAT without its host)
  | 'dropped-no-route'        // no host or NAT owns the destination IP, or the family cannot cross
  | 'dropped-hairpin'         // to the NAT's own external address with hairpinning off (RFC 4787 §6)
  | 'dropped-no-listener';    // reached the host, but no socket is bound there (ICMP port unreachable)

/** One trace entry. `id` numbers datagrams in send order; duplicates share it with `copy` > 0. */
export type TraceEntry =
  | {
      readonly kind: 'send';
      readonly id: number;
      readonly atMs: number;
      /** The sending socket's address (before any NAT). */
      readonly from: TransportAddress;
      readonly to: TransportAddress;
      readonly size: number;
      /** The datagram as sent (a private copy; do not modify). */
      readonly bytes: Uint8Array;
    }
  | {
      readonly kind: 'fate';
      readonly fate: DatagramFate;
      readonly id: number;
      readonly copy: number;
      readonly sentAtMs: number;
      readonly atMs: number;
      /** The sender's socket address and the destination it was sent to. */
      readonly from: TransportAddress;
      readonly to: TransportAddress;
      /** Source and destination where the journey ended (after NAT translation). */
      readonly seenFrom: TransportAddress;
      readonly seenTo: TransportAddress;
      readonly size: number;
      /** Name of the node where it ended (host, NAT or `realm/<name>` for a link loss). */
      readonly at: string;
    };

/** A fate entry. */
export type FateEntry = Extract<TraceEntry, { kind: 'fate' }>;
/** A send entry. */
export type SendEntry = Extract<TraceEntry, { kind: 'send' }>;

/** Network-wide counters. */
export interface NetworkCounters {
  sent: number;
  delivered: number;
  dropped: number;
  /** `send()` on a closed socket (silently ignored, as UDP would fail it locally). */
  sendAfterClose: number;
}
