/**
 * RtpsUdpTransport specifics beyond the compliance suite: the ICE-selected address behind NATs
 * (simnet), SPDP port probing, SPDP over multicast on `lo`, and the pure pieces (receiver,
 * packer, §5.13 address selection).
 */
import { expect } from 'chai';
import type { DataSubmessage, Submessage } from '../../src/rtps/index.js';
import { decodeRtpsMessage, encodeDataSubmessage, locatorFromAddress, PROTOCOL_VERSION_2_4, RtpsMessageWriter, timeFromUnixMs, VendorIds } from '../../src/rtps/index.js';
import { StunServer } from '../../src/relay/index.js';
import { NatPresets, twoNatTopology, VirtualNetwork } from '../../src/simnet/index.js';
import { selectAddresses } from '../../src/transport/address-selection.js';
import { packDatagrams } from '../../src/transport/datagram-packer.js';
import { IceDriver } from '../../src/transport/ice-driver.js';
import { receiveRtpsMessage } from '../../src/transport/message-receiver.js';
import { RealTimerService } from '../../src/transport/real-timers.js';
import { RtpsUdpTransport } from '../../src/transport/rtps-transport.js';
import { UdpNetwork } from '../../src/transport/udp-network.js';
import type { TransportAddress } from '../../src/util/address.js';
import { formatAddress } from '../../src/util/address.js';
import { silentLogger } from '../../src/util/logger.js';
import { SeededRandom } from '../../src/util/prng.js';
import { introduce, prefixOf, reliablePair } from './compliance.js';

const HEADER = { protocolVersion: PROTOCOL_VERSION_2_4, vendorId: VendorIds.OPENDDS, guidPrefix: prefixOf(1) };
const data = (sn: number, size = 16, readerId = 0x107, writerId = 0x102): Submessage => ({
  kind: 'data', littleEndian: true, readerId, writerId, writerSN: sn, inlineQos: undefined, serializedData: new Uint8Array(size), serializedKey: undefined,
});
const v4 = (ip: string, port: number): TransportAddress => ({ family: 'IPv4', ip, port });

describe('transport/message-receiver', () => {
  it('tracks INFO_SRC, INFO_DST, INFO_TS (and invalidation) and skips submessages for another participant', () => {
    const w = new RtpsMessageWriter(2000);
    w.begin(HEADER).infoTs(timeFromUnixMs(5000)).submessage(data(1))
      .infoTs(undefined).submessage(data(2))
      .infoDst(prefixOf(9)).submessage(data(3))
      .infoDst(prefixOf(2)).submessage({ kind: 'info-src', littleEndian: true, protocolVersion: PROTOCOL_VERSION_2_4, vendorId: 0x0110, guidPrefix: prefixOf(7) })
      .submessage(data(4));
    const seen: string[] = [];
    const r = receiveRtpsMessage(w.finish(), (src, dst, s, ts) => {
      seen.push(`${src[11]}>${dst?.[11] ?? '-'}:${s.kind === 'data' ? s.writerSN : 0}@${ts?.seconds ?? '-'}`);
    }, { localPrefix: prefixOf(2) });
    expect(r).to.deep.include({ kind: 'ok', visited: 3, notForUs: 1 });
    expect(seen).to.deep.equal(['1>-:1@5', '1>-:2@-', '7>2:4@-']);
  });

  it('returns malformed (never throws) for every truncation, and visits nothing of a bad datagram', () => {
    const w = new RtpsMessageWriter(2000);
    const bytes = w.begin(HEADER).infoTs(timeFromUnixMs(1)).submessage(data(1)).submessage(data(2)).finish().slice();
    let visits = 0;
    for (let n = 0; n < bytes.length; n++) {
      const r = receiveRtpsMessage(bytes.subarray(0, n), () => { visits++; });
      expect(['ok', 'malformed']).to.include(r.kind);
    }
    expect(visits).to.be.lessThan(bytes.length); // only cuts at a submessage boundary decode
    const bad = bytes.slice();
    bad[bad.length - 30] = 0xff; // inside the second DATA
    bad[22] = 0xff; bad[23] = 0xff; // INFO_TS octetsToNextHeader runs past the end
    let n = 0;
    expect(receiveRtpsMessage(bad, () => { n++; }).kind).to.equal('malformed');
    expect(n).to.equal(0);
  });
});

