import { expect } from 'chai';
import type { NatBehavior, SimNat } from '../../src/simnet/index.js';
import { NatPresets, VirtualNetwork } from '../../src/simnet/index.js';
import type { Listener } from './support.js';
import { at, behavior, listen, send } from './support.js';

/** One NAT with an inside host `a` (port 5000) and two public servers with two ports each. */
function setup(b: NatBehavior): {
  net: VirtualNetwork; nat: SimNat; a: Listener; s1p1: Listener; s1p2: Listener; s2p1: Listener;
} {
  const net = new VirtualNetwork({ seed: 7 });
  const nat = net.addNat('nat', { behavior: b, publicIp: '198.51.100.1', link: { delayMs: 5 } });
  const hostA = net.addHost('a', { realm: nat.inside });
  const s1 = net.addHost('s1', { ips: ['192.0.2.1'] });
  const s2 = net.addHost('s2', { ips: ['192.0.2.2'] });
  return {
    net, nat, a: listen(net, hostA, 5000),
    s1p1: listen(net, s1, 1000), s1p2: listen(net, s1, 2000), s2p1: listen(net, s2, 1000),
  };
}

/** `a` sends once to each server socket; returns the source each one saw. */
function mappingsSeen(b: NatBehavior): string[] {
  const { net, a, s1p1, s1p2, s2p1 } = setup(b);
  for (const l of [s1p1, s1p2, s2p1]) send(a, l.socket.localAddress);
  net.runUntilIdle();
  return [s1p1, s1p2, s2p1].map((l) => l.sources()[0] ?? 'none');
}

describe('simnet/NAT mapping (RFC 4787 §4.1)', () => {
  it('endpoint-independent mapping: one mapping for every destination', () => {
    const seen = mappingsSeen(behavior({ mapping: 'endpoint-independent' }));
    expect(seen).to.deep.equal(['198.51.100.1:5000', '198.51.100.1:5000', '198.51.100.1:5000']);
  });

  it('address-dependent mapping: one mapping per destination IP', () => {
    const [p1, p2, other] = mappingsSeen(behavior({ mapping: 'address-dependent' }));
    expect(p1).to.equal(p2);
    expect(other).to.not.equal(p1);
    expect(other?.startsWith('198.51.100.1:')).to.equal(true);
  });

  it('address-and-port-dependent mapping: one mapping per destination IP:port', () => {
    const seen = mappingsSeen(behavior({ mapping: 'address-and-port-dependent' }));
    expect(new Set(seen).size).to.equal(3);
  });

  it('reuses a mapping for repeated traffic to the same destination', () => {
    const { net, a, s1p1 } = setup(NatPresets.symmetric);
    for (let i = 0; i < 5; i++) send(a, s1p1.socket.localAddress);
    net.runUntilIdle();
    expect(new Set(s1p1.sources()).size).to.equal(1);
  });
});

describe('simnet/NAT filtering (RFC 4787 §5)', () => {
  /**
   * `a` sends to s1:1000; then s1:1000, s1:2000 and s2:1000 each send to the mapping.
   * Returns which of the three got through.
   */
  function admitted(filtering: NatBehavior['filtering']): boolean[] {
    const { net, a, s1p1, s1p2, s2p1 } = setup(behavior({ filtering }));
    send(a, s1p1.socket.localAddress);
    net.runUntilIdle();
    const mapping = s1p1.received[0]!.from;
    for (const l of [s1p1, s1p2, s2p1]) send(l, mapping, l.socket.localAddress.ip);
    net.runUntilIdle();
    return [0, 1, 2].map((i) => a.received.some((r) => r.from.ip === [s1p1, s1p2, s2p1][i]!.socket.localAddress.ip
      && r.from.port === [s1p1, s1p2, s2p1][i]!.socket.localAddress.port));
  }

  it('endpoint-independent filtering admits any external endpoint', () => {
    expect(admitted('endpoint-independent')).to.deep.equal([true, true, true]);
  });

  it('address-dependent filtering admits only IPs the mapping has sent to (any port)', () => {
    expect(admitted('address-dependent')).to.deep.equal([true, true, false]);
  });

  it('address-and-port-dependent filtering admits only the exact IP:port sent to', () => {
    expect(admitted('address-and-port-dependent')).to.deep.equal([true, false, false]);
  });

  for (const preset of ['fullCone', 'addressRestricted', 'portRestricted', 'symmetric'] as const) {
    it(`${preset}: inbound before any outbound is dropped (no mapping)`, () => {
      const { net, nat, a, s1p1 } = setup(NatPresets[preset]);
      send(s1p1, at('198.51.100.1', 5000));
      net.runUntilIdle();
      expect(a.received).to.have.length(0);
      expect(nat.counters.droppedNoMapping).to.equal(1);
      const fate = net.trace.find((e) => e.kind === 'fate');
      expect(fate).to.include({ fate: 'dropped-no-mapping', at: 'nat' });
    });
  }

  it('logs filter drops with their reason', () => {
    const { net, nat, a, s1p1, s2p1 } = setup(NatPresets.portRestricted);
    send(a, s1p1.socket.localAddress);
    net.runUntilIdle();
    send(s2p1, s1p1.received[0]!.from);
    net.runUntilIdle();
    expect(nat.counters.droppedFilter).to.equal(1);
    expect(net.trace.filter((e) => e.kind === 'fate' && e.fate === 'dropped-filter')).to.have.length(1);
  });
});

