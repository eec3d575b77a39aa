/** close() leaves nothing behind; pending calls reject or end; AbortSignal cancels a blocked write. */
import { expect } from 'chai';
import { DdsAbortError, DomainParticipant, EntityClosedError } from '../../src/dds/index.js';
import { VirtualNetwork } from '../../src/simnet/index.js';
import { IceDriver } from '../../src/transport/index.js';
import { silentLogger } from '../../src/util/logger.js';
import { SeededRandom } from '../../src/util/prng.js';
import { drive, driveUntil, LAB_MSG_IDL } from './support.js';

describe('dds/lifecycle', function () {
  this.timeout(30_000);

  it('close(): no socket, timer, pending event or driver listener left; blocked writes, waits and iterators settle', async () => {
    const net = new VirtualNetwork({ seed: 9, recordTrace: false });
    const ha = net.addHost('a', { ips: ['10.0.0.1'] });
    const hb = net.addHost('b', { ips: ['10.0.0.2'] });
    const rng = new SeededRandom(5);
    const randomBytes = (n: number): Uint8Array => rng.bytes(n);
    const driver = new IceDriver({ network: ha, timers: net.timers, randomBytes, log: silentLogger });
    const config = (peer: string) => ({ rtpsDiscovery: { useIce: true, spdpSendAddrs: peer }, transport: { useIce: true } });
    const a = await driveUntil(net, DomainParticipant.create({ domainId: 3, network: ha, timers: net.timers, iceDriver: driver, randomBytes, config: config('10.0.0.2:8160') }), 1000);
    const b = await driveUntil(net, DomainParticipant.create({ domainId: 3, network: hb, timers: net.timers, randomBytes, config: config('10.0.0.1:8160') }), 1000);
    expect(driver.listenerCount('ice-event')).to.equal(1);
    const writer = a.createDataWriter(a.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable', history: 'keep-all', maxSamples: 2 });
    const reader = b.createDataReader(b.createTopic('LabMsg', 'Msg', LAB_MSG_IDL), { reliability: 'reliable' });
    await driveUntil(net, writer.waitForMatch(), 10_000);
    // History of 2, nothing acknowledged yet (no simulated time passes): the third write blocks.
    expect((await writer.write({ id: 1, text: 'a' })).sequenceNumber).to.equal(1);
    await writer.write({ id: 2, text: 'b' });
    const ac = new AbortController();
    const aborted = writer.write({ id: 3, text: 'c' }, { signal: ac.signal });
    const blocked = writer.write({ id: 4, text: 'd' });
    const waitMore = writer.waitForMatch({ count: 2 });
    const iterator = reader.samples();
    ac.abort(new Error('user'));
    let abortErr: unknown;
    await aborted.catch((e: unknown) => { abortErr = e; });
    expect(abortErr).to.be.instanceOf(DdsAbortError);
    expect(abortErr instanceof DdsAbortError && abortErr.cause instanceof Error ? abortErr.cause.message : '').to.equal('user');
    // The blocked write completes once the reader acknowledges.
    expect((await driveUntil(net, blocked, 10_000)).sequenceNumber).to.equal(3);
    await drive(net, () => reader.counts.delivered === 3, 10_000);
    const first = await iterator.next();
    expect(first.done).to.equal(false);
    const stillBlocked = [writer.write({ id: 5, text: 'e' }), writer.write({ id: 6, text: 'f' }), writer.write({ id: 7, text: 'g' })];
    const settled = Promise.allSettled([...stillBlocked, waitMore]);
    await a.close();
    await b.close();
    const results = await settled;
    const rejected = results.filter((r) => r.status === 'rejected');
    expect(rejected.length, 'the blocked write(s) and the wait').to.be.at.least(2);
    expect(results[3]?.status).to.equal('rejected');
    expect(rejected.every((r) => r.reason instanceof EntityClosedError)).to.equal(true);
    // The iterator drains what it buffered, then ends.
    let n = 1;
    for (let r = await iterator.next(); r.done !== true; r = await iterator.next()) n++;
    expect(n).to.equal(3);
    await a.close(); // idempotent
    expect(() => a.createTopic('X', 'Msg', LAB_MSG_IDL)).to.throw(EntityClosedError);
    expect(driver.listenerCount('ice-event')).to.equal(0);
    driver.close();
    net.runUntilIdle();
    expect(ha.openSockets + hb.openSockets, 'sockets').to.equal(0);
    expect(net.pendingEvents, 'timers and datagrams in flight').to.equal(0);
  });
});
