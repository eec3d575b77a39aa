/**
 * DataWriter.write encodes each sample into the codec's scratch buffer and the core copies it into
 * the DATA it keeps (one copy per sample). Writes that must wait for room (keep-all, full history)
 * and samples large enough to be fragmented keep their own copies: no sample is overwritten by the
 * encoding of a later one.
 */
import { expect } from 'chai';
import { DomainParticipant } from '../../src/dds/index.js';
import { VirtualNetwork } from '../../src/simnet/index.js';
import { drive, driveUntil } from './support.js';

const IDL = 'struct KeyedSeq { unsigned long seq; @key unsigned long keyval; sequence<octet> baggage; };';

function baggageOf(seq: number, size: number): Uint8Array {
  return Uint8Array.from({ length: size }, (_, i) => (seq * 31 + i) & 0xff);
}

describe('dds/write-payload', () => {
  for (const size of [40, 3000]) {
    it(`${size === 40 ? 'small' : 'fragmented'} samples written while the history is full arrive with their own payloads`, async () => {
      const net = new VirtualNetwork({ seed: 5, recordTrace: false });
      const ha = net.addHost('a', { ips: ['10.0.0.1'], link: { delayMs: 1 } });
      const hb = net.addHost('b', { ips: ['10.0.0.2'], link: { delayMs: 1 } });
      // Domain 4: SPDP unicast to the peer's participant-0 port (7400 + 250 × 4 + 10).
      const config = (peer: string): { rtpsDiscovery: { spdpSendAddrs: string } } => ({ rtpsDiscovery: { spdpSendAddrs: peer } });
      const a = await driveUntil(net, DomainParticipant.create({ domainId: 4, network: ha, timers: net.timers, config: config('10.0.0.2:8410') }), 1000);
      const b = await driveUntil(net, DomainParticipant.create({ domainId: 4, network: hb, timers: net.timers, config: config('10.0.0.1:8410') }), 1000);
      try {
        const writer = a.createDataWriter(a.createTopic('KS', 'KeyedSeq', IDL), { reliability: 'reliable', history: 'keep-all', maxSamples: 4 });
        const reader = b.createDataReader(b.createTopic('KS', 'KeyedSeq', IDL), { reliability: 'reliable', history: 'keep-all' });
        const got = new Map<number, Uint8Array>();
        reader.on('data', (s) => { got.set(s.seq as number, s.baggage as Uint8Array); });
        await driveUntil(net, writer.waitForMatch(), 20_000);
        await driveUntil(net, reader.waitForMatch(), 20_000);
        // 100 writes at once: 4 go out, 96 wait for acknowledgements with their encoded payloads.
        const writes = Array.from({ length: 100 }, (_, i) => writer.write({ seq: i + 1, keyval: i % 3, baggage: baggageOf(i + 1, size) }));
        await driveUntil(net, Promise.all(writes), 60_000);
        await drive(net, () => got.size >= 100, 60_000);
        expect(got.size).to.equal(100);
        for (let seq = 1; seq <= 100; seq++) expect(got.get(seq), `sample ${seq}`).to.deep.equal(baggageOf(seq, size));
      } finally {
        await a.close();
        await b.close();
      }
    });
  }
});
