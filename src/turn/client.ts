/**
 * A sans-I/O TURN client over UDP (RFC 8656; docs/security.md): one allocation on one TURN server
 * from one local base. Allocate with the long-term credential mechanism (RFC 8489 §9.2: the first
 * request without credentials, 401 → REALM/NONCE → retry; 438 → new NONCE → retry), refresh before
 * the lifetime ends, CreatePermission per peer IP (refreshed), ChannelBind per peer address
 * (refreshed), Send/Data indications until a channel is bound and ChannelData after.
 *
 * Bounded: every request is retransmitted with RTO doubling from `initialRtoMs` until
 * `transactionTimeoutMs` (RFC 8489 §6.2.1: Rc = 7, 39.5 s by default); a 401 to a request that
 * carried credentials, a second 438 in a row, or any other error ends in a {@link TurnError}
 * (event `failed` for the allocation, `permission-failed` for a permission) — never a silent retry loop.
 *
 * Input: {@link TurnClient.handle} for every datagram from the server; output: `deps.send` (to the
 * server) and `deps.emit`; time: `deps.clock`, {@link TurnClient.nextDeadline}/{@link TurnClient.handleTimeout}.
 */
import { addressEquals, formatAddress, type TransportAddress } from '../util/address.js';
import type { Clock } from '../util/clock.js';
import { DecodeError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import {
  attr, ChannelNumber, createLongTermIntegrityKey, Data, decodeChannelData, decodeStunMessage, encodeChannelData, encodeStunMessage,
  ErrorCode, getAttribute, isChannelData, Lifetime, MAX_CHANNEL_NUMBER, MIN_CHANNEL_NUMBER, Nonce, Realm, RequestedTransport,
  Software, StunMethod, TRANSPORT_UDP, TransactionIdSource, transactionIdKey, Username, verifyMessageIntegrity, XorMappedAddress,
  XorPeerAddress, XorRelayedAddress, AlternateServer,
  type EncodableAttribute, type IntegrityKey, type StunMessage,
} from '../stun/index.js';
import { TurnError, turnErrorOf } from './turn-error.js';

export { TurnError, type TurnErrorCode } from './turn-error.js';

export interface TurnClientDeps {
  readonly clock: Clock;
  /** Sends one datagram to the server from the client's base; fire-and-forget, must not re-enter. */
  readonly send: (bytes: Uint8Array) => void;
  readonly emit: (e: TurnClientEvent) => void;
  readonly randomBytes: (n: number) => Uint8Array;
  readonly log: Logger;
}

export interface TurnClientInit {
  readonly server: TransportAddress;
  readonly username: string;
  /** Used as given (SASLprep is the caller's, see `saslPrep`). */
  readonly password: string;
  /** Requested allocation lifetime, s. Default 600 (RFC 8656 §3.2's default). */
  readonly lifetimeS?: number;
  /** First retransmission timeout, ms. Default 500 (RFC 8489 §6.2.1). */
  readonly initialRtoMs?: number;
  /** A request's whole life, ms: retransmissions stop and it fails after this. Default 39,500 (Rc = 7, Rm = 16). */
  readonly transactionTimeoutMs?: number;
  /** Bind a channel for each peer data is sent to (ChannelData: 4 bytes of overhead instead of 36). Default true. */
  readonly useChannels?: boolean;
  /** SOFTWARE attribute; default none. */
  readonly software?: string;
  /**
   * While allocated, a Binding indication goes to the server when nothing else was sent for this
   * long, ms, so the NAT in front of the client keeps its mapping (a new mapping is another 5-tuple:
   * 437 for everything after). Default 15,000 (RFC 8445 §11's Tr floor). 0 disables.
   */
  readonly keepaliveIntervalMs?: number;
  /**
   * Realm and nonce from an earlier session with this server (RFC 8489 §9.2.3: a client may reuse
   * them): the first Allocate then carries credentials at once, saving the 401 round trip; a server
   * that no longer accepts the nonce answers 438 and the client retries once with the new one.
   */
  readonly cachedAuth?: { readonly realm: string; readonly nonce: string };
}

export type TurnClientEvent =
  | { readonly type: 'allocated'; readonly relayed: TransportAddress; readonly mapped: TransportAddress | undefined; readonly lifetimeMs: number }
  | { readonly type: 'refreshed'; readonly lifetimeMs: number }
  | { readonly type: 'failed'; readonly error: TurnError }
  | { readonly type: 'permission-installed'; readonly peerIp: string }
  | { readonly type: 'permission-failed'; readonly peerIp: string; readonly error: TurnError }
  | { readonly type: 'channel-bound'; readonly peer: TransportAddress; readonly channel: number };

/** Application data received through the allocation. `data` is a view into the datagram given to {@link TurnClient.handle}. */
export interface TurnInbound {
  readonly peer: TransportAddress;
  readonly data: Uint8Array;
}

export type TurnClientState = 'idle' | 'allocating' | 'allocated' | 'failed' | 'closed';

/** RFC 8656 §9: permissions last 300 s; refreshed 60 s before. */
export const PERMISSION_LIFETIME_MS = 300_000;
/** RFC 8656 §12: channel bindings last 600 s; refreshed 60 s before. */
export const CHANNEL_LIFETIME_MS = 600_000;
const REFRESH_MARGIN_MS = 60_000;

interface Transaction {
  readonly method: number;
  readonly name: string;
  readonly attributes: () => EncodableAttribute[];
  readonly onSuccess: (msg: StunMessage) => void;
  readonly onError: (err: TurnError) => void;
  id: Uint8Array;
  firstSentAt: number;
  nextAt: number;
  rtoMs: number;
  /** Whether the current transmission carried credentials (a 401 to it means they are wrong). */
  authenticated: boolean;
  staleRetried: boolean;
}

interface Permission {
  state: 'pending' | 'installed';
  refreshAt: number;
}

interface Channel {
  readonly number: number;
  readonly peer: TransportAddress;
  state: 'pending' | 'bound';
  refreshAt: number;
}

export class TurnClient {
  readonly server: TransportAddress;
  readonly #deps: TurnClientDeps;
  readonly #init: Required<Omit<TurnClientInit, 'software' | 'cachedAuth'>> & { readonly software: string | undefined };
  readonly #tids: TransactionIdSource;
  readonly #transactions = new Map<string, Transaction>();
  readonly #permissions = new Map<string, Permission>();
  readonly #channels = new Map<string, Channel>();
  readonly #byNumber = new Map<number, Channel>();
  #nextChannel = MIN_CHANNEL_NUMBER;
  #state: TurnClientState = 'idle';
  #realm: string | undefined;
  #nonce: string | undefined;
  #key: IntegrityKey | undefined;
  #relayed: TransportAddress | undefined;
  #mapped: TransportAddress | undefined;
  #refreshAt = Number.POSITIVE_INFINITY;
  #refreshing = false;
  #error: TurnError | undefined;
  #lastSentAt: number;

  constructor(deps: TurnClientDeps, init: TurnClientInit) {
    if (init.username === '') throw new RangeError('TURN username is empty');
    const lifetimeS = init.lifetimeS ?? 600;
    if (!(lifetimeS > 0)) throw new RangeError(`TURN lifetime must be > 0 s, got ${lifetimeS}`);
    this.server = init.server;
    this.#deps = deps;
    this.#init = {
      server: init.server, username: init.username, password: init.password, lifetimeS,
      initialRtoMs: init.initialRtoMs ?? 500, transactionTimeoutMs: init.transactionTimeoutMs ?? 39_500,
      useChannels: init.useChannels ?? true, software: init.software, keepaliveIntervalMs: init.keepaliveIntervalMs ?? 15_000,
    };
    this.#lastSentAt = deps.clock.now();
    if (init.cachedAuth !== undefined) this.#setAuth(init.cachedAuth.realm, init.cachedAuth.nonce);
    this.#tids = new TransactionIdSource((b) => { b.set(deps.randomBytes(b.length)); }, 16);
  }

  /** Everything to the server goes through here (keep-alive bookkeeping). */
  #send(bytes: Uint8Array): void {
    this.#lastSentAt = this.#deps.clock.now();
    this.#deps.send(bytes);
  }

  #keepaliveAt(): number {
    return this.#init.keepaliveIntervalMs > 0 ? this.#lastSentAt + this.#init.keepaliveIntervalMs : Number.POSITIVE_INFINITY;
  }

  get state(): TurnClientState { return this.#state; }
  /** The relayed transport address while allocated. */
  get relayedAddress(): TransportAddress | undefined { return this.#state === 'allocated' ? this.#relayed : undefined; }
  /** The server-reflexive address the server saw (XOR-MAPPED-ADDRESS of the Allocate success). */
  get mappedAddress(): TransportAddress | undefined { return this.#mapped; }
  /** The realm and nonce in use (to pass as `cachedAuth` to a later client of the same server). */
  get auth(): { readonly realm: string; readonly nonce: string } | undefined {
    return this.#realm === undefined || this.#nonce === undefined ? undefined : { realm: this.#realm, nonce: this.#nonce };
  }
  /** Why the allocation failed, once it has. */
  get error(): TurnError | undefined { return this.#error; }
  /** True when a permission for `ip` is installed. */
  hasPermission(ip: string): boolean { return this.#permissions.get(ip)?.state === 'installed'; }
  /** The channel bound to `peer`, if any. */
  channelOf(peer: TransportAddress): number | undefined {
    const c = this.#channels.get(formatAddress(peer));
    return c?.state === 'bound' ? c.number : undefined;
  }

  /** Sends the first Allocate (no credentials: the server's 401 tells the realm and nonce, RFC 8489 §9.2.2). */
  start(): void {
    if (this.#state !== 'idle') return;
    this.#state = 'allocating';
    this.#request(StunMethod.allocate, 'Allocate', () => [
      attr(RequestedTransport, TRANSPORT_UDP), attr(Lifetime, this.#init.lifetimeS),
    ], (msg) => { this.#onAllocated(msg); }, (err) => { this.#fail(err); });
  }

  /**
   * Installs (and keeps refreshing) a permission for `peerIp` (RFC 8656 §9). Idempotent.
   * Data from a peer without one is dropped by the server.
   */
  permit(peerIp: string): void {
    if (this.#state === 'closed' || this.#state === 'failed' || this.#permissions.has(peerIp)) return;
    this.#permissions.set(peerIp, { state: 'pending', refreshAt: Number.POSITIVE_INFINITY });
    if (this.#state === 'allocated') this.#createPermission(peerIp);
  }

  /**
   * Sends `data` to `peer` through the allocation: ChannelData when a channel is bound, else a Send
   * indication (and, with `useChannels`, a ChannelBind for next time). Installs the permission first
   * when needed. Returns false (nothing sent) unless allocated.
   */
  send(peer: TransportAddress, data: Uint8Array): boolean {
    if (this.#state !== 'allocated') return false;
    this.permit(peer.ip);
    const key = formatAddress(peer);
    const ch = this.#channels.get(key);
    if (ch?.state === 'bound') {
      this.#send(encodeChannelData({ channel: ch.number, data }));
      return true;
    }
    if (ch === undefined && this.#init.useChannels && this.#nextChannel <= MAX_CHANNEL_NUMBER) this.#bindChannel(peer);
    this.#send(encodeStunMessage({
      method: StunMethod.send, messageClass: 'indication', transactionId: this.#tids.next(),
      attributes: [attr(XorPeerAddress, peer), attr(Data, data)],
    }));
    return true;
  }

  /**
   * A datagram from the server. Returns application data (from a Data indication or ChannelData);
   * consumes responses; drops anything malformed, unknown or unauthenticated (debug log).
   */
  handle(bytes: Uint8Array): TurnInbound | undefined {
    if (this.#state === 'closed') return undefined;
    if (isChannelData(bytes)) {
      let cd;
      try {
        cd = decodeChannelData(bytes);
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
        this.#deps.log.debug('malformed ChannelData dropped', { field: err.field });
        return undefined;
      }
      const ch = this.#byNumber.get(cd.channel);
      return ch?.state === 'bound' ? { peer: ch.peer, data: cd.data } : undefined;
    }
    let msg: StunMessage;
    try {
      msg = decodeStunMessage(bytes);
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      this.#deps.log.debug('malformed STUN from the TURN server dropped', { field: err.field });
      return undefined;
    }
    if (msg.messageClass === 'indication') {
      if (msg.method !== StunMethod.data || this.#state !== 'allocated') return undefined;
      const peer = getAttribute(msg, XorPeerAddress);
      const data = getAttribute(msg, Data);
      return peer !== undefined && data !== undefined ? { peer, data } : undefined;
    }
    if (msg.messageClass === 'request') return undefined;
    const key = transactionIdKey(msg.transactionId);
    const tx = this.#transactions.get(key);
    if (tx === undefined || tx.method !== msg.method) return undefined;
    if (msg.messageClass === 'success') {
      // RFC 8489 §9.2.4: a response to an authenticated request must carry a valid MESSAGE-INTEGRITY.
      if (tx.authenticated && (this.#key === undefined || !verifyMessageIntegrity(msg, this.#key))) {
        this.#deps.log.debug('TURN success without valid MESSAGE-INTEGRITY dropped', { method: tx.name });
        return undefined;
      }
      this.#transactions.delete(key);
      tx.onSuccess(msg);
      return undefined;
    }
    this.#transactions.delete(key);
    this.#onErrorResponse(tx, msg);
    return undefined;
  }

  /** The earliest time (clock ms) {@link handleTimeout} has work, or undefined. */
  nextDeadline(): number | undefined {
    let at = Number.POSITIVE_INFINITY;
    for (const tx of this.#transactions.values()) at = Math.min(at, tx.nextAt);
    if (this.#state === 'allocated') {
      if (!this.#refreshing) at = Math.min(at, this.#refreshAt);
      at = Math.min(at, this.#keepaliveAt());
      for (const p of this.#permissions.values()) at = Math.min(at, p.refreshAt);
      for (const c of this.#channels.values()) at = Math.min(at, c.refreshAt);
    }
    return at === Number.POSITIVE_INFINITY ? undefined : at;
  }

  handleTimeout(): void {
    const now = this.#deps.clock.now();
    for (const [key, tx] of [...this.#transactions]) {
      if (tx.nextAt > now || this.#transactions.get(key) !== tx) continue;
      if (now - tx.firstSentAt >= this.#init.transactionTimeoutMs) {
        this.#transactions.delete(key);
        tx.onError(new TurnError('timeout', this.server, tx.name, undefined, `no answer within ${this.#init.transactionTimeoutMs} ms`));
        continue;
      }
      tx.rtoMs *= 2;
      tx.nextAt = Math.min(now + tx.rtoMs, tx.firstSentAt + this.#init.transactionTimeoutMs);
      this.#transmit(tx, false);
    }
    if (this.#state !== 'allocated') return;
    if (!this.#refreshing && now >= this.#refreshAt) this.#refresh(this.#init.lifetimeS);
    if (now >= this.#keepaliveAt()) {
      this.#send(encodeStunMessage({ method: StunMethod.binding, messageClass: 'indication', transactionId: this.#tids.next(), fingerprint: true }));
    }
    for (const [ip, p] of this.#permissions) {
      if (p.refreshAt <= now) { p.refreshAt = Number.POSITIVE_INFINITY; this.#createPermission(ip); }
    }
    for (const c of this.#channels.values()) {
      if (c.refreshAt <= now) { c.refreshAt = Number.POSITIVE_INFINITY; this.#channelBindRequest(c); }
    }
  }

  /** Releases the allocation (Refresh with LIFETIME 0, sent once, RFC 8656 §7) and stops. Idempotent. */
  close(): void {
    if (this.#state === 'closed') return;
    const wasAllocated = this.#state === 'allocated';
    this.#state = 'closed';
    this.#transactions.clear();
    if (wasAllocated) {
      this.#send(this.#encode(StunMethod.refresh, this.#tids.next(), [attr(Lifetime, 0)]));
    }
  }

  // ------------------------------------------------------------------ internals

  #request(method: number, name: string, attributes: () => EncodableAttribute[], onSuccess: (m: StunMessage) => void, onError: (e: TurnError) => void): void {
    const now = this.#deps.clock.now();
    const tx: Transaction = {
      method, name, attributes, onSuccess, onError, id: this.#tids.next(), firstSentAt: now,
      nextAt: now + this.#init.initialRtoMs, rtoMs: this.#init.initialRtoMs, authenticated: false, staleRetried: false,
    };
    this.#transactions.set(transactionIdKey(tx.id), tx);
    this.#transmit(tx, true);
  }

  #transmit(tx: Transaction, fresh: boolean): void {
    if (fresh) tx.authenticated = this.#key !== undefined;
    this.#send(this.#encode(tx.method, tx.id, tx.attributes(), tx.authenticated));
  }

  #encode(method: number, id: Uint8Array, attributes: EncodableAttribute[], authenticate = this.#key !== undefined): Uint8Array {
    const all = [...attributes];
    if (this.#init.software !== undefined) all.push(attr(Software, this.#init.software));
    if (authenticate && this.#key !== undefined && this.#realm !== undefined && this.#nonce !== undefined) {
      all.push(attr(Username, this.#init.username), attr(Realm, this.#realm), attr(Nonce, this.#nonce));
      return encodeStunMessage({ method, messageClass: 'request', transactionId: id, attributes: all, integrity: this.#key, fingerprint: true });
    }
    return encodeStunMessage({ method, messageClass: 'request', transactionId: id, attributes: all, fingerprint: true });
  }

  /** Re-sends `tx` as a new transaction (new id, fresh retransmission schedule) with the current credentials. */
  #retry(tx: Transaction): void {
    const now = this.#deps.clock.now();
    tx.id = this.#tids.next();
    tx.firstSentAt = now;
    tx.rtoMs = this.#init.initialRtoMs;
    tx.nextAt = now + tx.rtoMs;
    this.#transactions.set(transactionIdKey(tx.id), tx);
    this.#transmit(tx, true);
  }

  #onErrorResponse(tx: Transaction, msg: StunMessage): void {
    const ec = getAttribute(msg, ErrorCode);
    const code = ec?.code ?? 0;
    const realm = getAttribute(msg, Realm);
    const nonce = getAttribute(msg, Nonce);
    if (code === 401 && !tx.authenticated && realm !== undefined && nonce !== undefined) {
      // RFC 8489 §9.2.3.1: the challenge; retry with credentials (once: a 401 to that is final).
      this.#setAuth(realm, nonce);
      this.#retry(tx);
      return;
    }
    if (code === 438 && nonce !== undefined && !tx.staleRetried) {
      // RFC 8489 §9.2.3.2: stale nonce; retry once with the new one.
      this.#setAuth(realm ?? this.#realm ?? '', nonce);
      tx.staleRetried = true;
      this.#retry(tx);
      return;
    }
    tx.onError(turnErrorOf(this.server, tx.name, ec, this.#init.username, this.#realm ?? realm ?? '', getAttribute(msg, AlternateServer)));
  }

  #setAuth(realm: string, nonce: string): void {
    if (realm !== this.#realm || this.#key === undefined) this.#key = createLongTermIntegrityKey(this.#init.username, realm, this.#init.password);
    this.#realm = realm;
    this.#nonce = nonce;
  }

  #onAllocated(msg: StunMessage): void {
    if (this.#state !== 'allocating') return;
    const relayed = getAttribute(msg, XorRelayedAddress);
    const lifetimeS = getAttribute(msg, Lifetime) ?? this.#init.lifetimeS;
    if (relayed === undefined) {
      this.#fail(new TurnError('bad-response', this.server, 'Allocate', undefined, 'success without XOR-RELAYED-ADDRESS'));
      return;
    }
    this.#relayed = relayed;
    this.#mapped = getAttribute(msg, XorMappedAddress);
    this.#state = 'allocated';
    this.#scheduleRefresh(lifetimeS * 1000);
    this.#deps.emit({ type: 'allocated', relayed, mapped: this.#mapped, lifetimeMs: lifetimeS * 1000 });
    for (const ip of this.#permissions.keys()) this.#createPermission(ip);
  }

  #scheduleRefresh(lifetimeMs: number): void {
    const margin = lifetimeMs > 2 * REFRESH_MARGIN_MS ? REFRESH_MARGIN_MS : lifetimeMs / 2;
    this.#refreshAt = this.#deps.clock.now() + lifetimeMs - margin;
  }

  #refresh(lifetimeS: number): void {
    this.#refreshing = true;
    this.#request(StunMethod.refresh, 'Refresh', () => [attr(Lifetime, lifetimeS)], (msg) => {
      this.#refreshing = false;
      if (this.#state !== 'allocated') return;
      const granted = (getAttribute(msg, Lifetime) ?? lifetimeS) * 1000;
      this.#scheduleRefresh(granted);
      this.#deps.emit({ type: 'refreshed', lifetimeMs: granted });
    }, (err) => { this.#refreshing = false; this.#fail(err); });
  }

  #createPermission(ip: string): void {
    const family = ip.includes(':') ? 'IPv6' : 'IPv4';
    const peer: TransportAddress = { ip, port: 0, family };
    this.#request(StunMethod.createPermission, 'CreatePermission', () => [attr(XorPeerAddress, peer)], () => {
      const p = this.#permissions.get(ip);
      if (p === undefined || this.#state !== 'allocated') return;
      const first = p.state === 'pending';
      p.state = 'installed';
      p.refreshAt = this.#deps.clock.now() + PERMISSION_LIFETIME_MS - REFRESH_MARGIN_MS;
      if (first) this.#deps.emit({ type: 'permission-installed', peerIp: ip });
    }, (error) => {
      this.#permissions.delete(ip);
      if (this.#state === 'allocated') this.#deps.emit({ type: 'permission-failed', peerIp: ip, error });
    });
  }

  #bindChannel(peer: TransportAddress): void {
    const c: Channel = { number: this.#nextChannel++, peer, state: 'pending', refreshAt: Number.POSITIVE_INFINITY };
    this.#channels.set(formatAddress(peer), c);
    this.#byNumber.set(c.number, c);
    this.#channelBindRequest(c);
  }

  #channelBindRequest(c: Channel): void {
    this.#request(StunMethod.channelBind, 'ChannelBind', () => [attr(ChannelNumber, c.number), attr(XorPeerAddress, c.peer)], () => {
      if (this.#channels.get(formatAddress(c.peer)) !== c) return;
      const first = c.state === 'pending';
      c.state = 'bound';
      c.refreshAt = this.#deps.clock.now() + CHANNEL_LIFETIME_MS - REFRESH_MARGIN_MS;
      if (first) this.#deps.emit({ type: 'channel-bound', peer: c.peer, channel: c.number });
    }, (error) => {
      // Send indications keep working; the number is not reused (RFC 8656 §12: 5 minutes before rebinding).
      this.#channels.delete(formatAddress(c.peer));
      this.#deps.log.debug('ChannelBind failed', { peer: formatAddress(c.peer), error: error.message });
    });
  }

  #fail(err: TurnError): void {
    if (this.#state === 'closed' || this.#state === 'failed') return;
    this.#state = 'failed';
    this.#error = err;
    this.#transactions.clear();
    this.#deps.log.warn('TURN allocation failed', { server: formatAddress(this.server), error: err.message });
    this.#deps.emit({ type: 'failed', error: err });
  }
}

/** True when `from` is `client`'s server (for demultiplexing at the driver). */
export function isFromServer(client: TurnClient, from: TransportAddress): boolean {
  return addressEquals(client.server, from);
}
