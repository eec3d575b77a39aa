/** encodeDataSubmessage and encodeWriterData: the same octets as the general submessage encoder, for every shape of DATA, into clean or dirty memory. */
import { expect } from 'chai';
import type { DataSubmessage } from '../../../src/rtps/index.js';
import { encodeDataSubmessage, encodeWriterData, EntityIds, readSubmessage, writeSubmessage } from '../../../src/rtps/index.js';
import { ByteReader } from '../../../src/util/byte-reader.js';
import { ByteWriter } from '../../../src/util/byte-writer.js';
import { EncodeError } from '../../../src/util/errors.js';
import { SeededRandom } from '../../../src/util/prng.js';

function generic(s: DataSubmessage): Uint8Array {
  const w = new ByteWriter(64, true);
  writeSubmessage(w, s, false);
  return w.finish().slice();
}

/** An integer in [lo, hi]. */
function between(rng: SeededRandom, lo: number, hi: number): number {
  return lo + rng.int(hi - lo + 1);
}

describe('rtps/submessages/data-wire', () => {
  it('matches writeSubmessage on 2,000 random DATA submessages (both byte orders, inline QoS, data, key, none, PID_EXTENDED)', () => {
    const rng = new SeededRandom(0xda7a);
    for (let i = 0; i < 2000; i++) {
      const payload = between(rng, 0, 3) === 0 ? undefined : rng.bytes(between(rng, 4, 300));
      const isKey = payload !== undefined && between(rng, 0, 4) === 0;
      const qos = between(rng, 0, 2) === 0 ? undefined : Array.from({ length: between(rng, 0, 4) }, () => ({
        pid: between(rng, 0, 9) === 0 ? 0x10000 + between(rng, 0, 1000) : between(rng, 2, 0x7fff),
        value: rng.bytes(between(rng, 0, 21)),
      }));
      const s: DataSubmessage = {
        kind: 'data', littleEndian: between(rng, 0, 1) === 0, readerId: between(rng, 0, 0xffffffff), writerId: between(rng, 0, 0xffffffff),
        writerSN: between(rng, 0, 3) === 0 ? between(rng, 1, 2 ** 40) : between(rng, 1, 100000), inlineQos: qos,
        serializedData: isKey ? undefined : payload, serializedKey: isKey ? payload : undefined,
        ...(between(rng, 0, 5) === 0 && { isNonStandardPayload: true }),
      };
      const fast = encodeDataSubmessage(s);
      expect(fast, `case ${i}`).to.deep.equal(generic(s));
      const back = readSubmessage(new ByteReader(fast, 'test'), 0);
      expect(back.kind).to.equal('data');
      // The writer's form: a DATA to ENTITYID_UNKNOWN with data or key.
      if (payload !== undefined && s.isNonStandardPayload !== true) {
        const le = s.littleEndian ?? true;
        const toUnknown = generic({ ...s, readerId: EntityIds.UNKNOWN });
        expect(encodeWriterData(le, s.writerId, s.writerSN, qos, payload, isKey), `writer case ${i}`).to.deep.equal(toUnknown);
        // Into reused memory (a writer's OctetArena): every octet written, padding included.
        const dirty = (n: number): Uint8Array => new Uint8Array(n).fill(0xa5);
        expect(encodeWriterData(le, s.writerId, s.writerSN, qos, payload, isKey, dirty), `dirty case ${i}`).to.deep.equal(toUnknown);
      }
    }
  });

  it('rejects what the general encoder rejects', () => {
    const base: DataSubmessage = { kind: 'data', littleEndian: true, readerId: 0, writerId: 0x102, writerSN: 1, inlineQos: undefined, serializedData: new Uint8Array(4), serializedKey: new Uint8Array(4) };
    expect(() => encodeDataSubmessage(base)).to.throw(EncodeError);
    expect(() => encodeDataSubmessage({ ...base, serializedKey: undefined, writerSN: 2 ** 60 })).to.throw(EncodeError);
    expect(() => encodeWriterData(true, 0x102, 2 ** 60, undefined, new Uint8Array(4), false)).to.throw(EncodeError);
  });
});
