/**
 * One DomainParticipant in a lab namespace for test/dds/turn-netns.test.ts, speaking JSON lines on
 * stdout: ICE on SPDP/SEDP/DATA with coturn as STUN and TURN server (`[ice] TurnServer`,
 * `TurnUsername`, `TurnPassword`), SPDP through a rendezvous reflector (`SpdpSendAddrs`; OpenDDS would
 * use its RtpsRelay). Argument: one JSON object
 * `{ role: 'writer'|'reader', ip, rendezvous: 'ip:port', stun: 'ip:port', turn: {username, password}, count }`.
 * Reports the selected SEDP/DATA paths with their local candidate types, then waits for a line on
 * stdin (or 60 s) and closes.
 */
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { DomainParticipant } from '../../src/dds/index.js';
import { resolveDdsConfig } from '../../src/dds/index.js';
import { IceDriver, RealTimerService, UdpNetwork } from '../../src/transport/index.js';
import { formatAddress } from '../../src/util/address.js';
import { toHex } from '../../src/util/hex.js';
import { silentLogger } from '../../src/util/logger.js';
import { LAB_MSG_IDL, readLabMsgs, writeAll } from './support.js';

interface Args { role: 'writer' | 'reader'; ip: string; rendezvous: string; stun: string; turn: { username: string; password: string }; count: number }
const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const report = (o: object): void => { process.stdout.write(`${JSON.stringify(o)}\n`); };
const t0 = performance.now();
const guard = new AbortController();
const hard = setTimeout(() => { report({ event: 'timeout' }); guard.abort(new Error('timeout')); }, 90_000);
const { signal } = guard;
const stdinLine = new Promise<void>((r) => { createInterface({ input: process.stdin }).once('line', () => { r(); }); process.stdin.once('end', () => { r(); }); });

const config = resolveDdsConfig({
  rtpsDiscovery: { useIce: true, spdpSendAddrs: args.rendezvous, spdpStunServerAddress: args.stun, sedpStunServerAddress: args.stun, resendPeriod: 1 },
  transport: { useIce: true, dataStunServerAddress: args.stun, heartbeatPeriod: 200, heartbeatResponseDelay: 10, nakResponseDelay: 10 },
  ice: { turnServer: args.stun, turnUsername: args.turn.username, turnPassword: args.turn.password },
});
const network = new UdpNetwork({ log: silentLogger }, { includeLoopback: false });
const timers = new RealTimerService({ log: silentLogger });
const driver = new IceDriver({ network, timers, log: silentLogger, randomBytes: (n) => new Uint8Array(randomBytes(n)) }, config.ice);
const p = await DomainParticipant.create({ domainId: 0, ips: [args.ip], multicast: false, signal, config, iceDriver: driver });
p.on('turn-failed', (e) => { report({ event: 'turn-failed', code: e.code, message: e.message }); });
report({ event: 'ready', prefix: toHex(p.guidPrefix) });
const topic = p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL);
const qos = { reliability: 'reliable', history: 'keep-all', maxSamples: 1000 } as const;
const remote = (): Uint8Array => p.discoveredParticipants()[0]?.guidPrefix ?? new Uint8Array(12);
const paths = (): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const ch of ['SEDP', 'DATA']) {
    const s = driver.selectedPath(`${toHex(p.guidPrefix)}.${ch}`, toHex(remote()));
    out[ch] = s === undefined ? null : { localType: s.localCandidate.type, local: formatAddress(s.localBase), remote: formatAddress(s.remoteAddress) };
  }
  return out;
};
try {
  if (args.role === 'writer') {
    const w = p.createDataWriter(topic, qos);
    await w.waitForMatch({ signal });
    while (p.selectedAddress('data', remote()) === undefined && !signal.aborted) await new Promise((r) => { setTimeout(r, 20); });
    const selectedMs = performance.now() - t0;
    await writeAll(w, args.count, signal);
    await w.waitForAcknowledgments({ signal });
    report({ event: 'done', selectedMs, doneMs: performance.now() - t0, paths: paths() });
  } else {
    const r = p.createDataReader(topic, qos);
    const { received, bad } = await readLabMsgs(r, args.count, signal);
    report({ event: 'done', received, bad, doneMs: performance.now() - t0, paths: paths() });
  }
  await Promise.race([stdinLine, new Promise((r) => { setTimeout(r, 60_000); })]);
} finally {
  clearTimeout(hard);
  await p.close();
  driver.close();
  timers.close();
  await network.close();
  report({ event: 'closed' });
  process.exit(0);
}
