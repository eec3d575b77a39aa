import { expect } from 'chai';
import { crc32 as zlibCrc32 } from 'node:zlib';
import {
  attr, createIntegrityKey, decodeStunMessage, encodeStunMessage, Fingerprint, getAttribute, getMappedAddress,
  GuidPrefix, IceControlled, IceControlling, KNOWN_ATTRIBUTES, MessageIntegrity, Priority, rawAttr, Software, StunMethod,
  unknownComprehensionRequired, Username, UseCandidate, verifyMessageIntegrity, XorMappedAddress,
} from '../../src/stun/index.js';
import { DecodeError, EncodeError } from '../../src/util/errors.js';
import { bytesEqual, toHex } from '../../src/util/hex.js';
import * as v from '../vectors/stun-vectors.js';
import { reencode, VECTORS } from './support.js';

/** Copy of `bytes` with `patch` applied. */
function patched(bytes: Uint8Array, patch: (b: Uint8Array) => void): Uint8Array {
  const b = bytes.slice();
  patch(b);
  return b;
}

/** Sets the big-endian u16 at `i`. */
function setU16(b: Uint8Array, i: number, value: number): void {
  b[i] = value >> 8;
  b[i + 1] = value & 0xff;
}

/** Recomputes FINGERPRINT (last 8 bytes) after a patch, so that later checks are reached. */
function refingerprint(b: Uint8Array): void {
  const fp = (zlibCrc32(b.subarray(0, b.length - 8)) ^ 0x5354554e) >>> 0;
  new DataView(b.buffer, b.byteOffset).setUint32(b.length - 4, fp);
}

function expectDecodeError(bytes: Uint8Array, field: RegExp): DecodeError {
  try {
    decodeStunMessage(bytes);
  } catch (err) {
    expect(err).to.be.instanceOf(DecodeError);
    if (!(err instanceof DecodeError)) throw err;
    expect(err.field).to.match(field);
    return err;
  }
  expect.fail('no DecodeError');
}

