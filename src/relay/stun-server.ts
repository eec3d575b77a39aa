/**
 * A STUN server driver: one socket from any {@link DatagramNetwork} (real UDP or simnet) bound to
 * one {@link StunResponder} (STYLE.md rule 5: classify, call the core, send what it returns).
 */
import { EventEmitter } from 'node:events';
import type { TransportAddress } from '../util/address.js';
import type { DatagramNetwork, DatagramSocket } from '../util/datagram-io.js';
import { silentLogger, type Logger } from '../util/logger.js';
import { classifyDatagram } from '../transport/classify-datagram.js';
import { StunResponder, type StunResponderStats } from './stun-responder.js';

/** Events of {@link StunServer}. */
export interface StunServerEvents {
  /** A client sent GUID_PREFIX (OpenDDS spec §8.4). `guidPrefix` is a copy. */
  registered: [guidPrefix: Uint8Array, from: TransportAddress];
}

/** Options of {@link StunServer.start}. */
export interface StunServerOptions {
  /** Address to bind: a specific IP, never a wildcard. */
  readonly ip: string;
  /** Port; default 0 (any free port). */
  readonly port?: number;
  readonly log?: Logger;
  /** See `StunResponderDeps.allowResponse`. */
  readonly allowResponse?: (guidPrefix: Uint8Array, from: TransportAddress) => boolean;
  readonly signal?: AbortSignal;
}

/** A running STUN server; {@link close} stops it. */
export class StunServer extends EventEmitter<StunServerEvents> {
  readonly #socket: DatagramSocket;
  readonly #responder: StunResponder;
  #notStun = 0;

  private constructor(socket: DatagramSocket, log: Logger, allowResponse: StunServerOptions['allowResponse']) {
    super();
    this.#socket = socket;
    this.#responder = new StunResponder({
      log,
      emit: (e) => this.emit('registered', e.guidPrefix, e.from),
      ...(allowResponse === undefined ? {} : { allowResponse }),
    });
    socket.onDatagram((bytes, from) => {
      // RTPS, DTLS and the rest are for other handlers of a vertical port (spec §8.3); here: counted.
      if (classifyDatagram(bytes) !== 'stun') {
        this.#notStun++;
        return;
      }
      const response = this.#responder.handle(bytes, from);
      if (response !== undefined) socket.send(response, from);
    });
  }

  /**
   * Binds a socket on `network` and starts answering.
   * @throws what `network.bind` throws (e.g. BindError), or the signal's AbortError.
   */
  static async start(network: DatagramNetwork, options: StunServerOptions): Promise<StunServer> {
    options.signal?.throwIfAborted();
    const socket = await network.bind(options.ip, options.port ?? 0);
    if (options.signal?.aborted === true) {
      socket.close();
      options.signal.throwIfAborted();
    }
    const log = (options.log ?? silentLogger).child('stun-server');
    return new StunServer(socket, log, options.allowResponse);
  }

  /** The bound address (the server address to give clients). */
  get address(): TransportAddress {
    return this.#socket.localAddress;
  }

  /** The core's counters plus datagrams that were not STUN. */
  stats(): StunResponderStats & { readonly notStun: number } {
    return { ...this.#responder.stats(), notStun: this.#notStun };
  }

  /** Closes the socket and removes every listener. Idempotent. */
  close(): void {
    this.#socket.close();
    this.removeAllListeners();
  }
}
