/**
 * Relayed candidates (RFC 8445 §5.1.1.2, RFC 8656; docs/ice.md "Relayed candidates"): one TURN
 * allocation per endpoint and configured TURN server, from the endpoint's first host base of the
 * server's family. The allocation's relayed address becomes a local candidate of type `relayed`
 * (OpenDDS `IceCandidate_t` type 3) whose base is itself; the agent sends from it like from any
 * base, and {@link RelayedCandidates.route} turns such a send into a Send indication or ChannelData
 * to the server. Datagrams from the server are unwrapped by {@link RelayedCandidates.handle} and
 * re-enter the agent (STUN) or go to the application (RTPS) as if received on the relayed address.
 *
 * Permissions: every remote candidate IP of every checklist of the endpoint is permitted as soon as
 * the checklist exists (the peer's checks toward our relayed address are dropped by the server
 * otherwise); the TURN client refreshes them.
 */
import { addressEquals, formatAddress, type TransportAddress } from '../util/address.js';
import type { Logger } from '../util/logger.js';
import type { Clock } from '../util/clock.js';
import { TurnClient, type TurnError } from '../turn/index.js';
import type { IceTurnServer } from './config.js';
import type { EndpointState, TurnBinding } from './endpoint.js';
import type { IceCandidateInfo, IceTransmit } from './types.js';

export interface RelayedContext {
  readonly clock: Clock;
  readonly randomBytes: (n: number) => Uint8Array;
  readonly log: Logger;
  /** Sends a datagram from a real base (never re-routed). */
  readonly sendRaw: (t: IceTransmit) => void;
  /** The endpoint's relayed candidates changed (allocation made or lost). */
  readonly changed: (ep: EndpointState) => void;
  /** An allocation failed: reported to the agent's listener. */
  readonly failed: (ep: EndpointState, server: TransportAddress, error: TurnError) => void;
}

/** What {@link RelayedCandidates.handle} made of a datagram. */
export type RelayedInput =
  | { readonly kind: 'not-turn' }
  | { readonly kind: 'consumed' }
  | { readonly kind: 'data'; readonly local: TransportAddress; readonly from: TransportAddress; readonly bytes: Uint8Array };

const NOT_TURN: RelayedInput = Object.freeze({ kind: 'not-turn' });
const CONSUMED: RelayedInput = Object.freeze({ kind: 'consumed' });

/** STUN header with method Binding (RFC 5389 §6): first two bits 0, method bits = 0x001. */
function isStunBinding(bytes: Uint8Array): boolean {
  if (bytes.length < 20 || ((bytes[0] ?? 0) & 0xc0) !== 0) return false;
  const type = ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
  return (type & 0x3eef) === 0x0001;
}

export class RelayedCandidates {
  constructor(readonly ctx: RelayedContext) {}

  /** Starts one allocation per server (from the first host base of its family; none when there is no such base). */
  start(ep: EndpointState, servers: readonly IceTurnServer[]): void {
    for (const s of servers) {
      const base = ep.hostAddresses.find((a) => a.family === s.address.family);
      if (base === undefined) {
        this.ctx.log.warn('no host address of the TURN server family', { endpointId: ep.id, server: formatAddress(s.address) });
        continue;
      }
      const binding: TurnBinding = { server: s.address, base, client: undefined };
      binding.client = new TurnClient({
        clock: this.ctx.clock,
        randomBytes: this.ctx.randomBytes,
        log: this.ctx.log,
        send: (bytes) => { this.ctx.sendRaw({ endpointId: ep.id, from: base, to: s.address, bytes }); },
        emit: (e) => {
          switch (e.type) {
            case 'allocated':
              this.ctx.log.info('TURN allocation', { endpointId: ep.id, relayed: formatAddress(e.relayed), server: formatAddress(s.address) });
              this.ctx.changed(ep);
              break;
            case 'failed':
              this.ctx.failed(ep, s.address, e.error);
              this.ctx.changed(ep);
              break;
            case 'permission-failed':
              this.ctx.log.warn('TURN permission failed', { endpointId: ep.id, peer: e.peerIp, error: e.error.message });
              break;
            case 'refreshed': case 'permission-installed': case 'channel-bound': break;
          }
        },
      }, {
        server: s.address, username: s.username, password: s.password,
        ...(s.lifetimeS !== undefined && { lifetimeS: s.lifetimeS }),
      });
      ep.turn.push(binding);
      binding.client.start();
    }
  }

  /** Releases the endpoint's allocations (Refresh 0). */
  stop(ep: EndpointState): void {
    for (const b of ep.turn) b.client?.close();
    ep.turn = [];
  }

  /** Permits the IPs of `candidates` on every allocation of the endpoint (same family). */
  permit(ep: EndpointState, candidates: readonly IceCandidateInfo[]): void {
    for (const b of ep.turn) {
      const c = b.client;
      if (c === undefined) continue;
      for (const r of candidates) if (r.address.family === b.server.family) c.permit(r.address.ip);
    }
  }

  /** When `t.from` is a relayed address of the endpoint, sends `t` through its allocation and returns true. */
  route(ep: EndpointState, t: IceTransmit): boolean {
    for (const b of ep.turn) {
      const relayed = b.client?.relayedAddress;
      if (relayed !== undefined && addressEquals(relayed, t.from)) {
        b.client?.send(t.to, t.bytes);
        return true;
      }
    }
    return false;
  }

  /** A datagram on `local` from `from`: TURN traffic of one of the endpoint's allocations is consumed or unwrapped. */
  handle(ep: EndpointState, local: TransportAddress, from: TransportAddress, bytes: Uint8Array): RelayedInput {
    for (const b of ep.turn) {
      if (!addressEquals(b.server, from) || !addressEquals(b.base, local) || b.client === undefined) continue;
      // A Binding answer from the same server is the server-reflexive client's (the TURN server as STUN server).
      if (isStunBinding(bytes)) return NOT_TURN;
      const inbound = b.client.handle(bytes);
      const relayed = b.client.relayedAddress;
      if (inbound === undefined || relayed === undefined) return CONSUMED;
      return { kind: 'data', local: relayed, from: inbound.peer, bytes: inbound.data };
    }
    return NOT_TURN;
  }

  nextDeadline(endpoints: Iterable<EndpointState>): number | undefined {
    let at: number | undefined;
    for (const ep of endpoints) {
      for (const b of ep.turn) {
        const d = b.client?.nextDeadline();
        if (d !== undefined && (at === undefined || d < at)) at = d;
      }
    }
    return at;
  }

  handleTimeout(endpoints: Iterable<EndpointState>, now: number): void {
    for (const ep of [...endpoints]) {
      for (const b of [...ep.turn]) {
        const d = b.client?.nextDeadline();
        if (d !== undefined && d <= now) b.client?.handleTimeout();
      }
    }
  }
}
