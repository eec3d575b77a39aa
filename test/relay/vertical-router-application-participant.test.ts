/**
 * The vertical router's rules for the relay's application participant (spec §8.3 steps 6-7):
 * cached SPDP on admission (once), the application participant's directed SPDP/SEDP to any admitted
 * client whatever its partitions, its undirected ones dropped, clients' undirected or directed-at-it
 * SPDP/SEDP delivered to it, DATA untouched, and imposters (RTPS and GUID_PREFIX STUN) rejected.
 */
import { expect } from 'chai';
import { GuidAddrSet, PartitionTable, RELAY_PORT_TYPES, VerticalRouter, type VerticalTransmit } from '../../src/relay/index.js';
import { formatAddress, type TransportAddress } from '../../src/util/address.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { addr, prefixOf, rtps, stunRequest } from './relay-fixtures.js';

const AP = 100;
const apAddr = (port: 'spdp' | 'sedp' | 'data'): TransportAddress => addr('192.0.2.1', 50000 + RELAY_PORT_TYPES.indexOf(port));
const clientAddr = (n: number, port: 'spdp' | 'sedp' | 'data'): TransportAddress => addr(`198.51.100.${n}`, 40000 + RELAY_PORT_TYPES.indexOf(port));

function setup(rejectedAddressDurationMs = 0): { router: VerticalRouter; clients: GuidAddrSet; partitions: PartitionTable; sent: VerticalTransmit[]; clock: ManualClock } {
  const clock = new ManualClock();
  const clients = new GuidAddrSet({ clock, log: silentLogger, emit: () => undefined }, { rejectedAddressDurationMs });
  const partitions = new PartitionTable();
  const sent: VerticalTransmit[] = [];
  const router = new VerticalRouter({ clients, partitions, log: silentLogger, send: (t) => sent.push({ ...t, bytes: t.bytes.slice() }) });
  router.setApplicationParticipant(prefixOf(AP), { spdp: [apAddr('spdp')], sedp: [apAddr('sedp')], data: [apAddr('data')] });
  return { router, clients, partitions, sent, clock };
}

const targets = (sent: readonly VerticalTransmit[]): string[] => sent.map((t) => `${t.port} ${formatAddress(t.to)}`);

/** Client n: undirected SPDP (cached), then SEDP: admitted. */
function join(s: ReturnType<typeof setup>, n: number): void {
  s.router.handle('spdp', rtps(prefixOf(n)), clientAddr(n, 'spdp'));
  s.router.handle('sedp', rtps(prefixOf(n), [prefixOf(AP)]), clientAddr(n, 'sedp'));
}

