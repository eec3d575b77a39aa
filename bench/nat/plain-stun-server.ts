/**
 * A plain RFC 5389 Binding server for the bench's simnet topologies, like the coturn of the netns lab:
 * it answers every Binding request with XOR-MAPPED-ADDRESS and MAPPED-ADDRESS, FINGERPRINT or not.
 * (Our `relay/StunServer` follows OpenDDS and answers 400 to a request without FINGERPRINT, which
 * werift-ice does not send to STUN servers; both agents use this one so they see the same server.)
 */
import { attr, decodeStunMessage, encodeStunMessage, MappedAddress, StunMethod, XorMappedAddress } from '../../src/stun/index.js';
import type { TransportAddress } from '../../src/util/address.js';
import type { DatagramNetwork, DatagramSocket } from '../../src/util/datagram-io.js';

export class PlainStunServer {
  readonly #socket: DatagramSocket;
  #answered = 0;

  private constructor(socket: DatagramSocket) {
    this.#socket = socket;
    socket.onDatagram((bytes, from) => { this.#handle(bytes, from); });
  }

  static async start(network: DatagramNetwork, address: TransportAddress): Promise<PlainStunServer> {
    return new PlainStunServer(await network.bind(address.ip, address.port));
  }

  #handle(bytes: Uint8Array, from: TransportAddress): void {
    let msg;
    try {
      msg = decodeStunMessage(bytes);
    } catch {
      return; // not STUN: a STUN server ignores it
    }
    if (msg.method !== StunMethod.binding || msg.messageClass !== 'request') return;
    this.#answered++;
    this.#socket.send(encodeStunMessage({
      method: StunMethod.binding, messageClass: 'success', transactionId: msg.transactionId,
      attributes: [attr(MappedAddress, from), attr(XorMappedAddress, from)], fingerprint: true,
    }), from);
  }

  /** Binding requests answered. */
  get answered(): number {
    return this.#answered;
  }

  close(): void {
    this.#socket.close();
  }
}
