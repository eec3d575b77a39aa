/**
 * The `Transport` contract between RTPS protocol layers (discovery, DDS) and whatever carries their
 * datagrams: {@link RtpsUdpTransport} (UDP sockets, optional ICE), {@link InMemoryTransport} (tests)
 * and, later, the relay client. Another DDS implementation can import this file alone: it names only
 * `rtps/` and `reliability/` types.
 *
 * The model (RTPS 2.5 §8.3, OpenDDS `RtpsUdpDataLink`): a participant (one GUID prefix) has local
 * endpoints (readers and writers, by entity id) on three channels, each with its own socket(s):
 * `spdp` (participant discovery), `sedp` (metatraffic: the other builtin endpoints) and `data` (user
 * endpoints). Remote participants are registered with the locators they announced in SPDP; matches
 * tell the transport which remote readers a local writer fans out to. Reliability cores hand their
 * transmits to {@link Transport.send}; the transport adds INFO_DST, batches them into datagrams,
 * chooses addresses and routes what arrives back to local endpoints by readerId / writerId.
 */
import type { EntityId, Guid, GuidPrefix, Locator, RtpsTime, Submessage } from '../rtps/index.js';
import type { ReliabilityTransmit } from '../reliability/index.js';
import { EntityIds } from '../rtps/index.js';

/** The three sockets of a participant (ARCHITECTURE.md "Three ICE endpoints per participant"). */
export type TransportChannel = 'spdp' | 'sedp' | 'data';

/** Every channel, in a fixed order. */
export const TRANSPORT_CHANNELS: readonly TransportChannel[] = Object.freeze(['spdp', 'sedp', 'data']);

/**
 * Receives the submessages routed to a local endpoint. `sourcePrefix` and every byte field alias
 * the datagram: copy what you keep. Matches `RtpsReader.handleSubmessage` / `RtpsWriter.handleSubmessage`.
 * Must not call back into the transport's receive path (sending is fine: it is queued).
 */
/** `vendorId`: the RTPS header's (decides which vendor-specific parameters a payload decoder interprets). */
export type EndpointHandler = (sourcePrefix: GuidPrefix, submessage: Submessage, sourceTimestamp: RtpsTime | undefined, vendorId: number) => void;

/** A sans-I/O core whose deadlines the transport serves with its one timer (STYLE.md rule 5). */
export interface ScheduledCore {
  /** Absolute time (ms on the transport's clock) of the next `handleTimeout`, or undefined for none. */
  nextDeadline(): number | undefined;
  handleTimeout(): void;
}

/** A local reader or writer. */
export interface LocalEndpointInit {
  /** Its entity id (the prefix is the transport's). */
  readonly entityId: EntityId;
  readonly handler: EndpointHandler;
  /** Its reliability core, if any: `handleTimeout` runs when `nextDeadline` passes. */
  readonly core?: ScheduledCore;
  /** Default {@link channelOfEntity}. */
  readonly channel?: TransportChannel;
}

/** A remote participant's locators, as announced in its SPDP data (RTPS 2.5 §8.5.3.2). */
export interface RemoteParticipantInit {
  readonly guidPrefix: GuidPrefix;
  /** `metatrafficUnicastLocatorList`: its SEDP socket(s). */
  readonly metatrafficUnicastLocators?: readonly Locator[];
  readonly metatrafficMulticastLocators?: readonly Locator[];
  /** `defaultUnicastLocatorList`: its user-data socket(s). */
  readonly defaultUnicastLocators?: readonly Locator[];
  readonly defaultMulticastLocators?: readonly Locator[];
  /**
   * Its SPDP unicast socket(s), for directed SPDP. Optional: SPDP does not announce it; by default
   * the transport uses the source address of the last SPDP datagram received from it.
   */
  readonly spdpUnicastLocators?: readonly Locator[];
  /**
   * Its vendor id (SPDP `PID_VENDORID`). Decides whether the source address of what it sends is a
   * reply address (§5.13 `receive_address_duration`, and directed SPDP without announced SPDP
   * locators): yes for OpenDDS (0x0103), us (0x0000) and when absent, whose sockets send from the port
   * they receive on (and whose source is the NAT mapping behind a NAT); no for other vendors, which
   * may send from sockets they never read (Fast DDS sends from an ephemeral port), so only their
   * announced locators are used (directed SPDP: the metatraffic unicast locators).
   */
  readonly vendorId?: number;
}

/** This participant's locators, to announce in SPDP. */
export interface TransportLocators {
  readonly spdpUnicast: readonly Locator[];
  readonly spdpMulticast: readonly Locator[];
  readonly metatrafficUnicast: readonly Locator[];
  readonly metatrafficMulticast: readonly Locator[];
  readonly defaultUnicast: readonly Locator[];
  readonly defaultMulticast: readonly Locator[];
}

