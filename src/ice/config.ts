/**
 * The ICE agent's configuration: every OpenDDS `[ice]` setting with its default
 * (../shared/spec/opendds-ice-and-rtpsrelay.md §7.1, `dds/DCPS/RTPS/ICE/Ice.cpp`), in milliseconds,
 * plus the RFC 8445 settings OpenDDS lacks. One frozen default object (STYLE.md rule 15).
 */
import type { TransportAddress } from '../util/address.js';
import { InvalidConfigError } from '../util/errors.js';

/** A TURN server for relayed candidates (docs/ice.md; OpenDDS-style keys `TurnServer`, `TurnUsername`, `TurnPassword`). */
export interface IceTurnServer {
  readonly address: TransportAddress;
  readonly username: string;
  readonly password: string;
  /** Requested allocation lifetime, s (default 600). */
  readonly lifetimeS?: number;
}

export interface IceConfigInit {
  /** `[ice] Ta`: minimum spacing of new STUN transactions across the whole process (RFC 8445 §14.2). Default 50. */
  readonly taMs?: number;
  /** `[ice] ConnectivityCheckTTL`: a check is retried at most this long. Default 300,000. */
  readonly connectivityCheckTtlMs?: number;
  /** `[ice] ChecklistPeriod`: how often an idle checklist is polled. Default 10,000. */
  readonly checklistPeriodMs?: number;
  /** `[ice] IndicationPeriod`: keepalive binding indications on the selected pair. Default 15,000. */
  readonly indicationPeriodMs?: number;
  /** `[ice] NominatedTTL`: the selected pair is dropped after this long without a valid indication. Default 300,000. */
  readonly nominatedTtlMs?: number;
  /** `[ice] ServerReflexiveAddressPeriod`: STUN server refresh period. Default 30,000. */
  readonly serverReflexiveAddressPeriodMs?: number;
  /** `[ice] ServerReflexiveIndicationCount`: indications between binding requests to the STUN server. Default 10. */
  readonly serverReflexiveIndicationCount?: number;
  /** `[ice] DeferredTriggeredCheckTTL`: how long an early request is kept until the remote's info arrives. Default 300,000. */
  readonly deferredTriggeredCheckTtlMs?: number;
  /** `[ice] ChangePasswordPeriod`: local password rotation period. Default 300,000. */
  readonly changePasswordPeriodMs?: number;
  /**
   * RFC 8445 §14.3 initial retransmission timeout of a check, doubled per retransmission (OpenDDS
   * resends once per ChecklistPeriod instead). Default 500.
   */
  readonly initialRtoMs?: number;
  /**
   * Floor of the RTO once a checklist has measured a round trip (RFC 5389 §7.2.1 computes RTO from
   * RTT samples per RFC 6298, without rounding to a second): new checks and nominations then start
   * at max(this, SRTT + 4·RTTVAR), at most initialRtoMs. Default 50.
   */
  readonly minRtoMs?: number;
  /**
   * Cap of the retransmission timeout (RFC 5389 §7.2.1 leaves the back-off policy to the client;
   * RFC 8489 §6.2.1 recommends capping it). Checks, nominations and server-reflexive requests
   * retransmit at initialRtoMs, 2·initialRtoMs, … up to this interval, so a lost datagram at 30 %
   * loss costs at most this long instead of a doubled 8 or 16 s. Default 1,000.
   */
  readonly maxRtoMs?: number;
  /**
   * Time budget of one check (and of a server-reflexive request while no address is known): it is
   * retransmitted until this long after its first transmission, then times out (the pair fails).
   * The default is RFC 5389 §7.2.1's transaction timeout with its defaults (Rc = 7, Rm = 16: 39.5 s). Default 39,500.
   */
  readonly checkTimeoutMs?: number;
  /**
   * The failure bound: a checklist that has not selected a pair this long after it was created (or
   * revived by the peer's requests) fails with reason `timeout`. Effective bound:
   * min(failureTimeoutMs, connectivityCheckTtlMs). Default 40,000.
   */
  readonly failureTimeoutMs?: number;
  /** How long an old password is still accepted after a rotation. Default 30,000. */
  readonly passwordGraceMs?: number;
  /** RFC 7675 consent freshness on the selected pair (off by default, as OpenDDS relies on indications). */
  readonly consentFreshness?: boolean;
  /** RFC 7675 §5.1: consent request interval, randomised ±20 %. Default 5,000. */
  readonly consentIntervalMs?: number;
  /** RFC 7675 §5.1: consent is lost after this long without a response. Default 30,000. */
  readonly consentTimeoutMs?: number;
  /**
   * Keep loopback host addresses as candidates. OpenDDS drops them (spec §5.3), so the default is
   * false; tests on one host turn it on.
   */
  readonly allowLoopback?: boolean;
  /**
   * Floor of the wait before the controlling agent nominates a valid pair while a higher-priority
   * pair is still in progress; the wait is max(2 × the valid pair's RTT, this). Default 0.
   */
  readonly minNominationWaitMs?: number;
  /** Nomination checks of one pair before the controlling agent gives it up and nominates the next (each has full retransmissions). Default 3. */
  readonly maxNominationAttempts?: number;
  /** Most deferred triggered checks kept per endpoint (memory bound against unknown usernames). Default 256. */
  readonly maxDeferredChecks?: number;
  /** TURN servers: every endpoint allocates a relayed candidate on each (RFC 8656). Default none. */
  readonly turnServers?: readonly IceTurnServer[];
  /**
   * `relay`: announce and check only relayed candidates (host and server-reflexive addresses stay
   * private; every path goes through a TURN server), as WebRTC's `iceTransportPolicy: 'relay'`.
   * Default `all`.
   */
  readonly transportPolicy?: 'all' | 'relay';
}

