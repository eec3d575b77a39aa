/**
 * Per-client state of an RtpsRelay, sans-I/O (OpenDDS spec §8.5, `GuidAddrSet.h`): for each client
 * participant (keyed by its 12-byte GUID prefix) the addresses it was seen from, per vertical port
 * type, each expiring `lifespanMs` after its last datagram; its admission state and cached SPDP
 * message; plus the relay's rejected-address list.
 *
 * Expiry queues are insertion-ordered `Map`s: every expiry is `now + constant`, and a refresh deletes
 * and re-inserts its entry, so iteration order is expiry order. Refresh is O(1), `nextDeadline()` is
 * O(1) and `handleTimeout()` costs O(expired entries) — no scans over all clients.
 */
import type { TransportAddress } from '../util/address.js';
import { formatAddress } from '../util/address.js';
import type { Clock } from '../util/clock.js';
import { InvalidConfigError } from '../util/errors.js';
import { toHex } from '../util/hex.js';
import type { Logger } from '../util/logger.js';

/** The three vertical port types of a relay (spec §8.1: `VSPDP`, `VSEDP`, `VDATA` at base port +0/+1/+2). */
export type RelayPortType = 'spdp' | 'sedp' | 'data';

/** Every port type, in base-port offset order. */
export const RELAY_PORT_TYPES: readonly RelayPortType[] = Object.freeze(['spdp', 'sedp', 'data'] as const);

/** User configuration of {@link GuidAddrSet} (STYLE.md rule 15). */
export interface GuidAddrSetInit {
  /** How long an address stays known after its last datagram, ms (OpenDDS `-Lifespan`, default 60 s). */
  readonly lifespanMs?: number;
  /**
   * Most clients admitted at once; 0 = unlimited (default). A simplified form of OpenDDS's admission
   * control (`-AdmissionMaxParticipantsRange` high mark): beyond it, new clients are not admitted.
   */
  readonly maxAdmittedClients?: number;
  /** How long a rejected address stays rejected, ms; 0 = rejection off (OpenDDS `-RejectedAddressDuration`, default 0). */
  readonly rejectedAddressDurationMs?: number;
}

/** Defaults of {@link GuidAddrSetInit}. */
export const DEFAULT_GUID_ADDR_SET_INIT: Readonly<Required<GuidAddrSetInit>> = Object.freeze({
  lifespanMs: 60_000,
  maxAdmittedClients: 0,
  rejectedAddressDurationMs: 0,
});

/** Events of {@link GuidAddrSet}. `prefix` is the client's GUID prefix as lower-case hex. */
export type GuidAddrSetEvent =
  | { readonly type: 'client-added'; readonly prefix: string }
  | { readonly type: 'admitted'; readonly prefix: string }
  | { readonly type: 'address-expired'; readonly prefix: string; readonly port: RelayPortType; readonly address: TransportAddress }
  | { readonly type: 'client-removed'; readonly prefix: string };

/** Collaborators of {@link GuidAddrSet}. */
export interface GuidAddrSetDeps {
  readonly clock: Clock;
  readonly emit: (e: GuidAddrSetEvent) => void;
  readonly log: Logger;
}

/** What {@link GuidAddrSet.recordActivity} found. */
export interface ActivityResult {
  /** The client entry was created by this call. */
  readonly isNewClient: boolean;
  /** The address was not known for this client and port type before this call. */
  readonly isNewAddress: boolean;
}

/** Why {@link GuidAddrSet.admit} did not admit a client (or `admitted`). */
export type AdmissionResult = 'admitted' | 'unknown-client' | 'missing-spdp-address' | 'missing-sedp-address' | 'missing-spdp-message' | 'limit-reached';

/** Counters of {@link GuidAddrSet}. */
export interface GuidAddrSetStats {
  readonly clients: number;
  readonly admittedClients: number;
  readonly addresses: number;
  readonly rejectedAddresses: number;
  readonly expiredAddresses: number;
  readonly removedClients: number;
  readonly admissionsRefusedByLimit: number;
}

interface ClientState {
  readonly prefix: string;
  readonly addresses: Record<RelayPortType, Map<string, TransportAddress>>;
  isAdmitted: boolean;
  spdpMessage: Uint8Array | undefined;
}

interface ExpiryEntry {
  readonly client: ClientState;
  readonly port: RelayPortType;
  readonly addressKey: string;
  expiresAtMs: number;
}

/** The key of an address in maps (`ip:port`, `[ip]:port`). */
export function addressKey(a: TransportAddress): string {
  return formatAddress(a);
}

