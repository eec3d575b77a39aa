/**
 * werift-ice 0.2.3 on simnet: a `dgram` socket shim over a {@link SimHost}, so werift's own ICE code
 * (candidate gathering with the simnet STUN server, checks, nomination) runs unchanged on the same
 * virtual topology and NATs as our agent. werift uses real timers, so the network is driven in wall
 * time by a {@link RealtimePump} while it runs (docs/bench.md explains what that means for the figures).
 *
 * How the shim is attached: werift's `UdpTransport` calls `require('dgram').createSocket` when a socket
 * is created, and `getHostAddresses()` of its `utils.js` when it gathers host candidates. Both are
 * replaced for the duration of one `gatherCandidates()` call (gathering is serialised by
 * {@link WeriftSimPeer.gather}), so nothing else in the process is affected and no real socket is ever
 * opened: every datagram stays inside the virtual network.
 */
import dgram from 'node:dgram';
import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { Candidate, CandidatePairState, Connection } from 'werift-ice';
import type { SimHost, VirtualNetwork } from '../../src/simnet/index.js';
import type { TransportAddress } from '../../src/util/address.js';
import type { DatagramSocket } from '../../src/util/datagram-io.js';

const require = createRequire(import.meta.url);
const weriftUtils: unknown = require('werift-ice/lib/ice/src/utils.js');

/** The subset of `dgram.Socket` werift-ice 0.2.3 uses, over a simnet socket. */
class SimDgramSocket extends EventEmitter {
  readonly #host: SimHost;
  #socket: DatagramSocket | undefined;
  #isClosed = false;

  constructor(host: SimHost) {
    super();
    this.#host = host;
  }

  /** `bind({ port?, address? })` or `bind(port?)`: binds on the host's one IP (a wildcard means that IP). */
  bind(arg?: number | { port?: number; address?: string }, callback?: () => void): this {
    const port = typeof arg === 'number' ? arg : arg?.port ?? 0;
    const requested = typeof arg === 'object' ? arg.address : undefined;
    const ip = requested === undefined || requested === '0.0.0.0' ? this.#host.ip : requested;
    this.#host.bind(ip, port).then((s) => {
      if (this.#isClosed) { s.close(); return; }
      this.#socket = s;
      s.onDatagram((bytes, from) => {
        this.emit('message', Buffer.from(bytes), { address: from.ip, family: 'IPv4', port: from.port, size: bytes.length });
      });
      callback?.();
      this.emit('listening');
    }, (err: unknown) => { this.emit('error', err); });
    return this;
  }

  address(): { address: string; family: string; port: number } {
    const a = this.#socket?.localAddress;
    if (a === undefined) throw new Error('simnet dgram shim: socket is not bound');
    return { address: a.ip, family: 'IPv4', port: a.port };
  }

  /** `send(msg, port, address[, callback])`, the only form werift uses. */
  send(msg: Uint8Array, port: number, address: string, callback?: (err: Error | null) => void): void {
    const s = this.#socket;
    if (s === undefined || this.#isClosed) {
      callback?.(new Error('simnet dgram shim: send on an unbound or closed socket'));
      return;
    }
    const to: TransportAddress = { family: 'IPv4', ip: address, port };
    s.send(msg, to);
    if (callback !== undefined) process.nextTick(callback, null);
  }

  close(callback?: () => void): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#socket?.close();
    process.nextTick(() => {
      callback?.();
      this.emit('close');
    });
  }

  ref(): this { return this; }
  unref(): this { return this; }
}

/** Local parameters werift publishes (what signalling would carry). */
export interface WeriftLocal {
  readonly ufrag: string;
  readonly pwd: string;
  readonly candidates: readonly { readonly ip: string; readonly port: number; readonly priority: number; readonly foundation: string; readonly type: string }[];
}

/** What a werift session ended with; `atMs` on the network's clock. */
export type WeriftOutcome = { readonly connected: true; readonly atMs: number } | { readonly connected: false; readonly atMs: number; readonly reason: string };

