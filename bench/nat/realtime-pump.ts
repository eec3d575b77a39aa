/**
 * Drives a simnet {@link VirtualNetwork} in step with the wall clock, so an agent that uses real
 * timers (werift-ice's `setTimeout`, `Date.now`) and our driver on the network's virtual timers see the
 * same time. Every millisecond (Node's timer granularity) the network runs up to "virtual start + wall
 * time elapsed"; a datagram or timer is therefore served at most about one tick late, and the figures
 * measured this way carry that granularity (docs/bench.md). Bench-only: tests use virtual time.
 */
import { performance } from 'node:perf_hooks';
import type { VirtualNetwork } from '../../src/simnet/index.js';

export class RealtimePump {
  readonly #network: VirtualNetwork;
  #timer: NodeJS.Timeout | undefined;
  #offsetMs = 0;

  constructor(network: VirtualNetwork) {
    this.#network = network;
  }

  /** Starts pumping; the network's current virtual time maps to now. Idempotent. */
  start(): void {
    if (this.#timer !== undefined) return;
    this.#offsetMs = this.#network.now() - performance.now();
    this.#timer = setInterval(() => { this.pump(); }, 1);
  }

  /** Runs the network up to the current wall time (also called by the interval). */
  pump(): void {
    const until = performance.now() + this.#offsetMs;
    if (until > this.#network.now()) this.#network.run({ untilMs: until });
  }

  /** Stops pumping; the network keeps its state and virtual time. Idempotent. */
  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
