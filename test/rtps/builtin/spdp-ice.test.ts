import { expect } from 'chai';
import { ICE_CANDIDATE_PARAM, ICE_GENERAL_PARAM } from '../pid/ice.test.js';
import { decodeSpdpParticipantData, encodeSpdpParticipantData } from '../../../src/rtps/builtin/spdp-participant-data.js';
import type { SpdpParticipantData } from '../../../src/rtps/builtin/spdp-participant-data.js';
import { decodeSedpPublicationData, encodeSedpPublicationData } from '../../../src/rtps/builtin/sedp-endpoint-data.js';
import { locatorFromAddress } from '../../../src/rtps/locator.js';
import { DecodeError } from '../../../src/util/errors.js';
import { fromHex } from '../../../src/util/hex.js';

function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) { out.set(p, off); off += p.length; }
  return out;
}

const PREFIX = fromHex('0103aabbccddeeff00010002');
const OPENDDS = 0x0103;
const CYCLONE = 0x0110;

/** A PL_CDR_LE SPDP payload: PARTICIPANT_GUID, then `tail` parameters, then PID_SENTINEL. */
function spdpPayload(...tail: Uint8Array[]): Uint8Array {
  return concatBytes(
    fromHex('00030000'),
    fromHex('50001000'), PREFIX, fromHex('000001c1'),
    ...tail,
    fromHex('01000000'),
  );
}

const PARTICIPANT: SpdpParticipantData = {
  guidPrefix: PREFIX,
  protocolVersion: { major: 2, minor: 4 },
  vendorId: OPENDDS,
  builtinEndpoints: 0x0c3f,
  leaseDurationMs: 300_000,
  metatrafficUnicastLocators: [locatorFromAddress({ family: 'IPv4', ip: '192.168.1.10', port: 7410 })],
  metatrafficMulticastLocators: [locatorFromAddress({ family: 'IPv4', ip: '239.255.0.1', port: 7400 })],
  defaultUnicastLocators: [locatorFromAddress({ family: 'IPv6', ip: 'fe80::1', port: 7411 })],
  defaultMulticastLocators: [],
  domainId: 4,
  properties: [{ name: 'a', value: 'b' }],
  isRtpsRelayApplicationParticipant: true,
  ice: new Map([
    ['SPDP', { type: 'lite', username: 'u2', password: 'p2', candidates: [] }],
    ['SEDP', {
      type: 'full', username: '0123456789abcdef0123456789abcdef', password: 'fedcba9876543210fedcba9876543210',
      candidates: [{ address: { family: 'IPv4', ip: '192.168.1.10', port: 50000 }, foundation: 'H192.168.1.10U', priority: 0x7efffeff, type: 'host' }],
    }],
  ]),
  unknownParameters: [],
};

