import { expect } from 'chai';
import {
  AlternateServer, ChannelNumber, Data, ErrorCode, GuidPrefix, IceControlled, Lifetime, MappedAddress, MessageIntegritySha256,
  Nonce, Priority, Realm, RequestedTransport, Software, UnknownAttributes, UseCandidate, Username, XorMappedAddress,
  XorPeerAddress, XorRelayedAddress, type AttributeCodec,
} from '../../../src/stun/index.js';
import { DecodeError, EncodeError } from '../../../src/util/errors.js';
import { fromHex, toHex } from '../../../src/util/hex.js';

const TID = fromHex('b7e7a701bc34d686fa87dfae');

function roundTrip<T>(codec: AttributeCodec<T>, value: T, hex?: string): void {
  const bytes = codec.encode(value, TID);
  if (hex !== undefined) expect(toHex(bytes)).to.equal(hex);
  expect(bytes.length).to.equal(codec.sizeOf(value));
  expect(codec.decode(bytes, TID)).to.deep.equal(value);
}

describe('stun/attributes', () => {
  it('address attributes round-trip IPv4 and IPv6, plain and XOR (RFC 5389 §15.1, §15.2)', () => {
    roundTrip(XorMappedAddress, { family: 'IPv4', ip: '192.0.2.1', port: 32853 }, '0001a147e112a643');
    roundTrip(XorMappedAddress, { family: 'IPv6', ip: '2001:db8:1234:5678:11:2233:4455:6677', port: 32853 },
      '0002a1470113a9faa5d3f179bc25f4b5bed2b9d9');
    roundTrip(MappedAddress, { family: 'IPv4', ip: '192.0.2.1', port: 40000 }, '00019c40c0000201');
    for (const codec of [AlternateServer, XorPeerAddress, XorRelayedAddress]) {
      roundTrip(codec, { family: 'IPv6', ip: '::1', port: 1 });
      roundTrip(codec, { family: 'IPv4', ip: '10.0.0.1', port: 65535 });
    }
  });

  it('address attributes reject bad family, length and encode input', () => {
    expect(() => MappedAddress.decode(fromHex('0003000001020304'), TID)).to.throw(DecodeError, /family/);
    expect(() => MappedAddress.decode(fromHex('000100000102030405'), TID)).to.throw(DecodeError, /length/);
    expect(() => MappedAddress.decode(fromHex('0002000001020304'), TID)).to.throw(DecodeError, /length/);
    expect(() => MappedAddress.decode(fromHex('0001'), TID)).to.throw(DecodeError, /length/);
    expect(() => MappedAddress.encode({ family: 'IPv4', ip: '::1', port: 1 }, TID)).to.throw(EncodeError);
    expect(() => MappedAddress.encode({ family: 'IPv4', ip: '1.2.3.4', port: 65536 }, TID)).to.throw(EncodeError);
  });

  it('text attributes: UTF-8, limits, malformed input', () => {
    roundTrip(Username, '\u30de\u30c8\u30ea\u30c3\u30af\u30b9', 'e3839ee38388e383aae38383e382afe382b9');
    roundTrip(Software, 'caf\u00e9 \u{1f600}');
    roundTrip(Realm, 'example.org');
    roundTrip(Nonce, 'f//499k954d6OL34oL9FSTvy64sA');
    roundTrip(Username, 'x'.repeat(512));
    expect(() => Username.encode('x'.repeat(513), TID)).to.throw(EncodeError);
    expect(() => Username.decode(new Uint8Array(513).fill(0x41), TID)).to.throw(DecodeError, /length/);
    expect(() => Software.encode('x'.repeat(128), TID)).to.throw(EncodeError);
    expect(() => Username.encode('\ud800', TID)).to.throw(EncodeError);
    for (const bad of ['80', 'c0af', 'e08080', 'eda080', 'f4908080', 'e382']) {
      expect(() => Username.decode(fromHex(bad), TID), bad).to.throw(DecodeError, /text/);
    }
  });

  it('ERROR-CODE: class 3–6, number 0–99, reason ≤ 763 bytes (RFC 5389 §15.6)', () => {
    roundTrip(ErrorCode, { code: 420, reason: 'Unknown Attribute' });
    roundTrip(ErrorCode, { code: 699, reason: '' }, '00000663');
    // Reserved bits are ignored on decode (class = low 3 bits of the third byte).
    expect(ErrorCode.decode(fromHex('0000fc01'), TID)).to.deep.equal({ code: 401, reason: '' });
    expect(() => ErrorCode.decode(fromHex('00000201'), TID)).to.throw(DecodeError, /class/);
    expect(() => ErrorCode.decode(fromHex('00000764'), TID)).to.throw(DecodeError, /class/);
    expect(() => ErrorCode.decode(fromHex('00000464'), TID)).to.throw(DecodeError, /number/);
    expect(() => ErrorCode.decode(fromHex('000004'), TID)).to.throw(DecodeError, /length/);
    expect(() => ErrorCode.decode(new Uint8Array(4 + 764).fill(0x41).fill(4, 2, 3).fill(0, 3, 4), TID)).to.throw(DecodeError, /length/);
    expect(() => ErrorCode.encode({ code: 299, reason: '' }, TID)).to.throw(EncodeError);
    expect(() => ErrorCode.encode({ code: 700, reason: '' }, TID)).to.throw(EncodeError);
    expect(() => ErrorCode.encode({ code: 400, reason: 'x'.repeat(764) }, TID)).to.throw(EncodeError);
  });

  it('numeric, flag and byte attributes', () => {
    roundTrip(Priority, 0x6e0001ff, '6e0001ff');
    roundTrip(Lifetime, 600);
    roundTrip(IceControlled, 0x932ff9b151263b36n, '932ff9b151263b36');
    roundTrip(UseCandidate, true, '');
    roundTrip(ChannelNumber, 0x4001, '40010000');
    roundTrip(RequestedTransport, 17, '11000000');
    roundTrip(UnknownAttributes, [0x7777, 0x0001, 0x0002], '777700010002');
    roundTrip(GuidPrefix, fromHex('0103aabbccddeeff00010002'));
    roundTrip(Data, Uint8Array.of(1, 2, 3));
    roundTrip(MessageIntegritySha256, new Uint8Array(16));
    expect(() => Priority.decode(new Uint8Array(3), TID)).to.throw(DecodeError, /PRIORITY\/length/);
    expect(() => Priority.encode(-1, TID)).to.throw(EncodeError);
    expect(() => IceControlled.encode(-1n, TID)).to.throw(EncodeError);
    expect(() => UseCandidate.decode(new Uint8Array(1), TID)).to.throw(DecodeError);
    expect(() => GuidPrefix.decode(new Uint8Array(11), TID)).to.throw(DecodeError);
    expect(() => GuidPrefix.encode(new Uint8Array(13), TID)).to.throw(EncodeError);
    expect(() => MessageIntegritySha256.decode(new Uint8Array(18), TID)).to.throw(DecodeError);
    expect(() => MessageIntegritySha256.decode(new Uint8Array(36), TID)).to.throw(DecodeError);
    expect(() => UnknownAttributes.decode(new Uint8Array(3), TID)).to.throw(DecodeError);
    expect(() => ChannelNumber.encode(0x3fff, TID)).to.throw(EncodeError);
    expect(() => ChannelNumber.encode(0x8000, TID)).to.throw(EncodeError);
    expect(() => RequestedTransport.decode(new Uint8Array(2), TID)).to.throw(DecodeError);
  });

  it('errors name the attribute and the field; offsets are relative when used alone', () => {
    try {
      Priority.decode(new Uint8Array(2), TID, 100, 3);
      expect.fail('no error');
    } catch (err) {
      expect(err).to.be.instanceOf(DecodeError);
      if (!(err instanceof DecodeError)) throw err;
      expect(err.field).to.equal('stun/attribute[3]/PRIORITY/length');
      expect(err.offset).to.equal(98);
    }
  });
});
