/**
 * The {@link DatagramNetwork} seam over real UDP sockets (`dgram-as-promised` on `node:dgram`).
 *
 * One socket per (ip, port), never a wildcard bind: Node does not tell a receiver the destination
 * address of a datagram (no `IP_PKTINFO`), and ICE needs the exact local base of every datagram
 * (OpenDDS spec §3.5, RFC 8445 §7.2.5.2.1). IPv6 link-local addresses keep their zone
 * (`fe80::1%eth0`) in {@link TransportAddress.ip}, because binding and sending need it.
 *
 * Quirks of `dgram-as-promised` 6.0.0 this module works around: `recv()` takes one datagram per
 * promise and would drop datagrams arriving in the same tick, so datagrams are read through the
 * `message` event; its constructor adds `close`/`error` listeners that `destroy()` removes; its
 * `getSendBufferSize()` recurses forever, so it is never called.
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { RemoteInfo } from 'node:dgram';
import DgramAsPromised, { type SocketAsPromised } from 'dgram-as-promised';
import { bytesToIp, formatAddress, ipToBytes, type TransportAddress } from '../util/address.js';
import type { DatagramHandler, DatagramNetwork, DatagramSocket } from '../util/datagram-io.js';
import { InvalidConfigError, RtpsLibError } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { BusyPoller } from './busy-poll.js';
import { sendBuffers } from './send-buffers.js';

/** A socket could not be bound; `code` is the system error code (`EADDRINUSE`, `EADDRNOTAVAIL`, …). */
export class BindError extends RtpsLibError {
  override readonly name = 'BindError';
  constructor(
    readonly ip: string,
    readonly port: number,
    readonly code: string,
    options?: ErrorOptions,
  ) {
    super(`cannot bind ${ip}:${port}: ${code}`, options);
  }
}

/** The network was closed, or an operation on it was aborted. */
export class UdpNetworkClosedError extends RtpsLibError {
  override readonly name = 'UdpNetworkClosedError';
}

/** What the socket counted; errors are counted here and never thrown at the sender (UDP semantics). */
export interface UdpSocketStats {
  readonly datagramsSent: number;
  readonly bytesSent: number;
  /** `send` calls that failed (closed socket, no route, EMSGSIZE, not an IP literal, …). */
  readonly sendErrors: number;
  readonly datagramsReceived: number;
  readonly bytesReceived: number;
  /** Receive handlers that threw; the datagram is dropped. */
  readonly handlerErrors: number;
  /** `error` events of the socket after binding. */
  readonly socketErrors: number;
  /** Datagrams received while no handler was set. */
  readonly unhandled: number;
}

/** Options of {@link UdpNetwork}. */
export interface UdpNetworkInit {
  /** Include loopback addresses (127.0.0.0/8, ::1) in {@link UdpNetwork.interfaceAddresses}; default false (RFC 8445 §5.1.1.1). */
  readonly includeLoopback?: boolean;
  /** Include IPv6 link-local addresses (with their zone); default false. */
  readonly includeLinkLocal?: boolean;
  /** Include IPv6 addresses; default true. */
  readonly includeIpv6?: boolean;
  /** Keep the process alive while sockets are open; default true. */
  readonly ref?: boolean;
  /**
   * SO_RCVBUF of every socket in octets (the kernel caps it at `net.core.rmem_max`); default 1 MiB,
   * Cyclone DDS's minimum: with the kernel's ~208 KiB a reliable burst of 1 KB samples overflows the
   * receive queue and costs repairs (bench/dataplane). 0 keeps the kernel default.
   */
  readonly receiveBufferSize?: number;
  /**
   * Busy polling after each datagram sent or received, µs; default 0 (off). Trades CPU for round
   * trip: see {@link BusyPoller} and docs/dataplane.md.
   */
  readonly busyPollMicros?: number;
}

/** Defaults of {@link UdpNetworkInit}. */
export const DEFAULT_UDP_NETWORK_INIT: Readonly<Required<UdpNetworkInit>> = Object.freeze({
  includeLoopback: false,
  includeLinkLocal: false,
  includeIpv6: true,
  ref: true,
  receiveBufferSize: 1 << 20,
  busyPollMicros: 0,
});

