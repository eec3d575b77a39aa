/**
 * The shared value layout of the address attributes (RFC 5389 §15.1 MAPPED-ADDRESS, §15.2
 * XOR-MAPPED-ADDRESS; reused by ALTERNATE-SERVER, XOR-PEER-ADDRESS and XOR-RELAYED-ADDRESS):
 * reserved u8, family u8 (1 = IPv4, 2 = IPv6), port u16, 4 or 16 address bytes.
 * XOR variants XOR the port with the top 16 bits of the magic cookie and the address with the
 * cookie (IPv4) or the cookie followed by the transaction id (IPv6).
 */
import { bytesToIp, ipToBytes, type TransportAddress } from '../../util/address.js';
import { EncodeError } from '../../util/errors.js';
import { attributeError, defineCodec, type AttributeCodec } from '../attribute-codec.js';
import { MAGIC_COOKIE } from '../constants.js';

/** Family byte values (RFC 5389 §15.1). */
export const ADDRESS_FAMILY_IPV4 = 0x01;
/** Family byte values (RFC 5389 §15.1). */
export const ADDRESS_FAMILY_IPV6 = 0x02;

const COOKIE_BYTES = Uint8Array.of(0x21, 0x12, 0xa4, 0x42);

function checkAddress(name: string, value: Uint8Array, offset: number, index: number): void {
  if (value.length < 4) attributeError(name, index, 'length', offset - 2, `need at least 4 bytes, have ${value.length}`);
  const family = value[1];
  if (family === ADDRESS_FAMILY_IPV4) {
    if (value.length !== 8) attributeError(name, index, 'length', offset - 2, `IPv4 value must be 8 bytes, is ${value.length}`);
  } else if (family === ADDRESS_FAMILY_IPV6) {
    if (value.length !== 20) attributeError(name, index, 'length', offset - 2, `IPv6 value must be 20 bytes, is ${value.length}`);
  } else {
    attributeError(name, index, 'family', offset + 1, `unknown address family ${String(family)}`);
  }
}

function readAddress(value: Uint8Array, transactionId: Uint8Array, isXor: boolean): TransportAddress {
  const portMask = isXor ? MAGIC_COOKIE >>> 16 : 0;
  const port = (((value[2] ?? 0) << 8) | (value[3] ?? 0)) ^ portMask;
  if (value[1] === ADDRESS_FAMILY_IPV4) {
    const m = isXor ? COOKIE_BYTES : undefined;
    const a = (value[4] ?? 0) ^ (m?.[0] ?? 0);
    const b = (value[5] ?? 0) ^ (m?.[1] ?? 0);
    const c = (value[6] ?? 0) ^ (m?.[2] ?? 0);
    const d = (value[7] ?? 0) ^ (m?.[3] ?? 0);
    return { family: 'IPv4', ip: `${a}.${b}.${c}.${d}`, port };
  }
  const ip = value.slice(4, 20);
  if (isXor) {
    for (let i = 0; i < 4; i++) ip[i] = (ip[i] ?? 0) ^ (COOKIE_BYTES[i] ?? 0);
    for (let i = 0; i < 12; i++) ip[4 + i] = (ip[4 + i] ?? 0) ^ (transactionId[i] ?? 0);
  }
  return { family: 'IPv6', ip: bytesToIp(ip), port };
}

function addressBytes(name: string, a: TransportAddress): Uint8Array {
  if (!Number.isInteger(a.port) || a.port < 0 || a.port > 0xffff) throw new EncodeError(`${name}/port`, `${a.port} out of range`);
  const ip = ipToBytes(a.ip);
  if ((ip.length === 4 ? 'IPv4' : 'IPv6') !== a.family) throw new EncodeError(`${name}/family`, `${a.ip} is not ${a.family}`);
  return ip;
}

function writeAddress(name: string, a: TransportAddress, transactionId: Uint8Array, out: Uint8Array, offset: number, isXor: boolean): void {
  const ip = addressBytes(name, a);
  const port = isXor ? a.port ^ (MAGIC_COOKIE >>> 16) : a.port;
  out[offset] = 0;
  out[offset + 1] = ip.length === 4 ? ADDRESS_FAMILY_IPV4 : ADDRESS_FAMILY_IPV6;
  out[offset + 2] = port >>> 8;
  out[offset + 3] = port;
  for (let i = 0; i < ip.length; i++) {
    const mask = !isXor ? 0 : i < 4 ? (COOKIE_BYTES[i] ?? 0) : (transactionId[i - 4] ?? 0);
    out[offset + 4 + i] = (ip[i] ?? 0) ^ mask;
  }
}

/** A codec for an address attribute; `isXor` selects the XOR-…-ADDRESS obfuscation (RFC 5389 §15.2). */
export function addressCodec(type: number, name: string, isXor: boolean): AttributeCodec<TransportAddress> {
  return defineCodec<TransportAddress>({
    type,
    name,
    check: (value, offset, index) => { checkAddress(name, value, offset, index); },
    read: (value, transactionId) => readAddress(value, transactionId, isXor),
    sizeOf: (a) => (addressBytes(name, a).length === 4 ? 8 : 20),
    write: (a, transactionId, out, offset) => { writeAddress(name, a, transactionId, out, offset, isXor); },
  });
}
