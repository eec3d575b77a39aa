import { expect } from 'chai';
import {
  encodeHorizontalDatagram, GuidAddrSet, HorizontalRouter, PartitionTable, RelayPartitionTable, VerticalRouter,
  type HorizontalTransmit, type VerticalTransmit,
} from '../../src/relay/index.js';
import { formatAddress } from '../../src/util/address.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { SeededRandom } from '../../src/util/prng.js';
import { addr, prefixOf, rtps, stunRequest } from './relay-fixtures.js';

const PEER = addr('192.0.2.2', 17402);

function setup(): { clients: GuidAddrSet; partitions: PartitionTable; relays: RelayPartitionTable; h: HorizontalRouter; v: VerticalRouter; sent: VerticalTransmit[]; hsent: HorizontalTransmit[] } {
  const clock = new ManualClock();
  const clients = new GuidAddrSet({ clock, log: silentLogger, emit: () => undefined });
  const partitions = new PartitionTable();
  const relays = new RelayPartitionTable();
  const sent: VerticalTransmit[] = [];
  const hsent: HorizontalTransmit[] = [];
  const h = new HorizontalRouter({ clients, partitions, relays, log: silentLogger, send: (t) => sent.push({ ...t, bytes: t.bytes.slice() }) });
  const v = new VerticalRouter({ clients, partitions, relays, log: silentLogger, send: (t) => sent.push(t), sendHorizontal: (t) => hsent.push(t) });
  relays.setAddress('relay-2', 'data', PEER);
  relays.setSlot('relay-2', 0, ['p', 'q*']);
  return { clients, partitions, relays, h, v, sent, hsent };
}

function join(s: ReturnType<typeof setup>, n: number, partitions: readonly string[]): void {
  s.partitions.setEndpointPartitions({ prefix: prefixOf(n), entityId: 0x102 }, partitions);
  s.v.handle('spdp', rtps(prefixOf(n)), addr(`198.51.100.${n}`, 1));
  s.v.handle('sedp', rtps(prefixOf(n)), addr(`198.51.100.${n}`, 2));
  s.v.handle('data', stunRequest({ guidPrefix: prefixOf(n), indication: true }), addr(`198.51.100.${n}`, 3));
}

describe('relay/horizontal-router and the vertical side\'s horizontal fan-out', () => {
  it('sends a client\'s RTPS once to each relay serving a matching partition, with to_partitions and to_guids', () => {
    const s = setup();
    join(s, 1, ['p']);
    join(s, 2, ['zzz']);
    s.hsent.length = 0;
    const msg = rtps(prefixOf(1), [prefixOf(9)]);
    s.v.handle('data', msg, addr('198.51.100.1', 3));
    expect(s.hsent.map((t) => formatAddress(t.to))).to.deep.equal(['192.0.2.2:17402']);
    expect(s.hsent[0]?.bytes.subarray(-msg.length)).to.deep.equal(msg);
    s.hsent.length = 0;
    s.v.handle('data', rtps(prefixOf(2)), addr('198.51.100.2', 3)); // "zzz": no relay serves it
    s.v.handle('sedp', rtps(prefixOf(1)), addr('198.51.100.1', 2)); // relay-2 has no HSEDP address
    expect(s.hsent).to.deep.equal([]);
  });

  it('never sends the application participant\'s messages horizontally (spec §8.3 step 7)', () => {
    const s = setup();
    // The one notion of the application participant: named to the router (which tells the client table).
    s.v.setApplicationParticipant(prefixOf(1), { spdp: [addr('198.51.100.1', 1)], sedp: [addr('198.51.100.1', 2)], data: [addr('198.51.100.1', 3)] });
    join(s, 1, ['p']);
    join(s, 2, ['p']);
    s.hsent.length = 0;
    s.v.handle('data', rtps(prefixOf(1)), addr('198.51.100.1', 3));
    s.v.handle('sedp', rtps(prefixOf(1), [prefixOf(9)]), addr('198.51.100.1', 2));
    expect(s.hsent).to.deep.equal([]);
    expect(s.v.stats().sentDatagrams, 'its DATA still reaches local client 2').to.be.at.least(1);
    // A client's SEDP directed at the application participant alone stays on this relay too.
    s.v.handle('sedp', rtps(prefixOf(2), [prefixOf(1)]), addr('198.51.100.2', 2));
    expect(s.hsent).to.deep.equal([]);
  });

  it('delivers to local clients matching to_partitions, restricted to to_guids, never back to the source', () => {
    const s = setup();
    join(s, 1, ['p']);
    join(s, 2, ['p']);
    join(s, 3, ['other']);
    s.sent.length = 0;
    const from2 = rtps(prefixOf(2));
    s.h.handle('data', encodeHorizontalDatagram({ toPartitions: ['p'], toGuids: [], useAsyncDiscovery: false }, from2), PEER);
    expect(s.sent.map((t) => `${t.port} ${formatAddress(t.to)}`)).to.deep.equal(['data 198.51.100.1:3']);
    s.sent.length = 0;
    s.h.handle('data', encodeHorizontalDatagram({ toPartitions: ['*'], toGuids: [{ prefix: prefixOf(3), entityId: 0x1c1 }], useAsyncDiscovery: false }, rtps(prefixOf(9))), PEER);
    expect(s.sent.map((t) => formatAddress(t.to))).to.deep.equal(['198.51.100.3:3']);
  });

  it('drops and counts datagrams from unknown sources, malformed headers and malformed RTPS, sending nothing', () => {
    const s = setup();
    join(s, 1, ['p']);
    s.sent.length = 0;
    const good = encodeHorizontalDatagram({ toPartitions: ['p'], toGuids: [], useAsyncDiscovery: false }, rtps(prefixOf(2)));
    s.h.handle('data', good, addr('203.0.113.1', 17402)); // not a relay
    s.h.handle('sedp', good, PEER); // relay-2's DATA address on the SEDP port
    s.h.handle('data', good.subarray(0, 6), PEER);
    s.h.handle('data', encodeHorizontalDatagram({ toPartitions: ['p'], toGuids: [], useAsyncDiscovery: false }, new Uint8Array([82, 84, 80, 83, 2])), PEER);
    s.h.handle('data', encodeHorizontalDatagram({ toPartitions: ['p'], toGuids: [], useAsyncDiscovery: false }, rtps(new Uint8Array(12))), PEER);
    const rnd = new SeededRandom(9);
    for (let i = 0; i < 1000; i++) s.h.handle('data', rnd.bytes(rnd.int(120)), PEER);
    const st = s.h.stats();
    expect(st.dropped['unknown-relay']).to.equal(2);
    expect(st.dropped['malformed-header'] + st.dropped['malformed-rtps']).to.equal(1002);
    expect(st.dropped['unknown-source-prefix']).to.equal(1);
    expect(s.sent).to.deep.equal([]);
  });
});
