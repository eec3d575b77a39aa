import { expect } from 'chai';
import { SeededRandom } from '../../src/util/prng.js';

describe('util/SeededRandom', () => {
  it('is deterministic per seed and differs across seeds', () => {
    const a = new SeededRandom(42);
    const b = new SeededRandom(42);
    const c = new SeededRandom(43);
    const seqA = Array.from({ length: 8 }, () => a.nextU32());
    expect(seqA).to.deep.equal(Array.from({ length: 8 }, () => b.nextU32()));
    expect(seqA).to.not.deep.equal(Array.from({ length: 8 }, () => c.nextU32()));
  });

  it('is roughly uniform', () => {
    const r = new SeededRandom(7);
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[r.int(10)]! += 1;
    for (const n of buckets) expect(n).to.be.within(9_500, 10_500);
  });
});
