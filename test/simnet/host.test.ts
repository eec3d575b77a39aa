import { expect } from 'chai';
import type { TraceEntry } from '../../src/simnet/index.js';
import {
  AddressInUseError, AddressNotAvailableError, NatPresets, VirtualNetwork, twoNatTopology,
} from '../../src/simnet/index.js';
import type { TransportAddress } from '../../src/util/address.js';
import type { DatagramNetwork, TimerHandle, TimerService } from '../../src/util/datagram-io.js';
import { at, listen } from './support.js';

/**
 * A "driver" written only against the util/datagram-io seam: pings `peer` every `intervalMs` and records
 * the RTT of each echo. The same code would run on real UDP sockets and real timers.
 */
async function startPinger(host: DatagramNetwork, timers: TimerService, peer: TransportAddress, intervalMs: number): Promise<{ rtts: number[]; stop: () => void }> {
  const [addr] = host.interfaceAddresses();
  const socket = await host.bind(addr!.ip, 0);
  const rtts: number[] = [];
  socket.onDatagram((bytes) => {
    const sent = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getFloat64(0);
    rtts.push(timers.clock.now() - sent);
  });
  const buf = new Uint8Array(8);
  let timer: TimerHandle;
  const tick = (): void => {
    new DataView(buf.buffer).setFloat64(0, timers.clock.now());
    socket.send(buf, peer); // the same buffer every time: the network must copy it
    timer = timers.at(timers.clock.now() + intervalMs, tick);
  };
  tick();
  return { rtts, stop: () => { timer.cancel(); socket.close(); } };
}

async function startEcho(host: DatagramNetwork, port: number): Promise<{ close: () => void }> {
  const [addr] = host.interfaceAddresses();
  const socket = await host.bind(addr!.ip, port);
  socket.onDatagram((bytes, from) => { socket.send(bytes, from); });
  return { close: () => { socket.close(); } };
}

