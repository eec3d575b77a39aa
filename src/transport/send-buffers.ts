/**
 * Reusable buffers for the datagrams {@link UdpSocket} hands to Node's `socket.send()`.
 *
 * Node reads a datagram's octets until the send's callback runs: on the next tick when the kernel
 * took it at once (the common case), later when the socket's send queue was full. A sender that
 * copies each datagram into a new array (or lets the caller's buffer be held) allocates a
 * datagram's worth of off-heap memory per send; at 64 KB samples that was a third of a gigabyte a
 * second and a major GC every ~100 ms (bench/dataplane). These buffers go back to the pool in the
 * callback and are reused, so a steady sender allocates nothing.
 *
 * Buffers come in power-of-two capacities from 256 octets to 64 KiB; at most {@link KEEP} free
 * ones of each capacity are kept (4 MiB for the largest), the rest are left to the GC.
 */

const MIN_CLASS = 8;
const MAX_CLASS = 16;
/** Free buffers kept per capacity: enough for a burst of a flow-control window in 14.7 KB datagrams. */
const KEEP = 64;

/** Power-of-two capacity class of an `n`-octet datagram (n ≥ 0). */
function classOf(n: number): number {
  return n <= 1 << MIN_CLASS ? MIN_CLASS : 32 - Math.clz32(n - 1);
}

/** A pool of send buffers (one per process is enough: sends are single-threaded). */
export class SendBuffers {
  readonly #free: Uint8Array[][] = Array.from({ length: MAX_CLASS + 1 }, (): Uint8Array[] => []);
  #allocated = 0;

  /** Buffers made so far (a steady sender stops making them: test/transport/send-buffers.test.ts). */
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
   * A buffer holding a copy of `bytes` in its first `bytes.length` octets (the rest is
   * unspecified). Give it back with {@link give} once nothing reads it any more.
   */
  copy(bytes: Uint8Array): Uint8Array {
    const c = classOf(bytes.length);
    let out = c <= MAX_CLASS ? this.#free[c]?.pop() : undefined;
    if (out === undefined) {
      out = new Uint8Array(c <= MAX_CLASS ? 1 << c : bytes.length);
      this.#allocated++;
    }
    out.set(bytes);
    return out;
  }

  /** Returns a buffer from {@link copy}; the caller must not touch it afterwards. */
  give(buffer: Uint8Array): void {
    const c = classOf(buffer.length);
    if (c > MAX_CLASS || buffer.length !== 1 << c) return;
    const list = this.#free[c];
    if (list !== undefined && list.length < KEEP) list.push(buffer);
  }
}

/** The process's pool, shared by every {@link UdpSocket}. */
export const sendBuffers = new SendBuffers();
