/**
 * What a relay knows about the other relays of its relay domain, sans-I/O (OpenDDS spec §8.2
 * `RelayPartitionTable`): each remote relay's horizontal address per port type (topic "Relay
 * Addresses") and the partitions its clients use, in slots of at most 64 names (topic "Relay
 * Partitions"). The vertical side asks which relays serve a partition list; the horizontal side asks
 * whether a datagram comes from a known relay.
 */
import { partitionsMatch } from '../discovery/index.js';
import type { TransportAddress } from '../util/address.js';
import type { RelayPortType } from './guid-addr-set.js';
import { addressKey } from './guid-addr-set.js';

/** Handler names of the horizontal ports as published in "Relay Addresses" (spec §8.1). */
export const HORIZONTAL_HANDLER_NAMES: Readonly<Record<RelayPortType, string>> = Object.freeze({ spdp: 'HSPDP', sedp: 'HSEDP', data: 'HDATA' });

/** The port type of a handler name, or undefined for a name this relay does not use. */
export function portTypeOfHandlerName(name: string): RelayPortType | undefined {
  return name === 'HSPDP' ? 'spdp' : name === 'HSEDP' ? 'sedp' : name === 'HDATA' ? 'data' : undefined;
}

/** One remote relay (read-only view). */
export interface RemoteRelay {
  readonly relayId: string;
  /** Horizontal address per port type, when announced. */
  readonly addresses: Readonly<Partial<Record<RelayPortType, TransportAddress>>>;
  /** Union of its slots. */
  readonly partitions: readonly string[];
}

interface RelayState {
  readonly relayId: string;
  readonly addresses: Map<RelayPortType, TransportAddress>;
  readonly slots: Map<number, readonly string[]>;
  partitions: readonly string[];
}

/** Remote relays by id; see the module comment. */
export class RelayPartitionTable {
  readonly #relays = new Map<string, RelayState>();
  /** `port/ip:port` → relay id, for {@link relayAt}. */
  readonly #byAddress = new Map<string, string>();

  /** Sets (or with `undefined` clears) a remote relay's horizontal address for one port type. */
  setAddress(relayId: string, port: RelayPortType, address: TransportAddress | undefined): void {
    const relay = this.#relay(relayId);
    const old = relay.addresses.get(port);
    if (old !== undefined) this.#byAddress.delete(`${port}/${addressKey(old)}`);
    if (address === undefined) relay.addresses.delete(port);
    else {
      relay.addresses.set(port, address);
      this.#byAddress.set(`${port}/${addressKey(address)}`, relayId);
    }
  }

  /** Sets one partition slot of a remote relay (an empty list empties the slot). Copies. */
  setSlot(relayId: string, slot: number, partitions: readonly string[]): void {
    const relay = this.#relay(relayId);
    if (partitions.length === 0) relay.slots.delete(slot);
    else relay.slots.set(slot, Object.freeze([...partitions]));
    const union = new Set<string>();
    for (const names of relay.slots.values()) for (const n of names) union.add(n);
    relay.partitions = Object.freeze([...union]);
  }

  /** Forgets a remote relay (it left the relay domain). */
  removeRelay(relayId: string): void {
    const relay = this.#relays.get(relayId);
    if (relay === undefined) return;
    for (const [port, a] of relay.addresses) this.#byAddress.delete(`${port}/${addressKey(a)}`);
    this.#relays.delete(relayId);
  }

  /** The id of the relay whose horizontal `port` address is `address`, if any. */
  relayAt(address: TransportAddress, port: RelayPortType): string | undefined {
    return this.#byAddress.get(`${port}/${addressKey(address)}`);
  }

  /**
   * The relays with an address for `port` whose clients use a partition matching one of
   * `partitions` (DDS rules, `discovery/partitionsMatch`). Empty `partitions` matches nothing.
   */
  *relaysServing(partitions: readonly string[], port: RelayPortType): IterableIterator<{ readonly relayId: string; readonly address: TransportAddress }> {
    if (partitions.length === 0) return;
    for (const r of this.#relays.values()) {
      const address = r.addresses.get(port);
      if (address === undefined || r.partitions.length === 0) continue;
      if (partitionsMatch(partitions, r.partitions)) yield { relayId: r.relayId, address };
    }
  }

  /** Every known remote relay. */
  relays(): RemoteRelay[] {
    return [...this.#relays.values()].map((r) => ({ relayId: r.relayId, addresses: Object.fromEntries(r.addresses), partitions: r.partitions }));
  }

  get size(): number {
    return this.#relays.size;
  }

  #relay(relayId: string): RelayState {
    let relay = this.#relays.get(relayId);
    if (relay === undefined) {
      relay = { relayId, addresses: new Map(), slots: new Map(), partitions: [] };
      this.#relays.set(relayId, relay);
    }
    return relay;
  }
}
