/**
 * Locator_t (RTPS 2.5 §9.3.2): `long kind; unsigned long port; octet address[16]`, 24 bytes, in the
 * byte order of the enclosing submessage or parameter list.
 */
import type { TransportAddress } from '../util/address.js';
import { bytesToIp, ipToBytes } from '../util/address.js';
import type { ByteReader } from '../util/byte-reader.js';
import type { ByteWriter } from '../util/byte-writer.js';
import { EncodeError } from '../util/errors.js';

export const LocatorKind = Object.freeze({
  INVALID: -1,
  RESERVED: 0,
  UDPv4: 1,
  UDPv6: 2,
  /** Fast DDS shared memory (vendor-specific range). */
  SHM: 16,
} as const);

export const LOCATOR_SIZE = 24;

export interface Locator {
  readonly kind: number;
  readonly port: number;
  /** 16 bytes; IPv4 in the last four. Decoded values alias the input. */
  readonly address: Uint8Array;
}

export function readLocator(r: ByteReader, field: string): Locator {
  const kind = r.i32(`${field}.kind`);
  const port = r.u32(`${field}.port`);
  return { kind, port, address: r.bytesView(16, `${field}.address`) };
}

export function writeLocator(w: ByteWriter, l: Locator): void {
  if (l.address.length !== 16) throw new EncodeError('locator.address', `must be 16 bytes, got ${l.address.length}`);
  w.i32(l.kind).u32(l.port).bytes(l.address);
}

/** The UDPv4 / UDPv6 locator of a transport address (OpenDDS `address_to_locator`). */
export function locatorFromAddress(a: TransportAddress): Locator {
  const address = new Uint8Array(16);
  const ip = ipToBytes(a.ip);
  address.set(ip, 16 - ip.length);
  return { kind: a.family === 'IPv4' ? LocatorKind.UDPv4 : LocatorKind.UDPv6, port: a.port, address };
}

/** The transport address of a UDPv4/UDPv6 locator, or undefined for any other kind or a port > 65535. */
export function addressFromLocator(l: Locator): TransportAddress | undefined {
  if (l.port > 65535) return undefined;
  if (l.kind === LocatorKind.UDPv4) return { family: 'IPv4', ip: bytesToIp(l.address.subarray(12, 16)), port: l.port };
  if (l.kind === LocatorKind.UDPv6) return { family: 'IPv6', ip: bytesToIp(l.address.subarray(0, 16)), port: l.port };
  return undefined;
}

/** Text for logs: `udpv4:127.0.0.1:7410`. */
export function locatorToString(l: Locator): string {
  const a = addressFromLocator(l);
  if (a) return `${a.family === 'IPv4' ? 'udpv4' : 'udpv6'}:${a.family === 'IPv6' ? `[${a.ip}]` : a.ip}:${a.port}`;
  return `kind${l.kind}:${l.port}`;
}
