/**
 * A virtual host: the {@link DatagramNetwork} and {@link DatagramSocket} seam of `util/datagram-io.ts`
 * over the virtual network, so a driver written for real UDP runs on it unchanged.
 */
import type { TransportAddress } from '../util/address.js';
import { transportAddress } from '../util/address.js';
import type { DatagramHandler, DatagramNetwork, DatagramSocket } from '../util/datagram-io.js';
import { AddressInUseError, AddressNotAvailableError } from './errors.js';
import type { Attachment } from './realm.js';

/** First port of the automatic (port 0) range, as Linux's `ip_local_port_range` would give. */
export const EPHEMERAL_PORT_MIN = 49152;

/** @internal What a host needs from its network. */
export interface HostUplink {
  transmit(host: SimHost, from: TransportAddress, to: TransportAddress, bytes: Uint8Array): void;
  countSendAfterClose(): void;
}

type HostAttachment = Extract<Attachment, { kind: 'host' }>;

const socketKey = (ip: string, port: number): string => `${ip}|${port}`;

/** Copies live in shared slabs: a subarray is much cheaper to create than a fresh typed array. */
const SLAB_BYTES = 256 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabUsed = 0;

/** A private copy of `bytes` (a view into a slab that is never written again once handed out). */
function copyBytes(bytes: Uint8Array): Uint8Array {
  const n = bytes.length;
  if (n > SLAB_BYTES / 8) return bytes.slice();
  if (slabUsed + n > SLAB_BYTES) {
    slab = new Uint8Array(SLAB_BYTES);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + n);
  out.set(bytes);
  slabUsed += (n + 7) & ~7;
  return out;
}

/** A bound virtual UDP socket. */
class SimSocket implements DatagramSocket {
  #handler: DatagramHandler | undefined;
  #isClosed = false;

  constructor(readonly host: SimHost, readonly localAddress: TransportAddress, readonly uplink: HostUplink) {}

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Copies `bytes` now (the caller may reuse its buffer), then routes it in virtual time. */
  send(bytes: Uint8Array, to: TransportAddress): void {
    if (this.#isClosed) {
      this.uplink.countSendAfterClose();
      return;
    }
    this.uplink.transmit(this.host, this.localAddress, to, copyBytes(bytes));
  }

  onDatagram(handler: DatagramHandler): void {
    this.#handler = handler;
  }

  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#handler = undefined;
    this.host.release(this);
  }

  /** @internal */
  receive(bytes: Uint8Array, from: TransportAddress): void {
    this.#handler?.(bytes, from);
  }
}

/** A host with one or more IPs (each on some realm); built by {@link VirtualNetwork.addHost}. */
export class SimHost implements DatagramNetwork {
  readonly #attachments: HostAttachment[] = [];
  readonly #sockets = new Map<string, SimSocket>();
  /** port → socket per IP, for delivery without building a key string. */
  readonly #byIp = new Map<string, Map<number, SimSocket>>();
  #nextEphemeral = EPHEMERAL_PORT_MIN;

  /** @internal */
  constructor(readonly name: string, readonly uplink: HostUplink) {}

  /** @internal */
  addAttachment(a: HostAttachment): void {
    this.#attachments.push(a);
  }

  /** @internal The attachment of one of this host's IPs. */
  attachmentFor(ip: string): HostAttachment | undefined {
    return this.#attachments.find((a) => a.ip === ip);
  }

  /** The host's IPs, in the order they were added. */
  get ips(): readonly string[] {
    return this.#attachments.map((a) => a.ip);
  }

  /** The first IP (the one most tests bind to). */
  get ip(): string {
    const first = this.#attachments[0];
    return first === undefined ? '' : first.ip;
  }

  /** Interface addresses (port 0), one per IP: the candidates ICE would gather as host candidates. */
  interfaceAddresses(): readonly TransportAddress[] {
    return this.#attachments.map((a) => ({ family: a.family, ip: a.ip, port: 0 }));
  }

  /** Number of open sockets. */
  get openSockets(): number {
    return this.#sockets.size;
  }

  /**
   * Binds a socket to one of this host's IPs; `port` 0 picks the next free port from 49152 (in order,
   * so runs are reproducible).
   * @throws AddressNotAvailableError (EADDRNOTAVAIL) for an IP the host lacks (wildcards included);
   *   AddressInUseError (EADDRINUSE) when ip:port is bound already.
   */
  bind(ip: string, port: number): Promise<DatagramSocket> {
    try {
      return Promise.resolve(this.bindSync(ip, port));
    } catch (err: unknown) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /** {@link bind} without the promise, for tests and setup code. Same errors, thrown. */
  bindSync(ip: string, port: number): DatagramSocket {
    const attachment = this.attachmentFor(normaliseIp(ip));
    if (attachment === undefined) throw new AddressNotAvailableError(ip);
    const chosen = port === 0 ? this.#ephemeral(attachment.ip) : port;
    const key = socketKey(attachment.ip, chosen);
    if (this.#sockets.has(key)) throw new AddressInUseError(attachment.ip, chosen);
    const socket = new SimSocket(this, transportAddress(attachment.ip, chosen), this.uplink);
    this.#sockets.set(key, socket);
    let ports = this.#byIp.get(attachment.ip);
    if (ports === undefined) this.#byIp.set(attachment.ip, (ports = new Map<number, SimSocket>()));
    ports.set(chosen, socket);
    return socket;
  }

  /** @internal The open socket bound at `to`, if any. */
  socketAt(to: TransportAddress): { receive(bytes: Uint8Array, from: TransportAddress): void } | undefined {
    return this.#byIp.get(to.ip)?.get(to.port);
  }

  /** @internal Called by a socket's close(): frees its port. */
  release(socket: SimSocket): void {
    const key = socketKey(socket.localAddress.ip, socket.localAddress.port);
    if (this.#sockets.get(key) !== socket) return;
    this.#sockets.delete(key);
    this.#byIp.get(socket.localAddress.ip)?.delete(socket.localAddress.port);
  }

  #ephemeral(ip: string): number {
    for (let i = 0; i < 65536 - EPHEMERAL_PORT_MIN; i++) {
      const p = this.#nextEphemeral;
      this.#nextEphemeral = p === 65535 ? EPHEMERAL_PORT_MIN : p + 1;
      if (!this.#sockets.has(socketKey(ip, p))) return p;
    }
    throw new AddressInUseError(ip, 0);
  }
}

function normaliseIp(ip: string): string {
  try {
    return transportAddress(ip, 0).ip;
  } catch {
    // Not an IP at all: let the lookup fail with EADDRNOTAVAIL.
    return ip;
  }
}
