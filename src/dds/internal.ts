/**
 * What a DataWriter / DataReader needs from its participant (not exported from the package): the
 * transport, a clock, the run/defer discipline that keeps the sans-I/O cores from being re-entered
 * (STYLE.md rule 3) and the registry of endpoints that discovery's matches are routed to.
 */
import type { Guid, GuidPrefix } from '../rtps/index.js';
import type { RemoteEndpointData } from '../discovery/index.js';
import type { IncompatiblePolicy } from '../discovery/index.js';
import type { Transport } from '../transport/index.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { DdsConfig } from './config.js';
import type { ResolvedQos } from './qos.js';

/** How the participant drives one of its endpoints. */
export interface EndpointControl {
  readonly guid: Guid;
  readonly isWriter: boolean;
  onMatched(remote: RemoteEndpointData): void;
  onUnmatched(remote: Guid): void;
  onIncompatible(remote: Guid, policy: IncompatiblePolicy): void;
  /**
   * ICE selected (or re-selected) the DATA path toward the remote participant whose GUID prefix
   * is `remotePrefixHex`: samples sent before may have gone to addresses that do not reach it.
   */
  onPathSelected?(remotePrefixHex: string): void;
  /** Participant shutdown: release everything, reject pending calls. */
  close(): void;
}

/** The participant as its endpoints see it. */
export interface EndpointHost {
  readonly guidPrefix: GuidPrefix;
  readonly clock: Clock;
  readonly log: Logger;
  readonly transport: Transport;
  readonly config: DdsConfig;
  /** Unix time in ms for source timestamps (virtual on simnet). */
  wallClockMs(): number;
  /** Runs a call into a core; afterwards drains deferred events and re-arms the transport timer. */
  run<T>(fn: () => T): T;
  /** Queues work that must not run inside a core call (events, deliveries). */
  defer(fn: () => void): void;
  /** Registers with discovery (SEDP announcement) and routing. */
  register(control: EndpointControl, topic: { readonly name: string; readonly typeName: string }, qos: ResolvedQos): void;
  /** Unregisters (SEDP dispose) when the endpoint is closed by the user. */
  unregister(control: EndpointControl): void;
}
