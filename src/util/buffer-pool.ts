/**
 * Reusable byte buffers in power-of-two capacities, for memory whose end of use is known exactly:
 * datagrams Node is sending (`transport/send-buffers.ts`) and reassembly buffers of fragmented
 * samples (`reliability/reassembly.ts`). A steady user allocates nothing: no off-heap memory for
 * the GC to find and free, no fresh pages for the kernel to fault in (bench/dataplane).
 *
 * Capacities run from 256 octets to `maxOctets`; at most `keep` free buffers of each capacity are
 * kept, the rest are left to the GC. Contents of a taken buffer are unspecified.
 */

const MIN_CLASS = 8;

/** Power-of-two capacity class of `n` octets (n ≥ 0). */
function classOf(n: number): number {
  return n <= 1 << MIN_CLASS ? MIN_CLASS : 32 - Math.clz32(n - 1);
}

/** See the module comment. Single-threaded, like everything that uses it. */
export class BufferPool {
  readonly #maxClass: number;
  readonly #keep: number;
  readonly #free: Uint8Array[][];
  #allocated = 0;

  /** @param maxOctets the largest capacity pooled (a power of two); @param keep free buffers kept per capacity */
  constructor(maxOctets: number, keep: number) {
    this.#maxClass = classOf(maxOctets);
    this.#keep = keep;
    this.#free = Array.from({ length: this.#maxClass + 1 }, (): Uint8Array[] => []);
  }

  /** Buffers made so far (a steady user stops making them). */
  get allocated(): number {
    return this.#allocated;
  }

  /** Free buffers held. */
  get free(): number {
    let n = 0;
    for (const list of this.#free) n += list.length;
    return n;
  }

  /**
   * A buffer of at least `n` octets (its power-of-two capacity, or exactly `n` above the largest),
   * contents unspecified. Give it back with {@link give} once nothing reads it any more.
   */
  take(n: number): Uint8Array {
    const c = classOf(n);
    if (c > this.#maxClass) {
      this.#allocated++;
      return new Uint8Array(n);
    }
    const out = this.#free[c]?.pop();
    if (out !== undefined) return out;
    this.#allocated++;
    return new Uint8Array(1 << c);
  }

  /** A buffer from {@link take} holding a copy of `bytes` in its first `bytes.length` octets. */
  copy(bytes: Uint8Array): Uint8Array {
    const out = this.take(bytes.length);
    out.set(bytes);
    return out;
  }

  /** Returns a buffer from {@link take} (whole, not a view); the caller must not touch it afterwards. */
  give(buffer: Uint8Array): void {
    const c = classOf(buffer.length);
    if (c > this.#maxClass || buffer.length !== 1 << c || buffer.byteLength !== buffer.buffer.byteLength) return;
    const list = this.#free[c];
    if (list !== undefined && list.length < this.#keep) list.push(buffer);
  }
}
