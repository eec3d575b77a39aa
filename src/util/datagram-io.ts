/**
 * The seam between protocol drivers and the world: a datagram socket, a way to open one, and a timer
 * service. `transport/` implements these over real UDP sockets and timers; `simnet/` implements them over
 * a virtual network in virtual time. A driver written against these interfaces runs unchanged on both
 * (STYLE.md rule 18), which is what lets one test drive hours of NAT behaviour in milliseconds.
 *
 * Interfaces only: nothing here performs I/O.
 */
import type { TransportAddress } from './address.js';
import type { Clock } from './clock.js';

/** Called for each datagram received; `bytes` is only valid during the call (copy to keep it). */
export type DatagramHandler = (bytes: Uint8Array, from: TransportAddress) => void;

/** A bound UDP socket. */
export interface DatagramSocket {
  /** The address the socket is bound to (a specific IP, never a wildcard, so receivers know their base). */
  readonly localAddress: TransportAddress;
  /**
   * Sends one datagram, fire-and-forget: failures (no route, closed socket, ICMP errors) are counted
   * by the implementation and never thrown, as with UDP itself. The caller may overwrite `bytes` as
   * soon as this returns: an implementation copies whatever it sends later.
   */
  send(bytes: Uint8Array, to: TransportAddress): void;
  /** Sets the one receive handler (replacing any previous one). */
  onDatagram(handler: DatagramHandler): void;
  /** Closes the socket; no handler runs after this returns. Idempotent. */
  close(): void;
}

/** Opens sockets on the local host's interfaces. */
export interface DatagramNetwork {
  /** The host's interface addresses that sockets may bind to (no wildcards). */
  interfaceAddresses(): readonly TransportAddress[];
  /**
   * Binds a socket to `ip` and `port` (0 = any free port).
   * @throws an error (EADDRINUSE or the like) when the address cannot be bound.
   */
  bind(ip: string, port: number): Promise<DatagramSocket>;
}

/** A cancellable one-shot timer. */
export interface TimerHandle {
  cancel(): void;
}

/** Timers on a clock: real (`setTimeout`) in drivers, virtual in simnet. */
export interface TimerService {
  readonly clock: Clock;
  /** Runs `callback` once when `clock.now() >= atMs` (immediately-ish when already past). */
  at(atMs: number, callback: () => void): TimerHandle;
}
