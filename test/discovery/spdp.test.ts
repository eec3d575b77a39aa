import { expect } from 'chai';
import type { IceIntent, SpdpEvent, SpdpTransmit } from '../../src/discovery/index.js';
import { BuiltinEndpointBits, DEFAULT_BUILTIN_ENDPOINTS, SpdpCore } from '../../src/discovery/index.js';
import type { SpdpParticipantData } from '../../src/rtps/index.js';
import { decodeSpdpParticipantData, EntityIds, ICE_KEY_SEDP, ICE_KEY_SPDP, VendorIds } from '../../src/rtps/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { InvalidConfigError } from '../../src/util/errors.js';
import { toHex } from '../../src/util/hex.js';
import { silentLogger } from '../../src/util/logger.js';
import { DiscoveryNet, iceInfo, prefixOf } from './net.js';

const iceEvents = (evs: readonly SpdpEvent[]): IceIntent[] => evs.filter((e): e is IceIntent => e.kind === 'ice-start' || e.kind === 'ice-stop');
const kinds = (evs: readonly { kind: string }[]): string[] => evs.map((e) => e.kind);

function iceMap(tag: string, keys: readonly string[] = [ICE_KEY_SPDP, ICE_KEY_SEDP]): Map<string, ReturnType<typeof iceInfo>> {
  return new Map(keys.map((k) => [k, iceInfo(`${tag}${k}`)]));
}