describe('transport/datagram-packer', () => {
  it('packs whole transmits up to maxDatagramSize, adds INFO_DST, and invalidates a borrowed INFO_TS', () => {
    const out: Uint8Array[] = [];
    const withTs: Submessage[] = [{ kind: 'info-ts', littleEndian: true, timestamp: timeFromUnixMs(9000) }, data(1, 100)];
    const r = packDatagrams(HEADER, prefixOf(2), [withTs, [data(2, 100)], [data(3, 100)], [data(4, 100)]], 400, (d) => { out.push(d.slice()); });
    expect(r).to.deep.equal({ datagrams: 2, transmits: 4, oversize: 0 });
    for (const d of out) expect(d.length).to.be.at.most(400);
    const first = decodeRtpsMessage(out[0]!).submessages.map((s) => s.kind);
    expect(first).to.deep.equal(['info-dst', 'info-ts', 'data', 'info-ts', 'data']);
    const inv = decodeRtpsMessage(out[0]!).submessages[3];
    expect(inv?.kind === 'info-ts' && inv.timestamp === undefined).to.equal(true);
    expect(decodeRtpsMessage(out[1]!).submessages.map((s) => s.kind)).to.deep.equal(['info-dst', 'data', 'data']);
  });

  it('writes an encoded chunk\'s INFO_TS only when the time in effect differs, and the same octets as its submessages', () => {
    const ts1 = timeFromUnixMs(9000);
    const ts2 = timeFromUnixMs(9001);
    const chunk = (sn: number, ts: typeof ts1 | undefined): { encoded: true; timestamp: typeof ts; rest: Uint8Array } => {
      const d = data(sn, 20) as DataSubmessage;
      return { encoded: true, timestamp: ts, rest: encodeDataSubmessage(d) };
    };
    const out: Uint8Array[] = [];
    const transmits = [chunk(1, ts1), chunk(2, ts1), chunk(3, ts2), [{ kind: 'info-ts', littleEndian: true, timestamp: ts2 }, data(4, 20)] as Submessage[], chunk(5, ts2), chunk(6, undefined), chunk(7, undefined), [data(8, 20)], chunk(9, ts1)];
    const r = packDatagrams(HEADER, prefixOf(2), transmits, 1400, (d) => { out.push(d.slice()); });
    expect(r).to.deep.equal({ datagrams: 1, transmits: 9, oversize: 0 });
    const seen: string[] = [];
    receiveRtpsMessage(out[0]!, (_src, _dst, s, ts) => { if (s.kind === 'data') seen.push(`${s.writerSN}@${ts === undefined ? '-' : ts.fraction === ts1.fraction ? 1 : 2}`); }, { localPrefix: prefixOf(2) });
    expect(seen).to.deep.equal(['1@1', '2@1', '3@2', '4@2', '5@2', '6@-', '7@-', '8@-', '9@1']);
    expect(decodeRtpsMessage(out[0]!).submessages.map((s) => s.kind)).to.deep.equal(
      ['info-dst', 'info-ts', 'data', 'data', 'info-ts', 'data', 'info-ts', 'data', 'data', 'info-ts', 'data', 'data', 'data', 'info-ts', 'data']);
    // A new datagram starts without a time in effect: its first encoded chunk carries its INFO_TS again.
    const small: Uint8Array[] = [];
    packDatagrams(HEADER, undefined, [chunk(1, ts1), chunk(2, ts1), chunk(3, ts1)], 20 + 12 + 2 * 44, (d) => { small.push(d.slice()); });
    expect(small.map((d) => decodeRtpsMessage(d).submessages.map((s) => s.kind).join(','))).to.deep.equal(['info-ts,data,data', 'info-ts,data']);
  });

  it('sends an oversize transmit alone and counts it', () => {
    const out: Uint8Array[] = [];
    const r = packDatagrams(HEADER, undefined, [[data(1)], [data(2, 1000)], [data(3)]], 300, (d) => { out.push(d.slice()); });
    expect(r.oversize).to.equal(1);
    expect(out).to.have.length(3);
  });
});

