/**
 * Busy polling for latency (opt-in, `busy_poll_us`): after each datagram sent or received, the
 * event loop keeps a `setImmediate` pending for that long, so libuv polls its sockets without
 * blocking (`epoll_wait` with timeout 0) instead of sleeping until the kernel wakes it. A process
 * that sleeps pays the wake-up of an idle CPU on every message (tens of µs on virtual machines:
 * bench/dataplane `node-dgram`); one that spins pays CPU instead, as Aeron's busy-spin idle
 * strategy or Linux `SO_BUSY_POLL` do. The spin stops `windowMs` after the last activity, so an
 * idle participant costs nothing.
 */
export class BusyPoller {
  readonly #windowMs: number;
  readonly #ref: boolean;
  #lastActivity = 0;
  #spinning = false;
  #isStopped = false;
  #spins = 0;
  readonly #now: () => number;

  /**
   * @param windowUs how long to keep polling after the last activity, µs (0 = never poll).
   * @param ref whether the pending poll keeps the process alive.
   * @param now clock in ms (tests inject one); default `performance.now`.
   */
  constructor(windowUs: number, ref = true, now: () => number = () => performance.now()) {
    this.#windowMs = windowUs / 1000;
    this.#ref = ref;
    this.#now = now;
  }

  /** Event-loop turns spent polling so far (for the CPU it cost). */
  get spins(): number {
    return this.#spins;
  }

  /** A datagram went out or came in: keep polling for the window from now. */
  activity(): void {
    if (this.#windowMs <= 0 || this.#isStopped) return;
    this.#lastActivity = this.#now();
    if (this.#spinning) return;
    this.#spinning = true;
    this.#schedule();
  }

  /** Stops polling (the network closed). */
  stop(): void {
    this.#isStopped = true;
  }

  readonly #spin = (): void => {
    if (!this.#isStopped && this.#now() - this.#lastActivity < this.#windowMs) {
      this.#spins++;
      this.#schedule();
      return;
    }
    this.#spinning = false;
  };

  #schedule(): void {
    const i = setImmediate(this.#spin);
    if (!this.#ref) i.unref();
  }
}
