import { expect } from 'chai';
import { decodeRtpsMessage } from '../../src/rtps/message.js';
import { forEachSubmessage } from '../../src/rtps/message-reader.js';
import type { Submessage } from '../../src/rtps/submessages/submessage.js';
import { DecodeError } from '../../src/util/errors.js';
import { allRtpsFrames, frameOf, hex } from './captures.js';

describe('rtps/message-reader', () => {
  it('visits the same submessages as decodeRtpsMessage, in order, for every capture datagram', () => {
    for (const f of allRtpsFrames()) {
      const seen: Submessage[] = [];
      const header = forEachSubmessage(f.payload, (s, i) => {
        expect(i).to.equal(seen.length);
        seen.push(s);
      });
      const m = decodeRtpsMessage(f.payload);
      expect(hex(header.guidPrefix)).to.equal(hex(m.header.guidPrefix));
      expect(seen).to.deep.equal(m.submessages);
    }
  });

  it('visits the good prefix, then throws DecodeError at the malformed submessage', () => {
    const d = frameOf('cyclone-labmsg', 22).slice();
    d[20 + 16 + 2] = 0xff; // first HEARTBEAT's octetsToNextHeader (little-endian low octet)
    d[20 + 16 + 3] = 0xff;
    const kinds: string[] = [];
    expect(() => forEachSubmessage(d, (s) => { kinds.push(s.kind); })).to.throw(DecodeError, /submessage\[1\]\.octetsToNextHeader/);
    expect(kinds).to.deep.equal(['info-dst']);
  });
});