/** Collaborators of {@link UdpNetwork}. */
export interface UdpNetworkDeps {
  readonly log?: Logger;
  /** Source of interface addresses; default `os.networkInterfaces` (tests inject one). */
  readonly networkInterfaces?: typeof networkInterfaces;
}

/**
 * An address from Node (`rinfo.address`, `os.networkInterfaces`) as a {@link TransportAddress}:
 * the IP normalised (RFC 5952), an IPv6 zone kept after `%` for link-local addresses.
 * @throws EncodeError when `ip` is not an IP address.
 */
export function nodeAddress(ip: string, port: number, scopeId?: number | string): TransportAddress {
  const zoneAt = ip.indexOf('%');
  const bare = zoneAt < 0 ? ip : ip.slice(0, zoneAt);
  const bytes = ipToBytes(bare);
  if (bytes.length === 4) return { family: 'IPv4', ip: bytesToIp(bytes), port };
  const text = bytesToIp(bytes);
  const zone = zoneAt >= 0 ? ip.slice(zoneAt + 1) : scopeId !== undefined && scopeId !== 0 ? String(scopeId) : '';
  // Only link-local (fe80::/10) addresses are scoped; a zone elsewhere carries no meaning.
  const isScoped = /^fe[89ab]/i.test(text) && zone !== '';
  return { family: 'IPv6', ip: isScoped ? `${text}%${zone}` : text, port };
}

/** A bound UDP socket; see {@link DatagramSocket}. */
export class UdpSocket implements DatagramSocket {
  readonly localAddress: TransportAddress;
  readonly #socket: SocketAsPromised;
  readonly #log: Logger;
  readonly #closed: Promise<void>;
  readonly #onClosed: (s: UdpSocket) => void;
  #handler: DatagramHandler | undefined;
  readonly #poller: BusyPoller | undefined;
  #lastFrom: TransportAddress | undefined;
  #lastFromIp = '';
  #isClosed = false;
  #datagramsSent = 0;
  #bytesSent = 0;
  #sendErrors = 0;
  #datagramsReceived = 0;
  #bytesReceived = 0;
  #handlerErrors = 0;
  #socketErrors = 0;
  #unhandled = 0;

