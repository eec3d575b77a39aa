import { expect } from 'chai';
import { readUdpPackets } from '../../support/pcap.js';
import { extractData } from '../../support/extract-data.js';
import type { ExtractedData } from '../../support/extract-data.js';
import { decodeSpdpParticipantData, encodeSpdpParticipantData } from '../../../src/rtps/builtin/spdp-participant-data.js';
import {
  decodeSedpPublicationData, decodeSedpSubscriptionData, encodeSedpPublicationData, encodeSedpSubscriptionData,
} from '../../../src/rtps/builtin/sedp-endpoint-data.js';
import { addressFromLocator } from '../../../src/rtps/locator.js';
import { toHex } from '../../../src/util/hex.js';

const CAPTURES = ['cyclone-labmsg', 'fastdds', 'cyclone-fastdds-interop', 'cyclone-ddsperf'];
const SPDP_WRITER = 0x000100c2;
const PUB_WRITER = 0x000003c2;
const SUB_WRITER = 0x000004c2;
const FLAG_D = 0x04;

/** Every DATA carrying serialized data (D flag) from the SPDP / SEDP writers of a capture. */
export function builtinSamples(capture: string): ExtractedData[] {
  return readUdpPackets(`/work/shared/pcaps/${capture}.pcapng`)
    .flatMap((p) => extractData(p.payload))
    .filter((d) => (d.flags & FLAG_D) !== 0 && [SPDP_WRITER, PUB_WRITER, SUB_WRITER].includes(d.writerId));
}

const isLe = (payload: Uint8Array): boolean => payload[1] === 0x03;

