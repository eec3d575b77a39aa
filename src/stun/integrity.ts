/**
 * MESSAGE-INTEGRITY (HMAC-SHA1, RFC 5389 §15.4) and MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6) keys
 * and MAC computation.
 *
 * Speed: an {@link IntegrityKey} keeps the HMAC state with the key block already absorbed
 * (RFC 2104 ipad/opad): for SHA-1 as two chaining values ({@link HmacSha1Key}), for SHA-256 as a
 * `@noble/hashes` HMAC cloned per message into a scratch state owned by the key, so a message
 * costs only its own blocks. {@link createIntegrityKey} memoises keys per password in a
 * small LRU, so callers that pass the same ICE password again get the prepared state back.
 * Keys are not re-entrant across threads (there are none in a Node isolate) and all methods run to
 * completion synchronously.
 */
import { _HMAC } from '@noble/hashes/hmac.js';
import { md5 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { HmacSha1Key } from './hmac-sha1.js';
import { utf8Length, writeUtf8 } from './utf8.js';

import type { Hash } from '@noble/hashes/utils.js';

/** Any noble hash instance (SHA-1 or SHA-256 here). */
interface AnyHash extends Hash<AnyHash> {
  outputLen: number;
}
type Hmac = _HMAC<AnyHash>;

/** Number of bytes of an HMAC-SHA1 value (RFC 5389 §15.4). */
export const MESSAGE_INTEGRITY_LENGTH = 20;
/** Number of bytes of an untruncated HMAC-SHA256 value (RFC 8489 §14.6). */
export const MESSAGE_INTEGRITY_SHA256_LENGTH = 32;

function utf8Bytes(text: string, field: string): Uint8Array {
  const out = new Uint8Array(utf8Length(text, field));
  writeUtf8(text, out, 0);
  return out;
}

/** A prepared HMAC key. Opaque: create with {@link createIntegrityKey} or {@link createLongTermIntegrityKey}. */
export class IntegrityKey {
  readonly #sha1: HmacSha1Key;
  #sha256: Hmac | undefined;
  #sha256Scratch: Hmac | undefined;
  readonly #key: Uint8Array;
  readonly #header = new Uint8Array(4);
  readonly #digest = new Uint8Array(32);

  /** @param key the HMAC key bytes (copied). */
  constructor(key: Uint8Array) {
    this.#key = key.slice();
    this.#sha1 = new HmacSha1Key(this.#key);
  }

  /**
   * HMAC over `message[0, end)` with the header's length field (bytes 2–3) replaced by
   * `lengthField`, as RFC 5389 §15.4 and RFC 8489 §14.6 require. The result is written into an
   * internal 32-byte scratch that is returned and overwritten by the next call on this key.
   */
  #mac(message: Uint8Array, end: number, lengthField: number, useSha256: boolean): Uint8Array {
    if (!useSha256) {
      this.#sha1.mac(message, end, lengthField, this.#digest, 0);
      return this.#digest;
    }
    this.#sha256 ??= new _HMAC<AnyHash>(sha256, this.#key);
    const h = this.#sha256._cloneInto(this.#sha256Scratch);
    this.#sha256Scratch = h;
    const header = this.#header;
    header[0] = message[0] ?? 0;
    header[1] = message[1] ?? 0;
    header[2] = lengthField >>> 8;
    header[3] = lengthField;
    h.update(header);
    h.update(message.subarray(4, end));
    h.digestInto(this.#digest);
    return this.#digest;
  }

  /**
   * Writes the MAC of `message[0, end)` (header length replaced by `lengthField`) at `out[outOffset]`:
   * 20 bytes for SHA-1, `length` (16..32) bytes for SHA-256.
   */
  writeMac(message: Uint8Array, end: number, lengthField: number, useSha256: boolean, out: Uint8Array, outOffset: number, length: number): void {
    const d = this.#mac(message, end, lengthField, useSha256);
    for (let i = 0; i < length; i++) out[outOffset + i] = d[i] ?? 0;
  }

  /**
   * True when `expected` equals the first `expected.length` bytes of the MAC of `message[0, end)`
   * with the header length replaced by `lengthField`. The comparison does not exit early.
   */
  macEquals(message: Uint8Array, end: number, lengthField: number, useSha256: boolean, expected: Uint8Array): boolean {
    const d = this.#mac(message, end, lengthField, useSha256);
    let diff = 0;
    for (let i = 0; i < expected.length; i++) diff |= (d[i] ?? 0) ^ (expected[i] ?? 0);
    return diff === 0;
  }
}

const CACHE_LIMIT = 256;
const cache = new Map<string, IntegrityKey>();

/**
 * The short-term credential key for `password` (RFC 5389 §15.4: key = the password's UTF-8 bytes;
 * OpenDDS uses its 32-hex-digit password as-is, spec §3.3). SASLprep is not applied: ICE passwords
 * are ASCII ice-chars (RFC 8445 §5.3); apply {@link saslPrep} first if you need it.
 *
 * Keys are memoised in an LRU of 256 passwords, so calling this per message is cheap.
 * @throws EncodeError when `password` has a lone surrogate.
 */
export function createIntegrityKey(password: string): IntegrityKey {
  const hit = cache.get(password);
  if (hit !== undefined) {
    // Re-insert to mark as most recently used.
    cache.delete(password);
    cache.set(password, hit);
    return hit;
  }
  const key = new IntegrityKey(utf8Bytes(password, 'password'));
  cache.set(password, key);
  if (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  return key;
}

/**
 * The long-term credential key bytes: MD5(username ":" realm ":" password) (RFC 5389 §15.4).
 * `password` is used as given: SASLprep (RFC 4013) is the caller's job ({@link saslPrep} covers the
 * common mappings); `username` and `realm` are the attribute values as sent.
 * @throws EncodeError when a string has a lone surrogate.
 */
export function longTermKeyBytes(username: string, realm: string, password: string): Uint8Array {
  return md5(utf8Bytes(`${username}:${realm}:${password}`, 'long-term credential'));
}

/** An {@link IntegrityKey} for the long-term credential mechanism; see {@link longTermKeyBytes}. Not memoised. */
export function createLongTermIntegrityKey(username: string, realm: string, password: string): IntegrityKey {
  return new IntegrityKey(longTermKeyBytes(username, realm, password));
}
