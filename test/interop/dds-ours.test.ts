/**
 * Our DomainParticipant with Cyclone DDS 0.10 and Fast DDS 2.9 (the shared `LabMsg` programs and our QoS
 * variants, test/interop/dds/peers.ts): for each vendor, ours → peer and peer → ours, reliable +
 * transient-local (lab programs) and best-effort + volatile (variants), each with `UseIce` on and off
 * (the vendors speak no ICE: traffic goes by locators either way).
 *
 * Isolation: every case runs in a private network namespace holding only `lo` (createDdsNetns); the
 * peer runs there through `ip netns exec` and so does our participant, as a child process
 * (test/interop/dds/ours-runner.ts, JSON lines). Domain 0 (the Fast DDS lab program hard-codes it) is
 * then shared with no other process on the machine, and nothing can leave it. Needs root (CI is root)
 * and the DDS packages; skipped otherwise.
 */
import { expect } from 'chai';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { VendorIds } from '../../src/rtps/index.js';
import {
  buildCyclonePeer, buildFastddsPeer, canCreateDdsNetns, createDdsNetns, labText, netnsLauncher, requireDdsTools, startDdsPeer,
  type DdsPeer, type DdsPeerKind, type LabMsg,
} from './dds/peers.js';
import type { RunnerOptions } from './dds/ours-runner.js';

const RUNNER = fileURLToPath(new URL('./dds/ours-runner.ts', import.meta.url));
const COUNT = 5;
const VENDOR: Readonly<Record<DdsPeerKind, number>> = { cyclone: VendorIds.CYCLONEDDS, fastdds: VendorIds.FASTDDS };
const oursText = (id: number): string => `hello #${id} from rtps-ice`;

interface RunnerEvent { readonly event: string; readonly [k: string]: unknown }

/** Our participant in a child process (in `netns`), its JSON lines parsed. */
class Ours {
  readonly events: RunnerEvent[] = [];
  output = '';
  readonly exited: Promise<number | null>;
  readonly #checks = new Set<() => void>();
  readonly #child: ChildProcessByStdio<null, Readable, Readable>;

