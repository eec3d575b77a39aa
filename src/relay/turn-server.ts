/**
 * A TURN server driver (RFC 8656 over UDP; docs/security.md): {@link TurnServerCore} bound to a
 * listening socket, one relay socket per allocation and one timer, on any {@link DatagramNetwork}
 * and {@link TimerService} — real UDP or simnet in virtual time (STYLE.md rule 5).
 */
import type { TurnServerStats } from '../turn/index.js';
import { TurnServerCore } from '../turn/index.js';
import type { TransportAddress } from '../util/address.js';
import { formatAddress } from '../util/address.js';
import type { DatagramNetwork, DatagramSocket, TimerHandle, TimerService } from '../util/datagram-io.js';
import { silentLogger, type Logger } from '../util/logger.js';

/** Options of {@link TurnServer.start}. */
export interface TurnServerOptions {
  /** Listening IP (specific, never a wildcard); relay sockets bind here too unless `relayIp` is given. */
  readonly ip: string;
  /** Listening port; default 3478. */
  readonly port?: number;
  readonly relayIp?: string;
  readonly realm: string;
  /** username → password. */
  readonly users: ReadonlyMap<string, string>;
  /** See {@link TurnServerCore}; default 600,000 ms. */
  readonly nonceLifetimeMs?: number;
  readonly timers: TimerService;
  readonly randomBytes: (n: number) => Uint8Array;
  readonly log?: Logger;
}

export class TurnServer {
  readonly core: TurnServerCore;
  readonly #socket: DatagramSocket;
  readonly #relays = new Map<string, DatagramSocket>();
  readonly #timers: TimerService;
  #timer: TimerHandle | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #closed = false;

  private constructor(socket: DatagramSocket, network: DatagramNetwork, options: TurnServerOptions) {
    this.#socket = socket;
    this.#timers = options.timers;
    const log = (options.log ?? silentLogger).child('turn-server');
    const relayIp = options.relayIp ?? options.ip;
    this.core = new TurnServerCore({
      clock: options.timers.clock,
      randomBytes: options.randomBytes,
      log,
      send: (to, bytes) => { socket.send(bytes, to); },
      openRelay: (_client, done) => {
        network.bind(relayIp, 0).then((relay) => {
          if (this.#closed) { relay.close(); done(undefined); return; }
          const at = relay.localAddress;
          this.#relays.set(formatAddress(at), relay);
          relay.onDatagram((bytes, from) => { this.core.handlePeer(at, from, bytes); this.#arm(); });
          done(at);
          this.#arm();
        }, (err: unknown) => {
          log.warn('relay socket bind failed', { error: String(err) });
          done(undefined);
        });
      },
      sendFromRelay: (relayed, to, bytes) => { this.#relays.get(formatAddress(relayed))?.send(bytes, to); },
      closeRelay: (relayed) => {
        const key = formatAddress(relayed);
        this.#relays.get(key)?.close();
        this.#relays.delete(key);
      },
    }, {
      realm: options.realm, users: options.users,
      ...(options.nonceLifetimeMs !== undefined && { nonceLifetimeMs: options.nonceLifetimeMs }),
    });
    socket.onDatagram((bytes, from) => { this.core.handleClient(from, bytes); this.#arm(); });
  }

  /** Binds the listening socket and starts serving. @throws what `network.bind` throws. */
  static async start(network: DatagramNetwork, options: TurnServerOptions): Promise<TurnServer> {
    const socket = await network.bind(options.ip, options.port ?? 3478);
    return new TurnServer(socket, network, options);
  }

  get address(): TransportAddress {
    return this.#socket.localAddress;
  }

  stats(): Readonly<TurnServerStats> {
    return { ...this.core.stats };
  }

  /** Releases every allocation, closes every socket, cancels the timer. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer?.cancel();
    this.core.close();
    for (const s of this.#relays.values()) s.close();
    this.#relays.clear();
    this.#socket.close();
  }

  #arm(): void {
    if (this.#closed) return;
    const at = this.core.nextDeadline() ?? Number.POSITIVE_INFINITY;
    if (at === this.#timerAt) return;
    this.#timer?.cancel();
    this.#timerAt = at;
    this.#timer = at === Number.POSITIVE_INFINITY ? undefined : this.#timers.at(at, () => {
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.#timer = undefined;
      this.core.handleTimeout();
      this.#arm();
    });
  }
}
