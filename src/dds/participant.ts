/**
 * `DomainParticipant`: the DDS facade that wires the layers (docs/discovery.md "What the transport /
 * DDS layer must do"): one {@link RtpsUdpTransport} (SPDP, SEDP and DATA sockets), one
 * {@link SpdpCore}, one {@link SedpCore} and the process's ICE driver. SPDP carries the SPDP/SEDP
 * ICE info, SEDP the DATA info; discovery's ICE intents become `startIce`/`stopIce` on the transport
 * (per remote participant and channel), the agent's `local-info-changed` (password rotation, a new
 * server-reflexive candidate) re-announces, and the transport sends over the ICE-selected address
 * (spec §5.13). Every call into a core goes through `#run`, which drains deferred events after the
 * core has returned, so no core is re-entered (STYLE.md rule 3).
 */
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { EncapsulationKind, UserTypeCodec } from '../cdr/index.js';
import { compileIdl, TypeLibrary } from '../cdr/index.js';
import type { IceEndpointKey, IceIntent, RemoteEndpointData, SedpEvent, SpdpEvent } from '../discovery/index.js';
import { iceAgentInfoEquals, SedpCore, SpdpCore } from '../discovery/index.js';
import type { IceAgentEvent, IceAgentInfo } from '../ice/index.js';
import type { Guid, GuidPrefix, RtpsMessage, RtpsTime, SpdpParticipantData, Submessage } from '../rtps/index.js';
import { EntityIds, EntityKind, guidToString, PROTOCOL_VERSION_2_4, VendorIds } from '../rtps/index.js';
import type { IceDriver, PerChannel, RelayKeepaliveEvent, TransportChannel } from '../transport/index.js';
import { DtlsClientNetwork, IceDriver as IceDriverClass, RealTimerService, RtpsUdpTransport, UdpNetwork, type DtlsTrust } from '../transport/index.js';
import type { TransportAddress } from '../util/address.js';
import type { Clock } from '../util/clock.js';
import type { DatagramNetwork, TimerService } from '../util/datagram-io.js';
import { InvalidConfigError } from '../util/errors.js';
import { toHex } from '../util/hex.js';
import type { Logger } from '../util/logger.js';
import { silentLogger } from '../util/logger.js';
import type { DdsConfig, DdsConfigInput } from './config.js';
import { resolveDdsConfig } from './config.js';
import { DataReader } from './data-reader.js';
import { DataWriter } from './data-writer.js';
import { DdsUsageError, EntityClosedError, throwIfAborted } from './errors.js';
import type { EndpointControl, EndpointHost } from './internal.js';
import type { EndpointQosInit, ResolvedQos } from './qos.js';
import { resolveQos, toEndpointQos } from './qos.js';
import type { SharedIceDriverLease } from './shared-ice-driver.js';
import { acquireSharedIceDriver } from './shared-ice-driver.js';
import { Topic } from './topic.js';
import type { ParticipantIdentity } from '../security/index.js';
import type { TurnError } from '../turn/index.js';
import { identityProperties } from '../security/index.js';

