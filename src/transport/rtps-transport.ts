/**
 * `RtpsUdpTransport`: the RTPS/UDP transport of one participant (STYLE.md rule 5: a thin driver).
 * It owns the participant's sockets — SPDP (unicast port from the formula, probed; optionally the
 * multicast group), SEDP (metatraffic unicast, ephemeral by default as in OpenDDS) and user data
 * (ephemeral) — over any {@link DatagramNetwork} (real UDP or simnet), and one timer. With ICE
 * (OpenDDS `UseIce`) the three sockets are endpoints of the process's {@link IceDriver}, so STUN and
 * RTPS share them (spec §3.5) and sends go to the ICE-selected address when there is one (§5.13).
 * With an RtpsRelay (OpenDDS `UseRtpsRelay` / `RtpsRelayOnly`, spec §6) each socket runs a
 * {@link RelayKeepalive} toward its relay port: STUN answers to its transactions are taken before ICE,
 * and the relay's view of our address becomes a server-reflexive ICE candidate.
 * Packing, routing and the timer live in {@link TransportEngine}; this file does sockets and addresses.
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { IceAgentInfo, IceRemoteOptions } from '../ice/index.js';
import type { EntityId, Guid, GuidPrefix, Locator } from '../rtps/index.js';
import { addressFromLocator, guidPrefixEquals, locatorFromAddress, VendorIds } from '../rtps/index.js';
import type { ReliabilityTransmit } from '../reliability/index.js';
import type { TransportAddress } from '../util/address.js';
import { addressEquals, formatAddress, isLoopback } from '../util/address.js';
import type { DatagramNetwork, DatagramSocket, TimerService } from '../util/datagram-io.js';
import { InvalidConfigError } from '../util/errors.js';
import { toHex } from '../util/hex.js';
import type { Logger } from '../util/logger.js';
import { selectAddresses } from './address-selection.js';
import { classifyDatagram } from './classify-datagram.js';
import type { EndpointLocators } from './endpoint-table.js';
import type { IceDriver } from './ice-driver.js';
import type { PortMappingInit } from './port-mapping.js';
import { DEFAULT_SPDP_MULTICAST_GROUP, rtpsPort, spdpUnicastPortCandidates } from './port-mapping.js';
import type {
  LocalEndpointInit, RemoteParticipantInit, Transport, TransportChannel, TransportDropReason, TransportLocators, TransportStats,
} from './transport.js';
import { TransportEngine, TransportError } from './transport-engine.js';
import type { RelayKeepaliveEvent, RelayKeepaliveInit, RelayKeepaliveStats } from './relay-keepalive.js';
import { DATA_RELAY_KEEPALIVE_INIT, SPDP_RELAY_KEEPALIVE_INIT } from './relay-keepalive.js';
import { RelayKeepaliveSet } from './relay-keepalive-set.js';

/** A network that can open multicast receive sockets (`UdpNetwork` can; simnet cannot yet). */
export interface MulticastNetwork extends DatagramNetwork {
  bindMulticast(group: string, port: number, interfaceIp: string): Promise<DatagramSocket>;
}

/** True if `network` can join multicast groups. */
export function isMulticastNetwork(network: DatagramNetwork): network is MulticastNetwork {
  return 'bindMulticast' in network && typeof network.bindMulticast === 'function';
}

/** Per-channel values. */
export type PerChannel<T> = { readonly [K in TransportChannel]?: T };

