/**
 * MESSAGE-INTEGRITY (HMAC-SHA1, RFC 5389 §15.4) and MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6) keys
 * and MAC computation, on `@noble/hashes`.
 *
 * Speed: an {@link IntegrityKey} keeps, per algorithm, a noble HMAC with the key block already
 * absorbed (RFC 2104 ipad/opad) and a scratch HMAC it owns. A message clones the keyed state into
 * the scratch (`_cloneInto`, no allocation), feeds its bytes as views (no copies) and finishes
 * into a digest buffer the key reuses, so a message costs only its own blocks.
 * {@link createIntegrityKey} memoises keys per password in a small LRU, so callers that pass the
 * same ICE password again get the prepared state back. Keys are not re-entrant across threads
 * (there are none in a Node isolate) and all methods run to completion synchronously.
 */
import { _HMAC } from '@noble/hashes/hmac.js';
import { md5, sha1, type _SHA1 } from '@noble/hashes/legacy.js';
import { sha256, type _SHA256 } from '@noble/hashes/sha2.js';
import { utf8Length, writeUtf8 } from './utf8.js';

import type { Hash } from '@noble/hashes/utils.js';

/** Number of bytes of an HMAC-SHA1 value (RFC 5389 §15.4). */
export const MESSAGE_INTEGRITY_LENGTH = 20;
/** Number of bytes of an untruncated HMAC-SHA256 value (RFC 8489 §14.6). */
export const MESSAGE_INTEGRITY_SHA256_LENGTH = 32;

function utf8Bytes(text: string, field: string): Uint8Array {
  const out = new Uint8Array(utf8Length(text, field));
  writeUtf8(text, out, 0);
  return out;
}

/** One keyed HMAC (SHA-1 or SHA-256) with its per-message scratch state and digest buffer. */
class KeyedHmac<T extends Hash<T>> {
  readonly #keyed: _HMAC<T>;
  readonly #scratch: _HMAC<T>;
  /** Exactly the hash's output length: the outer hash consumes all of it as the inner digest. */
  readonly digest: Uint8Array;
  readonly #header = new Uint8Array(4);

  /** @param keyed the HMAC with the key absorbed; kept, never updated. */
  constructor(keyed: _HMAC<T>, outputLength: number) {
    this.#keyed = keyed;
    this.#scratch = this.#keyed.clone();
    this.digest = new Uint8Array(outputLength);
  }

  /**
   * HMAC of `message[0, end)` with bytes 2–3 (the STUN length field) read as `lengthField`, into
   * {@link digest}. Allocates only the views noble is handed, never a copy of the message.
   */
  mac(message: Uint8Array, end: number, lengthField: number): Uint8Array {
    const h = this.#keyed._cloneInto(this.#scratch);
    if ((((message[2] ?? 0) << 8) | (message[3] ?? 0)) === lengthField) {
      // The encoder writes the covering length before hashing: the bytes are already as signed.
      h.update(message.subarray(0, end));
    } else {
      // A received message's length also covers what follows MESSAGE-INTEGRITY (RFC 5389 §15.4):
      // hash a patched copy of the 4-byte type/length word, then the rest as a view.
      const header = this.#header;
      header[0] = message[0] ?? 0;
      header[1] = message[1] ?? 0;
      header[2] = lengthField >>> 8;
      header[3] = lengthField;
      h.update(header);
      h.update(message.subarray(4, end));
    }
    // RFC 2104 §2 outer step done on the two halves directly rather than `h.digestInto`: that
    // would add a subarray of the output and a wipe of both states per message (~0.15 µs), and
    // the scratch holds nothing secret that the keyed state it is cloned from does not.
    const d = this.digest;
    h.iHash.digestInto(d);
    h.oHash.update(d);
    h.oHash.digestInto(d);
    return d;
  }
}

/** A prepared HMAC key. Opaque: create with {@link createIntegrityKey} or {@link createLongTermIntegrityKey}. */
export class IntegrityKey {
  readonly #sha1: KeyedHmac<_SHA1>;
  #sha256: KeyedHmac<_SHA256> | undefined;
  readonly #key: Uint8Array;

  /** @param key the HMAC key bytes (copied). */
  constructor(key: Uint8Array) {
    this.#key = key.slice();
    this.#sha1 = new KeyedHmac(new _HMAC<_SHA1>(sha1, this.#key), MESSAGE_INTEGRITY_LENGTH);
  }

  /**
   * HMAC over `message[0, end)` with the header's length field (bytes 2–3) replaced by
   * `lengthField`, as RFC 5389 §15.4 and RFC 8489 §14.6 require. Returns a digest buffer owned by
   * this key (20 or 32 bytes) that the next call overwrites.
   */
  #mac(message: Uint8Array, end: number, lengthField: number, useSha256: boolean): Uint8Array {
    if (!useSha256) return this.#sha1.mac(message, end, lengthField);
    // Created on first use: few peers send MESSAGE-INTEGRITY-SHA256 to an ICE agent.
    this.#sha256 ??= new KeyedHmac(new _HMAC<_SHA256>(sha256, this.#key), MESSAGE_INTEGRITY_SHA256_LENGTH);
    return this.#sha256.mac(message, end, lengthField);
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
   * True when the `expectedLength` bytes at `expected[expectedOffset]` (by default all of
   * `expected`) equal the first bytes of the MAC of `message[0, end)` with the header length
   * replaced by `lengthField`. The comparison does not exit early.
   */
  macEquals(
    message: Uint8Array, end: number, lengthField: number, useSha256: boolean,
    expected: Uint8Array, expectedOffset = 0, expectedLength = expected.length,
  ): boolean {
    const d = this.#mac(message, end, lengthField, useSha256);
    let diff = 0;
    for (let i = 0; i < expectedLength; i++) diff |= (d[i] ?? 0) ^ (expected[expectedOffset + i] ?? 0);
    return diff === 0;
  }
}

const CACHE_LIMIT = 256;
const cache = new Map<string, IntegrityKey>();
/** The most recently returned entry, which is already last in `cache`'s LRU order. */
let lastPassword: string | undefined;
let lastKey: IntegrityKey | undefined;

/**
 * The short-term credential key for `password` (RFC 5389 §15.4: key = the password's UTF-8 bytes;
 * OpenDDS uses its 32-hex-digit password as-is, spec §3.3). SASLprep is not applied: ICE passwords
 * are ASCII ice-chars (RFC 8445 §5.3); apply {@link saslPrep} first if you need it.
 *
 * Keys are memoised in an LRU of 256 passwords, so calling this per message is cheap.
 * @throws EncodeError when `password` has a lone surrogate.
 */
export function createIntegrityKey(password: string): IntegrityKey {
  // A checklist sends run after run with one password: skip the Map re-insert for a repeat.
  if (password === lastPassword && lastKey !== undefined) return lastKey;
  let key = cache.get(password);
  if (key !== undefined) {
    // Re-insert to mark as most recently used.
    cache.delete(password);
    cache.set(password, key);
  } else {
    key = new IntegrityKey(utf8Bytes(password, 'password'));
    cache.set(password, key);
    if (cache.size > CACHE_LIMIT) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
  }
  lastPassword = password;
  lastKey = key;
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
