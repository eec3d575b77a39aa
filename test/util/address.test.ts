import { expect } from 'chai';
import { bytesToIp, formatAddress, ipToBytes, isLinkLocal, isLoopback, parseAddress, transportAddress } from '../../src/util/address.js';
import { EncodeError } from '../../src/util/errors.js';
import { toHex } from '../../src/util/hex.js';

describe('util/address', () => {
  it('parses and formats IPv4 and IPv6 transport addresses (RFC 5952 text)', () => {
    expect(parseAddress('192.0.2.1:3478')).to.deep.equal({ family: 'IPv4', ip: '192.0.2.1', port: 3478 });
    expect(parseAddress('[2001:DB8:0:0:1:0:0:1]:5')).to.deep.equal({ family: 'IPv6', ip: '2001:db8::1:0:0:1', port: 5 });
    expect(formatAddress(transportAddress('::1', 7400))).to.equal('[::1]:7400');
    expect(formatAddress(transportAddress('127.0.0.1', 7400))).to.equal('127.0.0.1:7400');
  });

  it('converts to and from wire bytes, including embedded IPv4 and zone ids', () => {
    expect(toHex(ipToBytes('::ffff:192.0.2.1'))).to.equal('00000000000000000000ffffc0000201');
    expect(bytesToIp(ipToBytes('fe80::1%eth0'))).to.equal('fe80::1');
    expect(bytesToIp(ipToBytes('2001:db8:1234:5678:11:2233:4455:6677'))).to.equal('2001:db8:1234:5678:11:2233:4455:6677');
    expect(bytesToIp(new Uint8Array(16))).to.equal('::');
  });

  it('rejects what is not an address with an EncodeError', () => {
    for (const bad of ['256.0.0.1:1', '1.2.3:4', 'host:80', '1.2.3.4:70000', '[::1]', '1::2::3:1', ':::1']) {
      expect(() => parseAddress(bad), bad).to.throw(EncodeError);
    }
    expect(() => transportAddress('1.2.3.4', -1)).to.throw(EncodeError);
    expect(() => bytesToIp(new Uint8Array(5))).to.throw(EncodeError);
  });

  it('classifies link-local and loopback addresses', () => {
    expect(isLinkLocal(transportAddress('fe80::1', 1))).to.equal(true);
    expect(isLinkLocal(transportAddress('2001:db8::1', 1))).to.equal(false);
    expect(isLoopback(transportAddress('127.1.2.3', 1))).to.equal(true);
    expect(isLoopback(transportAddress('::1', 1))).to.equal(true);
  });
});