/** Options of {@link RtpsUdpTransport} (OpenDDS names in parentheses; spec §7). */
export interface RtpsUdpTransportInit {
  /** DDS domain id for the port formula; default 0. */
  readonly domainId?: number;
  /** Local IPs to bind, one socket each; default every address `network.interfaceAddresses()` lists. */
  readonly ips?: readonly string[];
  /** Port formula parameters; default OpenDDS's (PB 7400, DG 250, PG 2, d0 0, d1 10, d2 1, d3 11). */
  readonly portMapping?: PortMappingInit;
  /** Highest participant id probed for the SPDP unicast port; default 119 (OpenDDS warns past it). */
  readonly maxParticipantId?: number;
  /** SEDP unicast port (`SedpPortMode=system` → 0, ephemeral); default 0. */
  readonly sedpPort?: number;
  /** User-data unicast port (`PortMode=system` → 0); default 0. */
  readonly dataPort?: number;
  /**
   * Join and announce the SPDP multicast group; default true when the network supports multicast
   * (real UDP), false otherwise (simnet). Explicit true on a network without it: InvalidConfigError.
   */
  readonly multicast?: boolean;
  /** SPDP multicast group; default 239.255.0.1. */
  readonly multicastGroup?: string;
  /** Interface IP to join the group on; default the first IPv4 address bound. */
  readonly multicastInterface?: string;
  /** SPDP announcements also go to these addresses (OpenDDS `spdp_send_addrs` / initial peers). */
  readonly spdpPeers?: readonly TransportAddress[];
  /** Largest datagram (RTPS header included); default 1,400 (docs/reliability.md). */
  readonly maxDatagramSize?: number;
  /** OpenDDS `UseIce`; default false. Requires `deps.iceDriver`. */
  readonly useIce?: boolean;
  /** ICE endpoint ids in the driver; default `SPDP`, `SEDP`, `DATA` (give distinct ones per participant sharing a driver). */
  readonly iceEndpointIds?: PerChannel<string>;
  /** STUN servers for server-reflexive candidates (`SpdpStunServerAddress`, `SedpStunServerAddress`, `DataStunServerAddress`). */
  readonly stunServers?: PerChannel<TransportAddress>;
  /** Relay addresses (`SpdpRtpsRelayAddress`, `SedpRtpsRelayAddress`, `DataRtpsRelayAddress`): the relay hook (§5.13). */
  readonly relayAddresses?: PerChannel<TransportAddress>;
  /** OpenDDS `UseRtpsRelay`; default false. */
  readonly useRtpsRelay?: boolean;
  /** OpenDDS `RtpsRelayOnly`; default false. */
  readonly rtpsRelayOnly?: boolean;
  /** OpenDDS `receive_address_duration` (ms); default 5,000. */
  readonly receiveAddressDurationMs?: number;
  /**
   * Cadence of the relay keepalive per channel (spec §6.2); default SPDP and SEDP from 200 ms
   * (SedpHeartbeatPeriod), DATA from 1 s (`heartbeat_period`), capped at 30 s.
   */
  readonly relayKeepalive?: PerChannel<RelayKeepaliveInit>;
}

type Defaulted = 'domainId' | 'maxParticipantId' | 'sedpPort' | 'dataPort' | 'multicastGroup' | 'maxDatagramSize' | 'useIce'
  | 'iceEndpointIds' | 'useRtpsRelay' | 'rtpsRelayOnly' | 'receiveAddressDurationMs';
type ResolvedInit = RtpsUdpTransportInit & Required<Pick<RtpsUdpTransportInit, Defaulted>>;

/** Defaults of {@link RtpsUdpTransportInit} (those with a fixed default). */
export const DEFAULT_RTPS_UDP_TRANSPORT_INIT: Readonly<Required<Pick<RtpsUdpTransportInit, Defaulted>>> = Object.freeze({
  domainId: 0,
  maxParticipantId: 119,
  sedpPort: 0,
  dataPort: 0,
  multicastGroup: DEFAULT_SPDP_MULTICAST_GROUP,
  maxDatagramSize: 1400,
  useIce: false,
  iceEndpointIds: Object.freeze({ spdp: 'SPDP', sedp: 'SEDP', data: 'DATA' }),
  useRtpsRelay: false,
  rtpsRelayOnly: false,
  receiveAddressDurationMs: 5000,
});

/** Collaborators of {@link RtpsUdpTransport}. */
export interface RtpsUdpTransportDeps {
  /** This participant's GUID prefix. */
  readonly guidPrefix: GuidPrefix;
  readonly network: DatagramNetwork;
  readonly timers: TimerService;
  readonly log: Logger;
  /** The process's ICE driver, when `useIce`. */
  readonly iceDriver?: IceDriver;
  /** Random bytes for the relay keepalive's STUN transaction ids; default `crypto.randomBytes`. Seed it on simnet. */
  readonly randomBytes?: (n: number) => Uint8Array;
}

