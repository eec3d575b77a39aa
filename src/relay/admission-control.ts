/**
 * The relay's admission control, sans-I/O (OpenDDS spec §8.3 step 6, §8.6, §8.9; `GuidAddrSet::admitting`):
 * whether new clients are admitted now, from
 * - the admit state (`RTPS_RELAY_ADMIT_STATE`: normal / not-admitting) and the drain state
 *   (`RTPS_RELAY_DRAIN_STATE`: normal / draining — a draining relay admits nobody);
 * - the admission queue (`-AdmissionControlQueueSize`, `-AdmissionControlQueueDuration`): at most
 *   `queueSize` admissions within any `queueDuration` (an admission leaves the queue `queueDuration`
 *   after it happened; size 0 = off);
 * - the participant water marks (`-AdmissionMaxParticipantsRange low-high`): at `high` known clients
 *   the relay stops admitting, and starts again only when they are down to `low`.
 *
 * Draining (spec §8.9): every `drainIntervalMs` one more admitted client loses its STUN answers, so
 * clients notice one at a time and move to another relay; the owner ({@link GuidAddrSet}) picks the
 * client when {@link takeDrainTick} says so.
 *
 * Not here: OpenDDS's thread-utilization limit (`-UtilizationLimit`): one JavaScript thread has no
 * comparable measure (docs/relay.md).
 */
import { InvalidConfigError } from '../util/errors.js';

/** `RTPS_RELAY_ADMIT_STATE`. */
export type AdmitState = 'normal' | 'not-admitting';
/** `RTPS_RELAY_DRAIN_STATE`. */
export type DrainState = 'normal' | 'draining';

/** User configuration of {@link AdmissionControl} (OpenDDS option names in the TSDoc). */
export interface AdmissionControlInit {
  /** `-AdmissionControlQueueSize`: most admissions within `admissionControlQueueDurationMs`; 0 = off (default). */
  readonly admissionControlQueueSize?: number;
  /** `-AdmissionControlQueueDuration`, ms: how long an admission stays in the queue. Default 0. */
  readonly admissionControlQueueDurationMs?: number;
  /** `-AdmissionMaxParticipantsRange low-high`; undefined = off (default). */
  readonly admissionMaxParticipantsRange?: { readonly low: number; readonly high: number } | undefined;
  /** `-DrainInterval`, ms: one more client loses its STUN answers each interval while draining. Default 1000. */
  readonly drainIntervalMs?: number;
}

/** Defaults of {@link AdmissionControlInit}. */
export const DEFAULT_ADMISSION_CONTROL_INIT: Readonly<Required<AdmissionControlInit>> = Object.freeze({
  admissionControlQueueSize: 0,
  admissionControlQueueDurationMs: 0,
  admissionMaxParticipantsRange: undefined,
  drainIntervalMs: 1000,
});

/** Why the relay is not admitting (or `admitting`). */
export type AdmittingState = 'admitting' | 'not-admitting' | 'draining' | 'queue-full' | 'participants-high-water';

/** Admission gate; see the module comment. Time comes in through the `nowMs` arguments. */
export class AdmissionControl {
  readonly #init: Readonly<Required<AdmissionControlInit>>;
  /** Admission times, oldest first. */
  readonly #queue: number[] = [];
  #queueHead = 0;
  #admitState: AdmitState = 'normal';
  #drainState: DrainState = 'normal';
  #isAboveHighWater = false;
  #nextDrainAtMs: number | undefined;

