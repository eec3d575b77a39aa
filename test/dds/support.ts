/** Helpers of the DDS tests: the LabMsg type, virtual-time driving, a sample checker. */
import { expect } from 'chai';
import type { VirtualNetwork } from '../../src/simnet/index.js';
import type { DataReader, DataWriter } from '../../src/dds/index.js';

export const LAB_MSG_IDL = 'struct Msg { long id; string text; };';

/** Runs the simulation in `stepMs` slices (yielding to promises between them) until `cond` or `maxMs` virtual ms. */
export async function drive(net: VirtualNetwork, cond: () => boolean, maxMs: number, stepMs = 10): Promise<number> {
  const start = net.now();
  while (!cond()) {
    if (net.now() - start > maxMs) throw new Error(`condition not met within ${maxMs} virtual ms`);
    net.runFor(stepMs);
    await new Promise<void>((r) => { setImmediate(r); });
  }
  return net.now() - start;
}

/** Resolves `p` while driving the simulation. */
export async function driveUntil<T>(net: VirtualNetwork, p: Promise<T>, maxMs: number): Promise<T> {
  let settled = false;
  let outcome: { ok: true; value: T } | { ok: false; error: Error } | undefined;
  p.then((value) => { outcome = { ok: true, value }; settled = true; }, (err: unknown) => {
    outcome = { ok: false, error: err instanceof Error ? err : new Error(String(err)) };
    settled = true;
  });
  await drive(net, () => settled, maxMs);
  if (outcome === undefined) throw new Error('not settled');
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/** Collects ids from a reader and checks order, duplicates and gaps. */
export class IdCollector {
  readonly ids: number[] = [];
  outOfOrder = 0;

  constructor(reader: DataReader) {
    reader.on('data', (sample) => {
      const id = sample.id;
      if (typeof id !== 'number') throw new Error('no id');
      if (this.ids.length > 0 && id !== (this.ids[this.ids.length - 1] ?? 0) + 1) this.outOfOrder++;
      this.ids.push(id);
      expect(sample.text).to.equal(`msg ${id}`);
    });
  }

  expectExactly(n: number): void {
    expect(this.ids.length, 'received').to.equal(n);
    expect(this.outOfOrder, 'out of order / duplicated / lost').to.equal(0);
    expect(this.ids[0]).to.equal(1);
    expect(this.ids[n - 1]).to.equal(n);
  }
}

/** Writes ids 1..n with text `msg <id>`. */
export async function writeAll(writer: DataWriter, n: number, signal?: AbortSignal): Promise<void> {
  for (let id = 1; id <= n; id++) await writer.write({ id, text: `msg ${id}` }, signal === undefined ? {} : { signal });
}

/**
 * Reads `count` LabMsg samples in order (ids 1..count, text `msg <id>`), counting the ones that are
 * not the next expected as `bad`; calls `onSample` for each. Ends early only through `signal`.
 */
export async function readLabMsgs(reader: DataReader, count: number, signal: AbortSignal, onSample?: () => void): Promise<{ received: number; bad: number }> {
  let next = 1;
  let bad = 0;
  if (count < 1) return { received: 0, bad };
  for await (const { sample } of reader.samples({ signal })) {
    onSample?.();
    if (sample.id !== next || sample.text !== `msg ${next}`) bad++;
    next++;
    if (next > count) break;
  }
  return { received: next - 1, bad };
}
