/**
 * DTLS 1.2 between participants and the RtpsRelay (docs/security.md), as a wrapper around a
 * {@link DatagramNetwork}: every socket it binds is the inner socket with a DTLS layer for the
 * configured peers, so it plugs in below the RTPS transport (client side) and below the relay
 * server (server side) without touching either. `werift-dtls` runs the handshake and the record
 * layer (ECDHE, AES-128-GCM); the certificates are the participants' identities (security/).
 *
 * What `werift-dtls` does not do, done here:
 * - stateless cookies (RFC 6347 §4.2.1): a ClientHello without a valid cookie gets a
 *   HelloVerifyRequest computed from HMAC(secret, source address, client random) and nothing is
 *   kept; a session object exists only for a source that echoed a valid cookie;
 * - peer authentication: the peer's certificate must pass {@link verifyCertificate} (pinned
 *   fingerprint or CA), and the peer must prove it holds the certificate's key: its first record
 *   is a signature over the session's RFC 5705 exported keying material (werift does not check the
 *   client's CertificateVerify). Until both hold, no application data is delivered or sent;
 * - RFC 7983 demultiplexing on the server's ports: first byte 20..63 is DTLS; anything else is
 *   plain, delivered in mode `allow`, dropped in mode `require`.
 */
import { createHmac, createPrivateKey, createPublicKey, randomBytes, sign, verify, X509Certificate } from 'node:crypto';
import { DtlsClient, DtlsServer } from 'werift-dtls/lib/dtls/src/index.js';
import type { TransportAddress } from '../util/address.js';
import { formatAddress } from '../util/address.js';
import type { DatagramHandler, DatagramNetwork, DatagramSocket } from '../util/datagram-io.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import type { ParticipantIdentity, TrustOptions } from '../security/index.js';
import { guidPrefixMatchesSubject, IdentityError, verifyCertificate } from '../security/index.js';

/** `require`: only DTLS; `allow`: DTLS and plain (OpenDDS clients); `plain`: no DTLS. */
export type DtlsMode = 'require' | 'allow' | 'plain';

/** Trust in the peer's certificate (see {@link verifyCertificate}); `nowMs` defaults to `Date.now`. */
export type DtlsTrust = Omit<TrustOptions, 'nowMs' | 'chainPems'> & { readonly nowMs?: () => number };

/** Counters of a DTLS socket. */
export interface DtlsStats {
  handshakes: number;
  helloVerifyRequests: number;
  sessions: number;
  refused: number;
  plainDelivered: number;
  plainDropped: number;
  decrypted: number;
  encrypted: number;
  queuedDropped: number;
  /** RTPS datagrams dropped because their GUID prefix is not derived from the sender's certificate (`bindGuidPrefix`). */
  guidMismatch: number;
}

const PROOF_MAGIC = new TextEncoder().encode('RIPROOF1');
const EKM_LABEL = 'EXPORTER-rtps-ice-identity-proof';
const MAX_QUEUE = 64;
/** werift's SignatureHash: SHA-256 with RSA (1) or ECDSA (3), by the identity key's type. */
function signatureHashOf(privateKeyPem: string): { hash: 4; signature: 1 | 3 } {
  return { hash: 4, signature: createPrivateKey(privateKeyPem).asymmetricKeyType === 'ec' ? 3 : 1 };
}

function isDtls(bytes: Uint8Array): boolean {
  const b = bytes[0] ?? 0;
  return b >= 20 && b <= 63 && bytes.length >= 13;
}

/** One DTLS association with one peer address, either side. */
class Session {
  state: 'handshaking' | 'open' | 'refused' | 'closed' = 'handshaking';
  #sentProof = false;
  #peerProven = false;
  #connected = false;
  #peerSubjectDer: Uint8Array | undefined;
  readonly #queue: Uint8Array[] = [];
  readonly dtls: DtlsClient | DtlsServer;
  readonly #transport: { type: string; address: object; closed: boolean; onData: (d: Buffer) => void; send: (d: Buffer) => Promise<void>; close: () => Promise<void> };

