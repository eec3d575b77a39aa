import { expect } from 'chai';
import type { IceIntent, LocalEndpointInit, SedpEvent } from '../../src/discovery/index.js';
import type { EndpointQos, Guid } from '../../src/rtps/index.js';
import { guidToString } from '../../src/rtps/index.js';
import type { Node } from './net.js';
import { DiscoveryNet, iceInfo } from './net.js';

const WRITER = 0x00000102;
const READER = 0x00000107;
const ice = (evs: readonly SedpEvent[]): IceIntent[] => evs.filter((e): e is IceIntent => e.kind === 'ice-start' || e.kind === 'ice-stop');
const g = (n: Node, entityId: number): Guid => ({ prefix: n.prefix, entityId });
const names = (gs: readonly Guid[]): string[] => gs.map(guidToString).sort();

function ep(n: Node, entityId: number, extra: Partial<LocalEndpointInit> = {}): LocalEndpointInit {
  return { guid: g(n, entityId), topic: 'LabMsg', type: 'lab::LabMsg', qos: { reliability: { kind: 'reliable', maxBlockingTimeMs: 100 } }, ...extra };
}

describe('discovery/SedpCore', () => {
  it('matches a writer and a reader across participants, both directions of discovery order', () => {
    const net = new DiscoveryNet(11);
    const a = net.add(1);
    const b = net.add(2);
    a.sedp.addLocalWriter(ep(a, WRITER)); // before discovery: pushed as transient-local history
    net.run(2_000);
    b.sedp.addLocalReader(ep(b, READER)); // after discovery
    net.run(1_000);
    expect(names(a.sedp.matchesOf(g(a, WRITER)))).to.deep.equal([guidToString(g(b, READER))]);
    expect(names(b.sedp.matchesOf(g(b, READER)))).to.deep.equal([guidToString(g(a, WRITER))]);
    const m = a.sedpEvents.find((e) => e.kind === 'matched');
    expect(m?.kind === 'matched' && m.remote.topicName).to.equal('LabMsg');
    expect(ice(a.sedpEvents)).to.have.length(0); // no ICE anywhere
  });

  it('three participants: one writer, two readers in different partitions, one incompatible', () => {
    const net = new DiscoveryNet(12);
    const a = net.add(1);
    const b = net.add(2);
    const c = net.add(3);
    const d = net.add(4);
    a.sedp.addLocalWriter(ep(a, WRITER, { partitions: ['lab.*'], qos: { reliability: { kind: 'best-effort', maxBlockingTimeMs: 0 } } }));
    b.sedp.addLocalReader(ep(b, READER, { partitions: ['lab.one'], qos: {} }));
    c.sedp.addLocalReader(ep(c, READER, { partitions: ['other'], qos: {} }));
    d.sedp.addLocalReader(ep(d, READER, { partitions: ['lab.two'] })); // requests reliable
    net.run(3_000);
    expect(names(a.sedp.matchesOf(g(a, WRITER)))).to.deep.equal([guidToString(g(b, READER))]);
    const inc = a.sedpEvents.filter((e) => e.kind === 'incompatible-qos');
    expect(inc).to.have.length(1);
    expect(inc[0]).to.deep.include({ policy: 'reliability' });
    expect(d.sedpEvents.filter((e) => e.kind === 'incompatible-qos')).to.have.length(1);
    expect(c.sedpEvents.filter((e) => e.kind === 'incompatible-qos' || e.kind === 'matched')).to.have.length(0);
  });

  it('a QoS change unmatches and rematches; removal unmatches at the remote', () => {
    const net = new DiscoveryNet(13);
    const a = net.add(1);
    const b = net.add(2);
    a.sedp.addLocalWriter(ep(a, WRITER));
    b.sedp.addLocalReader(ep(b, READER));
    net.run(2_000);
    expect(a.sedp.matchesOf(g(a, WRITER))).to.have.length(1);
    const bestEffort: EndpointQos = { reliability: { kind: 'best-effort', maxBlockingTimeMs: 0 } };
    a.sedp.updateLocalWriter(g(a, WRITER), { qos: bestEffort });
    net.run(1_000);
    expect(b.sedp.matchesOf(g(b, READER))).to.have.length(0);
    expect(b.sedpEvents.filter((e) => e.kind === 'unmatched')[0]).to.deep.include({ reason: 'qos-changed' });
    a.sedp.updateLocalWriter(g(a, WRITER), { qos: {} });
    net.run(1_000);
    expect(b.sedp.matchesOf(g(b, READER))).to.have.length(1);
    b.sedp.removeLocalReader(g(b, READER));
    net.run(1_000);
    expect(a.sedp.matchesOf(g(a, WRITER))).to.have.length(0);
    expect(a.sedpEvents.flatMap((e) => (e.kind === 'unmatched' ? [e.reason] : []))).to.deep.equal(['qos-changed', 'remote-removed']);
  });

  describe('DATA ICE intents (spec §2.5)', () => {
    it('start per matched pair with the remote "DATA" info; re-announcement with new info starts again; removal stops', () => {
      const net = new DiscoveryNet(14);
      const a = net.add(1);
      const b = net.add(2);
      a.sedp.addLocalWriter(ep(a, WRITER, { ice: iceInfo('aw') }));
      a.sedp.addLocalWriter(ep(a, 0x00000202, { ice: iceInfo('aw') }));
      b.sedp.addLocalReader(ep(b, READER, { ice: iceInfo('br') }));
      net.run(2_000);
      const startsA = ice(a.sedpEvents);
      expect(startsA.map((e) => [e.kind, e.endpointKey, guidToString(e.localGuid), guidToString(e.remoteGuid)])).to.deep.equal([
        ['ice-start', 'DATA', guidToString(g(a, WRITER)), guidToString(g(b, READER))],
        ['ice-start', 'DATA', guidToString(g(a, 0x00000202)), guidToString(g(b, READER))],
      ]);
      if (startsA[0]?.kind === 'ice-start') expect(startsA[0].remote).to.deep.equal(iceInfo('br'));
      expect(ice(b.sedpEvents).filter((e) => e.kind === 'ice-start')).to.have.length(2);
      // Password rotation on b's reader transport: re-announcement, one new start per matched writer.
      a.sedpEvents.length = 0;
      b.sedp.updateLocalReader(g(b, READER), { ice: { ...iceInfo('br'), password: 'z'.repeat(32) } });
      net.run(1_000);
      const again = ice(a.sedpEvents);
      expect(again.map((e) => e.kind)).to.deep.equal(['ice-start', 'ice-start']);
      for (const e of again) if (e.kind === 'ice-start') expect(e.remote.password).to.equal('z'.repeat(32));
      expect(a.sedpEvents.filter((e) => e.kind === 'matched')).to.have.length(0);
      // Same info again: nothing.
      a.sedpEvents.length = 0;
      b.sedp.updateLocalReader(g(b, READER), { locators: [] });
      net.run(1_000);
      expect(ice(a.sedpEvents)).to.have.length(0);
      // Info withdrawn (b's reader transport stops ICE): both sides stop.
      b.sedpEvents.length = 0;
      b.sedp.updateLocalReader(g(b, READER), { ice: null });
      net.run(1_000);
      expect(ice(a.sedpEvents).map((e) => e.kind)).to.deep.equal(['ice-stop', 'ice-stop']);
      expect(ice(b.sedpEvents).map((e) => e.kind)).to.deep.equal(['ice-stop', 'ice-stop']);
      b.sedp.updateLocalReader(g(b, READER), { ice: iceInfo('br') });
      net.run(1_000);
      // Unmatched by removal: stops on the other side too.
      b.sedpEvents.length = 0;
      a.sedp.removeLocalWriter(g(a, WRITER));
      net.run(1_000);
      expect(ice(b.sedpEvents).map((e) => [e.kind, guidToString(e.remoteGuid)])).to.deep.equal([['ice-stop', guidToString(g(a, WRITER))]]);
    });

    it('no DATA intents when the local endpoint has no ICE, even if the remote has', () => {
      const net = new DiscoveryNet(15);
      const a = net.add(1);
      const b = net.add(2);
      a.sedp.addLocalWriter(ep(a, WRITER));
      b.sedp.addLocalReader(ep(b, READER, { ice: iceInfo('br') }));
      net.run(2_000);
      expect(a.sedp.matchesOf(g(a, WRITER))).to.have.length(1);
      expect(ice(a.sedpEvents)).to.have.length(0);
      expect(ice(b.sedpEvents)).to.have.length(0); // a's writer advertises no DATA
    });

    it('participant loss (lease) unmatches everything and stops DATA ICE', () => {
      const net = new DiscoveryNet(16);
      const a = net.add(1);
      const b = net.add(2, { spdp: { leaseDurationMs: 5_000, resendPeriodMs: 1_000 } });
      a.sedp.addLocalWriter(ep(a, WRITER, { ice: iceInfo('aw') }));
      b.sedp.addLocalReader(ep(b, READER, { ice: iceInfo('br') }));
      net.run(2_000);
      a.sedpEvents.length = 0;
      b.isSilent = true;
      net.run(10_000);
      expect(a.sedp.matchesOf(g(a, WRITER))).to.have.length(0);
      expect(a.sedpEvents.map((e) => e.kind)).to.deep.equal(['ice-stop', 'unmatched', 'remote-endpoint-removed']);
      expect(a.sedp.remoteEndpoints()).to.have.length(0);
    });
  });

  it('SEDP reliability survives 30 % loss: 20 writers x 20 readers all match, and ICE intents are exact', () => {
    const net = new DiscoveryNet(17, 0.3);
    const a = net.add(1);
    const b = net.add(2);
    for (let i = 0; i < 20; i++) {
      a.sedp.addLocalWriter(ep(a, 0x100 * (i + 1) + 0x02, { ice: iceInfo(`aw${i}`) }));
      b.sedp.addLocalReader(ep(b, 0x100 * (i + 1) + 0x07, { ice: iceInfo(`br${i}`) }));
    }
    net.run(30_000);
    for (let i = 0; i < 20; i++) expect(a.sedp.matchesOf(g(a, 0x100 * (i + 1) + 0x02))).to.have.length(20);
    expect(ice(a.sedpEvents).filter((e) => e.kind === 'ice-start')).to.have.length(400);
    expect(ice(b.sedpEvents).filter((e) => e.kind === 'ice-start')).to.have.length(400);
    expect(new Set(ice(a.sedpEvents).map((e) => e.peerKey)).size).to.equal(400);
    expect(a.sedp.builtins.publicationsWriter.readerProxies()[0]?.acknowledgedUpTo).to.equal(20);
    // Then a's readers vanish mid-loss: dispositions are reliable too.
    for (let i = 0; i < 20; i++) b.sedp.removeLocalReader(g(b, 0x100 * (i + 1) + 0x07));
    net.run(30_000);
    expect(a.sedpEvents.filter((e) => e.kind === 'unmatched')).to.have.length(400);
    expect(ice(a.sedpEvents).filter((e) => e.kind === 'ice-stop')).to.have.length(400);
  });

  it('close() stops every ICE session and leaves no deadline', () => {
    const net = new DiscoveryNet(18);
    const a = net.add(1);
    const b = net.add(2);
    a.sedp.addLocalWriter(ep(a, WRITER, { ice: iceInfo('aw') }));
    b.sedp.addLocalReader(ep(b, READER, { ice: iceInfo('br') }));
    net.run(2_000);
    a.sedpEvents.length = 0;
    a.sedp.close();
    expect(ice(a.sedpEvents).map((e) => e.kind)).to.deep.equal(['ice-stop']);
    expect(a.sedp.nextDeadline()).to.equal(undefined);
  });
});