describe('rtps/builtin SPDP with OpenDDS ICE parameters (spec §2)', () => {
  it('decodes the §13.5 vectors inside a PL_CDR_LE SPDP payload and re-encodes them byte for byte', () => {
    const payload = spdpPayload(ICE_GENERAL_PARAM, ICE_CANDIDATE_PARAM);
    const p = decodeSpdpParticipantData(payload, CYCLONE); // vendor id not checked for 0xB003/0xB004
    const sedp = p.ice.get('SEDP')!;
    expect(sedp.type).to.equal('full');
    expect(sedp.username).to.equal('0123456789abcdef0123456789abcdef');
    expect(sedp.candidates).to.deep.equal([
      { address: { family: 'IPv4', ip: '192.168.1.10', port: 50000 }, foundation: 'H192.168.1.10U', priority: 0x7efffeff, type: 'host' },
    ]);
    const out = encodeSpdpParticipantData(p, { littleEndian: true });
    // Our encoder writes GUID, vendor, builtin set, lease first; the ICE tail is the vectors verbatim.
    const tail = concatBytes(ICE_GENERAL_PARAM, ICE_CANDIDATE_PARAM, fromHex('01000000'));
    expect(out.subarray(out.length - tail.length)).to.deep.equal(tail);
    expect(decodeSpdpParticipantData(out, CYCLONE)).to.deep.equal(p);
  });

  it('round-trips a full participant byte-exactly in both byte orders, keys sorted SEDP before SPDP', () => {
    for (const littleEndian of [true, false]) {
      const bytes = encodeSpdpParticipantData(PARTICIPANT, { littleEndian });
      expect([...bytes.subarray(0, 4)]).to.deep.equal(littleEndian ? [0, 3, 0, 0] : [0, 2, 0, 0]);
      const back = decodeSpdpParticipantData(bytes, OPENDDS);
      expect(back).to.deep.equal(PARTICIPANT);
      expect(encodeSpdpParticipantData(back, { littleEndian })).to.deep.equal(bytes);
      expect([...back.ice.keys()]).to.deep.equal(['SEDP', 'SPDP']);
    }
  });

  it('reads PID 0xB006 only from OpenDDS senders and keeps it raw otherwise', () => {
    const relay = fromHex('06b0040001000000');
    expect(decodeSpdpParticipantData(spdpPayload(relay), OPENDDS).isRtpsRelayApplicationParticipant).to.equal(true);
    const other = decodeSpdpParticipantData(spdpPayload(relay), CYCLONE);
    expect(other.isRtpsRelayApplicationParticipant).to.equal(undefined);
    expect(other.unknownParameters.map((u) => u.pid)).to.deep.equal([0xb006]);
  });

  it('accepts candidates before (or without) the general parameter', () => {
    const p = decodeSpdpParticipantData(spdpPayload(ICE_CANDIDATE_PARAM), CYCLONE);
    expect(p.ice.get('SEDP')).to.deep.include({ type: 'full', username: '', password: '' });
    const q = decodeSpdpParticipantData(spdpPayload(ICE_CANDIDATE_PARAM, ICE_GENERAL_PARAM), CYCLONE);
    expect(q.ice).to.deep.equal(decodeSpdpParticipantData(spdpPayload(ICE_GENERAL_PARAM, ICE_CANDIDATE_PARAM), CYCLONE).ice);
  });

  it('drops all ICE info when a candidate locator is not UDPv4/UDPv6, keeping the participant', () => {
    const bad = ICE_CANDIDATE_PARAM.slice();
    bad[16] = 16; // locator kind SHM
    const p = decodeSpdpParticipantData(spdpPayload(ICE_GENERAL_PARAM, bad), CYCLONE);
    expect(p.ice.size).to.equal(0);
    expect(p.guidPrefix).to.deep.equal(PREFIX);
  });

  it('rejects an unknown must-understand PID with DecodeError and keeps other unknown PIDs raw', () => {
    expect(() => decodeSpdpParticipantData(spdpPayload(fromHex('7f400400deadbeef')), CYCLONE)).to.throw(DecodeError, /must-understand/);
    const p = decodeSpdpParticipantData(spdpPayload(fromHex('7f000400deadbeef')), CYCLONE);
    expect(p.unknownParameters).to.deep.equal([{ pid: 0x7f, value: fromHex('deadbeef') }]);
    expect(encodeSpdpParticipantData(p, { littleEndian: true }).subarray(-12)).to.deep.equal(fromHex('7f000400deadbeef01000000'));
  });

  it('carries "DATA" agent info in SEDP publication data', () => {
    const data = { type: 'full', username: 'u', password: 'p', candidates: [] } as const;
    const pub = {
      endpointGuid: { prefix: PREFIX, entityId: 0x102 }, participantGuid: { prefix: PREFIX, entityId: 0x1c1 },
      topicName: 'LabMsg', typeName: 'Msg', qos: { reliability: { kind: 'reliable', maxBlockingTimeMs: 100 }, partitions: ['x'] },
      unicastLocators: [], multicastLocators: [], ice: new Map([['DATA', data]]), unknownParameters: [],
    } as const;
    const bytes = encodeSedpPublicationData(pub, { littleEndian: true });
    const back = decodeSedpPublicationData(bytes, OPENDDS);
    expect(back.ice.get('DATA')).to.deep.equal(data);
    expect(encodeSedpPublicationData(back, { littleEndian: true })).to.deep.equal(bytes);
  });
});
