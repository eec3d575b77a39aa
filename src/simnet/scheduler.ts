/**
 * A discrete-event scheduler in virtual time (STYLE.md rule 18): a binary min-heap of events ordered by
 * time, then by insertion order, so equal-time events run first-in first-out and a run is a pure function
 * of its inputs. Time never passes on its own: `step()` jumps the clock to the earliest pending event.
 */
import type { Clock } from '../util/clock.js';
import { ManualClock } from '../util/clock.js';
import type { TimerHandle, TimerService } from '../util/datagram-io.js';
import { SimnetError } from './errors.js';

/** One pending callback; doubles as its own {@link TimerHandle}. Index is its heap slot (-1 when gone). */
class ScheduledEvent implements TimerHandle {
  index = -1;
  constructor(
    readonly owner: Scheduler,
    readonly atMs: number,
    readonly seq: number,
    readonly callback: () => void,
  ) {}
  cancel(): void {
    this.owner.remove(this);
  }
}

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  return a.atMs < b.atMs || (a.atMs === b.atMs && a.seq < b.seq);
}

/** Raised by {@link Scheduler.runUntilIdle} when events are still pending after `maxEvents`. */
export class EventLimitError extends SimnetError {
  override readonly name = 'EventLimitError';
  constructor(readonly maxEvents: number, readonly pendingEvents: number) {
    super(`still ${pendingEvents} pending events after running ${maxEvents}`);
  }
}

/**
 * The virtual clock plus its event queue; implements the {@link TimerService} seam, so a driver written
 * for real timers runs on it unchanged.
 */
export class Scheduler implements TimerService {
  readonly #clock: ManualClock;
  readonly #heap: ScheduledEvent[] = [];
  #seq = 0;
  #executed = 0;

  /** @param startMs virtual time at which the simulation starts (ms). */
  constructor(startMs = 0) {
    this.#clock = new ManualClock(startMs);
  }

  /** The virtual clock (monotonic ms); it moves only when an event runs or `run({ untilMs })` ends. */
  get clock(): Clock {
    return this.#clock;
  }

  /** Current virtual time (ms). */
  now(): number {
    return this.#clock.now();
  }

  /** Number of events not yet run nor cancelled. */
  get pendingEvents(): number {
    return this.#heap.length;
  }

  /** Number of events run since construction. */
  get executedEvents(): number {
    return this.#executed;
  }

  /** Virtual time of the earliest pending event, or undefined when idle. */
  nextEventAtMs(): number | undefined {
    return this.#heap[0]?.atMs;
  }

  /** Runs `callback` at virtual time `atMs` (at the current time when `atMs` is already past). */
  at(atMs: number, callback: () => void): TimerHandle {
    const t = Number.isFinite(atMs) ? Math.max(atMs, this.#clock.now()) : Number.NaN;
    if (Number.isNaN(t)) throw new SimnetError(`cannot schedule at ${atMs}`);
    const ev = new ScheduledEvent(this, t, this.#seq++, callback);
    const heap = this.#heap;
    ev.index = heap.length;
    heap.push(ev);
    this.#siftUp(ev.index);
    return ev;
  }

  /** Runs `callback` `delayMs` from now (virtual ms). */
  after(delayMs: number, callback: () => void): TimerHandle {
    return this.at(this.#clock.now() + delayMs, callback);
  }

  /** Runs the earliest pending event, advancing the clock to its time. Returns false when idle. */
  step(): boolean {
    const ev = this.#popMin();
    if (ev === undefined) return false;
    if (ev.atMs > this.#clock.now()) this.#clock.set(ev.atMs);
    this.#executed++;
    ev.callback();
    return true;
  }

  /**
   * Runs every event due at or before `untilMs` (including ones they schedule), then sets the clock
   * to `untilMs`. Returns the number of events run.
   */
  run(options: { readonly untilMs: number }): number {
    let n = 0;
    for (let next = this.#heap[0]; next !== undefined && next.atMs <= options.untilMs; next = this.#heap[0]) {
      this.step();
      n++;
    }
    if (options.untilMs > this.#clock.now()) this.#clock.set(options.untilMs);
    return n;
  }

  /** `run({ untilMs: now + durationMs })`. */
  runFor(durationMs: number): number {
    return this.run({ untilMs: this.#clock.now() + durationMs });
  }

  /**
   * Runs events until none is pending. Returns the number run.
   * @throws EventLimitError when `maxEvents` (default 1,000,000) ran and events are still pending
   *   (a periodic timer never lets the queue drain).
   */
  runUntilIdle(options: { readonly maxEvents?: number } = {}): number {
    const max = options.maxEvents ?? 1_000_000;
    let n = 0;
    while (n < max && this.step()) n++;
    if (this.#heap.length > 0) throw new EventLimitError(max, this.#heap.length);
    return n;
  }

  /** @internal Removes a pending event (no-op when it already ran or was cancelled). */
  remove(ev: ScheduledEvent): void {
    const heap = this.#heap;
    const i = ev.index;
    if (i < 0 || heap[i] !== ev) return;
    ev.index = -1;
    const last = heap.pop();
    if (last === undefined || last === ev) return;
    heap[i] = last;
    last.index = i;
    this.#siftUp(i);
    this.#siftDown(last.index);
  }

  #popMin(): ScheduledEvent | undefined {
    const heap = this.#heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    top.index = -1;
    const last = heap.pop();
    if (last !== undefined && last !== top) {
      heap[0] = last;
      last.index = 0;
      this.#siftDown(0);
    }
    return top;
  }

  #siftUp(start: number): void {
    const heap = this.#heap;
    let i = start;
    const ev = heap[i];
    if (ev === undefined) return;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = heap[p];
      if (parent === undefined || !before(ev, parent)) break;
      heap[i] = parent;
      parent.index = i;
      i = p;
    }
    heap[i] = ev;
    ev.index = i;
  }

  #siftDown(start: number): void {
    const heap = this.#heap;
    const n = heap.length;
    let i = start;
    const ev = heap[i];
    if (ev === undefined) return;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const left = heap[l];
      const right = heap[l + 1];
      if (left === undefined) break;
      const child = right !== undefined && before(right, left) ? right : left;
      if (!before(child, ev)) break;
      heap[i] = child;
      child.index = i;
      i = child === left ? l : l + 1;
    }
    heap[i] = ev;
    ev.index = i;
  }
}
