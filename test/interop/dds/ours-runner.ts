/**
 * Our `DomainParticipant` as a child process for the third-party interop tests (dds-ours.test.ts), so it
 * can run inside the harness's private network namespace (`ip netns exec NS node --import tsx …`).
 *
 * Usage: node --import tsx test/interop/dds/ours-runner.ts '<json RunnerOptions>'
 * Speaks JSON lines on stdout:
 *   {"event":"ready","prefix":hex,"spdp":[addr…]}
 *   {"event":"discovered","prefix":hex,"vendorId":n}
 *   {"event":"ice","channel":s,"state":s,"remote":hex}  (ICE with another of ours)
 *   {"event":"matched","remote":hex}                  (writer: a reader matched; reader: a writer matched)
 *   {"event":"incompatible","remote":hex,"policy":s}
 *   {"event":"wrote","id":n,"text":s}                 (pub)
 *   {"event":"got","id":n,"text":s,"writer":hex}      (sub)
 *   {"event":"done","wrote"|"received":n}
 *   {"event":"error","message":s}
 * Exits on its own after `seconds` (sub) or after writing and lingering (pub); SIGTERM closes it early.
 */
import { DomainParticipant, type DataReader, type DataWriter } from '../../../src/dds/index.js';
import { guidToString } from '../../../src/rtps/index.js';

/** What the parent asks for. */
export interface RunnerOptions {
  readonly mode: 'pub' | 'sub';
  readonly domainId: number;
  readonly reliability: 'reliable' | 'best-effort';
  readonly durability: 'transient-local' | 'volatile';
  readonly useIce: boolean;
  /** pub: samples to write (ids 0..count-1, text `hello #id from rtps-ice`), 200 ms apart. */
  readonly count?: number;
  /** pub: ms between matching and the first write (default 500). */
  readonly startDelayMs?: number;
  /** pub: ms to linger after the last write so repairs go out (default 2000). */
  readonly lingerMs?: number;
  /** sub: run time, s (default 10); also an overall bound for pub. */
  readonly seconds?: number;
}

export const LAB_MSG_IDL = 'struct Msg { long id; string text; };';
export const oursText = (id: number): string => `hello #${id} from rtps-ice`;

const opts = JSON.parse(process.argv[2] ?? '{}') as RunnerOptions;
const report = (o: object): void => { process.stdout.write(`${JSON.stringify(o)}\n`); };
const hex = (u: Uint8Array): string => Buffer.from(u).toString('hex');
const sleep = (ms: number): Promise<void> => new Promise((r) => { setTimeout(r, ms); });

const guard = new AbortController();
const seconds = opts.seconds ?? 10;
const bound = setTimeout(() => { guard.abort(new Error('runner time bound')); }, seconds * 1000 + 30_000);
process.once('SIGTERM', () => { guard.abort(new Error('SIGTERM')); });

// SPDP to the unicast ports of participant ids 0..9 of the domain (RTPS 2.5 §9.6.1.1: 7400 + 250 d + 10 + 2 i),
// where Cyclone (cyclone-lo.xml) and Fast DDS (initial peers 127.0.0.1) listen; no multicast (lo only).
const base = 7400 + 250 * opts.domainId + 10;
const spdpSendAddrs = Array.from({ length: 10 }, (_, i) => `127.0.0.1:${base + 2 * i}`).join(',');

const p = await DomainParticipant.create({
  domainId: opts.domainId, ips: ['127.0.0.1'], multicast: false, signal: guard.signal,
  config: {
    rtpsDiscovery: { useIce: opts.useIce, spdpSendAddrs, resendPeriod: 1, leaseDuration: 30 },
    transport: { useIce: opts.useIce, heartbeatPeriod: 200, heartbeatResponseDelay: 10, nakResponseDelay: 10 },
    ice: { allowLoopback: true },
  },
});
try {
  p.on('ice', (s) => { report({ event: 'ice', channel: s.channel, state: s.state, remote: s.remote }); });
  p.on('participant-discovered', (d) => { report({ event: 'discovered', prefix: hex(d.guidPrefix), vendorId: d.vendorId }); });
  report({ event: 'ready', prefix: hex(p.guidPrefix), spdp: p.localAddresses('spdp') });
  const topic = p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL);
  const qos = { reliability: opts.reliability, durability: opts.durability, history: 'keep-all' } as const;
  if (opts.mode === 'pub') {
    const w: DataWriter = p.createDataWriter(topic, qos);
    w.on('publication-matched', (s) => { if (s.isMatched) report({ event: 'matched', remote: guidToString(s.remote) }); });
    w.on('incompatible-qos', (s) => { report({ event: 'incompatible', remote: guidToString(s.remote), policy: s.policy }); });
    await w.waitForMatch({ signal: guard.signal });
    await sleep(opts.startDelayMs ?? 500);
    const count = opts.count ?? 5;
    for (let id = 0; id < count; id++) {
      guard.signal.throwIfAborted();
      const text = oursText(id);
      await w.write({ id, text }, { signal: guard.signal });
      report({ event: 'wrote', id, text });
      if (id + 1 < count) await sleep(200);
    }
    await sleep(opts.lingerMs ?? 2000);
    report({ event: 'done', wrote: count });
  } else {
    const r: DataReader = p.createDataReader(topic, qos);
    r.on('subscription-matched', (s) => { if (s.isMatched) report({ event: 'matched', remote: guidToString(s.remote) }); });
    r.on('incompatible-qos', (s) => { report({ event: 'incompatible', remote: guidToString(s.remote), policy: s.policy }); });
    let n = 0;
    r.on('data', (s, info) => { n++; report({ event: 'got', id: s.id, text: s.text, writer: guidToString(info.writerGuid) }); });
    await new Promise<void>((res) => {
      const t = setTimeout(res, seconds * 1000);
      guard.signal.addEventListener('abort', () => { clearTimeout(t); res(); }, { once: true });
    });
    report({ event: 'done', received: n });
  }
} catch (err: unknown) {
  report({ event: 'error', message: err instanceof Error ? err.message : String(err) });
  process.exitCode = 1;
} finally {
  await p.close();
  clearTimeout(bound);
}
