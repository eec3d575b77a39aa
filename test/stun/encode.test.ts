import { expect } from 'chai';
import {
  attr, createIntegrityKey, decodeStunMessage, encodeStunMessage, IceControlling, prepareAttribute, Priority, rawAttr,
  Software, StunMethod, UseCandidate, Username, verifyMessageIntegrity, XorMappedAddress, XorPeerAddress,
} from '../../src/stun/index.js';
import { EncodeError } from '../../src/util/errors.js';
import { bytesEqual } from '../../src/util/hex.js';
import * as v from '../vectors/stun-vectors.js';

describe('stun/encode', () => {
  const username = `${v.OPENDDS_REMOTE_UFRAG}:${v.OPENDDS_LOCAL_UFRAG}`;
  const key = createIntegrityKey(v.OPENDDS_PASSWORD);

  it('prepared attributes build the OpenDDS §13.1 check byte for byte, again and again', () => {
    const prepared = [prepareAttribute(Priority, 0x6efffeff), prepareAttribute(IceControlling, v.OPENDDS_TIE_BREAKER), prepareAttribute(Username, username)];
    for (let n = 0; n < 3; n++) {
      const bytes = encodeStunMessage({
        method: StunMethod.binding, messageClass: 'request', transactionId: v.OPENDDS_TRANSACTION_ID,
        attributes: prepared, integrity: key, fingerprint: true,
      });
      expect(bytesEqual(bytes, v.OPENDDS_CHECK_REQUEST)).to.equal(true);
    }
  });

  it('prepared and typed attributes encode alike, with any padding byte', () => {
    const values = [
      [attr(Software, 'abc'), prepareAttribute(Software, 'abc')],
      [attr(UseCandidate, true), prepareAttribute(UseCandidate, true)],
      [attr(Username, 'é:x'), prepareAttribute(Username, 'é:x')],
    ] as const;
    for (const [typed, prepared] of values) {
      expect(prepared.type).to.equal(typed.type);
      expect(prepared.length).to.equal(typed.length);
      for (const paddingByte of [0, 0x20]) {
        const init = { method: 1, messageClass: 'indication', transactionId: v.OPENDDS_TRANSACTION_ID, integrity: key, fingerprint: true, paddingByte } as const;
        const a = encodeStunMessage({ ...init, attributes: [typed] });
        const b = encodeStunMessage({ ...init, attributes: [prepared] });
        expect(bytesEqual(a, b)).to.equal(true);
        expect(verifyMessageIntegrity(decodeStunMessage(b), key)).to.equal(true);
      }
    }
  });

  it('prepareAttribute validates now and refuses the XOR address attributes', () => {
    expect(() => prepareAttribute(Priority, -1)).to.throw(EncodeError);
    expect(() => prepareAttribute(Username, 'x'.repeat(513))).to.throw(EncodeError);
    const address = { family: 'IPv4', ip: '192.0.2.1', port: 1 } as const;
    expect(() => prepareAttribute(XorMappedAddress, address)).to.throw(EncodeError, /transaction id/);
    expect(() => prepareAttribute(XorPeerAddress, address)).to.throw(EncodeError, /transaction id/);
  });

  it('rawAttr copies the bytes as they are at encode time', () => {
    const value = Uint8Array.of(1, 2, 3);
    const a = rawAttr(0x8001, value);
    value[0] = 9;
    const msg = decodeStunMessage(encodeStunMessage({ method: 1, messageClass: 'indication', transactionId: v.OPENDDS_TRANSACTION_ID, attributes: [a] }));
    expect([...(msg.attributes[0]?.value ?? [])]).to.deep.equal([9, 2, 3]);
    expect(() => rawAttr(0x10000, value)).to.throw(EncodeError);
  });

  it('outputs are zero-filled, exactly sized views that do not overlap', () => {
    const outputs: Uint8Array[] = [];
    const copies: Uint8Array[] = [];
    // Enough messages to cross several pool slabs, plus one too large to pool; a copy taken at
    // once shows any later message writing over an earlier one.
    for (let n = 0; n <= 500; n++) {
      const value = n < 500 ? attr(Software, 'x'.repeat(n % 120)) : rawAttr(0x8001, new Uint8Array(3000));
      const o = encodeStunMessage({ method: 1, messageClass: 'indication', transactionId: v.OPENDDS_TRANSACTION_ID, attributes: [value] });
      outputs.push(o);
      copies.push(o.slice());
    }
    outputs.forEach((o, n) => {
      expect(o.byteOffset % 8).to.equal(0);
      expect(o.length).to.equal(((o[2] ?? 0) << 8 | (o[3] ?? 0)) + 20);
      expect(bytesEqual(o, copies[n] ?? new Uint8Array())).to.equal(true);
      // Padding after the value is zero: the pool hands out untouched memory.
      for (let i = 24 + (n < 500 ? n % 120 : 3000); i < o.length; i++) expect(o[i]).to.equal(0);
    });
  });
});
