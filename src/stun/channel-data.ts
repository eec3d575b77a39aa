/**
 * TURN ChannelData messages (RFC 8656 §12.4; RFC 5766 §11.4): channel number u16, length u16,
 * application data, then padding to 4 bytes (required over TCP, optional over UDP, RFC 8656 §12.5).
 */
import { DecodeError, EncodeError } from '../util/errors.js';
import { MAX_CHANNEL_NUMBER, MIN_CHANNEL_NUMBER } from './attributes/channel-number.js';

/** Length of the ChannelData header in bytes. */
export const CHANNEL_DATA_HEADER_LENGTH = 4;

/** A decoded ChannelData message. */
export interface ChannelData {
  /** 0x4000–0x7FFF. */
  readonly channel: number;
  /** The application data (a view into the datagram when decoded). */
  readonly data: Uint8Array;
}

/** True when the first byte is in 0x40–0x7F, i.e. the datagram is ChannelData and not STUN (RFC 7983 §7, RFC 8656 §12). */
export function isChannelData(datagram: Uint8Array): boolean {
  const b = datagram[0];
  return b !== undefined && b >= 0x40 && b <= 0x7f;
}

/**
 * Decodes a ChannelData datagram. After the data, either nothing or exactly the padding to a
 * multiple of 4 bytes may follow (RFC 8656 §12.5); padding content is not checked.
 * `data` is a view into `datagram`.
 * @throws DecodeError (`channelData/channel`, `channelData/length`, `channelData/data`, `channelData/padding`).
 */
export function decodeChannelData(datagram: Uint8Array): ChannelData {
  const n = datagram.length;
  if (n < 2) throw new DecodeError('channelData/channel', 0, `need 2 bytes, have ${n}`);
  const channel = ((datagram[0] ?? 0) << 8) | (datagram[1] ?? 0);
  if (channel < MIN_CHANNEL_NUMBER || channel > MAX_CHANNEL_NUMBER) {
    throw new DecodeError('channelData/channel', 0, `0x${channel.toString(16)} not in [0x4000, 0x7fff]`);
  }
  if (n < CHANNEL_DATA_HEADER_LENGTH) throw new DecodeError('channelData/length', 2, `need 2 bytes, have ${n - 2}`);
  const length = ((datagram[2] ?? 0) << 8) | (datagram[3] ?? 0);
  const end = CHANNEL_DATA_HEADER_LENGTH + length;
  if (n < end) throw new DecodeError('channelData/data', CHANNEL_DATA_HEADER_LENGTH, `length says ${length}, have ${n - CHANNEL_DATA_HEADER_LENGTH}`);
  const padded = (end + 3) & ~3;
  if (n !== end && n !== padded) {
    throw new DecodeError('channelData/padding', end, `${n - end} bytes after the data; only none or padding to 4 (${padded - end}) allowed`);
  }
  return { channel, data: datagram.subarray(CHANNEL_DATA_HEADER_LENGTH, end) };
}

/** Size of the encoded message: header + data, rounded up to 4 when `pad`. */
export function sizeOfChannelData(message: ChannelData, pad = false): number {
  const n = CHANNEL_DATA_HEADER_LENGTH + message.data.length;
  return pad ? (n + 3) & ~3 : n;
}

/**
 * Encodes ChannelData; `pad` adds zero padding to 4 bytes (required over TCP/TLS, optional over UDP).
 * @throws EncodeError when the channel is outside 0x4000–0x7FFF or the data exceeds 65535 bytes.
 */
export function encodeChannelData(message: ChannelData, pad = false): Uint8Array {
  const { channel, data } = message;
  if (!Number.isInteger(channel) || channel < MIN_CHANNEL_NUMBER || channel > MAX_CHANNEL_NUMBER) {
    throw new EncodeError('channelData/channel', `${channel} not in [0x4000, 0x7fff]`);
  }
  if (data.length > 0xffff) throw new EncodeError('channelData/length', `${data.length} bytes exceed 65535`);
  const out = new Uint8Array(sizeOfChannelData(message, pad));
  out[0] = channel >>> 8;
  out[1] = channel;
  out[2] = data.length >>> 8;
  out[3] = data.length;
  out.set(data, CHANNEL_DATA_HEADER_LENGTH);
  return out;
}