describe('simnet/NAT mapping lifetime (RFC 4787 §4.3)', () => {
  const b = behavior({ mappingLifetimeMs: 30_000 });

  it('expires a mapping after mappingLifetimeMs without outbound traffic', () => {
    const { net, nat, a, s1p1 } = setup(b);
    send(a, s1p1.socket.localAddress); // leaves the NAT at t=0 (no inside link delay)
    net.runUntilIdle();
    const mapping = s1p1.received[0]!.from;
    net.scheduler.run({ untilMs: 29_990 });
    send(s1p1, mapping, 'before');
    net.runUntilIdle(); // arrives at 29,995 + 5: still inside the lifetime
    net.scheduler.run({ untilMs: 30_000 });
    send(s1p1, mapping, 'after');
    net.runUntilIdle();
    expect(a.received.map((r) => r.text)).to.deep.equal(['before']);
    expect(nat.counters.mappingsExpired).to.equal(1);
    expect(nat.table.activeMappings(net.now())).to.equal(0);
  });

  it('inbound traffic does not refresh the mapping', () => {
    const { net, a, s1p1 } = setup(b);
    send(a, s1p1.socket.localAddress);
    net.runUntilIdle();
    const mapping = s1p1.received[0]!.from;
    // Inbound every 5 s (all admitted) until past the lifetime.
    for (let t = 5_000; t <= 40_000; t += 5_000) {
      net.scheduler.run({ untilMs: t - 5 });
      send(s1p1, mapping, `in@${t}`);
      net.runUntilIdle();
    }
    expect(a.received.map((r) => r.text)).to.deep.equal(
      ['in@5000', 'in@10000', 'in@15000', 'in@20000', 'in@25000']);
  });

  it('outbound traffic refreshes the mapping', () => {
    const { net, a, s1p1 } = setup(b);
    for (let t = 0; t <= 60_000; t += 20_000) {
      net.scheduler.run({ untilMs: t });
      send(a, s1p1.socket.localAddress);
    }
    net.runUntilIdle();
    net.scheduler.run({ untilMs: 80_000 });
    send(s1p1, s1p1.received[0]!.from, 'late');
    net.runUntilIdle();
    expect(new Set(s1p1.sources()).size).to.equal(1);
    expect(a.received.map((r) => r.text)).to.deep.equal(['late']);
  });

  it('a new mapping after expiry may get another port (sequential allocation)', () => {
    const { net, a, s1p1 } = setup(behavior({ mappingLifetimeMs: 1000, portAllocation: 'sequential' }));
    send(a, s1p1.socket.localAddress);
    net.scheduler.run({ untilMs: 5000 });
    send(a, s1p1.socket.localAddress);
    net.runUntilIdle();
    expect(s1p1.sources()).to.deep.equal(['198.51.100.1:49152', '198.51.100.1:49153']);
  });
});

describe('simnet/NAT port allocation (RFC 4787 §4.2.1)', () => {
  function twoInside(b: NatBehavior): string[] {
    const net = new VirtualNetwork({ seed: 3 });
    const nat = net.addNat('nat', { behavior: b, publicIp: '198.51.100.1' });
    const s = listen(net, net.addHost('s', { ips: ['192.0.2.1'] }), 1000);
    const a = listen(net, net.addHost('a', { realm: nat.inside }), 4000);
    const b2 = listen(net, net.addHost('b', { realm: nat.inside }), 4000);
    send(a, s.socket.localAddress);
    net.runUntilIdle();
    send(b2, s.socket.localAddress);
    net.runUntilIdle();
    return s.sources();
  }

  it('preserves the internal port and falls back to allocation on conflict', () => {
    expect(twoInside(NatPresets.portRestricted)).to.deep.equal(['198.51.100.1:4000', '198.51.100.1:49152']);
  });

  it('sequential allocation ignores the internal port', () => {
    expect(twoInside(behavior({ portAllocation: 'sequential' }))).to.deep.equal(
      ['198.51.100.1:49152', '198.51.100.1:49153']);
  });

  it('random allocation draws seeded ports from the dynamic range', () => {
    const first = twoInside(behavior({ portAllocation: 'random' }));
    expect(twoInside(behavior({ portAllocation: 'random' }))).to.deep.equal(first);
    for (const s of first) expect(Number(s.split(':')[1])).to.be.within(49152, 65535);
    expect(first[0]).to.not.equal(first[1]);
  });
});