/** Options of {@link DomainParticipant.create}. */
export interface DomainParticipantOptions {
  /** DDS domain id (0..232). */
  readonly domainId: number;
  /**
   * Where sockets come from. Default: real UDP (`UdpNetwork`, loopback included when `ips` names
   * it). Inject a simnet host to run in virtual time.
   */
  readonly network?: DatagramNetwork;
  /** Timers; default `RealTimerService` (required with an injected `network`). */
  readonly timers?: TimerService;
  /** Local IPs to bind (e.g. `['127.0.0.1']`); default every interface address of the network. */
  readonly ips?: readonly string[];
  /** SPDP multicast; default on for real UDP (joined on the first IPv4 of `ips`), off on simnet. */
  readonly multicast?: boolean;
  /** OpenDDS configuration (camelCase keys) or a resolved one from {@link parseDdsConfigIni}. */
  readonly config?: DdsConfigInput | DdsConfig;
  /**
   * The process's ICE driver, shared by participants. Default: on real UDP, one module-level driver
   * shared by every participant of the process (created with the first one's `[ice]` settings,
   * closed with the last); on an injected network, a driver of this participant.
   */
  readonly iceDriver?: IceDriver;
  /**
   * A persistent X.509 identity (docs/security.md; `loadIdentity`, or `loadOrCreateIdentityFiles`
   * for PEM files): the GUID prefix is derived from its subject (DDS Security 1.1 §9.3.3, stable across
   * restarts) and its SHA-256 fingerprint is announced in SPDP (PID_PROPERTY_LIST). Default none
   * (a random GUID prefix, as before).
   */
  readonly identity?: ParticipantIdentity;
  /**
   * DTLS on the hop to the RtpsRelay (docs/security.md): every datagram to the configured relay
   * addresses (`Spdp/Sedp/DataRtpsRelayAddress`) goes inside a DTLS session authenticated with
   * `identity` (required) and checked against `trust` (the relay's pinned fingerprint or CA). With
   * ICE and no `iceDriver` given, the participant gets its own driver on the DTLS-wrapped network
   * (a given `iceDriver` must have been built on a `DtlsClientNetwork` itself). Default off.
   */
  readonly relayDtls?: { readonly trust: DtlsTrust };
  /** Random bytes (GUID prefix, ICE credentials); default `crypto.randomBytes`. Seed it on simnet. */
  readonly randomBytes?: (n: number) => Uint8Array;
  /** Unix ms for source timestamps; default `Date.now` on real UDP, the virtual clock otherwise. */
  readonly wallClockMs?: () => number;
  /** Logger; default silent. */
  readonly log?: Logger;
  /** Cancels creation (sockets already bound are closed). */
  readonly signal?: AbortSignal;
  /**
   * Announce PID_OPENDDS_RTPS_RELAY_APPLICATION_PARTICIPANT (OpenDDS property
   * `OpenDDS.Rtps.RelayApplicationParticipant`): the RtpsRelay's own participant. Default false.
   */
  readonly rtpsRelayApplicationParticipant?: boolean;
}

/** What the participant reports about ICE on one channel toward one remote participant. */
export interface IceStatus {
  readonly channel: TransportChannel;
  /** The remote participant's GUID prefix in hex. */
  readonly remote: string;
  readonly state: 'selected' | 'disconnected' | 'reconnected' | 'failed';
  readonly remoteAddress: TransportAddress | undefined;
}

/** Typed events of a {@link DomainParticipant}. */
export interface DomainParticipantEvents {
  /** A TURN allocation of one of our ICE endpoints failed (docs/ice.md): no relayed candidate from that server. */
  'turn-failed': [error: TurnError];
  'participant-discovered': [participant: SpdpParticipantData];
  'participant-lost': [participant: SpdpParticipantData, reason: 'lease-expired' | 'disposed'];
  ice: [status: IceStatus];
  /** Our own ICE info changed (password rotation, server-reflexive address) and was re-announced. */
  'local-ice-changed': [channel: TransportChannel, reason: string];
  /** A remote writer's or reader's SEDP announcement arrived (new or changed), with its QoS and partitions. */
  'remote-endpoint': [endpoint: RemoteEndpointData, isNew: boolean];
  /** A remote writer or reader is gone (disposed, or its participant lost). */
  'remote-endpoint-removed': [guid: Guid];
  /** The RtpsRelay keepalive of a channel learned, changed or lost our address as the relay sees it (spec §6.1). */
  'relay-address': [channel: TransportChannel, event: RelayKeepaliveEvent];
}

