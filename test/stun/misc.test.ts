import { expect } from 'chai';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32 } from '../../src/stun/crc32.js';
import { classOfType, encodeMessageType, methodName, methodOfType, StunMethod, TransactionIdSource, transactionIdKey } from '../../src/stun/index.js';
import { EncodeError, InvalidConfigError } from '../../src/util/errors.js';
import { prng } from './support.js';

describe('stun/message-type', () => {
  it('interleaves class and method bits (RFC 5389 §6; OpenDDS spec §3.1 wire types)', () => {
    expect(encodeMessageType(StunMethod.binding, 'request')).to.equal(0x0001);
    expect(encodeMessageType(StunMethod.binding, 'indication')).to.equal(0x0011);
    expect(encodeMessageType(StunMethod.binding, 'success')).to.equal(0x0101);
    expect(encodeMessageType(StunMethod.binding, 'error')).to.equal(0x0111);
    expect(encodeMessageType(StunMethod.allocate, 'request')).to.equal(0x0003);
    expect(encodeMessageType(StunMethod.data, 'indication')).to.equal(0x0017);
    expect(encodeMessageType(StunMethod.channelBind, 'error')).to.equal(0x0119);
    for (let m = 0; m <= 0xfff; m++) {
      for (const c of ['request', 'indication', 'success', 'error'] as const) {
        const t = encodeMessageType(m, c);
        expect(t < 0x4000 && methodOfType(t) === m && classOfType(t) === c).to.equal(true);
      }
    }
    expect(() => encodeMessageType(-1, 'request')).to.throw(EncodeError);
    expect(methodName(StunMethod.createPermission)).to.equal('CreatePermission');
    expect(methodName(0x123)).to.equal('0x123');
  });
});

describe('stun/crc32', () => {
  it('matches zlib on random inputs and ranges', () => {
    const r = prng(3);
    for (let n = 0; n < 500; n++) {
      const b = new Uint8Array(Math.floor(r() * 200)).map(() => Math.floor(r() * 256));
      const s = Math.floor(r() * (b.length + 1));
      expect(crc32(b, s)).to.equal(zlibCrc32(b.subarray(s)));
    }
  });
});

describe('stun/transaction-id', () => {
  it('slices ids from pools and never rewrites a handed-out id', () => {
    let fills = 0;
    const src = new TransactionIdSource((b) => { fills++; b.fill(fills); }, 2);
    const a = src.next();
    const b = src.next();
    const c = src.next();
    expect(a.length).to.equal(12);
    expect([transactionIdKey(a), transactionIdKey(b), transactionIdKey(c)]).to.deep.equal(['01'.repeat(12), '01'.repeat(12), '02'.repeat(12)]);
    expect(fills).to.equal(2);
    expect(() => new TransactionIdSource(() => undefined, 0)).to.throw(InvalidConfigError);
  });
});
