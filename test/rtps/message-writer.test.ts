import { expect } from 'chai';
import { decodeRtpsMessage, encodeRtpsMessage } from '../../src/rtps/message.js';
import { RtpsMessageWriter } from '../../src/rtps/message-writer.js';
import { hex } from './captures.js';
import { OPENDDS_HEADER, payload, PREFIX_B, sampleSubmessages } from './submessages/samples.js';

describe('rtps/message-writer', () => {
  it('batches INFO_DST + INFO_TS + DATA exactly like encodeRtpsMessage', () => {
    const w = new RtpsMessageWriter(64);
    const ts = { seconds: 5, fraction: 6 };
    const data = payload(64);
    const got = w.begin(OPENDDS_HEADER).infoDst(PREFIX_B).infoTs(ts).data(0x107, 0x102, 42, data).finish();
    const want = encodeRtpsMessage(OPENDDS_HEADER, [
      { kind: 'info-dst', guidPrefix: PREFIX_B },
      { kind: 'info-ts', timestamp: ts },
      { kind: 'data', readerId: 0x107, writerId: 0x102, writerSN: 42, inlineQos: undefined, serializedData: data, serializedKey: undefined },
    ]);
    expect(hex(got)).to.equal(hex(want));
    expect(w.length).to.equal(got.length);
  });

  it('reuses its buffer across messages and grows when needed', () => {
    const w = new RtpsMessageWriter(16, false);
    const big = w.begin(OPENDDS_HEADER).data(0, 0x102, 1, payload(3000)).finish().slice();
    const small = w.begin(OPENDDS_HEADER).infoTs(undefined).finish();
    expect(hex(small)).to.equal(hex(encodeRtpsMessage(OPENDDS_HEADER, [{ kind: 'info-ts', littleEndian: false, timestamp: undefined }])));
    const [d] = decodeRtpsMessage(big).submessages;
    expect(d?.kind === 'data' ? d.serializedData?.length : 0).to.equal(3000);
    expect(d?.kind === 'data' ? d.littleEndian : undefined).to.equal(false);
  });

  it('appends any submessage and pads each to 4 octets', () => {
    const w = new RtpsMessageWriter();
    w.begin(OPENDDS_HEADER);
    const all = sampleSubmessages(true);
    for (const s of all) w.submessage(s);
    const out = w.finish();
    expect(out.length % 4).to.equal(0);
    expect(decodeRtpsMessage(out).submessages.map((s) => s.kind)).to.deep.equal(all.map((s) => s.kind));
  });
});
