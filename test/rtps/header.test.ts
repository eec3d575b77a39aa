import { expect } from 'chai';
import { PROTOCOL_VERSION_2_4, readRtpsHeader, RTPS_HEADER_SIZE, VendorIds, writeRtpsHeader } from '../../src/rtps/header.js';
import { ByteReader } from '../../src/util/byte-reader.js';
import { ByteWriter } from '../../src/util/byte-writer.js';
import { DecodeError, EncodeError } from '../../src/util/errors.js';
import { frameOf, hex } from './captures.js';

const read = (b: Uint8Array): ReturnType<typeof readRtpsHeader> => readRtpsHeader(new ByteReader(b, 'rtps'));

describe('rtps/header', () => {
  it('reads Cyclone DDS 0.10.2: RTPS 2.1, vendor 0x0110 (tshark frame 1 of cyclone-labmsg)', () => {
    const h = read(frameOf('cyclone-labmsg', 1));
    expect(h.protocolVersion).to.deep.equal({ major: 2, minor: 1 });
    expect(h.vendorId).to.equal(VendorIds.CYCLONEDDS);
    expect(hex(h.guidPrefix)).to.equal('01109e4d8c2d251fe37d729f');
  });

  it('reads Fast DDS 2.9.1: RTPS 2.3, vendor 0x010f (tshark frame 1 of fastdds)', () => {
    const h = read(frameOf('fastdds', 1));
    expect(h.protocolVersion).to.deep.equal({ major: 2, minor: 3 });
    expect(h.vendorId).to.equal(VendorIds.FASTDDS);
    expect(hex(h.guidPrefix)).to.equal('010f78fdae385c4500000000');
  });

  it('the guid prefix is a view into the datagram', () => {
    const d = frameOf('fastdds', 1);
    const h = read(d);
    expect(h.guidPrefix.buffer).to.equal(d.buffer);
    expect(h.guidPrefix.byteOffset).to.equal(d.byteOffset + 8);
  });

  it('writes what OpenDDS sends (RTPS 2.4, vendor 0x0103) and reads it back', () => {
    const guidPrefix = Uint8Array.from([1, 3, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0, 1, 0, 2]);
    const w = new ByteWriter(RTPS_HEADER_SIZE);
    writeRtpsHeader(w, { protocolVersion: PROTOCOL_VERSION_2_4, vendorId: VendorIds.OPENDDS, guidPrefix });
    expect(hex(w.finish())).to.equal('525450530204010301' + '03aabbccddeeff00010002');
    expect(read(w.finish())).to.deep.equal({ protocolVersion: { major: 2, minor: 4 }, vendorId: 0x0103, guidPrefix });
  });

  it('accepts any minor version of major 2 and rejects other majors, "RTPX" and other magics', () => {
    const b = frameOf('fastdds', 1).slice(0, 20);
    b[5] = 9;
    expect(read(b).protocolVersion.minor).to.equal(9);
    b[4] = 3;
    expect(() => read(b)).to.throw(DecodeError, /major/);
    const x = frameOf('fastdds', 1).slice(0, 20);
    x[3] = 0x58;
    expect(() => read(x)).to.throw(DecodeError, /RTPX/);
    x[0] = 0;
    expect(() => read(x)).to.throw(DecodeError, /header\/protocol @0/);
  });

  it('rejects every truncation with a DecodeError', () => {
    const b = frameOf('cyclone-labmsg', 1).subarray(0, 20);
    for (let n = 0; n < 20; n++) expect(() => read(b.subarray(0, n))).to.throw(DecodeError);
  });

  it('refuses to encode a bad prefix or vendor id', () => {
    expect(() => { writeRtpsHeader(new ByteWriter(), { protocolVersion: PROTOCOL_VERSION_2_4, vendorId: 0x10000, guidPrefix: new Uint8Array(12) }); }).to.throw(EncodeError);
    expect(() => { writeRtpsHeader(new ByteWriter(), { protocolVersion: PROTOCOL_VERSION_2_4, vendorId: 1, guidPrefix: new Uint8Array(11) }); }).to.throw(EncodeError);
  });
});
