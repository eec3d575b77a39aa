/**
 * Per-client state of an RtpsRelay, sans-I/O (OpenDDS spec §8.5, `GuidAddrSet.h`): for each client
 * participant (keyed by its 12-byte GUID prefix) the addresses it was seen from, per vertical port
 * type, each expiring `lifespanMs` after its last datagram; its admission state and cached SPDP
 * message; plus the relay's rejected-address list and its admission control
 * ({@link AdmissionControl}: queue, water marks, admit and drain state).
 *
 * **New addresses of admitted clients** (closes OpenDDS's spoofing hole, spec §8.9; docs/relay.md "New
 * addresses of admitted clients"): an address new for an *admitted* client and port type is *pending*
 * (recorded, expiring, but no route, its RTPS not forwarded) until a datagram arrives from it while the
 * client's confirmed addresses of that port type have been silent for `addressChangeQuietPeriodMs`
 * (35 s > the 30 s an OpenDDS client waits at most between datagrams, spec §6.2, §6.3). An imposter
 * cannot take over a live client; a client whose NAT mapping changed moves once the old address is
 * silent. `0` = OpenDDS behaviour.
 *
 * Expiry queues are insertion-ordered `Map`s: every expiry is `now + constant`, and a refresh deletes
 * and re-inserts its entry, so iteration order is expiry order. Refresh is O(1), `nextDeadline()` is
 * O(1) and `handleTimeout()` costs O(expired entries) — no scans over all clients.
 */
import type { TransportAddress } from '../util/address.js';
import type { Clock } from '../util/clock.js';
import { InvalidConfigError } from '../util/errors.js';
import { toHex } from '../util/hex.js';
import type { Logger } from '../util/logger.js';
import {
  AdmissionControl, DEFAULT_ADMISSION_CONTROL_INIT, type AdmissionControlInit, type AdmitState, type AdmittingState, type DrainState,
} from './admission-control.js';
import { RejectedAddresses } from './rejected-addresses.js';
import { addressKey, prefixKey as keyOf, type PrefixKey, type RelayPortType } from './relay-keys.js';

export { addressKey, RELAY_PORT_TYPES, type PrefixKey, type RelayPortType } from './relay-keys.js';

/** User configuration of {@link GuidAddrSet} (STYLE.md rule 15). */
export interface GuidAddrSetInit extends AdmissionControlInit {
  /** How long an address stays known after its last datagram, ms (OpenDDS `-Lifespan`, default 60 s). */
  readonly lifespanMs?: number;
  /** Most clients admitted at once (no OpenDDS option; see also the admission control); 0 = unlimited (default). */
  readonly maxAdmittedClients?: number;
  /** How long a rejected address stays rejected, ms; 0 = rejection off (OpenDDS `-RejectedAddressDuration`, default 0). */
  readonly rejectedAddressDurationMs?: number;
  /** Silence of a client's confirmed addresses before a new one is routed to, ms (module comment); 0 = OpenDDS. Default 35 s. */
  readonly addressChangeQuietPeriodMs?: number;
  /** Most distinct IPs per client, all port types (OpenDDS `-MaxIpsPerClient`); 0 = unlimited (default). */
  readonly maxIpsPerClient?: number;
}

/** Defaults of {@link GuidAddrSetInit}. */
export const DEFAULT_GUID_ADDR_SET_INIT: Readonly<Required<GuidAddrSetInit>> = Object.freeze({
  ...DEFAULT_ADMISSION_CONTROL_INIT,
  lifespanMs: 60_000,
  maxAdmittedClients: 0,
  rejectedAddressDurationMs: 0,
  addressChangeQuietPeriodMs: 35_000,
  maxIpsPerClient: 0,
});

/** Events of {@link GuidAddrSet}. `prefix` is the client's GUID prefix as lower-case hex. */
export type GuidAddrSetEvent =
  | { readonly type: 'client-added'; readonly prefix: string }
  | { readonly type: 'admitted'; readonly prefix: string }
  | { readonly type: 'address-expired'; readonly prefix: string; readonly port: RelayPortType; readonly address: TransportAddress }
  /** A new address of an admitted client waits for confirmation (see the module comment). */
  | { readonly type: 'address-pending'; readonly prefix: string; readonly port: RelayPortType; readonly address: TransportAddress }
  | { readonly type: 'address-confirmed'; readonly prefix: string; readonly port: RelayPortType; readonly address: TransportAddress }
  /** Draining: this client gets no more STUN answers. */
  | { readonly type: 'drained'; readonly prefix: string }
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
  /** The address is a route of the client (false: pending confirmation, see the module comment). */
  readonly isConfirmed: boolean;
  /** The address was not recorded: the client is at `maxIpsPerClient` IPs already (then `isConfirmed` is false). */
  readonly isRefused: boolean;
}