  /** @internal Made by {@link UdpNetwork.bind} once the socket is listening. */
  constructor(socket: SocketAsPromised, localAddress: TransportAddress, log: Logger, onClosed: (s: UdpSocket) => void, poller?: BusyPoller) {
    this.#socket = socket;
    this.#poller = poller;
    this.localAddress = localAddress;
    this.#log = log;
    this.#onClosed = onClosed;
    this.#closed = new Promise((resolve) => {
      socket.socket.once('close', () => {
        socket.socket.removeAllListeners();
        resolve();
      });
    });
    socket.socket.on('message', this.#receive);
    socket.socket.on('error', this.#error);
  }

  readonly #receive = (msg: Buffer, rinfo: RemoteInfo): void => {
    if (this.#isClosed) return;
    this.#poller?.activity();
    this.#datagramsReceived++;
    this.#bytesReceived += msg.byteLength;
    const handler = this.#handler;
    if (handler === undefined) {
      this.#unhandled++;
      return;
    }
    // A view, not a copy (STYLE.md rule 5): valid only during the handler call.
    const bytes = new Uint8Array(msg.buffer, msg.byteOffset, msg.byteLength);
    // Most datagrams come from the same peer as the one before: reuse its parsed address.
    let from = this.#lastFrom;
    if (from === undefined || rinfo.port !== from.port || rinfo.address !== this.#lastFromIp) {
      try {
        from = nodeAddress(rinfo.address, rinfo.port);
      } catch (err: unknown) {
        this.#handlerErrors++;
        this.#log.debug('bad source address', { from: rinfo.address, err });
        return;
      }
      this.#lastFrom = from;
      this.#lastFromIp = rinfo.address;
    }
    try {
      handler(bytes, from);
    } catch (err: unknown) {
      // The only catch around a handler (STYLE.md rule 7): count, log, drop the datagram.
      this.#handlerErrors++;
      this.#log.debug('receive handler threw', { from: formatAddress(from), err });
    }
  };

  readonly #error = (err: Error): void => {
    this.#socketErrors++;
    this.#log.debug('socket error', { local: formatAddress(this.localAddress), err });
  };

  /**
   * Sends one datagram, fire-and-forget (see {@link DatagramSocket.send}). `bytes` is copied into a
   * pooled buffer that Node reads until the send completes (src/transport/send-buffers.ts), so the
   * caller may reuse it as soon as this returns.
   */
  send(bytes: Uint8Array, to: TransportAddress): void {
    if (this.#isClosed) {
      this.#sendErrors++;
      return;
    }
    this.#poller?.activity();
    const buffer = sendBuffers.copy(bytes);
    // Node's callback form (not the promise wrapper): no promise per datagram on the hot path.
    try {
      this.#socket.socket.send(buffer, 0, bytes.length, to.port, to.ip, (err, n) => {
        sendBuffers.give(buffer);
        if (err === null) {
          this.#datagramsSent++;
          this.#bytesSent += n;
          return;
        }
        this.#sendErrors++;
        this.#log.debug('send failed', { to: formatAddress(to), err });
      });
    } catch (err: unknown) {
      // Node throws synchronously for a socket it already closed (the promise wrapper rejected).
      this.#sendErrors++;
      this.#log.debug('send failed', { to: formatAddress(to), err });
    }
  }

  onDatagram(handler: DatagramHandler): void {
    this.#handler = handler;
  }

  /** Closes the socket and removes every listener; no handler runs after this returns. Idempotent. */
  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#handler = undefined;
    this.#socket.destroy();
    this.#socket.socket.removeListener('message', this.#receive);
    try {
      this.#socket.socket.close();
    } catch (err: unknown) {
      // Already closed by Node (ERR_SOCKET_DGRAM_NOT_RUNNING): nothing left to free.
      this.#log.debug('close failed', { err });
      this.#socket.socket.removeAllListeners();
    }
    this.#onClosed(this);
  }

  /** True once {@link close} was called. */
  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Resolves when the operating-system handle is gone (after {@link close}). */
  whenClosed(): Promise<void> {
    return this.#closed;
  }

  /** Counters since binding. */
  stats(): UdpSocketStats {
    return {
      datagramsSent: this.#datagramsSent,
      bytesSent: this.#bytesSent,
      sendErrors: this.#sendErrors,
      datagramsReceived: this.#datagramsReceived,
      bytesReceived: this.#bytesReceived,
      handlerErrors: this.#handlerErrors,
      socketErrors: this.#socketErrors,
      unhandled: this.#unhandled,
    };
  }
}

/** Resolves IP literals synchronously and refuses names: no DNS, and the send reaches the kernel at once. */
function literalLookup(
  hostname: string,
  _options: unknown,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = isIP(hostname.split('%')[0] ?? '');
  if (family === 0) {
    const err: NodeJS.ErrnoException = new Error(`not an IP literal: ${hostname}`);
    err.code = 'EINVAL';
    callback(err, '', 0);
    return;
  }
  callback(null, hostname, family);
}

function errorCode(err: unknown): string {
  if (err instanceof Error && 'code' in err && typeof err.code === 'string') return err.code;
  return 'UNKNOWN';
}

/** {@link DatagramNetwork} on the host's real interfaces. */
export class UdpNetwork implements DatagramNetwork {
  readonly #init: Readonly<Required<UdpNetworkInit>>;
  readonly #log: Logger;
  readonly #interfaces: typeof networkInterfaces;
  readonly #sockets = new Set<UdpSocket>();
  readonly #poller: BusyPoller | undefined;
  #isClosed = false;