/** Typed events (STYLE.md rule 12). */
export interface RtpsUdpTransportEvents {
  /** Something was dropped and counted; `from` for receive-side drops. */
  dropped: [reason: TransportDropReason, channel: TransportChannel];
  /** The relay keepalive of a channel learned, changed or lost our address as the relay sees it (spec §6.1). */
  'relay-address': [channel: TransportChannel, event: RelayKeepaliveEvent];
}


/** One channel's sockets: raw, or the ICE driver's for one endpoint. */
interface ChannelIo {
  readonly locals: readonly TransportAddress[];
  send(to: TransportAddress, bytes: Uint8Array, from: TransportAddress | undefined): boolean;
  close(): void;
}

interface RemoteParticipant {
  readonly prefix: GuidPrefix;
  readonly init: RemoteParticipantInit;
}

/** Whether a participant of `vendorId` receives on the port it sends from (see RemoteParticipantInit.vendorId). */
function repliesToSource(vendorId: number | undefined): boolean {
  return vendorId === undefined || vendorId === VendorIds.UNKNOWN || vendorId === VendorIds.OPENDDS;
}

function addresses(locators: readonly Locator[] | undefined): TransportAddress[] {
  const out: TransportAddress[] = [];
  for (const l of locators ?? []) {
    const a = addressFromLocator(l);
    if (a !== undefined && a.port !== 0) out.push(a);
  }
  return out;
}

/** `list` without repeated addresses, first occurrence kept. */
function uniqueAddresses(list: readonly TransportAddress[]): TransportAddress[] {
  const out: TransportAddress[] = [];
  for (const a of list) if (!out.some((b) => addressEquals(a, b))) out.push(a);
  return out;
}

function isAddressInUse(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'EADDRINUSE';
}

/** See the module comment. Open with {@link RtpsUdpTransport.open}. */
export class RtpsUdpTransport extends EventEmitter<RtpsUdpTransportEvents> implements Transport {
  readonly guidPrefix: GuidPrefix;
  readonly maxDatagramSize: number;
  /** The participant id the SPDP port probe settled on. */
  participantId = -1;
  readonly #deps: RtpsUdpTransportDeps;
  readonly #init: ResolvedInit;
  readonly #engine: TransportEngine;
  readonly #io = new Map<TransportChannel, ChannelIo>();
  #multicastSocket: DatagramSocket | undefined;
  #multicastGroup: TransportAddress | undefined;
  readonly #remotes = new Map<string, RemoteParticipant>();
  /** `channel|prefixhex` → where and when we last received from that participant on that channel. */
  readonly #lastReceive = new Map<string, { address: TransportAddress; atMs: number }>();
  /**
   * Per channel, the `#lastReceive` entry of the participant the last datagram came from, so that a
   * stream of datagrams from one peer updates it in place instead of building a key string each.
   */
  readonly #lastReceiveCache = new Map<TransportChannel, { readonly prefix: Uint8Array; readonly key: string; readonly entry: { address: TransportAddress; atMs: number } }>();
  #receivingChannel: TransportChannel = 'spdp';
  readonly #relay: RelayKeepaliveSet;

