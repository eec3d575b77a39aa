/**
 * The RtpsRelay's application participant (spec §8.1, §8.3 steps 6-7; OpenDDS `RtpsRelay.cpp`): a
 * {@link DomainParticipant} of ours in the relay process, in the application domain, that is itself a
 * relay client of this relay's vertical ports (`RtpsRelayOnly`, directed SPDP only, PID 0xB006). It
 * does ordinary SPDP/SEDP with every client through the relay and feeds the partitions of every
 * remote reader and writer it learns into the relay's {@link PartitionTable}, which is what lets a
 * client's undirected SPDP reach the other clients (§8.3 step 8). It announces no endpoint.
 *
 * The relay knows the addresses of its sockets, so the relay router treats its GUID prefix from any
 * other address as an imposter (dropped; the address rejected for `rejectedAddressDurationMs`).
 */
import { EventEmitter } from 'node:events';
import type { DdsConfigInput } from '../dds/index.js';
import { DomainParticipant } from '../dds/index.js';
import type { Guid, GuidPrefix } from '../rtps/index.js';
import type { ParticipantIdentity } from '../security/index.js';
import type { DtlsTrust } from '../transport/index.js';
import type { DatagramNetwork, TimerService } from '../util/datagram-io.js';
import { InvalidConfigError } from '../util/errors.js';
import { toHex } from '../util/hex.js';
import { silentLogger, type Logger } from '../util/logger.js';
import type { RelayServer } from './relay-server.js';

/** OpenDDS `-ApplicationDomain` default (spec §8.6). */
export const DEFAULT_RELAY_APPLICATION_DOMAIN = 1;

/** Options of {@link RelayApplicationParticipant.start}. */
export interface RelayApplicationParticipantOptions {
  /** The application domain (OpenDDS `-ApplicationDomain`); default 1. */
  readonly domainId?: number;
  /** IP to bind the participant's sockets on; default the IP of the relay's SPDP port. */
  readonly ip?: string;
  /**
   * `[rtps_discovery]` settings merged over the required ones (e.g. `leaseDuration`, `resendPeriod`).
   * The relay keys, `RtpsRelayOnly` and `UndirectedSpdp` are fixed and cannot be overridden.
   */
  readonly rtpsDiscovery?: NonNullable<DdsConfigInput['rtpsDiscovery']>;
  /** Random bytes (GUID prefix, STUN transaction ids); default `crypto.randomBytes`. Seed it on simnet. */
  readonly randomBytes?: (n: number) => Uint8Array;
  /**
   * DTLS to the relay's vertical ports (a relay whose vertical network is a `DtlsServerNetwork` in mode
   * `require` drops the plain datagrams of its own application participant too): the identity it
   * authenticates with (its GUID prefix is then derived from the certificate) and how it trusts the relay.
   */
  readonly relayDtls?: { readonly identity: ParticipantIdentity; readonly trust: DtlsTrust };
  readonly log?: Logger;
  readonly signal?: AbortSignal;
}

/** Events of {@link RelayApplicationParticipant}; prefixes are lower-case hex. */
export interface RelayApplicationParticipantEvents {
  /** The partitions of a client's reader or writer were learned (or changed). */
  'endpoint-partitions': [endpoint: Guid, partitions: readonly string[]];
  'endpoint-removed': [endpoint: Guid];
}

/** See the module comment. */
export class RelayApplicationParticipant extends EventEmitter<RelayApplicationParticipantEvents> {
  readonly participant: DomainParticipant;
  #isClosed = false;

  private constructor(relay: RelayServer, participant: DomainParticipant) {
    super();
    this.participant = participant;
    const partitions = relay.partitions;
    participant.on('remote-endpoint', (endpoint) => {
      // An empty list is the default partition "" (the table applies -AllowEmptyPartition).
      const names = endpoint.qos.partitions ?? [];
      partitions.setEndpointPartitions(endpoint.endpointGuid, names);
      this.emit('endpoint-partitions', endpoint.endpointGuid, names);
    });
    participant.on('remote-endpoint-removed', (guid) => {
      partitions.removeEndpoint(guid);
      this.emit('endpoint-removed', guid);
    });
    participant.on('participant-lost', (p) => { partitions.removeParticipant(p.guidPrefix); });
  }

  /**
   * Creates the participant on `network` (the relay's), names it to `relay` with its sockets'
   * addresses, and starts learning partitions.
   * @throws InvalidConfigError for a bad option; what {@link DomainParticipant.create} throws.
   */
  static async start(relay: RelayServer, network: DatagramNetwork, timers: TimerService, options: RelayApplicationParticipantOptions = {}): Promise<RelayApplicationParticipant> {
    const domainId = options.domainId ?? DEFAULT_RELAY_APPLICATION_DOMAIN;
    if (!Number.isInteger(domainId) || domainId < 0 || domainId > 232) throw new InvalidConfigError('applicationDomain', `${domainId} is not in 0..232`);
    const spdp = relay.address('spdp');
    const sedp = relay.address('sedp');
    const data = relay.address('data');
    const participant = await DomainParticipant.create({
      domainId,
      network,
      timers,
      ips: [options.ip ?? spdp.ip],
      multicast: false,
      rtpsRelayApplicationParticipant: true,
      ...(options.randomBytes !== undefined && { randomBytes: options.randomBytes }),
      log: (options.log ?? silentLogger).child('application-participant'),
      ...(options.signal !== undefined && { signal: options.signal }),
      ...(options.relayDtls !== undefined && { identity: options.relayDtls.identity, relayDtls: { trust: options.relayDtls.trust } }),
      config: {
        // spec §8.1: the test configurations of OpenDDS's relay (relay*.ini).
        rtpsDiscovery: {
          ...options.rtpsDiscovery,
          spdpRtpsRelayAddress: spdp, sedpRtpsRelayAddress: sedp, rtpsRelayOnly: true, useRtpsRelay: false, undirectedSpdp: false,
        },
        transport: { dataRtpsRelayAddress: data, rtpsRelayOnly: true },
      },
    });
    relay.setApplicationParticipant(participant.guidPrefix, {
      spdp: participant.localAddresses('spdp'),
      sedp: participant.localAddresses('sedp'),
      data: participant.localAddresses('data'),
    });
    return new RelayApplicationParticipant(relay, participant);
  }

  /** The participant's GUID prefix. */
  get guidPrefix(): GuidPrefix {
    return this.participant.guidPrefix;
  }

  /** Hex prefixes of the clients it has discovered. */
  discoveredClients(): string[] {
    return this.participant.discoveredParticipants().map((p) => toHex(p.guidPrefix));
  }

  /** Closes the participant (its sockets and timers). The relay keeps running. Idempotent. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.removeAllListeners();
    await this.participant.close();
  }
}
