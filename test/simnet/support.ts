/** Shared helpers of the simnet tests. */
import type { TransportAddress } from '../../src/util/address.js';
import { formatAddress, transportAddress } from '../../src/util/address.js';
import type { DatagramSocket } from '../../src/util/datagram-io.js';
import type { NatBehavior, SimHost, VirtualNetwork } from '../../src/simnet/index.js';

export interface Received {
  readonly atMs: number;
  readonly from: TransportAddress;
  readonly text: string;
}

export interface Listener {
  readonly socket: DatagramSocket;
  readonly received: Received[];
  /** `ip:port` of every sender seen, in order. */
  sources(): string[];
}

/** Binds `host:port` (0 = ephemeral) and records what arrives. */
export function listen(net: VirtualNetwork, host: SimHost, port = 0, ip = host.ip): Listener {
  const socket = host.bindSync(ip, port);
  const received: Received[] = [];
  socket.onDatagram((bytes, from) => {
    received.push({ atMs: net.now(), from, text: new TextDecoder().decode(bytes) });
  });
  return { socket, received, sources: () => received.map((r) => formatAddress(r.from)) };
}

export function send(from: Listener, to: TransportAddress, text = 'x'): void {
  from.socket.send(new TextEncoder().encode(text), to);
}

export const at = (ip: string, port: number): TransportAddress => transportAddress(ip, port);

export function behavior(over: Partial<NatBehavior>): NatBehavior {
  return {
    mapping: 'endpoint-independent', filtering: 'endpoint-independent', mappingLifetimeMs: 30_000,
    portAllocation: 'preserve', hairpinning: true, ...over,
  };
}
