/**
 * Two DomainParticipants over real loopback UDP with ICE: in one process (sharing the module-level
 * ICE driver), and in two processes (a child reader started with `node --import tsx`). 10,000
 * reliable LabMsg samples each, none lost, duplicated or out of order; bounded waits; afterwards no
 * socket, timer or child left.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { DomainParticipant } from '../../src/dds/index.js';
import { loopbackConfig } from './loopback-config.js';
import { IdCollector, LAB_MSG_IDL, writeAll } from './support.js';

const N = 10_000;
/** A domain of its own per run, so parallel runs on this host do not meet. */
const domainOf = (k: number): number => 100 + ((process.pid * 3 + k) % 120);

/** UDP sockets and timers open now (measured after a tick, so mocha's own test timer is running on both sides). */
async function resources(): Promise<{ udp: number; timeouts: number }> {
  await new Promise((r) => { setImmediate(r); });
  const r = process.getActiveResourcesInfo();
  return { udp: r.filter((x) => x === 'UDPWrap').length, timeouts: r.filter((x) => x === 'Timeout').length };
}

/** One bound for a test, cleared after (AbortSignal.timeout's timers would count as resources left behind). */
function bounded(ms: number): { readonly signal: AbortSignal; clear(): void } {
  const c = new AbortController();
  const t = setTimeout(() => { c.abort(new Error(`test bound ${ms} ms`)); }, ms);
  return { signal: c.signal, clear: () => { clearTimeout(t); } };
}

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => { setTimeout(r, 5); });
  }
}

describe('dds/DomainParticipant over real loopback UDP', function () {
  this.timeout(120_000);

  it('in one process: ICE on SEDP and DATA, 10,000 reliable samples exactly once and in order, nothing left after close', async () => {
    const before = await resources();
    const domainId = domainOf(0);
    const bound = bounded(90_000);
    const { signal } = bound;
    const a = await DomainParticipant.create({ domainId, ips: ['127.0.0.1'], config: loopbackConfig(domainId), signal });
    const b = await DomainParticipant.create({ domainId, ips: ['127.0.0.1'], config: loopbackConfig(domainId), signal });
    try {
      const writer = a.createDataWriter(a.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all', maxSamples: 1000 });
      const reader = b.createDataReader(b.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all' });
      const collector = new IdCollector(reader);
      const t0 = performance.now();
      await writer.waitForMatch({ signal });
      await reader.waitForMatch({ signal });
      const matchedMs = performance.now() - t0;
      const t1 = performance.now();
      await writeAll(writer, N, signal);
      await until(() => collector.ids.length >= N, 60_000, 'all samples');
      const ms = performance.now() - t1;
      collector.expectExactly(N);
      await until(() => a.selectedAddress('data', b.guidPrefix) !== undefined && a.selectedAddress('sedp', b.guidPrefix) !== undefined, 10_000, 'ICE selected');
      expect(a.selectedAddress('data', b.guidPrefix)).to.deep.equal(b.localAddresses('data')[0]);
      console.log(`      matched in ${matchedMs.toFixed(0)} ms; ${N} samples in ${ms.toFixed(0)} ms`);
    } finally {
      await a.close();
      await b.close();
      bound.clear();
    }
    await new Promise((r) => { setTimeout(r, 20); });
    expect(await resources()).to.deep.equal(before);
  });

  it('in two processes: a child reader receives 10,000 reliable samples exactly once and in order', async () => {
    const before = await resources();
    const domainId = domainOf(1);
    const script = fileURLToPath(new URL('./child-participant.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, String(domainId), String(N)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const events: { event: string; received?: number; bad?: number; resources?: number; selectedData?: unknown }[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => { events.push(JSON.parse(line) as { event: string }); });
    const exited = new Promise<number | null>((resolve) => { child.on('exit', (code) => { resolve(code); }); });
    let a: DomainParticipant | undefined;
    const bound = bounded(90_000);
    const { signal } = bound;
    try {
      await until(() => events.some((e) => e.event === 'ready'), 20_000, 'child ready');
      a = await DomainParticipant.create({ domainId, ips: ['127.0.0.1'], config: loopbackConfig(domainId), signal });
      const writer = a.createDataWriter(a.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all', maxSamples: 1000 });
      await writer.waitForMatch({ signal });
      const t1 = performance.now();
      await writeAll(writer, N, signal);
      await writer.waitForAcknowledgments({ signal });
      await until(() => events.some((e) => e.event === 'done' || e.event === 'timeout'), 30_000, 'child done');
      const ms = performance.now() - t1;
      const done = events.find((e) => e.event === 'done');
      expect(done, JSON.stringify(events)).to.deep.include({ received: N, bad: 0 });
      expect(done?.selectedData, 'the child reader selected an ICE pair for DATA').not.to.equal(null);
      await until(() => child.exitCode !== null, 10_000, 'child exit');
      expect(child.exitCode).to.equal(0);
      const closed = events.find((e) => e.event === 'closed');
      expect(closed?.resources, `child: sockets and timers after close ${JSON.stringify(closed)}`).to.equal(0);
      console.log(`      ${N} samples to another process in ${ms.toFixed(0)} ms`);
    } finally {
      await a?.close();
      bound.clear();
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    }
    await new Promise((r) => { setTimeout(r, 20); });
    expect(await resources()).to.deep.equal(before);
  });
});
