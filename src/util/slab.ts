/**
 * Small byte arrays carved out of shared 64 KiB slabs, as Node's `Buffer.allocUnsafe` pools
 * (but zero-filled and engine-neutral). V8 gives every typed array above 64 octets its own
 * off-heap backing store: one malloc, one ArrayBuffer and extra GC work each. A writer that makes
 * one such array per sample spends a large share of its time there (bench/dataplane); a view
 * into a slab is one small on-heap object.
 *
 * The arrays share their `buffer`: always use `byteOffset` / `byteLength` with it, and never
 * transfer it. A slab lives while any of its arrays does.
 */
/** Hands out consecutive regions of one ArrayBuffer at a time, 8-octet aligned; a new one when full. */
class Slabs {
  #slab: ArrayBuffer;
  #used = 0;

  constructor(readonly octets: number) {
    this.#slab = new ArrayBuffer(octets);
  }

  /** A zero-filled view of `n` ≤ `octets` octets (regions are never handed out twice). */
  take(n: number): Uint8Array {
    if (this.#used + n > this.octets) {
      this.#slab = new ArrayBuffer(this.octets);
      this.#used = 0;
    }
    const out = new Uint8Array(this.#slab, this.#used, n);
    this.#used += (n + 7) & ~7;
    return out;
  }
}

/** Larger arrays get their own buffer (a 64 KiB slab would waste too much of itself on them). */
const MAX_POOLED = 4096;
const small = new Slabs(64 * 1024);
/**
 * A fragmented sample of up to 128 KiB (a 64 KiB user payload plus its key and encapsulation is
 * just above 64 KiB) comes from 1 MiB slabs.
 */
const MAX_LARGE = 128 * 1024;
const large = new Slabs(1 << 20);

/** A zero-filled array of `n` octets; from a shared slab when small. */
export function allocBytes(n: number): Uint8Array {
  return n > MAX_POOLED ? new Uint8Array(n) : small.take(n);
}

/**
 * A zero-filled array of `n` octets for internal data up to 128 KiB (the history octets of a
 * keep-last writer, see OctetArena for keep-all): from a 1 MiB slab; larger ones get their own buffer.
 */
export function allocLarge(n: number): Uint8Array {
  if (n <= MAX_POOLED) return small.take(n);
  return n > MAX_LARGE ? new Uint8Array(n) : large.take(n);
}

/** A copy of `bytes` in an array from {@link allocBytes}. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = allocBytes(bytes.length);
  out.set(bytes);
  return out;
}
