/** util/octet-arena: live arrays never overlap, a freed array is not reused before the flush count moves, and a steady FIFO stops allocating. */
import { expect } from 'chai';
import { OctetArena } from '../../src/util/octet-arena.js';
import { SeededRandom } from '../../src/util/prng.js';

function overlaps(a: Uint8Array, b: Uint8Array): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

/** An array filled with a pattern of `id`, and a check that it still holds it. */
function stamp(a: Uint8Array, id: number): void {
  for (let i = 0; i < a.length; i++) a[i] = (id * 31 + i) & 0xff;
}
function intact(a: Uint8Array, id: number): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== ((id * 31 + i) & 0xff)) return false;
  return true;
}

describe('util/octet-arena', () => {
  it('never hands out an array that overlaps a live one, nor one freed since the last flush', () => {
    const rng = new SeededRandom(5);
    let flushes = 0;
    const arena = new OctetArena(() => flushes);
    const live: { a: Uint8Array; id: number }[] = [];
    /** Freed since the last flush: a queued transmit may still read them. */
    let freedUnflushed: { a: Uint8Array; id: number }[] = [];
    for (let id = 0; id < 10_000; id++) {
      const size = rng.next() < 0.05 ? 4096 + rng.int(130_000) : 1 + rng.int(2000);
      const a = arena.alloc(size);
      expect(a.length).to.equal(size);
      for (const o of live) expect(overlaps(a, o.a)).to.equal(false);
      for (const o of freedUnflushed) expect(overlaps(a, o.a)).to.equal(false);
      stamp(a, id);
      live.push({ a, id });
      // Mostly FIFO (keep-all), sometimes out of order.
      while (live.length > 40 || (live.length > 0 && rng.next() < 0.3)) {
        const [o] = live.splice(rng.next() < 0.9 ? 0 : rng.int(live.length), 1);
        if (o === undefined) break;
        expect(intact(o.a, o.id)).to.equal(true);
        arena.free(o.a);
        freedUnflushed.push(o);
      }
      if (rng.next() < 0.05) {
        // What a queued transmit still read is intact at the flush.
        for (const o of freedUnflushed) expect(intact(o.a, o.id)).to.equal(true);
        flushes++;
        freedUnflushed = [];
      }
    }
    for (const o of live) expect(intact(o.a, o.id)).to.equal(true);
    // ~45 MB went through it: chunks were reused.
    expect(arena.chunksMade).to.be.lessThan(20);
  });

  it('a steady writer stops allocating chunks once the flush count moves; without one, chunks are never reused', () => {
    const steady = (withFlushCount: boolean): number => {
      let flushes = 0;
      const arena = new OctetArena(withFlushCount ? () => flushes : undefined);
      const window: Uint8Array[] = [];
      let madeAfterWarmUp = 0;
      for (let i = 0; i < 50_000; i++) {
        if (i === 10_000) madeAfterWarmUp = arena.chunksMade;
        window.push(arena.alloc(1100));
        if (window.length > 900) arena.free(window.shift() ?? new Uint8Array(0)); // ~1 MiB in flight
        if (i % 200 === 0) flushes++;
      }
      return arena.chunksMade - madeAfterWarmUp;
    };
    expect(steady(true)).to.equal(0);
    expect(steady(false)).to.be.greaterThan(10);
  });

  it('gives arrays above 128 KiB their own buffer and ignores frees of arrays it did not make', () => {
    const arena = new OctetArena(() => 0);
    const big = arena.alloc(200_000);
    expect(big.byteOffset).to.equal(0);
    expect(big.buffer.byteLength).to.equal(200_000);
    const small = arena.alloc(100);
    arena.free(big);
    arena.free(new Uint8Array(8));
    arena.free(small);
    expect(arena.alloc(100).byteOffset).to.equal(small.byteOffset + 104);
  });
});