describe('simnet/hosts and sockets', () => {
  it('binds ephemeral ports in order and reports EADDRINUSE / EADDRNOTAVAIL', async () => {
    const net = new VirtualNetwork();
    const h = net.addHost('h', { ips: ['192.0.2.7'] });
    const s1 = await h.bind('192.0.2.7', 0);
    const s2 = await h.bind('192.0.2.7', 0);
    expect([s1.localAddress.port, s2.localAddress.port]).to.deep.equal([49152, 49153]);
    const fixed = await h.bind('192.0.2.7', 4000);
    expect(fixed.localAddress).to.deep.equal({ family: 'IPv4', ip: '192.0.2.7', port: 4000 });
    const err: unknown = await h.bind('192.0.2.7', 4000).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(AddressInUseError);
    expect(err).to.have.property('code', 'EADDRINUSE');
    for (const ip of ['0.0.0.0', '192.0.2.8', 'nonsense']) {
      expect(() => h.bindSync(ip, 1)).to.throw(AddressNotAvailableError);
    }
  });

  it('close() frees the port, is idempotent, and no handler runs afterwards', () => {
    const net = new VirtualNetwork();
    const a = listen(net, net.addHost('a', { link: { delayMs: 10 } }), 1000);
    const hb = net.addHost('b');
    const b = listen(net, hb, 2000);
    a.socket.send(Uint8Array.of(1), b.socket.localAddress);
    b.socket.close();
    b.socket.close();
    expect(hb.openSockets).to.equal(0);
    const again = listen(net, hb, 2000);
    again.socket.close();
    net.runUntilIdle();
    expect(b.received).to.have.length(0);
    const last = net.trace.at(-1);
    expect(last).to.include({ kind: 'fate', fate: 'dropped-no-listener', at: 'b' });
    b.socket.send(Uint8Array.of(2), a.socket.localAddress);
    expect(net.counters.sendAfterClose).to.equal(1);
    expect(net.pendingEvents).to.equal(0);
  });

  it('copies datagram bytes at send time', () => {
    const net = new VirtualNetwork();
    const a = listen(net, net.addHost('a', { link: { delayMs: 5 } }), 1);
    const b = listen(net, net.addHost('b'), 2);
    const buf = new TextEncoder().encode('hello');
    a.socket.send(buf, b.socket.localAddress);
    buf.fill(0);
    net.runUntilIdle();
    expect(b.received[0]!.text).to.equal('hello');
  });

  it('supports IPv6 and multi-homed hosts; families never cross', () => {
    const net = new VirtualNetwork();
    const nat = net.addNat('nat', { behavior: NatPresets.fullCone });
    const dual = net.addHost('dual', { realm: nat.inside, ipv6: true });
    const public6 = net.addHostAddress(dual, net.internet, '2001:db8::77');
    expect(dual.ips).to.deep.equal(['10.1.0.2', 'fd00:1::2', '2001:db8::77']);
    expect(dual.interfaceAddresses().map((a) => a.family)).to.deep.equal(['IPv4', 'IPv6', 'IPv6']);
    const server = net.addHost('server', { ipv6: true });
    const s6 = listen(net, server, 3478, server.ips[1]);
    const d6 = listen(net, dual, 5000, public6);
    const inside6 = listen(net, dual, 5000, 'fd00:1::2');
    const d4 = listen(net, dual, 5000);
    d6.socket.send(Uint8Array.of(1), s6.socket.localAddress);
    inside6.socket.send(Uint8Array.of(2), s6.socket.localAddress); // v6 cannot cross an IPv4 NAT
    d4.socket.send(Uint8Array.of(3), s6.socket.localAddress); // family mismatch
    net.runUntilIdle();
    expect(s6.sources()).to.deep.equal(['[2001:db8::77]:5000']);
    const dropped = net.trace.flatMap((e) => (e.kind === 'fate' && e.fate === 'dropped-no-route' ? [e.at] : []));
    expect(dropped).to.deep.equal(['dual', 'nat']); // the mismatch fails at send, the v6 one at the NAT
  });

  it('drops datagrams to unknown public addresses as no-route', () => {
    const net = new VirtualNetwork();
    const a = listen(net, net.addHost('a'), 1);
    a.socket.send(Uint8Array.of(1), at('192.0.2.99', 1));
    net.runUntilIdle();
    expect(net.trace.at(-1)).to.include({ fate: 'dropped-no-route', at: 'internet' });
  });

  it('runs a seam-only driver unchanged, with deterministic virtual timings', async () => {
    const t = twoNatTopology({ left: NatPresets.portRestricted, right: 'none', rttMs: 40 });
    const echo = await startEcho(t.server, 7);
    const pinger = await startPinger(t.left, t.network.timers, at('192.0.2.1', 7), 20);
    t.network.run({ untilMs: 1000 });
    expect(pinger.rtts).to.have.length(49);
    expect(new Set(pinger.rtts)).to.deep.equal(new Set([40]));
    pinger.stop();
    echo.close();
    t.network.runUntilIdle();
    expect(t.network.pendingEvents).to.equal(0);
    expect(t.leftNat!.table.activeMappings(t.network.now())).to.equal(1);
  });

  it('never touches real timers or the real clock', async () => {
    const g = globalThis;
    const saved = { setTimeout: g.setTimeout, setInterval: g.setInterval, setImmediate: g.setImmediate, dateNow: Date.now, perfNow: Object.getOwnPropertyDescriptor(performance, 'now') };
    const boom = (): never => { throw new Error('real time used'); };
    const t = twoNatTopology({ left: NatPresets.symmetric, right: NatPresets.fullCone, rttMs: 30, loss: 0.1, jitterMs: 5 });
    const echo = await startEcho(t.server, 7);
    const pinger = await startPinger(t.left, t.network.timers, at('192.0.2.1', 7), 20);
    try {
      Object.assign(g, { setTimeout: boom, setInterval: boom, setImmediate: boom });
      Date.now = boom;
      Object.defineProperty(performance, 'now', { value: boom, configurable: true, writable: true });
      t.network.run({ untilMs: 60_000 });
      pinger.stop();
      echo.close();
      t.network.runUntilIdle();
    } finally {
      Object.assign(g, { setTimeout: saved.setTimeout, setInterval: saved.setInterval, setImmediate: saved.setImmediate });
      Date.now = saved.dateNow;
      if (saved.perfNow === undefined) Reflect.deleteProperty(performance, 'now');
      else Object.defineProperty(performance, 'now', saved.perfNow);
    }
    expect(pinger.rtts.length).to.be.within(1850, 2100); // 3000 pings x 0.9^4 (four lossy link crossings)
    expect(t.network.pendingEvents).to.equal(0);
  });

  it('reports every entry to onTrace listeners, also without recording', () => {
    const net = new VirtualNetwork({ recordTrace: false });
    const seen: TraceEntry[] = [];
    const off = net.onTrace((e) => seen.push(e));
    const a = listen(net, net.addHost('a'), 1);
    const b = listen(net, net.addHost('b'), 2);
    a.socket.send(Uint8Array.of(9, 9), b.socket.localAddress);
    net.runUntilIdle();
    off();
    a.socket.send(Uint8Array.of(9), b.socket.localAddress);
    net.runUntilIdle();
    expect(net.trace).to.have.length(0);
    expect(seen.map((e) => e.kind)).to.deep.equal(['send', 'fate']);
    expect(seen[0]).to.deep.include({ size: 2, atMs: 0 });
    expect(net.counters).to.deep.include({ sent: 2, delivered: 2 });
  });
});