describe('rtps/builtin on captured Cyclone DDS and Fast DDS discovery', () => {
  for (const capture of CAPTURES) {
    it(`${capture}: every SPDP/SEDP sample decodes, and re-encoding decodes to equal values`, () => {
      const samples = builtinSamples(capture);
      expect(samples.length).to.be.greaterThan(10);
      for (const s of samples) {
        const le = isLe(s.payload);
        if (s.writerId === SPDP_WRITER) {
          const a = decodeSpdpParticipantData(s.payload, s.vendorId);
          expect(toHex(a.guidPrefix)).to.equal(toHex(s.guidPrefix));
          const bytes = encodeSpdpParticipantData(a, { littleEndian: le });
          const b = decodeSpdpParticipantData(bytes, s.vendorId);
          expect(b).to.deep.equal(a);
          expect(encodeSpdpParticipantData(b, { littleEndian: le })).to.deep.equal(bytes);
        } else if (s.writerId === PUB_WRITER) {
          const a = decodeSedpPublicationData(s.payload, s.vendorId);
          const bytes = encodeSedpPublicationData(a, { littleEndian: le });
          const b = decodeSedpPublicationData(bytes, s.vendorId);
          expect(b).to.deep.equal(a);
          expect(encodeSedpPublicationData(b, { littleEndian: le })).to.deep.equal(bytes);
        } else {
          const a = decodeSedpSubscriptionData(s.payload, s.vendorId);
          const bytes = encodeSedpSubscriptionData(a, { littleEndian: le });
          const b = decodeSedpSubscriptionData(bytes, s.vendorId);
          expect(b).to.deep.equal(a);
          expect(encodeSedpSubscriptionData(b, { littleEndian: le })).to.deep.equal(bytes);
        }
      }
    });
  }

  it('cyclone-labmsg: Cyclone DDS participants, LabMsg writer and reader', () => {
    const samples = builtinSamples('cyclone-labmsg');
    const spdp = samples.filter((s) => s.writerId === SPDP_WRITER).map((s) => decodeSpdpParticipantData(s.payload, s.vendorId));
    const prefixes = new Set(spdp.map((p) => toHex(p.guidPrefix)));
    expect([...prefixes].sort()).to.deep.equal(['01109e4d8c2d251fe37d729f', '0110f2cf7fc354c7cde6a299']);
    for (const p of spdp) {
      expect(p.vendorId).to.equal(0x0110);
      expect(p.protocolVersion).to.deep.equal({ major: 2, minor: 1 });
      expect(p.leaseDurationMs).to.equal(10_000);
      expect(p.builtinEndpoints).to.equal(0xfc3f);
      expect(p.domainId).to.equal(0);
      expect(p.metatrafficUnicastLocators.map(addressFromLocator)).to.have.length(1);
      expect(p.properties.map((x) => x.name)).to.include('__ProcessName');
      expect(p.ice.size).to.equal(0);
      // Cyclone's vendor PIDs 0x8007 (participant version info) and 0x8019 are kept raw.
      expect(p.unknownParameters.map((u) => u.pid)).to.include.members([0x8007, 0x8019]);
    }
    const first = spdp.find((p) => toHex(p.guidPrefix) === '01109e4d8c2d251fe37d729f')!;
    expect(addressFromLocator(first.defaultUnicastLocators[0]!)).to.deep.equal({ family: 'IPv4', ip: '127.0.0.1', port: 7411 });
    expect(addressFromLocator(first.metatrafficUnicastLocators[0]!)).to.deep.equal({ family: 'IPv4', ip: '127.0.0.1', port: 7410 });

    const pub = samples.filter((s) => s.writerId === PUB_WRITER).map((s) => decodeSedpPublicationData(s.payload, s.vendorId));
    const sub = samples.filter((s) => s.writerId === SUB_WRITER).map((s) => decodeSedpSubscriptionData(s.payload, s.vendorId));
    for (const e of [...pub, ...sub]) {
      expect(e.topicName).to.equal('LabMsg');
      expect(e.typeName).to.equal('Msg');
      expect(e.vendorId).to.equal(0x0110);
      expect(e.qos.reliability?.kind).to.equal('reliable');
      expect(e.qos.durability).to.equal('transient-local');
      expect(e.qos.history).to.deep.equal({ kind: 'keep-all', depth: 0 });
      expect(e.qos.dataRepresentation).to.deep.equal([0, 2]);
      // Cyclone omits PID_PARTICIPANT_GUID in SEDP: derived from the endpoint GUID.
      expect(toHex(e.participantGuid.prefix)).to.equal(toHex(e.endpointGuid.prefix));
      expect(e.participantGuid.entityId).to.equal(0x1c1);
      // 0x0075 TYPE_INFORMATION and Cyclone's 0x800c stay raw.
      expect(e.unknownParameters.map((u) => u.pid)).to.include(0x0075);
    }
    expect(pub.map((p) => p.endpointGuid.entityId)).to.include(0x00000203);
    expect(sub).to.have.length.greaterThan(0);
  });

  it('fastdds: Fast DDS participants, LabMsg writer and reader', () => {
    const samples = builtinSamples('fastdds');
    const spdp = samples.filter((s) => s.writerId === SPDP_WRITER).map((s) => decodeSpdpParticipantData(s.payload, s.vendorId));
    expect([...new Set(spdp.map((p) => toHex(p.guidPrefix)))].sort()).to.deep.equal(['010f78fdad38131000000000', '010f78fdae385c4500000000']);
    for (const p of spdp) {
      expect(p.vendorId).to.equal(0x010f);
      expect(p.protocolVersion).to.deep.equal({ major: 2, minor: 3 });
      expect(p.leaseDurationMs).to.equal(20_000);
      expect(p.builtinEndpoints).to.equal(0x0c3f0c3f);
      expect(p.entityName).to.be.a('string');
      expect(p.properties.map((x) => x.name)).to.include('PARTICIPANT_TYPE');
    }
    const pub = samples.filter((s) => s.writerId === PUB_WRITER).map((s) => decodeSedpPublicationData(s.payload, s.vendorId));
    const sub = samples.filter((s) => s.writerId === SUB_WRITER).map((s) => decodeSedpSubscriptionData(s.payload, s.vendorId));
    expect(pub).to.have.length(1);
    expect(sub).to.have.length(1);
    const w = pub[0]!;
    expect(w.topicName).to.equal('LabMsg');
    expect(w.typeName).to.equal('Msg');
    expect(toHex(w.participantGuid.prefix)).to.equal('010f78fdae385c4500000000');
    expect(w.endpointGuid.entityId).to.equal(0x00000103);
    expect(w.typeMaxSizeSerialized).to.equal(268);
    expect(w.qos.reliability?.kind).to.equal('reliable');
    expect(w.qos.durability).to.equal('transient-local');
    expect(w.qos.deadlineMs).to.equal(Infinity);
    expect(w.qos.liveliness).to.deep.equal({ kind: 'automatic', leaseDurationMs: Infinity });
    expect(w.qos.partitions).to.deep.equal([]);
    expect(addressFromLocator(w.unicastLocators[0]!)).to.deep.equal({ family: 'IPv4', ip: '127.0.0.1', port: 7411 });
    const r = sub[0]!;
    expect(r.topicName).to.equal('LabMsg');
    expect(r.expectsInlineQos).to.equal(false);
    expect(r.typeConsistency?.kind).to.equal('allow-type-coercion');
    expect(r.qos.reliability?.kind).to.equal('reliable');
    expect(r.qos.durability).to.equal('transient-local');
  });

  it('cyclone-fastdds-interop: both vendors decode side by side', () => {
    const vendors = new Set(builtinSamples('cyclone-fastdds-interop').filter((s) => s.writerId === SPDP_WRITER)
      .map((s) => decodeSpdpParticipantData(s.payload, s.vendorId).vendorId));
    expect([...vendors].sort()).to.deep.equal([0x010f, 0x0110]);
  });
});
