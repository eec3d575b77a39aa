/**
 * OpenDDS-style configuration of a {@link DomainParticipant} (spec/opendds-ice-and-rtpsrelay.md §7;
 * docs/configuration.md has every key, default, unit and source). Two inputs, one result:
 *
 * - an OpenDDS `.ini` file ({@link parseDdsConfigIni}): sections `[rtps_discovery/NAME]` (or
 *   `[rtps_discovery]`), `[transport/NAME]` with `transport_type=rtps_udp`, and `[ice]`, keys with
 *   OpenDDS's names and units;
 * - options ({@link DdsConfigInput}): the same keys in camelCase (`UseIce` → `useIce`,
 *   `heartbeat_period` → `heartbeatPeriod`), same units.
 *
 * {@link resolveDdsConfig} validates (InvalidConfigError naming the key), fills the defaults, and
 * returns durations in milliseconds. Unknown keys are reported in `warnings` and logged, never
 * silently ignored. The relay keys drive the relay client (docs/transport.md "Relay client").
 */
import { parse as parseIni } from 'ini';
import type { IceConfig, IceTurnServer } from '../ice/index.js';
import { resolveIceConfig } from '../ice/index.js';
import type { TransportAddress } from '../util/address.js';
import { parseAddress } from '../util/address.js';
import { InvalidConfigError } from '../util/errors.js';
import type { Logger } from '../util/logger.js';

/** An address option: `"ip:port"` / `"[v6]:port"` text or a parsed address. */
export type AddressOption = string | TransportAddress;

/** `[rtps_discovery]` in camelCase, OpenDDS units (s = seconds, ms = milliseconds). */
export interface RtpsDiscoveryOptions {
  /** `UseIce`: ICE on the SPDP and SEDP endpoints. Default false. */
  readonly useIce?: boolean;
  /** `SpdpStunServerAddress`. Default unset. */
  readonly spdpStunServerAddress?: AddressOption;
  /** `SedpStunServerAddress`. Default unset. */
  readonly sedpStunServerAddress?: AddressOption;
  /** `SpdpRtpsRelayAddress` (the relay client, docs/transport.md). Default unset. */
  readonly spdpRtpsRelayAddress?: AddressOption;
  /** `SedpRtpsRelayAddress` (the relay client, docs/transport.md). Default unset. */
  readonly sedpRtpsRelayAddress?: AddressOption;
  /** `SpdpRtpsRelaySendPeriod`, s. Default 30. */
  readonly spdpRtpsRelaySendPeriod?: number;
  /** `UseRtpsRelay`. Default false. */
  readonly useRtpsRelay?: boolean;
  /** `RtpsRelayOnly`. Default false. */
  readonly rtpsRelayOnly?: boolean;
  /**
   * `UndirectedSpdp`. Default true. False: each periodic announcement goes directed (INFO_DST) to
   * every known participant instead (the RtpsRelay application participant's setting, spec §8.1).
   */
  readonly undirectedSpdp?: boolean;
  /** `CheckSourceIp` (stored). Default true. */
  readonly checkSourceIp?: boolean;
  /** `ResendPeriod`, s: SPDP announcement period. Default 30. */
  readonly resendPeriod?: number;
  /** `SedpHeartbeatPeriod`, ms. Default 200. */
  readonly sedpHeartbeatPeriod?: number;
  /** `LeaseDuration`, s. Default 300. */
  readonly leaseDuration?: number;
  /** `SpdpSendAddrs`: extra SPDP unicast destinations, comma-separated `ip:port`. Default none. */
  readonly spdpSendAddrs?: string | readonly AddressOption[];
  /** `InteropMulticastOverride`: SPDP multicast group. Default 239.255.0.1. */
  readonly interopMulticastOverride?: string;
  /** `PB`, `DG`, `PG`, `D0`, `D1`: RTPS port formula. Defaults 7400, 250, 2, 0, 10. */
  readonly pB?: number;
  readonly dG?: number;
  readonly pG?: number;
  readonly d0?: number;
  readonly d1?: number;
}

