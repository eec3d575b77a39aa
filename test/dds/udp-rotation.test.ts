/**
 * Password rotation during a run over real loopback UDP: with ChangePasswordPeriod = 2 s, the SEDP and
 * DATA credentials rotate several times while 10,000 reliable samples flow (writes paced over ~6 s), the
 * new passwords are re-announced and accepted without restarting checks, and no sample is lost,
 * duplicated or reordered.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { DomainParticipant } from '../../src/dds/index.js';
import { loopbackConfig } from './loopback-config.js';
import { IdCollector, LAB_MSG_IDL } from './support.js';

const N = 10_000;
const BATCH = 250;
const PAUSE_MS = 150;

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => { setTimeout(r, 5); });
  }
}

describe('dds/DomainParticipant over real loopback UDP with ChangePasswordPeriod = 2 s', function () {
  this.timeout(120_000);

  it('10,000 reliable samples while SEDP and DATA passwords rotate: none lost, duplicated or out of order', async () => {
    const domainId = 100 + ((process.pid * 3 + 2) % 120);
    const base = loopbackConfig(domainId);
    const config = { ...base, ice: { ...base.ice, changePasswordPeriod: 2 } };
    const controller = new AbortController();
    const bound = setTimeout(() => { controller.abort(new Error('test bound 90 s')); }, 90_000);
    const { signal } = controller;
    const a = await DomainParticipant.create({ domainId, ips: ['127.0.0.1'], config, signal });
    const b = await DomainParticipant.create({ domainId, ips: ['127.0.0.1'], config, signal });
    const rotations: string[] = [];
    a.on('local-ice-changed', (channel, reason) => { if (reason === 'password-rotation') rotations.push(`a:${channel}`); });
    b.on('local-ice-changed', (channel, reason) => { if (reason === 'password-rotation') rotations.push(`b:${channel}`); });
    const lost: string[] = [];
    a.on('ice', (e) => { if (e.state === 'failed' || e.state === 'disconnected') lost.push(`a:${e.channel}:${e.state}`); });
    b.on('ice', (e) => { if (e.state === 'failed' || e.state === 'disconnected') lost.push(`b:${e.channel}:${e.state}`); });
    try {
      const writer = a.createDataWriter(a.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all', maxSamples: 1000 });
      const reader = b.createDataReader(b.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all' });
      const collector = new IdCollector(reader);
      await writer.waitForMatch({ signal });
      await reader.waitForMatch({ signal });
      for (let id = 1; id <= N; id++) {
        await writer.write({ id, text: `msg ${id}` }, { signal });
        if (id % BATCH === 0) await new Promise((r) => { setTimeout(r, PAUSE_MS); });
      }
      await until(() => collector.ids.length >= N, 60_000, 'all samples');
      collector.expectExactly(N);
      for (const who of ['a:sedp', 'a:data', 'b:sedp', 'b:data']) {
        expect(rotations.filter((r) => r === who).length, `${who} rotations during the run (${rotations.join(' ')})`).to.be.at.least(2);
      }
      expect(lost, 'no selected pair lost or failed through the rotations').to.deep.equal([]);
      expect(a.selectedAddress('data', b.guidPrefix), 'DATA pair still selected after the rotations').to.not.equal(undefined);
    } finally {
      await a.close();
      await b.close();
      clearTimeout(bound);
    }
  });

  it('in two processes: a child reader gets 10,000 reliable samples while both sides rotate passwords every 2 s', async () => {
    const domainId = 100 + ((process.pid * 3 + 3) % 120);
    const base = loopbackConfig(domainId);
    const config = { ...base, ice: { ...base.ice, changePasswordPeriod: 2 } };
    const script = fileURLToPath(new URL('./child-participant.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script, String(domainId), String(N), '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const events: { event: string; received?: number; bad?: number; rotations?: number }[] = [];
    createInterface({ input: child.stdout }).on('line', (line) => { events.push(JSON.parse(line) as { event: string }); });
    const exited = new Promise<number | null>((resolve) => { child.on('exit', (code) => { resolve(code); }); });
    const controller = new AbortController();
    const bound = setTimeout(() => { controller.abort(new Error('test bound 90 s')); }, 90_000);
    const { signal } = controller;
    let a: DomainParticipant | undefined;
    let rotations = 0;
    try {
      await until(() => events.some((e) => e.event === 'ready'), 20_000, 'child ready');
      a = await DomainParticipant.create({ domainId, ips: ['127.0.0.1'], config, signal });
      a.on('local-ice-changed', (_channel, reason) => { if (reason === 'password-rotation') rotations++; });
      const writer = a.createDataWriter(a.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all', maxSamples: 1000 });
      await writer.waitForMatch({ signal });
      for (let id = 1; id <= N; id++) {
        await writer.write({ id, text: `msg ${id}` }, { signal });
        if (id % BATCH === 0) await new Promise((r) => { setTimeout(r, PAUSE_MS); });
      }
      await writer.waitForAcknowledgments({ signal });
      await until(() => events.some((e) => e.event === 'done' || e.event === 'timeout'), 30_000, 'child done');
      const done = events.find((e) => e.event === 'done');
      expect(done, JSON.stringify(events)).to.deep.include({ received: N, bad: 0 });
      expect(done?.rotations, 'child rotated its SEDP/DATA passwords during the run').to.be.at.least(2);
      expect(rotations, 'parent rotated its SEDP/DATA passwords during the run').to.be.at.least(2);
    } finally {
      await a?.close();
      clearTimeout(bound);
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    }
  });
});
