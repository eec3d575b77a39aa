/**
 * werift-ice 0.2.3 as an in-process {@link IcePeer}: by default host candidates on 127.0.0.1 only and
 * no STUN server; {@link WeriftPeerOptions} can name another host address (a lab namespace's LAN
 * address) and a STUN server (the lab's coturn). `werift-runner.ts` runs it as a process (namespaces).
 *
 * werift replaces a missing `stunServer` option with stun.l.google.com:19302 in its constructor, so
 * the wrapper clears `connection.stunServer` after construction. Its host addresses come from every
 * non-loopback interface; the wrapper substitutes 127.0.0.1 for the one synchronous call that reads
 * them. {@link installLoopbackGuard} additionally blocks (and records) any datagram a Node socket in
 * this process would send off loopback, so a regression cannot leak traffic.
 */
import dgram from 'node:dgram';
import { createRequire } from 'node:module';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Candidate, CandidatePairState, Connection } from 'werift-ice';
import type { IcePeer, PeerLocal, PeerOutcome } from './protocol.js';

const require = createRequire(import.meta.url);
const weriftUtils: unknown = require('werift-ice/lib/ice/src/utils.js');

/** Destinations that were blocked because they are not loopback. */
export const blockedDestinations: string[] = [];

/** Address prefixes (e.g. `'198.51.100.'`) the guard lets through besides loopback; see {@link allowGuardedPrefixes}. */
const allowedPrefixes: string[] = [];

/**
 * Lets the guard pass datagrams to addresses starting with one of `prefixes` (only for a process
 * that runs inside a test's own network namespace, where those addresses exist and nothing else does).
 */
export function allowGuardedPrefixes(prefixes: readonly string[]): void {
  for (const p of prefixes) if (!allowedPrefixes.includes(p)) allowedPrefixes.push(p);
}

function isAllowedIp(ip: string): boolean {
  return isLoopbackIp(ip) || (isIP(ip) === 4 && allowedPrefixes.some((p) => ip.startsWith(p)));
}

function isLoopbackIp(ip: string): boolean {
  if (isIP(ip) === 4) return ip.startsWith('127.');
  return ip === '::1' || ip.toLowerCase().startsWith('::ffff:127.');
}

let isGuardInstalled = false;
let originalSend: unknown;

/**
 * Wraps `dgram.Socket.prototype.send` so that a datagram to any address other than a loopback IP
 * (a name included: no DNS lookup happens) is dropped and recorded in {@link blockedDestinations}.
 * Idempotent.
 */
export function installLoopbackGuard(): void {
  if (isGuardInstalled) return;
  isGuardInstalled = true;
  const proto: object = dgram.Socket.prototype;
  const original: unknown = Reflect.get(proto, 'send');
  if (typeof original !== 'function') throw new Error('dgram.Socket.prototype.send not found');
  originalSend = original;
  Reflect.set(proto, 'send', function guardedSend(this: dgram.Socket, ...args: unknown[]): void {
    // send(msg, [offset, length,] port, [address,] [callback])
    const address = args.find((a, i) => i > 0 && typeof a === 'string');
    if (typeof address === 'string' && !isAllowedIp(address)) {
      blockedDestinations.push(address);
      const cb = args.find((a) => typeof a === 'function');
      if (typeof cb === 'function') process.nextTick(() => { Reflect.apply(cb, undefined, [new Error(`blocked: ${address} is not loopback`)]); });
      return;
    }
    Reflect.apply(original, this, args);
  });
}

/**
 * Restores `dgram.Socket.prototype.send`. Test files that run werift in-process call it in an `after`
 * hook, so later tests in the same mocha process (e.g. SPDP multicast on `lo`, 239.255.0.1, which the
 * guard would block as non-loopback) are not affected.
 */
export function uninstallLoopbackGuard(): void {
  if (!isGuardInstalled) return;
  Reflect.set(dgram.Socket.prototype, 'send', originalSend);
  isGuardInstalled = false;
}

/** Runs `gather` with werift's host-address discovery answering `hostIp` only (it is read synchronously). */
function withHostAddresses(hostIp: string, gather: () => Promise<void>): Promise<void> {
  if (typeof weriftUtils !== 'object' || weriftUtils === null) throw new Error('werift-ice utils not found');
  const original: unknown = Reflect.get(weriftUtils, 'getHostAddresses');
  Reflect.set(weriftUtils, 'getHostAddresses', () => [hostIp]);
  try {
    return gather();
  } finally {
    Reflect.set(weriftUtils, 'getHostAddresses', original);
  }
}