const CHANNEL_OF_KEY: Readonly<Record<IceEndpointKey, TransportChannel>> = { SPDP: 'spdp', SEDP: 'sedp', DATA: 'data' };
const SEDP_ENTITIES = [
  EntityIds.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER, EntityIds.SEDP_BUILTIN_PUBLICATIONS_DETECTOR,
  EntityIds.SEDP_BUILTIN_SUBSCRIPTIONS_ANNOUNCER, EntityIds.SEDP_BUILTIN_SUBSCRIPTIONS_DETECTOR,
] as const;

function isResolved(c: DdsConfigInput | DdsConfig): c is DdsConfig {
  return 'warnings' in c;
}

/** One decoded submessage as the message the discovery cores take (`handleMessage`); `vendorId` is the RTPS header's. */
function asMessage(source: GuidPrefix, s: Submessage, ts: RtpsTime | undefined, vendorId: number = VendorIds.UNKNOWN): RtpsMessage {
  const header = { protocolVersion: PROTOCOL_VERSION_2_4, vendorId, guidPrefix: source };
  return { header, submessages: ts === undefined ? [s] : [{ kind: 'info-ts', littleEndian: true, timestamp: ts }, s] };
}

function perChannel(spdp: TransportAddress | undefined, sedp: TransportAddress | undefined, data: TransportAddress | undefined): PerChannel<TransportAddress> {
  return { ...(spdp !== undefined && { spdp }), ...(sedp !== undefined && { sedp }), ...(data !== undefined && { data }) };
}

/** See the module comment. Create with {@link DomainParticipant.create}. */
export class DomainParticipant extends EventEmitter<DomainParticipantEvents> {
  readonly guidPrefix: GuidPrefix;
  readonly domainId: number;
  readonly config: DdsConfig;
  readonly #log: Logger;
  readonly #transport: RtpsUdpTransport;
  readonly #spdp: SpdpCore;
  readonly #sedp: SedpCore;
  readonly #driver: IceDriver | undefined;
  readonly #release: () => Promise<void>;
  readonly #wallClockMs: () => number;
  readonly #clock: Clock;
  readonly #ownerKey = Symbol('participant');
  readonly #endpoints = new Map<string, EndpointControl>();
  readonly #pending: (() => void)[] = [];
  /** `channel|remotehex` → discovery pair keys that asked for it, and the info started with. */
  readonly #iceSessions = new Map<string, { readonly peers: Set<string>; info: IceAgentInfo }>();
  readonly #iceIds: Readonly<Record<TransportChannel, string>>;
  readonly #onIceEvent = (e: IceAgentEvent): void => { this.#pending.push(() => { this.#handleIceEvent(e); }); this.#run(() => undefined); };
  #depth = 0;
  #nextEntityKey = 1;
  #isClosed = false;