  private constructor(deps: RtpsUdpTransportDeps, init: RtpsUdpTransportInit) {
    super();
    this.#deps = deps;
    this.#init = { ...DEFAULT_RTPS_UDP_TRANSPORT_INIT, ...init };
    const max = this.#init.maxDatagramSize;
    if (!Number.isInteger(max) || max < 64 || max > 65507) throw new InvalidConfigError('maxDatagramSize', `must be an integer in 64..65507, got ${max}`);
    if (this.#init.useIce && deps.iceDriver === undefined) throw new InvalidConfigError('useIce', 'needs deps.iceDriver');
    if (this.#init.multicast === true && !isMulticastNetwork(deps.network)) throw new InvalidConfigError('multicast', 'the network cannot join multicast groups');
    this.guidPrefix = deps.guidPrefix.slice();
    this.maxDatagramSize = max;
    this.#engine = new TransportEngine({
      guidPrefix: this.guidPrefix,
      timers: deps.timers,
      log: deps.log.child('rtps-udp'),
      maxDatagramSize: max,
      deliver: (channel, destination, bytes, endpointLocators) => this.#deliver(channel, destination, bytes, endpointLocators),
      knowsParticipant: (_channel, prefix) => this.#remotes.has(toHex(prefix)),
      onDrop: (reason) => {
        if (this.listenerCount('dropped') > 0) this.emit('dropped', reason, this.#receivingChannel);
      },
    });
    this.#relay = new RelayKeepaliveSet({
      timers: deps.timers,
      log: deps.log.child('relay-keepalive'),
      randomBytes: deps.randomBytes ?? ((n: number): Uint8Array => new Uint8Array(cryptoRandomBytes(n))),
      send: (channel, local, to, bytes) => { this.#io.get(channel)?.send(to, bytes, local); },
      emit: (channel, e) => { this.#onRelayEvent(channel, e); },
    });
  }

  /**
   * Binds the participant's sockets (or ICE endpoints) and returns the open transport.
   * @throws InvalidConfigError for bad options; the network's bind error (BindError, …) when a
   *   socket cannot be bound (SPDP: when every probed port is taken); AbortError-like on `signal`.
   */
  static async open(deps: RtpsUdpTransportDeps, init: RtpsUdpTransportInit = {}, options: { readonly signal?: AbortSignal } = {}): Promise<RtpsUdpTransport> {
    options.signal?.throwIfAborted();
    const t = new RtpsUdpTransport(deps, init);
    try {
      await t.#bindAll(options.signal);
      t.#startRelayKeepalives();
    } catch (err) {
      t.close();
      throw err;
    }
    return t;
  }

  async #bindAll(signal: AbortSignal | undefined): Promise<void> {
    const init = this.#init;
    const ips = init.ips ?? this.#deps.network.interfaceAddresses().map((a) => a.ip);
    if (ips.length === 0) throw new InvalidConfigError('ips', 'no local address to bind');
    // SPDP unicast: probe participant ids until a port is free on every IP (OpenDDS Spdp.cpp).
    let lastErr: unknown;
    for (const { participantId, port } of spdpUnicastPortCandidates(init.domainId, init.portMapping ?? {}, init.maxParticipantId)) {
      signal?.throwIfAborted();
      try {
        this.#io.set('spdp', await this.#openChannel('spdp', ips, port, signal));
        this.participantId = participantId;
        break;
      } catch (err: unknown) {
        if (!isAddressInUse(err)) throw err;
        lastErr = err;
      }
    }
    if (!this.#io.has('spdp')) throw lastErr instanceof Error ? lastErr : new TransportError('no free SPDP unicast port');
    this.#io.set('sedp', await this.#openChannel('sedp', ips, init.sedpPort, signal));
    this.#io.set('data', await this.#openChannel('data', ips, init.dataPort, signal));
    const network = this.#deps.network;
    const wantMulticast = init.multicast ?? isMulticastNetwork(network);
    if (wantMulticast && isMulticastNetwork(network)) {
      const iface = init.multicastInterface ?? ips.find((ip) => !ip.includes(':'));
      if (iface === undefined) throw new InvalidConfigError('multicastInterface', 'no IPv4 address to join the group on');
      const port = rtpsPort('spdp-multicast', init.domainId, 0, init.portMapping ?? {});
      const socket = await network.bindMulticast(init.multicastGroup, port, iface);
      this.#multicastSocket = socket;
      this.#multicastGroup = socket.localAddress;
      socket.onDatagram((bytes, from) => { this.#onDatagram('spdp', bytes, from, false); });
    }
  }

  async #openChannel(channel: TransportChannel, ips: readonly string[], port: number, signal: AbortSignal | undefined): Promise<ChannelIo> {
    const driver = this.#deps.iceDriver;
    if (this.#init.useIce && driver !== undefined) {
      const id = this.#iceId(channel);
      const stunServer = this.#init.stunServers?.[channel];
      await driver.addEndpoint({
        id, ips, port, ...(stunServer === undefined ? {} : { stunServer }),
        onOtherDatagram: (bytes, from) => { this.#onDatagram(channel, bytes, from, true); },
        onStunDatagram: (bytes, from, local) => this.#relay.handleStun(channel, local, bytes, from),
      }, signal === undefined ? {} : { signal });
      const locals = driver.localAddresses(id);
      return {
        locals,
        send: (to, bytes, from) => {
          const base = from ?? pickSocketAddress(locals, to);
          return base !== undefined && driver.sendFrom(id, base, to, bytes);
        },
        close: () => { driver.removeEndpoint(id); },
      };
    }
    const sockets: DatagramSocket[] = [];
    try {
      for (const ip of ips) {
        const s = await this.#deps.network.bind(ip, port);
        sockets.push(s);
        const local = s.localAddress;
        s.onDatagram((bytes, from) => { this.#onDatagram(channel, bytes, from, false, local); });
        signal?.throwIfAborted();
      }
    } catch (err) {
      for (const s of sockets) s.close();
      throw err;
    }
    const locals = sockets.map((s) => s.localAddress);
    return {
      locals,
      send: (to, bytes, from) => {
        const base = from ?? pickSocketAddress(locals, to);
        const socket = sockets.find((s) => base !== undefined && addressEquals(s.localAddress, base));
        if (socket === undefined) return false;
        socket.send(bytes, to);
        return true;
      },
      close: () => { for (const s of sockets) s.close(); },
    };
  }

  #iceId(channel: TransportChannel): string {
    return this.#init.iceEndpointIds[channel] ?? DEFAULT_RTPS_UDP_TRANSPORT_INIT.iceEndpointIds[channel] ?? channel.toUpperCase();
  }

  /**
   * The demultiplexer (spec §3.5): RTPS → receiver; STUN → the relay keepalive of the socket, else ICE
   * (with ICE the driver offers it to the keepalive first); else count and drop.
   */
  #onDatagram(channel: TransportChannel, bytes: Uint8Array, from: TransportAddress, viaIce: boolean, local?: TransportAddress): void {
    if (this.#engine.isClosed) return;
    this.#receivingChannel = channel;
    const kind = classifyDatagram(bytes);
    if (kind === 'stun' && local !== undefined && this.#relay.handleStun(channel, local, bytes, from)) {
      this.#engine.countIn('stun');
      return;
    }
    if (kind !== 'rtps') {
      this.#engine.countIn(kind === 'stun' ? 'stun' : 'other');
      this.#engine.drop(kind === 'stun' && !viaIce ? 'stun-without-ice' : 'not-rtps');
      return;
    }
    this.#engine.countIn('rtps');
    const source = this.#engine.receive(bytes);
    if (source !== undefined) this.#noteReceive(channel, source, from);
  }

  /** Remembers where and when `source` was last heard from on `channel` (see `#lastReceive`). */
  #noteReceive(channel: TransportChannel, source: GuidPrefix, from: TransportAddress): void {
    const atMs = this.#deps.timers.clock.now();
    const cached = this.#lastReceiveCache.get(channel);
    if (cached !== undefined && guidPrefixEquals(cached.prefix, source) && this.#lastReceive.get(cached.key) === cached.entry) {
      cached.entry.address = from;
      cached.entry.atMs = atMs;
      return;
    }
    const key = `${channel}|${toHex(source)}`;
    const entry = { address: from, atMs };
    this.#lastReceive.set(key, entry);
    this.#lastReceiveCache.set(channel, { prefix: source.slice(), key, entry });
  }

  /** The relay address of `channel` when relay use is on (`UseRtpsRelay` or `RtpsRelayOnly`). */
  #relayFor(channel: TransportChannel): TransportAddress | undefined {
    return this.#init.useRtpsRelay || this.#init.rtpsRelayOnly ? this.#init.relayAddresses?.[channel] : undefined;
  }

  /**
   * Sends one packed datagram per §5.13 (SPDP: the announcement destinations; `'relay'`: the
   * channel's relay port, spec §6.3).
   */
  #deliver(channel: TransportChannel, destination: GuidPrefix | 'relay' | undefined, bytes: Uint8Array, endpointLocators?: EndpointLocators): boolean | 'suppressed' {
    const io = this.#io.get(channel);
    if (io === undefined) return false;
    if (destination === 'relay') {
      const relay = this.#relayFor(channel);
      return relay !== undefined && io.send(relay, bytes, undefined);
    }
    if (channel === 'spdp') {
      // spec §6.3: under RtpsRelayOnly the periodic undirected announcement goes to the relay alone, on its own schedule.
      if (destination === undefined && this.#init.rtpsRelayOnly) return 'suppressed';
      const targets = destination === undefined ? this.#spdpAnnounceTargets() : this.#spdpDirectedViaRelay(destination);
      let n = 0;
      for (const to of targets) if (io.send(to, bytes, undefined)) n++;
      return n > 0;
    }
    if (destination === undefined) return false;
    const hex = toHex(destination);
    const remote = this.#remotes.get(hex);
    if (remote === undefined) return false;
    const now = this.#deps.timers.clock.now();
    const last = repliesToSource(remote.init.vendorId) ? this.#lastReceive.get(`${channel}|${hex}`) : undefined;
    const recent = last !== undefined && now - last.atMs <= this.#init.receiveAddressDurationMs ? last.address : undefined;
    const driver = this.#init.useIce ? this.#deps.iceDriver : undefined;
    const path = driver?.selectedPath(this.#iceId(channel), hex);
    const isMeta = channel === 'sedp';
    const defaults = addresses(isMeta ? remote.init.metatrafficUnicastLocators : remote.init.defaultUnicastLocators);
    const { addresses: targets } = selectAddresses({
      relayOnly: this.#init.rtpsRelayOnly,
      relay: this.#init.useRtpsRelay || this.#init.rtpsRelayOnly ? this.#init.relayAddresses?.[channel] : undefined,
      ice: path?.remoteAddress,
      recentReceive: recent,
      // The matched endpoints' own locators replace the participant's defaults (Transport.matchRemoteReader).
      unicast: endpointLocators === undefined ? defaults
        : uniqueAddresses([...addresses(endpointLocators.locators), ...(endpointLocators.andDefaults ? defaults : [])]),
      multicast: addresses(isMeta ? remote.init.metatrafficMulticastLocators : remote.init.defaultMulticastLocators),
    });
    let n = 0;
    for (const to of targets) {
      const from = path !== undefined && addressEquals(to, path.remoteAddress) ? path.localBase : undefined;
      if (io.send(to, bytes, from)) n++;
    }
    return n > 0;
  }

  /** The periodic announcement's destinations; the relay gets its copies as `'relay'` transmits (spec §6.3). */
  #spdpAnnounceTargets(): TransportAddress[] {
    const out = new Map<string, TransportAddress>();
    const add = (a: TransportAddress): void => { out.set(formatAddress(a), a); };
    if (this.#multicastGroup !== undefined) add(this.#multicastGroup);
    for (const a of this.#init.spdpPeers ?? []) add(a);
    for (const r of this.#remotes.values()) for (const a of this.#spdpDirectedTargets(r.prefix)) add(a);
    return [...out.values()];
  }

  /**
   * A directed SPDP datagram (INFO_DST): under RtpsRelayOnly to the relay alone; with UseRtpsRelay to
   * the participant and through the relay (spec §6.3: a participant first heard through the relay is
   * answered through it).
   */
  #spdpDirectedViaRelay(prefix: GuidPrefix): TransportAddress[] {
    const relay = this.#relayFor('spdp');
    if (relay === undefined) return this.#spdpDirectedTargets(prefix);
    if (this.#init.rtpsRelayOnly) return [relay];
    return [...this.#spdpDirectedTargets(prefix).filter((a) => !addressEquals(a, relay)), relay];
  }

  #spdpDirectedTargets(prefix: GuidPrefix): TransportAddress[] {
    const hex = toHex(prefix);
    const remote = this.#remotes.get(hex);
    const announced = addresses(remote?.init.spdpUnicastLocators);
    if (announced.length > 0) return announced;
    if (remote !== undefined && !repliesToSource(remote.init.vendorId)) return addresses(remote.init.metatrafficUnicastLocators);
    const last = this.#lastReceive.get(`spdp|${hex}`);
    return last === undefined ? [] : [last.address];
  }

  // ---- Transport ----

  locators(): TransportLocators {
    const loc = (c: TransportChannel): readonly Locator[] => (this.#io.get(c)?.locals ?? []).map(locatorFromAddress);
    return {
      spdpUnicast: loc('spdp'),
      spdpMulticast: this.#multicastGroup === undefined ? [] : [locatorFromAddress(this.#multicastGroup)],
      metatrafficUnicast: loc('sedp'),
      metatrafficMulticast: [],
      defaultUnicast: loc('data'),
      defaultMulticast: [],
    };
  }

  /**
   * Queues submessages of `from` (an SPDP entity: the SPDP relay schedule, spec §6.3) for the relay
   * port of its channel, without INFO_DST. Dropped as `no-destination` when relay use is off.
   */
  sendToRelay(from: EntityId, submessages: ReliabilityTransmit['submessages']): void {
    this.#engine.sendToRelay(from, submessages);
  }

  /** Whether relay use is on for `channel` (`UseRtpsRelay` or `RtpsRelayOnly`, and an address configured). */
  usesRelay(channel: TransportChannel): boolean {
    return this.#relayFor(channel) !== undefined;
  }

  /** Our address as the relay's port of `channel` last reported it (spec §6.1), per local socket. */
  relayReflexiveAddresses(channel: TransportChannel): readonly TransportAddress[] {
    return this.#relay.reflexiveAddresses(channel);
  }

  /** Counters of the relay keepalives of `channel`, one per local socket. */
  relayKeepaliveStats(channel: TransportChannel): readonly RelayKeepaliveStats[] {
    return this.#relay.stats(channel);
  }

  /**
   * Restarts the relay keepalive cadence of every socket (spec §6.2: on enable, on relay configuration
   * changes, when a new relay application participant is discovered).
   */
  resetRelayKeepalives(): void {
    this.#relay.reset();
  }

  /** One keepalive per socket whose family matches its channel's relay address (loopback only toward a loopback relay). */
  #startRelayKeepalives(): void {
    for (const channel of ['spdp', 'sedp', 'data'] as const) {
      const relay = this.#relayFor(channel);
      const io = this.#io.get(channel);
      if (relay === undefined || io === undefined) continue;
      const preset = channel === 'data' ? DATA_RELAY_KEEPALIVE_INIT : SPDP_RELAY_KEEPALIVE_INIT;
      const init = { ...preset, ...this.#init.relayKeepalive?.[channel] };
      for (const local of io.locals) {
        if (local.family === relay.family && isLoopback(local) === isLoopback(relay)) this.#relay.add(channel, local, relay, this.guidPrefix, init);
      }
      if (!this.#relay.has(channel)) {
        throw new InvalidConfigError(`relayAddresses.${channel}`, `no local socket of the family of ${formatAddress(relay)} to reach it from`);
      }
    }
  }

  /** The relay's answer is a server-reflexive candidate of the channel's ICE endpoint (spec §6.4, PR #1895 "future work"). */
  #onRelayEvent(channel: TransportChannel, e: RelayKeepaliveEvent): void {
    const driver = this.#init.useIce ? this.#deps.iceDriver : undefined;
    driver?.setServerReflexiveAddress(this.#iceId(channel), e.relay, e.type === 'address-unset' ? undefined : e.address);
    if (this.listenerCount('relay-address') > 0) this.emit('relay-address', channel, e);
  }

  /** The bound unicast addresses of a channel. */
  localAddresses(channel: TransportChannel): readonly TransportAddress[] {
    return this.#io.get(channel)?.locals ?? [];
  }

  addLocalEndpoint(init: LocalEndpointInit): void {
    this.#engine.addLocalEndpoint(init);
  }

  removeLocalEndpoint(entityId: EntityId): void {
    this.#engine.endpoints.remove(entityId);
  }

  addRemoteParticipant(init: RemoteParticipantInit): void {
    this.#engine.assertOpen();
    const prefix = init.guidPrefix.slice();
    this.#remotes.set(toHex(prefix), { prefix, init: { ...init, guidPrefix: prefix } });
  }

  removeRemoteParticipant(guidPrefix: GuidPrefix): void {
    const hex = toHex(guidPrefix);
    this.#remotes.delete(hex);
    for (const c of ['spdp', 'sedp', 'data'] as const) this.#lastReceive.delete(`${c}|${hex}`);
    this.#engine.endpoints.removeParticipant(guidPrefix);
  }

  matchRemoteReader(localWriter: EntityId, remoteReader: Guid, unicastLocators?: readonly Locator[]): void {
    this.#engine.endpoints.matchRemoteReader(localWriter, remoteReader, unicastLocators);
  }

  unmatchRemoteReader(localWriter: EntityId, remoteReader: Guid): void {
    this.#engine.endpoints.unmatchRemoteReader(localWriter, remoteReader);
  }

  matchRemoteWriter(localReader: EntityId, remoteWriter: Guid, unicastLocators?: readonly Locator[]): void {
    this.#engine.endpoints.matchRemoteWriter(localReader, remoteWriter, unicastLocators);
  }

  unmatchRemoteWriter(localReader: EntityId, remoteWriter: Guid): void {
    this.#engine.endpoints.unmatchRemoteWriter(localReader, remoteWriter);
  }

  send(from: EntityId, transmit: ReliabilityTransmit): void {
    this.#engine.send(from, transmit);
  }

  flush(): void {
    this.#engine.flush();
  }

  get flushCount(): number {
    return this.#engine.flushCount;
  }

  reschedule(): void {
    this.#engine.reschedule();
  }

  stats(): TransportStats {
    return this.#engine.stats();
  }

  // ---- ICE ----

  /** This participant's ICE agent info for a channel's endpoint (to announce: "SPDP"/"SEDP" in SPDP, "DATA" in SEDP). */
  iceLocalInfo(channel: TransportChannel): IceAgentInfo | undefined {
    return this.#init.useIce ? this.#deps.iceDriver?.agent.localInfo(this.#iceId(channel)) : undefined;
  }

  /**
   * Starts (or updates) ICE on a channel toward a remote participant's agent info (spec §2.5). The
   * peer key is the remote prefix in hex, so every endpoint pair with that participant shares it.
   */
  startIce(channel: TransportChannel, remote: GuidPrefix, info: IceAgentInfo, options: IceRemoteOptions = {}): void {
    const driver = this.#iceDriver();
    driver.startIce(this.#iceId(channel), toHex(remote), info, options);
  }

  stopIce(channel: TransportChannel, remote: GuidPrefix): void {
    this.#iceDriver().stopIce(this.#iceId(channel), toHex(remote));
  }

  /** The ICE-selected address for (channel, remote participant) while the pair is live. */
  selectedAddress(channel: TransportChannel, remote: GuidPrefix): TransportAddress | undefined {
    return this.#init.useIce ? this.#deps.iceDriver?.selectedAddress(this.#iceId(channel), toHex(remote)) : undefined;
  }

  #iceDriver(): IceDriver {
    this.#engine.assertOpen();
    const d = this.#init.useIce ? this.#deps.iceDriver : undefined;
    if (d === undefined) throw new TransportError('ICE is not enabled (useIce)');
    return d;
  }

  /** Closes every socket (and ICE endpoint) and the timer; nothing runs afterwards. Idempotent. */
  close(): void {
    this.#engine.close();
    this.#relay.close();
    for (const io of this.#io.values()) io.close();
    this.#io.clear();
    this.#multicastSocket?.close();
    this.#multicastSocket = undefined;
    this.removeAllListeners();
  }
}

/** The local socket to send to `to` from: same family; loopback to loopback; else the first. */
function pickSocketAddress(locals: readonly TransportAddress[], to: TransportAddress): TransportAddress | undefined {
  const sameFamily = locals.filter((l) => l.family === to.family);
  return sameFamily.find((l) => isLoopback(l) === isLoopback(to)) ?? sameFamily[0];
}