describe('transport/address-selection (spec §5.13)', () => {
  const uni = [v4('10.0.0.2', 7412)];
  const ice = v4('203.0.113.1', 50000);
  const relay = v4('192.0.2.9', 4445);
  const base = { relayOnly: false, relay: undefined, ice: undefined, recentReceive: undefined, unicast: uni, multicast: [] };
  it('applies the five rules', () => {
    expect(selectAddresses({ ...base, relayOnly: true, relay }).addresses).to.deep.equal([relay]);
    expect(selectAddresses(base).addresses).to.deep.equal(uni);
    expect(selectAddresses({ ...base, relay })).to.deep.equal({ addresses: [...uni, relay], rule: 'normal+relay' });
    expect(selectAddresses({ ...base, relay, recentReceive: uni[0] }).addresses).to.deep.equal(uni);
    expect(selectAddresses({ ...base, ice })).to.deep.equal({ addresses: [ice], rule: 'ice-only' });
    expect(selectAddresses({ ...base, ice: uni[0] }).addresses).to.deep.equal(uni);
    expect(selectAddresses({ ...base, unicast: [], multicast: [v4('239.255.0.2', 7401)] }).addresses).to.deep.equal([v4('239.255.0.2', 7401)]);
  });
});

describe('transport/RtpsUdpTransport', function () {
  this.timeout(60_000);

  it('probes SPDP unicast ports: the second participant on a host gets participant id 1 (port 7412)', async () => {
    const net = new VirtualNetwork({ recordTrace: false });
    const host = net.addHost('h', { ips: ['10.0.0.1'] });
    const open = (n: number): Promise<RtpsUdpTransport> => RtpsUdpTransport.open({ guidPrefix: prefixOf(n), network: host, timers: net.timers, log: silentLogger });
    const a = await open(1);
    const b = await open(2);
    expect([a.participantId, b.participantId]).to.deep.equal([0, 1]);
    expect(b.localAddresses('spdp')[0]?.port).to.equal(7412);
    expect(a.localAddresses('sedp')[0]?.port).to.be.at.least(49152); // ephemeral, as OpenDDS's SedpPortMode=system
    a.close();
    b.close();
    expect(host.openSockets).to.equal(0);
  });

  it('SPDP announcements over multicast on lo reach a participant that knows no one', async () => {
    const network = new UdpNetwork({}, { includeLoopback: true, ref: false });
    const timers = new RealTimerService({}, { ref: false });
    const open = (n: number): Promise<RtpsUdpTransport> => RtpsUdpTransport.open({ guidPrefix: prefixOf(n), network, timers, log: silentLogger }, {
      ips: ['127.0.0.1'], multicastInterface: '127.0.0.1', domainId: 23,
    });
    const a = await open(1);
    const b = await open(2);
    try {
      expect(a.locators().spdpMulticast).to.have.length(1);
      const got: number[] = [];
      b.addLocalEndpoint({ entityId: 0x000100c7, handler: (src) => { got.push(src[11] ?? 0); } });
      a.addLocalEndpoint({ entityId: 0x000100c2, handler: () => undefined });
      a.send(0x000100c2, { to: 'all-matched', submessages: [data(1, 16, 0, 0x000100c2)] });
      // Bounded wait (5 s): one datagram over lo normally arrives in well under a millisecond, but a loaded CI machine may delay timers.
      for (let i = 0; i < 1000 && got.length === 0; i++) await new Promise((r) => { setTimeout(r, 5); });
      expect(got).to.deep.equal([1]);
      expect(a.stats().dropped.own + b.stats().dropped.own).to.be.at.least(1); // a hears its own multicast
    } finally {
      a.close();
      b.close();
      await network.close();
      timers.close();
    }
  });

  it('replies to the source address only for OpenDDS-like vendors: Fast DDS sends from a socket it never reads, so its locators are used', async () => {
    const net = new VirtualNetwork({ recordTrace: false });
    const host = net.addHost('h', { ips: ['10.0.0.1'] });
    for (const [vendorId, expectSedp, expectSpdp] of [
      [VendorIds.FASTDDS, 'locator', 'locator'], [VendorIds.CYCLONEDDS, 'locator', 'locator'],
      [VendorIds.OPENDDS, 'source', 'source'], [undefined, 'source', 'source'],
    ] as const) {
      const t = await RtpsUdpTransport.open({ guidPrefix: prefixOf(1), network: host, timers: net.timers, log: silentLogger }, { multicast: false });
      const announced = await host.bind('10.0.0.1', 7000); // the remote's metatraffic unicast locator
      const ephemeral = await host.bind('10.0.0.1', 7001); // where the remote sends from
      try {
        const got: string[] = [];
        announced.onDatagram(() => { got.push('locator'); });
        ephemeral.onDatagram(() => { got.push('source'); });
        const remote = prefixOf(9);
        t.addRemoteParticipant({ guidPrefix: remote, metatrafficUnicastLocators: [locatorFromAddress(v4('10.0.0.1', 7000))], ...(vendorId !== undefined && { vendorId }) });
        t.addLocalEndpoint({ entityId: 0x000003c2, handler: () => undefined });
        t.addLocalEndpoint({ entityId: 0x000100c2, handler: () => undefined });
        const msg = new RtpsMessageWriter(2000).begin({ ...HEADER, vendorId: vendorId ?? 0, guidPrefix: remote }).submessage(data(1, 16, 0x3c7, 0x3c2)).finish().slice();
        ephemeral.send(msg, t.localAddresses('sedp')[0]!);
        ephemeral.send(msg, t.localAddresses('spdp')[0]!);
        net.runFor(10);
        t.send(0x000003c2, { to: remote, submessages: [data(2, 16, 0x3c7, 0x3c2)] });
        t.flush();
        net.runFor(10);
        expect(got, `SEDP to vendor ${vendorId}`).to.deep.equal([expectSedp]);
        got.length = 0;
        t.send(0x000100c2, { to: remote, submessages: [data(1, 16, 0x100c7, 0x100c2)] });
        t.flush();
        net.runFor(10);
        expect(got, `directed SPDP to vendor ${vendorId}`).to.deep.equal([expectSpdp]);
      } finally {
        t.close();
        announced.close();
        ephemeral.close();
      }
    }
    expect(host.openSockets).to.equal(0);
  });

  it('sends a writer\'s data and a reader\'s ACKNACKs to the locators the matched remote endpoints announced, else to the defaults', async () => {
    const net = new VirtualNetwork({ recordTrace: false });
    const host = net.addHost('h', { ips: ['10.0.0.1'] });
    const t = await RtpsUdpTransport.open({ guidPrefix: prefixOf(1), network: host, timers: net.timers, log: silentLogger }, { multicast: false });
    const sockets = await Promise.all([7000, 7010, 7020].map((port) => host.bind('10.0.0.1', port)));
    try {
      const got: number[] = [];
      for (const s of sockets) s.onDatagram(() => { got.push(s.localAddress.port); });
      const remote = prefixOf(9);
      // Cyclone-like: it does not reply to the source, so only locators count.
      t.addRemoteParticipant({ guidPrefix: remote, vendorId: VendorIds.CYCLONEDDS, defaultUnicastLocators: [locatorFromAddress(v4('10.0.0.1', 7000))] });
      const writer = 0x00000102;
      const reader = 0x00000207;
      t.addLocalEndpoint({ entityId: writer, handler: () => undefined });
      t.addLocalEndpoint({ entityId: reader, handler: () => undefined });
      const sendAll = (): number[] => {
        got.length = 0;
        t.send(writer, { to: 'all-matched', submessages: [data(1)] });
        t.flush();
        net.runFor(10);
        return [...got].sort();
      };
      const at = (port: number) => [locatorFromAddress(v4('10.0.0.1', port))];
      t.matchRemoteReader(writer, { prefix: remote, entityId: 0x107 }); // announced none
      expect(sendAll(), 'no endpoint locators: the default').to.deep.equal([7000]);
      t.matchRemoteReader(writer, { prefix: remote, entityId: 0x107 }, at(7010));
      expect(sendAll(), 'the reader\'s own').to.deep.equal([7010]);
      t.matchRemoteReader(writer, { prefix: remote, entityId: 0x207 });
      expect(sendAll(), 'a second reader without its own: both').to.deep.equal([7000, 7010]);
      t.matchRemoteReader(writer, { prefix: remote, entityId: 0x307 }, at(7010));
      t.unmatchRemoteReader(writer, { prefix: remote, entityId: 0x207 });
      expect(sendAll(), 'two readers sharing a locator: one datagram').to.deep.equal([7010]);
      // A directed transmit (a repair, a HEARTBEAT) from the same writer goes there too.
      got.length = 0;
      t.send(writer, { to: remote, submessages: [data(2)] });
      t.flush();
      net.runFor(10);
      expect(got).to.deep.equal([7010]);
      // The reader side: ACKNACKs to a remote writer that announced its own locator.
      t.matchRemoteWriter(reader, { prefix: remote, entityId: 0x102 }, at(7020));
      got.length = 0;
      t.send(reader, { to: remote, submessages: [data(3, 16, 0x102, 0x207)] });
      t.flush();
      net.runFor(10);
      expect(got).to.deep.equal([7020]);
      t.unmatchRemoteReader(writer, { prefix: remote, entityId: 0x107 });
      t.unmatchRemoteReader(writer, { prefix: remote, entityId: 0x307 });
      t.matchRemoteReader(writer, { prefix: remote, entityId: 0x107 });
      expect(sendAll(), 'back to the default once no matched reader has its own').to.deep.equal([7000]);
      t.removeRemoteParticipant(remote);
      t.addRemoteParticipant({ guidPrefix: remote, vendorId: VendorIds.CYCLONEDDS, defaultUnicastLocators: [locatorFromAddress(v4('10.0.0.1', 7000))] });
      got.length = 0;
      t.send(reader, { to: remote, submessages: [data(4, 16, 0x102, 0x207)] });
      t.flush();
      net.runFor(10);
      expect(got, 'forgotten with the participant').to.deep.equal([7000]);
      expect(t.stats().dropped['no-destination']).to.equal(0);
    } finally {
      t.close();
      for (const s of sockets) s.close();
    }
    expect(host.openSockets).to.equal(0);
  });

  it('behind two port-restricted NATs with ICE: data goes to the ICE-selected address, never the private locator', async () => {
    const topo = twoNatTopology({ left: NatPresets.portRestricted, right: NatPresets.portRestricted, rttMs: 20, recordTrace: false });
    const stunAt = v4('192.0.2.1', 3478);
    const server = await StunServer.start(topo.server, { ip: stunAt.ip, port: stunAt.port });
    const side = async (host: typeof topo.left, n: number): Promise<{ t: RtpsUdpTransport; d: IceDriver }> => {
      const rng = new SeededRandom(n * 31);
      const d = new IceDriver({ network: host, timers: topo.network.timers, randomBytes: (k) => rng.bytes(k), log: silentLogger });
      const t = await RtpsUdpTransport.open({ guidPrefix: prefixOf(n), network: host, timers: topo.network.timers, log: silentLogger, iceDriver: d }, {
        useIce: true, stunServers: { sedp: stunAt, data: stunAt, spdp: stunAt },
      });
      return { t, d };
    };
    const l = await side(topo.left, 1);
    const r = await side(topo.right, 2);
    try {
      topo.network.runFor(3_000); // server-reflexive gathering
      introduce([l.t, r.t]);
      const privateRight = r.t.localAddresses('data')[0]!;
      expect(privateRight.ip).to.equal('10.2.0.2');
      l.t.startIce('data', r.t.guidPrefix, r.t.iceLocalInfo('data')!);
      r.t.startIce('data', l.t.guidPrefix, l.t.iceLocalInfo('data')!);
      for (let i = 0; i < 200 && (l.t.selectedAddress('data', r.t.guidPrefix) === undefined || r.t.selectedAddress('data', l.t.guidPrefix) === undefined); i++) topo.network.runFor(50);
      const selected = l.t.selectedAddress('data', r.t.guidPrefix);
      expect(selected, 'ICE selected a pair').not.to.equal(undefined);
      expect(selected!.ip).to.equal('203.0.113.1');
      const sentTo: string[] = [];
      const leftData = new Set(l.t.localAddresses('data').map(formatAddress));
      topo.network.onTrace((e) => {
        if (e.kind === 'send' && leftData.has(formatAddress(e.from)) && e.bytes[0] === 0x52) sentTo.push(formatAddress(e.to));
      });
      const { writer, received } = reliablePair(l.t, r.t, topo.network.timers.clock);
      for (let i = 1; i <= 10; i++) writer.write({ serializedData: new Uint8Array(64) });
      l.t.reschedule();
      for (let i = 0; i < 100 && received.length < 10; i++) topo.network.runFor(20);
      expect(received).to.have.length(10);
      expect(sentTo.length).to.be.greaterThan(0);
      expect(new Set(sentTo)).to.deep.equal(new Set([formatAddress(selected!)]));
      expect(sentTo).not.to.include(formatAddress(privateRight));
    } finally {
      l.t.close();
      r.t.close();
      l.d.close();
      r.d.close();
      server.close();
    }
  });
});
