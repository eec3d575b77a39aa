/** Monotonic time in milliseconds (STYLE.md rule 4). Cores read time only through this. */
export interface Clock {
  now(): number;
}

/** The real clock, for drivers. */
// eslint-disable-next-line no-restricted-properties -- the one place the real clock is read; cores get it injected
export const monotonicClock: Clock = { now: () => performance.now() };

/** A clock that moves only when told; tests, simnet and benches use it. */
export class ManualClock implements Clock {
  #now: number;
  constructor(startMs = 0) {
    this.#now = startMs;
  }
  now(): number {
    return this.#now;
  }
  advance(ms: number): void {
    if (ms < 0) throw new RangeError('time cannot go backwards');
    this.#now += ms;
  }
  set(ms: number): void {
    if (ms < this.#now) throw new RangeError('time cannot go backwards');
    this.#now = ms;
  }
}
