/**
 * `rtps-ice relay`: an RtpsRelay on real UDP with OpenDDS's option names, units and defaults
 * (`tools/rtpsrelay`, spec §8.6; docs/relay.md "The relay command"). Vertical and horizontal ports,
 * the relay participant in the relay domain, the application participant in the application domain
 * (`-ApplicationDomain`, spec §8.1), the HTTP meta-discovery server, a statistics line on
 * stdout every `-LogRelayStatistics` seconds; SIGINT/SIGTERM close everything and exit 0; SIGUSR1
 * starts draining, SIGUSR2 goes back to normal (OpenDDS does this through RtpsRelayControl).
 * Ours: `-Dtls require|allow` puts DTLS 1.2 on the vertical ports (docs/security.md §2; `-Dtls*` options).
 */
import { existsSync, readFileSync } from 'node:fs';
import { loadOrCreateIdentityFiles, parseDdsConfigIni, splitPemCertificates, type DdsConfig } from '../dds/index.js';
import { MetaDiscoveryServer, RelayApplicationParticipant, RelayServer, type RelayServerOptions } from '../relay/index.js';
import { certificateFingerprint, IdentityError, loadIdentity, normalizeFingerprint, type ParticipantIdentity } from '../security/index.js';
import { DtlsServerNetwork, RealTimerService, UdpNetwork, type DtlsMode, type DtlsStats, type DtlsTrust } from '../transport/index.js';
import type { DatagramNetwork, DatagramSocket } from '../util/datagram-io.js';
import { parseAddress, type TransportAddress } from '../util/address.js';
import { InvalidConfigError, RtpsLibError } from '../util/errors.js';
import { toHex } from '../util/hex.js';
import { createLogger, type Logger, type LogRecord } from '../util/logger.js';

export const RELAY_USAGE = `usage: rtps-ice relay -Id ID [options]     (OpenDDS RtpsRelay option names, spec §8.6)

  -Id ID                          relay id in the relay domain (mandatory)
  -VerticalAddress IP:PORT        SPDP port; SEDP, DATA at +1, +2 (default: first non-loopback IPv4, port 7400)
  -HorizontalAddress IP:PORT      HSPDP port; HSEDP, HDATA at +1, +2 (default: first non-loopback IPv4, port 17400)
  -MetaDiscoveryAddress IP:PORT   HTTP /config and /healthcheck (default 0.0.0.0:8080)
  -MetaDiscoveryContentType TYPE  /config content type (default application/json)
  -MetaDiscoveryContent TEXT      /config content (default {})
  -MetaDiscoveryContentPath FILE  /config content from a file
  -RelayDomain N                  relay domain id (default 0)
  -ApplicationDomain N            application domain id (default 1; used by the application participant)
  -DCPSConfigFile FILE            OpenDDS .ini for the relay participant ([rtps_discovery] SpdpSendAddrs, ...)
  -Lifespan S                     seconds an address lives after its last datagram (default 60)
  -AllowEmptyPartition 0|1        route the default partition "" (default 1)
  -RejectedAddressDuration S      seconds a rejected address stays rejected (default 0 = off)
  -AdmissionControlQueueSize N    admissions per queue duration (default 0 = off)
  -AdmissionControlQueueDuration S  seconds an admission stays in the queue (default 0)
  -AdmissionMaxParticipantsRange LOW-HIGH  stop admitting at HIGH clients, resume at LOW (default off)
  -MaxIpsPerClient N              most distinct IPs per client (default 0 = unlimited)
  -DrainInterval MS               while draining, one more client loses STUN answers each interval (default 1000)
  -LogRelayStatistics S           statistics line on stdout every S seconds (default 60 here; OpenDDS 0 = off)
  -AddressChangeQuietPeriod S     ours: silence of a client's old address before a new one is routed (default 35; 0 = OpenDDS)
  -MaxUnadmittedStunAmplification X  ours: largest STUN answer/request ratio for unadmitted sources (default 1)
  -LogDebug 0|1                   debug log records on stderr (default 0)
  -Dtls require|allow|plain       ours: DTLS 1.2 on the vertical ports; allow = DTLS and plain clients (default plain = OpenDDS)
  -DtlsCertificate FILE           the relay's certificate (PEM); needed unless -Dtls plain
  -DtlsPrivateKey FILE            its private key (PEM); needed unless -Dtls plain
  -DtlsCreateIdentity 0|1         1: when both files are missing, write a self-signed RSA identity there (default 0)
  -DtlsTrustedCa FILE[,FILE...]   clients' certificates must chain to a CA in these PEM files
  -DtlsPinnedFingerprint FP[,FP...]  or have one of these SHA-256 fingerprints (AB:CD:..., 64 hex digits)

signals: SIGINT/SIGTERM stop the relay; SIGUSR1 drain; SIGUSR2 back to normal.`;

