/**
 * Per-endpoint state (OpenDDS `EndpointManager`, spec §4, §5.2, §5.3): credentials, tie-breaker,
 * local candidates, checklists by remote username and by peer key, deferred triggered checks and
 * the server-reflexive client.
 */
import { addressEquals, ipToBytes, isLoopback, type TransportAddress } from '../util/address.js';
import { toHex } from '../util/hex.js';
import type { Checklist } from './checklist.js';
import type { TurnClient } from '../turn/index.js';
import { candidatePriority, hostFoundation, relayedFoundation, serverReflexiveFoundation } from './priority.js';
import type { Timer } from './timer-queue.js';
import type { IceAgentInfo, LocalCandidate } from './types.js';

/** A request that arrived before the remote's agent info (spec §5.9 "deferred triggered check"). */
export interface DeferredCheck {
  readonly local: TransportAddress;
  readonly from: TransportAddress;
  readonly priority: number;
  useCandidate: boolean;
  readonly expiresAt: number;
}

/** The server-reflexive request in flight (RFC 5389 §7.2.1 retransmission state). */
export interface SrflxRequest {
  readonly id: Uint8Array;
  readonly from: TransportAddress;
  readonly firstSentAt: number;
  transmissions: number;
  rtoMs: number;
  timer: Timer | undefined;
}

/** Server-reflexive client (spec §5.3): requests until an address is known, then indications, a request every N. */
export interface ServerReflexiveClient {
  readonly server: TransportAddress;
  mode: 'requesting' | 'indicating';
  /** Indications sent since the last answered request, or unanswered requests while requesting. */
  count: number;
  address: TransportAddress | undefined;
  /** The last binding message: only a response to it is a STUN-server response (spec §5.3). */
  lastKey: string | undefined;
  lastRequest: SrflxRequest | undefined;
  tick: Timer | undefined;
}

/** One TURN allocation of an endpoint (relayed.ts). */
export interface TurnBinding {
  readonly server: TransportAddress;
  /** The host base the allocation was made from. */
  readonly base: TransportAddress;
  client: TurnClient | undefined;
}

export class EndpointState {
  username = '';
  password = '';
  /** Passwords replaced by a rotation, accepted until `until` (ms). */
  oldPasswords: { readonly password: string; readonly until: number }[] = [];
  localCandidates: LocalCandidate[] = [];
  localFoundations = new Set<string>();
  readonly byUsername = new Map<string, Checklist>();
  readonly byPeerKey = new Map<string, Checklist>();
  readonly deferred = new Map<string, DeferredCheck[]>();
  srflx: ServerReflexiveClient | undefined;
  /**
   * Server-reflexive addresses learned outside the agent (e.g. the RtpsRelay's answers to the
   * transport's relay keep-alive, spec §6.1, §6.4), by `formatAddress(server)`.
   */
  readonly externalSrflx = new Map<string, { readonly server: TransportAddress; readonly address: TransportAddress }>();
  /** TURN allocations (relayed candidates, relayed.ts). */
  turn: TurnBinding[] = [];
  passwordTimer: Timer | undefined;
  /** Purges expired deferred checks while any is held (spec §5.9). */
  deferredPurge: Timer | undefined;

  constructor(
    readonly id: string,
    public hostAddresses: readonly TransportAddress[],
    readonly tieBreaker: bigint,
    readonly allowLoopback: boolean,
    /** `relay`: only relayed candidates are local candidates (config `transportPolicy`). */
    readonly relayOnly = false,
  ) {}

  /** Our username and the passwords that verify a message now, current first. */
  credentials(now: number): { readonly username: string; readonly passwords: readonly string[] } {
    if (this.oldPasswords.length === 0) return { username: this.username, passwords: [this.password] };
    this.oldPasswords = this.oldPasswords.filter((o) => o.until > now);
    return { username: this.username, passwords: [this.password, ...this.oldPasswords.map((o) => o.password)] };
  }