describe('simnet/NAT hairpinning (RFC 4787 §6)', () => {
  function hairpin(isOn: boolean): { got: string[]; nat: SimNat; fates: string[] } {
    const net = new VirtualNetwork();
    const nat = net.addNat('nat', { behavior: { ...NatPresets.portRestricted, hairpinning: isOn }, publicIp: '198.51.100.1' });
    const s = listen(net, net.addHost('s', { ips: ['192.0.2.1'] }), 1000);
    const a = listen(net, net.addHost('a', { realm: nat.inside }), 4000);
    const b = listen(net, net.addHost('b', { realm: nat.inside }), 4001);
    // Both learn their mappings from the server, then send to each other's public mapping.
    send(a, s.socket.localAddress);
    send(b, s.socket.localAddress);
    net.runUntilIdle();
    const [ma, mb] = s.received.map((r) => r.from);
    for (let i = 0; i < 2; i++) {
      send(a, mb!, 'from-a');
      send(b, ma!, 'from-b');
      net.runUntilIdle();
    }
    const fates = net.trace.flatMap((e) => (e.kind === 'fate' ? [e.fate] : []));
    return { got: [...a.sources(), ...b.sources()], nat, fates };
  }

  it('on: loops back with the sender mapping as source (REQ-9), subject to filtering', () => {
    const { got, nat } = hairpin(true);
    // First round: each side's packet is filtered at the other's mapping unless it already sent.
    expect(got).to.include('198.51.100.1:4001');
    expect(got).to.include('198.51.100.1:4000');
    expect(nat.counters.hairpinned).to.equal(4);
  });

  it('off: datagrams to the NAT’s own public address from inside are dropped', () => {
    const { got, nat, fates } = hairpin(false);
    expect(got).to.deep.equal([]);
    expect(nat.counters.droppedHairpin).to.equal(4);
    expect(fates.filter((f) => f === 'dropped-hairpin')).to.have.length(4);
  });
});

describe('simnet/1:1 NAT', () => {
  it('translates the address only, keeps ports, filters nothing, needs no outbound first', () => {
    const net = new VirtualNetwork();
    const nat = net.addNat('nat', { behavior: NatPresets.oneToOne, publicIp: '198.51.100.9' });
    const a = listen(net, net.addHost('a', { realm: nat.inside }), 6000);
    const other = listen(net, net.addHost('other', { realm: nat.inside }), 6000);
    const s = listen(net, net.addHost('s', { ips: ['192.0.2.1'] }), 1000);
    send(s, at('198.51.100.9', 6000), 'unsolicited');
    send(a, s.socket.localAddress);
    send(other, s.socket.localAddress); // not the 1:1 host: no translation exists
    net.runUntilIdle();
    expect(a.received.map((r) => r.text)).to.deep.equal(['unsolicited']);
    expect(s.sources()).to.deep.equal(['198.51.100.9:6000']);
    expect(nat.counters.droppedNoMapping).to.equal(1);
  });
});

describe('simnet/nested NATs', () => {
  it('translates twice on the way out and twice on the way in', () => {
    const net = new VirtualNetwork();
    const outer = net.addNat('carrier', { behavior: NatPresets.portRestricted, publicIp: '198.51.100.1' });
    const inner = net.addNat('home', { behavior: NatPresets.fullCone, parent: outer.inside });
    const a = listen(net, net.addHost('a', { realm: inner.inside }), 7000);
    const s = listen(net, net.addHost('s', { ips: ['192.0.2.1'] }), 1000);
    send(a, s.socket.localAddress, 'out');
    net.runUntilIdle();
    expect(s.sources()).to.deep.equal(['198.51.100.1:7000']);
    send(s, s.received[0]!.from, 'back');
    net.runUntilIdle();
    expect(a.received.map((r) => r.text)).to.deep.equal(['back']);
    expect(a.received[0]!.from).to.deep.include({ ip: '192.0.2.1', port: 1000 });
    expect(inner.external.ip.startsWith('10.')).to.equal(true);
    expect(outer.counters.inboundTranslated).to.equal(1);
    expect(inner.counters.inboundTranslated).to.equal(1);
  });

  it('reuses private addresses in different realms without confusion', () => {
    const net = new VirtualNetwork();
    const n1 = net.addNat('n1', { behavior: NatPresets.fullCone });
    const n2 = net.addNat('n2', { behavior: NatPresets.fullCone });
    const a = listen(net, net.addHost('a', { realm: n1.inside, ips: ['192.168.1.2'] }), 9000);
    const b = listen(net, net.addHost('b', { realm: n2.inside, ips: ['192.168.1.2'] }), 9000);
    send(a, at('192.168.1.2', 9000)); // its own address: loopback
    send(b, at(n1.externalIp, 9000)); // full cone, but no mapping yet: dropped
    net.runUntilIdle();
    expect(a.received).to.have.length(1);
    expect(b.received).to.have.length(0);
  });
});
