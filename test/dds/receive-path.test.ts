/**
 * The receive path lends in-order samples to the DataReader (no copy out of the datagram): what
 * the user gets must still own its bytes, whatever happens to the datagram buffer afterwards.
 */
import { expect } from 'chai';
import type { DomainParticipant, InstanceStateInfo } from '../../src/dds/index.js';
import { DomainParticipant as Participant } from '../../src/dds/index.js';
import { VirtualNetwork } from '../../src/simnet/index.js';
import { TransportEngine } from '../../src/transport/transport-engine.js';
import { toHex } from '../../src/util/hex.js';
import { SeededRandom } from '../../src/util/prng.js';
import { drive, driveUntil } from './support.js';

const IDL = 'struct Blob { @key unsigned long id; sequence<octet> bytes; string text; };';

describe('dds/receive path (lent samples)', function () {
  this.timeout(60_000);

  it('samples, octet sequences, strings and key hashes survive the datagram being overwritten after receive', async () => {
    const net = new VirtualNetwork({ seed: 5, recordTrace: false });
    const ha = net.addHost('a', { ips: ['10.0.0.1'] });
    const hb = net.addHost('b', { ips: ['10.0.0.2'] });
    const rng = new SeededRandom(9);
    const randomBytes = (n: number): Uint8Array => rng.bytes(n);
    const config = (peer: string) => ({ rtpsDiscovery: { spdpSendAddrs: peer } });
    const proto = TransportEngine.prototype as unknown as { receive: (this: unknown, bytes: Uint8Array) => unknown };
    const receive = proto.receive;
    let overwritten = 0;
    // Every datagram is scribbled over as soon as the receive path returns, as a socket reusing its buffer would.
    proto.receive = function (this: unknown, bytes: Uint8Array): unknown {
      try {
        return receive.call(this, bytes);
      } finally {
        bytes.fill(0xa5);
        overwritten++;
      }
    };
    let a: DomainParticipant | undefined;
    let b: DomainParticipant | undefined;
    try {
      a = await driveUntil(net, Participant.create({ domainId: 4, network: ha, timers: net.timers, randomBytes, config: config('10.0.0.2:8410') }), 1000);
      b = await driveUntil(net, Participant.create({ domainId: 4, network: hb, timers: net.timers, randomBytes, config: config('10.0.0.1:8410') }), 1000);
      const topicA = a.createTopic('Blobs', 'Blob', IDL);
      const writer = a.createDataWriter(topicA, { reliability: 'reliable', history: 'keep-all' });
      const reader = b.createDataReader(b.createTopic('Blobs', 'Blob', IDL), { reliability: 'reliable', history: 'keep-all' });
      const got: { id: unknown; bytes: unknown; text: unknown }[] = [];
      const states: InstanceStateInfo[] = [];
      reader.on('data', (s) => { got.push({ id: s.id, bytes: s.bytes, text: s.text }); });
      reader.on('instance-state', (i) => { states.push(i); });
      await driveUntil(net, writer.waitForMatch(), 10_000);
      await driveUntil(net, reader.waitForMatch(), 10_000);
      const N = 50;
      const bytesOf = (id: number): Uint8Array => Uint8Array.from({ length: 100 + id }, (_, i) => (i * 7 + id) & 0xff);
      for (let id = 1; id <= N; id++) await writer.write({ id, bytes: bytesOf(id), text: `text ${id}` });
      await writer.dispose({ id: 3, bytes: new Uint8Array(0), text: '' });
      await drive(net, () => got.length === N && states.length === 1, 10_000);
      expect(overwritten).to.be.greaterThan(N / 10);
      for (let id = 1; id <= N; id++) {
        const s = got[id - 1];
        expect(s?.id).to.equal(id);
        expect(s?.text).to.equal(`text ${id}`);
        expect(s?.bytes).to.be.instanceOf(Uint8Array);
        expect(toHex(s?.bytes as Uint8Array)).to.equal(toHex(bytesOf(id)));
      }
      expect(toHex(states[0]?.keyHash ?? new Uint8Array(0))).to.equal(toHex(topicA.codec.keyHash({ id: 3, bytes: new Uint8Array(0), text: '' })));
      expect(reader.counts).to.deep.equal({ delivered: N + 1, lost: 0, malformed: 0 });
    } finally {
      proto.receive = receive;
      await a?.close();
      await b?.close();
    }
  });
});