/** OpenDDS options this relay does not implement: refused by name rather than silently ignored. */
const UNSUPPORTED = new Set([
  '-UserData', '-BufferSize', '-InactivePeriod', '-IdentityCA', '-PermissionsCA', '-IdentityCertificate', '-IdentityKey', '-Governance',
  '-Permissions', '-RestartDetection', '-LogWarnings', '-LogDiscovery', '-LogActivity', '-LogHttp', '-LogThreadStatus', '-LogUtilizationChanges',
  '-ThreadStatusSafetyFactor', '-UtilizationLimit', '-LogHandlerStatistics', '-PublishRelayStatistics', '-PublishHandlerStatistics',
  '-PublishRelayStatus', '-PublishRelayStatusLiveliness', '-HandlerThreads', '-SynchronousOutput', '-RunTime',
  '-DeniedPartitionsTimeout', '-CertificateIdPattern', '-SynchronizeAsyncDiscoveryCache', '-AsyncDiscoveryCacheTimeout',
  '-AsyncDiscoveryRemoteCacheTimeout', '-AsyncDiscoveryCrossRelayTimeout', '-LogAsyncDiscovery', '-EarlyAdmissionQueueFreeup',
]);

const KNOWN = new Set([
  '-Id', '-VerticalAddress', '-HorizontalAddress', '-MetaDiscoveryAddress', '-MetaDiscoveryContentType', '-MetaDiscoveryContent',
  '-MetaDiscoveryContentPath', '-RelayDomain', '-ApplicationDomain', '-DCPSConfigFile', '-Lifespan', '-AllowEmptyPartition',
  '-RejectedAddressDuration', '-AdmissionControlQueueSize', '-AdmissionControlQueueDuration', '-AdmissionMaxParticipantsRange',
  '-DrainInterval', '-MaxIpsPerClient', '-LogRelayStatistics', '-AddressChangeQuietPeriod', '-MaxUnadmittedStunAmplification', '-LogDebug',
  '-Dtls', '-DtlsCertificate', '-DtlsPrivateKey', '-DtlsCreateIdentity', '-DtlsTrustedCa', '-DtlsPinnedFingerprint',
]);

const DTLS_OPTIONS = ['-DtlsCertificate', '-DtlsPrivateKey', '-DtlsCreateIdentity', '-DtlsTrustedCa', '-DtlsPinnedFingerprint'] as const;

/** `-Dtls*`: DTLS on the vertical ports (mode `require` or `allow`). */
export interface RelayDtlsOptions {
  readonly mode: Exclude<DtlsMode, 'plain'>;
  readonly certificatePath: string;
  readonly privateKeyPath: string;
  /** Write a self-signed identity to the two paths when both are missing. */
  readonly createIdentity: boolean;
  /** PEM certificates of `-DtlsTrustedCa`. */
  readonly trustedCaPems: readonly string[];
  /** `-DtlsPinnedFingerprint`, normalized to `AB:CD:…`. */
  readonly pinnedFingerprints: readonly string[];
}

