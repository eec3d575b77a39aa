/** OpenDDS configuration: .ini parsing, camelCase options, defaults, validation, unknown keys. */
import { expect } from 'chai';
import { parseDdsConfigIni, resolveDdsConfig } from '../../src/dds/index.js';
import { InvalidConfigError } from '../../src/util/errors.js';
import { createLogger } from '../../src/util/logger.js';
import type { LogRecord } from '../../src/util/logger.js';

const INI = `
[common]
DCPSGlobalTransportConfig=$file
DCPSDefaultDiscovery=rtps

[domain/4]
DiscoveryConfig=rtps

[rtps_discovery/rtps]
UseIce=1
SpdpStunServerAddress=192.0.2.1:3478
SedpStunServerAddress=192.0.2.1:3478
SpdpRtpsRelayAddress=198.51.100.9:4444
SedpRtpsRelayAddress=198.51.100.9:4445
UseRtpsRelay=1
RtpsRelayOnly=0
ResendPeriod=10
SedpHeartbeatPeriod=100
LeaseDuration=60
SpdpSendAddrs=10.0.0.1:7410,10.0.0.2:7410

[transport/t1]
transport_type=rtps_udp
UseIce=1
DataStunServerAddress=192.0.2.1:3478
DataRtpsRelayAddress=198.51.100.9:4446
heartbeat_period=500
receive_address_duration=2

[ice]
Ta=25
ChangePasswordPeriod=2
IndicationPeriod=5
`;

