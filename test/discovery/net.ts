/**
 * A tiny in-test network for the discovery cores: participants with an SpdpCore and an SedpCore
 * each, joined by a lossy channel in virtual time. Every transmit is encoded to a datagram with
 * the real RTPS codec (header, INFO_DST for directed sends, INFO_TS + DATA etc.) and decoded on
 * arrival. SPDP 'announce' goes to every other participant (the multicast group); directed sends
 * to one.
 */
import type { SedpEvent, SedpInit, SpdpEvent, SpdpInit } from '../../src/discovery/index.js';
import { SedpCore, SpdpCore } from '../../src/discovery/index.js';
import type { GuidPrefix, IceAgentInfo, Submessage } from '../../src/rtps/index.js';
import { decodeRtpsMessage, encodeRtpsMessage, guidPrefixEquals, PROTOCOL_VERSION_2_5, VendorIds } from '../../src/rtps/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { SeededRandom } from '../../src/util/prng.js';

export function prefixOf(n: number): GuidPrefix {
  return Uint8Array.from([0xaa, 0x0f, 0, 0, 0, 0, 0, 0, 0, 0, 0, n]);
}

export function iceInfo(tag: string, password = 'p'.repeat(32)): IceAgentInfo {
  return {
    type: 'full',
    username: tag.padEnd(32, '0'),
    password,
    candidates: [{ address: { family: 'IPv4', ip: '192.0.2.1', port: 40000 + tag.length }, foundation: `H${tag}`, priority: 2130706431, type: 'host' }],
  };
}

export interface Node {
  readonly n: number;
  readonly prefix: GuidPrefix;
  readonly spdp: SpdpCore;
  readonly sedp: SedpCore;
  readonly spdpEvents: SpdpEvent[];
  readonly sedpEvents: SedpEvent[];
  /** A silent node neither sends nor receives. */
  isSilent: boolean;
  /** Datagrams this node put on the wire. */
  sent: number;
}

interface InFlight {
  readonly at: number;
  readonly seq: number;
  readonly to: Node;
  readonly plane: 'spdp' | 'sedp';
  readonly bytes: Uint8Array;
}

export class DiscoveryNet {
  readonly clock = new ManualClock();
  readonly rng: SeededRandom;
  readonly nodes: Node[] = [];
  loss: number;
  latencyMs = 1;
  #queue: InFlight[] = [];
  #seq = 0;

  constructor(seed = 1, loss = 0) {
    this.rng = new SeededRandom(seed);
    this.loss = loss;
  }

  add(n: number, opts: { spdp?: SpdpInit; sedp?: SedpInit } = {}): Node {
    const prefix = prefixOf(n);
    const spdpEvents: SpdpEvent[] = [];
    const sedpEvents: SedpEvent[] = [];
    // eslint-disable-next-line prefer-const -- assigned after the cores that reference it exist
    let node: Node;
    const sedp = new SedpCore({
      guidPrefix: prefix, clock: this.clock, log: silentLogger,
      send: (t) => { this.#send(node, 'sedp', t.to, t.submessages); },
      emit: (e) => sedpEvents.push(e),
    }, opts.sedp);
    const spdp = new SpdpCore({
      guidPrefix: prefix, clock: this.clock, log: silentLogger,
      send: (t) => { if (t.to !== 'relay') this.#send(node, 'spdp', t.to, t.submessages); },
      emit: (e) => { spdpEvents.push(e); sedp.handleSpdpEvent(e); },
    }, opts.spdp);
    node = { n, prefix, spdp, sedp, spdpEvents, sedpEvents, isSilent: false, sent: 0 };
    this.nodes.push(node);
    return node;
  }

  #send(from: Node, plane: 'spdp' | 'sedp', to: 'announce' | GuidPrefix, submessages: readonly Submessage[]): void {
    if (from.isSilent) return;
    const targets = to === 'announce' ? this.nodes.filter((x) => x !== from) : this.nodes.filter((x) => guidPrefixEquals(x.prefix, to));
    const header = { protocolVersion: PROTOCOL_VERSION_2_5, vendorId: VendorIds.UNKNOWN, guidPrefix: from.prefix };
    const subs: readonly Submessage[] = to === 'announce' ? submessages : [{ kind: 'info-dst', littleEndian: true, guidPrefix: to }, ...submessages];
    const bytes = encodeRtpsMessage(header, subs);
    for (const t of targets) {
      from.sent++;
      if (this.loss > 0 && this.rng.next() < this.loss) continue;
      this.#queue.push({ at: this.clock.now() + this.latencyMs, seq: this.#seq++, to: t, plane, bytes });
    }
    this.#queue.sort((a, b) => a.at - b.at || a.seq - b.seq);
  }

  /** The earliest deadline of any core or packet. */
  nextEvent(): number | undefined {
    let at = this.#queue[0]?.at;
    for (const n of this.nodes) {
      for (const d of [n.spdp.nextDeadline(), n.sedp.nextDeadline()]) if (d !== undefined && (at === undefined || d < at)) at = d;
    }
    return at;
  }

  /** Runs everything due up to `untilMs` (absolute virtual time), then sets the clock there. */
  runUntil(untilMs: number): void {
    for (;;) {
      const next = this.nextEvent();
      if (next === undefined || next > untilMs) break;
      if (next > this.clock.now()) this.clock.set(next);
      const now = this.clock.now();
      while (this.#queue.length > 0 && (this.#queue[0]?.at ?? Infinity) <= now) {
        const p = this.#queue.shift()!;
        if (p.to.isSilent) continue;
        const msg = decodeRtpsMessage(p.bytes);
        if (p.plane === 'spdp') p.to.spdp.handleMessage(msg);
        else p.to.sedp.handleMessage(msg);
      }
      for (const n of this.nodes) {
        const d1 = n.spdp.nextDeadline();
        if (d1 !== undefined && d1 <= now) n.spdp.handleTimeout();
        const d2 = n.sedp.nextDeadline();
        if (d2 !== undefined && d2 <= now) n.sedp.handleTimeout();
      }
    }
    if (untilMs > this.clock.now()) this.clock.set(untilMs);
  }

  run(forMs: number): void {
    this.runUntil(this.clock.now() + forMs);
  }
}
