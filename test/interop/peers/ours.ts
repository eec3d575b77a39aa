/**
 * Our ICE agent as an interop peer: an {@link IceDriver} on real UDP (`UdpNetwork` bound to one
 * host address, 127.0.0.1 by default), a `RealTimerService`, `allowLoopback: true` and
 * `crypto.randomBytes`, behind the same shape as the third-party peers of `index.ts`
 * ({@link IcePeer}: local → start → outcome → close). `start(remote, controlling)` runs `startIce`
 * with `roleRule: 'rfc8445'` (RFC 8445 roles and 487 resolution, what non-OpenDDS peers need,
 * opendds-ice-and-rtpsrelay.md §5.5) and the given initial role.
 *
 * `startPeer('ours', …)` of `index.ts` returns this peer (in process) or `ours-runner.ts` (a process,
 * under a launcher such as `ip netns exec NS`).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { IceAgentEvent, IceAgentInfo, IceCandidateInfo, IceCandidateKind, IceConfigInit } from '../../../src/ice/index.js';
import { IceDriver, RealTimerService, UdpNetwork } from '../../../src/transport/index.js';
import { transportAddress } from '../../../src/util/address.js';
import { silentLogger } from '../../../src/util/logger.js';
import type { IcePeer, PeerCandidate, PeerLocal, PeerOutcome } from './protocol.js';

/** The endpoint id the peer's driver uses. */
export const OURS_ENDPOINT = 'E';
/** The peer key of the one remote agent a peer talks to. */
export const OURS_PEER_KEY = 'remote';

/** Our peer in process, with its driver, network and timers exposed for leak assertions. */
export interface OursPeer extends IcePeer {
  readonly kind: 'ours';
  readonly driver: IceDriver;
  readonly network: UdpNetwork;
  readonly timers: RealTimerService;
  /** Every agent event so far (role changes from 487 resolution included). */
  readonly events: readonly IceAgentEvent[];
}

/** Options of {@link startOursPeer}. */
export interface OursPeerOptions {
  readonly signal?: AbortSignal;
  /** The one host address to bind (default 127.0.0.1). */
  readonly hostIp?: string;
  /** STUN server for a server-reflexive candidate (only one the test started, e.g. the netns lab's coturn). */
  readonly stunServer?: { readonly ip: string; readonly port: number };
  /** With a STUN server: how long to wait for the server-reflexive candidate (default 5,000 ms). */
  readonly gatherTimeoutMs?: number;
  /** Agent configuration on top of `allowLoopback: true`. */
  readonly init?: IceConfigInit;
}

const TO_HARNESS_TYPE: Readonly<Record<IceCandidateKind, string>> = {
  host: 'host', 'server-reflexive': 'srflx', 'peer-reflexive': 'prflx', relayed: 'relay',
};

/** RFC 8839 §5.1 `cand-type` → our candidate kind. @throws RangeError for anything else. */
export function candidateKindOf(type: string): IceCandidateKind {
  switch (type) {
    case 'host': return 'host';
    case 'srflx': return 'server-reflexive';
    case 'prflx': return 'peer-reflexive';
    case 'relay': return 'relayed';
    default: throw new RangeError(`unknown candidate type ${type}`);
  }
}

/** Our candidate as the harness carries it (type, priority and foundation unchanged). */
export function toPeerCandidate(c: IceCandidateInfo): PeerCandidate {
  return { ip: c.address.ip, port: c.address.port, priority: c.priority, foundation: c.foundation, type: TO_HARNESS_TYPE[c.type] };
}

/** The harness's parameters as our remote agent info (a full agent; RFC peers are full here). */
export function toAgentInfo(remote: PeerLocal): IceAgentInfo {
  return {
    type: 'full',
    username: remote.ufrag,
    password: remote.pwd,
    candidates: remote.candidates.map((c) => ({
      address: transportAddress(c.ip, c.port), foundation: c.foundation, priority: c.priority, type: candidateKindOf(c.type),
    })),
  };
}

/** Whether `peer` is our agent in this process (a process peer of kind `'ours'` has no driver or events here). */
export function isOursPeer(peer: IcePeer): peer is OursPeer {
  return peer.kind === 'ours' && 'driver' in peer && 'events' in peer;
}