/** The parsed command line. */
export interface RelayCommandOptions {
  readonly id: string;
  /** Undefined = the first non-loopback IPv4 interface address (resolved at start). */
  readonly verticalAddress: TransportAddress | undefined;
  readonly horizontalAddress: TransportAddress | undefined;
  readonly metaDiscoveryAddress: TransportAddress;
  readonly metaDiscoveryContentType: string;
  readonly metaDiscoveryContent: string;
  readonly relayDomain: number;
  readonly applicationDomain: number;
  readonly relayDomainConfig: DdsConfig | undefined;
  readonly logRelayStatisticsS: number;
  readonly isDebug: boolean;
  /** Undefined = `-Dtls plain` (no DTLS, OpenDDS behaviour). */
  readonly dtls: RelayDtlsOptions | undefined;
  /** Options of the relay's cores. */
  readonly core: Omit<RelayServerOptions, 'ip' | 'basePort' | 'horizontal' | 'log' | 'signal'>;
}

function address(name: string, text: string): TransportAddress {
  try {
    return parseAddress(text);
  } catch {
    throw new InvalidConfigError(name, `not IP:PORT: ${text}`);
  }
}

function number(name: string, text: string, min: number, isInteger = true): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < min || (isInteger && !Number.isInteger(v))) {
    throw new InvalidConfigError(name, `${text} is not ${isInteger ? 'an integer' : 'a number'} >= ${min}`);
  }
  return v;
}

function bool(name: string, text: string): boolean {
  if (text === '1' || text === 'true') return true;
  if (text === '0' || text === 'false') return false;
  throw new InvalidConfigError(name, `${text} is not 0 or 1`);
}

function list(text: string): string[] {
  return text.split(',').map((x) => x.trim()).filter((x) => x !== '');
}