/** Why a datagram or a submessage was dropped on receive, or a transmit was not sent. */
export type TransportDropReason =
  /** Not RTPS and not STUN (e.g. "RTPX", DTLS, random bytes) — spec §3.5. */
  | 'not-rtps'
  /** STUN on a socket without ICE. */
  | 'stun-without-ice'
  /** Started with "RTPS" but did not decode (DecodeError). */
  | 'malformed'
  /** Our own datagram (multicast loopback). */
  | 'own'
  /** A submessage after an INFO_DST naming another participant. */
  | 'not-for-us'
  /** A submessage naming no local endpoint. */
  | 'no-endpoint'
  /** A transmit to a participant the transport does not know, or with no address to send to. */
  | 'no-destination'
  /** A transmit larger than `maxDatagramSize` on its own (sent anyway; counted). */
  | 'oversize';

/** Counters of a transport; every drop is counted (never thrown). */
export interface TransportStats {
  readonly datagramsIn: number;
  readonly rtpsIn: number;
  readonly stunIn: number;
  readonly submessagesIn: number;
  readonly datagramsOut: number;
  readonly bytesOut: number;
  readonly transmitsOut: number;
  readonly dropped: Readonly<Record<TransportDropReason, number>>;
}

/** All drop counters at zero; copy with a spread. */
export const NO_TRANSPORT_DROPS: Readonly<Record<TransportDropReason, number>> = Object.freeze({
  'not-rtps': 0,
  'stun-without-ice': 0,
  malformed: 0,
  own: 0,
  'not-for-us': 0,
  'no-endpoint': 0,
  'no-destination': 0,
  oversize: 0,
});

/**
 * What discovery and DDS use to move RTPS. Every method is synchronous and never throws for
 * network conditions (UDP semantics: failures are counted in {@link stats}).
 */
export interface Transport {
  /** This participant's GUID prefix (the RTPS header of everything sent). */
  readonly guidPrefix: GuidPrefix;
  /** Largest datagram sent (RTPS header included); configure the reliability cores with the same value. */
  readonly maxDatagramSize: number;
  /** The locators to announce in SPDP. */
  locators(): TransportLocators;

  /** Registers a local endpoint. @throws TransportError for a duplicate entity id or after close. */
  addLocalEndpoint(init: LocalEndpointInit): void;
  removeLocalEndpoint(entityId: EntityId): void;

  /** Registers (or updates) a remote participant. */
  addRemoteParticipant(init: RemoteParticipantInit): void;
  /** Forgets a participant and every match with its endpoints. */
  removeRemoteParticipant(guidPrefix: GuidPrefix): void;

  /**
   * A local writer now sends `'all-matched'` transmits to `remoteReader`'s participant too.
   * `unicastLocators`: the reader's own (SEDP `PID_UNICAST_LOCATOR`); when given, datagrams from
   * this writer to that participant go there instead of its default unicast locators (RTPS 2.5
   * §8.5.4.2), under the same ICE and relay rules.
   */
  matchRemoteReader(localWriter: EntityId, remoteReader: Guid, unicastLocators?: readonly Locator[]): void;
  unmatchRemoteReader(localWriter: EntityId, remoteReader: Guid): void;
  /**
   * DATA / HEARTBEAT / GAP from `remoteWriter` with readerId UNKNOWN now reach `localReader`.
   * `unicastLocators`: the writer's own, where this reader's ACKNACKs go (as for matchRemoteReader).
   */
  matchRemoteWriter(localReader: EntityId, remoteWriter: Guid, unicastLocators?: readonly Locator[]): void;
  unmatchRemoteWriter(localReader: EntityId, remoteWriter: Guid): void;

  /**
   * Queues a reliability transmit from local endpoint `from` (its channel picks the socket). To a
   * GuidPrefix: INFO_DST + the submessages to that participant. `'all-matched'`: once to every
   * participant with a reader matched to `from`; for the SPDP writer, to the SPDP destinations
   * (multicast group, configured peers, known participants). Transmits to one participant are
   * packed into datagrams of at most {@link maxDatagramSize}, never split; the queue is flushed at the
   * end of the current receive / timer callback, or right after the current call stack otherwise.
   */
  send(from: EntityId, transmit: ReliabilityTransmit): void;
  /** Sends everything queued now. */
  flush(): void;
  /**
   * Grows each time a flush finds or leaves the send queue empty (and at close). Once it has
   * grown past its value at the time of a `send`, the transport no longer reads the octets that
   * transmit referenced: a writer may then reuse them (`ReliabilityDeps.flushCount`).
   */
  readonly flushCount: number;
  /** Re-arms the timer after a core changed its deadline outside a transport callback (e.g. `write`). */
  reschedule(): void;

  stats(): TransportStats;
  /** Closes sockets and the timer; no handler runs afterwards. Idempotent. */
  close(): void;
}

/** The SPDP builtin entities travel on the `spdp` channel. */
const SPDP_ENTITIES: ReadonlySet<EntityId> = new Set([EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER, EntityIds.SPDP_BUILTIN_PARTICIPANT_DETECTOR]);

/**
 * The channel of an entity as OpenDDS lays them out: the SPDP builtin writer/reader on SPDP, every
 * other builtin entity (kind 0xc0..0xff: SEDP, P2P, TypeLookup) on SEDP, user entities on DATA.
 */
export function channelOfEntity(entityId: EntityId): TransportChannel {
  if (SPDP_ENTITIES.has(entityId)) return 'spdp';
  return (entityId & 0xc0) === 0xc0 ? 'sedp' : 'data';
}
