/** util/slab: small arrays and large copies (fragmented payloads) carved from shared slabs never overlap and read back exactly. */
import { expect } from 'chai';
import { allocBytes, allocLarge, copyBytes } from '../../src/util/slab.js';

function copyLarge(bytes: Uint8Array): Uint8Array {
  const out = allocLarge(bytes.length);
  out.set(bytes);
  return out;
}
import { SeededRandom } from '../../src/util/prng.js';

function overlaps(a: Uint8Array, b: Uint8Array): boolean {
  return a.buffer === b.buffer && a.byteOffset < b.byteOffset + b.byteLength && b.byteOffset < a.byteOffset + a.byteLength;
}

describe('util/slab', () => {
  it('hands out zero-filled, non-overlapping arrays and exact copies across slab boundaries', () => {
    const rng = new SeededRandom(7);
    const kept: { copy: Uint8Array; original: Uint8Array }[] = [];
    for (let i = 0; i < 3000; i++) {
      const size = i % 10 === 0 ? 5000 + rng.int(126_000) : rng.int(4097);
      const original = rng.bytes(size);
      const copy = size > 4096 ? copyLarge(original) : copyBytes(original);
      expect(copy.length).to.equal(size);
      kept.push({ copy, original });
      const fresh = allocBytes(rng.int(300));
      expect(fresh.every((b) => b === 0)).to.equal(true);
      fresh.fill(0xee); // writing into a fresh array must not touch any earlier copy
    }
    for (const { copy, original } of kept) expect(copy).to.deep.equal(original);
    for (let i = 1; i < kept.length; i++) expect(overlaps(kept[i - 1]!.copy, kept[i]!.copy)).to.equal(false);
    // A 64 KB sample's payload (just above 64 KiB with its key and encapsulation) shares a slab.
    expect(copyLarge(new Uint8Array(65_560)).buffer.byteLength).to.equal(1 << 20);
    // Beyond 128 KiB: its own buffer.
    const big = new Uint8Array(140_000).fill(3);
    const c = copyLarge(big);
    expect(c.byteOffset).to.equal(0);
    expect(c.buffer.byteLength).to.equal(140_000);
    expect(c).to.deep.equal(big);
  });
});
