/**
 * The relay's rejected-address list, sans-I/O (OpenDDS spec §8.3 step 1, §8.9,
 * `-RejectedAddressDuration`): datagrams from an address rejected (e.g. an imposter of the application
 * participant) are dropped until the duration runs out. Every entry expires `now + duration`, so the
 * insertion-ordered `Map` is in expiry order: `nextDeadline()` O(1), `handleTimeout()` O(expired).
 */
import type { TransportAddress } from '../util/address.js';
import { formatAddress } from '../util/address.js';

/** See the module comment. Time comes in through the `nowMs` arguments. */
export class RejectedAddresses {
  /** Address key → expiry, ms; insertion order = expiry order. */
  readonly #until = new Map<string, number>();

  /** @param durationMs how long an address stays rejected; 0 = rejection off. */
  constructor(readonly durationMs: number) {}

  /** Rejects `address` for the duration from `nowMs` (re-rejecting extends it). No-op when off. */
  reject(address: TransportAddress, nowMs: number): void {
    if (this.durationMs === 0) return;
    const key = formatAddress(address);
    this.#until.delete(key);
    this.#until.set(key, nowMs + this.durationMs);
  }

  /** True if datagrams from `address` are to be dropped at `nowMs`. */
  isRejected(address: TransportAddress, nowMs: number): boolean {
    if (this.#until.size === 0) return false;
    const until = this.#until.get(formatAddress(address));
    return until !== undefined && nowMs < until;
  }

  /** The earliest expiry, ms, or undefined. */
  nextDeadline(): number | undefined {
    for (const until of this.#until.values()) return until;
    return undefined;
  }

  /** Forgets the entries expired at `nowMs`. */
  handleTimeout(nowMs: number): void {
    for (const [key, until] of this.#until) {
      if (until > nowMs) break;
      this.#until.delete(key);
    }
  }

  get size(): number {
    return this.#until.size;
  }
}
