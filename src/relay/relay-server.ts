/**
 * The RtpsRelay's driver (STYLE.md rule 5): sockets from any {@link DatagramNetwork} (real UDP or
 * simnet) and timers from a {@link TimerService}, feeding the sans-I/O cores and sending what they
 * return. No protocol decisions here.
 * - Vertical: SPDP, SEDP, DATA at `basePort` +0/+1/+2 (OpenDDS `VSPDP`, `VSEDP`, `VDATA`, spec §8.1)
 *   → {@link VerticalRouter}.
 * - Horizontal (with `horizontal`): the same three port types at `horizontal.basePort` +0/+1/+2
 *   (`HSPDP`, `HSEDP`, `HDATA`) → {@link HorizontalRouter}, and the relay participant in the relay
 *   domain ({@link RelayDomain}) that publishes this relay's horizontal addresses and its clients'
 *   partitions and learns the other relays' ({@link RelayPartitionTable}).
 */
import { EventEmitter } from 'node:events';
import type { TransportAddress } from '../util/address.js';
import type { DatagramNetwork, DatagramSocket, TimerHandle, TimerService } from '../util/datagram-io.js';
import { InvalidConfigError } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { AdmitState, AdmittingState, DrainState } from './admission-control.js';
import { GuidAddrSet, RELAY_PORT_TYPES, type GuidAddrSetInit, type GuidAddrSetStats, type RelayPortType } from './guid-addr-set.js';
import { HorizontalRouter, type HorizontalRouterStats } from './horizontal-router.js';
import { PartitionTable, type PartitionTableInit } from './partition-table.js';
import { RelayDomain, type RelayDomainOptions, type RelayDomainStats } from './relay-domain.js';
import { RelayPartitionTable } from './relay-partition-table.js';
import { VerticalRouter, type VerticalRouterInit, type VerticalRouterStats } from './vertical-router.js';

/** Events of {@link RelayServer}; prefixes are lower-case hex. */
export interface RelayServerEvents {
  'client-added': [prefix: string];
  admitted: [prefix: string];
  'client-removed': [prefix: string];
  /** A new address of an admitted client waits for confirmation (docs/relay.md "New addresses"). */
  'address-pending': [prefix: string, port: RelayPortType, address: TransportAddress];
  'address-confirmed': [prefix: string, port: RelayPortType, address: TransportAddress];
  /** Draining: the client gets no more STUN answers. */
  drained: [prefix: string];
}

/** The horizontal side of {@link RelayServerOptions}. */
export interface RelayHorizontalOptions {
  /** `-Id`: this relay's id in the relay domain (mandatory in OpenDDS). */
  readonly relayId: string;
  /** Address of the horizontal sockets: a specific IP, never a wildcard. */
  readonly ip: string;
  /** HSPDP port; HSEDP and HDATA are +1 and +2. Default 17400 (OpenDDS `DEFAULT_HORIZONTAL`). */
  readonly basePort?: number;
  /** The relay participant (`-RelayDomain`, its DDS configuration); network, timers and log are the relay's. */
  readonly relayDomain?: Omit<RelayDomainOptions, 'relayId' | 'network' | 'timers' | 'log' | 'signal'>;
}

/** Options of {@link RelayServer.start}: where to bind, plus the cores' configuration. */
export interface RelayServerOptions extends GuidAddrSetInit, PartitionTableInit, VerticalRouterInit {
  /** Address to bind: a specific IP, never a wildcard. */
  readonly ip: string;
  /** SPDP port; SEDP and DATA are +1 and +2 (OpenDDS `DEFAULT_VERTICAL = 7400`). Default 7400. */
  readonly basePort?: number;
  /** Horizontal ports and relay domain; without it the relay serves its own clients only. */
  readonly horizontal?: RelayHorizontalOptions;
  readonly log?: Logger;
  readonly signal?: AbortSignal;
}

/** Default vertical base port (spec §8.1 code default). */
export const DEFAULT_RELAY_VERTICAL_PORT = 7400;
/** Default horizontal base port (spec §8.1 code default). */
export const DEFAULT_RELAY_HORIZONTAL_PORT = 17400;