describe('relay/vertical-router: the application participant (spec §8.3 step 7)', () => {
  it('hands the cached SPDP to the application participant on admission, once, and admits the application participant on sight', () => {
    const s = setup();
    const spdp = rtps(prefixOf(1));
    s.router.handle('spdp', spdp, clientAddr(1, 'spdp'));
    expect(s.sent, 'not admitted yet: nothing forwarded').to.deep.equal([]);
    s.router.handle('data', stunRequest({ guidPrefix: prefixOf(1), indication: true }), clientAddr(1, 'data'));
    s.router.handle('sedp', stunRequest({ guidPrefix: prefixOf(1), indication: true }), clientAddr(1, 'sedp')); // admission by STUN
    expect(s.clients.isAdmitted(prefixOf(1))).to.equal(true);
    expect(targets(s.sent)).to.deep.equal(['spdp 192.0.2.1:50000']);
    expect(s.sent[0]?.bytes).to.deep.equal(spdp);
    s.sent.length = 0;
    // Admitted on an undirected SPDP: that SPDP is the cached one and goes to the application participant once.
    const s2 = setup();
    s2.router.handle('sedp', stunRequest({ guidPrefix: prefixOf(2), indication: true }), clientAddr(2, 'sedp'));
    s2.router.handle('spdp', rtps(prefixOf(2)), clientAddr(2, 'spdp'));
    expect(targets(s2.sent)).to.deep.equal(['spdp 192.0.2.1:50000']);
    s2.router.handle('spdp', rtps(prefixOf(AP), [prefixOf(2)]), apAddr('spdp'));
    expect(s2.clients.isAdmitted(prefixOf(AP))).to.equal(true);
  });

  it('routes the application participant\'s directed SPDP/SEDP to the destination clients whatever their partitions, drops its undirected ones', () => {
    const s = setup();
    join(s, 1);
    join(s, 2);
    s.partitions.setEndpointPartitions({ prefix: prefixOf(1), entityId: 0x102 }, ['a']);
    s.sent.length = 0;
    s.router.handle('spdp', rtps(prefixOf(AP), [prefixOf(1)]), apAddr('spdp'));
    s.router.handle('sedp', rtps(prefixOf(AP), [prefixOf(2), prefixOf(1)]), apAddr('sedp'));
    expect(targets(s.sent)).to.deep.equal(['spdp 198.51.100.1:40000', 'sedp 198.51.100.2:40001', 'sedp 198.51.100.1:40001']);
    s.sent.length = 0;
    s.router.handle('spdp', rtps(prefixOf(AP)), apAddr('spdp'));
    expect(s.sent).to.deep.equal([]);
    expect(s.router.stats().dropped['application-participant-undirected']).to.equal(1);
  });

  it('delivers clients\' undirected SPDP/SEDP and SPDP/SEDP directed at it to the application participant; not DATA, not directed at others', () => {
    const s = setup();
    join(s, 1);
    join(s, 2);
    s.sent.length = 0;
    s.router.handle('spdp', rtps(prefixOf(1)), clientAddr(1, 'spdp')); // undirected: client 2 shares "" and the AP gets it
    expect(targets(s.sent)).to.deep.equal(['spdp 192.0.2.1:50000']); // client 2 has no known endpoint yet: no partition match
    s.partitions.setEndpointPartitions({ prefix: prefixOf(1), entityId: 0x102 }, []);
    s.partitions.setEndpointPartitions({ prefix: prefixOf(2), entityId: 0x107 }, []);
    s.sent.length = 0;
    s.router.handle('spdp', rtps(prefixOf(1)), clientAddr(1, 'spdp'));
    expect(targets(s.sent)).to.deep.equal(['spdp 198.51.100.2:40000', 'spdp 192.0.2.1:50000']);
    s.sent.length = 0;
    s.router.handle('sedp', rtps(prefixOf(1), [prefixOf(AP)]), clientAddr(1, 'sedp'));
    expect(targets(s.sent)).to.deep.equal(['sedp 192.0.2.1:50001']);
    s.sent.length = 0;
    s.router.handle('sedp', rtps(prefixOf(1), [prefixOf(2)]), clientAddr(1, 'sedp'));
    expect(targets(s.sent)).to.deep.equal(['sedp 198.51.100.2:40001']);
    s.sent.length = 0;
    s.router.handle('data', stunRequest({ guidPrefix: prefixOf(2), indication: true }), clientAddr(2, 'data'));
    s.router.handle('data', rtps(prefixOf(1)), clientAddr(1, 'data'));
    expect(targets(s.sent)).to.deep.equal(['data 198.51.100.2:40002']);
  });

  it('rejects an imposter of the application participant (RTPS or GUID_PREFIX STUN from another address): dropped, nothing recorded, no answer', () => {
    const s = setup(10_000);
    join(s, 1);
    s.sent.length = 0;
    const imposter = addr('203.0.113.66', 6000);
    s.router.handle('spdp', rtps(prefixOf(AP), [prefixOf(1)]), imposter);
    s.router.handle('sedp', stunRequest({ guidPrefix: prefixOf(AP) }), addr('203.0.113.66', 6001));
    expect(s.sent, 'nothing forwarded, no STUN answer').to.deep.equal([]);
    expect(s.router.stats().dropped.imposter).to.equal(2);
    expect(s.clients.addresses(prefixOf(AP), 'spdp')).to.deep.equal([]);
    expect(s.clients.addresses(prefixOf(AP), 'sedp')).to.deep.equal([]);
    expect(s.clients.isRejected(imposter)).to.equal(true);
    s.router.handle('spdp', rtps(prefixOf(AP), [prefixOf(1)]), imposter);
    expect(s.router.stats().dropped['rejected-address']).to.equal(1);
    s.clock.advance(10_001);
    s.clients.handleTimeout();
    expect(s.clients.isRejected(imposter), 'rejection expires').to.equal(false);
    // The real one is unaffected.
    s.router.handle('spdp', rtps(prefixOf(AP), [prefixOf(1)]), apAddr('spdp'));
    expect(targets(s.sent)).to.deep.equal(['spdp 198.51.100.1:40000']);
  });

  it('without rejection configured (OpenDDS default -RejectedAddressDuration 0) still drops every imposter datagram', () => {
    const s = setup(0);
    join(s, 1);
    s.sent.length = 0;
    for (let i = 0; i < 3; i++) s.router.handle('sedp', rtps(prefixOf(AP), [prefixOf(1)]), addr('203.0.113.66', 6000));
    expect(s.sent).to.deep.equal([]);
    expect(s.router.stats().dropped.imposter).to.equal(3);
  });
});