export interface WeriftPeerOptions {
  readonly signal?: AbortSignal;
  /** The one host address to gather on (default 127.0.0.1); a non-loopback one must be allowed by {@link allowGuardedPrefixes}. */
  readonly hostIp?: string;
  /** STUN server for server-reflexive candidates (default none); must be loopback or allowed. */
  readonly stunServer?: { readonly ip: string; readonly port: number };
}

/** A werift-ice agent behind the {@link IcePeer} shape. */
export async function startWeriftPeer(options: WeriftPeerOptions = {}): Promise<IcePeer> {
  options.signal?.throwIfAborted();
  installLoopbackGuard();
  const hostIp = options.hostIp ?? '127.0.0.1';
  const stun = options.stunServer;
  for (const ip of [hostIp, ...(stun === undefined ? [] : [stun.ip])]) {
    if (isIP(ip) !== 4 || !isAllowedIp(ip)) throw new Error(`werift peer: ${ip} is neither loopback nor an allowed test address`);
  }
  const conn = new Connection(false, {
    useIpv4: true, useIpv6: false, useTcp: false, ...(stun === undefined ? {} : { stunServer: [stun.ip, stun.port] as [string, number] }),
  });
  // Constructor default is stun.l.google.com (ice.js): clear it unless ours was given, no public STUN server ever.
  if (stun === undefined) {
    Reflect.deleteProperty(conn, 'stunServer');
    if (Reflect.get(conn, 'stunServer') !== undefined) throw new Error('werift stunServer could not be cleared');
  } else {
    const s: unknown = Reflect.get(conn, 'stunServer');
    if (!Array.isArray(s) || s[0] !== stun.ip || s[1] !== stun.port) throw new Error(`werift stunServer not taken: ${String(s)}`);
  }
  await withHostAddresses(hostIp, () => conn.gatherCandidates());
  const local: PeerLocal = {
    ufrag: conn.localUsername,
    pwd: conn.localPassword,
    candidates: conn.localCandidates.map((c) => ({ ip: c.host, port: c.port, priority: c.priority, foundation: c.foundation, type: c.type })),
  };
  let settle: (o: PeerOutcome) => void = () => undefined;
  const outcome = new Promise<PeerOutcome>((resolve) => { settle = resolve; });
  let isClosed = false;
  return {
    kind: 'werift',
    local: () => Promise.resolve(local),
    start(remote, controlling) {
      conn.iceControlling = controlling;
      conn.setRemoteParams({ iceLite: false, usernameFragment: remote.ufrag, password: remote.pwd });
      const t0 = performance.now();
      // werift 0.2.3's connect() never rejects when every pair failed (it keeps awaiting the check-list
      // state while it is "failed"): report failed once the whole check list has failed, polled every 100 ms.
      const watch = setInterval(() => {
        const list = conn.checkList;
        if (isClosed || list.length === 0) return;
        if (list.every((p) => p.state === CandidatePairState.FAILED)) {
          clearInterval(watch);
          settle({ event: 'failed', ms: performance.now() - t0, reason: `all ${String(list.length)} candidate pairs failed` });
        }
      }, 100);
      void outcome.then(() => { clearInterval(watch); });
      void (async () => {
        for (const c of remote.candidates) {
          await conn.addRemoteCandidate(new Candidate(c.foundation, 1, 'udp', c.priority, c.ip, c.port, c.type));
        }
        await conn.addRemoteCandidate(undefined);
        await conn.connect();
        const n = conn.nominated;
        settle({
          event: 'connected',
          ms: performance.now() - t0,
          selected: n === undefined ? null : {
            local: { ip: n.localCandidate.host, port: n.localCandidate.port },
            remote: { ip: n.remoteAddr[0], port: n.remoteAddr[1] },
          },
        });
      })().catch((err: unknown) => {
        settle({ event: 'failed', ms: performance.now() - t0, reason: String(err) });
      });
    },
    outcome: ({ signal } = {}) => {
      if (signal === undefined) return outcome;
      return Promise.race([outcome, new Promise<never>((_, reject) => {
        signal.throwIfAborted();
        signal.addEventListener('abort', () => { reject(new Error('werift outcome: aborted', { cause: signal.reason })); }, { once: true });
      })]);
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      settle({ event: 'failed', reason: 'closed' });
      await conn.close();
    },
  };
}
