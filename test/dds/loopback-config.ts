/** Configuration of the loopback UDP tests: ICE on every endpoint (loopback candidates allowed), SPDP unicast peers. */
import type { DdsConfigInput } from '../../src/dds/index.js';

/** SPDP also goes to the unicast ports of participant ids 0 and 1 (OpenDDS port formula), besides multicast on lo. */
export function loopbackConfig(domainId: number): DdsConfigInput {
  const base = 7400 + 250 * domainId + 10;
  return {
    rtpsDiscovery: { useIce: true, spdpSendAddrs: `127.0.0.1:${base},127.0.0.1:${base + 2}`, resendPeriod: 1 , leaseDuration: 10 },
    transport: { useIce: true, heartbeatPeriod: 100, heartbeatResponseDelay: 10, nakResponseDelay: 10 },
    ice: { allowLoopback: true },
  };
}
