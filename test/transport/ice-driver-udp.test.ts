/**
 * The ICE driver on real sockets: two {@link IceDriver}s on `UdpNetwork` (127.0.0.1 only) and
 * `RealTimerService` connect over loopback, and `close()` leaves nothing behind: no open socket, no
 * pending timer, no listener on the driver, no deadline in the agent, and the process's active
 * resources (`UDPWrap`, `Timeout`) back to what they were before the drivers existed
 * (pion/ice#86/#413/#416/#706 were ticker and goroutine leaks on close, ice-landscape.md §4).
 */
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import type { IceAgentEvent, IceAgentInfo } from '../../src/ice/index.js';
import { IceDriver, RealTimerService, UdpNetwork, type UdpSocket } from '../../src/transport/index.js';
import type { DatagramNetwork } from '../../src/util/datagram-io.js';
import { silentLogger } from '../../src/util/logger.js';

const ENDPOINT = 'E';

/** The baseline, taken one turn into the test: mocha arms its own timeout timer after the test's first synchronous part. */
async function baselineResources(): Promise<{ readonly udp: number; readonly timeouts: number }> {
  await new Promise((resolve) => { setImmediate(resolve); });
  return activeResources();
}

/** Counts of the resource kinds a driver could leak, from `process.getActiveResourcesInfo()`. */
function activeResources(): { readonly udp: number; readonly timeouts: number } {
  const info = process.getActiveResourcesInfo();
  return { udp: info.filter((r) => r === 'UDPWrap').length, timeouts: info.filter((r) => r === 'Timeout').length };
}

function sameCounts(a: { readonly udp: number; readonly timeouts: number }, b: { readonly udp: number; readonly timeouts: number }): boolean {
  return a.udp === b.udp && a.timeouts === b.timeouts;
}

/** A `UdpNetwork` that remembers every socket it bound, so a test can wait until the OS handles are gone. */
class RecordingNetwork implements DatagramNetwork {
  readonly udp = new UdpNetwork();
  readonly sockets: UdpSocket[] = [];
  interfaceAddresses(): ReturnType<UdpNetwork['interfaceAddresses']> {
    return this.udp.interfaceAddresses();
  }
  async bind(ip: string, port: number): Promise<UdpSocket> {
    const s = await this.udp.bind(ip, port);
    this.sockets.push(s);
    return s;
  }
}

interface Side {
  readonly driver: IceDriver;
  readonly network: RecordingNetwork;
  readonly timers: RealTimerService;
  readonly events: IceAgentEvent[];
  readonly info: IceAgentInfo;
}

async function side(): Promise<Side> {
  const network = new RecordingNetwork();
  const timers = new RealTimerService();
  const driver = new IceDriver(
    { network, timers, randomBytes: (n) => { const b = randomBytes(n); return new Uint8Array(b.buffer, b.byteOffset, b.byteLength); }, log: silentLogger },
    { allowLoopback: true },
  );
  const events: IceAgentEvent[] = [];
  driver.on('ice-event', (e) => { events.push(e); });
  const info = await driver.addEndpoint({ id: ENDPOINT, ips: ['127.0.0.1'] });
  return { driver, network, timers, events, info };
}

/** Resolves once `p` is selected or failed; rejects when `signal` aborts. */
function outcome(p: Side, signal: AbortSignal): Promise<IceAgentEvent> {
  return new Promise((resolve, reject) => {
    const done = p.events.find((e) => e.type === 'selected' || e.type === 'failed');
    if (done !== undefined) { resolve(done); return; }
    const onEvent = (e: IceAgentEvent): void => {
      if (e.type !== 'selected' && e.type !== 'failed') return;
      cleanup();
      resolve(e);
    };
    const onAbort = (): void => { cleanup(); reject(new Error('no outcome in time', { cause: signal.reason })); };
    const cleanup = (): void => { p.driver.off('ice-event', onEvent); signal.removeEventListener('abort', onAbort); };
    p.driver.on('ice-event', onEvent);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Closes both drivers (only the drivers) and checks that nothing of theirs remains. */
async function closeAndExpectNothingLeft(sides: readonly Side[], baseline: { udp: number; timeouts: number }): Promise<void> {
  for (const s of sides) s.driver.close();
  for (const s of sides) {
    expect(s.network.udp.openSockets, 'open sockets').to.equal(0);
    expect(s.timers.pending, 'pending timers').to.equal(0);
    expect(s.driver.eventNames(), 'driver listeners').to.deep.equal([]);
    expect(s.driver.agent.nextDeadline(), 'agent deadline').to.equal(undefined);
    expect(s.network.sockets.every((k) => k.isClosed), 'every socket closed').to.equal(true);
  }
  // The OS handles go when Node's close callbacks have run. Bounded wait with our own timer, cleared
  // before counting (an AbortSignal.timeout timer would itself be an active Timeout).
  const handles = Promise.all(sides.flatMap((s) => s.network.sockets.map((k) => k.whenClosed())));
  let guard: NodeJS.Timeout | undefined;
  try {
    await Promise.race([handles, new Promise<never>((_, reject) => {
      guard = setTimeout(() => { reject(new Error('socket handles not released within 5 s')); }, 5_000);
    })]);
  } finally {
    clearTimeout(guard);
  }
  // libuv releases a closed handle on a later loop iteration than the `close` event: a bounded number of turns.
  for (let turn = 0; turn < 100 && !sameCounts(activeResources(), baseline); turn++) await new Promise((resolve) => { setImmediate(resolve); });
  expect(activeResources(), `active UDPWrap/Timeout resources (${process.getActiveResourcesInfo().join(', ')})`).to.deep.equal(baseline);
}

describe('transport/IceDriver on real loopback UDP', function () {
  this.timeout(30_000);

  it('two drivers connect, select the same pair, and close() leaves no socket, timer or listener', async () => {
    const baseline = await baselineResources();
    const a = await side();
    const b = await side();
    try {
      expect(activeResources().udp, 'one socket per driver while open').to.equal(baseline.udp + 2);
      a.driver.startIce(ENDPOINT, 'a-b', b.info, { roleRule: 'rfc8445', initialRole: 'controlling' });
      b.driver.startIce(ENDPOINT, 'b-a', a.info, { roleRule: 'rfc8445', initialRole: 'controlled' });
      const signal = AbortSignal.timeout(10_000);
      const [ea, eb] = await Promise.all([outcome(a, signal), outcome(b, signal)]);
      if (ea.type !== 'selected' || eb.type !== 'selected') throw new Error(`not selected: ${ea.type}, ${eb.type}`);
      expect(ea.localCandidate.address).to.deep.equal(eb.remoteAddress);
      expect(eb.localCandidate.address).to.deep.equal(ea.remoteAddress);
      expect(a.driver.selectedAddress(ENDPOINT, 'a-b')).to.deep.equal(b.driver.localAddresses(ENDPOINT)[0]);
      expect(a.timers.pending, 'the driver keeps one timer armed while connected (keepalives)').to.be.at.most(1);
    } finally {
      await closeAndExpectNothingLeft([a, b], baseline);
    }
  });

  it('close() while checks are in flight leaves nothing either', async () => {
    const baseline = await baselineResources();
    const a = await side();
    const b = await side();
    try {
      a.driver.startIce(ENDPOINT, 'a-b', b.info, { roleRule: 'rfc8445', initialRole: 'controlling' });
      // b never learns a's info: a's checks are answered, b's deferred checks stay queued.
      expect(a.timers.pending).to.equal(1);
    } finally {
      await closeAndExpectNothingLeft([a, b], baseline);
    }
  });
});
