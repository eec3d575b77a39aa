/**
 * A keep-all writer reuses the octets of released changes (OctetArena), but only once the
 * transport has flushed every transmit that referenced them: what a queued transmit carries is
 * intact when the transport gets to it, whatever the writer released in between. A lending reader
 * reuses a reassembly buffer once its sample's delivery returned, never a buffer a sample still owns.
 */
import { expect } from 'chai';
import type { DataFragSubmessage, Guid } from '../../src/rtps/index.js';
import type { ReliabilityTransmit } from '../../src/reliability/index.js';
import { RtpsReader, RtpsWriter } from '../../src/reliability/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { SeededRandom } from '../../src/util/prng.js';
import { payload, payloadIntact, prefixOf, READER_ENTITY, WRITER_ENTITY } from './sim.js';

describe('reliability: a keep-all writer reuses released octets only after a flush', () => {
  for (const withFlushCount of [true, false]) {
    it(`queued DATA and DATA_FRAG stay intact while a best-effort-only writer releases at once (${withFlushCount ? 'with' : 'without'} a flush count)`, () => {
      const rng = new SeededRandom(21);
      let flushes = 0;
      const queued: ReliabilityTransmit[] = [];
      const core = new RtpsWriter({
        guid: { prefix: prefixOf(1), entityId: WRITER_ENTITY }, clock: new ManualClock(), log: silentLogger,
        send: (t) => queued.push(t), emit: () => undefined,
        ...(withFlushCount ? { flushCount: () => flushes } : {}),
      }, { history: 'keep-all', maxDatagramSize: 14_720, fragmentSize: 1_344 });
      const reader: Guid = { prefix: prefixOf(2), entityId: READER_ENTITY };
      core.addReaderProxy(reader, { reliable: false });
      const sizes = new Map<number, number>();
      const buffers = new Set<ArrayBufferLike>();
      let checked = 0;
      /** What the transport does at a flush: read every queued transmit (here: check it), then count. */
      const flush = (): void => {
        for (const t of queued) {
          for (const s of t.submessages) {
            if (s.kind === 'data') {
              const want = payload(s.writerSN - 1, sizes.get(s.writerSN) ?? -1);
              expect(s.serializedData, `DATA ${s.writerSN}`).to.deep.equal(want);
              checked++;
            } else if (s.kind === 'data-frag') {
              const want = payload(s.writerSN - 1, s.sampleSize);
              const from = (s.fragmentStartingNum - 1) * s.fragmentSize;
              expect(s.fragments, `DATA_FRAG ${s.writerSN}/${s.fragmentStartingNum}`).to.deep.equal(want.subarray(from, from + s.fragments.length));
              buffers.add(s.fragments.buffer);
              checked++;
            }
          }
          if (t.encoded !== undefined) buffers.add(t.encoded.rest.buffer);
        }
        queued.length = 0;
        flushes++;
      };
      // The DataWriter's scratch: overwritten by every encode, so the writer must copy (isTransient).
      const scratch = new Uint8Array(70_000);
      for (let sn = 1; sn <= 3_000; sn++) {
        const size = rng.next() < 0.1 ? 4 * (1_000 + rng.int(16_000)) : 4 * (4 + rng.int(300));
        sizes.set(sn, size);
        scratch.set(payload(sn - 1, size));
        expect(core.write({ serializedData: scratch.subarray(0, size), isTransient: true }).kind).to.equal('written');
        scratch.fill(0xee, 0, size);
        if (rng.next() < 0.01) flush(); // ~700 KB between flushes: chunks empty and turn over in between
      }
      flush();
      expect(core.historySize).to.equal(0);
      expect(checked).to.be.greaterThan(3_000);
      // ~30 MB written: with the flush count a handful of chunks went round, without it every one was new.
      if (withFlushCount) expect(buffers.size).to.be.lessThan(12);
      else expect(buffers.size).to.be.greaterThan(20);
    });
  }
});

describe('reliability: a lending reader reuses reassembly buffers once a sample is delivered', () => {
  const writer: Guid = { prefix: prefixOf(1), entityId: WRITER_ENTITY };
  /** The DATA_FRAGs of sample `sn` (payload `sn - 1`), 3 fragments each, in a shuffled order. */
  const fragsOf = (rng: SeededRandom, sn: number, size: number): DataFragSubmessage[] => {
    const whole = payload(sn - 1, size);
    const fragmentSize = 1_000;
    const out: DataFragSubmessage[] = [];
    for (let start = 1; (start - 1) * fragmentSize < size; start += 3) {
      const from = (start - 1) * fragmentSize;
      const bytes = whole.slice(from, Math.min(size, from + 3 * fragmentSize));
      out.push({
        kind: 'data-frag', littleEndian: true, readerId: 0, writerId: WRITER_ENTITY, writerSN: sn, fragmentStartingNum: start,
        fragmentsInSubmessage: Math.ceil(bytes.length / fragmentSize), fragmentSize, sampleSize: size, inlineQos: undefined, isKey: false, fragments: bytes,
      });
    }
    for (let i = out.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };

  for (const lends of [true, false]) {
    it(`${lends ? 'lending' : 'owning'}: every sample intact when delivered${lends ? ', buffers reused' : ' and afterwards, buffers never reused'}`, () => {
      const rng = new SeededRandom(33);
      const size = 20_000;
      const delivered: { sn: number; bytes: Uint8Array }[] = [];
      const buffers = new Set<ArrayBufferLike>();
      const core = new RtpsReader({
        guid: { prefix: prefixOf(2), entityId: READER_ENTITY }, clock: new ManualClock(), log: silentLogger,
        send: () => undefined, emit: () => undefined, lendsSamples: lends,
        deliver: (s) => {
          expect(payloadIntact(s.serializedData, s.sequenceNumber - 1, size), `SN ${s.sequenceNumber} at delivery`).to.equal(true);
          if (s.serializedData !== undefined) {
            buffers.add(s.serializedData.buffer);
            delivered.push({ sn: s.sequenceNumber, bytes: s.serializedData });
          }
        },
      });
      core.addWriterProxy(writer, { reliable: true });
      for (let sn = 1; sn <= 200; sn += 2) {
        // Two samples at a time, their fragments interleaved: sn + 1 often completes first and waits for sn.
        const all = [...fragsOf(rng, sn, size), ...fragsOf(rng, sn + 1, size)];
        for (let i = all.length - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          [all[i], all[j]] = [all[j]!, all[i]!];
        }
        for (const f of all) core.handleDataFrag(writer, f);
      }
      expect(delivered.map((d) => d.sn)).to.deep.equal(Array.from({ length: 200 }, (_, i) => i + 1));
      if (lends) {
        expect(buffers.size).to.be.lessThan(100); // reused; those held back for ordering own theirs (here 63)
      } else {
        expect(buffers.size).to.equal(200);
        for (const d of delivered) expect(payloadIntact(d.bytes, d.sn - 1, size), `SN ${d.sn} kept`).to.equal(true);
      }
    });
  }
});
