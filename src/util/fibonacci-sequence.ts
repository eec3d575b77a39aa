/**
 * OpenDDS `DCPS::FibonacciSequence` (spec/opendds-ice-and-rtpsrelay.md §6.2): the back-off of the
 * relay keepalive (transport/relay-keepalive.ts) and of SPDP to the relay (discovery/spdp.ts).
 *
 * `DCPS::FibonacciSequence` as the spec lists its values (§6.2): after `set(f1)` the values are
 * f1, 2·f1, 3·f1, 5·f1, 8·f1, … each `advance(cap)` giving the next, capped at `cap`.
 */
export class FibonacciSequence {
  #current: number;
  #previous: number;

  constructor(f1: number) {
    this.#current = f1;
    this.#previous = f1;
  }

  /** The current value (ms). */
  get(): number {
    return this.#current;
  }

  /** Restarts at `f1` (the next values are 2·f1, 3·f1, …). */
  set(f1: number): void {
    this.#current = f1;
    this.#previous = f1;
  }

  /** Moves to the next value, capped at `capMs`. */
  advance(capMs: number): void {
    // Both terms start at f1, so f1 is followed by 2·f1 (the spec's 200, 400, 600, 1000, …).
    const next = this.#current + this.#previous;
    this.#previous = this.#current;
    this.#current = Math.min(next, capMs);
  }
}
