import { expect } from 'chai';
import { EntityIds } from '../../../src/rtps/guid.js';
import { decodeRtpsMessage } from '../../../src/rtps/message.js';
import { sequenceNumberSetMembers } from '../../../src/rtps/sequence-number-set.js';
import type { Submessage } from '../../../src/rtps/submessages/submessage.js';
import type { CaptureName } from '../captures.js';
import { frameOf, hex, rtpsFrames } from '../captures.js';

function subs(capture: CaptureName, frame: number): readonly Submessage[] {
  return decodeRtpsMessage(frameOf(capture, frame)).submessages;
}

/** Values read off the captures with `tshark -V` (see also vectors/*.tshark-fields.txt). */
describe('rtps/submessages: values of real captures', () => {
  it('DATA(p) from the Cyclone SPDP writer 0x000100c2, sn 1, little-endian, PL_CDR_LE payload (cyclone-labmsg #1)', () => {
    const [ts, data] = subs('cyclone-labmsg', 1);
    expect(ts?.kind).to.equal('info-ts');
    if (data?.kind !== 'data') throw new Error('expected DATA');
    expect(data.writerId).to.equal(EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER);
    expect(data.readerId).to.equal(EntityIds.UNKNOWN);
    expect(data.writerSN).to.equal(1);
    expect(data.littleEndian).to.equal(true);
    expect(data.inlineQos).to.equal(undefined);
    expect(data.serializedKey).to.equal(undefined);
    // 304 octets to next header - 20 octets of fixed fields; encapsulation PL_CDR_LE = 00 03.
    expect(data.serializedData?.length).to.equal(284);
    expect(hex(data.serializedData?.subarray(0, 4) ?? new Uint8Array())).to.equal('00030000');
  });

  it('INFO_TS timestamp of cyclone-labmsg #1 is Nov 21, 2026 11:16:30.796017566 UTC', () => {
    const [ts] = subs('cyclone-labmsg', 1);
    if (ts?.kind !== 'info-ts' || !ts.timestamp) throw new Error('expected a valid INFO_TS');
    expect(ts.timestamp.seconds).to.equal(Date.UTC(2026, 10, 21, 11, 16, 30) / 1000);
    expect(Math.floor((ts.timestamp.fraction * 1e9) / 2 ** 32)).to.equal(796017566);
  });

  it('INFO_DST + 5 HEARTBEATs + 5 ACKNACKs of cyclone-labmsg #22', () => {
    const s = subs('cyclone-labmsg', 22);
    expect(s.map((x) => x.kind)).to.deep.equal(['info-dst', ...Array<string>(5).fill('heartbeat'), ...Array<string>(5).fill('acknack')]);
    const [dst, hb1, hb2] = s;
    if (dst?.kind !== 'info-dst' || hb1?.kind !== 'heartbeat' || hb2?.kind !== 'heartbeat') throw new Error('kinds');
    expect(hex(dst.guidPrefix)).to.equal('01109e4d8c2d251fe37d729f');
    expect(hb1).to.include({ writerId: EntityIds.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER, firstSN: 1, lastSN: 1, count: 1, isFinal: false, isLiveliness: false });
    // An empty writer announces first = last + 1.
    expect(hb2).to.include({ writerId: EntityIds.SEDP_BUILTIN_SUBSCRIPTIONS_ANNOUNCER, firstSN: 1, lastSN: 0 });
    const acks = s.slice(6).map((a) => (a.kind === 'acknack' ? [a.writerId, a.readerSNState.base, a.readerSNState.numBits, a.isFinal] : []));
    expect(acks).to.deep.equal([
      [0x3c2, 1, 0, true], [0x4c2, 1, 1, true], [0x200c2, 1, 1, true], [0x300c3, 1, 0, true], [0x301c3, 1, 0, true],
    ]);
  });

  it('ACKNACK sets of cyclone-ddsperf #25: {1,2,3,4}, {1,2,3}, {1}, {}, {}', () => {
    const sets = subs('cyclone-ddsperf', 25).flatMap((a) => (a.kind === 'acknack' ? [sequenceNumberSetMembers(a.readerSNState)] : []));
    expect(sets).to.deep.equal([[1, 2, 3, 4], [1, 2, 3], [1], [], []]);
  });

  it('Fast DDS ACKNACK (fastdds #25 final, empty; #26 not final, requests sn 1)', () => {
    const [, a25] = subs('fastdds', 25);
    const [, a26] = subs('fastdds', 26);
    if (a25?.kind !== 'acknack' || a26?.kind !== 'acknack') throw new Error('kinds');
    expect(a25).to.deep.include({ writerId: 0x4c2, readerId: 0x4c7, isFinal: true, count: 1 });
    expect(sequenceNumberSetMembers(a25.readerSNState)).to.deep.equal([]);
    expect(a26.isFinal).to.equal(false);
    expect(sequenceNumberSetMembers(a26.readerSNState)).to.deep.equal([1]);
  });

  it('a Cyclone user-data writer 0x00000b02: DATA sn 3 and HEARTBEAT 3..3 final (cyclone-ddsperf #40)', () => {
    const [, data, hb] = subs('cyclone-ddsperf', 40);
    expect(data).to.include({ kind: 'data', writerId: 0xb02, writerSN: 3 });
    expect(hb).to.include({ kind: 'heartbeat', writerId: 0xb02, firstSN: 3, lastSN: 3, count: 3, isFinal: true });
  });

  it('every Fast DDS datagram ends with the vendor-specific 0x80 submessage, kept as unknown and skippable', () => {
    const fast = rtpsFrames('fastdds');
    for (const f of fast) {
      const s = decodeRtpsMessage(f.payload).submessages;
      const last = s[s.length - 1];
      expect(last, `frame ${f.frame}`).to.deep.include({ kind: 'unknown', id: 0x80, flags: 0x01 });
      expect(s.slice(0, -1).every((x) => x.kind !== 'unknown')).to.equal(true);
    }
    const [, , trailer] = subs('fastdds', 25);
    if (trailer?.kind !== 'unknown') throw new Error('kind');
    expect(trailer.body.length).to.equal(56);
  });

  it('Fast DDS dispose/unregister DATA carries inline QoS (flags Q) with PID_KEY_HASH and PID_STATUS_INFO', () => {
    const found = rtpsFrames('fastdds').flatMap((f) => decodeRtpsMessage(f.payload).submessages)
      .find((s) => s.kind === 'data' && s.inlineQos !== undefined && !s.serializedData && !s.serializedKey);
    if (found?.kind !== 'data' || !found.inlineQos) throw new Error('no inline-QoS-only DATA in fastdds');
    expect(found.inlineQos.map((p) => p.pid)).to.include.members([0x0070, 0x0071]);
  });
});
