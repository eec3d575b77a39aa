import { expect } from 'chai';
import { REJECT } from '../../src/ice/index.js';
import {
  createIntegrityKey, ErrorCode, getAttribute, getMappedAddress, MappedAddress, StunMethod, UnknownAttributes,
  verifyMessageIntegrity, XorMappedAddress,
} from '../../src/stun/index.js';
import { transportAddress } from '../../src/util/address.js';
import { toHex } from '../../src/util/hex.js';
import { craft, decode, direct, rawAttr, type Direct, type RequestSpec } from './support/direct.js';

const REMOTE = 'f'.repeat(32);
const PEER = transportAddress('10.0.0.9', 6000);

function valid(d: Direct, over: Partial<RequestSpec> = {}): RequestSpec {
  return { username: `${d.info.username}:${REMOTE}`, password: d.info.password, priority: 1862270719, controlling: 5n, ...over };
}

function answer(d: Direct, bytes: Uint8Array): ReturnType<typeof decode> {
  d.sent.length = 0;
  d.agent.handleStun('E', d.local, PEER, bytes);
  expect(d.sent, 'exactly one immediate response').to.have.length(1);
  const t = d.sent[0]!;
  expect(t.to).to.deep.equal(PEER);
  expect(t.from).to.deep.equal(d.local);
  return decode(t.bytes);
}

function expectError(d: Direct, spec: RequestSpec, code: number, reason: string): void {
  const bytes = craft(spec);
  const m = answer(d, bytes);
  expect(m.messageClass).to.equal('error');
  expect(toHex(m.transactionId)).to.equal(toHex(decode(bytes).transactionId));
  expect(getAttribute(m, ErrorCode)).to.deep.equal({ code, reason });
  expect(verifyMessageIntegrity(m, createIntegrityKey(d.info.password)), 'MI keyed with our password').to.equal(true);
  expect(m.fingerprintIndex).to.be.greaterThan(-1);
  expect(d.agent.deferredCount('E', REMOTE), 'no deferred check for a rejected request').to.equal(0);
}

describe('ice/request validation (spec §5.9 table, in order)', () => {
  it('row 1: no USERNAME → 400', () => {
    const d = direct();
    expectError(d, valid(d, { username: undefined }), 400, 'Bad Request: USERNAME must be present');
  });
  it('row 2: no MESSAGE-INTEGRITY → 400', () => {
    const d = direct();
    expectError(d, valid(d, { noIntegrity: true }), 400, 'Bad Request: MESSAGE_INTEGRITY must be present');
  });
  it('row 3: USERNAME without a colon → 400', () => {
    const d = direct();
    expectError(d, valid(d, { username: d.info.username }), 400, 'Bad Request: USERNAME must be colon-separated');
  });
  it('row 4: first part is not our username → 401', () => {
    const d = direct();
    expectError(d, valid(d, { username: `${'0'.repeat(32)}:${REMOTE}` }), 401, 'Unauthorized');
  });
  it('row 5: MESSAGE-INTEGRITY does not verify with our password → 401', () => {
    const d = direct();
    expectError(d, valid(d, { password: '0123456789abcdef0123456789abcdef' }), 401, 'Unauthorized');
  });
  it('row 6: unknown comprehension-required attributes → 420 with UNKNOWN-ATTRIBUTES', () => {
    const d = direct();
    const m = answer(d, craft(valid(d, { extra: [rawAttr(0x0031, new Uint8Array(4)), rawAttr(0x0013, new Uint8Array(2))] })));
    expect(getAttribute(m, ErrorCode)).to.deep.equal({ code: 420, reason: 'Unknown Attributes' });
    expect(getAttribute(m, UnknownAttributes)).to.deep.equal([0x0031, 0x0013]);
  });
  it('row 7: no FINGERPRINT → 400', () => {
    const d = direct();
    expectError(d, valid(d, { fingerprint: false }), 400, 'Bad Request: FINGERPRINT must be present');
  });
  it('row 8: neither ICE-CONTROLLED nor ICE-CONTROLLING → 400', () => {
    const d = direct();
    expectError(d, valid(d, { controlling: undefined }), 400, 'Bad Request: Either ICE_CONTROLLED or ICE_CONTROLLING must be present');
  });
  it('row 9: USE-CANDIDATE with ICE-CONTROLLED → 400 (OpenDDS text, sic)', () => {
    const d = direct();
    expectError(d, valid(d, { controlling: undefined, controlled: 1n, useCandidate: true }), 400,
      'Bad Request: USE_CANDIDATE can only be present when ICE_CONTROLLED is present');
  });
  it('row 10: no PRIORITY → 400', () => {
    const d = direct();
    expectError(d, valid(d, { priority: undefined }), 400, 'Bad Request: PRIORITY must be present');
  });
  it('row 11: method other than Binding → 400', () => {
    const d = direct();
    expectError(d, valid(d, { method: StunMethod.allocate }), 400, 'Bad Request: Unknown method');
  });
  it('applies the rows in table order (row 1 wins over everything else)', () => {
    const d = direct();
    expectError(d, { method: StunMethod.allocate, fingerprint: false }, REJECT.noUsername.code, REJECT.noUsername.reason);
    expectError(d, valid(d, { noIntegrity: true, fingerprint: false, priority: undefined }), 400, REJECT.noIntegrity.reason);
    expectError(d, valid(d, { password: 'x'.repeat(32), fingerprint: false }), 401, 'Unauthorized');
  });

  it('answers a valid request at once: MAPPED, XOR-MAPPED (= source), MI with our password, FINGERPRINT, in that order', () => {
    const d = direct();
    const m = answer(d, craft(valid(d)));
    expect(m.messageClass).to.equal('success');
    expect(m.attributes.map((a) => a.type)).to.deep.equal([0x0001, 0x0020, 0x0008, 0x8028]);
    expect(getAttribute(m, MappedAddress)).to.deep.equal(PEER);
    expect(getAttribute(m, XorMappedAddress)).to.deep.equal(PEER);
    expect(getMappedAddress(m)).to.deep.equal(PEER);
    expect(verifyMessageIntegrity(m, createIntegrityKey(d.info.password))).to.equal(true);
  });

  it('keeps a valid early request as a deferred triggered check (spec §5.9)', () => {
    const d = direct();
    answer(d, craft(valid(d)));
    expect(d.agent.deferredCount('E', REMOTE)).to.equal(1);
    answer(d, craft(valid(d, { useCandidate: true })));
    expect(d.agent.deferredCount('E', REMOTE), 'same source and local: one entry').to.equal(1);
  });

  it('drops malformed datagrams silently', () => {
    const d = direct();
    d.agent.handleStun('E', d.local, PEER, new Uint8Array([0, 1, 0, 4, 0x21, 0x12]));
    expect(d.sent).to.have.length(0);
  });
});