let gatherQueue: Promise<unknown> = Promise.resolve();

/** One werift `Connection` on a simnet host. */
export class WeriftSimPeer {
  readonly #conn: Connection;
  readonly #network: VirtualNetwork;
  readonly #host: SimHost;
  #settle: (o: WeriftOutcome) => void = () => undefined;
  readonly outcome: Promise<WeriftOutcome>;
  #watch: NodeJS.Timeout | undefined;
  #isClosed = false;

  constructor(network: VirtualNetwork, host: SimHost, stunServer: TransportAddress) {
    this.#network = network;
    this.#host = host;
    this.#conn = new Connection(false, { useIpv4: true, useIpv6: false, useTcp: false, stunServer: [stunServer.ip, stunServer.port] });
    const s: unknown = Reflect.get(this.#conn, 'stunServer');
    if (!Array.isArray(s) || s[0] !== stunServer.ip) throw new Error(`werift stunServer not taken: ${String(s)}`);
    this.outcome = new Promise((resolve) => { this.#settle = resolve; });
  }

  /** Gathers host and server-reflexive candidates through the shim (one werift gather at a time in this process). */
  gather(): Promise<WeriftLocal> {
    const run = async (): Promise<WeriftLocal> => {
      if (typeof weriftUtils !== 'object' || weriftUtils === null) throw new Error('werift-ice utils not found');
      const originalHosts: unknown = Reflect.get(weriftUtils, 'getHostAddresses');
      const originalCreate = dgram.createSocket;
      const host = this.#host;
      Reflect.set(weriftUtils, 'getHostAddresses', () => [host.ip]);
      Reflect.set(dgram, 'createSocket', () => new SimDgramSocket(host));
      try {
        await this.#conn.gatherCandidates();
      } finally {
        Reflect.set(weriftUtils, 'getHostAddresses', originalHosts);
        Reflect.set(dgram, 'createSocket', originalCreate);
      }
      return {
        ufrag: this.#conn.localUsername,
        pwd: this.#conn.localPassword,
        candidates: this.#conn.localCandidates.map((c) => ({ ip: c.host, port: c.port, priority: c.priority, foundation: c.foundation, type: c.type })),
      };
    };
    const p = gatherQueue.then(run, run);
    gatherQueue = p.catch(() => undefined);
    return p;
  }

  /** Starts checks toward `remote`; {@link outcome} resolves when connected or when the whole check list failed. */
  start(remote: WeriftLocal, controlling: boolean): void {
    const conn = this.#conn;
    conn.iceControlling = controlling;
    conn.setRemoteParams({ iceLite: false, usernameFragment: remote.ufrag, password: remote.pwd });
    // werift 0.2.3's connect() never settles when every pair failed: poll the check list (as test/interop/peers does).
    this.#watch = setInterval(() => {
      const list = conn.checkList;
      if (this.#isClosed || list.length === 0) return;
      if (list.every((p) => p.state === CandidatePairState.FAILED)) {
        this.#finish({ connected: false, atMs: this.#network.now(), reason: `all ${list.length} candidate pairs failed` });
      }
    }, 20);
    void (async () => {
      for (const c of remote.candidates) {
        await conn.addRemoteCandidate(new Candidate(c.foundation, 1, 'udp', c.priority, c.ip, c.port, c.type));
      }
      await conn.addRemoteCandidate(undefined);
      await conn.connect();
      this.#finish({ connected: true, atMs: this.#network.now() });
    })().catch((err: unknown) => {
      this.#finish({ connected: false, atMs: this.#network.now(), reason: err instanceof Error ? err.message : String(err) });
    });
  }

  #finish(o: WeriftOutcome): void {
    if (this.#watch !== undefined) clearInterval(this.#watch);
    this.#watch = undefined;
    this.#settle(o);
  }

  async close(): Promise<void> {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#finish({ connected: false, atMs: this.#network.now(), reason: 'closed' });
    await this.#conn.close();
  }
}
