/**
 * Admission control (OpenDDS spec §8.3 step 6, §8.6, §8.9): the admission queue, the participant water
 * marks, the admit state, draining (STUN answers taken away one client per drain interval), and the
 * HTTP `/config` and `/healthcheck` endpoints that report it.
 */
import { connect } from 'node:net';
import { expect } from 'chai';
import { AdmissionControl, GuidAddrSet, MetaDiscoveryServer, RelayServer, type GuidAddrSetInit } from '../../src/relay/index.js';
import { VirtualNetwork } from '../../src/simnet/index.js';
import { decodeStunMessage } from '../../src/stun/index.js';
import { ManualClock } from '../../src/util/clock.js';
import type { DatagramSocket } from '../../src/util/datagram-io.js';
import { InvalidConfigError } from '../../src/util/errors.js';
import { silentLogger } from '../../src/util/logger.js';
import { addr, hexOf, prefixOf, rtps, stunRequest } from './relay-fixtures.js';

function clientsWith(init: GuidAddrSetInit): { clock: ManualClock; set: GuidAddrSet; ready: (n: number) => void } {
  const clock = new ManualClock(1000);
  const set = new GuidAddrSet({ clock, log: silentLogger, emit: () => undefined }, init);
  const ready = (n: number): void => {
    set.recordActivity(prefixOf(n), addr('198.51.100.2', 1000 + n), 'spdp');
    set.recordActivity(prefixOf(n), addr('198.51.100.2', 2000 + n), 'sedp');
    set.cacheSpdpMessage(prefixOf(n), new Uint8Array(4));
  };
  return { clock, set, ready };
}

async function httpGet(port: number, path: string, method = 'GET'): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
}

describe('relay/admission control', () => {
  it('admits at most AdmissionControlQueueSize clients within AdmissionControlQueueDuration', () => {
    const { clock, set, ready } = clientsWith({ admissionControlQueueSize: 2, admissionControlQueueDurationMs: 10_000 });
    for (const n of [1, 2, 3]) ready(n);
    expect([1, 2, 3].map((n) => set.admit(prefixOf(n)))).to.deep.equal(['admitted', 'admitted', 'queue-full']);
    expect(set.admittingState()).to.equal('queue-full');
    expect(set.nextDeadline()).to.equal(11_000);
    clock.set(11_000);
    set.handleTimeout();
    expect(set.admit(prefixOf(3))).to.equal('admitted');
    expect(set.stats()).to.include({ admissionsRefusedByControl: 1, admissionQueue: 1 });
  });

  it('stops admitting at the high water mark of AdmissionMaxParticipantsRange and resumes at the low one', () => {
    const { clock, set, ready } = clientsWith({ admissionMaxParticipantsRange: { low: 1, high: 3 }, lifespanMs: 10_000 });
    for (const n of [1, 2]) { ready(n); set.admit(prefixOf(n)); }
    ready(3);
    expect(set.admit(prefixOf(3))).to.equal('participants-high-water'); // 3 known clients
    clock.set(5000);
    ready(2); // client 2 stays, 1 and 3 expire
    ready(4);
    expect(set.admit(prefixOf(4))).to.equal('participants-high-water');
    clock.set(11_001);
    set.handleTimeout();
    expect(set.size).to.equal(2); // 2 and 4: still above the low mark
    expect(set.admit(prefixOf(4))).to.equal('participants-high-water');
    clock.set(15_001);
    set.handleTimeout();
    ready(5);
    expect(set.size).to.equal(1);
    expect(set.admit(prefixOf(5))).to.equal('admitted');
  });

  it('admits nobody while not-admitting; the application participant still is', () => {
    const { set, ready } = clientsWith({});
    set.setAdmitState('not-admitting');
    ready(1);
    expect(set.admit(prefixOf(1))).to.equal('not-admitting');
    set.setApplicationParticipant(prefixOf(9));
    set.recordActivity(prefixOf(9), addr('192.0.2.1', 7400), 'spdp');
    expect(set.admit(prefixOf(9))).to.equal('admitted');
    set.setAdmitState('normal');
    expect(set.admit(prefixOf(1))).to.equal('admitted');
  });

  it('validates its configuration', () => {
    expect(() => new AdmissionControl({ admissionControlQueueSize: -1 })).to.throw(InvalidConfigError);
    expect(() => new AdmissionControl({ admissionMaxParticipantsRange: { low: 5, high: 2 } })).to.throw(InvalidConfigError);
    expect(() => new AdmissionControl({ drainIntervalMs: 0 })).to.throw(InvalidConfigError);
    expect(() => new AdmissionControl({ admissionControlQueueDurationMs: Number.NaN })).to.throw(InvalidConfigError);
  });

  it('draining admits nobody and takes STUN answers away from one client per DrainInterval; normal gives them back', async () => {
    const net = new VirtualNetwork({ seed: 1 });
    const host = net.addHost('relay', { ips: ['192.0.2.1'] });
    const relay = await RelayServer.start(host, net.timers, { ip: '192.0.2.1', drainIntervalMs: 1000 });
    const sockets: DatagramSocket[] = [];
    const answers = new Map<number, number>();
    for (const n of [1, 2, 3]) {
      const ip = `198.51.100.${n}`;
      const h = net.addHost(`c${n}`, { ips: [ip] });
      const s = await h.bind(ip, 5000);
      s.onDatagram((bytes) => { if (decodeStunMessage(bytes).messageClass === 'success') answers.set(n, (answers.get(n) ?? 0) + 1); });
      s.send(rtps(prefixOf(n)), relay.address('spdp'));
      s.send(rtps(prefixOf(n)), relay.address('sedp'));
      sockets.push(s);
    }
    net.runFor(10);
    expect(relay.stats().clients.admittedClients).to.equal(3);
    const drained: string[] = [];
    relay.on('drained', (p) => drained.push(p));
    const ask = (): void => { sockets.forEach((s, i) => { s.send(stunRequest({ guidPrefix: prefixOf(i + 1) }), relay.address('spdp')); }); };
    relay.setDrainState('draining');
    expect(relay.admittingState()).to.equal('draining');
    ask();
    net.runFor(10);
    expect([...answers.keys()].sort()).to.deep.equal([1, 2, 3]);
    net.runFor(1000);
    expect(drained).to.deep.equal([hexOf(1)]);
    answers.clear();
    ask();
    net.runFor(10);
    expect([...answers.keys()].sort()).to.deep.equal([2, 3]);
    net.runFor(2000);
    expect(drained).to.deep.equal([hexOf(1), hexOf(2), hexOf(3)]);
    answers.clear();
    ask();
    net.runFor(10);
    expect(answers.size).to.equal(0);
    relay.setDrainState('normal');
    expect(relay.admittingState()).to.equal('admitting');
    ask();
    net.runFor(10);
    expect([...answers.keys()].sort()).to.deep.equal([1, 2, 3]);
    await relay.close();
  });
});

