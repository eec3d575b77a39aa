/**
 * The relay participant (OpenDDS spec §8.1, §8.2): a DDS participant of ours in the relay domain
 * (`-RelayDomain`, default 0) through which relays share where they are and which partitions their
 * clients use. Each relay publishes
 * - "Relay Addresses": one `RelayAddress {relay_id, name, address}` per horizontal handler (HSPDP,
 *   HSEDP, HDATA), and
 * - "Relay Partitions": the partitions of its clients' endpoints as `RelayPartitions {relay_id, slot,
 *   partitions}` in slots of at most 64 names, re-writing only changed slots (an emptied slot is
 *   written with no names),
 * with publisher partition = its relay id, and subscribes to both with partition `"*"`. Writers and
 * readers are reliable and transient-local, keep-last 1 per instance, so a relay that starts late (or
 * restarts) gets the others' current state. What it reads fills a {@link RelayPartitionTable}; a relay
 * whose participant is lost (lease expired or disposed) is removed from it.
 *
 * Its own samples are ignored by relay id. Sits in `relay/`'s I/O shell: it only wires DDS entities
 * to the sans-I/O tables.
 */
import type { UserSample } from '../cdr/index.js';
import type { DataWriter, DdsConfig, DdsConfigInput } from '../dds/index.js';
import { DomainParticipant } from '../dds/index.js';
import type { TransportAddress } from '../util/address.js';
import { formatAddress, parseAddress } from '../util/address.js';
import type { DatagramNetwork, TimerService } from '../util/datagram-io.js';
import { InvalidConfigError } from '../util/errors.js';
import { toHex } from '../util/hex.js';
import type { Logger } from '../util/logger.js';
import { RELAY_PORT_TYPES, type RelayPortType } from './guid-addr-set.js';
import {
  MAX_SLOT_SIZE, RELAY_ADDRESS_TYPE, RELAY_ADDRESSES_TOPIC, RELAY_IDL, RELAY_PARTITIONS_TOPIC, RELAY_PARTITIONS_TYPE,
} from './relay-idl.js';
import { HORIZONTAL_HANDLER_NAMES, portTypeOfHandlerName, type RelayPartitionTable } from './relay-partition-table.js';

/** Options of {@link RelayDomain.create}. */
export interface RelayDomainOptions {
  /** This relay's id (`-Id`): the publisher partition and the `relay_id` of its samples. */
  readonly relayId: string;
  /** `-RelayDomain`; default 0. */
  readonly domainId?: number;
  readonly network: DatagramNetwork;
  readonly timers: TimerService;
  /** Local IPs for the participant's sockets (default: the network's interface addresses). */
  readonly ips?: readonly string[];
  /** SPDP multicast (default: on for real UDP, off on simnet); peers can also be listed with `SpdpSendAddrs`. */
  readonly multicast?: boolean;
  /** Discovery/transport configuration of the relay participant (OpenDDS `-DCPSConfigFile`). */
  readonly config?: DdsConfigInput | DdsConfig;
  readonly randomBytes?: (n: number) => Uint8Array;
  readonly log: Logger;
  readonly signal?: AbortSignal;
}

/** Counters of {@link RelayDomain}. */
export interface RelayDomainStats {
  readonly addressSamplesWritten: number;
  readonly partitionSamplesWritten: number;
  readonly samplesReceived: number;
  /** Samples whose fields did not make sense (bad address text, unknown handler name). */
  readonly samplesRejected: number;
  readonly relaysLost: number;
}

function stringField(s: UserSample, name: string): string {
  const v = s[name];
  return typeof v === 'string' ? v : '';
}

/** See the module comment. */
export class RelayDomain {
  readonly participant: DomainParticipant;
  readonly #relayId: string;
  readonly #table: RelayPartitionTable;
  readonly #log: Logger;
  readonly #addressWriter: DataWriter;
  readonly #partitionWriter: DataWriter;
  /** Remote relay id → the GUID prefix (hex) of the participant that last wrote for it. */
  readonly #ownerOf = new Map<string, string>();
  /** Slots as last written. */
  #slots: (readonly string[])[] = [];
  #addressSamplesWritten = 0;
  #partitionSamplesWritten = 0;
  #samplesReceived = 0;
  #samplesRejected = 0;
  #relaysLost = 0;
  #isClosed = false;

