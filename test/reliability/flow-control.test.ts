import { expect } from 'chai';
import type { AckNackSubmessage } from '../../src/rtps/index.js';
import { sequenceNumberSetFromMembers } from '../../src/rtps/index.js';
import { InvalidConfigError } from '../../src/util/errors.js';
import { makeWriter, payload, prefixOf, READER_ENTITY, submessagesOf, WRITER_ENTITY } from './sim.js';

const R = prefixOf(2);
const READER = { prefix: R, entityId: READER_ENTITY };

function acknack(base: number, members: number[], count: number): AckNackSubmessage {
  return { kind: 'acknack', littleEndian: true, readerId: READER_ENTITY, writerId: WRITER_ENTITY, readerSNState: sequenceNumberSetFromMembers(base, members), count, isFinal: false };
}

const write = (core: ReturnType<typeof makeWriter>['core'], sn: number, size = 100): string => core.write({ serializedData: payload(sn, size) }).kind;

describe('reliability: writer flow control (maxUnackedBytes)', () => {
  it('a keep-all writer stops at the window, resumes when acknowledgements free it, and loses nothing', () => {
    const { core, events } = makeWriter({ history: 'keep-all', maxUnackedBytes: 1_000, heartbeatPeriodMs: 100 });
    core.addReaderProxy(READER, { reliable: true });
    const kinds = Array.from({ length: 11 }, (_, i) => write(core, i + 1));
    expect(kinds.slice(0, 10)).to.deep.equal(Array(10).fill('written'));
    expect(kinds[10]).to.equal('history-full');
    expect(core.unacknowledgedBytes).to.equal(1_000);
    expect(events).to.deep.equal([]);
    core.handleSubmessage(R, acknack(5, [], 1)); // 1..4 acknowledged
    expect(core.unacknowledgedBytes).to.equal(600);
    expect(events.map((e) => e.kind)).to.include('history-space-available');
    expect(write(core, 11)).to.equal('written');
    expect(core.lastSequenceNumber).to.equal(11);
  });

  it('never blocks a keep-last writer and is off at 0 (the core default)', () => {
    const last = makeWriter({ history: 'keep-last', depth: 1, maxUnackedBytes: 500 });
    last.core.addReaderProxy(READER, { reliable: true });
    expect(Array.from({ length: 20 }, (_, i) => write(last.core, i + 1))).to.deep.equal(Array(20).fill('written'));
    const off = makeWriter({ history: 'keep-all' });
    off.core.addReaderProxy(READER, { reliable: true });
    expect(Array.from({ length: 50 }, (_, i) => write(off.core, i + 1, 1_000))).to.deep.equal(Array(50).fill('written'));
    expect(off.core.unacknowledgedBytes).to.equal(0);
  });

  it('does not throttle without reliable readers, and a removed reader releases its window', () => {
    const { core, events } = makeWriter({ history: 'keep-all', maxUnackedBytes: 300 });
    core.addReaderProxy(READER, { reliable: false });
    expect(Array.from({ length: 10 }, (_, i) => write(core, i + 1))).to.deep.equal(Array(10).fill('written'));
    const reliable = { prefix: prefixOf(3), entityId: READER_ENTITY };
    core.addReaderProxy(reliable, { reliable: true });
    expect([write(core, 11), write(core, 12), write(core, 13), write(core, 14)]).to.deep.equal(['written', 'written', 'written', 'history-full']);
    core.removeReaderProxy(reliable);
    expect(core.unacknowledgedBytes).to.equal(0);
    expect(events.map((e) => e.kind)).to.include('history-space-available');
    expect(write(core, 14)).to.equal('written');
  });

  it('the HEARTBEAT after a small burst is final; one per period, or past a quarter of the window, asks for an answer', () => {
    const { core, clock, sent } = makeWriter({ history: 'keep-all', maxUnackedBytes: 4_000, heartbeatPeriodMs: 100 });
    core.addReaderProxy(READER, { reliable: true });
    core.handleTimeout(); // the match HEARTBEAT (not final)
    sent.length = 0;
    clock.advance(1);
    write(core, 1);
    core.handleTimeout();
    const finals = (): boolean[] => submessagesOf(sent, 'heartbeat').map((h) => h.isFinal);
    // First burst: nothing asked yet in this period? The match HEARTBEAT asked at t=0: final now.
    expect(finals()).to.deep.equal([true]);
    sent.length = 0;
    clock.advance(1);
    for (let sn = 2; sn <= 11; sn++) write(core, sn); // 1,100 octets > 4,000 / 4
    // The write that completes a quarter window carries an asking HEARTBEAT at once (mid-burst);
    // the end of the burst, at the same instant, adds none.
    expect(finals()).to.deep.equal([false]);
    core.handleTimeout();
    expect(finals()).to.deep.equal([false]);
    sent.length = 0;
    core.handleSubmessage(R, acknack(12, [], 1));
    clock.advance(1);
    write(core, 12);
    core.handleTimeout();
    expect(finals()).to.deep.equal([true]);
    sent.length = 0;
    clock.advance(150); // the periodic HEARTBEAT of the period asks again
    core.handleTimeout();
    expect(finals()).to.deep.equal([false]);
  });

  it('one repair resends at most the window; the HEARTBEAT that ends it lets the reader ask for the rest', () => {
    // Keep-last never blocks, so its backlog can exceed the window.
    const { core, clock, sent } = makeWriter({ history: 'keep-last', depth: 100, maxUnackedBytes: 1_000, nackResponseDelayMs: 0 });
    core.addReaderProxy(READER, { reliable: true });
    for (let sn = 1; sn <= 20; sn++) write(core, sn);
    sent.length = 0;
    core.handleSubmessage(R, acknack(1, Array.from({ length: 20 }, (_, i) => i + 1), 1));
    clock.advance(1);
    core.handleTimeout();
    expect(submessagesOf(sent, 'data').map((d) => d.writerSN)).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const [hb] = submessagesOf(sent, 'heartbeat');
    expect(hb).to.deep.include({ firstSN: 1, lastSN: 20, isFinal: false });
    sent.length = 0;
    core.handleSubmessage(R, acknack(11, Array.from({ length: 10 }, (_, i) => i + 11), 2));
    clock.advance(1);
    core.handleTimeout();
    expect(submessagesOf(sent, 'data').map((d) => d.writerSN)).to.deep.equal([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
  });

  it('rejects a negative window', () => {
    expect(() => makeWriter({ maxUnackedBytes: -1 })).to.throw(InvalidConfigError);
  });
});

describe('reliability: writer resend on a new path', () => {
  it('resends the unacknowledged changes (bounded) and a HEARTBEAT to that participant only, at once', () => {
    const { core, sent } = makeWriter({ history: 'keep-all', maxUnackedBytes: 350, heartbeatPeriodMs: 1_000, nackResponseDelayMs: 200 });
    const other = { prefix: prefixOf(7), entityId: READER_ENTITY };
    core.addReaderProxy(READER, { reliable: true });
    core.addReaderProxy(other, { reliable: true });
    core.handleTimeout();
    for (let sn = 1; sn <= 3; sn++) write(core, sn);
    core.handleSubmessage(R, acknack(2, [], 1)); // READER has 1
    sent.length = 0;
    expect(core.resendOnNewPath(R)).to.equal(1);
    expect(core.nextDeadline()).to.equal(0);
    core.handleTimeout();
    expect(sent.every((t) => t.to !== 'all-matched' && t.to[11] === R[11])).to.equal(true);
    expect(submessagesOf(sent, 'data').map((d) => d.writerSN)).to.deep.equal([2, 3]);
    expect(submessagesOf(sent, 'heartbeat')).to.have.length(1);
    expect(core.resendOnNewPath(prefixOf(9))).to.equal(0);
  });
});
