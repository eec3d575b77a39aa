/**
 * A sans-I/O TURN server core over UDP (RFC 8656; docs/security.md), for simnet and tests: Binding,
 * Allocate / Refresh / CreatePermission / ChannelBind with the long-term credential mechanism
 * (RFC 8489 §9.2: 401 with REALM and NONCE, 438 when the nonce expired, 401 on a bad
 * MESSAGE-INTEGRITY or unknown user), allocations, permissions (300 s) and channels (600 s) that
 * expire, Send/Data indications and ChannelData both ways, 437/441/442/403 as the RFC says.
 *
 * The driver (`relay/turn-server.ts`) owns the sockets: the listening one (`send`) and one per
 * allocation (`openRelay`/`sendFromRelay`/`closeRelay`); it feeds {@link TurnServerCore.handleClient}
 * and {@link TurnServerCore.handlePeer} and serves {@link TurnServerCore.nextDeadline}.
 */
import { formatAddress, type TransportAddress } from '../util/address.js';
import type { Clock } from '../util/clock.js';
import { DecodeError } from '../util/errors.js';
import { toHex } from '../util/hex.js';
import type { Logger } from '../util/logger.js';
import {
  attr, ChannelNumber, createLongTermIntegrityKey, Data, decodeChannelData, decodeStunMessage, encodeChannelData, encodeStunMessage,
  ErrorCode, getAttribute, isChannelData, Lifetime, MAX_CHANNEL_NUMBER, MIN_CHANNEL_NUMBER, Nonce, Realm, RequestedTransport,
  StunMethod, TRANSPORT_UDP, Username, verifyMessageIntegrity, XorMappedAddress, XorPeerAddress, XorRelayedAddress,
  type EncodableAttribute, type IntegrityKey, type StunMessage,
} from '../stun/index.js';
import { CHANNEL_LIFETIME_MS, PERMISSION_LIFETIME_MS } from './client.js';

export interface TurnServerDeps {
  readonly clock: Clock;
  readonly randomBytes: (n: number) => Uint8Array;
  readonly log: Logger;
  /** Sends from the listening address to a client. */
  readonly send: (to: TransportAddress, bytes: Uint8Array) => void;
  /** Opens a relay socket for a new allocation; calls `done` with its address (or undefined when none could be bound). */
  readonly openRelay: (client: TransportAddress, done: (relayed: TransportAddress | undefined) => void) => void;
  readonly sendFromRelay: (relayed: TransportAddress, to: TransportAddress, bytes: Uint8Array) => void;
  readonly closeRelay: (relayed: TransportAddress) => void;
}

export interface TurnServerInit {
  readonly realm: string;
  /** username → password (long-term credentials). */
  readonly users: ReadonlyMap<string, string>;
  /** How long a nonce is accepted, ms; then 438. Default 600,000 (coturn's `stale-nonce` 600 s). */
  readonly nonceLifetimeMs?: number;
  /** Default / maximum allocation lifetime, s. Defaults 600 / 3600 (RFC 8656 §3.2). */
  readonly defaultLifetimeS?: number;
  readonly maxLifetimeS?: number;
}

interface Allocation {
  readonly client: TransportAddress;
  readonly username: string;
  readonly key: IntegrityKey;
  relayed: TransportAddress | undefined;
  expiresAt: number;
  /** The Allocate's transaction id and our answer, for retransmissions (RFC 8656 §7.2). */
  readonly allocateTid: string;
  answer: Uint8Array | undefined;
  readonly permissions: Map<string, number>;
  readonly channelsByNumber: Map<number, { peer: TransportAddress; expiresAt: number }>;
  readonly channelsByPeer: Map<string, number>;
}

/** Counters, for tests and benches. */
export interface TurnServerStats {
  allocations: number;
  unauthorized: number;
  staleNonces: number;
  relayedToPeers: number;
  relayedToClients: number;
  droppedNoPermission: number;
}

export class TurnServerCore {
  readonly #deps: TurnServerDeps;
  readonly #realm: string;
  readonly #users: ReadonlyMap<string, string>;
  readonly #nonceLifetimeMs: number;
  readonly #defaultLifetimeS: number;
  readonly #maxLifetimeS: number;
  readonly #nonces = new Map<string, number>();
  readonly #byClient = new Map<string, Allocation>();
  readonly #byRelay = new Map<string, Allocation>();
  readonly stats: TurnServerStats = { allocations: 0, unauthorized: 0, staleNonces: 0, relayedToPeers: 0, relayedToClients: 0, droppedNoPermission: 0 };