  private constructor(participant: DomainParticipant, relayId: string, table: RelayPartitionTable, log: Logger) {
    this.participant = participant;
    this.#relayId = relayId;
    this.#table = table;
    this.#log = log;
    const addresses = participant.createTopic(RELAY_ADDRESSES_TOPIC, RELAY_ADDRESS_TYPE, RELAY_IDL);
    const partitions = participant.createTopic(RELAY_PARTITIONS_TOPIC, RELAY_PARTITIONS_TYPE, RELAY_IDL);
    const writerQos = { reliability: 'reliable', durability: 'transient-local', history: 'keep-last', depth: 1, partitions: [relayId] } as const;
    const readerQos = { reliability: 'reliable', durability: 'transient-local', history: 'keep-last', depth: 1, partitions: ['*'] } as const;
    this.#addressWriter = participant.createDataWriter(addresses, writerQos);
    this.#partitionWriter = participant.createDataWriter(partitions, writerQos);
    const addressReader = participant.createDataReader(addresses, readerQos);
    const partitionReader = participant.createDataReader(partitions, readerQos);
    addressReader.on('data', (sample, info) => { this.#onAddress(sample, toHex(info.writerGuid.prefix)); });
    partitionReader.on('data', (sample, info) => { this.#onPartitions(sample, toHex(info.writerGuid.prefix)); });
    participant.on('participant-lost', (p, reason) => { this.#onParticipantLost(toHex(p.guidPrefix), reason); });
  }

  /**
   * Creates the relay participant, its topics, writers and readers.
   * @throws InvalidConfigError for an empty relay id; what {@link DomainParticipant.create} throws.
   */
  static async create(options: RelayDomainOptions, table: RelayPartitionTable): Promise<RelayDomain> {
    if (options.relayId === '') throw new InvalidConfigError('relayId', 'must not be empty (OpenDDS -Id)');
    const log = options.log.child('relay-domain');
    const participant = await DomainParticipant.create({
      domainId: options.domainId ?? 0,
      network: options.network,
      timers: options.timers,
      log,
      ...(options.ips !== undefined && { ips: options.ips }),
      ...(options.multicast !== undefined && { multicast: options.multicast }),
      ...(options.config !== undefined && { config: options.config }),
      ...(options.randomBytes !== undefined && { randomBytes: options.randomBytes }),
      ...(options.signal !== undefined && { signal: options.signal }),
    });
    return new RelayDomain(participant, options.relayId, table, log);
  }

  /** Publishes this relay's horizontal addresses (once at start; again after a change). */
  publishAddresses(addresses: Readonly<Record<RelayPortType, TransportAddress>>): void {
    for (const port of RELAY_PORT_TYPES) {
      this.#write(this.#addressWriter, { relay_id: this.#relayId, name: HORIZONTAL_HANDLER_NAMES[port], address: formatAddress(addresses[port]) });
      this.#addressSamplesWritten++;
    }
  }

  /** Publishes the partitions of this relay's clients (sorted names), writing only the slots that changed. */
  publishPartitions(partitions: readonly string[]): void {
    const slots: (readonly string[])[] = [];
    for (let i = 0; i < partitions.length; i += MAX_SLOT_SIZE) slots.push(partitions.slice(i, i + MAX_SLOT_SIZE));
    const count = Math.max(slots.length, this.#slots.length);
    for (let slot = 0; slot < count; slot++) {
      const next = slots[slot] ?? [];
      const prev = this.#slots[slot] ?? [];
      if (next.length === prev.length && next.every((n, i) => n === prev[i])) continue;
      this.#write(this.#partitionWriter, { relay_id: this.#relayId, slot, partitions: [...next] });
      this.#partitionSamplesWritten++;
    }
    this.#slots = slots;
  }

  stats(): RelayDomainStats {
    return {
      addressSamplesWritten: this.#addressSamplesWritten, partitionSamplesWritten: this.#partitionSamplesWritten,
      samplesReceived: this.#samplesReceived, samplesRejected: this.#samplesRejected, relaysLost: this.#relaysLost,
    };
  }

  /** Closes the participant (SPDP dispose: the other relays forget this one). Idempotent. */
  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    await this.participant.close();
  }

  #write(writer: DataWriter, sample: UserSample): void {
    if (this.#isClosed) return;
    writer.write(sample).catch((err: unknown) => { this.#log.warn('relay domain write failed', { topic: writer.topic.name, err }); });
  }

  #accept(relayId: string, owner: string): boolean {
    this.#samplesReceived++;
    if (relayId === this.#relayId || relayId === '') return false;
    this.#ownerOf.set(relayId, owner);
    return true;
  }

  #onAddress(sample: UserSample, owner: string): void {
    const relayId = stringField(sample, 'relay_id');
    if (!this.#accept(relayId, owner)) return;
    const port = portTypeOfHandlerName(stringField(sample, 'name'));
    let address: TransportAddress;
    try {
      address = parseAddress(stringField(sample, 'address'));
    } catch (err: unknown) {
      this.#samplesRejected++;
      this.#log.debug('bad RelayAddress', { relayId, err });
      return;
    }
    if (port === undefined) {
      this.#samplesRejected++;
      return;
    }
    this.#table.setAddress(relayId, port, address);
    this.#log.debug('relay address', { relayId, port, address: formatAddress(address) });
  }

  #onPartitions(sample: UserSample, owner: string): void {
    const relayId = stringField(sample, 'relay_id');
    if (!this.#accept(relayId, owner)) return;
    const slot = sample['slot'];
    const names = sample['partitions'];
    if (typeof slot !== 'number' || !Array.isArray(names)) {
      this.#samplesRejected++;
      return;
    }
    this.#table.setSlot(relayId, slot, names.filter((n): n is string => typeof n === 'string'));
  }

  #onParticipantLost(prefix: string, reason: string): void {
    for (const [relayId, owner] of this.#ownerOf) {
      if (owner !== prefix) continue;
      this.#ownerOf.delete(relayId);
      this.#table.removeRelay(relayId);
      this.#relaysLost++;
      this.#log.info('relay left the relay domain', { relayId, reason });
    }
  }
}
