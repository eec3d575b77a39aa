/**
 * Transport addresses as the rest of the library sees them: an IP in its usual text form and a
 * UDP port. Codecs convert to and from the 4- or 16-byte wire forms here and nowhere else.
 */
import { EncodeError } from './errors.js';

export type IpFamily = 'IPv4' | 'IPv6';

/** An IP address and UDP port. `ip` is dotted-quad for IPv4 and RFC 5952 text for IPv6. */
export interface TransportAddress {
  readonly family: IpFamily;
  readonly ip: string;
  readonly port: number;
}

/** `ip:port` for IPv4, `[ip]:port` for IPv6. */
export function formatAddress(a: TransportAddress): string {
  return a.family === 'IPv6' ? `[${a.ip}]:${a.port}` : `${a.ip}:${a.port}`;
}

/** Parses `ip:port` or `[ipv6]:port`. @throws EncodeError when it is not one. */
export function parseAddress(text: string): TransportAddress {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(text) ?? /^([^:]+):(\d+)$/.exec(text);
  if (m?.[1] === undefined || m[2] === undefined) throw new EncodeError('address', `not ip:port: ${text}`);
  const port = Number(m[2]);
  if (port > 65535) throw new EncodeError('address', `port out of range: ${text}`);
  const ip = m[1];
  const bytes = ipToBytes(ip);
  return { family: bytes.length === 4 ? 'IPv4' : 'IPv6', ip: bytesToIp(bytes), port };
}

/** Makes a TransportAddress from text, normalising the IP. @throws EncodeError on a bad IP or port. */
export function transportAddress(ip: string, port: number): TransportAddress {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new EncodeError('port', `${port} out of range`);
  const bytes = ipToBytes(ip);
  return { family: bytes.length === 4 ? 'IPv4' : 'IPv6', ip: bytesToIp(bytes), port };
}

export function addressEquals(a: TransportAddress, b: TransportAddress): boolean {
  return a.port === b.port && a.ip === b.ip && a.family === b.family;
}

/**
 * The wire bytes of an IP: 4 for IPv4, 16 for IPv6 (`::ffff:a.b.c.d` and embedded dotted quads
 * are accepted). @throws EncodeError when `ip` is neither.
 */
export function ipToBytes(ip: string): Uint8Array {
  const v4 = parseIpv4(ip);
  if (v4) return v4;
  const v6 = parseIpv6(ip);
  if (v6) return v6;
  throw new EncodeError('ip', `not an IPv4 or IPv6 address: ${ip}`);
}

function parseIpv4(ip: string): Uint8Array | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i] ?? '';
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function parseIpv6(ipWithZone: string): Uint8Array | undefined {
  const ip = ipWithZone.split('%')[0] ?? '';
  const halves = ip.split('::');
  if (halves.length > 2) return undefined;
  const words = (s: string): number[] | undefined => {
    if (s === '') return [];
    const out: number[] = [];
    const parts = s.split(':');
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i] ?? '';
      if (i === parts.length - 1 && p.includes('.')) {
        const v4 = parseIpv4(p);
        if (!v4) return undefined;
        out.push(((v4[0] ?? 0) << 8) | (v4[1] ?? 0), ((v4[2] ?? 0) << 8) | (v4[3] ?? 0));
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) return undefined;
        out.push(Number.parseInt(p, 16));
      }
    }
    return out;
  };
  const head = words(halves[0] ?? '');
  const tail = halves.length === 2 ? words(halves[1] ?? '') : [];
  if (!head || !tail) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 2 ? total > 7 : total !== 8) return undefined;
  const all = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((w, i) => {
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  });
  return out;
}

/** Text form of 4 or 16 address bytes (RFC 5952: lower case, longest zero run compressed). */
export function bytesToIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.length !== 16) throw new EncodeError('ip', `an address has 4 or 16 bytes, not ${bytes.length}`);
  const w: number[] = [];
  for (let i = 0; i < 8; i++) w.push(((bytes[2 * i] ?? 0) << 8) | (bytes[2 * i + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (w[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && w[j] === 0) j++;
    if (j - i > bestLen) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = (a: number[]): string => a.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(w);
  return `${hex(w.slice(0, bestStart))}::${hex(w.slice(bestStart + bestLen))}`;
}

/** True for IPv6 link-local unicast (fe80::/10). */
export function isLinkLocal(a: TransportAddress): boolean {
  return a.family === 'IPv6' && /^fe[89ab]/i.test(a.ip);
}

/** True for 127.0.0.0/8 and ::1. */
export function isLoopback(a: TransportAddress): boolean {
  return a.family === 'IPv4' ? a.ip.startsWith('127.') : a.ip === '::1';
}