  /** @throws InvalidConfigError for a busy-poll window outside 0..100,000 µs. */
  constructor(deps: UdpNetworkDeps = {}, init: UdpNetworkInit = {}) {
    this.#init = { ...DEFAULT_UDP_NETWORK_INIT, ...init };
    const poll = this.#init.busyPollMicros;
    if (!Number.isFinite(poll) || poll < 0 || poll > 100_000) throw new InvalidConfigError('busyPollMicros', `${poll} is not in 0..100000`);
    this.#poller = poll > 0 ? new BusyPoller(poll, this.#init.ref) : undefined;
    this.#log = (deps.log ?? silentLogger).child('udp');
    this.#interfaces = deps.networkInterfaces ?? networkInterfaces;
  }

  /**
   * The host's unicast interface addresses with port 0, IPv4 first, in `os.networkInterfaces()`
   * order; loopback and link-local only when enabled. Link-local IPv6 addresses carry their zone
   * (interface name) so that {@link bind} and `send` work on them.
   */
  interfaceAddresses(): readonly TransportAddress[] {
    const v4: TransportAddress[] = [];
    const v6: TransportAddress[] = [];
    for (const [name, infos] of Object.entries(this.#interfaces())) {
      for (const info of infos ?? []) {
        if (info.internal && !this.#init.includeLoopback) continue;
        if (info.family === 'IPv4') {
          v4.push(nodeAddress(info.address, 0));
          continue;
        }
        if (!this.#init.includeIpv6) continue;
        const a = nodeAddress(info.address, 0);
        const isLinkLocal = /^fe[89ab]/i.test(a.ip);
        if (isLinkLocal && !this.#init.includeLinkLocal) continue;
        // RFC 8445 §5.1.1.1: no IPv4-mapped addresses (and none appear on real interfaces).
        if (a.ip.startsWith('::ffff:')) continue;
        v6.push(isLinkLocal ? { family: 'IPv6', ip: `${a.ip.split('%')[0] ?? a.ip}%${name}`, port: 0 } : a);
      }
    }
    return [...v4, ...v6];
  }

  /**
   * Binds a socket to exactly `ip` and `port` (0 = a free port chosen by the kernel).
   * @throws BindError (`code` EADDRINUSE, EADDRNOTAVAIL, EINVAL for a wildcard, …) when it cannot.
   * @throws UdpNetworkClosedError after {@link close}, or when `signal` aborts (the socket is closed).
   */
  async bind(ip: string, port: number, options: { signal?: AbortSignal } = {}): Promise<UdpSocket> {
    options.signal?.throwIfAborted();
    if (this.#isClosed) throw new UdpNetworkClosedError('network closed');
    const local = nodeAddress(ip, port);
    if (local.ip === '0.0.0.0' || local.ip === '::') {
      throw new BindError(ip, port, 'EINVAL', { cause: new Error('wildcard binds are refused: the local base must be exact') });
    }
    const sap = DgramAsPromised.createSocket({
      type: local.family === 'IPv4' ? 'udp4' : 'udp6',
      ipv6Only: local.family === 'IPv6',
      lookup: literalLookup,
      ...(this.#init.receiveBufferSize > 0 && { recvBufferSize: this.#init.receiveBufferSize }),
    });
    if (!this.#init.ref) sap.unref();
    let bound: { address: string; port: number };
    const onAbort = (): void => {
      sap.socket.close();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      bound = await sap.bind({ address: local.ip, port, exclusive: true });
    } catch (err: unknown) {
      sap.destroy();
      sap.socket.removeAllListeners();
      // The socket never started listening: closing may throw ERR_SOCKET_DGRAM_NOT_RUNNING.
      try {
        sap.socket.close();
      } catch {
        // Nothing to free: the handle is already gone.
      }
      if (options.signal?.aborted === true) throw new UdpNetworkClosedError('bind aborted', { cause: options.signal.reason });
      throw new BindError(ip, port, errorCode(err), { cause: err });
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    // The network may have been closed, or the signal aborted, while the bind was pending.
    const refusal = this.#refusal(options.signal);
    if (refusal !== undefined) {
      sap.destroy();
      sap.socket.close();
      throw refusal;
    }
    if (local.family === 'IPv4') {
      // Multicast sent from this socket leaves through the interface of its bound IP (a loopback
      // socket multicasts on `lo`, never on a real interface), with loopback delivery on.
      try {
        sap.socket.setMulticastInterface(local.ip);
        sap.socket.setMulticastLoopback(true);
      } catch (err: unknown) {
        // The kernel refused (no multicast on that interface): unicast still works.
        this.#log.debug('no multicast interface', { local: local.ip, err });
      }
    }
    const socket = new UdpSocket(sap, nodeAddress(local.ip, bound.port), this.#log, (s) => this.#sockets.delete(s), this.#poller);
    this.#sockets.add(socket);
    this.#log.debug('bound', { local: formatAddress(socket.localAddress) });
    return socket;
  }

  /**
   * Opens a receive socket for an IPv4 multicast group (e.g. SPDP's 239.255.0.1:7400): bound to the
   * group address and port with SO_REUSEADDR (several participants on one host share the port) and
   * joined on exactly one interface, `interfaceIp` (no wildcard joins; tests use 127.0.0.1, i.e. `lo`).
   * Its {@link DatagramSocket.localAddress} is the group address. Sending from it is possible but
   * unusual; sends to the group go through any IPv4 socket of {@link bind}.
   * @throws BindError when the group is not an IPv4 multicast address, the bind fails, or the
   *   membership cannot be added (`code` from the system, e.g. ENODEV).
   * @throws UdpNetworkClosedError after {@link close} or when `signal` aborts.
   */
  async bindMulticast(group: string, port: number, interfaceIp: string, options: { signal?: AbortSignal } = {}): Promise<UdpSocket> {
    options.signal?.throwIfAborted();
    if (this.#isClosed) throw new UdpNetworkClosedError('network closed');
    const g = nodeAddress(group, port);
    const first = Number(g.ip.split('.')[0]);
    if (g.family !== 'IPv4' || first < 224 || first > 239) {
      throw new BindError(group, port, 'EINVAL', { cause: new Error('not an IPv4 multicast group') });
    }
    const sap = DgramAsPromised.createSocket({ type: 'udp4', reuseAddr: true, lookup: literalLookup });
    if (!this.#init.ref) sap.unref();
    try {
      await sap.bind({ address: g.ip, port });
      sap.socket.addMembership(g.ip, interfaceIp);
      sap.socket.setMulticastInterface(interfaceIp);
    } catch (err: unknown) {
      sap.destroy();
      sap.socket.removeAllListeners();
      try {
        sap.socket.close();
      } catch {
        // Never started listening: nothing to free.
      }
      throw new BindError(group, port, errorCode(err), { cause: err });
    }
    const refusal = this.#refusal(options.signal);
    if (refusal !== undefined) {
      sap.destroy();
      sap.socket.close();
      throw refusal;
    }
    const socket = new UdpSocket(sap, g, this.#log, (s) => this.#sockets.delete(s), this.#poller);
    this.#sockets.add(socket);
    this.#log.debug('joined', { group: formatAddress(g), interfaceIp });
    return socket;
  }

  #refusal(signal: AbortSignal | undefined): UdpNetworkClosedError | undefined {
    if (this.#isClosed) return new UdpNetworkClosedError('network closed');
    if (signal?.aborted === true) return new UdpNetworkClosedError('bind aborted', { cause: signal.reason });
    return undefined;
  }

  /** Sockets opened here and not yet closed. */
  get openSockets(): number {
    return this.#sockets.size;
  }

  /**
   * Closes every socket opened through this network and refuses further binds; resolves when
   * every operating-system handle is gone. Idempotent.
   */
  async close(options: { signal?: AbortSignal } = {}): Promise<void> {
    options.signal?.throwIfAborted();
    this.#isClosed = true;
    this.#poller?.stop();
    const pending: Promise<void>[] = [];
    for (const s of [...this.#sockets]) {
      s.close();
      pending.push(s.whenClosed());
    }
    const { signal } = options;
    if (signal === undefined) {
      await Promise.all(pending);
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        reject(new UdpNetworkClosedError('close aborted', { cause: signal.reason }));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      Promise.all(pending).then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, reject);
    });
  }
}