/** Starts our agent on a fresh network and timer service; resolves with its gathered host candidates. */
export async function startOursPeer(options: OursPeerOptions = {}): Promise<OursPeer> {
  options.signal?.throwIfAborted();
  const network = new UdpNetwork();
  const timers = new RealTimerService();
  const driver = new IceDriver(
    { network, timers, randomBytes: (n) => { const b = randomBytes(n); return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); }, log: silentLogger },
    { ...options.init, allowLoopback: true },
  );
  const events: IceAgentEvent[] = [];
  let settle: (o: PeerOutcome) => void = () => undefined;
  const outcome = new Promise<PeerOutcome>((resolve) => { settle = resolve; });
  let t0 = Number.NaN;
  driver.on('ice-event', (e) => {
    events.push(e);
    if (e.type === 'selected') {
      settle({
        event: 'connected',
        ms: performance.now() - t0,
        selected: {
          local: { ip: e.localCandidate.address.ip, port: e.localCandidate.address.port },
          remote: { ip: e.remoteAddress.ip, port: e.remoteAddress.port },
        },
      });
    } else if (e.type === 'failed') {
      settle({ event: 'failed', ms: performance.now() - t0, reason: e.reason });
    }
  });
  let info: IceAgentInfo;
  const stun = options.stunServer;
  const gathered = stun === undefined ? undefined : serverReflexiveGathered(driver, options.gatherTimeoutMs ?? 5_000);
  try {
    info = await driver.addEndpoint({
      id: OURS_ENDPOINT, ips: [options.hostIp ?? '127.0.0.1'], ...(stun === undefined ? {} : { stunServer: transportAddress(stun.ip, stun.port) }),
    }, options.signal === undefined ? {} : { signal: options.signal });
    if (gathered !== undefined) info = await gathered;
  } catch (err: unknown) {
    void gathered?.catch(() => undefined); // the bind failed: the gathering outcome no longer matters
    driver.close();
    timers.close();
    await network.close();
    throw err;
  }
  const local: PeerLocal = { ufrag: info.username, pwd: info.password, candidates: info.candidates.map(toPeerCandidate) };
  let isClosed = false;
  return {
    kind: 'ours',
    driver,
    network,
    timers,
    events,
    local: () => Promise.resolve(local),
    start(remote, controlling) {
      t0 = performance.now();
      driver.startIce(OURS_ENDPOINT, OURS_PEER_KEY, toAgentInfo(remote), { roleRule: 'rfc8445', initialRole: controlling ? 'controlling' : 'controlled' });
    },
    outcome: ({ signal } = {}) => {
      if (signal === undefined) return outcome;
      signal.throwIfAborted();
      return new Promise<PeerOutcome>((resolve, reject) => {
        const onAbort = (): void => { reject(new Error('ours outcome: aborted', { cause: signal.reason })); };
        signal.addEventListener('abort', onAbort, { once: true });
        void outcome.then((o) => { signal.removeEventListener('abort', onAbort); resolve(o); });
      });
    },
    async close() {
      if (isClosed) return;
      isClosed = true;
      settle({ event: 'failed', reason: 'closed' });
      driver.close();
      timers.close();
      await network.close();
    },
  };
}

/** Resolves with the endpoint's info once it has a server-reflexive candidate; rejects after `timeoutMs`. */
function serverReflexiveGathered(driver: IceDriver, timeoutMs: number): Promise<IceAgentInfo> {
  return new Promise((resolve, reject) => {
    const onEvent = (e: IceAgentEvent): void => {
      if (e.type !== 'local-info-changed' || !e.info.candidates.some((c) => c.type === 'server-reflexive')) return;
      cleanup();
      resolve(e.info);
    };
    const timer = setTimeout(() => { cleanup(); reject(new Error(`no server-reflexive candidate within ${timeoutMs} ms`)); }, timeoutMs);
    const cleanup = (): void => { clearTimeout(timer); driver.off('ice-event', onEvent); };
    driver.on('ice-event', onEvent);
  });
}