describe('stun/message', () => {
  describe('vectors', () => {
    for (const vec of VECTORS) {
      it(`${vec.name}: decodes, verifies and re-encodes byte for byte`, () => {
        const msg = decodeStunMessage(vec.bytes);
        expect(msg.method).to.equal(StunMethod.binding);
        if (vec.key !== undefined) {
          expect(msg.integrityIndex).to.be.at.least(0);
          expect(verifyMessageIntegrity(msg, vec.key)).to.equal(true);
        }
        expect(toHex(reencode(msg, vec.key, vec.paddingByte))).to.equal(toHex(vec.bytes));
      });
    }

    it('RFC 5769 §2.1: values', () => {
      const msg = decodeStunMessage(v.RFC5769_REQUEST);
      expect(msg.messageClass).to.equal('request');
      expect(getAttribute(msg, Software)).to.equal('STUN test client');
      expect(getAttribute(msg, Priority)).to.equal(0x6e0001ff);
      expect(getAttribute(msg, IceControlled)).to.equal(0x932ff9b151263b36n);
      expect(getAttribute(msg, Username)).to.equal('evtj:h6vY');
      expect(msg.fingerprintIndex).to.equal(5);
    });

    it('RFC 5769 §2.2/2.3: XOR-MAPPED-ADDRESS IPv4 and IPv6', () => {
      expect(getAttribute(decodeStunMessage(v.RFC5769_IPV4_RESPONSE), XorMappedAddress))
        .to.deep.equal({ family: 'IPv4', ip: '192.0.2.1', port: 32853 });
      expect(getMappedAddress(decodeStunMessage(v.RFC5769_IPV6_RESPONSE)))
        .to.deep.equal({ family: 'IPv6', ip: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 });
      expect(getAttribute(decodeStunMessage(v.RFC5769_IPV4_RESPONSE), Software)).to.equal('test vector');
    });

    it('OpenDDS §13.1: builds the check request from values', () => {
      const bytes = encodeStunMessage({
        method: StunMethod.binding,
        messageClass: 'request',
        transactionId: v.OPENDDS_TRANSACTION_ID,
        attributes: [
          attr(Priority, 0x6efffeff),
          attr(IceControlling, v.OPENDDS_TIE_BREAKER),
          attr(Username, `${v.OPENDDS_REMOTE_UFRAG}:${v.OPENDDS_LOCAL_UFRAG}`),
        ],
        integrity: createIntegrityKey(v.OPENDDS_PASSWORD),
        fingerprint: true,
      });
      expect(toHex(bytes)).to.equal(toHex(v.OPENDDS_CHECK_REQUEST));
    });

    it('OpenDDS §13.4: relay keep-alives carry GUID_PREFIX and rebuild from values', () => {
      for (const [cls, bytes] of [['request', v.OPENDDS_RELAY_REQUEST], ['indication', v.OPENDDS_RELAY_INDICATION]] as const) {
        const msg = decodeStunMessage(bytes);
        expect(msg.messageClass).to.equal(cls);
        expect(toHex(getAttribute(msg, GuidPrefix) ?? new Uint8Array())).to.equal(toHex(v.OPENDDS_GUID_PREFIX));
        const rebuilt = encodeStunMessage({
          method: StunMethod.binding, messageClass: cls, transactionId: v.OPENDDS_TRANSACTION_ID,
          attributes: [attr(GuidPrefix, v.OPENDDS_GUID_PREFIX)], fingerprint: true,
        });
        expect(toHex(rebuilt)).to.equal(toHex(bytes));
      }
    });

    it('OpenDDS §13.4 note: 28-byte server-reflexive request without GUID_PREFIX', () => {
      const bytes = encodeStunMessage({
        method: StunMethod.binding, messageClass: 'request', transactionId: v.OPENDDS_TRANSACTION_ID, fingerprint: true,
      });
      expect(bytes.length).to.equal(28);
      expect(toHex(bytes.subarray(0, 24))).to.equal(toHex(v.OPENDDS_SRFLX_REQUEST_HEADER));
      const expected = (zlibCrc32(bytes.subarray(0, 20)) ^ 0x5354554e) >>> 0;
      const msg = decodeStunMessage(bytes);
      expect(getAttribute(msg, Fingerprint)).to.equal(expected);
      expect(toHex(reencode(msg, undefined, 0))).to.equal(toHex(bytes));
    });

    it('aliasing: attribute values and the transaction id are views into the datagram', () => {
      const msg = decodeStunMessage(v.OPENDDS_RELAY_REQUEST);
      expect(msg.transactionId.buffer).to.equal(v.OPENDDS_RELAY_REQUEST.buffer);
      expect(getAttribute(msg, GuidPrefix)?.buffer).to.equal(v.OPENDDS_RELAY_REQUEST.buffer);
    });
  });

  describe('truncation', () => {
    for (const vec of VECTORS) {
      it(`${vec.name}: every truncation throws a DecodeError naming a field`, () => {
        for (let n = 0; n < vec.bytes.length; n++) {
          const err = expectDecodeError(vec.bytes.subarray(0, n), /^stun\/(header\/(type|length|magicCookie|transactionId)|attribute\[\d+\]\/(type|length|value))$/);
          expect(err.offset).to.be.within(0, n);
        }
      });
    }
  });

  describe('strictness (OpenDDS spec §3.4)', () => {
    const req = v.OPENDDS_CHECK_REQUEST;
    const key = createIntegrityKey(v.OPENDDS_PASSWORD);

    it('wrong MESSAGE-INTEGRITY key fails verification', () => {
      const msg = decodeStunMessage(req);
      expect(verifyMessageIntegrity(msg, createIntegrityKey('wrong'))).to.equal(false);
      expect(verifyMessageIntegrity(decodeStunMessage(v.OPENDDS_RELAY_REQUEST), key)).to.equal(false);
    });

    it('a flipped byte under MESSAGE-INTEGRITY fails verification', () => {
      const b = patched(req, (x) => { x[50] = (x[50] ?? 0) ^ 1; refingerprint(x); });
      expect(verifyMessageIntegrity(decodeStunMessage(b), key)).to.equal(false);
    });

    it('corrupted FINGERPRINT is a DecodeError', () => {
      expectDecodeError(patched(req, (x) => { x[143] = (x[143] ?? 0) ^ 0x80; }), /FINGERPRINT$/);
      expectDecodeError(patched(req, (x) => { x[50] = (x[50] ?? 0) ^ 0x01; }), /FINGERPRINT$/);
    });

    it('an attribute after FINGERPRINT is a DecodeError', () => {
      const b = new Uint8Array(req.length + 8);
      b.set(req);
      b.set([0x80, 0x22, 0x00, 0x04, 0x41, 0x42, 0x43, 0x44], req.length);
      setU16(b, 2, b.length - 20);
      // Refresh FINGERPRINT for the new length so that only the order is wrong.
      const fp = (zlibCrc32(b.subarray(0, req.length - 8)) ^ 0x5354554e) >>> 0;
      new DataView(b.buffer).setUint32(req.length - 4, fp);
      expectDecodeError(b, /^stun\/attribute\[5\]\/type$/);
    });

    it('only MESSAGE-INTEGRITY-SHA256 and FINGERPRINT may follow MESSAGE-INTEGRITY', () => {
      const ok = encodeStunMessage({
        method: 1, messageClass: 'request', transactionId: v.OPENDDS_TRANSACTION_ID,
        integrity: key, integritySha256: key, fingerprint: true,
      });
      expect(decodeStunMessage(ok).integritySha256Index).to.equal(1);
      const bad = encodeStunMessage({
        method: 1, messageClass: 'request', transactionId: v.OPENDDS_TRANSACTION_ID,
        attributes: [rawAttr(0x8001, new Uint8Array(20)), attr(Priority, 1)],
        fingerprint: true,
      });
      bad[20] = 0x00;
      bad[21] = 0x08; // the first attribute becomes MESSAGE-INTEGRITY
      refingerprint(bad);
      expectDecodeError(bad, /^stun\/attribute\[1\]\/type$/);
    });

    it('rejects bad header fields', () => {
      expectDecodeError(patched(req, (x) => { x[0] = 0x40; }), /^stun\/header\/type$/);
      expectDecodeError(patched(req, (x) => { x[3] = (x[3] ?? 0) + 1; }), /^stun\/header\/length$/);
      expectDecodeError(patched(req, (x) => { x[4] = 0x22; }), /^stun\/header\/magicCookie$/);
      const trailing = new Uint8Array(req.length + 4);
      trailing.set(req);
      expectDecodeError(trailing, /^stun\/header\/length$/);
    });

    it('rejects known attributes of the wrong length', () => {
      // PRIORITY with length 8 swallowing ICE-CONTROLLING's header.
      expectDecodeError(patched(req, (x) => { setU16(x, 22, 8); refingerprint(x); }), /^stun\/attribute\[0\]\/PRIORITY\/length$/);
      expectDecodeError(patched(req, (x) => { setU16(x, 0x72, 16); x.copyWithin(0x84, 0x88); refingerprint(x); }), /attribute|length/);
      // An attribute length running past the message.
      expectDecodeError(patched(req, (x) => { setU16(x, 0x2a, 0x200); }), /^stun\/attribute\[2\]\/length$/);
    });

    it('keeps unknown attributes raw and lists comprehension-required ones', () => {
      const bytes = encodeStunMessage({
        method: 1, messageClass: 'request', transactionId: v.OPENDDS_TRANSACTION_ID,
        attributes: [rawAttr(0x7777, Uint8Array.of(1, 2, 3)), rawAttr(0xc001, new Uint8Array(0)), attr(UseCandidate, true), rawAttr(0x7777, new Uint8Array(0))],
        fingerprint: true,
      });
      const msg = decodeStunMessage(bytes);
      expect(msg.attributes.map((a) => a.type)).to.deep.equal([0x7777, 0xc001, 0x0025, 0x7777, 0x8028]);
      expect(toHex(msg.attributes[0]?.value ?? new Uint8Array())).to.equal('010203');
      expect(unknownComprehensionRequired(msg)).to.deep.equal([0x7777]);
      expect(unknownComprehensionRequired(msg, new Set([0x7777]))).to.deep.equal([0x0025]);
      expect(getAttribute(msg, UseCandidate)).to.equal(true);
    });
  });

  describe('duplicates (OpenDDS spec §3.2)', () => {
    it('USERNAME, PRIORITY and MESSAGE-INTEGRITY: last wins; others: first wins', () => {
      const msg = decodeStunMessage(encodeStunMessage({
        method: 1, messageClass: 'request', transactionId: v.OPENDDS_TRANSACTION_ID,
        attributes: [
          attr(Username, 'a'), attr(Priority, 1), attr(Software, 'first'),
          attr(Username, 'b'), attr(Priority, 2), attr(Software, 'second'),
        ],
      }));
      expect(getAttribute(msg, Username)).to.equal('b');
      expect(getAttribute(msg, Priority)).to.equal(2);
      expect(getAttribute(msg, Software)).to.equal('first');
      expect(getAttribute(msg, MessageIntegrity)).to.equal(undefined);
    });
  });

  describe('encoder', () => {
    const tid = v.OPENDDS_TRANSACTION_ID;
    it('rejects computed attributes in the list, bad ids and bad padding', () => {
      expect(() => encodeStunMessage({ method: 1, messageClass: 'request', transactionId: tid, attributes: [rawAttr(0x8028, new Uint8Array(4))] })).to.throw(EncodeError);
      expect(() => encodeStunMessage({ method: 1, messageClass: 'request', transactionId: new Uint8Array(11) })).to.throw(EncodeError);
      expect(() => encodeStunMessage({ method: 1, messageClass: 'request', transactionId: tid, paddingByte: 256 })).to.throw(EncodeError);
      expect(() => encodeStunMessage({ method: 0x1000, messageClass: 'request', transactionId: tid })).to.throw(EncodeError);
      expect(() => encodeStunMessage({ method: 1, messageClass: 'request', transactionId: tid, attributes: [rawAttr(0x8001, new Uint8Array(0x10000))] })).to.throw(EncodeError);
    });

    it('sets the header length as RFC 5389 §15.4/§15.5 require', () => {
      const key = createIntegrityKey('pw');
      const bytes = encodeStunMessage({ method: 1, messageClass: 'success', transactionId: tid, attributes: [attr(Software, 'x')], integrity: key, fingerprint: true });
      expect(bytes.length).to.equal(20 + 8 + 24 + 8);
      expect(((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)).to.equal(40);
      const msg = decodeStunMessage(bytes);
      expect(verifyMessageIntegrity(msg, key)).to.equal(true);
      expect(bytesEqual(reencode(msg, key, 0), bytes)).to.equal(true);
    });
  });

  describe('attribute index', () => {
    it('typed reads through the index match the materialised attributes on every vector', () => {
      for (const vec of VECTORS) {
        const viaIndex = decodeStunMessage(vec.bytes);
        const materialised = decodeStunMessage(vec.bytes);
        const list = materialised.attributes;
        expect(materialised.attributes).to.equal(list);
        expect(list.length).to.be.greaterThan(0);
        for (const codec of KNOWN_ATTRIBUTES) {
          // A plain object with the same fields takes the generic path of the getters.
          const plain = { ...materialised, attributes: list };
          expect(getAttribute(viaIndex, codec), `${vec.name} ${codec.name}`).to.deep.equal(getAttribute(plain, codec));
        }
        if (vec.key !== undefined) expect(verifyMessageIntegrity(viaIndex, vec.key)).to.equal(verifyMessageIntegrity({ ...materialised, attributes: list }, vec.key));
      }
    });
  });
});
