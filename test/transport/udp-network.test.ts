import { expect } from 'chai';
import type { networkInterfaces } from 'node:os';
import { BindError, nodeAddress, UdpNetwork, UdpNetworkClosedError, type UdpSocket } from '../../src/transport/index.js';
import { BusyPoller } from '../../src/transport/busy-poll.js';
import type { TransportAddress } from '../../src/util/address.js';
import { InvalidConfigError } from '../../src/util/errors.js';

/** Count of live UDP handles (`UDPWrap`) in this process. */
function udpHandles(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
}

/** Resolves with the next datagram `socket` receives, copied; rejects after `ms`. */
function nextDatagram(socket: UdpSocket, ms = 2000): Promise<{ bytes: Uint8Array; from: TransportAddress }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { reject(new Error('no datagram')); }, ms);
    socket.onDatagram((bytes, from) => {
      clearTimeout(timer);
      resolve({ bytes: bytes.slice(), from });
    });
  });
}

describe('transport/udp-network', () => {
  let net: UdpNetwork;
  let baseline: number;
  beforeEach(() => {
    baseline = udpHandles();
    net = new UdpNetwork({}, { includeLoopback: true });
  });
  afterEach(async () => {
    await net.close({ signal: AbortSignal.timeout(2000) });
  });

  it('binds port 0 on 127.0.0.1 to an allocated port and reports the exact local address', async () => {
    const s = await net.bind('127.0.0.1', 0);
    expect(s.localAddress.family).to.equal('IPv4');
    expect(s.localAddress.ip).to.equal('127.0.0.1');
    expect(s.localAddress.port).to.be.greaterThan(0);
  });

  for (const ip of ['127.0.0.1', '::1']) {
    it(`sends and receives on ${ip}, source address exact`, async () => {
      const a = await net.bind(ip, 0);
      const b = await net.bind(ip, 0);
      const got = nextDatagram(b);
      a.send(new Uint8Array([1, 2, 3, 4]), b.localAddress);
      const { bytes, from } = await got;
      expect([...bytes]).to.deep.equal([1, 2, 3, 4]);
      expect(from).to.deep.equal(a.localAddress);
      await new Promise((r) => setImmediate(r));
      expect(a.stats().datagramsSent).to.equal(1);
      expect(a.stats().bytesSent).to.equal(4);
      expect(b.stats().datagramsReceived).to.equal(1);
    });
  }

  it('busy-polls for busyPollMicros after traffic, then stops; rejects a window out of range', async () => {
    expect(() => new UdpNetwork({}, { busyPollMicros: -1 })).to.throw(InvalidConfigError, 'busyPollMicros');
    expect(() => new UdpNetwork({}, { busyPollMicros: 1e6 })).to.throw(InvalidConfigError, 'busyPollMicros');
    let now = 0;
    const poller = new BusyPoller(3000, true, () => now);
    const turns = async (n: number): Promise<void> => { for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r)); };
    expect(poller.spins).to.equal(0);
    poller.activity();
    await turns(10);
    const spun = poller.spins;
    expect(spun).to.be.greaterThan(5); // polls every turn while inside the window
    now = 3; // the window (3 ms) has passed: the next turn stops it
    await turns(10);
    const stopped = poller.spins;
    expect(stopped - spun).to.be.at.most(1);
    await turns(10);
    expect(poller.spins).to.equal(stopped);
    poller.activity(); // activity starts it again
    await turns(10);
    expect(poller.spins).to.be.greaterThan(stopped + 5);
    poller.stop();
    await turns(10);
    const afterStop = poller.spins;
    poller.activity();
    await turns(10);
    expect(poller.spins - afterStop).to.be.at.most(1);
    // Wired into a network: traffic on its sockets starts the poller, and close stops it.
    const polled = new UdpNetwork({}, { includeLoopback: true, busyPollMicros: 2000 });
    const a = await polled.bind('127.0.0.1', 0);
    const b = await polled.bind('127.0.0.1', 0);
    const got = nextDatagram(b);
    a.send(new Uint8Array([9]), b.localAddress);
    expect([...(await got).bytes]).to.deep.equal([9]);
    await polled.close();
  });

  it('hands the handler a view of the received Buffer (no copy)', async () => {
    const a = await net.bind('127.0.0.1', 0);
    const b = await net.bind('127.0.0.1', 0);
    const seen = new Promise<Uint8Array>((resolve) => {
      b.onDatagram((bytes) => { resolve(bytes); });
    });
    a.send(new Uint8Array(8).fill(7), b.localAddress);
    const bytes = await seen;
    expect(bytes).to.be.instanceOf(Uint8Array);
    expect(Buffer.isBuffer(bytes)).to.equal(false);
    expect(bytes.byteLength).to.equal(8);
  });

  it('sends a view with a byteOffset as exactly its bytes', async () => {
    const a = await net.bind('127.0.0.1', 0);
    const b = await net.bind('127.0.0.1', 0);
    const got = nextDatagram(b);
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    a.send(backing.subarray(2, 5), b.localAddress);
    expect([...(await got).bytes]).to.deep.equal([1, 2, 3]);
  });

  it('counts a throwing handler and keeps receiving', async () => {
    const a = await net.bind('127.0.0.1', 0);
    const b = await net.bind('127.0.0.1', 0);
    let calls = 0;
    const twice = new Promise<void>((resolve) => {
      b.onDatagram(() => {
        calls++;
        if (calls === 2) resolve();
        throw new Error('handler bug');
      });
    });
    a.send(new Uint8Array([1]), b.localAddress);
    a.send(new Uint8Array([2]), b.localAddress);
    await twice;
    expect(b.stats().handlerErrors).to.equal(2);
  });

  it('surfaces EADDRINUSE as a BindError with the code and a cause', async () => {
    const a = await net.bind('127.0.0.1', 0);
    const err = await net.bind('127.0.0.1', a.localAddress.port).then(() => undefined, (e: unknown) => e);
    if (!(err instanceof BindError)) throw new Error('expected a BindError');
    expect(err.code).to.equal('EADDRINUSE');
    expect(err.port).to.equal(a.localAddress.port);
    expect(err.cause).to.be.instanceOf(Error);
    await new Promise((r) => setImmediate(r));
    expect(udpHandles()).to.equal(baseline + 1); // the failed socket's handle is freed
  });

  it('refuses wildcard binds', async () => {
    for (const ip of ['0.0.0.0', '::']) {
      const err = await net.bind(ip, 0).then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(BindError);
    }
  });

  it('surfaces EADDRNOTAVAIL for an address that is not local (no packet is sent)', async () => {
    const err = await net.bind('192.0.2.1', 0).then(() => undefined, (e: unknown) => e);
    if (!(err instanceof BindError)) throw new Error('expected a BindError');
    expect(err.code).to.equal('EADDRNOTAVAIL');
  });

  it('counts sends to a name (no DNS) and after close, never throws', async () => {
    const a = await net.bind('127.0.0.1', 0);
    a.send(new Uint8Array([1]), { family: 'IPv4', ip: 'localhost', port: 9 });
    await new Promise((r) => setImmediate(r));
    expect(a.stats().sendErrors).to.equal(1);
    a.close();
    expect(() => { a.send(new Uint8Array([1]), { family: 'IPv4', ip: '127.0.0.1', port: 9 }); }).not.to.throw();
    expect(a.stats().sendErrors).to.equal(2);
  });

  it('close is idempotent, frees the handle and removes every listener', async () => {
    const s = await net.bind('127.0.0.1', 0);
    expect(udpHandles()).to.equal(baseline + 1);
    s.onDatagram(() => { throw new Error('must not run'); });
    s.close();
    s.close();
    await s.whenClosed();
    await new Promise((r) => setImmediate(r));
    expect(udpHandles()).to.equal(baseline);
    expect(net.openSockets).to.equal(0);
  });

  it('network close frees every socket and refuses further binds', async () => {
    await net.bind('127.0.0.1', 0);
    await net.bind('::1', 0);
    expect(udpHandles()).to.equal(baseline + 2);
    await net.close({ signal: AbortSignal.timeout(2000) });
    await net.close();
    await new Promise((r) => setImmediate(r));
    expect(udpHandles()).to.equal(baseline);
    const err = await net.bind('127.0.0.1', 0).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(UdpNetworkClosedError);
  });

  it('bind honours an aborted signal', async () => {
    const err = await net.bind('127.0.0.1', 0, { signal: AbortSignal.abort() }).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(Error);
    await new Promise((r) => setImmediate(r));
    expect(udpHandles()).to.equal(baseline);
  });

  it('lists interface addresses: loopback only when asked, no wildcard', () => {
    const withLo = new UdpNetwork({}, { includeLoopback: true }).interfaceAddresses();
    expect(withLo.some((a) => a.ip === '127.0.0.1')).to.equal(true);
    const without = new UdpNetwork().interfaceAddresses();
    expect(without.some((a) => a.ip === '127.0.0.1' || a.ip === '::1')).to.equal(false);
    for (const a of withLo) expect(['0.0.0.0', '::']).not.to.include(a.ip);
  });

  it('keeps the zone of link-local addresses and orders IPv4 first', () => {
    const fake = (): ReturnType<typeof networkInterfaces> => ({
      lo: [{ address: '::1', netmask: 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', family: 'IPv6', mac: '00:00:00:00:00:00', internal: true, cidr: '::1/128', scopeid: 0 }],
      eth0: [
        { address: 'fe80::1', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: 'fe80::1/64', scopeid: 2 },
        { address: '2001:DB8::0001', netmask: 'ffff:ffff:ffff:ffff::', family: 'IPv6', mac: '02:00:00:00:00:01', internal: false, cidr: '2001:db8::1/64', scopeid: 0 },
        { address: '198.51.100.7', netmask: '255.255.255.0', family: 'IPv4', mac: '02:00:00:00:00:01', internal: false, cidr: '198.51.100.7/24' },
      ],
    });
    const all = new UdpNetwork({ networkInterfaces: fake }, { includeLinkLocal: true }).interfaceAddresses();
    expect(all.map((a) => a.ip)).to.deep.equal(['198.51.100.7', 'fe80::1%eth0', '2001:db8::1']);
    const noLl = new UdpNetwork({ networkInterfaces: fake }).interfaceAddresses();
    expect(noLl.map((a) => a.ip)).to.deep.equal(['198.51.100.7', '2001:db8::1']);
  });

  it('nodeAddress normalises and keeps zones only on link-local', () => {
    expect(nodeAddress('::FFFF:0:1', 5).ip).to.equal('::ffff:0:1');
    expect(nodeAddress('fe80::0001%eth0', 5)).to.deep.equal({ family: 'IPv6', ip: 'fe80::1%eth0', port: 5 });
    expect(nodeAddress('fe80::1', 5, 3).ip).to.equal('fe80::1%3');
    expect(nodeAddress('2001:db8::1%eth0', 5).ip).to.equal('2001:db8::1');
  });
});
