/**
 * The RtpsRelay's vertical driver (STYLE.md rule 5): three sockets from any {@link DatagramNetwork}
 * (real UDP or simnet) at `basePort` +0/+1/+2 (SPDP, SEDP, DATA — OpenDDS `VSPDP`, `VSEDP`, `VDATA`,
 * spec §8.1) and one timer from a {@link TimerService}, feeding one {@link VerticalRouter} and sending
 * what it returns. No protocol decisions here.
 */
import { EventEmitter } from 'node:events';
import type { TransportAddress } from '../util/address.js';
import type { DatagramNetwork, DatagramSocket, TimerHandle, TimerService } from '../util/datagram-io.js';
import { InvalidConfigError } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { GuidAddrSet, RELAY_PORT_TYPES, type GuidAddrSetInit, type GuidAddrSetStats, type RelayPortType } from './guid-addr-set.js';
import { PartitionTable, type PartitionTableInit } from './partition-table.js';
import { VerticalRouter, type VerticalRouterInit, type VerticalRouterStats } from './vertical-router.js';

/** Events of {@link RelayServer}; prefixes are lower-case hex. */
export interface RelayServerEvents {
  'client-added': [prefix: string];
  admitted: [prefix: string];
  'client-removed': [prefix: string];
}

/** Options of {@link RelayServer.start}: where to bind, plus the cores' configuration. */
export interface RelayServerOptions extends GuidAddrSetInit, PartitionTableInit, VerticalRouterInit {
  /** Address to bind: a specific IP, never a wildcard. */
  readonly ip: string;
  /** SPDP port; SEDP and DATA are +1 and +2 (OpenDDS `DEFAULT_VERTICAL = 7400`). Default 7400. */
  readonly basePort?: number;
  readonly log?: Logger;
  readonly signal?: AbortSignal;
}

/** Default vertical base port (spec §8.1 code default). */
export const DEFAULT_RELAY_VERTICAL_PORT = 7400;

/** A running relay (vertical side only for now); {@link close} stops it. */
export class RelayServer extends EventEmitter<RelayServerEvents> {
  /** The partition table the caller feeds (`setEndpointPartitions`) until the application participant does. */
  readonly partitions: PartitionTable;
  /** Per-client state (read-only use: addresses, admission). */
  readonly clients: GuidAddrSet;
  readonly #router: VerticalRouter;
  readonly #sockets: Readonly<Record<RelayPortType, DatagramSocket>>;
  readonly #timers: TimerService;
  #timer: TimerHandle | undefined;
  #timerAtMs: number | undefined;
  #isClosed = false;

  private constructor(sockets: Readonly<Record<RelayPortType, DatagramSocket>>, timers: TimerService, options: RelayServerOptions, log: Logger) {
    super();
    this.#sockets = sockets;
    this.#timers = timers;
    this.partitions = new PartitionTable(options);
    this.clients = new GuidAddrSet({
      clock: timers.clock,
      log,
      emit: (e) => {
        switch (e.type) {
          case 'client-added': this.emit('client-added', e.prefix); break;
          case 'admitted': this.emit('admitted', e.prefix); break;
          case 'client-removed':
            this.partitions.removeParticipant(e.prefix);
            this.emit('client-removed', e.prefix);
            break;
          case 'address-expired': break;
        }
      },
    }, options);
    this.#router = new VerticalRouter({
      clients: this.clients,
      partitions: this.partitions,
      log,
      send: (t) => { this.#sockets[t.port].send(t.bytes, t.to); },
    }, options);
    for (const port of RELAY_PORT_TYPES) {
      sockets[port].onDatagram((bytes, from) => {
        this.#router.handle(port, bytes, from);
        this.#reschedule();
      });
    }
  }

  /**
   * Binds the three vertical sockets on `network` and starts relaying.
   * @throws InvalidConfigError for a bad option, what `network.bind` throws (nothing stays bound), or
   * the signal's AbortError.
   */
  static async start(network: DatagramNetwork, timers: TimerService, options: RelayServerOptions): Promise<RelayServer> {
    options.signal?.throwIfAborted();
    const basePort = options.basePort ?? DEFAULT_RELAY_VERTICAL_PORT;
    if (!Number.isInteger(basePort) || basePort < 1 || basePort > 65533) {
      throw new InvalidConfigError('basePort', 'must be an integer in 1..65533 (three consecutive ports)');
    }
    const bound: DatagramSocket[] = [];
    try {
      for (let i = 0; i < RELAY_PORT_TYPES.length; i++) {
        bound.push(await network.bind(options.ip, basePort + i));
        options.signal?.throwIfAborted();
      }
      const [spdp, sedp, data] = bound;
      if (spdp === undefined || sedp === undefined || data === undefined) throw new Error('unreachable: three sockets bound');
      const log = (options.log ?? silentLogger).child('relay');
      return new RelayServer({ spdp, sedp, data }, timers, options, log);
    } catch (err: unknown) {
      for (const s of bound) s.close();
      throw err;
    }
  }

  /** The bound address of one vertical port. */
  address(port: RelayPortType): TransportAddress {
    return this.#sockets[port].localAddress;
  }

  /**
   * Names the relay's application participant and its sockets' addresses (spec §8.3 step 7; see
   * `RelayApplicationParticipant`, which calls this).
   */
  setApplicationParticipant(prefix: Uint8Array, addresses: Readonly<Record<RelayPortType, readonly TransportAddress[]>>): void {
    this.#router.setApplicationParticipant(prefix, addresses);
  }

  /** The router's and the client table's counters. */
  stats(): VerticalRouterStats & { readonly clients: GuidAddrSetStats } {
    return { ...this.#router.stats(), clients: this.clients.stats() };
  }

  /** Closes the sockets, cancels the timer and removes every listener. Idempotent. */
  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    for (const port of RELAY_PORT_TYPES) this.#sockets[port].close();
    this.removeAllListeners();
  }

  #reschedule(): void {
    if (this.#isClosed) return;
    const at = this.clients.nextDeadline();
    if (at === this.#timerAtMs) return;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAtMs = at;
    if (at === undefined) return;
    this.#timer = this.#timers.at(at, () => {
      this.#timer = undefined;
      this.#timerAtMs = undefined;
      this.clients.handleTimeout();
      this.#reschedule();
    });
  }
}
