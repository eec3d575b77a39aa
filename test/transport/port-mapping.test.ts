import { expect } from 'chai';
import { DEFAULT_PORT_MAPPING, rtpsPort, spdpUnicastPortCandidates } from '../../src/transport/port-mapping.js';
import { InvalidConfigError } from '../../src/util/errors.js';

describe('transport/port-mapping', () => {
  it('has the OpenDDS defaults (spec §1)', () => {
    expect(DEFAULT_PORT_MAPPING).to.deep.equal({ portBase: 7400, domainGain: 250, participantGain: 2, d0: 0, d1: 10, d2: 1, d3: 11, dx: 2, dy: 12 });
  });

  it('domain 0: SPDP 7400 / 7410+2·pid, user 7401 / 7411+2·pid, SEDP 7402 / 7412+2·pid', () => {
    expect(rtpsPort('spdp-multicast', 0)).to.equal(7400);
    expect(rtpsPort('spdp-unicast', 0, 0)).to.equal(7410);
    expect(rtpsPort('spdp-unicast', 0, 3)).to.equal(7416);
    expect(rtpsPort('data-multicast', 0)).to.equal(7401);
    expect(rtpsPort('data-unicast', 0, 1)).to.equal(7413);
    expect(rtpsPort('sedp-multicast', 0)).to.equal(7402);
    expect(rtpsPort('sedp-unicast', 0, 0)).to.equal(7412);
  });

  it('domain gain and custom parameters', () => {
    expect(rtpsPort('spdp-multicast', 1)).to.equal(7650);
    expect(rtpsPort('spdp-unicast', 2, 5)).to.equal(7400 + 500 + 10 + 10);
    expect(rtpsPort('spdp-unicast', 0, 1, { portBase: 10000, participantGain: 4, d1: 20 })).to.equal(10024);
    expect(rtpsPort('spdp-multicast', 0, 0, { d0: 7 })).to.equal(7407);
  });

  it('multicast ports ignore the participant id', () => {
    expect(rtpsPort('spdp-multicast', 0, 9)).to.equal(7400);
  });

  it('refuses results above 65535 and bad ids or parameters', () => {
    expect(() => rtpsPort('spdp-multicast', 233)).to.throw(InvalidConfigError);
    expect(rtpsPort('spdp-multicast', 232)).to.equal(65400);
    expect(() => rtpsPort('data-unicast', 232, 119)).to.throw(InvalidConfigError);
    expect(() => rtpsPort('spdp-unicast', -1)).to.throw(InvalidConfigError);
    expect(() => rtpsPort('spdp-unicast', 0, 1.5)).to.throw(InvalidConfigError);
    expect(() => rtpsPort('spdp-unicast', 0, 0, { portBase: 70000 })).to.throw(InvalidConfigError);
  });

  it('probes SPDP unicast ports pid 0, 1, 2, … (OpenDDS Spdp.cpp)', () => {
    const first = [...spdpUnicastPortCandidates(0)].slice(0, 3);
    expect(first).to.deep.equal([{ participantId: 0, port: 7410 }, { participantId: 1, port: 7412 }, { participantId: 2, port: 7414 }]);
    expect([...spdpUnicastPortCandidates(0)]).to.have.length(120);
    expect([...spdpUnicastPortCandidates(232, {}, 1000)].at(-1)?.port).to.be.at.most(65535);
  });
});