type Sockets = Readonly<Record<RelayPortType, DatagramSocket>>;

function checkBasePort(name: string, port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65533) throw new InvalidConfigError(name, 'must be an integer in 1..65533 (three consecutive ports)');
}

async function bindThree(network: DatagramNetwork, ip: string, basePort: number, signal: AbortSignal | undefined, bound: DatagramSocket[]): Promise<Sockets> {
  const out: DatagramSocket[] = [];
  for (let i = 0; i < RELAY_PORT_TYPES.length; i++) {
    const s = await network.bind(ip, basePort + i);
    bound.push(s);
    out.push(s);
    signal?.throwIfAborted();
  }
  const [spdp, sedp, data] = out;
  if (spdp === undefined || sedp === undefined || data === undefined) throw new Error('unreachable: three sockets bound');
  return { spdp, sedp, data };
}

/** A running relay; {@link close} stops it. */
export class RelayServer extends EventEmitter<RelayServerEvents> {
  /** The partition table the caller feeds (`setEndpointPartitions`) until the application participant does. */
  readonly partitions: PartitionTable;
  /** Per-client state (read-only use: addresses, admission). */
  readonly clients: GuidAddrSet;
  /** The other relays (filled by the relay domain). */
  readonly relays: RelayPartitionTable;
  /** The relay participant, when horizontal. */
  readonly relayDomain: RelayDomain | undefined;
  readonly relayId: string | undefined;
  readonly #router: VerticalRouter;
  readonly #horizontalRouter: HorizontalRouter;
  readonly #sockets: Sockets;
  readonly #horizontal: Sockets | undefined;
  readonly #timers: TimerService;
  #timer: TimerHandle | undefined;
  #timerAtMs: number | undefined;
  #publishTimer: TimerHandle | undefined;
  #publishedVersion = -1;
  #isClosed = false;