/** `[transport/NAME]` (`transport_type=rtps_udp`) in camelCase, OpenDDS units. */
export interface RtpsUdpTransportOptions {
  /** `transport_type`: only `rtps_udp`. */
  readonly transportType?: string;
  /** `UseIce`: ICE on the user-data endpoint. Default false. */
  readonly useIce?: boolean;
  /** `DataStunServerAddress`. Default unset. */
  readonly dataStunServerAddress?: AddressOption;
  /** `DataRtpsRelayAddress` (the relay client, docs/transport.md). Default unset. */
  readonly dataRtpsRelayAddress?: AddressOption;
  /** `UseRtpsRelay`. Default false. */
  readonly useRtpsRelay?: boolean;
  /** `RtpsRelayOnly`. Default false. */
  readonly rtpsRelayOnly?: boolean;
  /** `heartbeat_period`, ms. Default 1000. */
  readonly heartbeatPeriod?: number;
  /** `nak_response_delay`, ms. Default 200. */
  readonly nakResponseDelay?: number;
  /** `heartbeat_response_delay`, ms. Default 500. */
  readonly heartbeatResponseDelay?: number;
  /** `receive_address_duration`, s. Default 5. */
  readonly receiveAddressDuration?: number;
  /** `max_message_size`, octets. Default 1400 (OpenDDS: 65466; see docs/reliability.md). */
  readonly maxMessageSize?: number;
  /**
   * `max_unacked_bytes` (rtps-ice extension, like Cyclone DDS's `WhcHigh`), octets: a keep-all
   * reliable writer waits while this much payload is unacknowledged. 0 = unlimited. Default 1048576
   * (our own socket receive buffer: a full window still fits a reader's queue).
   */
  readonly maxUnackedBytes?: number;
  /**
   * `busy_poll_us` (rtps-ice extension), µs: after each datagram sent or received the participant's
   * sockets are polled without sleeping for this long, trading CPU for round trip (docs/dataplane.md).
   * 0 = off. Default 0.
   */
  readonly busyPollUs?: number;
}

/** `[ice]` in camelCase, OpenDDS units (`Ta` ms, the periods and TTLs s). */
export interface IceOptions {
  readonly ta?: number;
  readonly connectivityCheckTTL?: number;
  readonly checklistPeriod?: number;
  readonly indicationPeriod?: number;
  readonly nominatedTTL?: number;
  readonly serverReflexiveAddressPeriod?: number;
  readonly serverReflexiveIndicationCount?: number;
  readonly deferredTriggeredCheckTTL?: number;
  readonly changePasswordPeriod?: number;
  /** Not an OpenDDS key (`AllowLoopback`): keep loopback host candidates (tests on one host). Default false. */
  readonly allowLoopback?: boolean;
  /** `TurnServer` (OpenDDS-style name; OpenDDS has no TURN): `ip:port` of a TURN server for relayed candidates. Default unset. */
  readonly turnServer?: AddressOption;
  /** `TurnUsername`: long-term credential user name. Required with `TurnServer`. */
  readonly turnUsername?: string;
  /** `TurnPassword`: long-term credential password. Required with `TurnServer`. */
  readonly turnPassword?: string;
  /** `TurnLifetime`, s: requested allocation lifetime. Default 600. */
  readonly turnLifetime?: number;
  /** `TransportPolicy` (not OpenDDS): `all` or `relay` (only relayed candidates; needs `TurnServer`). Default `all`. */
  readonly transportPolicy?: 'all' | 'relay';
}

/** Configuration as options (camelCase OpenDDS keys). */
export interface DdsConfigInput {
  readonly rtpsDiscovery?: RtpsDiscoveryOptions;
  readonly transport?: RtpsUdpTransportOptions;
  readonly ice?: IceOptions;
}

/** Why a key was not used. */
export interface ConfigWarning {
  readonly kind: 'unknown-key' | 'unknown-section' | 'unused-section';
  /** `section.key` or the section name. */
  readonly key: string;
}

