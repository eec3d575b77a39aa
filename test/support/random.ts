import { SeededRandom } from '../../src/util/prng.js';

/** A seeded uniform [0, 1) generator for fuzz and property tests, so every failure reproduces (STYLE.md rule 18). */
export function prng(seed: number): () => number {
  const r = new SeededRandom(seed);
  return () => r.next();
}
