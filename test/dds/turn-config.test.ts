/** `[ice] TurnServer`, `TurnUsername`, `TurnPassword`, `TurnLifetime` (docs/configuration.md). */
import { expect } from 'chai';
import { parseDdsConfigIni, resolveDdsConfig } from '../../src/dds/index.js';
import { resolveIceConfig } from '../../src/ice/index.js';
import { InvalidConfigError } from '../../src/util/errors.js';

describe('dds/config: TURN keys of [ice]', () => {
  it('parses them from an OpenDDS-style .ini into ice.turnServers (the password as the .ini gives it)', () => {
    const c = parseDdsConfigIni([
      '[rtps_discovery/d]', 'UseIce=1', '[transport/t]', 'transport_type=rtps_udp', 'UseIce=1',
      '[ice]', 'TurnServer=198.51.100.130:3478', 'TurnUsername=lab', 'TurnPassword=p@ss word', 'TurnLifetime=300',
    ].join('\n'));
    expect(c.ice.turnServers).to.deep.equal([{
      address: { ip: '198.51.100.130', port: 3478, family: 'IPv4' }, username: 'lab', password: 'p@ss word', lifetimeS: 300,
    }]);
    expect(c.warnings).to.deep.equal([]);
  });

  it('defaults to no TURN server and a 600 s lifetime', () => {
    expect(resolveDdsConfig({}).ice.turnServers).to.deep.equal([]);
    expect(resolveDdsConfig({ ice: { turnServer: '192.0.2.1:3478', turnUsername: 'u', turnPassword: 'p' } }).ice.turnServers[0]?.lifetimeS).to.equal(600);
  });

  it('rejects incomplete or stray TURN keys naming the key', () => {
    const bad = (ice: object, key: string): void => {
      expect(() => resolveDdsConfig({ ice })).to.throw(InvalidConfigError, key);
    };
    bad({ turnServer: '192.0.2.1:3478', turnPassword: 'p' }, 'ice.TurnUsername');
    bad({ turnServer: '192.0.2.1:3478', turnUsername: 'u' }, 'ice.TurnPassword');
    bad({ turnUsername: 'u', turnPassword: 'p' }, 'ice.TurnUsername');
    bad({ turnServer: 'nowhere', turnUsername: 'u', turnPassword: 'p' }, 'ice.TurnServer');
    bad({ turnServer: '192.0.2.1:3478', turnUsername: 'u', turnPassword: 'p', turnLifetime: 0 }, 'ice.TurnLifetime');
    expect(() => resolveIceConfig({ turnServers: [{ address: { ip: '192.0.2.1', port: 3478, family: 'IPv4' }, username: '', password: 'p' }] }))
      .to.throw(InvalidConfigError, 'ice.turnServers[0].username');
  });

  it('TransportPolicy: all (default) or relay, relay only with a TURN server', () => {
    expect(resolveDdsConfig({}).ice.transportPolicy).to.equal('all');
    expect(resolveDdsConfig({ ice: { turnServer: '192.0.2.1:3478', turnUsername: 'u', turnPassword: 'p', transportPolicy: 'relay' } }).ice.transportPolicy).to.equal('relay');
    expect(() => resolveDdsConfig({ ice: { transportPolicy: 'relay' } })).to.throw(InvalidConfigError, 'ice.transportPolicy');
    expect(() => parseDdsConfigIni('[ice]\nTransportPolicy=srflx\n')).to.throw(InvalidConfigError, 'ice.TransportPolicy');
  });
});