  constructor(deps: TurnServerDeps, init: TurnServerInit) {
    this.#deps = deps;
    this.#realm = init.realm;
    this.#users = init.users;
    this.#nonceLifetimeMs = init.nonceLifetimeMs ?? 600_000;
    this.#defaultLifetimeS = init.defaultLifetimeS ?? 600;
    this.#maxLifetimeS = init.maxLifetimeS ?? 3600;
  }

  /** Number of live allocations. */
  get allocationCount(): number { return this.#byClient.size; }

  /** Expires every nonce now (tests: the next authenticated request gets 438). */
  expireNonces(): void { this.#nonces.clear(); }

  /** A datagram on the listening address from `client`. */
  handleClient(client: TransportAddress, bytes: Uint8Array): void {
    const alloc = this.#byClient.get(formatAddress(client));
    if (isChannelData(bytes)) {
      if (alloc?.relayed === undefined) return;
      let cd;
      try { cd = decodeChannelData(bytes); } catch (err) { if (err instanceof DecodeError) return; throw err; }
      const ch = alloc.channelsByNumber.get(cd.channel);
      if (ch === undefined) return;
      this.#toPeer(alloc, ch.peer, cd.data);
      return;
    }
    let msg: StunMessage;
    try { msg = decodeStunMessage(bytes); } catch (err) { if (err instanceof DecodeError) return; throw err; }
    if (msg.messageClass === 'indication') {
      if (msg.method !== StunMethod.send || alloc?.relayed === undefined) return;
      const peer = getAttribute(msg, XorPeerAddress);
      const data = getAttribute(msg, Data);
      if (peer !== undefined && data !== undefined) this.#toPeer(alloc, peer, data);
      return;
    }
    if (msg.messageClass !== 'request') return;
    if (msg.method === StunMethod.binding) {
      this.#deps.send(client, encodeStunMessage({
        method: StunMethod.binding, messageClass: 'success', transactionId: msg.transactionId, attributes: [attr(XorMappedAddress, client)], fingerprint: true,
      }));
      return;
    }
    const auth = this.#authenticate(client, msg);
    if (auth === undefined) return;
    switch (msg.method) {
      case StunMethod.allocate: this.#allocate(client, msg, auth, alloc); break;
      case StunMethod.refresh: this.#refresh(client, msg, auth, alloc); break;
      case StunMethod.createPermission: this.#createPermission(client, msg, auth, alloc); break;
      case StunMethod.channelBind: this.#channelBind(client, msg, auth, alloc); break;
      default: this.#error(client, msg, 400, 'Bad Request', auth.key);
    }
  }

  /** A datagram from `peer` on the relay socket `relayed`. */
  handlePeer(relayed: TransportAddress, peer: TransportAddress, bytes: Uint8Array): void {
    const alloc = this.#byRelay.get(formatAddress(relayed));
    if (alloc === undefined) return;
    const now = this.#deps.clock.now();
    const perm = alloc.permissions.get(peer.ip);
    if (perm === undefined || perm <= now) { this.stats.droppedNoPermission++; return; }
    this.stats.relayedToClients++;
    const channel = alloc.channelsByPeer.get(formatAddress(peer));
    if (channel !== undefined) {
      this.#deps.send(alloc.client, encodeChannelData({ channel, data: bytes }));
      return;
    }
    this.#deps.send(alloc.client, encodeStunMessage({
      method: StunMethod.data, messageClass: 'indication', transactionId: this.#deps.randomBytes(12),
      attributes: [attr(XorPeerAddress, peer), attr(Data, bytes)],
    }));
  }

  nextDeadline(): number | undefined {
    let at = Number.POSITIVE_INFINITY;
    for (const a of this.#byClient.values()) at = Math.min(at, a.expiresAt);
    return at === Number.POSITIVE_INFINITY ? undefined : at;
  }

  /** Expires allocations (and their relay sockets), permissions and channels that are due. */
  handleTimeout(): void {
    const now = this.#deps.clock.now();
    for (const a of [...this.#byClient.values()]) {
      if (a.expiresAt <= now) { this.#release(a); continue; }
      for (const [ip, until] of a.permissions) if (until <= now) a.permissions.delete(ip);
      for (const [n, ch] of a.channelsByNumber) {
        if (ch.expiresAt <= now) { a.channelsByNumber.delete(n); a.channelsByPeer.delete(formatAddress(ch.peer)); }
      }
    }
    for (const [n, until] of this.#nonces) if (until <= now) this.#nonces.delete(n);
  }

  /** Releases every allocation. */
  close(): void {
    for (const a of [...this.#byClient.values()]) this.#release(a);
  }

  // ------------------------------------------------------------------ internals

  #newNonce(): string {
    const n = toHex(this.#deps.randomBytes(12));
    this.#nonces.set(n, this.#deps.clock.now() + this.#nonceLifetimeMs);
    return n;
  }

  /** RFC 8489 §9.2.4: the long-term credential checks; answers 401/438 itself and returns undefined. */
  #authenticate(client: TransportAddress, msg: StunMessage): { username: string; key: IntegrityKey } | undefined {
    const username = getAttribute(msg, Username);
    const realm = getAttribute(msg, Realm);
    const nonce = getAttribute(msg, Nonce);
    if (msg.integrityIndex < 0 || username === undefined || realm === undefined || nonce === undefined) {
      this.#challenge(client, msg, 401, 'Unauthorized');
      return undefined;
    }
    const until = this.#nonces.get(nonce);
    if (until === undefined || until <= this.#deps.clock.now()) {
      this.stats.staleNonces++;
      this.#challenge(client, msg, 438, 'Stale Nonce');
      return undefined;
    }
    const password = this.#users.get(username);
    const key = password === undefined || realm !== this.#realm ? undefined : createLongTermIntegrityKey(username, realm, password);
    if (key === undefined || !verifyMessageIntegrity(msg, key)) {
      this.stats.unauthorized++;
      this.#challenge(client, msg, 401, 'Unauthorized');
      return undefined;
    }
    return { username, key };
  }

  #challenge(client: TransportAddress, msg: StunMessage, code: number, reason: string): void {
    this.#deps.send(client, encodeStunMessage({
      method: msg.method, messageClass: 'error', transactionId: msg.transactionId,
      attributes: [attr(ErrorCode, { code, reason }), attr(Realm, this.#realm), attr(Nonce, this.#newNonce())], fingerprint: true,
    }));
  }

  #error(client: TransportAddress, msg: StunMessage, code: number, reason: string, key: IntegrityKey): void {
    this.#deps.send(client, encodeStunMessage({
      method: msg.method, messageClass: 'error', transactionId: msg.transactionId,
      attributes: [attr(ErrorCode, { code, reason })], integrity: key, fingerprint: true,
    }));
  }

  #success(msg: StunMessage, key: IntegrityKey, attributes: EncodableAttribute[]): Uint8Array {
    return encodeStunMessage({ method: msg.method, messageClass: 'success', transactionId: msg.transactionId, attributes, integrity: key, fingerprint: true });
  }

  #lifetime(msg: StunMessage): number {
    const asked = getAttribute(msg, Lifetime);
    return asked === undefined ? this.#defaultLifetimeS : Math.min(asked, this.#maxLifetimeS);
  }

  #allocate(client: TransportAddress, msg: StunMessage, auth: { username: string; key: IntegrityKey }, existing: Allocation | undefined): void {
    const tid = toHex(msg.transactionId);
    if (existing !== undefined) {
      // RFC 8656 §7.2: a retransmission gets the same answer; anything else 437.
      if (existing.allocateTid === tid) { if (existing.answer !== undefined) this.#deps.send(client, existing.answer); return; }
      this.#error(client, msg, 437, 'Allocation Mismatch', auth.key);
      return;
    }
    if (getAttribute(msg, RequestedTransport) !== TRANSPORT_UDP) {
      this.#error(client, msg, getAttribute(msg, RequestedTransport) === undefined ? 400 : 442, 'Unsupported Transport Protocol', auth.key);
      return;
    }
    const lifetimeS = Math.max(this.#lifetime(msg), 1);
    const alloc: Allocation = {
      client, username: auth.username, key: auth.key, relayed: undefined, expiresAt: this.#deps.clock.now() + lifetimeS * 1000,
      allocateTid: tid, answer: undefined, permissions: new Map(), channelsByNumber: new Map(), channelsByPeer: new Map(),
    };
    const clientKey = formatAddress(client);
    this.#byClient.set(clientKey, alloc);
    const transactionId = msg.transactionId.slice();
    this.#deps.openRelay(client, (relayed) => {
      if (this.#byClient.get(clientKey) !== alloc) { if (relayed !== undefined) this.#deps.closeRelay(relayed); return; }
      if (relayed === undefined) {
        this.#byClient.delete(clientKey);
        this.#deps.send(client, encodeStunMessage({
          method: StunMethod.allocate, messageClass: 'error', transactionId, attributes: [attr(ErrorCode, { code: 508, reason: 'Insufficient Capacity' })],
          integrity: auth.key, fingerprint: true,
        }));
        return;
      }
      alloc.relayed = relayed;
      this.#byRelay.set(formatAddress(relayed), alloc);
      this.stats.allocations++;
      alloc.answer = encodeStunMessage({
        method: StunMethod.allocate, messageClass: 'success', transactionId,
        attributes: [attr(XorRelayedAddress, relayed), attr(Lifetime, lifetimeS), attr(XorMappedAddress, client)], integrity: auth.key, fingerprint: true,
      });
      this.#deps.send(client, alloc.answer);
    });
  }

  #owned(client: TransportAddress, msg: StunMessage, auth: { username: string; key: IntegrityKey }, alloc: Allocation | undefined): alloc is Allocation {
    if (alloc?.relayed === undefined) { this.#error(client, msg, 437, 'Allocation Mismatch', auth.key); return false; }
    if (alloc.username !== auth.username) { this.#error(client, msg, 441, 'Wrong Credentials', auth.key); return false; }
    return true;
  }

  #refresh(client: TransportAddress, msg: StunMessage, auth: { username: string; key: IntegrityKey }, alloc: Allocation | undefined): void {
    if (!this.#owned(client, msg, auth, alloc)) return;
    const lifetimeS = this.#lifetime(msg);
    this.#deps.send(client, this.#success(msg, auth.key, [attr(Lifetime, lifetimeS)]));
    if (lifetimeS === 0) { this.#release(alloc); return; }
    alloc.expiresAt = this.#deps.clock.now() + lifetimeS * 1000;
  }

  #createPermission(client: TransportAddress, msg: StunMessage, auth: { username: string; key: IntegrityKey }, alloc: Allocation | undefined): void {
    if (!this.#owned(client, msg, auth, alloc)) return;
    const peers = msg.attributes.filter((a) => a.type === XorPeerAddress.type);
    const peer = getAttribute(msg, XorPeerAddress);
    if (peers.length === 0 || peer === undefined) { this.#error(client, msg, 400, 'Bad Request', auth.key); return; }
    if (peer.family !== alloc.relayed?.family) { this.#error(client, msg, 443, 'Peer Address Family Mismatch', auth.key); return; }
    alloc.permissions.set(peer.ip, this.#deps.clock.now() + PERMISSION_LIFETIME_MS);
    this.#deps.send(client, this.#success(msg, auth.key, []));
  }

  #channelBind(client: TransportAddress, msg: StunMessage, auth: { username: string; key: IntegrityKey }, alloc: Allocation | undefined): void {
    if (!this.#owned(client, msg, auth, alloc)) return;
    const n = getAttribute(msg, ChannelNumber);
    const peer = getAttribute(msg, XorPeerAddress);
    if (n === undefined || peer === undefined || n < MIN_CHANNEL_NUMBER || n > MAX_CHANNEL_NUMBER) { this.#error(client, msg, 400, 'Bad Request', auth.key); return; }
    const key = formatAddress(peer);
    const boundNumber = alloc.channelsByPeer.get(key);
    const boundPeer = alloc.channelsByNumber.get(n);
    // RFC 8656 §12.2: a number bound to another peer, or a peer bound to another number, is 400.
    if ((boundNumber !== undefined && boundNumber !== n) || (boundPeer !== undefined && formatAddress(boundPeer.peer) !== key)) {
      this.#error(client, msg, 400, 'Bad Request', auth.key);
      return;
    }
    const now = this.#deps.clock.now();
    alloc.channelsByNumber.set(n, { peer, expiresAt: now + CHANNEL_LIFETIME_MS });
    alloc.channelsByPeer.set(key, n);
    alloc.permissions.set(peer.ip, now + PERMISSION_LIFETIME_MS);
    this.#deps.send(client, this.#success(msg, auth.key, []));
  }

  #toPeer(alloc: Allocation, peer: TransportAddress, data: Uint8Array): void {
    const relayed = alloc.relayed;
    if (relayed === undefined) return;
    const until = alloc.permissions.get(peer.ip);
    if (until === undefined || until <= this.#deps.clock.now()) { this.stats.droppedNoPermission++; return; }
    this.stats.relayedToPeers++;
    this.#deps.sendFromRelay(relayed, peer, data);
  }

  #release(a: Allocation): void {
    this.#byClient.delete(formatAddress(a.client));
    if (a.relayed !== undefined) {
      this.#byRelay.delete(formatAddress(a.relayed));
      this.#deps.closeRelay(a.relayed);
    }
  }
}
