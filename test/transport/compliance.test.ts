/** Runs the compliance suite against UDP on real loopback, UDP on simnet, and the in-memory transport. */
import { VirtualNetwork } from '../../src/simnet/index.js';
import { InMemoryBus, InMemoryTransport } from '../../src/transport/in-memory-transport.js';
import { RealTimerService } from '../../src/transport/real-timers.js';
import { RtpsUdpTransport } from '../../src/transport/rtps-transport.js';
import { UdpNetwork } from '../../src/transport/udp-network.js';
import { silentLogger } from '../../src/util/logger.js';
import type { ComplianceWorld } from './compliance.js';
import { prefixOf, transportCompliance } from './compliance.js';

async function virtualUntil(net: VirtualNetwork, done: () => boolean, maxMs: number): Promise<boolean> {
  for (let t = 0; t < maxMs && !done(); t += 5) net.runFor(5);
  return Promise.resolve(done());
}

transportCompliance({
  name: 'in-memory',
  make: (n, options = {}) => {
    const net = new VirtualNetwork({ recordTrace: false });
    const bus = new InMemoryBus(net.timers, { latencyMs: 1 });
    const transports = Array.from({ length: n }, (_, i) => new InMemoryTransport({ guidPrefix: prefixOf(i + 1), bus }, options));
    const world: ComplianceWorld = {
      transports,
      clock: net.timers.clock,
      until: (done, maxMs) => virtualUntil(net, done, maxMs),
      close: () => { for (const t of transports) t.close(); return Promise.resolve(); },
    };
    return Promise.resolve(world);
  },
});

transportCompliance({
  name: 'RtpsUdpTransport on simnet',
  make: async (n, options = {}) => {
    const net = new VirtualNetwork({ recordTrace: false });
    const transports: RtpsUdpTransport[] = [];
    for (let i = 0; i < n; i++) {
      const host = net.addHost(`p${i}`, { ips: [`10.0.0.${i + 1}`] });
      transports.push(await RtpsUdpTransport.open({ guidPrefix: prefixOf(i + 1), network: host, timers: net.timers, log: silentLogger }, options));
    }
    return {
      transports,
      clock: net.timers.clock,
      until: (done, maxMs) => virtualUntil(net, done, maxMs),
      close: () => { for (const t of transports) t.close(); return Promise.resolve(); },
    };
  },
});

transportCompliance({
  name: 'RtpsUdpTransport on loopback UDP (multicast on lo)',
  make: async (n, options = {}) => {
    const network = new UdpNetwork({}, { includeLoopback: true, ref: false });
    const timers = new RealTimerService({}, { ref: false });
    const transports: RtpsUdpTransport[] = [];
    for (let i = 0; i < n; i++) {
      transports.push(await RtpsUdpTransport.open({ guidPrefix: prefixOf(i + 1), network, timers, log: silentLogger }, {
        ...options, ips: ['127.0.0.1'], multicastInterface: '127.0.0.1', domainId: 17,
      }));
    }
    return {
      transports,
      clock: timers.clock,
      until: async (done, maxMs) => {
        const end = timers.clock.now() + maxMs;
        while (!done() && timers.clock.now() < end) await new Promise((r) => { setTimeout(r, 5); });
        return done();
      },
      close: async () => {
        for (const t of transports) t.close();
        await network.close();
        timers.close();
      },
    };
  },
});