  private constructor(init: {
    readonly guidPrefix: GuidPrefix; readonly domainId: number; readonly config: DdsConfig; readonly log: Logger;
    readonly transport: RtpsUdpTransport; readonly driver: IceDriver | undefined; readonly release: () => Promise<void>;
    readonly wallClockMs: () => number; readonly clock: Clock; readonly iceIds: Readonly<Record<TransportChannel, string>>;
    readonly properties: readonly { readonly name: string; readonly value: string }[];
    readonly isRtpsRelayApplicationParticipant: boolean;
  }) {
    super();
    this.guidPrefix = init.guidPrefix;
    this.domainId = init.domainId;
    this.config = init.config;
    this.#log = init.log;
    this.#transport = init.transport;
    this.#driver = init.driver;
    this.#release = init.release;
    this.#wallClockMs = init.wallClockMs;
    this.#clock = init.clock;
    this.#iceIds = init.iceIds;
    const t = init.transport;
    const c = init.config;
    const loc = t.locators();
    const spdpIce = new Map<string, IceAgentInfo>();
    if (c.rtpsDiscovery.useIce) {
      for (const [key, ch] of [['SPDP', 'spdp'], ['SEDP', 'sedp']] as const) {
        const info = t.iceLocalInfo(ch);
        if (info !== undefined) spdpIce.set(key, info);
      }
    }
    this.#spdp = new SpdpCore({
      guidPrefix: this.guidPrefix, clock: init.clock, log: init.log,
      send: (tx) => {
        if (tx.to === 'relay') t.sendToRelay(EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER, tx.submessages);
        else t.send(EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER, { to: tx.to === 'announce' ? 'all-matched' : tx.to, submessages: tx.submessages });
      },
      emit: (e) => { this.#pending.push(() => { this.#onSpdpEvent(e); }); },
    }, {
      domainId: init.domainId, leaseDurationMs: c.rtpsDiscovery.leaseDurationMs, resendPeriodMs: c.rtpsDiscovery.resendPeriodMs,
      metatrafficUnicastLocators: loc.metatrafficUnicast, defaultUnicastLocators: loc.defaultUnicast, ice: spdpIce,
      properties: init.properties,
      undirected: c.rtpsDiscovery.undirectedSpdp,
      // spec §6.3: SPDP to the relay from SedpHeartbeatPeriod up to SpdpRtpsRelaySendPeriod.
      relaySendPeriodMs: t.usesRelay('spdp') ? c.rtpsDiscovery.spdpRtpsRelaySendPeriodMs : 0,
      relayInitialPeriodMs: c.rtpsDiscovery.sedpHeartbeatPeriodMs,
      isRtpsRelayApplicationParticipant: init.isRtpsRelayApplicationParticipant,
    });
    this.#sedp = new SedpCore({
      guidPrefix: this.guidPrefix, clock: init.clock, log: init.log,
      send: (tx) => { t.send(EntityIds.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER, { to: tx.to, submessages: tx.submessages }); },
      emit: (e) => { this.#pending.push(() => { this.#onSedpEvent(e); }); },
    }, { heartbeatPeriodMs: c.rtpsDiscovery.sedpHeartbeatPeriodMs });
    const spdp = this.#spdp;
    const sedp = this.#sedp;
    t.addLocalEndpoint({
      entityId: EntityIds.SPDP_BUILTIN_PARTICIPANT_DETECTOR,
      handler: (src, s, ts, vendorId) => { this.#run(() => { spdp.handleMessage(asMessage(src, s, ts, vendorId)); }); },
      core: { nextDeadline: () => spdp.nextDeadline(), handleTimeout: () => { this.#run(() => { spdp.handleTimeout(); }); } },
    });
    t.addLocalEndpoint({ entityId: EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER, handler: () => undefined });
    for (const entityId of SEDP_ENTITIES) {
      t.addLocalEndpoint({
        entityId,
        handler: (src, s, ts, vendorId) => {
          this.#run(() => {
            sedp.handleMessage(asMessage(src, s, ts, vendorId));
            spdp.renewLease(src); // docs/discovery.md: other traffic from a participant renews its lease
          });
        },
        ...(entityId === EntityIds.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER && {
          core: { nextDeadline: () => sedp.nextDeadline(), handleTimeout: () => { this.#run(() => { sedp.handleTimeout(); }); } },
        }),
      });
    }
    this.#driver?.on('ice-event', this.#onIceEvent);
    t.on('relay-address', (channel, e) => { this.emit('relay-address', channel, e); });
    this.#run(() => undefined);
  }

  /**
   * Opens the participant's sockets and starts discovery.
   * @throws InvalidConfigError for bad options or configuration; the network's bind error; AbortError on `signal`.
   */
  static async create(options: DomainParticipantOptions): Promise<DomainParticipant> {
    throwIfAborted(options.signal);
    const log = (options.log ?? silentLogger).child('dds');
    const config = options.config === undefined ? resolveDdsConfig({}, { log }) : isResolved(options.config) ? options.config : resolveDdsConfig(options.config, { log });
    const { domainId } = options;
    if (!Number.isInteger(domainId) || domainId < 0 || domainId > 232) throw new InvalidConfigError('domainId', `${domainId} is not in 0..232`);
    if (options.network !== undefined && options.timers === undefined) throw new InvalidConfigError('timers', 'required with an injected network');
    const randomBytes = options.randomBytes ?? ((n: number): Uint8Array => new Uint8Array(cryptoRandomBytes(n)));
    const closers: (() => void | Promise<void>)[] = [];
    const closeAll = async (): Promise<void> => { for (const f of closers.splice(0).reverse()) await f(); };
    try {
      let network = options.network;
      let timers = options.timers;
      if (network === undefined) {
        const udp = new UdpNetwork({ log }, { includeLoopback: true, busyPollMicros: config.transport.busyPollUs });
        closers.push(() => udp.close());
        network = udp;
      }
      if (timers === undefined) {
        const real = new RealTimerService({ log });
        closers.push(() => { real.close(); });
        timers = real;
      }
      const useIce = config.rtpsDiscovery.useIce || config.transport.useIce;
      let driver = options.iceDriver;
      if (options.relayDtls !== undefined) {
        if (options.identity === undefined) throw new InvalidConfigError('relayDtls', 'needs an identity (its certificate and key authenticate the DTLS sessions)');
        const dd = config.rtpsDiscovery;
        const relays = [dd.spdpRtpsRelayAddress, dd.sedpRtpsRelayAddress, config.transport.dataRtpsRelayAddress].filter((a) => a !== undefined);
        if (relays.length === 0) throw new InvalidConfigError('relayDtls', 'no RtpsRelay address is configured');
        network = new DtlsClientNetwork(network, relays, { identity: options.identity, trust: options.relayDtls.trust, log });
      }
      if (useIce && driver === undefined) {
        if (options.network === undefined && options.relayDtls === undefined) {
          const lease: SharedIceDriverLease = acquireSharedIceDriver(config.ice, log);
          closers.push(() => lease.release());
          driver = lease.driver;
        } else {
          const own = new IceDriverClass({ network, timers, randomBytes, log }, config.ice);
          closers.push(() => { own.close(); });
          driver = own;
        }
      }
      // RTPS 2.5 §9.3.1.5: the prefix starts with the vendor id; ours is 0x0000 (docs/discovery.md).
      // With an identity, DDS Security 1.1 §9.3.3's prefix derived from the certificate instead.
      const guidPrefix = new Uint8Array(12);
      if (options.identity === undefined) guidPrefix.set(randomBytes(10), 2);
      else guidPrefix.set(options.identity.guidPrefix);
      const hex = toHex(guidPrefix);
      const iceIds = { spdp: `${hex}.SPDP`, sedp: `${hex}.SEDP`, data: `${hex}.DATA` };
      const d = config.rtpsDiscovery;
      const tr = config.transport;
      const transport = await RtpsUdpTransport.open({ guidPrefix, network, timers, log, randomBytes, ...(driver !== undefined && useIce && { iceDriver: driver }) }, {
        domainId,
        ...(options.ips !== undefined && { ips: options.ips }),
        ...(options.multicast !== undefined && { multicast: options.multicast }),
        multicastGroup: d.multicastGroup,
        portMapping: d.portMapping,
        spdpPeers: d.spdpSendAddrs,
        maxDatagramSize: tr.maxMessageSize,
        useIce,
        iceEndpointIds: iceIds,
        stunServers: perChannel(d.spdpStunServerAddress, d.sedpStunServerAddress, tr.dataStunServerAddress),
        relayAddresses: perChannel(d.spdpRtpsRelayAddress, d.sedpRtpsRelayAddress, tr.dataRtpsRelayAddress),
        useRtpsRelay: d.useRtpsRelay || tr.useRtpsRelay,
        rtpsRelayOnly: d.rtpsRelayOnly || tr.rtpsRelayOnly,
        receiveAddressDurationMs: tr.receiveAddressDurationMs,
      }, options.signal === undefined ? {} : { signal: options.signal });
      const clock = timers.clock;
      const wallClockMs = options.wallClockMs ?? (options.network === undefined ? () => Date.now() : () => clock.now());
      return new DomainParticipant({
        guidPrefix, domainId, config, log, transport, driver: useIce ? driver : undefined, release: closeAll, wallClockMs, clock, iceIds,
        properties: options.identity === undefined ? [] : identityProperties(options.identity),
        isRtpsRelayApplicationParticipant: options.rtpsRelayApplicationParticipant ?? false,
      });
    } catch (err) {
      await closeAll();
      throw err;
    }
  }

  /**
   * A topic of type `typeName`, from IDL text, a compiled {@link TypeLibrary} or a codec.
   * @throws InvalidConfigError when the IDL does not compile or has no such type.
   */
  createTopic(name: string, typeName: string, type: string | TypeLibrary | UserTypeCodec): Topic {
    this.#assertOpen();
    const lib = typeof type === 'string' ? compileIdl(type) : type instanceof TypeLibrary ? type : undefined;
    const codec = lib === undefined ? (type instanceof TypeLibrary || typeof type === 'string' ? undefined : type) : lib.codec(typeName);
    if (codec === undefined) throw new InvalidConfigError('type', `no codec for ${typeName}`);
    const encapsulation: EncapsulationKind | undefined = lib?.encapsulationFor(typeName, 'xcdr1', true);
    return new Topic(name, typeName, codec, encapsulation, this.#ownerKey);
  }

  /** A DataWriter of `topic`. @throws InvalidConfigError for bad QoS; DdsUsageError for another participant's topic. */
  createDataWriter(topic: Topic, qos: EndpointQosInit = {}): DataWriter {
    const guid = this.#newGuid(topic, true);
    return new DataWriter(this.#host, topic, resolveQos(qos, true), guid);
  }

  /** A DataReader of `topic`. @throws as {@link createDataWriter}. */
  createDataReader(topic: Topic, qos: EndpointQosInit = {}): DataReader {
    const guid = this.#newGuid(topic, false);
    return new DataReader(this.#host, topic, resolveQos(qos, false), guid);
  }

  /** Remote participants known now. */
  discoveredParticipants(): SpdpParticipantData[] {
    return this.#spdp.participants();
  }

  /** The ICE-selected remote address on `channel` toward a remote participant, while live. */
  selectedAddress(channel: TransportChannel, remote: GuidPrefix): TransportAddress | undefined {
    return this.#isClosed ? undefined : this.#transport.selectedAddress(channel, remote);
  }

  /** The bound unicast addresses of a channel (for tests and diagnostics). */
  localAddresses(channel: TransportChannel): readonly TransportAddress[] {
    return this.#transport.localAddresses(channel);
  }

  /** Our addresses on `channel` as the RtpsRelay sees them (its STUN answers, spec §6.1); empty without a relay. */
  relayAddresses(channel: TransportChannel): readonly TransportAddress[] {
    return this.#isClosed ? [] : this.#transport.relayReflexiveAddresses(channel);
  }

  /** Transport counters. */
  transportStats(): ReturnType<RtpsUdpTransport['stats']> {
    return this.#transport.stats();
  }

  /**
   * Sends the SPDP dispose, closes every writer and reader (pending calls reject with
   * EntityClosedError), stops ICE, and closes the sockets and timers it opened (and releases the
   * shared ICE driver). Idempotent.
   */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#run(() => {
      for (const e of [...this.#endpoints.values()]) e.close();
      this.#endpoints.clear();
      this.#spdp.close();
      this.#sedp.close();
    });
    this.#isClosed = true;
    this.#transport.flush();
    this.#driver?.off('ice-event', this.#onIceEvent);
    this.#transport.close();
    this.#pending.length = 0;
    this.#iceSessions.clear();
    this.removeAllListeners();
    await this.#release();
  }

  // ---- internals ----

  get #host(): EndpointHost {
    return {
      guidPrefix: this.guidPrefix,
      clock: this.#clock,
      log: this.#log,
      transport: this.#transport,
      config: this.config,
      wallClockMs: () => this.#wallClockMs(),
      run: (fn) => this.#run(fn),
      defer: (fn) => { this.#pending.push(fn); },
      register: (control, topic, qos) => { this.#register(control, topic, qos); },
      unregister: (control) => { this.#unregister(control); },
    };
  }

  #assertOpen(): void {
    if (this.#isClosed) throw new EntityClosedError('participant closed');
  }

  #newGuid(topic: Topic, isWriter: boolean): Guid {
    this.#assertOpen();
    if (topic.ownerKey !== this.#ownerKey) throw new DdsUsageError(`topic ${topic.name} belongs to another participant`);
    const keyed = topic.codec.hasKey;
    const kind = isWriter ? (keyed ? EntityKind.USER_WRITER_WITH_KEY : EntityKind.USER_WRITER_NO_KEY) : (keyed ? EntityKind.USER_READER_WITH_KEY : EntityKind.USER_READER_NO_KEY);
    const key = this.#nextEntityKey++;
    return { prefix: this.guidPrefix, entityId: ((key << 8) | kind) >>> 0 };
  }

  #register(control: EndpointControl, topic: { readonly name: string; readonly typeName: string }, qos: ResolvedQos): void {
    this.#endpoints.set(guidToString(control.guid), control);
    const ice = this.config.transport.useIce ? this.#transport.iceLocalInfo('data') : undefined;
    const init = { guid: control.guid, topic: topic.name, type: topic.typeName, qos: toEndpointQos(qos), ...(ice !== undefined && { ice }) };
    this.#run(() => {
      if (control.isWriter) this.#sedp.addLocalWriter(init);
      else this.#sedp.addLocalReader(init);
    });
  }

  #unregister(control: EndpointControl): void {
    if (this.#isClosed) return;
    this.#endpoints.delete(guidToString(control.guid));
    this.#run(() => { this.#sedp.removeLocal(control.guid); });
  }

  /** Runs a core call; at the outermost level drains deferred work, then re-arms the transport timer. */
  #run<T>(fn: () => T): T {
    this.#depth++;
    let result: T;
    try {
      result = fn();
    } finally {
      this.#depth--;
    }
    if (this.#depth === 0) {
      this.#depth++;
      try {
        for (let f = this.#pending.shift(); f !== undefined; f = this.#pending.shift()) f();
      } finally {
        this.#depth--;
      }
      if (!this.#isClosed) this.#transport.reschedule();
    }
    return result;
  }

  #onSpdpEvent(e: SpdpEvent): void {
    switch (e.kind) {
      case 'participant-discovered': case 'participant-updated': {
        const p = e.participant;
        this.#transport.addRemoteParticipant({
          guidPrefix: p.guidPrefix, vendorId: p.vendorId,
          metatrafficUnicastLocators: p.metatrafficUnicastLocators, metatrafficMulticastLocators: p.metatrafficMulticastLocators,
          defaultUnicastLocators: p.defaultUnicastLocators, defaultMulticastLocators: p.defaultMulticastLocators,
        });
        this.#sedp.handleSpdpEvent(e);
        // A new relay application participant (a relay (re)started): register every socket again at
        // once rather than at the keepalive's next 30 s indication (SpdpCore restarts SPDP to the relay).
        if (e.kind === 'participant-discovered' && p.isRtpsRelayApplicationParticipant === true) this.#transport.resetRelayKeepalives();
        if (e.kind === 'participant-discovered') this.emit('participant-discovered', p);
        break;
      }
      case 'participant-lost':
        this.#sedp.handleSpdpEvent(e);
        this.#transport.removeRemoteParticipant(e.participant.guidPrefix);
        this.emit('participant-lost', e.participant, e.reason);
        break;
      case 'ice-start': case 'ice-stop':
        this.#iceIntent(e);
        break;
      default: { const never: never = e; return never; }
    }
  }

  #onSedpEvent(e: SedpEvent): void {
    switch (e.kind) {
      case 'matched': this.#endpoints.get(guidToString(e.local))?.onMatched(e.remote); break;
      case 'unmatched': this.#endpoints.get(guidToString(e.local))?.onUnmatched(e.remote); break;
      case 'incompatible-qos': this.#endpoints.get(guidToString(e.local))?.onIncompatible(e.remote, e.policy); break;
      case 'remote-endpoint': this.emit('remote-endpoint', e.endpoint, e.isNew); break;
      case 'remote-endpoint-removed': this.emit('remote-endpoint-removed', e.guid); break;
      case 'ice-start': case 'ice-stop': this.#iceIntent(e); break;
      default: { const never: never = e; return never; }
    }
  }

  /**
   * Discovery asks per GUID pair (spec §2.5); the transport runs one ICE session per (channel,
   * remote participant), so pairs are reference-counted: the first start (or changed info) starts,
   * the last stop stops.
   */
  #iceIntent(e: IceIntent): void {
    if (this.#isClosed || this.#driver === undefined) return;
    const channel = CHANNEL_OF_KEY[e.endpointKey];
    const remote = e.remoteGuid.prefix;
    const key = `${channel}|${toHex(remote)}`;
    const session = this.#iceSessions.get(key);
    if (e.kind === 'ice-start') {
      if (session === undefined) {
        this.#iceSessions.set(key, { peers: new Set([e.peerKey]), info: e.remote });
      } else {
        session.peers.add(e.peerKey);
        if (iceAgentInfoEquals(session.info, e.remote)) return;
        session.info = e.remote;
      }
      this.#transport.startIce(channel, remote, e.remote);
      return;
    }
    if (session === undefined) return;
    session.peers.delete(e.peerKey);
    if (session.peers.size > 0) return;
    this.#iceSessions.delete(key);
    this.#transport.stopIce(channel, remote);
  }

  #channelOfEndpoint(endpointId: string): TransportChannel | undefined {
    for (const ch of ['spdp', 'sedp', 'data'] as const) if (this.#iceIds[ch] === endpointId) return ch;
    return undefined;
  }

  #handleIceEvent(e: IceAgentEvent): void {
    if (this.#isClosed || e.type === 'role-changed') return;
    if (e.type === 'turn-failed') {
      // Not one of ours when the endpoint belongs to another participant of a shared driver.
      if (this.#channelOfEndpoint(e.endpointId) !== undefined) this.emit('turn-failed', e.error);
      return;
    }
    const channel = this.#channelOfEndpoint(e.endpointId);
    if (channel === undefined) return; // another participant's endpoint on the shared driver
    if (e.type === 'local-info-changed') {
      // docs/discovery.md: keep the announced info current (password rotation, srflx candidates).
      if (channel === 'data') {
        if (!this.config.transport.useIce) return;
        for (const ep of this.#endpoints.values()) this.#sedp.updateLocal(ep.guid, { ice: e.info });
      } else {
        if (!this.config.rtpsDiscovery.useIce) return;
        this.#spdp.setIce(channel === 'spdp' ? 'SPDP' : 'SEDP', e.info);
      }
      this.emit('local-ice-changed', channel, e.reason);
      return;
    }
    const remoteAddress = e.type === 'selected' || e.type === 'reconnected' ? e.remoteAddress : undefined;
    if (channel === 'data' && remoteAddress !== undefined) {
      // Samples written before the pair existed went to the announced locators, which may not
      // reach the peer (NAT): a HEARTBEAT now lets its reader NACK them instead of waiting a period.
      // DATA sessions are per remote participant: the peer key is its GUID prefix in hex.
      for (const key of e.peerKeys) for (const ep of this.#endpoints.values()) ep.onPathSelected?.(key);
    }
    for (const remote of e.peerKeys) this.emit('ice', { channel, remote, state: e.type, remoteAddress });
  }
}
