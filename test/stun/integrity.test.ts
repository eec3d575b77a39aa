import { expect } from 'chai';
import { createHmac } from 'node:crypto';
import {
  createIntegrityKey, createLongTermIntegrityKey, decodeStunMessage, encodeStunMessage, IntegrityKey, longTermKeyBytes,
  saslPrep, verifyMessageIntegrity, verifyMessageIntegritySha256,
} from '../../src/stun/index.js';
import { EncodeError } from '../../src/util/errors.js';
import { toHex } from '../../src/util/hex.js';
import * as v from '../vectors/stun-vectors.js';
import { prng } from './support.js';

describe('stun/integrity', () => {
  it('RFC 5769 §2.4: SASLprep and the long-term key MD5(username:realm:password)', () => {
    expect(saslPrep(v.RFC5769_LT_PASSWORD)).to.equal('TheMatrIX');
    expect(toHex(longTermKeyBytes(v.RFC5769_LT_USERNAME, v.RFC5769_LT_REALM, saslPrep(v.RFC5769_LT_PASSWORD)))).to.equal(v.RFC5769_LT_KEY_HEX);
    const key = createLongTermIntegrityKey(v.RFC5769_LT_USERNAME, v.RFC5769_LT_REALM, saslPrep(v.RFC5769_LT_PASSWORD));
    expect(verifyMessageIntegrity(decodeStunMessage(v.RFC5769_LONG_TERM_REQUEST), key)).to.equal(true);
    // Without SASLprep the key is different and verification fails.
    const raw = createLongTermIntegrityKey(v.RFC5769_LT_USERNAME, v.RFC5769_LT_REALM, v.RFC5769_LT_PASSWORD);
    expect(verifyMessageIntegrity(decodeStunMessage(v.RFC5769_LONG_TERM_REQUEST), raw)).to.equal(false);
  });

  it('saslPrep maps spaces, drops B.1 characters and rejects prohibited output', () => {
    expect(saslPrep('a\u00a0b\u200dc')).to.equal('a bc');
    expect(() => saslPrep('a\u0007')).to.throw(EncodeError);
    expect(() => saslPrep('\ue000')).to.throw(EncodeError);
  });

  it('memoises keys per password', () => {
    expect(createIntegrityKey('p1')).to.equal(createIntegrityKey('p1'));
    expect(createIntegrityKey('p1')).to.not.equal(createIntegrityKey('p2'));
  });

  it('HMAC-SHA1 and HMAC-SHA256 match node:crypto for random messages and keys', () => {
    const r = prng(7);
    for (let n = 0; n < 300; n++) {
      const password = String(n * 7919) + 'x'.repeat(n % 80);
      const key = createIntegrityKey(password);
      const soft = new Uint8Array(Math.floor(r() * 300)).map(() => Math.floor(r() * 256));
      const bytes = encodeStunMessage({
        method: 1, messageClass: 'request', transactionId: new Uint8Array(12).fill(n & 0xff),
        attributes: [{ type: 0x8001, length: soft.length, write: (out, off) => { out.set(soft, off); } }],
        integrity: key, integritySha256: key, fingerprint: n % 2 === 0,
      });
      const msg = decodeStunMessage(bytes);
      const miAt = msg.attributes[msg.integrityIndex]?.offset ?? -1;
      const shaAt = msg.attributes[msg.integritySha256Index]?.offset ?? -1;
      const withLength = (end: number, length: number): Uint8Array => {
        const c = bytes.slice(0, end);
        c[2] = length >> 8;
        c[3] = length & 0xff;
        return c;
      };
      const sha1 = createHmac('sha1', password).update(withLength(miAt, miAt + 24 - 20)).digest('hex');
      const sha256 = createHmac('sha256', password).update(withLength(shaAt, shaAt + 36 - 20)).digest('hex');
      expect(toHex(msg.attributes[msg.integrityIndex]?.value ?? new Uint8Array())).to.equal(sha1);
      expect(toHex(msg.attributes[msg.integritySha256Index]?.value ?? new Uint8Array())).to.equal(sha256);
      expect(verifyMessageIntegrity(msg, key)).to.equal(true);
      expect(verifyMessageIntegritySha256(msg, key)).to.equal(true);
      expect(verifyMessageIntegritySha256(msg, new IntegrityKey(Uint8Array.of(1)))).to.equal(false);
    }
  });
});
