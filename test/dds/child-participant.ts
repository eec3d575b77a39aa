/**
 * A participant in its own process for test/dds/udp.test.ts: reads `count` LabMsg samples on real
 * loopback UDP and reports on stdout (one JSON line per event), then closes and exits.
 * Usage: node --import tsx test/dds/child-participant.ts <domainId> <count> [changePasswordPeriodSeconds]
 */
import { DomainParticipant } from '../../src/dds/index.js';
import { loopbackConfig } from './loopback-config.js';
import { LAB_MSG_IDL, readLabMsgs } from './support.js';

const domainId = Number(process.argv[2]);
const count = Number(process.argv[3]);
const rotationSeconds = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
const base = loopbackConfig(domainId);
const config = rotationSeconds === undefined ? base : { ...base, ice: { ...base.ice, changePasswordPeriod: rotationSeconds } };
let rotations = 0;
const report = (o: object): void => { process.stdout.write(`${JSON.stringify(o)}\n`); };
let seen = 0; // samples so far, for the timeout report

// One bound for the whole run (AbortSignal.timeout's timers would count as resources left behind).
const guard = new AbortController();
const timer = setTimeout(() => { report({ event: 'timeout', received: seen }); guard.abort(new Error('timeout')); }, 60_000);
const p = await DomainParticipant.create({ domainId, ips: ['127.0.0.1'], config, signal: guard.signal });
p.on('local-ice-changed', (_channel, reason) => { if (reason === 'password-rotation') rotations++; });
const reader = p.createDataReader(p.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all' });
report({ event: 'ready', prefix: Buffer.from(p.guidPrefix).toString('hex') });
const { received, bad } = await readLabMsgs(reader, count, guard.signal, () => { seen++; });
clearTimeout(timer);
// With flow control the samples can all be through (over the announced locators) before ICE on DATA
// selects its pair: give it up to 10 s more, bounded.
const selectedData = (): unknown => p.selectedAddress('data', p.discoveredParticipants()[0]?.guidPrefix ?? new Uint8Array(12));
for (let i = 0; i < 200 && selectedData() === undefined; i++) await new Promise((r) => { setTimeout(r, 50); });
report({ event: 'done', received, bad, rotations, selectedData: selectedData() ?? null });
// Let the last ACKNACKs go out before the dispose.
await new Promise((r) => { setTimeout(r, 300); });
await p.close();
await new Promise((r) => { setTimeout(r, 20); });
const left = process.getActiveResourcesInfo();
report({ event: 'closed', resources: left.filter((r) => r === 'UDPWrap' || r === 'Timeout').length, left });