  /** `regenerate_agent_info` (spec §5.3): host candidates, srflx (own STUN client first, then external) per host base of the srflx family, sorted, de-duplicated. */
  regenerateCandidates(): void {
    const hosts = this.hostAddresses.filter((a) => usableHostAddress(a, this.allowLoopback));
    const out: LocalCandidate[] = [];
    for (const h of hosts) out.push({ address: h, base: h, type: 'host', priority: candidatePriority('host', h), foundation: hostFoundation(h) });
    const learned: { readonly server: TransportAddress; readonly address: TransportAddress }[] = [...this.externalSrflx.values()];
    const s = this.srflx;
    if (s?.address !== undefined) learned.unshift({ server: s.server, address: s.address });
    for (const x of learned) {
      for (const h of hosts) {
        if (h.family !== x.address.family) continue;
        out.push({
          address: x.address, base: h, type: 'server-reflexive',
          priority: candidatePriority('server-reflexive', x.address), foundation: serverReflexiveFoundation(h, x.server),
        });
      }
    }
    // RFC 8445 §5.1.1.2: a relayed candidate is its own base.
    for (const b of this.turn) {
      const relayed = b.client?.relayedAddress;
      if (relayed === undefined) continue;
      out.push({ address: relayed, base: relayed, type: 'relayed', priority: candidatePriority('relayed', relayed), foundation: relayedFoundation(b.base, b.server) });
    }
    if (this.relayOnly) {
      const relayed = out.filter((c) => c.type === 'relayed');
      out.length = 0;
      out.push(...relayed);
    }
    // `candidates_sorted` (Ice.cpp): address asc, base asc, priority desc; drop equal (address, base).
    out.sort((a, b) => compareAddress(a.address, b.address) || compareAddress(a.base, b.base) || b.priority - a.priority);
    this.localCandidates = out.filter((c, i) => {
      const prev = out[i - 1];
      return prev === undefined || !(addressEquals(prev.address, c.address) && addressEquals(prev.base, c.base));
    });
    this.localFoundations = new Set(this.localCandidates.map((c) => c.foundation));
  }

  info(): IceAgentInfo {
    return {
      type: 'full',
      username: this.username,
      password: this.password,
      candidates: this.localCandidates.map((c) => ({ address: c.address, foundation: c.foundation, priority: c.priority, type: c.type })),
    };
  }

  /**
   * The local candidate that is its own base at `local`: a host candidate (spec §5.9
   * `generate_triggered_check`) or a relayed one (a request that came through the TURN server).
   */
  hostCandidateAt(local: TransportAddress): LocalCandidate | undefined {
    return this.localCandidates.find((c) => (c.type === 'host' || c.type === 'relayed') && addressEquals(c.address, local));
  }
}

/** 16 random bytes as 32 lower-case hex characters (spec §5.2). */
export function randomCredential(randomBytes: (n: number) => Uint8Array): string {
  return toHex(randomBytes(16));
}

/** OpenDDS drops loopback (optional here), IPv4-compatible and IPv4-mapped IPv6 host addresses (spec §5.3). */
export function usableHostAddress(a: TransportAddress, allowLoopback: boolean): boolean {
  if (isLoopback(a)) return allowLoopback;
  if (a.family === 'IPv6') {
    const b = ipToBytes(a.ip);
    let zeros = true;
    for (let i = 0; i < 10; i++) if (b[i] !== 0) zeros = false;
    if (zeros && ((b[10] === 0xff && b[11] === 0xff) || (b[10] === 0 && b[11] === 0))) return false;
  }
  return true;
}

function compareAddress(a: TransportAddress, b: TransportAddress): number {
  if (a.family !== b.family) return a.family === 'IPv4' ? -1 : 1;
  const x = ipToBytes(a.ip);
  const y = ipToBytes(b.ip);
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.port - b.port;
}
