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
const SLAB_OCTETS = 64 * 1024;
/** Larger arrays get their own buffer (a slab would waste too much of itself on them). */
const MAX_POOLED = 4096;

let slab = new ArrayBuffer(SLAB_OCTETS);
let used = 0;

/** A zero-filled array of `n` octets; from a shared slab when small. */
export function allocBytes(n: number): Uint8Array {
  if (n > MAX_POOLED) return new Uint8Array(n);
  if (used + n > SLAB_OCTETS) {
    slab = new ArrayBuffer(SLAB_OCTETS);
    used = 0;
  }
  const out = new Uint8Array(slab, used, n);
  used += (n + 7) & ~7;
  return out;
}

/** Datagram-sized arrays come from 1 MiB slabs (a datagram is at most 65,535 octets). */
const LARGE_SLAB_OCTETS = 1 << 20;
const MAX_LARGE = 65_536;
let large = new ArrayBuffer(LARGE_SLAB_OCTETS);
let largeUsed = 0;

/**
 * A copy of a datagram-sized `bytes` (≤ 64 KiB) carved from a 1 MiB slab: one off-heap buffer per
 * ~70 datagrams of 14.7 KB instead of one each (fewer external-memory GCs on a busy sender). Larger
 * arrays get their own buffer.
 */
export function copyDatagram(bytes: Uint8Array): Uint8Array {
  const out = allocLarge(bytes.length);
  out.set(bytes);
  return out;
}

/**
 * A zero-filled array of `n` octets for internal, short-lived data up to 64 KiB (datagrams, a
 * fragmented sample's payload or reassembly): from a 1 MiB slab; larger ones get their own buffer.
 */
export function allocLarge(n: number): Uint8Array {
  if (n <= MAX_POOLED) return allocBytes(n);
  if (n > MAX_LARGE) return new Uint8Array(n);
  if (largeUsed + n > LARGE_SLAB_OCTETS) {
    large = new ArrayBuffer(LARGE_SLAB_OCTETS);
    largeUsed = 0;
  }
  const out = new Uint8Array(large, largeUsed, n);
  largeUsed += (n + 7) & ~7;
  return out;
}

/** A copy of `bytes` in an array from {@link allocBytes}. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = allocBytes(bytes.length);
  out.set(bytes);
  return out;
}
