/**
 * {@link TimerService} on Node's `setTimeout` and the monotonic clock, for drivers on real sockets.
 *
 * One Node timer per service (STYLE.md rule 5: one timer per driver): pending callbacks are kept
 * sorted by deadline and a single `setTimeout` is armed for the earliest one. Callbacks due at the
 * same time run in the order they were scheduled. A deadline already due (the "flush now" a write
 * asks for) is armed with `setImmediate` instead: `setTimeout(0)` waits at least 1 ms, which
 * would add a millisecond to every write-to-wire path (bench/dataplane).
 */
import { monotonicClock, type Clock } from '../util/clock.js';
import type { TimerHandle, TimerService } from '../util/datagram-io.js';
import { silentLogger, type Logger } from '../util/logger.js';

/** Longest delay `setTimeout` accepts (2^31 − 1 ms); later deadlines re-arm when it fires. */
const MAX_TIMEOUT_MS = 0x7fffffff;

interface Entry {
  readonly atMs: number;
  readonly seq: number;
  readonly callback: () => void;
  isCancelled: boolean;
}

/** Options of {@link RealTimerService}. */
export interface RealTimerInit {
  /** Keep the process alive while a callback is pending; default true. */
  readonly ref?: boolean;
}

/** Collaborators of {@link RealTimerService}. */
export interface RealTimerDeps {
  /** Default {@link monotonicClock}. */
  readonly clock?: Clock;
  readonly log?: Logger;
}

/** A {@link TimerService} on one real `setTimeout`. */
export class RealTimerService implements TimerService {
  readonly clock: Clock;
  readonly #log: Logger;
  readonly #isRef: boolean;
  /** Sorted by (atMs, seq). Few entries per driver: insertion into a sorted array is enough. */
  #entries: Entry[] = [];
  #seq = 0;
  #timer: NodeJS.Timeout | undefined;
  #immediate: NodeJS.Immediate | undefined;
  #armedAt = Number.POSITIVE_INFINITY;
  #isClosed = false;
  #callbackErrors = 0;

  constructor(deps: RealTimerDeps = {}, init: RealTimerInit = {}) {
    this.clock = deps.clock ?? monotonicClock;
    this.#log = (deps.log ?? silentLogger).child('timers');
    this.#isRef = init.ref ?? true;
  }

  /** Runs `callback` once when `clock.now() >= atMs`. After {@link close} the callback never runs. */
  at(atMs: number, callback: () => void): TimerHandle {
    const entry: Entry = { atMs, seq: this.#seq++, callback, isCancelled: false };
    if (this.#isClosed) return { cancel: () => undefined };
    let i = this.#entries.length;
    while (i > 0 && (this.#entries[i - 1]?.atMs ?? 0) > atMs) i--;
    this.#entries.splice(i, 0, entry);
    this.#arm();
    return {
      cancel: () => {
        if (entry.isCancelled) return;
        entry.isCancelled = true;
        const k = this.#entries.indexOf(entry);
        if (k >= 0) this.#entries.splice(k, 1);
        this.#arm();
      },
    };
  }

  /** Callbacks pending. */
  get pending(): number {
    return this.#entries.length;
  }

  /** Callbacks that threw (each is logged and otherwise ignored). */
  get callbackErrors(): number {
    return this.#callbackErrors;
  }

  /** Cancels every pending callback and the Node timer. Idempotent. */
  close(): void {
    this.#isClosed = true;
    for (const e of this.#entries) e.isCancelled = true;
    this.#entries = [];
    this.#disarm();
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#timer = undefined;
    this.#immediate = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
  }

  #arm(): void {
    const first = this.#entries[0];
    if (first === undefined) {
      this.#disarm();
      return;
    }
    if ((this.#timer !== undefined || this.#immediate !== undefined) && this.#armedAt === first.atMs) return;
    this.#disarm();
    const delayMs = Math.min(MAX_TIMEOUT_MS, Math.max(0, Math.ceil(first.atMs - this.clock.now())));
    this.#armedAt = first.atMs;
    if (delayMs === 0) {
      this.#immediate = setImmediate(this.#fire);
      if (!this.#isRef) this.#immediate.unref();
      return;
    }
    this.#timer = setTimeout(this.#fire, delayMs);
    if (!this.#isRef) this.#timer.unref();
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#immediate = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    // Run only what is due now; callbacks scheduled by them for "now" run on the next turn, so a
    // callback that keeps rescheduling itself cannot starve the event loop.
    const due: Entry[] = [];
    while (this.#entries.length > 0 && (this.#entries[0]?.atMs ?? Number.POSITIVE_INFINITY) <= now) {
      const e = this.#entries.shift();
      if (e !== undefined) due.push(e);
    }
    for (const e of due) {
      if (e.isCancelled || this.#isClosed) continue;
      e.isCancelled = true;
      try {
        e.callback();
      } catch (err: unknown) {
        this.#callbackErrors++;
        this.#log.error('timer callback threw', { err });
      }
    }
    if (!this.#isClosed) this.#arm();
  };
}
