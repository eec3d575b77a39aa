import { expect } from 'chai';
import type { SedpEvent, SpdpEvent } from '../../src/discovery/index.js';
import { SedpCore, SpdpCore } from '../../src/discovery/index.js';
import type { RtpsMessage } from '../../src/rtps/index.js';
import { decodeRtpsMessage, guidToString } from '../../src/rtps/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { toHex } from '../../src/util/hex.js';
import { silentLogger } from '../../src/util/logger.js';
import { readUdpPackets } from '../support/pcap.js';
import { prefixOf } from './net.js';

/**
 * Replays a capture's datagrams into one of our participants, as if the remote had discovered us:
 * INFO_DST naming any participant is rewritten to ours (the capture's peers talked to each other).
 */
function replay(capture: string): { spdpEvents: SpdpEvent[]; sedpEvents: SedpEvent[]; spdp: SpdpCore; sedp: SedpCore } {
  const clock = new ManualClock();
  const ours = prefixOf(9);
  const spdpEvents: SpdpEvent[] = [];
  const sedpEvents: SedpEvent[] = [];
  const sedp = new SedpCore({ guidPrefix: ours, clock, log: silentLogger, send: () => undefined, emit: (e) => sedpEvents.push(e) });
  const spdp = new SpdpCore({ guidPrefix: ours, clock, log: silentLogger, send: () => undefined, emit: (e) => { spdpEvents.push(e); sedp.handleSpdpEvent(e); } });
  sedp.addLocalReader({ guid: { prefix: ours, entityId: 0x00000107 }, topic: 'LabMsg', type: 'Msg', qos: { reliability: { kind: 'reliable', maxBlockingTimeMs: 100 } } });
  sedp.addLocalWriter({ guid: { prefix: ours, entityId: 0x00000102 }, topic: 'LabMsg', type: 'Msg', qos: {} });
  for (const p of readUdpPackets(`/work/shared/pcaps/${capture}.pcapng`)) {
    if (p.payload.length < 20 || String.fromCharCode(...p.payload.subarray(0, 4)) !== 'RTPS') continue;
    const m = decodeRtpsMessage(p.payload);
    const msg: RtpsMessage = { header: m.header, submessages: m.submessages.map((s) => (s.kind === 'info-dst' ? { ...s, guidPrefix: ours } : s)) };
    spdp.handleMessage(msg);
    sedp.handleMessage(msg);
    clock.advance(1);
    sedp.handleTimeout();
  }
  return { spdpEvents, sedpEvents, spdp, sedp };
}

describe('discovery on captured Cyclone DDS and Fast DDS discovery', () => {
  it('cyclone-labmsg: both Cyclone participants show up with their endpoints, our LabMsg reader and writer match, their dispose removes them', () => {
    const { spdp, sedp, sedpEvents, spdpEvents } = replay('cyclone-labmsg');
    const discovered = spdpEvents.flatMap((e) => (e.kind === 'participant-discovered' ? [toHex(e.participant.guidPrefix)] : []));
    expect(discovered.sort()).to.deep.equal(['01109e4d8c2d251fe37d729f', '0110f2cf7fc354c7cde6a299']);
    // The capture ends with Cyclone's DATA(p[UD]) (key-only, status info): both leave at once.
    expect(spdpEvents.flatMap((e) => (e.kind === 'participant-lost' ? [e.reason] : []))).to.deep.equal(['disposed', 'disposed']);
    expect(spdp.participants()).to.have.length(0);
    expect(spdp.drops.malformed).to.equal(0);
    expect(spdpEvents.filter((e) => e.kind.startsWith('ice'))).to.have.length(0); // Cyclone sends no ICE info
    const remotes = sedpEvents.flatMap((e) => (e.kind === 'remote-endpoint' ? [e.endpoint] : []));
    expect(remotes.map((r) => r.topicName)).to.include('LabMsg');
    const w = remotes.find((r) => r.endpointGuid.entityId === 0x00000203);
    expect(w, 'Cyclone LabMsg writer').to.not.equal(undefined);
    const matchedRemotes = sedpEvents.flatMap((e) => (e.kind === 'matched' ? [guidToString(e.remote.endpointGuid)] : []));
    expect(matchedRemotes).to.include(guidToString(w!.endpointGuid));
    // Our writer offers VOLATILE, Cyclone's LabMsg reader requests TRANSIENT_LOCAL: reported, not matched.
    expect(sedpEvents.flatMap((e) => (e.kind === 'incompatible-qos' ? [[e.local.entityId, e.remote.entityId, e.policy]] : []))).to.deep.equal([
      [0x00000102, 0x00000204, 'durability'],
    ]);
    expect(sedp.malformedCount).to.equal(0);
    expect(sedp.remoteEndpoints()).to.have.length(0); // gone with their participants
  });

  it('fastdds: the Fast DDS writer is discovered and matches our LabMsg reader', () => {
    const { spdpEvents, sedpEvents } = replay('fastdds');
    const discovered = spdpEvents.flatMap((e) => (e.kind === 'participant-discovered' ? [toHex(e.participant.guidPrefix)] : []));
    expect(discovered.sort()).to.deep.equal(['010f78fdad38131000000000', '010f78fdae385c4500000000']);
    const w = sedpEvents.flatMap((e) => (e.kind === 'remote-endpoint' ? [e.endpoint] : [])).find((r) => r.endpointGuid.entityId === 0x00000103);
    expect(w?.topicName).to.equal('LabMsg');
    const matched = sedpEvents.flatMap((e) => (e.kind === 'matched' ? [e.remote.endpointGuid.entityId] : []));
    expect(matched).to.include(0x00000103);
  });
});