describe('relay/meta-discovery HTTP (/config, /healthcheck)', () => {
  it('serves /config, reports 503 on /healthcheck when the relay is not admitting, 404/405 otherwise, survives garbage', async () => {
    const net = new VirtualNetwork({ seed: 1 });
    const relay = await RelayServer.start(net.addHost('relay', { ips: ['192.0.2.1'] }), net.timers, { ip: '192.0.2.1' });
    const http = await MetaDiscoveryServer.start({
      ip: '127.0.0.1', port: 0, content: '{"relays":["192.0.2.1:7400"]}', isAdmitting: () => relay.admittingState() === 'admitting',
    });
    try {
      const port = http.address.port;
      expect(await httpGet(port, '/config')).to.deep.equal({ status: 200, type: 'application/json', body: '{"relays":["192.0.2.1:7400"]}' });
      expect((await httpGet(port, '/healthcheck')).status).to.equal(200);
      relay.setAdmitState('not-admitting');
      expect(await httpGet(port, '/healthcheck')).to.include({ status: 503, body: 'Service Unavailable' });
      relay.setAdmitState('normal');
      relay.setDrainState('draining');
      expect((await httpGet(port, '/healthcheck')).status).to.equal(503);
      relay.setDrainState('normal');
      expect((await httpGet(port, '/healthcheck')).status).to.equal(200);
      expect((await httpGet(port, '/nope')).status).to.equal(404);
      expect((await httpGet(port, '/config', 'POST')).status).to.equal(405);
      // Garbage on the TCP port: the connection is closed, nothing is sent back, the server keeps serving.
      const reply = await new Promise<string>((resolve) => {
        const sock = connect(port, '127.0.0.1', () => { sock.write('\x00\x01garbage\r\n\r\n'); });
        let got = '';
        sock.on('data', (d) => { got += d.toString('latin1'); });
        sock.on('close', () => { resolve(got); });
        sock.on('error', () => undefined);
      });
      expect(reply).to.equal(''); // closed without a byte: garbage draws no answer
      expect((await httpGet(port, '/healthcheck')).status).to.equal(200);
      expect(http.stats()).to.include({ config: 1, healthy: 3, unhealthy: 2, notFound: 1, badMethod: 1 });
    } finally {
      await http.close();
      await relay.close();
    }
  });
});
