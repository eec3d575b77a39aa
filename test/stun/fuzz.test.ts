import { expect } from 'chai';
import { decodeChannelData, decodeStunMessage, encodeChannelData, getAllAttributes, KNOWN_ATTRIBUTES } from '../../src/stun/index.js';
import { DecodeError } from '../../src/util/errors.js';
import { toHex } from '../../src/util/hex.js';
import { prng, VECTORS } from './support.js';

/**
 * A slow, obvious STUN decoder written straight from RFC 5389 §6/§15 and spec §3.4, used as the
 * reference of the differential test: it returns the attribute list, or undefined when the message
 * must be rejected. (Known-attribute well-formedness is left to the codec tests.)
 */
function referenceDecode(bytes: Uint8Array): { type: number; value: string }[] | undefined {
  const u16 = (i: number): number => (bytes[i] ?? 0) * 256 + (bytes[i + 1] ?? 0);
  if (bytes.length < 20) return undefined;
  if (u16(0) >= 0x4000) return undefined;
  const length = u16(2);
  if (length % 4 !== 0 || bytes.length !== 20 + length) return undefined;
  if (toHex(bytes.subarray(4, 8)) !== '2112a442') return undefined;
  const out: { type: number; value: string }[] = [];
  let pos = 20;
  while (pos < bytes.length) {
    if (pos + 4 > bytes.length) return undefined;
    const type = u16(pos);
    const len = u16(pos + 2);
    const padded = Math.ceil(len / 4) * 4;
    if (pos + 4 + padded > bytes.length) return undefined;
    out.push({ type, value: toHex(bytes.subarray(pos + 4, pos + 4 + len)) });
    pos += 4 + padded;
  }
  const types = out.map((a) => a.type);
  const fp = types.indexOf(0x8028);
  if (fp >= 0 && fp !== types.length - 1) return undefined;
  const mi = types.indexOf(0x0008);
  if (mi >= 0 && types.slice(mi + 1).some((t) => t !== 0x001c && t !== 0x8028)) return undefined;
  return out;
}

type Mutation = (b: Uint8Array, r: () => number) => Uint8Array;
const pick = (r: () => number, n: number): number => Math.floor(r() * n);

const MUTATIONS: readonly Mutation[] = [
  (b, r) => { const c = b.slice(); const i = pick(r, c.length); c[i] = (c[i] ?? 0) ^ (1 << pick(r, 8)); return c; },
  (b, r) => { const c = b.slice(); c[pick(r, c.length)] = pick(r, 256); return c; },
  (b, r) => b.subarray(0, pick(r, b.length)),
  (b, r) => { const c = new Uint8Array(b.length + 1 + pick(r, 12)); c.set(b); for (let i = b.length; i < c.length; i++) c[i] = pick(r, 256); return c; },
  (b, r) => { const c = b.slice(); const v = r() < 0.5 ? c.length - 20 + (pick(r, 9) - 4) * 4 : pick(r, 0x10000); c[2] = v >> 8; c[3] = v & 0xff; return c; },
  (b, r) => {
    // Corrupt one attribute's length field.
    const c = b.slice();
    let pos = 20;
    const stops: number[] = [];
    while (pos + 4 <= c.length) { stops.push(pos); pos += 4 + Math.ceil((((c[pos + 2] ?? 0) << 8) | (c[pos + 3] ?? 0)) / 4) * 4; }
    const at = stops[pick(r, stops.length)] ?? 20;
    const v = r() < 0.5 ? (((c[at + 2] ?? 0) << 8) | (c[at + 3] ?? 0)) + pick(r, 9) - 4 : pick(r, 0x10000);
    c[at + 2] = (v >> 8) & 0xff;
    c[at + 3] = v & 0xff;
    return c;
  },
  (b, r) => { const c = b.slice(); const at = 20 + 4 * pick(r, Math.max(1, (c.length - 20) / 4)); c[at] = pick(r, 256); c[at + 1] = pick(r, 256); return c; },
];

/** Runs `decode` and fails the test on anything but success or a DecodeError. */
function onlyDecodeError(decode: () => unknown, input: Uint8Array): void {
  try {
    decode();
  } catch (err) {
    if (!(err instanceof DecodeError)) expect.fail(`${String(err)} for ${toHex(input)}`);
  }
}

describe('stun fuzz', () => {
  it('120,000 seeded mutations of the vectors: decodeStunMessage throws only DecodeError', () => {
    const r = prng(0x5eed);
    for (let n = 0; n < 120_000; n++) {
      const vec = VECTORS[n % VECTORS.length];
      if (vec === undefined) continue;
      let input = vec.bytes;
      const rounds = 1 + pick(r, 3);
      for (let k = 0; k < rounds; k++) input = (MUTATIONS[pick(r, MUTATIONS.length)] ?? ((b) => b))(input, r);
      onlyDecodeError(() => {
        const msg = decodeStunMessage(input);
        // A decoded message is readable without errors through every codec.
        for (const codec of KNOWN_ATTRIBUTES) getAllAttributes(msg, codec);
      }, input);
    }
  });

  it('100,000 seeded mutations of ChannelData: decodeChannelData throws only DecodeError', () => {
    const r = prng(0xc4a7);
    const seeds = [encodeChannelData({ channel: 0x4000, data: Uint8Array.of(1, 2, 3, 4, 5) }), encodeChannelData({ channel: 0x7fff, data: new Uint8Array(0) }, true), encodeChannelData({ channel: 0x4abc, data: new Uint8Array(33) }, true)];
    for (let n = 0; n < 100_000; n++) {
      let input = seeds[n % seeds.length] ?? new Uint8Array();
      input = (MUTATIONS[pick(r, 4)] ?? ((b) => b))(input, r);
      onlyDecodeError(() => decodeChannelData(input), input);
    }
  });

  it('differential: agrees with the reference decoder on 30,000 mutations (modulo FINGERPRINT and attribute checks)', () => {
    const r = prng(0xd1ff);
    let agreedAccepts = 0;
    for (let n = 0; n < 30_000; n++) {
      const vec = VECTORS[n % VECTORS.length];
      if (vec === undefined) continue;
      const input = n < VECTORS.length ? vec.bytes : (MUTATIONS[pick(r, MUTATIONS.length)] ?? ((b) => b))(vec.bytes, r);
      const expected = referenceDecode(input);
      let actual: { type: number; value: string }[] | undefined;
      try {
        actual = decodeStunMessage(input).attributes.map((a) => ({ type: a.type, value: toHex(a.value) }));
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
        actual = undefined;
      }
      if (actual !== undefined) {
        // Whatever we accept, the reference accepts with the same attributes.
        expect(expected, toHex(input)).to.deep.equal(actual);
        agreedAccepts++;
      } else if (expected !== undefined) {
        // We rejected what the structural reference accepts: it must be a FINGERPRINT mismatch or a
        // malformed known attribute, both outside the reference's scope.
        const reason = (() => { try { decodeStunMessage(input); return ''; } catch (err) { return err instanceof DecodeError ? err.field : ''; } })();
        expect(reason, toHex(input)).to.match(/FINGERPRINT$|^stun\/attribute\[\d+\]\/[A-Z-_0-9]+\//);
      }
    }
    expect(agreedAccepts).to.be.greaterThan(VECTORS.length);
  });
});