/** Per-client address, expiry and admission state of a relay; see the module comment. */
export class GuidAddrSet {
  readonly #deps: GuidAddrSetDeps;
  readonly #init: Readonly<Required<GuidAddrSetInit>>;
  readonly #log: Logger;
  readonly #clients = new Map<string, ClientState>();
  /** Insertion order = expiry order (see the module comment). Key: `prefix/port/address`. */
  readonly #expiry = new Map<string, ExpiryEntry>();
  /** Address key → expiry, ms; insertion order = expiry order. */
  readonly #rejected = new Map<string, number>();
  #applicationParticipant: string | undefined;
  #admittedCount = 0;
  #expiredAddresses = 0;
  #removedClients = 0;
  #refusedByLimit = 0;

  /** @throws InvalidConfigError when an option is negative or not a finite number. */
  constructor(deps: GuidAddrSetDeps, init: GuidAddrSetInit = {}) {
    this.#deps = deps;
    this.#init = Object.freeze({ ...DEFAULT_GUID_ADDR_SET_INIT, ...init });
    this.#log = deps.log.child('guid-addr-set');
    if (!(this.#init.lifespanMs > 0) || !Number.isFinite(this.#init.lifespanMs)) {
      throw new InvalidConfigError('lifespanMs', 'must be a positive finite number of ms');
    }
    if (!Number.isInteger(this.#init.maxAdmittedClients) || this.#init.maxAdmittedClients < 0) {
      throw new InvalidConfigError('maxAdmittedClients', 'must be an integer >= 0');
    }
    if (!(this.#init.rejectedAddressDurationMs >= 0) || !Number.isFinite(this.#init.rejectedAddressDurationMs)) {
      throw new InvalidConfigError('rejectedAddressDurationMs', 'must be a finite number of ms >= 0');
    }
  }

  /** The effective configuration. */
  get config(): Readonly<Required<GuidAddrSetInit>> {
    return this.#init;
  }

  /**
   * Names the relay's own application participant (spec §8.1): it is admitted as soon as it is seen.
   * `prefix` is copied (as hex).
   */
  setApplicationParticipant(prefix: Uint8Array): void {
    this.#applicationParticipant = toHex(prefix);
  }

  /**
   * `record_activity` (spec §8.3 step 4, §8.4): creates the client if new and upserts `from` under
   * `port` with expiry `now + lifespanMs`. `prefix` is copied.
   */
  recordActivity(prefix: Uint8Array, from: TransportAddress, port: RelayPortType): ActivityResult {
    const key = toHex(prefix);
    let client = this.#clients.get(key);
    const isNewClient = client === undefined;
    if (client === undefined) {
      client = { prefix: key, addresses: { spdp: new Map(), sedp: new Map(), data: new Map() }, isAdmitted: false, spdpMessage: undefined };
      this.#clients.set(key, client);
      this.#deps.emit({ type: 'client-added', prefix: key });
    }
    const aKey = addressKey(from);
    const byPort = client.addresses[port];
    const isNewAddress = !byPort.has(aKey);
    if (isNewAddress) byPort.set(aKey, from);
    const eKey = `${key}/${port}/${aKey}`;
    const entry = this.#expiry.get(eKey);
    const expiresAtMs = this.#deps.clock.now() + this.#init.lifespanMs;
    if (entry === undefined) {
      this.#expiry.set(eKey, { client, port, addressKey: aKey, expiresAtMs });
    } else {
      // Delete and re-insert: keeps the map in expiry order.
      this.#expiry.delete(eKey);
      entry.expiresAtMs = expiresAtMs;
      this.#expiry.set(eKey, entry);
    }
    return { isNewClient, isNewAddress };
  }

  /**
   * Caches the client's SPDP message if none is cached yet (spec §8.3 step 5: the first undirected
   * SPDP datagram). `bytes` is copied. No-op for an unknown client.
   */
  cacheSpdpMessage(prefix: Uint8Array, bytes: Uint8Array): void {
    const client = this.#clients.get(toHex(prefix));
    if (client !== undefined && client.spdpMessage === undefined) client.spdpMessage = bytes.slice();
  }

  /** The cached SPDP message of a client (spec §8.5 `spdp_message`); do not modify. */
  spdpMessage(prefix: Uint8Array): Uint8Array | undefined {
    return this.#clients.get(toHex(prefix))?.spdpMessage;
  }

  /**
   * `defer_client`'s admission decision (spec §8.3 step 6): a client is admitted when it is the
   * application participant, or it has an SPDP and an SEDP address and its SPDP message is cached,
   * and the admission limit is not reached. Admission is sticky until the client is removed.
   */
  admit(prefix: Uint8Array): AdmissionResult {
    const client = this.#clients.get(toHex(prefix));
    if (client === undefined) return 'unknown-client';
    if (client.isAdmitted) return 'admitted';
    if (client.prefix !== this.#applicationParticipant) {
      if (client.addresses.spdp.size === 0) return 'missing-spdp-address';
      if (client.addresses.sedp.size === 0) return 'missing-sedp-address';
      if (client.spdpMessage === undefined) return 'missing-spdp-message';
      const limit = this.#init.maxAdmittedClients;
      if (limit > 0 && this.#admittedCount >= limit) {
        this.#refusedByLimit++;
        return 'limit-reached';
      }
    }
    client.isAdmitted = true;
    this.#admittedCount++;
    this.#log.debug('client admitted', { prefix: client.prefix });
    this.#deps.emit({ type: 'admitted', prefix: client.prefix });
    return 'admitted';
  }

  /** True if the client exists and is admitted (`allow_rtps`). */
  isAdmitted(prefix: Uint8Array): boolean {
    return this.#clients.get(toHex(prefix))?.isAdmitted ?? false;
  }

  /** True if the client is admitted and `address` is currently one of its addresses for `port`. */
  isAdmittedAddress(prefix: Uint8Array, address: TransportAddress, port: RelayPortType): boolean {
    const client = this.#clients.get(toHex(prefix));
    return client !== undefined && client.isAdmitted && client.addresses[port].has(addressKey(address));
  }

  /** True if a client with this prefix is known. */
  has(prefix: Uint8Array): boolean {
    return this.#clients.has(toHex(prefix));
  }

  /** The known addresses of a client for one port type, in first-seen order (empty for an unknown client). */
  addresses(prefix: Uint8Array | string, port: RelayPortType): readonly TransportAddress[] {
    const client = this.#clients.get(typeof prefix === 'string' ? prefix : toHex(prefix));
    return client === undefined ? [] : [...client.addresses[port].values()];
  }

  /** The hex prefixes of every admitted client. */
  *admittedPrefixes(): IterableIterator<string> {
    for (const c of this.#clients.values()) if (c.isAdmitted) yield c.prefix;
  }

  /** True if the client with this hex prefix is admitted. */
  isAdmittedHex(prefix: string): boolean {
    return this.#clients.get(prefix)?.isAdmitted ?? false;
  }

  /**
   * Rejects `address` for `rejectedAddressDurationMs` (spec §8.3 step 1, §8.9: imposters). No-op when
   * rejection is off (duration 0).
   */
  reject(address: TransportAddress): void {
    const duration = this.#init.rejectedAddressDurationMs;
    if (duration === 0) return;
    const key = addressKey(address);
    this.#rejected.delete(key);
    this.#rejected.set(key, this.#deps.clock.now() + duration);
  }

  /** True if datagrams from `address` are to be dropped (spec §8.3 step 1). */
  isRejected(address: TransportAddress): boolean {
    const until = this.#rejected.get(addressKey(address));
    return until !== undefined && this.#deps.clock.now() < until;
  }

  /** The earliest time, ms, at which {@link handleTimeout} has work, or undefined when none. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const e of this.#expiry.values()) {
      next = e.expiresAtMs;
      break;
    }
    for (const until of this.#rejected.values()) {
      if (next === undefined || until < next) next = until;
      break;
    }
    return next;
  }

  /**
   * Expires addresses whose lifespan ran out and removes clients left without addresses (spec §8.5
   * "Expiry"), and forgets rejected addresses whose duration ran out.
   */
  handleTimeout(): void {
    const now = this.#deps.clock.now();
    for (const [eKey, e] of this.#expiry) {
      if (e.expiresAtMs > now) break;
      this.#expiry.delete(eKey);
      const byPort = e.client.addresses[e.port];
      const address = byPort.get(e.addressKey);
      byPort.delete(e.addressKey);
      this.#expiredAddresses++;
      if (address !== undefined) this.#deps.emit({ type: 'address-expired', prefix: e.client.prefix, port: e.port, address });
      const c = e.client;
      if (c.addresses.spdp.size + c.addresses.sedp.size + c.addresses.data.size === 0) this.#remove(c);
    }
    for (const [key, until] of this.#rejected) {
      if (until > now) break;
      this.#rejected.delete(key);
    }
  }

  #remove(client: ClientState): void {
    this.#clients.delete(client.prefix);
    if (client.isAdmitted) this.#admittedCount--;
    this.#removedClients++;
    this.#log.debug('client removed', { prefix: client.prefix });
    this.#deps.emit({ type: 'client-removed', prefix: client.prefix });
  }

  /** Counters and sizes. */
  stats(): GuidAddrSetStats {
    return {
      clients: this.#clients.size,
      admittedClients: this.#admittedCount,
      addresses: this.#expiry.size,
      rejectedAddresses: this.#rejected.size,
      expiredAddresses: this.#expiredAddresses,
      removedClients: this.#removedClients,
      admissionsRefusedByLimit: this.#refusedByLimit,
    };
  }
}
