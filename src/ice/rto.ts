/**
 * Retransmission timeout of STUN transactions (RFC 5389 §7.2.1): "RTO is an estimate of the
 * round-trip time, and is computed as described in RFC 2988 [now RFC 6298]", with a configurable
 * initial value of at least 500 ms and no rounding up to a whole second. Until a checklist has
 * measured a round trip every transaction starts at `initialRtoMs`; afterwards at the RFC 6298 §2
 * estimate, clamped to [minRtoMs, initialRtoMs], so a lost nomination on a 10 ms path is resent
 * after tens of milliseconds instead of half a second. Either way the RTO doubles per
 * retransmission up to `maxRtoMs`.
 */

/** RFC 6298 §2 smoothed RTT state of one checklist (one path family toward one remote agent). */
export class RttEstimator {
  #srttMs: number | undefined;
  #rttVarMs = 0;

  /**
   * Adds a sample. Karn's algorithm (RFC 5389 §7.2.1 "RECOMMENDED"): callers pass only samples of
   * transactions that were transmitted once, so the answer cannot belong to an earlier copy.
   */
  sample(rttMs: number): void {
    const r = Math.max(0, rttMs);
    if (this.#srttMs === undefined) {
      // RFC 6298 §2.2: SRTT <- R, RTTVAR <- R/2.
      this.#srttMs = r;
      this.#rttVarMs = r / 2;
      return;
    }
    // RFC 6298 §2.3 with alpha = 1/8, beta = 1/4.
    this.#rttVarMs = 0.75 * this.#rttVarMs + 0.25 * Math.abs(this.#srttMs - r);
    this.#srttMs = 0.875 * this.#srttMs + 0.125 * r;
  }

  /** The smoothed RTT in ms, or undefined before the first sample. */
  get srttMs(): number | undefined {
    return this.#srttMs;
  }

  /**
   * The initial RTO of a new transaction: `initialRtoMs` without a sample, else RFC 6298 §2
   * SRTT + 4·RTTVAR clamped to [minRtoMs, initialRtoMs].
   */
  initialRto(initialRtoMs: number, minRtoMs: number): number {
    if (this.#srttMs === undefined) return initialRtoMs;
    return Math.min(initialRtoMs, Math.max(minRtoMs, this.#srttMs + 4 * this.#rttVarMs));
  }
}

/** The next RTO after a retransmission: doubled (RFC 5389 §7.2.1), capped at `maxRtoMs`. */
export function backOff(rtoMs: number, maxRtoMs: number): number {
  return Math.min(rtoMs * 2, maxRtoMs);
}

/** Doublings a transaction with a measured RTO may back off before it stops growing. */
export const RTO_DOUBLINGS_WITH_RTT = 3;

/**
 * The largest RTO of a transaction that starts at `initialRtoMs`: `maxRtoMs`, and for a transaction
 * whose start came from a measured round trip at most 2^3 times that start, so a lost nomination on
 * a 10 ms path keeps being resent every few hundred ms (a few 100-byte datagrams a second on a path
 * known to work) instead of backing off to the cap.
 */
export function rtoCap(initialRtoMs: number, maxRtoMs: number): number {
  return Math.min(maxRtoMs, Math.max(initialRtoMs, initialRtoMs * 2 ** RTO_DOUBLINGS_WITH_RTT));
}