/** Why {@link GuidAddrSet.admit} did not admit a client (or `admitted`). */
export type AdmissionResult =
  | 'admitted' | 'unknown-client' | 'missing-spdp-address' | 'missing-sedp-address' | 'missing-spdp-message' | 'limit-reached'
  | Exclude<AdmittingState, 'admitting'>;

/** Counters of {@link GuidAddrSet}. */
export interface GuidAddrSetStats {
  readonly clients: number;
  readonly admittedClients: number;
  readonly addresses: number;
  readonly rejectedAddresses: number;
  readonly expiredAddresses: number;
  readonly removedClients: number;
  readonly admissionsRefusedByLimit: number;
  /** Admissions refused by admission control (not admitting, draining, queue full, high water). */
  readonly admissionsRefusedByControl: number;
  readonly pendingAddresses: number;
  readonly confirmedAddressChanges: number;
  readonly drainedClients: number;
  readonly admissionQueue: number;
  /** Addresses not recorded because of `maxIpsPerClient`. */
  readonly refusedByIpLimit: number;
}

interface AddressEntry {
  readonly address: TransportAddress;
  isConfirmed: boolean;
  /** Its entry in the expiry queue (set right after creation). */
  expiry: ExpiryEntry | undefined;
}

interface ClientState {
  readonly prefix: string;
  readonly addresses: Record<RelayPortType, Map<string, AddressEntry>>;
  /** Last datagram from a confirmed address, per port type, ms. */
  readonly lastConfirmedMs: Record<RelayPortType, number>;
  /** Confirmed addresses per port type, rebuilt on demand after a change. */
  readonly routes: Record<RelayPortType, readonly TransportAddress[] | undefined>;
  isAdmitted: boolean;
  /** `allow_stun_responses` (false once drained). */
  allowsStunResponses: boolean;
  spdpMessage: Uint8Array | undefined;
}

interface ExpiryEntry {
  /** Key in the expiry queue: `prefix/port/address`. */
  readonly key: string;
  readonly client: ClientState;
  readonly port: RelayPortType;
  readonly addressKey: string;
  expiresAtMs: number;
}