  constructor(netns: string, opts: RunnerOptions) {
    const argv = [...netnsLauncher(netns), process.execPath, '--import', 'tsx', RUNNER, JSON.stringify(opts)];
    this.#child = spawn(argv[0] ?? 'ip', argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (s: string): void => { this.output = (this.output + s).slice(-16_384); };
    this.#child.stderr.setEncoding('utf8');
    this.#child.stderr.on('data', keep);
    const lines = new Promise<void>((res) => {
      createInterface({ input: this.#child.stdout }).on('line', (line) => {
        keep(`${line}\n`);
        try { this.events.push(JSON.parse(line) as RunnerEvent); } catch { /* not ours */ }
        for (const c of [...this.#checks]) c();
      }).on('close', res);
    });
    const exit = new Promise<number | null>((res) => { this.#child.once('exit', (code) => { res(code); }); this.#child.once('error', () => { res(null); }); });
    this.exited = Promise.all([exit, lines]).then(([code]) => { for (const c of [...this.#checks]) c(); return code; });
  }

  get received(): LabMsg[] {
    return this.events.filter((e) => e.event === 'got').map((e) => ({ id: e['id'] as number, text: e['text'] as string }));
  }

  get discoveredVendors(): number[] {
    return this.events.filter((e) => e.event === 'discovered').map((e) => e['vendorId'] as number);
  }

  /** Resolves once `cond` holds; rejects on exit or after `ms`. */
  async until(cond: () => boolean, ms: number, what: string): Promise<void> {
    let done = false;
    await new Promise<void>((res, rej) => {
      const finish = (err?: Error): void => { done = true; this.#checks.delete(check); clearTimeout(timer); if (err === undefined) res(); else rej(err); };
      const check = (): void => {
        if (done) return;
        if (cond()) finish();
        else if (this.#child.exitCode !== null || this.#child.signalCode !== null) finish(new Error(`ours exited waiting for ${what}; output:\n${this.output.slice(-3000)}`));
      };
      const timer = setTimeout(() => { finish(new Error(`timed out (${ms} ms) waiting for ${what}; ours:\n${this.output.slice(-3000)}`)); }, ms);
      this.#checks.add(check);
      check();
    });
  }

  /** SIGTERM (the runner closes its participant), SIGKILL after 5 s; waits for the exit. */
  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
      const t = setTimeout(() => { this.#child.kill('SIGKILL'); }, 5000);
      await this.exited;
      clearTimeout(t);
    }
    await this.exited;
  }
}

type Direction = 'ours→peer' | 'peer→ours';
type Reliability = 'reliable' | 'best-effort';

/** The checks of one case: reliable: exactly all, in order; best-effort: in order, right texts, the last one there. */
function expectSamples(got: readonly LabMsg[], text: (id: number) => string, reliability: Reliability, what: string): void {
  const want = Array.from({ length: COUNT }, (_, id) => ({ id, text: text(id) }));
  if (reliability === 'reliable') {
    expect(got, what).to.deep.equal(want);
    return;
  }
  for (const m of got) expect(m.text, what).to.equal(text(m.id));
  const ids = got.map((m) => m.id);
  expect(ids, `${what}: in order, no duplicate`).to.deep.equal([...new Set(ids)].sort((a, b) => a - b));
  expect(ids, `${what}: the last sample`).to.include(COUNT - 1);
}

/** One case in its own namespace; returns what was received, for the report. */
async function runCase(kind: DdsPeerKind, dir: Direction, reliability: Reliability, useIce: boolean): Promise<void> {
  const what = `${kind} ${dir} ${reliability} UseIce=${useIce}`;
  const durability = reliability === 'reliable' ? 'transient-local' : 'volatile';
  const ns = await createDdsNetns();
  let ours: Ours | undefined;
  let peer: DdsPeer | undefined;
  try {
    const base = { domainId: 0, reliability, durability, useIce } as const;
    if (dir === 'ours→peer') {
      peer = await startDdsPeer(kind, 'sub', { seconds: 40, reliability, durability, netns: ns.name });
      ours = new Ours(ns.name, { ...base, mode: 'pub', count: COUNT, seconds: 40 });
      await peer.waitForSamples(COUNT, { timeoutMs: 30_000 }).catch(async (err: unknown) => {
        // best-effort may lose some; the last sample decides, once ours is done writing and lingering.
        if (reliability === 'reliable' || ours === undefined) throw err;
        await ours.until(() => ours?.events.some((e) => e.event === 'done') === true, 30_000, 'ours done');
      });
      await ours.until(() => ours?.discoveredVendors.length !== 0, 5_000, 'discovery');
      expect(ours.discoveredVendors, `${what}: discovered vendor`).to.include(VENDOR[kind]);
      expectSamples(peer.received, oursText, reliability, what);
    } else {
      ours = new Ours(ns.name, { ...base, mode: 'sub', seconds: 40 });
      await ours.until(() => ours?.events.some((e) => e.event === 'ready') === true, 20_000, 'ready');
      peer = await startDdsPeer(kind, 'pub', { count: COUNT, reliability, durability, netns: ns.name });
      const last = (): boolean => ours?.received.some((m) => m.id === COUNT - 1) === true;
      await ours.until(() => (reliability === 'reliable' ? ours !== undefined && ours.received.length >= COUNT : last()), 30_000, 'samples');
      expect(ours.discoveredVendors, `${what}: discovered vendor`).to.include(VENDOR[kind]);
      expectSamples(ours.received, (id) => labText(kind, id), reliability, what);
    }
  } finally {
    await Promise.all([ours?.stop(), peer?.stop()]);
    await ns.close();
  }
}

describe('DDS interop: our DomainParticipant with Cyclone DDS and Fast DDS (private netns, loopback)', function () {
  this.timeout(180_000);

  before(async function () {
    if (!canCreateDdsNetns()) { this.skip(); return; }
    try {
      await Promise.all([requireDdsTools('cyclone'), requireDdsTools('fastdds')]);
    } catch {
      this.skip();
      return;
    }
    await Promise.all([buildCyclonePeer(), buildFastddsPeer()]);
  });

  for (const kind of ['cyclone', 'fastdds'] as const) {
    for (const dir of ['ours→peer', 'peer→ours'] as const) {
      for (const reliability of ['reliable', 'best-effort'] as const) {
        it(`${kind}: ${dir}, ${reliability}, UseIce on and off: discovery (vendor 0x${VENDOR[kind].toString(16).padStart(4, '0')}), every sample in order`, async () => {
          // The two ICE settings run side by side, each in its own namespace.
          await Promise.all([runCase(kind, dir, reliability, true), runCase(kind, dir, reliability, false)]);
        });
      }
    }
  }
});