export const DEFAULT_ICE_CONFIG: Readonly<Required<IceConfigInit>> = Object.freeze({
  taMs: 50,
  connectivityCheckTtlMs: 300_000,
  checklistPeriodMs: 10_000,
  indicationPeriodMs: 15_000,
  nominatedTtlMs: 300_000,
  serverReflexiveAddressPeriodMs: 30_000,
  serverReflexiveIndicationCount: 10,
  deferredTriggeredCheckTtlMs: 300_000,
  changePasswordPeriodMs: 300_000,
  initialRtoMs: 500,
  minRtoMs: 50,
  maxRtoMs: 1_000,
  checkTimeoutMs: 39_500,
  failureTimeoutMs: 40_000,
  passwordGraceMs: 30_000,
  consentFreshness: false,
  consentIntervalMs: 5_000,
  consentTimeoutMs: 30_000,
  allowLoopback: false,
  minNominationWaitMs: 0,
  maxNominationAttempts: 3,
  maxDeferredChecks: 256,
  turnServers: [],
  transportPolicy: 'all',
});

/** Settings for which 0 is a valid value. */
const ZERO_ALLOWED: ReadonlySet<string> = new Set(['minNominationWaitMs']);

export type IceConfig = Readonly<Required<IceConfigInit>>;

/** OpenDDS's `[ice]` INI key for each setting that has one (spec §7.1), with the unit it is given in. */
export const OPENDDS_ICE_KEYS: Readonly<Record<string, { readonly key: keyof IceConfigInit; readonly unit: 'ms' | 's' | 'count' }>> = Object.freeze({
  Ta: { key: 'taMs', unit: 'ms' },
  ConnectivityCheckTTL: { key: 'connectivityCheckTtlMs', unit: 's' },
  ChecklistPeriod: { key: 'checklistPeriodMs', unit: 's' },
  IndicationPeriod: { key: 'indicationPeriodMs', unit: 's' },
  NominatedTTL: { key: 'nominatedTtlMs', unit: 's' },
  ServerReflexiveAddressPeriod: { key: 'serverReflexiveAddressPeriodMs', unit: 's' },
  ServerReflexiveIndicationCount: { key: 'serverReflexiveIndicationCount', unit: 'count' },
  DeferredTriggeredCheckTTL: { key: 'deferredTriggeredCheckTtlMs', unit: 's' },
  ChangePasswordPeriod: { key: 'changePasswordPeriodMs', unit: 's' },
});

/**
 * Merges `init` over the defaults and validates it.
 * @throws InvalidConfigError for a non-finite or negative value, a zero one (except minNominationWaitMs), or a non-integer count.
 */
export function resolveIceConfig(init: IceConfigInit = {}): IceConfig {
  const config: IceConfig = Object.freeze({ ...DEFAULT_ICE_CONFIG, ...definedOnly(init) });
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === 'boolean' || Array.isArray(value) || key === 'transportPolicy') continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (value === 0 && !ZERO_ALLOWED.has(key))) {
      throw new InvalidConfigError(`ice.${key}`, `must be a positive finite number, got ${typeof value === 'number' ? value : typeof value}`);
    }
  }
  if (!Number.isInteger(config.serverReflexiveIndicationCount)) {
    throw new InvalidConfigError('ice.serverReflexiveIndicationCount', 'must be an integer');
  }
  for (const key of ['maxNominationAttempts', 'maxDeferredChecks'] as const) {
    if (!Number.isInteger(config[key])) throw new InvalidConfigError(`ice.${key}`, 'must be an integer');
  }
  const policy: string = config.transportPolicy; // JavaScript callers may pass anything
  if (policy !== 'all' && policy !== 'relay') throw new InvalidConfigError('ice.transportPolicy', `must be 'all' or 'relay', got ${policy}`);
  if (config.transportPolicy === 'relay' && config.turnServers.length === 0) {
    throw new InvalidConfigError('ice.transportPolicy', "'relay' needs a TURN server");
  }
  config.turnServers.forEach((t, i) => {
    if (t.username === '') throw new InvalidConfigError(`ice.turnServers[${i}].username`, 'must not be empty');
    if (t.lifetimeS !== undefined && !(Number.isInteger(t.lifetimeS) && t.lifetimeS > 0)) {
      throw new InvalidConfigError(`ice.turnServers[${i}].lifetimeS`, `must be a positive integer, got ${t.lifetimeS}`);
    }
  });
  if (config.minRtoMs > config.initialRtoMs) throw new InvalidConfigError('ice.minRtoMs', 'must be at most initialRtoMs');
  if (config.maxRtoMs < config.initialRtoMs) throw new InvalidConfigError('ice.maxRtoMs', 'must be at least initialRtoMs');
  return config;
}

function definedOnly(init: IceConfigInit): IceConfigInit {
  return Object.fromEntries(Object.entries(init).filter(([, v]) => v !== undefined));
}