  private constructor(sockets: Sockets, horizontal: Sockets | undefined, domain: RelayDomain | undefined, relays: RelayPartitionTable, timers: TimerService, options: RelayServerOptions, log: Logger) {
    super();
    this.#sockets = sockets;
    this.#horizontal = horizontal;
    this.#timers = timers;
    this.relays = relays;
    this.relayDomain = domain;
    this.relayId = options.horizontal?.relayId;
    this.partitions = new PartitionTable(options, { onChange: () => { this.#schedulePublish(); } });
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
          case 'address-pending': this.emit('address-pending', e.prefix, e.port, e.address); break;
          case 'address-confirmed': this.emit('address-confirmed', e.prefix, e.port, e.address); break;
          case 'drained': this.emit('drained', e.prefix); break;
          case 'address-expired': break;
        }
      },
    }, options);
    const sendVertical = (t: { readonly port: RelayPortType; readonly to: TransportAddress; readonly bytes: Uint8Array }): void => {
      this.#sockets[t.port].send(t.bytes, t.to);
    };
    this.#router = new VerticalRouter({
      clients: this.clients,
      partitions: this.partitions,
      log,
      send: sendVertical,
      ...(horizontal !== undefined && { relays, sendHorizontal: (t) => { horizontal[t.port].send(t.bytes, t.to); } }),
    }, options);
    this.#horizontalRouter = new HorizontalRouter({ clients: this.clients, partitions: this.partitions, relays, send: sendVertical, log });
    for (const port of RELAY_PORT_TYPES) {
      sockets[port].onDatagram((bytes, from) => {
        this.#router.handle(port, bytes, from);
        this.#reschedule();
      });
      horizontal?.[port].onDatagram((bytes, from) => {
        this.#horizontalRouter.handle(port, bytes, from);
      });
    }
    if (domain !== undefined && horizontal !== undefined) {
      domain.publishAddresses({ spdp: horizontal.spdp.localAddress, sedp: horizontal.sedp.localAddress, data: horizontal.data.localAddress });
      log.info('relay joined the relay domain', { relayId: this.relayId, domainId: domain.participant.domainId });
      this.#schedulePublish();
    }
  }

  /**
   * Binds the vertical (and horizontal) sockets on `network`, joins the relay domain and starts relaying.
   * @throws InvalidConfigError for a bad option, what `network.bind` or the relay participant throws
   * (nothing stays bound), or the signal's AbortError.
   */
  static async start(network: DatagramNetwork, timers: TimerService, options: RelayServerOptions): Promise<RelayServer> {
    options.signal?.throwIfAborted();
    const basePort = options.basePort ?? DEFAULT_RELAY_VERTICAL_PORT;
    checkBasePort('basePort', basePort);
    const h = options.horizontal;
    if (h !== undefined) {
      checkBasePort('horizontal.basePort', h.basePort ?? DEFAULT_RELAY_HORIZONTAL_PORT);
      if (h.relayId === '') throw new InvalidConfigError('horizontal.relayId', 'must not be empty (OpenDDS -Id)');
    }
    const bound: DatagramSocket[] = [];
    let domain: RelayDomain | undefined;
    const log = (options.log ?? silentLogger).child('relay');
    try {
      const vertical = await bindThree(network, options.ip, basePort, options.signal, bound);
      const relays = new RelayPartitionTable();
      let horizontal: Sockets | undefined;
      if (h !== undefined) {
        horizontal = await bindThree(network, h.ip, h.basePort ?? DEFAULT_RELAY_HORIZONTAL_PORT, options.signal, bound);
        domain = await RelayDomain.create({
          ...h.relayDomain, relayId: h.relayId, network, timers, log, ...(options.signal !== undefined && { signal: options.signal }),
        }, relays);
      }
      return new RelayServer(vertical, horizontal, domain, relays, timers, options, log);
    } catch (err: unknown) {
      for (const s of bound) s.close();
      await domain?.close();
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

  /** The bound address of one horizontal port, when horizontal. */
  horizontalAddress(port: RelayPortType): TransportAddress | undefined {
    return this.#horizontal?.[port].localAddress;
  }

  /** Whether new clients are admitted now (what `/healthcheck` reports), or why not. */
  admittingState(): AdmittingState {
    return this.clients.admittingState();
  }

  /** `RTPS_RELAY_ADMIT_STATE` (OpenDDS RtpsRelayControl). */
  setAdmitState(state: AdmitState): void {
    this.clients.setAdmitState(state);
  }

  /** `RTPS_RELAY_DRAIN_STATE`: see {@link GuidAddrSet.setDrainState}. */
  setDrainState(state: DrainState): void {
    this.clients.setDrainState(state);
    this.#reschedule();
  }

  /** The routers', the client table's and the relay domain's counters. */
  stats(): VerticalRouterStats & {
    readonly clients: GuidAddrSetStats; readonly horizontal: HorizontalRouterStats; readonly relayDomain: RelayDomainStats | undefined;
    readonly remoteRelays: number;
  } {
    return {
      ...this.#router.stats(), clients: this.clients.stats(), horizontal: this.#horizontalRouter.stats(),
      relayDomain: this.relayDomain?.stats(), remoteRelays: this.relays.size,
    };
  }

  /**
   * Closes the sockets, cancels the timers, removes every listener and leaves the relay domain (the
   * other relays forget this one). Idempotent; the promise settles once the relay participant is closed.
   */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#publishTimer?.cancel();
    this.#publishTimer = undefined;
    for (const port of RELAY_PORT_TYPES) {
      this.#sockets[port].close();
      this.#horizontal?.[port].close();
    }
    this.removeAllListeners();
    await this.relayDomain?.close();
  }

  /** Coalesces partition changes into one publication, soon after (partition changes come in bursts). */
  #schedulePublish(): void {
    const domain = this.relayDomain;
    if (domain === undefined || this.#isClosed || this.#publishTimer !== undefined) return;
    this.#publishTimer = this.#timers.at(this.#timers.clock.now(), () => {
      this.#publishTimer = undefined;
      if (this.#isClosed || this.#publishedVersion === this.partitions.version) return;
      this.#publishedVersion = this.partitions.version;
      domain.publishPartitions(this.partitions.allPartitions());
    });
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
