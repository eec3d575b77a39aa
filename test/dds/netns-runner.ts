/**
 * One DomainParticipant in a lab namespace for test/dds/netns.test.ts, speaking JSON lines on
 * stdout. Argument: one JSON object
 * `{ role: 'writer'|'reader', ip, peer: 'ip:port', stun: 'ip:port', count, domainId }`.
 * SPDP goes to `peer` (the other side's NAT public address and SPDP port: a relay-less rendezvous,
 * no multicast across the NATs); ICE on SPDP/SEDP/DATA with `stun` as STUN server
 * (`SpdpStunServerAddress`, `SedpStunServerAddress`, `DataStunServerAddress`). The writer writes
 * `count` reliable LabMsg samples once matched and waits for their acknowledgment; the reader
 * checks order, duplicates and content. Both report the ICE-selected DATA address, then wait for a
 * line on stdin (or 60 s) and close.
 */
import { createInterface } from 'node:readline';
import { DomainParticipant } from '../../src/dds/index.js';
import { LAB_MSG_IDL, readLabMsgs, writeAll } from './support.js';

interface Args { role: 'writer' | 'reader'; ip: string; peer: string; stun: string; count: number; domainId: number }
const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const report = (o: object): void => { process.stdout.write(`${JSON.stringify(o)}\n`); };
const t0 = performance.now();
const guard = new AbortController();
const hard = setTimeout(() => { report({ event: 'timeout' }); guard.abort(new Error('timeout')); }, 90_000);
const { signal } = guard;
const stdinLine = new Promise<void>((r) => { createInterface({ input: process.stdin }).once('line', () => { r(); }); process.stdin.once('end', () => { r(); }); });

const p = await DomainParticipant.create({
  domainId: args.domainId, ips: [args.ip], multicast: false, signal,
  config: {
    rtpsDiscovery: { useIce: true, spdpSendAddrs: args.peer, spdpStunServerAddress: args.stun, sedpStunServerAddress: args.stun, resendPeriod: 1 },
    transport: { useIce: true, dataStunServerAddress: args.stun, heartbeatPeriod: 200, heartbeatResponseDelay: 10, nakResponseDelay: 10 },
  },
});
p.on('ice', (s) => { report({ event: 'ice', channel: s.channel, state: s.state, remoteAddress: s.remoteAddress ?? null }); });
report({ event: 'ready', prefix: Buffer.from(p.guidPrefix).toString('hex'), data: p.localAddresses('data') });
const topic = p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL);
const qos = { reliability: 'reliable', history: 'keep-all', maxSamples: 1000 } as const;
const remote = (): Uint8Array => p.discoveredParticipants()[0]?.guidPrefix ?? new Uint8Array(12);
try {
  if (args.role === 'writer') {
    const w = p.createDataWriter(topic, qos);
    await w.waitForMatch({ signal });
    const matchedMs = performance.now() - t0;
    // Samples go out once DATA has an ICE-selected pair (before it, only the private locator, unreachable).
    while (p.selectedAddress('data', remote()) === undefined && !signal.aborted) await new Promise((r) => { setTimeout(r, 20); });
    const selectedMs = performance.now() - t0;
    await writeAll(w, args.count, signal);
    await w.waitForAcknowledgments({ signal });
    report({ event: 'done', matchedMs, selectedMs, doneMs: performance.now() - t0, selectedData: p.selectedAddress('data', remote()) ?? null });
  } else {
    const r = p.createDataReader(topic, qos);
    const { received, bad } = await readLabMsgs(r, args.count, signal);
    report({ event: 'done', received, bad, doneMs: performance.now() - t0, selectedData: p.selectedAddress('data', remote()) ?? null, writerPrefix: Buffer.from(remote()).toString('hex') });
  }
  await Promise.race([stdinLine, new Promise((r) => { setTimeout(r, 60_000); })]);
} finally {
  clearTimeout(hard);
  await p.close();
  report({ event: 'closed' });
  process.exit(0);
}