/** Per-client address, expiry and admission state of a relay; see the module comment. */
export class GuidAddrSet {
  readonly #deps: GuidAddrSetDeps;
  readonly #init: Readonly<Required<GuidAddrSetInit>>;
  readonly #log: Logger;
  readonly #clients = new Map<string, ClientState>();
  /** Insertion order = expiry order (see the module comment). Key: `prefix/port/address`. */
  readonly #expiry = new Map<string, ExpiryEntry>();
  readonly #rejected: RejectedAddresses;
  #applicationParticipant: string | undefined;
  #admittedCount = 0;
  #expiredAddresses = 0;
  #removedClients = 0;
  #refusedByLimit = 0;
  #refusedByControl = 0;
  #pending = 0;
  #confirmedChanges = 0;
  #drained = 0;
  #refusedIps = 0;
  /** Admission control (queue, water marks, admit and drain state). */
  readonly admission: AdmissionControl;

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
    if (!Number.isInteger(this.#init.maxIpsPerClient) || this.#init.maxIpsPerClient < 0) {
      throw new InvalidConfigError('maxIpsPerClient', 'must be an integer >= 0');
    }
    if (!(this.#init.addressChangeQuietPeriodMs >= 0) || !Number.isFinite(this.#init.addressChangeQuietPeriodMs)) {
      throw new InvalidConfigError('addressChangeQuietPeriodMs', 'must be a finite number of ms >= 0');
    }
    this.admission = new AdmissionControl(init);
    this.#rejected = new RejectedAddresses(this.#init.rejectedAddressDurationMs);
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

  /** True if `prefix` (hex) names the application participant. */
  isApplicationParticipant(prefix: string): boolean {
    return prefix === this.#applicationParticipant;
  }

  /**
   * `record_activity` (spec §8.3 step 4, §8.4): creates the client if new and upserts `from` under
   * `port` with expiry `now + lifespanMs`. `prefix` is copied.
   */
  recordActivity(prefix: PrefixKey, from: TransportAddress, port: RelayPortType): ActivityResult {
    const key = keyOf(prefix);
    const now = this.#deps.clock.now();
    let client = this.#clients.get(key);
    const isNewClient = client === undefined;
    if (client === undefined) {
      client = {
        prefix: key, addresses: { spdp: new Map(), sedp: new Map(), data: new Map() }, lastConfirmedMs: { spdp: -Infinity, sedp: -Infinity, data: -Infinity },
        routes: { spdp: undefined, sedp: undefined, data: undefined },
        isAdmitted: false, allowsStunResponses: true, spdpMessage: undefined,
      };
      this.#clients.set(key, client);
      this.#deps.emit({ type: 'client-added', prefix: key });
    }
    const aKey = addressKey(from);
    const byPort = client.addresses[port];
    let address = byPort.get(aKey);
    const isNewAddress = address === undefined;
    if (address === undefined && this.#isOverIpLimit(client, from.ip)) {
      this.#refusedIps++;
      this.#log.debug('address refused: too many IPs for the client', { prefix: key, address: aKey });
      return { isNewClient, isNewAddress, isConfirmed: false, isRefused: true };
    }
    if (address === undefined) {
      address = { address: from, isConfirmed: this.#mayConfirm(client, port, now), expiry: undefined };
      byPort.set(aKey, address);
      client.routes[port] = undefined;
      if (!address.isConfirmed) {
        this.#pending++;
        this.#log.debug('new address of an admitted client pending', { prefix: key, port, address: aKey });
        this.#deps.emit({ type: 'address-pending', prefix: key, port, address: from });
      }
    } else if (!address.isConfirmed && this.#mayConfirm(client, port, now)) {
      address.isConfirmed = true;
      client.routes[port] = undefined;
      this.#pending--;
      this.#confirmedChanges++;
      this.#log.debug('pending address confirmed', { prefix: key, port, address: aKey });
      this.#deps.emit({ type: 'address-confirmed', prefix: key, port, address: from });
    }
    if (address.isConfirmed) client.lastConfirmedMs[port] = now;
    const expiresAtMs = now + this.#init.lifespanMs;
    const entry = address.expiry;
    if (entry === undefined) {
      const created: ExpiryEntry = { key: `${key}/${port}/${aKey}`, client, port, addressKey: aKey, expiresAtMs };
      address.expiry = created;
      this.#expiry.set(created.key, created);
    } else {
      // Delete and re-insert: keeps the map in expiry order.
      this.#expiry.delete(entry.key);
      entry.expiresAtMs = expiresAtMs;
      this.#expiry.set(entry.key, entry);
    }
    return { isNewClient, isNewAddress, isConfirmed: address.isConfirmed, isRefused: false };
  }

  #isOverIpLimit(client: ClientState, ip: string): boolean {
    const max = this.#init.maxIpsPerClient;
    if (max === 0) return false;
    const ips = new Set<string>();
    for (const byPort of Object.values(client.addresses)) for (const a of byPort.values()) ips.add(a.address.ip);
    return !ips.has(ip) && ips.size >= max;
  }

  /** A new or pending address of `port` may become a route (see the module comment). */
  #mayConfirm(client: ClientState, port: RelayPortType, now: number): boolean {
    if (!client.isAdmitted) return true;
    const quiet = this.#init.addressChangeQuietPeriodMs;
    if (quiet === 0) return true;
    for (const a of client.addresses[port].values()) {
      if (a.isConfirmed) return now - client.lastConfirmedMs[port] >= quiet;
    }
    return true;
  }

  /**
   * Caches the client's SPDP message if none is cached yet (spec §8.3 step 5: the first undirected
   * SPDP datagram). `bytes` is copied. No-op for an unknown client.
   */
  cacheSpdpMessage(prefix: PrefixKey, bytes: Uint8Array): void {
    const client = this.#clients.get(keyOf(prefix));
    if (client !== undefined && client.spdpMessage === undefined) client.spdpMessage = bytes.slice();
  }

  /** The cached SPDP message of a client (spec §8.5 `spdp_message`); do not modify. */
  spdpMessage(prefix: PrefixKey): Uint8Array | undefined {
    return this.#clients.get(keyOf(prefix))?.spdpMessage;
  }

  /**
   * `defer_client`'s admission decision (spec §8.3 step 6): a client is admitted when it is the
   * application participant, or it has an SPDP and an SEDP address and its SPDP message is cached,
   * and the admission limit is not reached. Admission is sticky until the client is removed.
   */
  admit(prefix: PrefixKey): AdmissionResult {
    const client = this.#clients.get(keyOf(prefix));
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
      const state = this.admission.state(this.#deps.clock.now(), this.#clients.size);
      if (state !== 'admitting') {
        this.#refusedByControl++;
        return state;
      }
      this.admission.recordAdmission(this.#deps.clock.now());
    }
    client.isAdmitted = true;
    this.#admittedCount++;
    this.#log.debug('client admitted', { prefix: client.prefix });
    this.#deps.emit({ type: 'admitted', prefix: client.prefix });
    return 'admitted';
  }

  /** True if the client exists and is admitted (`allow_rtps`). */
  isAdmitted(prefix: PrefixKey): boolean {
    return this.#clients.get(keyOf(prefix))?.isAdmitted ?? false;
  }

  /** True if the client is admitted and `address` is currently one of its confirmed addresses for `port`. */
  isAdmittedAddress(prefix: PrefixKey, address: TransportAddress, port: RelayPortType): boolean {
    const client = this.#clients.get(keyOf(prefix));
    return client !== undefined && client.isAdmitted && client.addresses[port].get(addressKey(address))?.isConfirmed === true;
  }

  /** `allow_stun_responses`: false for a drained client. True for unknown clients. */
  allowsStunResponses(prefix: PrefixKey): boolean {
    return this.#clients.get(keyOf(prefix))?.allowsStunResponses ?? true;
  }

  /** Whether the relay admits new clients now (the `/healthcheck` answer). */
  admittingState(): AdmittingState {
    return this.admission.state(this.#deps.clock.now(), this.#clients.size);
  }

  /** `RTPS_RELAY_ADMIT_STATE`. */
  setAdmitState(state: AdmitState): void {
    this.admission.setAdmitState(state);
  }

  /**
   * `RTPS_RELAY_DRAIN_STATE`: draining admits nobody and, every drain interval, takes STUN answers
   * away from one more admitted client (oldest first); back to normal gives them back to all.
   */
  setDrainState(state: DrainState): void {
    this.admission.setDrainState(state, this.#deps.clock.now());
    if (state === 'normal') for (const c of this.#clients.values()) c.allowsStunResponses = true;
  }

  /** True if a client with this prefix is known. */
  has(prefix: PrefixKey): boolean {
    return this.#clients.has(keyOf(prefix));
  }

  /** The known addresses of a client for one port type, in first-seen order (empty for an unknown client). */
  addresses(prefix: PrefixKey, port: RelayPortType): readonly TransportAddress[] {
    const client = this.#clients.get(keyOf(prefix));
    if (client === undefined) return [];
    let routes = client.routes[port];
    if (routes === undefined) {
      const out: TransportAddress[] = [];
      for (const a of client.addresses[port].values()) if (a.isConfirmed) out.push(a.address);
      routes = Object.freeze(out);
      client.routes[port] = routes;
    }
    return routes;
  }

  /** The addresses of a client for one port type still waiting for confirmation. */
  pendingAddresses(prefix: PrefixKey, port: RelayPortType): readonly TransportAddress[] {
    const client = this.#clients.get(keyOf(prefix));
    if (client === undefined) return [];
    const out: TransportAddress[] = [];
    for (const a of client.addresses[port].values()) if (!a.isConfirmed) out.push(a.address);
    return out;
  }

  /** The number of known clients. */
  get size(): number {
    return this.#clients.size;
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
    this.#rejected.reject(address, this.#deps.clock.now());
  }

  /** True if datagrams from `address` are to be dropped (spec §8.3 step 1). */
  isRejected(address: TransportAddress): boolean {
    return this.#rejected.isRejected(address, this.#deps.clock.now());
  }

  /** The earliest time, ms, at which {@link handleTimeout} has work, or undefined when none. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const e of this.#expiry.values()) {
      next = e.expiresAtMs;
      break;
    }
    for (const at of [this.#rejected.nextDeadline(), this.admission.nextDeadline()]) {
      if (at !== undefined && (next === undefined || at < next)) next = at;
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
      const entry = byPort.get(e.addressKey);
      byPort.delete(e.addressKey);
      e.client.routes[e.port] = undefined;
      this.#expiredAddresses++;
      if (entry !== undefined) {
        if (!entry.isConfirmed) this.#pending--;
        this.#deps.emit({ type: 'address-expired', prefix: e.client.prefix, port: e.port, address: entry.address });
      }
      const c = e.client;
      if (c.addresses.spdp.size + c.addresses.sedp.size + c.addresses.data.size === 0) this.#remove(c);
    }
    this.#rejected.handleTimeout(now);
    this.admission.queueLength(now);
    if (this.admission.takeDrainTick(now)) this.#drainOne();
  }

  #drainOne(): void {
    for (const c of this.#clients.values()) {
      if (!c.isAdmitted || !c.allowsStunResponses || c.prefix === this.#applicationParticipant) continue;
      c.allowsStunResponses = false;
      this.#drained++;
      this.#log.debug('client drained', { prefix: c.prefix });
      this.#deps.emit({ type: 'drained', prefix: c.prefix });
      return;
    }
  }

  #remove(client: ClientState): void {
    this.#clients.delete(client.prefix);
    for (const byPort of Object.values(client.addresses)) for (const a of byPort.values()) if (!a.isConfirmed) this.#pending--;
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
      admissionsRefusedByControl: this.#refusedByControl,
      pendingAddresses: this.#pending,
      confirmedAddressChanges: this.#confirmedChanges,
      drainedClients: this.#drained,
      admissionQueue: this.admission.queueLength(this.#deps.clock.now()),
      refusedByIpLimit: this.#refusedIps,
    };
  }
}
