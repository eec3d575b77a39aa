import { expect } from 'chai';
import { CdrWriter } from '../../../src/cdr/cdr-writer.js';
import { ICE_HOST } from '../../../src/idl/ice.js';
import { IceCandidate } from '../../../src/rtps/pid/ice-candidate.js';
import { IceGeneral } from '../../../src/rtps/pid/ice-general.js';
import { DecodeError } from '../../../src/util/errors.js';
import { fromHex } from '../../../src/util/hex.js';

/** spec/opendds-ice-and-rtpsrelay.md §13.5 (PL_CDR_LE), parameter header included. */
export const ICE_GENERAL_PARAM = fromHex(
  '03b06000050000005345445000000000' + '00000000210000003031323334353637' + '38396162636465663031323334353637' +
  '38396162636465660000000021000000' + '66656463626139383736353433323130' + '66656463626139383736353433323130' + '00000000');
export const ICE_CANDIDATE_PARAM = fromHex(
  '04b04000050000005345445000000000' + '0100000050c300000000000000000000' + '00000000c0a8010a0f00000048313932' +
  '2e3136382e312e3130550000fffeff7e' + '00000000');

const LE = { version: 'xcdr1', littleEndian: true } as const;
const BE = { version: 'xcdr1', littleEndian: false } as const;

function encode<T>(codec: { encode(w: CdrWriter, v: T): void }, v: T, littleEndian: boolean): Uint8Array {
  const w = new CdrWriter({ version: 'xcdr1', littleEndian });
  codec.encode(w, v);
  return w.finish().slice();
}

describe('rtps/pid ICE parameters (spec §13.5)', () => {
  it('decodes the IceGeneral_t vector and re-encodes it byte for byte', () => {
    expect(ICE_GENERAL_PARAM.length).to.equal(100);
    const v = IceGeneral.decode(ICE_GENERAL_PARAM.subarray(4), LE);
    expect(v).to.deep.equal({ key: 'SEDP', agent_type: 0, username: '0123456789abcdef0123456789abcdef', password: 'fedcba9876543210fedcba9876543210' });
    expect(encode(IceGeneral, v, true)).to.deep.equal(ICE_GENERAL_PARAM);
  });

  it('decodes the IceCandidate_t vector and re-encodes it byte for byte', () => {
    expect(ICE_CANDIDATE_PARAM.length).to.equal(68);
    const v = IceCandidate.decode(ICE_CANDIDATE_PARAM.subarray(4), LE);
    expect(v.key).to.equal('SEDP');
    expect(v.locator.kind).to.equal(1);
    expect(v.locator.port).to.equal(50000);
    expect([...v.locator.address.subarray(12)]).to.deep.equal([192, 168, 1, 10]);
    expect(v.foundation).to.equal('H192.168.1.10U');
    expect(v.priority).to.equal(0x7efffeff);
    expect(v.type).to.equal(ICE_HOST);
    expect(encode(IceCandidate, v, true)).to.deep.equal(ICE_CANDIDATE_PARAM);
  });

  it('round-trips both in big-endian with the same lengths', () => {
    const g = IceGeneral.decode(ICE_GENERAL_PARAM.subarray(4), LE);
    const c = IceCandidate.decode(ICE_CANDIDATE_PARAM.subarray(4), LE);
    const gbe = encode(IceGeneral, g, false);
    const cbe = encode(IceCandidate, c, false);
    expect(gbe.length).to.equal(100);
    expect(cbe.length).to.equal(68);
    expect([...gbe.subarray(0, 4)]).to.deep.equal([0xb0, 0x03, 0x00, 0x60]);
    expect(IceGeneral.decode(gbe.subarray(4), BE)).to.deep.equal(g);
    expect(IceCandidate.decode(cbe.subarray(4), BE)).to.deep.equal(c);
  });

  it('rejects every truncation with a DecodeError', () => {
    for (const [codec, vec] of [[IceGeneral, ICE_GENERAL_PARAM], [IceCandidate, ICE_CANDIDATE_PARAM]] as const) {
      // The last 3 bytes of the general vector are padding after the password's NUL.
      const needed = codec === IceGeneral ? vec.length - 3 : vec.length;
      for (let n = 4; n < needed; n++) {
        expect(() => codec.decode(vec.subarray(4, n), LE), `length ${n}`).to.throw(DecodeError);
      }
    }
  });
});
