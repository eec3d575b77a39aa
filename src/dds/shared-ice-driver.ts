/**
 * The process-wide ICE driver for participants on real UDP (ARCHITECTURE.md "One ICE agent per
 * process"): created by the first participant that needs it, with that participant's `[ice]`
 * configuration, shared by every later one (whose `[ice]` settings are then ignored, as OpenDDS reads
 * them once when its agent singleton is built), and closed with its sockets and timer when the
 * last one releases it. Participants on an injected network get their own driver unless one is
 * injected (on simnet, one driver per simulated host plays the process).
 */
import { randomBytes } from 'node:crypto';
import type { IceConfig } from '../ice/index.js';
import { IceDriver, RealTimerService, UdpNetwork } from '../transport/index.js';
import type { Logger } from '../util/logger.js';

interface Shared {
  readonly driver: IceDriver;
  readonly network: UdpNetwork;
  readonly timers: RealTimerService;
  users: number;
}

let shared: Shared | undefined;

/** A lease on the shared driver; `release()` once (closes it after the last user). */
export interface SharedIceDriverLease {
  readonly driver: IceDriver;
  release(): Promise<void>;
}

/** Takes (or creates) the process's shared ICE driver on real UDP. */
export function acquireSharedIceDriver(config: IceConfig, log: Logger): SharedIceDriverLease {
  if (shared === undefined) {
    const network = new UdpNetwork({ log }, { includeLoopback: true });
    const timers = new RealTimerService({ log });
    const driver = new IceDriver({ network, timers, log, randomBytes: (n) => new Uint8Array(randomBytes(n)) }, config);
    shared = { driver, network, timers, users: 0 };
  }
  const s = shared;
  s.users++;
  let isReleased = false;
  return {
    driver: s.driver,
    release: async () => {
      if (isReleased) return;
      isReleased = true;
      s.users--;
      if (s.users > 0) return;
      if (shared === s) shared = undefined;
      s.driver.close();
      s.timers.close();
      await s.network.close();
    },
  };
}