describe('discovery/SpdpCore', () => {
  it('announces at once, then 4 more at 200 ms, then every 30 s; vendor id 0x0000, our own builtin set', () => {
    const clock = new ManualClock();
    const sent: { at: number; t: SpdpTransmit }[] = [];
    const spdp = new SpdpCore({ guidPrefix: prefixOf(1), clock, log: silentLogger, emit: () => undefined, send: (t) => sent.push({ at: clock.now(), t }) });
    while (clock.now() < 100_000) {
      const d = spdp.nextDeadline()!;
      clock.set(Math.max(d, clock.now()));
      spdp.handleTimeout();
      if (sent.length >= 8) break;
    }
    expect(sent.map((s) => s.at)).to.deep.equal([0, 200, 400, 600, 800, 30_800, 60_800, 90_800]);
    const data = sent[0]!.t.submessages.find((s) => s.kind === 'data');
    expect(data?.kind).to.equal('data');
    if (data?.kind !== 'data') return;
    expect(data.writerId).to.equal(EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER);
    const p = decodeSpdpParticipantData(data.serializedData!, 0);
    expect(p.vendorId).to.equal(VendorIds.UNKNOWN);
    expect(p.builtinEndpoints).to.equal(DEFAULT_BUILTIN_ENDPOINTS);
    expect(p.leaseDurationMs).to.equal(300_000);
    expect(sent.map((s) => s.t.to)).to.deep.equal(Array(8).fill('announce'));
  });

  it('relay (spec §6.3): announces to the relay at once, then 200, 400, 600, 1000, 1600, 2600 ms … capped; a new relay application participant restarts it', () => {
    const clock = new ManualClock();
    const relayAt: number[] = [];
    const spdp = new SpdpCore({
      guidPrefix: prefixOf(1), clock, log: silentLogger, emit: () => undefined,
      send: (t) => { if (t.to === 'relay') relayAt.push(clock.now()); },
    }, { relaySendPeriodMs: 3_000, relayInitialPeriodMs: 200 });
    const runUntil = (end: number): void => {
      for (let d = spdp.nextDeadline(); d !== undefined && d <= end; d = spdp.nextDeadline()) {
        clock.set(Math.max(d, clock.now()));
        spdp.handleTimeout();
      }
      clock.set(end);
    };
    runUntil(10_000);
    // Gaps 200, 400, 600, 1000, 1600, 2600, then capped at 3000.
    expect(relayAt).to.deep.equal([0, 200, 600, 1200, 2200, 3800, 6400, 9400]);
    const other = new SpdpCore({ guidPrefix: prefixOf(9), clock, log: silentLogger, emit: () => undefined, send: () => undefined },
      { isRtpsRelayApplicationParticipant: true, undirected: false });
    expect(other.localData.isRtpsRelayApplicationParticipant).to.equal(true);
    relayAt.length = 0;
    spdp.handleParticipantData(other.localData);
    runUntil(10_700);
    expect(relayAt, 'sent at once and restarted from 200 ms').to.deep.equal([10_000, 10_200, 10_600]);
    expect(spdp.relayApplicationParticipant).to.equal(toHex(prefixOf(9)));
    spdp.close();
  });

  it('undirected: false (the relay application participant): each announcement goes directed to every known participant, nothing undirected, no relay schedule', () => {
    const clock = new ManualClock();
    const sent: SpdpTransmit[] = [];
    const spdp = new SpdpCore({ guidPrefix: prefixOf(1), clock, log: silentLogger, emit: () => undefined, send: (t) => sent.push(t) },
      { undirected: false, relaySendPeriodMs: 30_000, replyToNewParticipants: false });
    spdp.handleTimeout();
    expect(sent, 'nobody known yet: nothing to send').to.deep.equal([]);
    const peers = [2, 3].map((n) => new SpdpCore({ guidPrefix: prefixOf(n), clock, log: silentLogger, emit: () => undefined, send: () => undefined }));
    for (const p of peers) spdp.handleParticipantData(p.localData);
    clock.set(spdp.nextDeadline()!);
    spdp.handleTimeout();
    expect(sent.map((t) => (typeof t.to === 'string' ? t.to : toHex(t.to))).sort()).to.deep.equal([toHex(prefixOf(2)), toHex(prefixOf(3))].sort());
    sent.length = 0;
    spdp.close();
    expect(sent.map((t) => (typeof t.to === 'string' ? t.to : toHex(t.to))).sort(), 'the dispose too').to.deep.equal([toHex(prefixOf(2)), toHex(prefixOf(3))].sort());
  });

  it('rejects a resend period not shorter than the lease', () => {
    expect(() => new SpdpCore({ guidPrefix: prefixOf(1), clock: new ManualClock(), log: silentLogger, emit: () => undefined, send: () => undefined },
      { leaseDurationMs: 10_000, resendPeriodMs: 10_000 })).to.throw(InvalidConfigError);
  });

  it('two and three participants discover each other over the real codec; own announcements are ignored', () => {
    const net = new DiscoveryNet(1);
    const a = net.add(1);
    const b = net.add(2);
    const c = net.add(3);
    net.run(1_000);
    for (const n of [a, b, c]) {
      expect(n.spdp.participants().map((p) => toHex(p.guidPrefix)).sort()).to.deep.equal(
        [a, b, c].filter((x) => x !== n).map((x) => toHex(x.prefix)).sort());
      expect(kinds(n.spdpEvents).filter((k) => k === 'participant-discovered')).to.have.length(2);
      expect(kinds(n.spdpEvents)).not.to.include('participant-updated');
    }
    // Our own multicast loops back in a real network: ignored.
    a.spdp.handleParticipantData(a.spdp.localData);
    expect(a.spdp.drops.own).to.equal(1);
    expect(a.spdp.participants()).to.have.length(2);
  });

  it('ignores other domains', () => {
    const net = new DiscoveryNet(1);
    const a = net.add(1, { spdp: { domainId: 0 } });
    net.add(2, { spdp: { domainId: 7 } });
    net.run(1_000);
    expect(a.spdp.participants()).to.have.length(0);
    expect(a.spdp.drops['other-domain']).to.be.greaterThan(0);
  });

  it('lease expiry removes a silent participant (and only at its lease), with ice-stop for both keys', () => {
    const net = new DiscoveryNet(2);
    const a = net.add(1, { spdp: { ice: iceMap('a') } });
    const b = net.add(2, { spdp: { ice: iceMap('b'), leaseDurationMs: 10_000, resendPeriodMs: 3_000 } });
    net.run(1_000);
    expect(a.spdp.participants()).to.have.length(1);
    const lastHeard = 800; // b's burst: 0, 200, 400, 600, 800
    b.isSilent = true;
    net.runUntil(lastHeard + 10_000 - 2);
    expect(a.spdp.participants()).to.have.length(1);
    a.spdpEvents.length = 0;
    net.runUntil(lastHeard + 10_000 + 2);
    expect(a.spdp.participants()).to.have.length(0);
    const lost = a.spdpEvents.find((e) => e.kind === 'participant-lost');
    expect(lost).to.deep.include({ kind: 'participant-lost', reason: 'lease-expired' });
    const stops = iceEvents(a.spdpEvents);
    expect(stops.every((e) => e.kind === 'ice-stop')).to.equal(true);
    expect(stops.filter((e) => e.endpointKey === 'SPDP')).to.have.length(1);
    expect(stops.filter((e) => e.endpointKey === 'SEDP')).to.have.length(4);
  });

  it('keeps a participant that announces within its lease', () => {
    const net = new DiscoveryNet(2);
    const a = net.add(1);
    net.add(2, { spdp: { leaseDurationMs: 10_000, resendPeriodMs: 3_000 } });
    net.run(60_000);
    expect(a.spdp.participants()).to.have.length(1);
    expect(kinds(a.spdpEvents)).not.to.include('participant-lost');
  });

  it('dispose (close) removes the participant at once', () => {
    const net = new DiscoveryNet(3);
    const a = net.add(1, { spdp: { ice: iceMap('a') } });
    const b = net.add(2, { spdp: { ice: iceMap('b') } });
    net.run(1_000);
    b.spdp.close();
    expect(b.spdp.nextDeadline()).to.equal(undefined);
    expect(iceEvents(b.spdpEvents).filter((e) => e.kind === 'ice-stop')).to.have.length(5);
    a.spdpEvents.length = 0;
    net.run(5);
    expect(a.spdp.participants()).to.have.length(0);
    expect(a.spdpEvents.find((e) => e.kind === 'participant-lost')).to.deep.include({ reason: 'disposed' });
  });

  describe('ICE intents (spec §2.5)', () => {
    it('"SPDP" → one start on the SPDP endpoint; "SEDP" → one start per builtin pairing, sharing the remote info', () => {
      const net = new DiscoveryNet(4);
      const a = net.add(1, { spdp: { ice: iceMap('a') } });
      net.add(2, { spdp: { ice: iceMap('b') } });
      net.run(60_000); // many announcements: still one start per pair
      const starts = iceEvents(a.spdpEvents);
      expect(starts.every((e) => e.kind === 'ice-start')).to.equal(true);
      const spdp = starts.filter((e) => e.endpointKey === 'SPDP');
      expect(spdp).to.have.length(1);
      expect(spdp[0]!.localGuid.entityId).to.equal(EntityIds.PARTICIPANT);
      expect(spdp[0]!.remoteGuid.entityId).to.equal(EntityIds.PARTICIPANT);
      if (spdp[0]!.kind === 'ice-start') expect(spdp[0]!.remote.username).to.equal(iceInfo('bSPDP').username);
      const sedp = starts.filter((e) => e.endpointKey === 'SEDP');
      expect(sedp.map((e) => [e.localGuid.entityId, e.remoteGuid.entityId])).to.deep.equal([
        [EntityIds.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER, EntityIds.SEDP_BUILTIN_PUBLICATIONS_DETECTOR],
        [EntityIds.SEDP_BUILTIN_PUBLICATIONS_DETECTOR, EntityIds.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER],
        [EntityIds.SEDP_BUILTIN_SUBSCRIPTIONS_ANNOUNCER, EntityIds.SEDP_BUILTIN_SUBSCRIPTIONS_DETECTOR],
        [EntityIds.SEDP_BUILTIN_SUBSCRIPTIONS_DETECTOR, EntityIds.SEDP_BUILTIN_SUBSCRIPTIONS_ANNOUNCER],
      ]);
      expect(new Set(sedp.map((e) => e.peerKey)).size).to.equal(4);
      for (const e of sedp) if (e.kind === 'ice-start') expect(e.remote).to.deep.equal(iceInfo('bSEDP'));
    });

    it('a remote advertising participant-message and type-lookup endpoints gets a pairing for each', () => {
      const net = new DiscoveryNet(4);
      const a = net.add(1, { spdp: { ice: iceMap('a') } });
      const B = BuiltinEndpointBits;
      net.add(2, { spdp: { ice: iceMap('b'), builtinEndpoints: 0xfc3f } }); // Cyclone's set
      net.run(1_000);
      const sedp = iceEvents(a.spdpEvents).filter((e) => e.endpointKey === 'SEDP');
      expect(sedp).to.have.length(10);
      expect(0xfc3f & (B.PARTICIPANT_MESSAGE_DATA_READER | B.TYPELOOKUP_SERVICE_REPLY_WRITER)).to.not.equal(0);
      expect(sedp.map((e) => e.localGuid.entityId)).to.include.members([EntityIds.P2P_BUILTIN_PARTICIPANT_MESSAGE_WRITER, EntityIds.TL_SVC_REPLY_READER]);
    });

    it('no ICE toward a remote without the key, and none for a key our side does not run', () => {
      const net = new DiscoveryNet(4);
      const a = net.add(1, { spdp: { ice: iceMap('a', [ICE_KEY_SEDP]) } });
      net.add(2, { spdp: { ice: iceMap('b') } });
      const c = net.add(3);
      net.run(1_000);
      const evs = iceEvents(a.spdpEvents);
      expect(evs.filter((e) => e.endpointKey === 'SPDP')).to.have.length(0);
      expect(evs.filter((e) => e.endpointKey === 'SEDP')).to.have.length(4);
      expect(evs.every((e) => e.remoteGuid.prefix[11] === 2)).to.equal(true);
      expect(iceEvents(c.spdpEvents)).to.have.length(0);
    });

    it('re-announcement with new ICE info (password rotation) starts again; dropping a key stops it', () => {
      const net = new DiscoveryNet(5);
      const a = net.add(1, { spdp: { ice: iceMap('a') } });
      const b = net.add(2, { spdp: { ice: iceMap('b') } });
      net.run(1_000);
      a.spdpEvents.length = 0;
      const rotated = { ...iceInfo('bSEDP'), password: 'q'.repeat(32) };
      b.spdp.setIce('SEDP', rotated);
      net.run(10); // announceOnChange: no 30 s wait
      const upd = a.spdpEvents.find((e) => e.kind === 'participant-updated');
      expect(upd).to.deep.include({ changes: ['ice'] });
      const starts = iceEvents(a.spdpEvents);
      expect(starts).to.have.length(4);
      for (const e of starts) {
        expect(e.kind).to.equal('ice-start');
        expect(e.endpointKey).to.equal('SEDP');
        if (e.kind === 'ice-start') expect(e.remote.password).to.equal('q'.repeat(32));
      }
      a.spdpEvents.length = 0;
      b.spdp.setIce('SPDP', undefined);
      net.run(10);
      expect(iceEvents(a.spdpEvents).map((e) => [e.kind, e.endpointKey])).to.deep.equal([['ice-stop', 'SPDP']]);
    });

    it('a changed builtin set adds and removes pairings', () => {
      const clock = new ManualClock();
      const events: SpdpEvent[] = [];
      const a = new SpdpCore({ guidPrefix: prefixOf(1), clock, log: silentLogger, emit: (e) => events.push(e), send: () => undefined }, { ice: iceMap('a') });
      const base: SpdpParticipantData = { ...new SpdpCore({ guidPrefix: prefixOf(2), clock, log: silentLogger, emit: () => undefined, send: () => undefined }, { ice: iceMap('b') }).localData };
      a.handleParticipantData(base);
      events.length = 0;
      const B = BuiltinEndpointBits;
      a.handleParticipantData({ ...base, builtinEndpoints: B.PARTICIPANT_ANNOUNCER | B.PUBLICATIONS_DETECTOR | B.PARTICIPANT_MESSAGE_DATA_READER });
      const ice = iceEvents(events).map((e) => `${e.kind} ${e.localGuid.entityId.toString(16)}`);
      expect(ice.filter((s) => s.startsWith('ice-stop'))).to.have.length(3);
      expect(ice.filter((s) => s.startsWith('ice-start'))).to.deep.equal([`ice-start ${EntityIds.P2P_BUILTIN_PARTICIPANT_MESSAGE_WRITER.toString(16)}`]);
    });
  });

  it('close() leaves nothing pending and ignores later input', () => {
    const net = new DiscoveryNet(6);
    const a = net.add(1);
    net.add(2);
    net.run(1_000);
    a.spdp.close();
    a.sedp.close();
    expect(a.spdp.nextDeadline()).to.equal(undefined);
    expect(a.sedp.nextDeadline()).to.equal(undefined);
    net.run(1_000);
    expect(a.spdp.participants()).to.have.length(0);
  });
});