  /** @throws InvalidConfigError for a negative size or duration, or a range with low > high. */
  constructor(init: AdmissionControlInit = {}) {
    this.#init = Object.freeze({ ...DEFAULT_ADMISSION_CONTROL_INIT, ...init });
    const i = this.#init;
    if (!Number.isInteger(i.admissionControlQueueSize) || i.admissionControlQueueSize < 0) {
      throw new InvalidConfigError('admissionControlQueueSize', 'must be an integer >= 0');
    }
    if (!(i.admissionControlQueueDurationMs >= 0) || !Number.isFinite(i.admissionControlQueueDurationMs)) {
      throw new InvalidConfigError('admissionControlQueueDurationMs', 'must be a finite number of ms >= 0');
    }
    if (!(i.drainIntervalMs > 0) || !Number.isFinite(i.drainIntervalMs)) throw new InvalidConfigError('drainIntervalMs', 'must be a positive number of ms');
    const r = i.admissionMaxParticipantsRange;
    if (r !== undefined && (!Number.isInteger(r.low) || !Number.isInteger(r.high) || r.low < 0 || r.high < 1 || r.low > r.high)) {
      throw new InvalidConfigError('admissionMaxParticipantsRange', 'must be integers 0 <= low <= high, high >= 1');
    }
  }

  get config(): Readonly<Required<AdmissionControlInit>> {
    return this.#init;
  }

  get admitState(): AdmitState {
    return this.#admitState;
  }

  get drainState(): DrainState {
    return this.#drainState;
  }

  setAdmitState(state: AdmitState): void {
    this.#admitState = state;
  }

  /** Starts (next drain tick one interval from `nowMs`) or stops draining. */
  setDrainState(state: DrainState, nowMs: number): void {
    if (state === this.#drainState) return;
    this.#drainState = state;
    this.#nextDrainAtMs = state === 'draining' ? nowMs + this.#init.drainIntervalMs : undefined;
  }

  /** Whether a client may be admitted now, given how many clients the relay knows (water marks). */
  state(nowMs: number, clientCount: number): AdmittingState {
    this.#prune(nowMs);
    if (this.#drainState === 'draining') return 'draining';
    if (this.#admitState === 'not-admitting') return 'not-admitting';
    const r = this.#init.admissionMaxParticipantsRange;
    if (r !== undefined) {
      if (clientCount >= r.high) this.#isAboveHighWater = true;
      else if (clientCount <= r.low) this.#isAboveHighWater = false;
      if (this.#isAboveHighWater) return 'participants-high-water';
    }
    const size = this.#init.admissionControlQueueSize;
    if (size > 0 && this.#queue.length - this.#queueHead >= size) return 'queue-full';
    return 'admitting';
  }

  /** Records an admission (enters the queue). */
  recordAdmission(nowMs: number): void {
    if (this.#init.admissionControlQueueSize > 0) this.#queue.push(nowMs);
  }

  /** Admissions in the queue now. */
  queueLength(nowMs: number): number {
    this.#prune(nowMs);
    return this.#queue.length - this.#queueHead;
  }

  /** The next time, ms, {@link takeDrainTick} or the queue has work, or undefined. */
  nextDeadline(): number | undefined {
    const q = this.#queue[this.#queueHead];
    const queueAt = q === undefined ? undefined : q + this.#init.admissionControlQueueDurationMs;
    const d = this.#nextDrainAtMs;
    if (queueAt === undefined) return d;
    return d === undefined ? queueAt : Math.min(queueAt, d);
  }

  /** True once per elapsed drain interval while draining (the owner then marks one more client). */
  takeDrainTick(nowMs: number): boolean {
    this.#prune(nowMs);
    if (this.#nextDrainAtMs === undefined || nowMs < this.#nextDrainAtMs) return false;
    this.#nextDrainAtMs += this.#init.drainIntervalMs;
    if (this.#nextDrainAtMs <= nowMs) this.#nextDrainAtMs = nowMs + this.#init.drainIntervalMs;
    return true;
  }

  #prune(nowMs: number): void {
    const duration = this.#init.admissionControlQueueDurationMs;
    while (this.#queueHead < this.#queue.length && (this.#queue[this.#queueHead] ?? 0) + duration <= nowMs) this.#queueHead++;
    if (this.#queueHead > 1024 && this.#queueHead * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#queueHead);
      this.#queueHead = 0;
    }
  }
}