function readOption(name: string, path: string, readText: (path: string) => string): string {
  try {
    return readText(path);
  } catch (err) {
    throw new InvalidConfigError(name, `cannot read ${path}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** The `-Dtls*` options; undefined for `-Dtls plain`, where any other `-Dtls*` option is an error. */
function parseDtls(get: (n: string) => string | undefined, readText: (path: string) => string): RelayDtlsOptions | undefined {
  const mode = get('-Dtls') ?? 'plain';
  if (mode !== 'require' && mode !== 'allow' && mode !== 'plain') throw new InvalidConfigError('-Dtls', `${mode} is not require, allow or plain`);
  if (mode === 'plain') {
    const stray = DTLS_OPTIONS.find((n) => get(n) !== undefined);
    if (stray !== undefined) throw new InvalidConfigError(stray, 'needs -Dtls require or -Dtls allow (DTLS is off)');
    return undefined;
  }
  const certificatePath = get('-DtlsCertificate');
  const privateKeyPath = get('-DtlsPrivateKey');
  if (certificatePath === undefined || certificatePath === '') throw new InvalidConfigError('-DtlsCertificate', `is needed with -Dtls ${mode} (the relay's certificate, PEM)`);
  if (privateKeyPath === undefined || privateKeyPath === '') throw new InvalidConfigError('-DtlsPrivateKey', `is needed with -Dtls ${mode} (the relay's private key, PEM)`);
  const create = get('-DtlsCreateIdentity');
  const trustedCaPems: string[] = [];
  for (const path of list(get('-DtlsTrustedCa') ?? '')) {
    const pems = splitPemCertificates(readOption('-DtlsTrustedCa', path, readText));
    if (pems.length === 0) throw new InvalidConfigError('-DtlsTrustedCa', `${path} holds no PEM certificate`);
    for (const pem of pems) {
      try {
        certificateFingerprint(pem);
      } catch (err) {
        throw new InvalidConfigError('-DtlsTrustedCa', `${path} holds a certificate that does not parse`, { cause: err });
      }
    }
    trustedCaPems.push(...pems);
  }
  const pinnedFingerprints = list(get('-DtlsPinnedFingerprint') ?? '').map((fp) => {
    try {
      return normalizeFingerprint(fp);
    } catch (err) {
      throw new InvalidConfigError('-DtlsPinnedFingerprint', `not a SHA-256 fingerprint (AB:CD:..., 32 bytes): ${fp}`, { cause: err });
    }
  });
  if (trustedCaPems.length === 0 && pinnedFingerprints.length === 0) {
    throw new InvalidConfigError('-Dtls', `${mode} needs -DtlsTrustedCa or -DtlsPinnedFingerprint (how the relay checks its clients' certificates)`);
  }
  return {
    mode, certificatePath, privateKeyPath, createIdentity: create === undefined ? false : bool('-DtlsCreateIdentity', create), trustedCaPems, pinnedFingerprints,
  };
}

/**
 * Parses `rtps-ice relay` arguments (`-Name value` pairs, OpenDDS style).
 * @throws InvalidConfigError naming the option (unknown, unsupported, missing value, bad value, no -Id).
 */
export function parseRelayArgs(args: readonly string[], readText: (path: string) => string = (p) => readFileSync(p, 'utf8')): RelayCommandOptions {
  const values = new Map<string, string>();
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i] ?? '';
    if (UNSUPPORTED.has(name)) throw new InvalidConfigError(name, 'an OpenDDS relay option this relay does not implement (docs/relay.md)');
    if (!KNOWN.has(name)) throw new InvalidConfigError(name, 'unknown option');
    const value = args[i + 1];
    if (value === undefined) throw new InvalidConfigError(name, 'needs a value');
    values.set(name, value);
  }
  const get = (n: string): string | undefined => values.get(n);
  const id = get('-Id');
  if (id === undefined || id === '') throw new InvalidConfigError('-Id', 'is mandatory (the relay id in the relay domain)');
  const seconds = (n: string, dflt: number): number => { const t = get(n); return t === undefined ? dflt : number(n, t, 0, false); };
  const va = get('-VerticalAddress');
  const ha = get('-HorizontalAddress');
  const range = get('-AdmissionMaxParticipantsRange');
  let admissionMaxParticipantsRange: { low: number; high: number } | undefined;
  if (range !== undefined) {
    const m = /^(\d+)-(\d+)$/.exec(range);
    if (m?.[1] === undefined || m[2] === undefined) throw new InvalidConfigError('-AdmissionMaxParticipantsRange', `not LOW-HIGH: ${range}`);
    admissionMaxParticipantsRange = { low: Number(m[1]), high: Number(m[2]) };
  }
  const contentPath = get('-MetaDiscoveryContentPath');
  const configFile = get('-DCPSConfigFile');
  const lifespanS = seconds('-Lifespan', 60);
  if (lifespanS <= 0) throw new InvalidConfigError('-Lifespan', 'must be > 0');
  const empty = get('-AllowEmptyPartition');
  const amplification = get('-MaxUnadmittedStunAmplification');
  const queueSize = get('-AdmissionControlQueueSize');
  const drain = get('-DrainInterval');
  const debug = get('-LogDebug');
  const maxIps = get('-MaxIpsPerClient');
  return {
    id,
    verticalAddress: va === undefined ? undefined : address('-VerticalAddress', va),
    horizontalAddress: ha === undefined ? undefined : address('-HorizontalAddress', ha),
    metaDiscoveryAddress: address('-MetaDiscoveryAddress', get('-MetaDiscoveryAddress') ?? '0.0.0.0:8080'),
    metaDiscoveryContentType: get('-MetaDiscoveryContentType') ?? 'application/json',
    metaDiscoveryContent: contentPath !== undefined ? readText(contentPath) : get('-MetaDiscoveryContent') ?? '{}',
    relayDomain: number('-RelayDomain', get('-RelayDomain') ?? '0', 0),
    applicationDomain: number('-ApplicationDomain', get('-ApplicationDomain') ?? '1', 0),
    relayDomainConfig: configFile === undefined ? undefined : parseDdsConfigIni(readText(configFile)),
    logRelayStatisticsS: seconds('-LogRelayStatistics', 60),
    isDebug: debug === undefined ? false : bool('-LogDebug', debug),
    dtls: parseDtls(get, readText),
    core: {
      lifespanMs: lifespanS * 1000,
      allowEmptyPartition: empty === undefined ? true : bool('-AllowEmptyPartition', empty),
      rejectedAddressDurationMs: seconds('-RejectedAddressDuration', 0) * 1000,
      admissionControlQueueSize: queueSize === undefined ? 0 : number('-AdmissionControlQueueSize', queueSize, 0),
      admissionControlQueueDurationMs: seconds('-AdmissionControlQueueDuration', 0) * 1000,
      admissionMaxParticipantsRange,
      maxIpsPerClient: maxIps === undefined ? 0 : number('-MaxIpsPerClient', maxIps, 0),
      drainIntervalMs: drain === undefined ? 1000 : number('-DrainInterval', drain, 1),
      addressChangeQuietPeriodMs: seconds('-AddressChangeQuietPeriod', 35) * 1000,
      maxUnadmittedStunAmplification: amplification === undefined ? 1 : number('-MaxUnadmittedStunAmplification', amplification, 0, false),
    },
  };
}

/**
 * The relay's DTLS identity: `-DtlsCertificate` (leaf first, intermediates after) and `-DtlsPrivateKey`,
 * or, with `-DtlsCreateIdentity 1` and both files missing, a self-signed one written there (CN `commonName`).
 * @throws InvalidConfigError naming the option (unreadable file, not PEM, key not the certificate's, expired).
 */
export async function loadRelayDtlsIdentity(d: RelayDtlsOptions, commonName: string, nowMs: number = Date.now()): Promise<ParticipantIdentity> {
  if (d.createIdentity && !existsSync(d.certificatePath) && !existsSync(d.privateKeyPath)) {
    try {
      return await loadOrCreateIdentityFiles({ certificatePath: d.certificatePath, privateKeyPath: d.privateKeyPath, createCommonName: commonName, nowMs });
    } catch (err) {
      throw new InvalidConfigError('-DtlsCreateIdentity', `cannot create ${d.certificatePath} and ${d.privateKeyPath}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  const read = (p: string): string => readFileSync(p, 'utf8');
  const [leaf, ...chainPems] = splitPemCertificates(readOption('-DtlsCertificate', d.certificatePath, read));
  if (leaf === undefined) throw new InvalidConfigError('-DtlsCertificate', `${d.certificatePath} holds no PEM certificate`);
  const privateKeyPem = readOption('-DtlsPrivateKey', d.privateKeyPath, read);
  try {
    return loadIdentity({ certificatePem: leaf, privateKeyPem, chainPems, nowMs });
  } catch (err) {
    if (!(err instanceof IdentityError)) throw err;
    const name = err.code === 'key-mismatch' || err.message.includes('private key') ? '-DtlsPrivateKey' : '-DtlsCertificate';
    throw new InvalidConfigError(name, err.message, { cause: err });
  }
}

/** Binds the three vertical ports on a {@link DtlsServerNetwork}, every other socket (horizontal, relay domain) on the inner network. */
class VerticalDtlsNetwork implements DatagramNetwork {
  readonly dtls: DtlsServerNetwork;
  constructor(readonly inner: DatagramNetwork, readonly vertical: TransportAddress, mode: DtlsMode, identity: ParticipantIdentity, trust: DtlsTrust, log: Logger) {
    this.dtls = new DtlsServerNetwork(inner, mode, { identity, trust, log, bindGuidPrefix: true });
  }
  interfaceAddresses(): readonly TransportAddress[] { return this.inner.interfaceAddresses(); }
  bind(ip: string, port: number): Promise<DatagramSocket> {
    const isVertical = ip === this.vertical.ip && port >= this.vertical.port && port <= this.vertical.port + 2;
    return isVertical ? this.dtls.bind(ip, port) : this.inner.bind(ip, port);
  }
  stats(): DtlsStats {
    const sum: DtlsStats = {
      handshakes: 0, helloVerifyRequests: 0, sessions: 0, refused: 0, plainDelivered: 0, plainDropped: 0, decrypted: 0, encrypted: 0, queuedDropped: 0, guidMismatch: 0,
    };
    for (const s of this.dtls.sockets) for (const k of Object.keys(sum) as (keyof DtlsStats)[]) sum[k] += s.stats[k];
    return sum;
  }
}

function firstNonLoopbackIpv4(network: UdpNetwork): string {
  const a = network.interfaceAddresses().find((x) => x.family === 'IPv4' && !x.ip.startsWith('127.'));
  if (a === undefined) throw new InvalidConfigError('-VerticalAddress', 'no non-loopback IPv4 interface: give the address');
  return a.ip;
}

function specific(name: string, a: TransportAddress): TransportAddress {
  if (a.ip === '0.0.0.0' || a.ip === '::') {
    throw new InvalidConfigError(name, `a wildcard address is not supported (each socket is bound to an exact address, docs/relay.md): give an IP, e.g. ${name} 192.0.2.1:${a.port}`);
  }
  return a;
}

/** The statistics line (one line, `key=value`). */
function statisticsLine(id: string, relay: RelayServer, ap: RelayApplicationParticipant, http: MetaDiscoveryServer, dtls: VerticalDtlsNetwork | undefined): string {
  const s = relay.stats();
  const dropped = Object.values(s.dropped).reduce((a, b) => a + b, 0);
  const hdropped = Object.values(s.horizontal.dropped).reduce((a, b) => a + b, 0);
  const received = s.received.spdp + s.received.sedp + s.received.data;
  const hreceived = s.horizontal.received.spdp + s.horizontal.received.sedp + s.horizontal.received.data;
  return `relay ${id} statistics: clients=${s.clients.clients} admitted=${s.clients.admittedClients} pending_addresses=${s.clients.pendingAddresses}`
    + ` remote_relays=${s.remoteRelays} admitting=${relay.admittingState()} vertical_received=${received} routed=${s.routed} sent=${s.sentDatagrams}`
    + ` dropped=${dropped} stun_answers=${s.stun.successResponses + s.stun.errorResponses} horizontal_sent=${s.horizontalSentDatagrams}`
    + ` horizontal_received=${hreceived} horizontal_dropped=${hdropped} ap_clients=${ap.discoveredClients().length} http_requests=${http.stats().requests}`
    + (dtls === undefined ? '' : dtlsStatistics(dtls.stats()));
}

function dtlsStatistics(d: DtlsStats): string {
  return ` dtls_sessions=${d.sessions} dtls_refused=${d.refused} dtls_hello_verify=${d.helloVerifyRequests} dtls_decrypted=${d.decrypted}`
    + ` dtls_guid_mismatch=${d.guidMismatch} plain_delivered=${d.plainDelivered} plain_dropped=${d.plainDropped}`;
}

/**
 * Runs the relay until SIGINT/SIGTERM or `signal`. Returns the exit code (2 for a usage error).
 */
export async function runRelayCommand(args: readonly string[], options: { readonly signal?: AbortSignal } = {}): Promise<number> {
  if (args.includes('-h') || args.includes('--help')) {
    console.log(RELAY_USAGE);
    return 0;
  }
  let parsed: RelayCommandOptions;
  try {
    parsed = parseRelayArgs(args);
  } catch (err: unknown) {
    if (err instanceof RtpsLibError) {
      console.error(`rtps-ice relay: ${err.message}\n\n${RELAY_USAGE}`);
      return 2;
    }
    throw err;
  }
  let identity: ParticipantIdentity | undefined;
  if (parsed.dtls !== undefined) {
    try {
      identity = await loadRelayDtlsIdentity(parsed.dtls, `rtps-ice relay ${parsed.id}`);
    } catch (err: unknown) {
      if (err instanceof RtpsLibError) {
        console.error(`rtps-ice relay: ${err.message}`);
        return 2;
      }
      throw err;
    }
  }
  const log = createLogger((r: LogRecord) => {
    if (r.level === 'info') return;
    process.stderr.write(`${JSON.stringify({ level: r.level, scope: r.scope, message: r.message, ...r.fields }, (_k, v: unknown) => (v instanceof Error ? v.message : v))}\n`);
  }, 'relay', parsed.isDebug);
  const network = new UdpNetwork({ log }, { includeLoopback: true });
  const timers = new RealTimerService({ log });
  let relay: RelayServer | undefined;
  let http: MetaDiscoveryServer | undefined;
  let ap: RelayApplicationParticipant | undefined;
  const stop = new AbortController();
  const onStop = (): void => { stop.abort(); };
  const onDrain = (): void => { relay?.setDrainState('draining'); };
  const onNormal = (): void => { relay?.setDrainState('normal'); };
  process.on('SIGINT', onStop);
  process.on('SIGTERM', onStop);
  process.on('SIGUSR1', onDrain);
  process.on('SIGUSR2', onNormal);
  options.signal?.addEventListener('abort', onStop, { once: true });
  let statsTimer: NodeJS.Timeout | undefined;
  try {
    const vertical = specific('-VerticalAddress', parsed.verticalAddress ?? { family: 'IPv4', ip: firstNonLoopbackIpv4(network), port: 7400 });
    const horizontal = specific('-HorizontalAddress', parsed.horizontalAddress ?? { family: 'IPv4', ip: firstNonLoopbackIpv4(network), port: 17400 });
    const dtls = parsed.dtls;
    const verticalNetwork = dtls === undefined || identity === undefined ? undefined : new VerticalDtlsNetwork(network, vertical, dtls.mode, identity, {
      // The relay's own fingerprint: its application participant is a DTLS client of these ports too.
      trustedCaPems: dtls.trustedCaPems, pinnedFingerprints: [...dtls.pinnedFingerprints, identity.fingerprint],
    }, log);
    relay = await RelayServer.start(verticalNetwork ?? network, timers, {
      ...parsed.core, ip: vertical.ip, basePort: vertical.port, log,
      horizontal: {
        relayId: parsed.id, ip: horizontal.ip, basePort: horizontal.port,
        relayDomain: { domainId: parsed.relayDomain, ips: [horizontal.ip], ...(parsed.relayDomainConfig !== undefined && { config: parsed.relayDomainConfig }) },
      },
    });
    const r = relay;
    // spec §8.1: the application participant, a relay client of this relay's vertical ports, learns the clients' partitions.
    ap = await RelayApplicationParticipant.start(r, network, timers, {
      domainId: parsed.applicationDomain, log,
      ...(identity !== undefined && { relayDtls: { identity, trust: { pinnedFingerprints: [identity.fingerprint] } } }),
    });
    const a = ap;
    http = await MetaDiscoveryServer.start({
      ip: parsed.metaDiscoveryAddress.ip, port: parsed.metaDiscoveryAddress.port, contentType: parsed.metaDiscoveryContentType,
      content: parsed.metaDiscoveryContent, isAdmitting: () => r.admittingState() === 'admitting', log,
    });
    const h = http;
    const range = (a: TransportAddress): string => `${a.ip}:${a.port}-${a.port + 2}`;
    const dtlsText = dtls === undefined || identity === undefined ? 'dtls plain' : `dtls ${dtls.mode} fingerprint sha-256 ${identity.fingerprint}`;
    console.log(`relay ${parsed.id} started: vertical ${range(vertical)} horizontal ${range(horizontal)} http ${h.address.ip}:${h.address.port} ${dtlsText}`
      + ` relay domain ${parsed.relayDomain} application domain ${parsed.applicationDomain} application participant ${toHex(a.guidPrefix)}`);
    if (parsed.logRelayStatisticsS > 0) {
      statsTimer = setInterval(() => { console.log(statisticsLine(parsed.id, r, a, h, verticalNetwork)); }, parsed.logRelayStatisticsS * 1000);
    }
    if (!stop.signal.aborted) await new Promise<void>((resolve) => { stop.signal.addEventListener('abort', () => { resolve(); }, { once: true }); });
    console.log(statisticsLine(parsed.id, r, a, h, verticalNetwork));
    console.log(`relay ${parsed.id} stopped`);
    return 0;
  } catch (err: unknown) {
    if (err instanceof RtpsLibError) {
      console.error(`rtps-ice relay: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    if (statsTimer !== undefined) clearInterval(statsTimer);
    process.off('SIGINT', onStop);
    process.off('SIGTERM', onStop);
    process.off('SIGUSR1', onDrain);
    process.off('SIGUSR2', onNormal);
    await http?.close();
    await ap?.close();
    await relay?.close();
    timers.close();
    await network.close();
  }
}
