/**
 * Octets a writer keeps for its history (the encoded DATA of a change, the payload of a fragmented
 * one), carved out of chunks that are reused once every change in them has left the history.
 *
 * A writer that allocates a fresh array per sample makes the GC find and free a sample's worth of
 * off-heap memory per write, and the kernel fault in fresh pages for every new chunk: at 64 KB
 * samples that was a sixth of the writer's time (bench/dataplane, `docs/dataplane.md`). Changes
 * leave a history roughly in the order they entered it, so a chunk is either in use or, soon,
 * entirely free; then it goes round again.
 *
 * A freed change may still be referenced by a transmit queued in the transport and not yet packed
 * into a datagram (a keep-last replacement or a best-effort-only writer releases a change while
 * its DATA is queued). So an empty chunk is reused only after the transport's flush count (see
 * `Transport.flushCount`) has moved past its value when the chunk emptied: by then every transmit
 * queued before has been copied into a datagram. Without a flush count, chunks are never reused.
 *
 * Arrays are not zero-filled: the caller writes every octet it hands on.
 */

/** Arrays larger than this get their own buffer (a 64 KiB user payload plus headers fits). */
const MAX_CARVED = 128 * 1024;
const MIN_CHUNK = 16 * 1024;
const MAX_CHUNK = 1 << 20;
/** Empty chunks kept for reuse; beyond this the oldest is left to the GC. */
const KEEP_EMPTY = 4;

class Chunk {
  /** Octets handed out (8-aligned). */
  used = 0;
  /** Arrays handed out and not yet freed. */
  live = 0;
  /** The flush count when the chunk last became empty. */
  emptiedAt = 0;

  constructor(readonly buffer: ArrayBuffer) {}
}

/** See the module comment. One per writer: not shared between transports. */
export class OctetArena {
  readonly #settled: (() => number) | undefined;
  readonly #chunks = new Map<ArrayBufferLike, Chunk>();
  /** Empty chunks waiting for the flush count to move, oldest first. */
  readonly #empty: Chunk[] = [];
  #current: Chunk | undefined;
  #chunksMade = 0;

  /** @param settled the transport's flush count (`Transport.flushCount`); omitted: chunks are never reused. */
  constructor(settled?: () => number) {
    this.#settled = settled;
  }

  /** Chunks allocated so far (a steady writer stops allocating them: test/util/octet-arena.test.ts). */
  get chunksMade(): number {
    return this.#chunksMade;
  }

  /** An array of `n` octets, contents unspecified. Give it back with {@link free} when the change leaves the history. */
  alloc(n: number): Uint8Array {
    if (n > MAX_CARVED) return new Uint8Array(n);
    let c = this.#current;
    if (c === undefined || c.used + n > c.buffer.byteLength) c = this.#next(n);
    const out = new Uint8Array(c.buffer, c.used, n);
    c.used += (n + 7) & ~7;
    c.live++;
    return out;
  }

  /** Returns an array from {@link alloc} (others are ignored); nothing may read it afterwards but queued transmits. */
  free(bytes: Uint8Array): void {
    const c = this.#chunks.get(bytes.buffer);
    if (c === undefined || c.live === 0) return;
    if (--c.live === 0 && c !== this.#current) this.#retire(c);
  }

  /** Moves on from the current chunk to one with room for `n` octets. */
  #next(n: number): Chunk {
    const old = this.#current;
    if (old !== undefined && old.live === 0) this.#retire(old);
    const now = this.#settled?.();
    let c: Chunk | undefined;
    const first = this.#empty[0];
    if (now !== undefined && first !== undefined && first.emptiedAt < now && first.buffer.byteLength >= n) {
      c = this.#empty.shift();
    }
    if (c === undefined) {
      // Chunks grow with the traffic: a quiet writer (an SEDP announcer) holds 16 KiB, a busy one 1 MiB.
      const size = Math.min(MAX_CHUNK, Math.max(MIN_CHUNK, 2 * (old?.buffer.byteLength ?? 0), 8 * n));
      c = new Chunk(new ArrayBuffer(size));
      this.#chunks.set(c.buffer, c);
      this.#chunksMade++;
    }
    c.used = 0;
    this.#current = c;
    return c;
  }

  #retire(c: Chunk): void {
    c.emptiedAt = this.#settled?.() ?? Number.POSITIVE_INFINITY;
    if (c.emptiedAt === Number.POSITIVE_INFINITY || c.buffer.byteLength < (this.#current?.buffer.byteLength ?? 0)) {
      // Never reusable, or outgrown: let the GC have it.
      this.#chunks.delete(c.buffer);
      return;
    }
    this.#empty.push(c);
    if (this.#empty.length > KEEP_EMPTY) {
      const dropped = this.#empty.shift();
      if (dropped !== undefined) this.#chunks.delete(dropped.buffer);
    }
  }
}
