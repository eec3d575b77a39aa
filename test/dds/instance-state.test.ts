/** dispose / unregisterInstance: key-only DATA with PID_STATUS_INFO, reported as instance-state events. */
import { expect } from 'chai';
import type { DomainParticipant, InstanceStateInfo } from '../../src/dds/index.js';
import { DdsUsageError, DomainParticipant as Participant } from '../../src/dds/index.js';
import { decodeRtpsMessage } from '../../src/rtps/index.js';
import { VirtualNetwork } from '../../src/simnet/index.js';
import { toHex } from '../../src/util/hex.js';
import { SeededRandom } from '../../src/util/prng.js';
import { drive, driveUntil, LAB_MSG_IDL } from './support.js';

const KEYED_IDL = 'struct Sensor { @key long id; double value; };';

describe('dds/instance state (dispose, unregister)', function () {
  this.timeout(30_000);

  it('a reader gets disposed and unregistered with the instance key hash, in order with the data, and never as a sample', async () => {
    const net = new VirtualNetwork({ seed: 21, recordTrace: true });
    const ha = net.addHost('a', { ips: ['10.0.0.1'] });
    const hb = net.addHost('b', { ips: ['10.0.0.2'] });
    const rng = new SeededRandom(8);
    const randomBytes = (n: number): Uint8Array => rng.bytes(n);
    const config = (peer: string) => ({ rtpsDiscovery: { spdpSendAddrs: peer } });
    const a: DomainParticipant = await driveUntil(net, Participant.create({ domainId: 4, network: ha, timers: net.timers, randomBytes, config: config('10.0.0.2:8410') }), 1000);
    const b: DomainParticipant = await driveUntil(net, Participant.create({ domainId: 4, network: hb, timers: net.timers, randomBytes, config: config('10.0.0.1:8410') }), 1000);
    try {
      const topicA = a.createTopic('Sensors', 'Sensor', KEYED_IDL);
      const writer = a.createDataWriter(topicA, { reliability: 'reliable', history: 'keep-all' });
      const reader = b.createDataReader(b.createTopic('Sensors', 'Sensor', KEYED_IDL), { reliability: 'reliable', history: 'keep-all' });
      const log: string[] = [];
      const states: InstanceStateInfo[] = [];
      reader.on('data', (s) => { log.push(`data ${typeof s.id === 'number' ? s.id : -1}`); });
      reader.on('instance-state', (i) => { states.push(i); log.push(`${i.state} ${i.keyHash === undefined ? '-' : toHex(i.keyHash)}`); });
      await driveUntil(net, writer.waitForMatch(), 10_000);
      await driveUntil(net, reader.waitForMatch(), 10_000);
      await writer.write({ id: 1, value: 1.5 });
      await writer.write({ id: 2, value: 2.5 });
      const disposed = await writer.dispose({ id: 1, value: 0 });
      await writer.unregisterInstance({ id: 2, value: 0 });
      await writer.write({ id: 3, value: 3.5 });
      await drive(net, () => log.length === 5, 10_000);
      const hash = (id: number): string => toHex(topicA.codec.keyHash({ id, value: 0 }));
      expect(log).to.deep.equal(['data 1', 'data 2', `disposed ${hash(1)}`, `unregistered ${hash(2)}`, 'data 3']);
      expect(states[0]?.sequenceNumber).to.equal(disposed.sequenceNumber);
      expect(states[0]?.writerGuid.entityId).to.equal(writer.guid.entityId);
      // On the wire: a key-only DATA (K flag, serializedKey = encapsulation + key members) with both PIDs.
      const keyOnly = net.trace.flatMap((t) => {
        if (t.kind !== 'send') return [];
        const m = (() => { try { return decodeRtpsMessage(t.bytes); } catch { return undefined; } })();
        return m === undefined ? [] : m.submessages.filter((s) => s.kind === 'data' && s.serializedKey !== undefined && s.writerId === writer.guid.entityId);
      });
      expect(keyOnly.length).to.be.at.least(2);
      const first = keyOnly[0];
      expect(first?.kind === 'data' ? toHex(first.serializedKey ?? new Uint8Array(0)) : '').to.equal('00010000' + '01000000');
      const keyless = a.createDataWriter(a.createTopic('LabMsg', 'Msg', LAB_MSG_IDL));
      let err: unknown;
      await keyless.dispose({ id: 1, text: 'x' }).catch((e: unknown) => { err = e; });
      expect(err).to.be.instanceOf(DdsUsageError);
      expect(reader.counts.delivered).to.equal(5);
    } finally {
      await a.close();
      await b.close();
      net.runUntilIdle();
    }
  });
});