/** Resolved `[rtps_discovery]`, durations in ms. */
export interface RtpsDiscoveryConfig {
  readonly useIce: boolean;
  readonly spdpStunServerAddress: TransportAddress | undefined;
  readonly sedpStunServerAddress: TransportAddress | undefined;
  readonly spdpRtpsRelayAddress: TransportAddress | undefined;
  readonly sedpRtpsRelayAddress: TransportAddress | undefined;
  readonly spdpRtpsRelaySendPeriodMs: number;
  readonly useRtpsRelay: boolean;
  readonly rtpsRelayOnly: boolean;
  readonly undirectedSpdp: boolean;
  readonly checkSourceIp: boolean;
  readonly resendPeriodMs: number;
  readonly sedpHeartbeatPeriodMs: number;
  readonly leaseDurationMs: number;
  readonly spdpSendAddrs: readonly TransportAddress[];
  readonly multicastGroup: string;
  readonly portMapping: { readonly PB: number; readonly DG: number; readonly PG: number; readonly d0: number; readonly d1: number };
}

/** Resolved `[transport]`, durations in ms. */
export interface RtpsUdpTransportConfig {
  readonly useIce: boolean;
  readonly dataStunServerAddress: TransportAddress | undefined;
  readonly dataRtpsRelayAddress: TransportAddress | undefined;
  readonly useRtpsRelay: boolean;
  readonly rtpsRelayOnly: boolean;
  readonly heartbeatPeriodMs: number;
  readonly nakResponseDelayMs: number;
  readonly heartbeatResponseDelayMs: number;
  readonly receiveAddressDurationMs: number;
  readonly maxMessageSize: number;
  readonly maxUnackedBytes: number;
  readonly busyPollUs: number;
}

/** The resolved configuration. */
export interface DdsConfig {
  readonly rtpsDiscovery: RtpsDiscoveryConfig;
  readonly transport: RtpsUdpTransportConfig;
  /** The agent's configuration (ice/config.ts), in ms. */
  readonly ice: IceConfig;
  /** Keys and sections that were not used. */
  readonly warnings: readonly ConfigWarning[];
}

type Values = Readonly<Record<string, unknown>>;

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** `UseIce` → `useIce`, `heartbeat_period` → `heartbeatPeriod`, `PB` → `pB`. */
export function camelKey(openDdsKey: string): string {
  return lowerFirst(openDdsKey.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()));
}

function show(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return `${v}`;
  return Array.isArray(v) ? 'a list' : typeof v;
}

