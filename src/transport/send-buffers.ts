/**
 * Reusable buffers for the datagrams {@link UdpSocket} hands to Node's `socket.send()`.
 *
 * Node reads a datagram's octets until the send's callback runs: on the next tick when the kernel
 * took it at once (the common case), later when the socket's send queue was full. A sender that
 * copies each datagram into a new array (or lets the caller's buffer be held) allocates a
 * datagram's worth of off-heap memory per send; at 64 KB samples that was a third of a gigabyte a
 * second and a major GC every ~100 ms (bench/dataplane). These buffers go back to the pool in the
 * callback and are reused, so a steady sender allocates nothing.
 */
import { BufferPool } from '../util/buffer-pool.js';

/** The largest datagram. */
export const SEND_BUFFER_MAX_OCTETS = 64 * 1024;
/** Free buffers kept per capacity: enough for a burst of a flow-control window in 14.7 KB datagrams (4 MiB for the largest). */
export const SEND_BUFFERS_KEPT = 64;

/** The process's pool, shared by every {@link UdpSocket} (sends are single-threaded). */
export const sendBuffers = new BufferPool(SEND_BUFFER_MAX_OCTETS, SEND_BUFFERS_KEPT);
