/**
 * A binary min-heap of deadlines with lazy cancellation: the agent's only notion of "later"
 * (STYLE.md rule 4). Ties fire in insertion order.
 */

/** A scheduled callback; {@link cancel} makes it a no-op that the queue drops when it reaches the top. */
export class Timer {
  cancelled = false;
  constructor(readonly at: number, readonly seq: number, readonly fire: () => void) {}
  cancel(): void {
    this.cancelled = true;
  }
}

export class TimerQueue {
  #heap: Timer[] = [];
  #seq = 0;

  /** Schedules `fire` at `at` (ms on the agent's clock). */
  add(at: number, fire: () => void): Timer {
    const t = new Timer(at, this.#seq++, fire);
    const h = this.#heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = h[p];
      if (parent === undefined || !before(t, parent)) break;
      h[i] = parent;
      h[p] = t;
      i = p;
    }
    return t;
  }

  /** Earliest live deadline, dropping cancelled timers from the top. */
  peek(): number | undefined {
    this.#dropCancelled();
    return this.#heap[0]?.at;
  }

  /** Removes and returns the earliest live timer due at or before `now`. */
  popDue(now: number): Timer | undefined {
    this.#dropCancelled();
    const top = this.#heap[0];
    if (top === undefined || top.at > now) return undefined;
    this.#pop();
    return top;
  }

  clear(): void {
    this.#heap = [];
  }

  get size(): number {
    return this.#heap.length;
  }

  #dropCancelled(): void {
    while (this.#heap[0]?.cancelled === true) this.#pop();
  }

  #pop(): void {
    const h = this.#heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      const lt = h[l];
      const rt = h[r];
      const mt = h[m];
      if (mt === undefined) break;
      let best = mt;
      if (lt !== undefined && before(lt, best)) { m = l; best = lt; }
      if (rt !== undefined && before(rt, best)) { m = r; best = rt; }
      if (m === i) break;
      h[m] = mt;
      h[i] = best;
      i = m;
    }
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
