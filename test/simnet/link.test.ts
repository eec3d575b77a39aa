import { expect } from 'chai';
import type { FateEntry, LinkParams, TraceEntry } from '../../src/simnet/index.js';
import { VirtualNetwork, resolveLink } from '../../src/simnet/index.js';
import { InvalidConfigError } from '../../src/util/errors.js';
import { listen } from './support.js';

/** a → b over a link with `params` on a's uplink only; `n` datagrams 1 ms apart, numbered. */
function blast(params: LinkParams, n: number, seed = 1): { net: VirtualNetwork; seq: number[]; times: number[] } {
  const net = new VirtualNetwork({ seed });
  const a = listen(net, net.addHost('a', { link: { up: params } }), 1000);
  const b = listen(net, net.addHost('b'), 2000);
  for (let i = 0; i < n; i++) {
    net.scheduler.at(i, () => { a.socket.send(Uint8Array.of(i >> 8, i & 0xff), b.socket.localAddress); });
  }
  const seq: number[] = [];
  const times: number[] = [];
  b.socket.onDatagram((bytes) => {
    const i = ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
    seq.push(i);
    times.push(net.now() - i);
  });
  net.runUntilIdle();
  return { net, seq, times };
}

const fates = (trace: readonly TraceEntry[]): FateEntry[] => trace.flatMap((e) => (e.kind === 'fate' ? [e] : []));

describe('simnet/links', () => {
  it('applies a fixed delay', () => {
    const { times } = blast({ delayMs: 25 }, 10);
    expect(times).to.deep.equal(new Array<number>(10).fill(25));
  });

  it('keeps jittered delays within [delay, delay + jitter)', () => {
    const { times } = blast({ delayMs: 20, jitterMs: 10 }, 2000);
    expect(Math.min(...times)).to.be.at.least(20);
    expect(Math.max(...times)).to.be.below(30);
    const mean = times.reduce((s, t) => s + t, 0) / times.length;
    expect(mean).to.be.within(24.5, 25.5);
  });

  it('loses datagrams at the seeded rate (within tolerance) and logs each loss', () => {
    const { net, seq } = blast({ loss: 0.1 }, 10_000);
    expect(10_000 - seq.length).to.be.within(900, 1100);
    const lost = fates(net.trace).filter((e) => e.fate === 'dropped-loss');
    expect(lost).to.have.length(10_000 - seq.length);
    expect(lost[0]!.at).to.equal('realm/internet');
    expect(net.counters.dropped).to.equal(lost.length);
  });

  it('duplicates datagrams at the seeded rate; copies are numbered', () => {
    const { net, seq } = blast({ duplicate: 0.05 }, 10_000);
    expect(seq.length - 10_000).to.be.within(400, 600);
    const dups = fates(net.trace).filter((e) => e.copy > 0);
    expect(dups).to.have.length(seq.length - 10_000);
    expect(dups.every((e) => e.fate === 'delivered' && e.copy === 1)).to.equal(true);
  });

  it('reorders: a held-back datagram is overtaken by later ones', () => {
    const { seq } = blast({ delayMs: 5, reorder: 0.2, reorderDelayMs: 3 }, 1000);
    expect(seq).to.have.length(1000);
    let inversions = 0;
    for (let i = 1; i < seq.length; i++) if (seq[i]! < seq[i - 1]!) inversions++;
    expect(inversions).to.be.within(100, 300);
    expect([...seq].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 1000 }, (_, i) => i));
  });

  it('does not reorder without jitter or reordering', () => {
    const { seq } = blast({ delayMs: 5, loss: 0.2 }, 500);
    expect(seq).to.deep.equal([...seq].sort((x, y) => x - y));
  });

  it('supports per-direction parameters', () => {
    const net = new VirtualNetwork();
    const a = listen(net, net.addHost('a', { link: { up: { delayMs: 10 }, down: { delayMs: 3 } } }), 1);
    const b = listen(net, net.addHost('b'), 2);
    a.socket.send(Uint8Array.of(1), b.socket.localAddress);
    b.socket.send(Uint8Array.of(2), a.socket.localAddress);
    net.runUntilIdle();
    expect(b.received[0]!.atMs).to.equal(10);
    expect(a.received[0]!.atMs).to.equal(3);
  });

  it('same seed gives an identical trace; another seed a different one', () => {
    const lossy: LinkParams = { delayMs: 10, jitterMs: 15, loss: 0.2, duplicate: 0.1, reorder: 0.1 };
    const strip = (t: readonly TraceEntry[]): unknown[] => t.map((e) => (e.kind === 'send' ? { ...e, bytes: [...e.bytes] } : e));
    const a = strip(blast(lossy, 500, 42).net.trace);
    const b = strip(blast(lossy, 500, 42).net.trace);
    const c = strip(blast(lossy, 500, 43).net.trace);
    expect(a).to.deep.equal(b);
    expect(a).to.not.deep.equal(c);
  });

  it('rejects invalid parameters', () => {
    expect(() => resolveLink({ loss: 1.5 })).to.throw(InvalidConfigError);
    expect(() => resolveLink({ delayMs: -1 })).to.throw(InvalidConfigError);
    expect(() => resolveLink({ jitterMs: Number.NaN })).to.throw(InvalidConfigError);
  });
});