describe('dds/config', () => {
  it('parses an OpenDDS .ini with its keys and units (s, ms) into ms, relay keys stored', () => {
    const c = parseDdsConfigIni(INI);
    expect(c.rtpsDiscovery).to.deep.include({
      useIce: true, useRtpsRelay: true, rtpsRelayOnly: false, resendPeriodMs: 10_000, sedpHeartbeatPeriodMs: 100, leaseDurationMs: 60_000,
    });
    expect(c.rtpsDiscovery.spdpStunServerAddress).to.deep.equal({ family: 'IPv4', ip: '192.0.2.1', port: 3478 });
    expect(c.rtpsDiscovery.spdpRtpsRelayAddress?.port).to.equal(4444);
    expect(c.rtpsDiscovery.sedpRtpsRelayAddress?.port).to.equal(4445);
    expect(c.rtpsDiscovery.spdpSendAddrs.map((a) => a.ip)).to.deep.equal(['10.0.0.1', '10.0.0.2']);
    expect(c.transport).to.deep.include({ useIce: true, heartbeatPeriodMs: 500, receiveAddressDurationMs: 2_000, useRtpsRelay: false });
    expect(c.transport.dataRtpsRelayAddress?.port).to.equal(4446);
    expect(c.ice).to.deep.include({ taMs: 25, changePasswordPeriodMs: 2_000, indicationPeriodMs: 5_000, nominatedTtlMs: 300_000 });
    expect(c.warnings.map((w) => w.key)).to.deep.equal(['common', 'domain/4']);
  });

  it('has OpenDDS defaults (spec §7)', () => {
    const c = resolveDdsConfig();
    expect(c.rtpsDiscovery).to.deep.include({ useIce: false, resendPeriodMs: 30_000, sedpHeartbeatPeriodMs: 200, leaseDurationMs: 300_000, spdpRtpsRelaySendPeriodMs: 30_000, checkSourceIp: true });
    expect(c.transport).to.deep.include({ useIce: false, heartbeatPeriodMs: 1_000, receiveAddressDurationMs: 5_000, nakResponseDelayMs: 200, busyPollUs: 0 });
    expect(c.ice).to.deep.include({ taMs: 50, changePasswordPeriodMs: 300_000, connectivityCheckTtlMs: 300_000 });
    expect(c.warnings).to.deep.equal([]);
  });

  it('takes camelCase options with the same names and units', () => {
    const c = resolveDdsConfig({
      rtpsDiscovery: { useIce: true, resendPeriod: 5, sedpStunServerAddress: '192.0.2.7:3478', rtpsRelayOnly: true },
      transport: { useIce: true, heartbeatPeriod: 250, dataStunServerAddress: { family: 'IPv4', ip: '192.0.2.7', port: 3478 } },
      ice: { changePasswordPeriod: 2, ta: 10, allowLoopback: true },
    });
    expect(c.rtpsDiscovery).to.deep.include({ useIce: true, resendPeriodMs: 5_000, rtpsRelayOnly: true });
    expect(c.rtpsDiscovery.sedpStunServerAddress?.ip).to.equal('192.0.2.7');
    expect(c.transport.heartbeatPeriodMs).to.equal(250);
    expect(resolveDdsConfig({ transport: { busyPollUs: 300 } }).transport.busyPollUs).to.equal(300);
    expect(c.ice).to.deep.include({ changePasswordPeriodMs: 2_000, taMs: 10, allowLoopback: true });
  });

  it('rejects bad values with an InvalidConfigError naming the key', () => {
    const bad: [string, string][] = [
      ['[rtps_discovery/x]\nUseIce=maybe\n', 'rtps_discovery.UseIce'],
      ['[rtps_discovery/x]\nResendPeriod=-1\n', 'rtps_discovery.ResendPeriod'],
      ['[rtps_discovery/x]\nResendPeriod=400\n', 'rtps_discovery.ResendPeriod'],
      ['[rtps_discovery/x]\nSedpStunServerAddress=stun.example\n', 'rtps_discovery.SedpStunServerAddress'],
      ['[transport/t]\ntransport_type=tcp\n', 'transport.transport_type'],
      ['[transport/t]\nheartbeat_period=abc\n', 'transport.heartbeat_period'],
      ['[transport/t]\nmax_message_size=100\n', 'transport.max_message_size'],
      ['[transport/t]\nbusy_poll_us=-5\n', 'transport.busy_poll_us'],
      ['[transport/t]\nbusy_poll_us=200000\n', 'transport.busy_poll_us'],
      ['[ice]\nTa=0\n', 'ice.Ta'],
      ['[ice]\nServerReflexiveIndicationCount=1.5\n', 'ice.ServerReflexiveIndicationCount'],
    ];
    for (const [text, key] of bad) {
      let err: unknown;
      try { parseDdsConfigIni(text); } catch (e) { err = e; }
      expect(err, text).to.be.instanceOf(InvalidConfigError);
      expect(err instanceof InvalidConfigError ? err.key : '', text).to.equal(key);
    }
    expect(() => resolveDdsConfig({ ice: { changePasswordPeriod: 0 } })).to.throw(InvalidConfigError, 'ice.ChangePasswordPeriod');
  });

  it('warns about unknown keys and sections instead of ignoring them silently', () => {
    const records: LogRecord[] = [];
    const log = createLogger((r) => { records.push(r); });
    const c = parseDdsConfigIni('[rtps_discovery/a]\nUseIce=1\nUseIcee=1\n[rtps_discovery/b]\nUseIce=0\n[transport/t]\nfoo=1\n[weird]\nx=1\n', { log });
    expect(c.rtpsDiscovery.useIce).to.equal(true);
    expect(c.warnings).to.deep.equal([
      { kind: 'unused-section', key: 'rtps_discovery/b' },
      { kind: 'unknown-section', key: 'weird' },
      { kind: 'unknown-key', key: 'rtps_discovery.UseIcee' },
      { kind: 'unknown-key', key: 'transport.foo' },
    ]);
    expect(records.filter((r) => r.level === 'warn')).to.have.length(4);
    expect(resolveDdsConfig({ ice: { ta: 50, tA: 1 } as { ta: number } }).warnings).to.deep.equal([{ kind: 'unknown-key', key: 'ice.tA' }]);
    expect(parseDdsConfigIni('[rtps_discovery/a]\nUseIce=0\n[rtps_discovery/b]\nUseIce=1\n', { discovery: 'b' }).rtpsDiscovery.useIce).to.equal(true);
    expect(() => parseDdsConfigIni('[rtps_discovery/a]\n', { discovery: 'zz' })).to.throw(InvalidConfigError);
  });
});
