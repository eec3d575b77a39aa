/**
 * Transaction ids (RFC 5389 §6: 96 bits, uniformly random) sliced from a pool of random bytes, so
 * the cost of the random source is paid once per pool instead of once per id.
 */
import { InvalidConfigError } from '../util/errors.js';
import { TRANSACTION_ID_LENGTH } from './constants.js';

/** Fills `bytes` with cryptographically random values, e.g. `(b) => crypto.getRandomValues(b)`. */
export type RandomFill = (bytes: Uint8Array) => void;

/** Hands out 12-byte transaction ids from pools filled by an injected random source. */
export class TransactionIdSource {
  readonly #fill: RandomFill;
  readonly #poolBytes: number;
  #pool: Uint8Array = new Uint8Array(0);
  #pos = 0;

  /**
   * @param fill the random source (injected so the codec stays pure and tests deterministic).
   * @param idsPerPool ids per pool; each pool is a fresh allocation of 12 × this many bytes.
   * @throws InvalidConfigError when `idsPerPool` is not a positive integer.
   */
  constructor(fill: RandomFill, idsPerPool = 1024) {
    if (!Number.isInteger(idsPerPool) || idsPerPool < 1) throw new InvalidConfigError('idsPerPool', `${idsPerPool} is not a positive integer`);
    this.#fill = fill;
    this.#poolBytes = idsPerPool * TRANSACTION_ID_LENGTH;
  }

  /**
   * A new 12-byte transaction id. It is a view into a pool that is never written again (a new
   * pool is allocated when one runs out), so the id stays valid and unique to its caller.
   */
  next(): Uint8Array {
    if (this.#pos + TRANSACTION_ID_LENGTH > this.#pool.length) {
      this.#pool = new Uint8Array(this.#poolBytes);
      this.#fill(this.#pool);
      this.#pos = 0;
    }
    const id = this.#pool.subarray(this.#pos, this.#pos + TRANSACTION_ID_LENGTH);
    this.#pos += TRANSACTION_ID_LENGTH;
    return id;
  }
}

/** A transaction id as a map key (24 lower-case hex digits). */
export function transactionIdKey(id: Uint8Array): string {
  let s = '';
  for (let i = 0; i < id.length; i++) s += (id[i] ?? 0).toString(16).padStart(2, '0');
  return s;
}
