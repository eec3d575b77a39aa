/**
 * HMAC-SHA1 (RFC 2104 over FIPS 180-4 SHA-1) specialised for MESSAGE-INTEGRITY (RFC 5389 §15.4).
 *
 * Why not just `@noble/hashes`: its keyed-state clone plus generic block handling costs ~1.8 µs per
 * ICE check on this machine kind, most of the 2.5 µs budget. Here the key schedule is absorbed once
 * into two 5-word chaining values (inner ipad, outer opad), and a message costs its own SHA-1 blocks
 * plus one outer block, with no allocation. `@noble/hashes` still derives the hash of keys longer
 * than a block and is the reference in the tests (with node:crypto).
 */
import { sha1 } from '@noble/hashes/legacy.js';

const BLOCK = 64;
const IV = Int32Array.of(0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0);

/** Message schedule scratch, shared: every call runs to completion synchronously. */
const W = new Int32Array(80);

/** SHA-1 compression of the 64 bytes at `block[offset]` into `state` (FIPS 180-4 §6.1.2). */
function compress(state: Int32Array, block: Uint8Array, offset: number): void {
  for (let t = 0; t < 16; t++) {
    const i = offset + 4 * t;
    W[t] = ((block[i] ?? 0) << 24) | ((block[i + 1] ?? 0) << 16) | ((block[i + 2] ?? 0) << 8) | (block[i + 3] ?? 0);
  }
  for (let t = 16; t < 80; t++) {
    const x = (W[t - 3] ?? 0) ^ (W[t - 8] ?? 0) ^ (W[t - 14] ?? 0) ^ (W[t - 16] ?? 0);
    W[t] = (x << 1) | (x >>> 31);
  }
  let a = state[0] ?? 0;
  let b = state[1] ?? 0;
  let c = state[2] ?? 0;
  let d = state[3] ?? 0;
  let e = state[4] ?? 0;
  // FIPS 180-4 §6.1.2 step 3, one loop per round function so that no round branches.
  let t = 0;
  for (; t < 20; t++) {
    const temp = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + (W[t] ?? 0)) | 0;
    e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = temp;
  }
  for (; t < 40; t++) {
    const temp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + (W[t] ?? 0)) | 0;
    e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = temp;
  }
  for (; t < 60; t++) {
    const temp = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e - 0x70e44324 + (W[t] ?? 0)) | 0;
    e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = temp;
  }
  for (; t < 80; t++) {
    const temp = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e - 0x359d3e2a + (W[t] ?? 0)) | 0;
    e = d; d = c; c = (b << 30) | (b >>> 2); b = a; a = temp;
  }
  state[0] = ((state[0] ?? 0) + a) | 0;
  state[1] = ((state[1] ?? 0) + b) | 0;
  state[2] = ((state[2] ?? 0) + c) | 0;
  state[3] = ((state[3] ?? 0) + d) | 0;
  state[4] = ((state[4] ?? 0) + e) | 0;
}

/** Scratch for the padded message; grows to the largest message seen. */
let scratch = new Uint8Array(256);
const outerBlock = new Uint8Array(BLOCK);
const state = new Int32Array(5);

/** A key absorbed into its inner and outer chaining values (RFC 2104 §2). */
export class HmacSha1Key {
  readonly #inner = new Int32Array(5);
  readonly #outer = new Int32Array(5);

  /** @param key any length; keys longer than 64 bytes are hashed first (RFC 2104 §2). */
  constructor(key: Uint8Array) {
    const k = key.length > BLOCK ? sha1(key) : key;
    const pad = new Uint8Array(BLOCK);
    for (let i = 0; i < BLOCK; i++) pad[i] = (k[i] ?? 0) ^ 0x36;
    this.#inner.set(IV);
    compress(this.#inner, pad, 0);
    for (let i = 0; i < BLOCK; i++) pad[i] = (k[i] ?? 0) ^ 0x5c;
    this.#outer.set(IV);
    compress(this.#outer, pad, 0);
  }

  /**
   * HMAC-SHA1 of `message[0, end)` with bytes 2–3 (the STUN length field) replaced by
   * `lengthField`, written as 20 bytes at `out[outOffset]`. Allocates nothing (after warm-up).
   */
  mac(message: Uint8Array, end: number, lengthField: number, out: Uint8Array, outOffset: number): void {
    // Inner hash: H(ipad-block ‖ message ‖ padding); the ipad block is already in #inner.
    const padded = (end + 9 + BLOCK - 1) & ~(BLOCK - 1);
    if (scratch.length < padded) scratch = new Uint8Array(padded);
    const s = scratch;
    for (let i = 0; i < end; i++) s[i] = message[i] ?? 0;
    s[2] = lengthField >>> 8;
    s[3] = lengthField & 0xff;
    s[end] = 0x80;
    s.fill(0, end + 1, padded - 4);
    // Length in bits of (ipad block + message); messages are < 2^29 bytes so 32 bits suffice.
    const bits = (BLOCK + end) * 8;
    s[padded - 4] = bits >>> 24;
    s[padded - 3] = bits >>> 16;
    s[padded - 2] = bits >>> 8;
    s[padded - 1] = bits;
    state.set(this.#inner);
    for (let off = 0; off < padded; off += BLOCK) compress(state, s, off);
    // Outer hash: H(opad-block ‖ inner digest ‖ padding): one block.
    const o = outerBlock;
    for (let i = 0; i < 5; i++) {
      const w = state[i] ?? 0;
      o[4 * i] = w >>> 24;
      o[4 * i + 1] = w >>> 16;
      o[4 * i + 2] = w >>> 8;
      o[4 * i + 3] = w;
    }
    o[20] = 0x80;
    o.fill(0, 21, 60);
    const outerBits = (BLOCK + 20) * 8;
    o[60] = 0;
    o[61] = 0;
    o[62] = outerBits >>> 8;
    o[63] = outerBits & 0xff;
    state.set(this.#outer);
    compress(state, o, 0);
    for (let i = 0; i < 5; i++) {
      const w = state[i] ?? 0;
      out[outOffset + 4 * i] = w >>> 24;
      out[outOffset + 4 * i + 1] = w >>> 16;
      out[outOffset + 4 * i + 2] = w >>> 8;
      out[outOffset + 4 * i + 3] = w;
    }
  }
}
