import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { compileIdl, PLAIN_CDR_LE } from '../../src/cdr/index.js';
import { decodeHorizontalDatagram, encodeHorizontalDatagram, RELAY_IDL, type RelayHeader } from '../../src/relay/index.js';
import { DecodeError } from '../../src/util/errors.js';
import { SeededRandom } from '../../src/util/prng.js';
import { prefixOf, rtps } from './relay-fixtures.js';

const header: RelayHeader = {
  toPartitions: ['sensors', '', 'a*'],
  toGuids: [{ prefix: prefixOf(7), entityId: 0x000001c1 }, { prefix: prefixOf(8), entityId: 0x000001c1 }],
  useAsyncDiscovery: false,
};

describe('relay/relay-header', () => {
  it('src/relay/relay-idl.ts holds idl/Relay.idl verbatim', () => {
    expect(RELAY_IDL).to.equal(readFileSync(new URL('../../idl/Relay.idl', import.meta.url), 'utf8'));
  });

  it('writes the RelayHeader exactly as the IDL-compiled XCDR1 codec does, without the encapsulation header, then the message', () => {
    const lib = compileIdl(RELAY_IDL);
    const reference = lib.codec('RtpsRelay::RelayHeader').encode({
      to_partitions: [...header.toPartitions],
      to_guids: header.toGuids.map((g) => ({
        guidPrefix: [...g.prefix], entityId: { entityKey: [(g.entityId >>> 24) & 0xff, (g.entityId >>> 16) & 0xff, (g.entityId >>> 8) & 0xff], entityKind: g.entityId & 0xff },
      })),
      use_async_discovery: false,
    }, { encapsulation: PLAIN_CDR_LE, padding: 'none' }).subarray(4);
    const msg = rtps(prefixOf(1), [prefixOf(7)]);
    const datagram = encodeHorizontalDatagram(header, msg);
    expect(datagram.subarray(0, datagram.length - msg.length)).to.deep.equal(reference);
    expect(datagram.subarray(datagram.length - msg.length)).to.deep.equal(msg);
    const back = decodeHorizontalDatagram(datagram);
    expect(back.header).to.deep.equal(header);
    expect(back.message).to.deep.equal(msg);
  });

  it('throws DecodeError, and nothing else, for every truncation and for random bytes', () => {
    const datagram = encodeHorizontalDatagram(header, new Uint8Array(0));
    for (let n = 0; n < datagram.length; n++) expect(() => decodeHorizontalDatagram(datagram.subarray(0, n)), `${n} bytes`).to.throw(DecodeError);
    const bad = datagram.slice();
    bad[bad.length - 1] = 2; // use_async_discovery is not a boolean
    expect(() => decodeHorizontalDatagram(bad)).to.throw(DecodeError, /boolean/);
    const rnd = new SeededRandom(3);
    for (let i = 0; i < 2000; i++) {
      try {
        decodeHorizontalDatagram(rnd.bytes(rnd.int(80)));
      } catch (err: unknown) {
        expect(err).to.be.instanceOf(DecodeError);
      }
    }
  });
});
