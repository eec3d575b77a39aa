/**
 * The ICE driver (STYLE.md rule 5): binds the process's one sans-I/O {@link IceAgent} to sockets and
 * one timer. Sockets come from any {@link DatagramNetwork} and the timer from any {@link TimerService},
 * so the same driver runs on real UDP (`UdpNetwork` + `RealTimerService`) and on `simnet` in virtual
 * time. It makes no protocol decision: it classifies each datagram once (`classifyDatagram`), hands
 * STUN to the agent, passes anything else to the endpoint's `onOtherDatagram` hook (RTPS, later), and
 * re-arms its timer to the agent's next deadline after every call into the agent.
 */
import { EventEmitter } from 'node:events';
import type { IceAgentEvent, IceAgentInfo, IceConfigInit, IceRemoteOptions, IceTurnServer, SelectedPath } from '../ice/index.js';
import { IceAgent } from '../ice/index.js';
import type { TransportAddress } from '../util/address.js';
import { formatAddress } from '../util/address.js';
import type { DatagramHandler, DatagramNetwork, DatagramSocket, TimerHandle, TimerService } from '../util/datagram-io.js';
import { InvalidConfigError, RtpsLibError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';
import { classifyDatagram } from './classify-datagram.js';

export interface IceDriverDeps {
  readonly network: DatagramNetwork;
  readonly timers: TimerService;
  /** Cryptographically random bytes (`crypto.randomBytes`) in production; seeded in simulations. */
  readonly randomBytes: (n: number) => Uint8Array;
  readonly log: Logger;
}

/** Options of {@link IceDriver.addEndpoint}. */
export interface IceDriverEndpointInit {
  /** Endpoint id, unique per driver (`"SPDP"`, `"SEDP"`, a data transport's name). */
  readonly id: string;
  /** Local IPs to bind, one socket each; default: every address `network.interfaceAddresses()` lists. */
  readonly ips?: readonly string[];
  /** Port to bind on every IP; default 0 (ephemeral, as OpenDDS's SEDP and data transports do). */
  readonly port?: number;
  /** STUN server for a server-reflexive candidate (OpenDDS `*StunServerAddress`). */
  readonly stunServer?: TransportAddress;
  /** TURN servers for relayed candidates; default the driver's `[ice]` `turnServers`. */
  readonly turnServers?: readonly IceTurnServer[];
  /** Receives every datagram that is not STUN (RTPS, ChannelData, DTLS, other), with the socket it arrived on. */
  readonly onOtherDatagram?: (bytes: Uint8Array, from: TransportAddress, local: TransportAddress) => void;
  /**
   * Offered every STUN datagram before the agent; returning true consumes it (the RtpsRelay keepalive
   * takes the answers to its own transactions, spec §3.5 / §6).
   */
  readonly onStunDatagram?: (bytes: Uint8Array, from: TransportAddress, local: TransportAddress) => boolean;
}

/** Events of the driver: the agent's events, as they happen. */
export interface IceDriverEvents {
  'ice-event': [event: IceAgentEvent];
}

/** Counters of the driver, for tests and diagnostics. */
export interface IceDriverStats {
  readonly stunIn: number;
  readonly otherIn: number;
  readonly sent: number;
  readonly sendsWithoutSocket: number;
}

/** Raised when the driver is used after close or with an unknown endpoint. */
export class IceDriverError extends RtpsLibError {
  override readonly name = 'IceDriverError';
}

interface BoundEndpoint {
  readonly sockets: Map<string, DatagramSocket>;
  readonly onOther: IceDriverEndpointInit['onOtherDatagram'];
  readonly onStun: IceDriverEndpointInit['onStunDatagram'];
}

export class IceDriver extends EventEmitter<IceDriverEvents> {
  /** The sans-I/O agent this driver serves (read-only use: inspection, selected paths). */
  readonly agent: IceAgent;
  readonly #deps: IceDriverDeps;
  readonly #log: Logger;
  readonly #endpoints = new Map<string, BoundEndpoint>();
  #timer: TimerHandle | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #closed = false;
  readonly #events: IceAgentEvent[] = [];
  #flushing = false;
  #stats = { stunIn: 0, otherIn: 0, sent: 0, sendsWithoutSocket: 0 };

  /** @throws InvalidConfigError for a bad `init` (see {@link IceConfigInit}). */
  constructor(deps: IceDriverDeps, init: IceConfigInit = {}) {
    super();
    this.#deps = deps;
    this.#log = deps.log.child('ice-driver');
    this.agent = new IceAgent({
      clock: deps.timers.clock,
      send: (t) => { this.#send(t.endpointId, t.from, t.to, t.bytes); },
      // Events leave the agent inside its call; they are queued and emitted when the call has
      // returned, so a listener may call back into the driver without re-entering a transition
      // (STYLE.md rule 3), at the same (possibly virtual) time.
      emit: (e) => { this.#events.push(e); },
      randomBytes: deps.randomBytes,
      log: deps.log,
    }, init);
  }

  /**
   * Binds the endpoint's sockets and registers it with the agent.
   * @returns the endpoint's local agent info (credentials and candidates) to announce.
   * @throws the network's bind error, or IceDriverError after close or for a duplicate id.
   */
  async addEndpoint(init: IceDriverEndpointInit, options: { readonly signal?: AbortSignal } = {}): Promise<IceAgentInfo> {
    options.signal?.throwIfAborted();
    if (this.#closed) throw new IceDriverError('driver is closed');
    if (this.#endpoints.has(init.id)) throw new IceDriverError(`endpoint ${init.id} exists`);
    const ips = init.ips ?? this.#deps.network.interfaceAddresses().map((a) => a.ip);
    if (ips.length === 0) throw new InvalidConfigError(`ice.endpoint.${init.id}.ips`, 'no local address to bind');
    const bound: BoundEndpoint = { sockets: new Map(), onOther: init.onOtherDatagram, onStun: init.onStunDatagram };
    this.#endpoints.set(init.id, bound);
    try {
      for (const ip of ips) {
        const socket = await this.#deps.network.bind(ip, init.port ?? 0);
        bound.sockets.set(formatAddress(socket.localAddress), socket);
        socket.onDatagram(this.#receiver(init.id, socket, bound));
        options.signal?.throwIfAborted();
      }
    } catch (err) {
      for (const s of bound.sockets.values()) s.close();
      this.#endpoints.delete(init.id);
      throw err;
    }
    const hostAddresses = [...bound.sockets.values()].map((s) => s.localAddress);
    const info = this.agent.addEndpoint({
      id: init.id, hostAddresses, ...(init.stunServer === undefined ? {} : { stunServer: init.stunServer }),
      ...(init.turnServers !== undefined && { turnServers: init.turnServers }),
    });
    this.#after();
    return info;
  }

  /**
   * Removes the endpoint from the agent (spec §5.14: its checklists go) and closes its sockets.
   * Unknown ids and calls after close are ignored, so owners may call it unconditionally on shutdown.
   */
  removeEndpoint(endpointId: string): void {
    if (this.#closed) return;
    const ep = this.#endpoints.get(endpointId);
    if (ep === undefined) return;
    this.#endpoints.delete(endpointId);
    this.agent.removeEndpoint(endpointId);
    for (const s of ep.sockets.values()) s.close();
    this.#after();
  }

  /** The addresses the endpoint's sockets are bound to. */
  localAddresses(endpointId: string): readonly TransportAddress[] {
    return [...this.#endpoint(endpointId).sockets.values()].map((s) => s.localAddress);
  }

  /** Starts (or updates) ICE toward a remote agent for `peerKey` (spec §2.5, §5.12). */
  startIce(endpointId: string, peerKey: string, remote: IceAgentInfo, options: IceRemoteOptions = {}): void {
    this.#endpoint(endpointId);
    this.agent.startIce(endpointId, peerKey, remote, options);
    this.#after();
  }

  stopIce(endpointId: string, peerKey: string): void {
    this.#endpoint(endpointId);
    this.agent.stopIce(endpointId, peerKey);
    this.#after();
  }

  /** The selected remote address for `peerKey`, while the pair is live. */
  selectedAddress(endpointId: string, peerKey: string): TransportAddress | undefined {
    return this.agent.selectedAddress(endpointId, peerKey);
  }

  selectedPath(endpointId: string, peerKey: string): SelectedPath | undefined {
    return this.agent.selectedPath(endpointId, peerKey);
  }

  /**
   * Adds (or with `undefined` removes) a server-reflexive candidate of `endpointId` learned from
   * `server` outside the agent (the RtpsRelay's answers, spec §6.4); see `IceAgent.setServerReflexiveAddress`.
   * @returns whether the candidates changed.
   */
  setServerReflexiveAddress(endpointId: string, server: TransportAddress, address: TransportAddress | undefined): boolean {
    if (this.#closed) return false;
    const changed = this.agent.setServerReflexiveAddress(endpointId, server, address);
    this.#after();
    return changed;
  }

  /**
   * Sends application bytes (RTPS) from the endpoint's socket bound to `from`, or through the TURN
   * allocation when `from` is a relayed candidate. Returns false if it is neither.
   */
  sendFrom(endpointId: string, from: TransportAddress, to: TransportAddress, bytes: Uint8Array): boolean {
    const ep = this.#endpoints.get(endpointId);
    if (ep !== undefined && !ep.sockets.has(formatAddress(from)) && this.agent.sendRelayed(endpointId, from, to, bytes)) {
      this.#stats.sent++;
      this.#after();
      return true;
    }
    return this.#send(endpointId, from, to, bytes);
  }

  stats(): IceDriverStats {
    return { ...this.#stats };
  }

  /** Closes every socket, cancels the timer and clears the agent. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#events.length = 0;
    this.agent.close();
    for (const ep of this.#endpoints.values()) for (const s of ep.sockets.values()) s.close();
    this.#endpoints.clear();
    this.removeAllListeners();
  }

  #endpoint(id: string): BoundEndpoint {
    if (this.#closed) throw new IceDriverError('driver is closed');
    const ep = this.#endpoints.get(id);
    if (ep === undefined) throw new IceDriverError(`no endpoint ${id}`);
    return ep;
  }

  #receiver(endpointId: string, socket: DatagramSocket, bound: BoundEndpoint): DatagramHandler {
    const local = socket.localAddress;
    return (bytes, from) => {
      if (this.#closed) return;
      // TURN first (docs/ice.md "Relayed candidates"): what a peer sent to our relayed address comes
      // back as if received on it.
      const relayed = this.agent.handleTurn(endpointId, local, from, bytes);
      if (relayed.kind === 'consumed') { this.#after(); return; }
      const [b, f, l] = relayed.kind === 'data' ? [relayed.bytes, relayed.from, relayed.local] : [bytes, from, local];
      if (classifyDatagram(b) === 'stun') {
        this.#stats.stunIn++;
        if (bound.onStun?.(b, f, l) === true) return;
        this.agent.handleStun(endpointId, l, f, b);
        this.#after();
        return;
      }
      if (relayed.kind === 'data') this.#after();
      this.#stats.otherIn++;
      bound.onOther?.(b, f, l);
    };
  }

  #send(endpointId: string, from: TransportAddress, to: TransportAddress, bytes: Uint8Array): boolean {
    const socket = this.#endpoints.get(endpointId)?.sockets.get(formatAddress(from));
    if (socket === undefined) {
      this.#stats.sendsWithoutSocket++;
      this.#log.warn('no socket for local base', { endpointId, from: formatAddress(from) });
      return false;
    }
    this.#stats.sent++;
    socket.send(bytes, to);
    return true;
  }

  /** After every call into the agent: emit what it reported, then re-arm the timer. */
  #after(): void {
    if (!this.#flushing) {
      this.#flushing = true;
      try {
        for (let e = this.#events.shift(); e !== undefined && !this.#closed; e = this.#events.shift()) this.emit('ice-event', e);
      } finally {
        this.#flushing = false;
      }
    }
    this.#rearm();
  }

  /** One timer per driver: re-armed to the agent's next deadline. */
  #rearm(): void {
    if (this.#closed) return;
    const deadline = this.agent.nextDeadline() ?? Number.POSITIVE_INFINITY;
    if (deadline === this.#timerAt && this.#timer !== undefined) return;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAt = deadline;
    if (deadline === Number.POSITIVE_INFINITY) return;
    this.#timer = this.#deps.timers.at(deadline, () => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      if (this.#closed) return;
      this.agent.handleTimeout();
      this.#after();
    });
  }
}