function isRecord(v: unknown): v is Values {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isAddress(v: unknown): v is TransportAddress {
  return isRecord(v) && typeof v.ip === 'string' && typeof v.port === 'number' && (v.family === 'IPv4' || v.family === 'IPv6');
}

/** Reads one section by OpenDDS key (or its camelCase), converting and validating; remembers what was read. */
class SectionReader {
  readonly #section: string;
  readonly #values = new Map<string, unknown>();
  readonly #used = new Set<string>();

  constructor(section: string, values: object) {
    this.#section = section;
    for (const [k, v] of Object.entries(values)) this.#values.set(k, v);
  }

  #get(key: string): unknown {
    for (const k of [key, camelKey(key)]) {
      if (this.#values.has(k)) {
        this.#used.add(k);
        return this.#values.get(k);
      }
    }
    return undefined;
  }

  #name(key: string): string {
    return `${this.#section}.${key}`;
  }

  bool(key: string, dflt: boolean): boolean {
    const v = this.#get(key);
    if (v === undefined) return dflt;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number' && (v === 0 || v === 1)) return v === 1;
    if (typeof v === 'string') {
      const t = v.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(t)) return true;
      if (['0', 'false', 'no', 'off'].includes(t)) return false;
    }
    throw new InvalidConfigError(this.#name(key), `not a boolean (0/1/true/false): ${show(v)}`);
  }

  /** A number > 0 (or ≥ 0 with `allowZero`) in the key's unit, times `scale`. */
  number(key: string, dflt: number, scale = 1, opts: { readonly integer?: boolean; readonly allowZero?: boolean } = {}): number {
    const v = this.#get(key);
    if (v === undefined) return dflt * scale;
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    const ok = Number.isFinite(n) && (opts.allowZero === true ? n >= 0 : n > 0) && (opts.integer !== true || Number.isInteger(n));
    if (!ok) throw new InvalidConfigError(this.#name(key), `not a ${opts.integer === true ? 'integer' : 'number'} ${opts.allowZero === true ? '>= 0' : '> 0'}: ${show(v)}`);
    return n * scale;
  }

  address(key: string): TransportAddress | undefined {
    const v = this.#get(key);
    if (v === undefined || v === '') return undefined;
    return this.#toAddress(key, v);
  }

  addresses(key: string): TransportAddress[] {
    const v = this.#get(key);
    if (v === undefined || v === '') return [];
    const items: readonly unknown[] = typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : Array.isArray(v) ? v : [v];
    return items.map((i) => this.#toAddress(key, i));
  }

  /** Whether the key (or its camelCase) is present (does not mark it read). */
  has(key: string): boolean {
    return this.#values.has(key) || this.#values.has(camelKey(key));
  }

  /** A string used exactly as given (passwords: no trimming); empty allowed. */
  rawString(key: string): string {
    const v = this.#get(key);
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return `${v}`;
    throw new InvalidConfigError(this.#name(key), `not a string: ${show(v)}`);
  }

  string(key: string, dflt: string): string {
    const v = this.#get(key);
    if (v === undefined) return dflt;
    if (typeof v !== 'string' || v.trim() === '') throw new InvalidConfigError(this.#name(key), `not a non-empty string: ${show(v)}`);
    return v.trim();
  }

  #toAddress(key: string, v: unknown): TransportAddress {
    if (isAddress(v)) return v;
    if (typeof v === 'string') {
      try {
        return parseAddress(v.trim());
      } catch (err) {
        throw new InvalidConfigError(this.#name(key), `not an ip:port address: ${v}`, { cause: err });
      }
    }
    throw new InvalidConfigError(this.#name(key), `not an ip:port address: ${show(v)}`);
  }

  /** Keys present but never read. */
  unknownKeys(): ConfigWarning[] {
    return [...this.#values.keys()].filter((k) => !this.#used.has(k)).map((k) => ({ kind: 'unknown-key', key: this.#name(k) }));
  }
}

const ICE_KEYS: readonly { readonly key: string; readonly unitMs: number; readonly dflt: number; readonly integer?: boolean }[] = [
  { key: 'Ta', unitMs: 1, dflt: 50 },
  { key: 'ConnectivityCheckTTL', unitMs: 1000, dflt: 300 },
  { key: 'ChecklistPeriod', unitMs: 1000, dflt: 10 },
  { key: 'IndicationPeriod', unitMs: 1000, dflt: 15 },
  { key: 'NominatedTTL', unitMs: 1000, dflt: 300 },
  { key: 'ServerReflexiveAddressPeriod', unitMs: 1000, dflt: 30 },
  { key: 'ServerReflexiveIndicationCount', unitMs: 1, dflt: 10, integer: true },
  { key: 'DeferredTriggeredCheckTTL', unitMs: 1000, dflt: 300 },
  { key: 'ChangePasswordPeriod', unitMs: 1000, dflt: 300 },
];

/** `[ice] TransportPolicy`: `all` (default) or `relay`. */
function transportPolicy(i: SectionReader): 'all' | 'relay' {
  const v = i.string('TransportPolicy', 'all').toLowerCase();
  if (v !== 'all' && v !== 'relay') throw new InvalidConfigError('ice.TransportPolicy', `must be all or relay, got ${v}`);
  return v;
}

/** `[ice] TurnServer`/`TurnUsername`/`TurnPassword`/`TurnLifetime` (docs/configuration.md). */
function turnServers(i: SectionReader): IceTurnServer[] {
  const address = i.address('TurnServer');
  const lifetime = i.number('TurnLifetime', 600, 1, { integer: true });
  const has = (key: string): boolean => i.has(key);
  if (address === undefined) {
    for (const key of ['TurnUsername', 'TurnPassword']) if (has(key)) throw new InvalidConfigError(`ice.${key}`, 'given without TurnServer');
    return [];
  }
  if (!has('TurnUsername')) throw new InvalidConfigError('ice.TurnUsername', 'required with TurnServer');
  if (!has('TurnPassword')) throw new InvalidConfigError('ice.TurnPassword', 'required with TurnServer');
  return [{ address, username: i.string('TurnUsername', ''), password: i.rawString('TurnPassword'), lifetimeS: lifetime }];
}

/**
 * Validates `input` and fills the defaults (docs/configuration.md).
 * @throws InvalidConfigError naming the key (`rtps_discovery.ResendPeriod`, …).
 */
export function resolveDdsConfig(input: DdsConfigInput = {}, options: { readonly log?: Logger } = {}): DdsConfig {
  return resolveSections(input, [], options.log);
}

function resolveSections(
  input: { readonly rtpsDiscovery?: object; readonly transport?: object; readonly ice?: object },
  initialWarnings: readonly ConfigWarning[],
  log: Logger | undefined,
): DdsConfig {
  const options = { warnings: initialWarnings, log };
  const warnings: ConfigWarning[] = [...options.warnings];
  const d = new SectionReader('rtps_discovery', input.rtpsDiscovery ?? {});
  const rtpsDiscovery: RtpsDiscoveryConfig = {
    useIce: d.bool('UseIce', false),
    spdpStunServerAddress: d.address('SpdpStunServerAddress'),
    sedpStunServerAddress: d.address('SedpStunServerAddress'),
    spdpRtpsRelayAddress: d.address('SpdpRtpsRelayAddress'),
    sedpRtpsRelayAddress: d.address('SedpRtpsRelayAddress'),
    spdpRtpsRelaySendPeriodMs: d.number('SpdpRtpsRelaySendPeriod', 30, 1000),
    useRtpsRelay: d.bool('UseRtpsRelay', false),
    rtpsRelayOnly: d.bool('RtpsRelayOnly', false),
    undirectedSpdp: d.bool('UndirectedSpdp', true),
    checkSourceIp: d.bool('CheckSourceIp', true),
    resendPeriodMs: d.number('ResendPeriod', 30, 1000),
    sedpHeartbeatPeriodMs: d.number('SedpHeartbeatPeriod', 200),
    leaseDurationMs: d.number('LeaseDuration', 300, 1000),
    spdpSendAddrs: d.addresses('SpdpSendAddrs'),
    multicastGroup: d.string('InteropMulticastOverride', '239.255.0.1'),
    portMapping: {
      PB: d.number('PB', 7400, 1, { integer: true }),
      DG: d.number('DG', 250, 1, { integer: true }),
      PG: d.number('PG', 2, 1, { integer: true }),
      d0: d.number('D0', 0, 1, { integer: true, allowZero: true }),
      d1: d.number('D1', 10, 1, { integer: true, allowZero: true }),
    },
  };
  if (rtpsDiscovery.resendPeriodMs >= rtpsDiscovery.leaseDurationMs) {
    throw new InvalidConfigError('rtps_discovery.ResendPeriod', 'must be shorter than LeaseDuration');
  }
  warnings.push(...d.unknownKeys());

  const t = new SectionReader('transport', input.transport ?? {});
  const transportType = t.string('transport_type', 'rtps_udp');
  if (transportType !== 'rtps_udp') throw new InvalidConfigError('transport.transport_type', `only rtps_udp is supported, got ${transportType}`);
  const transport: RtpsUdpTransportConfig = {
    useIce: t.bool('UseIce', false),
    dataStunServerAddress: t.address('DataStunServerAddress'),
    dataRtpsRelayAddress: t.address('DataRtpsRelayAddress'),
    useRtpsRelay: t.bool('UseRtpsRelay', false),
    rtpsRelayOnly: t.bool('RtpsRelayOnly', false),
    heartbeatPeriodMs: t.number('heartbeat_period', 1000),
    nakResponseDelayMs: t.number('nak_response_delay', 200, 1, { allowZero: true }),
    heartbeatResponseDelayMs: t.number('heartbeat_response_delay', 500, 1, { allowZero: true }),
    receiveAddressDurationMs: t.number('receive_address_duration', 5, 1000, { allowZero: true }),
    maxMessageSize: t.number('max_message_size', 1400, 1, { integer: true }),
    maxUnackedBytes: t.number('max_unacked_bytes', 1_048_576, 1, { integer: true, allowZero: true }),
    busyPollUs: t.number('busy_poll_us', 0, 1, { integer: true, allowZero: true }),
  };
  if (transport.busyPollUs > 100_000) throw new InvalidConfigError('transport.busy_poll_us', `${transport.busyPollUs} is not in 0..100000`);
  if (transport.maxMessageSize < 512 || transport.maxMessageSize > 65_507) {
    throw new InvalidConfigError('transport.max_message_size', `${transport.maxMessageSize} is not in 512..65507`);
  }
  warnings.push(...t.unknownKeys());

  const i = new SectionReader('ice', input.ice ?? {});
  const ms = (key: string): number => {
    const spec = ICE_KEYS.find((k) => k.key === key);
    if (spec === undefined) throw new InvalidConfigError(`ice.${key}`, 'unknown');
    return i.number(key, spec.dflt, spec.unitMs, spec.integer === true ? { integer: true } : {});
  };
  const ice = resolveIceConfig({
    taMs: ms('Ta'),
    connectivityCheckTtlMs: ms('ConnectivityCheckTTL'),
    checklistPeriodMs: ms('ChecklistPeriod'),
    indicationPeriodMs: ms('IndicationPeriod'),
    nominatedTtlMs: ms('NominatedTTL'),
    serverReflexiveAddressPeriodMs: ms('ServerReflexiveAddressPeriod'),
    serverReflexiveIndicationCount: ms('ServerReflexiveIndicationCount'),
    deferredTriggeredCheckTtlMs: ms('DeferredTriggeredCheckTTL'),
    changePasswordPeriodMs: ms('ChangePasswordPeriod'),
    allowLoopback: i.bool('AllowLoopback', false),
    turnServers: turnServers(i),
    transportPolicy: transportPolicy(i),
  });
  warnings.push(...i.unknownKeys());

  for (const w of warnings) options.log?.warn('configuration key not used', { kind: w.kind, key: w.key });
  return Object.freeze({ rtpsDiscovery: Object.freeze(rtpsDiscovery), transport: Object.freeze(transport), ice, warnings: Object.freeze(warnings) });
}

/** Sections of an OpenDDS file that are valid but configure nothing here (reported as `unused-section`). */
const UNUSED_SECTIONS = /^(common|domain(\/.*)?|config(\/.*)?|repository(\/.*)?)$/;

/**
 * Parses an OpenDDS `.ini` text. The first `[rtps_discovery/NAME]` (or `[rtps_discovery]`) and the
 * first `[transport/NAME]` are used (or those named by `discovery` / `transport`); further ones and
 * unknown sections are reported in `warnings`.
 * @throws InvalidConfigError for a bad value or a named section that is missing.
 */
export function parseDdsConfigIni(text: string, options: { readonly discovery?: string; readonly transport?: string; readonly log?: Logger } = {}): DdsConfig {
  const doc: unknown = parseIni(text);
  if (!isRecord(doc)) throw new InvalidConfigError('ini', 'not an ini document');
  const warnings: ConfigWarning[] = [];
  let discovery: Values | undefined;
  let transport: Values | undefined;
  let ice: Values | undefined;
  const pick = (kind: string, name: string, want: string | undefined, values: Values, current: Values | undefined): Values | undefined => {
    const matches = want === undefined ? current === undefined : name === want;
    if (matches) return values;
    warnings.push({ kind: 'unused-section', key: `${kind}/${name}` });
    return current;
  };
  for (const [section, values] of Object.entries(doc)) {
    if (!isRecord(values)) {
      warnings.push({ kind: 'unknown-key', key: section });
      continue;
    }
    const slash = section.indexOf('/');
    const kind = slash < 0 ? section : section.slice(0, slash);
    const name = slash < 0 ? '' : section.slice(slash + 1);
    if (kind === 'rtps_discovery') discovery = pick(kind, name, options.discovery, values, discovery);
    else if (kind === 'transport') transport = pick(kind, name, options.transport, values, transport);
    else if (section === 'ice') ice = values;
    else if (UNUSED_SECTIONS.test(section)) warnings.push({ kind: 'unused-section', key: section });
    else warnings.push({ kind: 'unknown-section', key: section });
  }
  if (options.discovery !== undefined && discovery === undefined) throw new InvalidConfigError(`rtps_discovery/${options.discovery}`, 'section not found');
  if (options.transport !== undefined && transport === undefined) throw new InvalidConfigError(`transport/${options.transport}`, 'section not found');
  return resolveSections({
    ...(discovery !== undefined && { rtpsDiscovery: discovery }),
    ...(transport !== undefined && { transport }),
    ...(ice !== undefined && { ice }),
  }, warnings, options.log);
}
