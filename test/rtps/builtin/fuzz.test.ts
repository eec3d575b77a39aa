import { expect } from 'chai';
import { builtinSamples } from './captures.test.js';
import { ICE_CANDIDATE_PARAM, ICE_GENERAL_PARAM } from '../pid/ice.test.js';
import { decodeSpdpParticipantData } from '../../../src/rtps/builtin/spdp-participant-data.js';
import { decodeSedpPublicationData, decodeSedpSubscriptionData } from '../../../src/rtps/builtin/sedp-endpoint-data.js';
import { IceCandidate } from '../../../src/rtps/pid/ice-candidate.js';
import { IceGeneral } from '../../../src/rtps/pid/ice-general.js';
import { DecodeError } from '../../../src/util/errors.js';
import { prng } from '../../support/random.js';

type Decoder = (bytes: Uint8Array) => unknown;
const LE = { version: 'xcdr1', littleEndian: true } as const;

const seeds: { name: string; bytes: Uint8Array; decode: Decoder }[] = [
  { name: 'IceGeneral_t', bytes: ICE_GENERAL_PARAM.subarray(4), decode: (b) => IceGeneral.decode(b, LE) },
  { name: 'IceCandidate_t', bytes: ICE_CANDIDATE_PARAM.subarray(4), decode: (b) => IceCandidate.decode(b, LE) },
];
for (const capture of ['cyclone-labmsg', 'fastdds']) {
  const samples = builtinSamples(capture);
  const pick = (writerId: number): Uint8Array => samples.find((s) => s.writerId === writerId)!.payload;
  const vendor = samples[0]!.vendorId;
  seeds.push(
    { name: `${capture} SPDP`, bytes: pick(0x000100c2), decode: (b) => decodeSpdpParticipantData(b, vendor) },
    { name: `${capture} SEDP pub`, bytes: pick(0x000003c2), decode: (b) => decodeSedpPublicationData(b, vendor) },
    { name: `${capture} SEDP sub`, bytes: pick(0x000004c2), decode: (b) => decodeSedpSubscriptionData(b, vendor) },
  );
}

function expectOnlyDecodeError(decode: Decoder, bytes: Uint8Array, what: string): void {
  try {
    decode(bytes);
  } catch (err) {
    if (!(err instanceof DecodeError)) expect.fail(`${what}: ${String(err)}`);
  }
}

describe('rtps/builtin and rtps/pid robustness', () => {
  it('every truncation of the vectors and of real SPDP/SEDP payloads throws DecodeError only', () => {
    for (const s of seeds) {
      for (let n = 0; n < s.bytes.length; n++) expectOnlyDecodeError(s.decode, s.bytes.subarray(0, n), `${s.name} [0, ${n})`);
    }
    // A real SPDP payload cut before its sentinel must fail (not decode partially).
    const spdp = seeds.find((s) => s.name === 'cyclone-labmsg SPDP')!;
    for (let n = 0; n < spdp.bytes.length - 4; n++) expect(() => spdp.decode(spdp.bytes.subarray(0, n))).to.throw(DecodeError);
  });

  it('survives 120,000 seeded mutations with DecodeError only', function () {
    this.timeout(30_000);
    const rnd = prng(0x5eed);
    const started = performance.now();
    let decoded = 0;
    for (let i = 0; i < 120_000; i++) {
      const s = seeds[i % seeds.length]!;
      const b = s.bytes.slice();
      const edits = 1 + Math.floor(rnd() * 4);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(rnd() * b.length);
        const mode = rnd();
        if (mode < 0.6) b[at] = Math.floor(rnd() * 256);
        else if (mode < 0.8) b[at] = [0x00, 0xff, 0x7f, 0x80, 0x01, 0x40][Math.floor(rnd() * 6)]!;
        else b[at]! ^= 1 << Math.floor(rnd() * 8);
      }
      const len = rnd() < 0.1 ? Math.floor(rnd() * b.length) : b.length;
      try {
        s.decode(b.subarray(0, len));
        decoded++;
      } catch (err) {
        if (!(err instanceof DecodeError)) expect.fail(`${s.name} mutation ${i}: ${String(err)}`);
      }
    }
    expect(decoded).to.be.greaterThan(1000);
    expect(performance.now() - started).to.be.lessThan(20_000);
  });
});