  constructor(
    readonly peer: TransportAddress,
    readonly role: 'client' | 'server',
    readonly owner: DtlsSocket,
  ) {
    this.#transport = {
      type: 'udp', address: {}, closed: false, onData: () => undefined,
      send: async (d: Buffer) => { owner.inner.send(new Uint8Array(d), peer); await Promise.resolve(); },
      close: async () => { await Promise.resolve(); },
    };
    const opts = {
      transport: this.#transport, cert: owner.identity.certificatePem, key: owner.identity.privateKeyPem,
      signatureHash: signatureHashOf(owner.identity.privateKeyPem), certificateRequest: true, extendedMasterSecret: true,
    } as unknown as ConstructorParameters<typeof DtlsClient>[0];
    this.dtls = role === 'client' ? new DtlsClient(opts) : new DtlsServer(opts);
    this.dtls.onConnect.subscribe(() => { this.#onConnect(); });
    this.dtls.onData.subscribe((buf: Buffer) => { this.#onData(new Uint8Array(buf)); });
    this.dtls.onError.subscribe((e: Error) => { owner.log.debug('DTLS error', { peer: formatAddress(peer), error: e.message }); });
    this.dtls.onClose.subscribe(() => { this.close(); });
  }

  start(): void {
    if (this.dtls instanceof DtlsClient) this.dtls.connect().catch((e: unknown) => { this.owner.log.debug('DTLS connect failed', { peer: formatAddress(this.peer), error: String(e) }); });
  }

  /** A DTLS record from the peer. */
  receive(bytes: Uint8Array): void {
    if (this.state === 'closed' || this.state === 'refused') return;
    this.#transport.onData(Buffer.from(bytes));
  }

  send(bytes: Uint8Array): void {
    if (this.state === 'refused' || this.state === 'closed') return;
    if (this.state !== 'open') {
      if (this.#queue.length >= MAX_QUEUE) { this.#queue.shift(); this.owner.stats.queuedDropped++; }
      this.#queue.push(bytes.slice());
      return;
    }
    this.owner.stats.encrypted++;
    this.dtls.send(Buffer.from(bytes)).catch(() => undefined);
  }

  close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.#transport.closed = true;
    try { this.dtls.close(); } catch { /* already closed */ }
    this.owner.forget(this);
  }

  #onConnect(): void {
    this.#connected = true;
    this.owner.stats.handshakes++;
    const der = this.dtls.remoteCertificate;
    if (der === undefined) { this.#refuse('the peer sent no certificate'); return; }
    try {
      const pem = new X509Certificate(der).toString();
      this.#peerSubjectDer = verifyCertificate(pem, { ...this.owner.trust, nowMs: (this.owner.trust.nowMs ?? Date.now)() }).subjectDer;
    } catch (err) {
      this.#refuse(err instanceof IdentityError ? err.message : String(err));
      return;
    }
    // Key confirmation: sign the session's exported keying material with our identity key.
    const ekm = this.dtls.exportKeyingMaterial(EKM_LABEL, 32);
    const signature = sign('sha256', ekm, this.owner.identity.privateKeyPem);
    const proof = new Uint8Array(PROOF_MAGIC.length + signature.length);
    proof.set(PROOF_MAGIC);
    proof.set(signature, PROOF_MAGIC.length);
    this.#sentProof = true;
    this.dtls.send(Buffer.from(proof)).catch(() => undefined);
    this.#maybeOpen();
  }

  #onData(bytes: Uint8Array): void {
    if (this.state === 'refused' || this.state === 'closed' || !this.#connected) return;
    if (!this.#peerProven) {
      const der = this.dtls.remoteCertificate;
      if (der === undefined || !startsWith(bytes, PROOF_MAGIC)) return; // data before the proof: dropped
      const ekm = this.dtls.exportKeyingMaterial(EKM_LABEL, 32);
      const key = createPublicKey(new X509Certificate(der).toString());
      if (!verify('sha256', ekm, key, bytes.subarray(PROOF_MAGIC.length))) { this.#refuse('the peer does not hold its certificate\'s key'); return; }
      this.#peerProven = true;
      this.#maybeOpen();
      return;
    }
    this.owner.stats.decrypted++;
    // DDS Security §9.3.3: an RTPS sender's GUID prefix must be the one its certificate gives (first 48 bits).
    if (this.owner.bindGuidPrefix && isRtps(bytes) && (this.#peerSubjectDer === undefined || !guidPrefixMatchesSubject(bytes.subarray(8, 20), this.#peerSubjectDer))) {
      this.owner.stats.guidMismatch++;
      return;
    }
    this.owner.deliver(bytes, this.peer);
  }

  #maybeOpen(): void {
    if (!this.#sentProof || !this.#peerProven || this.state !== 'handshaking') return;
    this.state = 'open';
    this.owner.stats.sessions++;
    for (let b = this.#queue.shift(); b !== undefined; b = this.#queue.shift()) this.send(b);
  }

  #refuse(reason: string): void {
    this.state = 'refused';
    this.owner.stats.refused++;
    this.owner.log.warn('DTLS peer refused', { peer: formatAddress(this.peer), reason });
    this.owner.onRefused?.(this.peer, reason);
    this.close();
  }
}

function isRtps(b: Uint8Array): boolean {
  return b.length >= 20 && b[0] === 0x52 && b[1] === 0x54 && b[2] === 0x50 && b[3] === 0x53;
}

function startsWith(b: Uint8Array, prefix: Uint8Array): boolean {
  if (b.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (b[i] !== prefix[i]) return false;
  return true;
}

/** Options shared by both sides. */
export interface DtlsOptions {
  readonly identity: ParticipantIdentity;
  readonly trust: DtlsTrust;
  readonly log?: Logger;
  /** Called when a peer's certificate or key proof is refused. */
  readonly onRefused?: (peer: TransportAddress, reason: string) => void;
  /**
   * Drop RTPS datagrams whose GUID prefix is not derived from the sender's certificate subject
   * (DDS Security 1.1 §9.3.3; participants with an `identity` comply): an authenticated client cannot
   * speak for another participant's GUID. Default false (the relay side turns it on).
   */
  readonly bindGuidPrefix?: boolean;
}

/** A DatagramSocket with DTLS toward some peers. */
export class DtlsSocket implements DatagramSocket {
  readonly stats: DtlsStats = {
    handshakes: 0, helloVerifyRequests: 0, sessions: 0, refused: 0, plainDelivered: 0, plainDropped: 0, decrypted: 0, encrypted: 0, queuedDropped: 0, guidMismatch: 0,
  };
  readonly identity: ParticipantIdentity;
  readonly trust: DtlsTrust;
  readonly log: Logger;
  readonly onRefused: DtlsOptions['onRefused'];
  readonly bindGuidPrefix: boolean;
  readonly #sessions = new Map<string, Session>();
  #handler: DatagramHandler | undefined;
  readonly #cookieSecret = randomBytes(32);

  constructor(
    readonly inner: DatagramSocket,
    readonly side: { readonly kind: 'client'; readonly peers: readonly TransportAddress[] } | { readonly kind: 'server'; readonly mode: DtlsMode },
    options: DtlsOptions,
  ) {
    this.identity = options.identity;
    this.trust = options.trust;
    this.log = (options.log ?? silentLogger).child('dtls');
    this.onRefused = options.onRefused;
    this.bindGuidPrefix = options.bindGuidPrefix ?? false;
    inner.onDatagram((bytes, from) => { this.#receive(bytes, from); });
  }

  get localAddress(): TransportAddress { return this.inner.localAddress; }

  onDatagram(handler: DatagramHandler): void { this.#handler = handler; }

  /** Sends `bytes` to `to`: through the DTLS session when `to` is a DTLS peer, else in clear (server: unless `require`). */
  send(bytes: Uint8Array, to: TransportAddress): void {
    const key = formatAddress(to);
    if (this.side.kind === 'client') {
      if (!this.side.peers.some((p) => formatAddress(p) === key)) { this.inner.send(bytes, to); return; }
      let s = this.#sessions.get(key);
      if (s === undefined || s.state === 'closed') {
        s = new Session(to, 'client', this);
        this.#sessions.set(key, s);
        s.start();
      }
      s.send(bytes);
      return;
    }
    const s = this.#sessions.get(key);
    if (s !== undefined && s.state !== 'closed' && s.state !== 'refused') { s.send(bytes); return; }
    if (this.side.mode === 'require') { this.stats.plainDropped++; return; }
    this.inner.send(bytes, to);
  }

  close(): void {
    for (const s of [...this.#sessions.values()]) s.close();
    this.#sessions.clear();
    this.inner.close();
  }

  /** Plaintext from a session, to the user's handler. */
  deliver(bytes: Uint8Array, from: TransportAddress): void {
    this.#handler?.(bytes, from);
  }

  /** Drops a closed session (a new handshake from its address starts over). */
  forget(session: Session): void {
    const key = formatAddress(session.peer);
    if (this.#sessions.get(key) === session) this.#sessions.delete(key);
  }

  /** The state of the session with `peer`, if any (tests, diagnostics). */
  sessionState(peer: TransportAddress): Session['state'] | undefined {
    return this.#sessions.get(formatAddress(peer))?.state;
  }

  get sessionCount(): number { return this.#sessions.size; }

  #receive(bytes: Uint8Array, from: TransportAddress): void {
    const key = formatAddress(from);
    if (this.side.kind === 'server' && this.side.mode === 'plain') { this.#handler?.(bytes, from); return; }
    if (!isDtls(bytes)) {
      if (this.side.kind === 'server' && this.side.mode === 'require') { this.stats.plainDropped++; return; }
      this.stats.plainDelivered++;
      this.#handler?.(bytes, from);
      return;
    }
    const existing = this.#sessions.get(key);
    if (existing !== undefined && existing.state !== 'closed') { existing.receive(bytes); return; }
    if (this.side.kind === 'client') return; // DTLS from a non-peer: dropped
    // Server: no state until the source echoes a valid cookie (RFC 6347 §4.2.1).
    const hello = parseClientHello(bytes);
    if (hello === undefined) return;
    const expected = this.#cookie(from, hello.random);
    if (hello.cookie.length === 0 || !equal(hello.cookie, expected)) {
      this.stats.helloVerifyRequests++;
      this.inner.send(helloVerifyRequest(hello.recordSeq, expected), from);
      return;
    }
    const s = new Session(from, 'server', this);
    this.#sessions.set(key, s);
    // werift-dtls runs its own cookie round (flight 2) on a cookie-less ClientHello before accepting
    // one with its cookie: run it on a copy without the cookie (its HelloVerifyRequest is not sent), then
    // give it ours.
    const internal = s.dtls as unknown as { dtls: { cookie?: Buffer } };
    s.receive(stripCookie(bytes, hello));
    internal.dtls.cookie = Buffer.from(expected);
    s.receive(bytes);
  }

  #cookie(from: TransportAddress, random: Uint8Array): Uint8Array {
    return new Uint8Array(createHmac('sha256', this.#cookieSecret).update(formatAddress(from)).update(random).digest().subarray(0, 20));
  }
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

interface ClientHelloInfo {
  readonly recordSeq: Uint8Array;
  readonly random: Uint8Array;
  readonly cookie: Uint8Array;
  /** Offset of the cookie length byte in the datagram. */
  readonly cookieAt: number;
}

/** An unfragmented DTLS 1.2 ClientHello in epoch 0 (RFC 6347 §4.1, §4.2.2), or undefined. */
function parseClientHello(b: Uint8Array): ClientHelloInfo | undefined {
  if (b.length < 13 + 12 + 2 + 32 + 2 || b[0] !== 22 || b[3] !== 0 || b[4] !== 0) return undefined;
  if (b[13] !== 1) return undefined; // msg_type client_hello
  const fragOffset = ((b[13 + 6] ?? 0) << 16) | ((b[13 + 7] ?? 0) << 8) | (b[13 + 8] ?? 0);
  if (fragOffset !== 0) return undefined;
  const body = 13 + 12;
  const random = b.subarray(body + 2, body + 34);
  const sidLen = b[body + 34] ?? 0;
  const cookieAt = body + 35 + sidLen;
  const cookieLen = b[cookieAt];
  if (cookieLen === undefined || cookieAt + 1 + cookieLen > b.length) return undefined;
  return { recordSeq: b.subarray(5, 11), random, cookie: b.subarray(cookieAt + 1, cookieAt + 1 + cookieLen), cookieAt };
}

/** The same record with an empty cookie and its lengths adjusted (record seq minus one, so replay windows differ). */
function stripCookie(b: Uint8Array, h: ClientHelloInfo): Uint8Array {
  const n = h.cookie.length;
  const out = new Uint8Array(b.length - n);
  out.set(b.subarray(0, h.cookieAt));
  out[h.cookieAt] = 0;
  out.set(b.subarray(h.cookieAt + 1 + n), h.cookieAt + 1);
  const recLen = (((b[11] ?? 0) << 8) | (b[12] ?? 0)) - n;
  out[11] = recLen >>> 8; out[12] = recLen & 0xff;
  const hsLen = (((b[14] ?? 0) << 16) | ((b[15] ?? 0) << 8) | (b[16] ?? 0)) - n;
  for (const at of [14, 22]) { out[at] = hsLen >>> 16; out[at + 1] = (hsLen >>> 8) & 0xff; out[at + 2] = hsLen & 0xff; }
  // Record sequence number (48 bits at 5..10): one less, floored at 0.
  let seq = 0;
  for (let i = 5; i < 11; i++) seq = seq * 256 + (b[i] ?? 0);
  seq = Math.max(0, seq - 1);
  for (let i = 10; i >= 5; i--) { out[i] = seq % 256; seq = Math.floor(seq / 256); }
  return out;
}

/** A HelloVerifyRequest record (RFC 6347 §4.2.1): echoes the ClientHello's record sequence number. */
function helloVerifyRequest(recordSeq: Uint8Array, cookie: Uint8Array): Uint8Array {
  const bodyLen = 2 + 1 + cookie.length;
  const out = new Uint8Array(13 + 12 + bodyLen);
  out.set([22, 0xfe, 0xfd, 0, 0], 0);
  out.set(recordSeq, 5);
  const recLen = 12 + bodyLen;
  out[11] = recLen >>> 8; out[12] = recLen & 0xff;
  out[13] = 3; // hello_verify_request
  for (const at of [14, 22]) { out[at] = 0; out[at + 1] = bodyLen >>> 8; out[at + 2] = bodyLen & 0xff; }
  // message_seq 0 (17..18), fragment_offset 0 (19..21)
  out.set([0xfe, 0xff], 25); // server_version DTLS 1.0, as RFC 6347 §4.2.1 recommends
  out[27] = cookie.length;
  out.set(cookie, 28);
  return out;
}

/** A DatagramNetwork whose sockets run DTLS to `peers` (client side: the relay's vertical ports). */
export class DtlsClientNetwork implements DatagramNetwork {
  readonly sockets: DtlsSocket[] = [];
  constructor(readonly inner: DatagramNetwork, readonly peers: readonly TransportAddress[], readonly options: DtlsOptions) {}
  interfaceAddresses(): readonly TransportAddress[] { return this.inner.interfaceAddresses(); }
  async bind(ip: string, port: number): Promise<DtlsSocket> {
    const s = new DtlsSocket(await this.inner.bind(ip, port), { kind: 'client', peers: this.peers }, this.options);
    this.sockets.push(s);
    return s;
  }
}

/** A DatagramNetwork whose sockets accept DTLS clients (server side: the relay), per `mode`. */
export class DtlsServerNetwork implements DatagramNetwork {
  readonly sockets: DtlsSocket[] = [];
  constructor(readonly inner: DatagramNetwork, readonly mode: DtlsMode, readonly options: DtlsOptions) {}
  interfaceAddresses(): readonly TransportAddress[] { return this.inner.interfaceAddresses(); }
  async bind(ip: string, port: number): Promise<DtlsSocket> {
    const s = new DtlsSocket(await this.inner.bind(ip, port), { kind: 'server', mode: this.mode }, this.options);
    this.sockets.push(s);
    return s;
  }
}
