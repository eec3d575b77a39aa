import { expect } from 'chai';
import { GuidAddrSet, type GuidAddrSetEvent, type GuidAddrSetInit } from '../../src/relay/index.js';
import { ManualClock } from '../../src/util/clock.js';
import { InvalidConfigError } from '../../src/util/errors.js';
import { silentLogger } from '../../src/util/logger.js';
import { addr, hexOf, prefixOf } from './relay-fixtures.js';

function setup(init: GuidAddrSetInit = {}): { clock: ManualClock; set: GuidAddrSet; events: GuidAddrSetEvent[] } {
  const clock = new ManualClock(1000);
  const events: GuidAddrSetEvent[] = [];
  const set = new GuidAddrSet({ clock, log: silentLogger, emit: (e) => events.push(e) }, init);
  return { clock, set, events };
}

/** Advances to each deadline up to `untilMs`, as a driver would. */
function runUntil(clock: ManualClock, set: GuidAddrSet, untilMs: number): void {
  for (let at = set.nextDeadline(); at !== undefined && at <= untilMs; at = set.nextDeadline()) {
    clock.set(Math.max(clock.now(), at));
    set.handleTimeout();
  }
  clock.set(untilMs);
}

const A = addr('198.51.100.1', 40000);
const B = addr('198.51.100.1', 40001);

describe('relay/guid-addr-set', () => {
  it('expires a silent client after the lifespan (60 s by default) and removes it', () => {
    const { clock, set, events } = setup();
    set.recordActivity(prefixOf(1), A, 'spdp');
    expect(set.nextDeadline()).to.equal(61_000);
    runUntil(clock, set, 60_999);
    expect(set.has(prefixOf(1))).to.equal(true);
    runUntil(clock, set, 61_000);
    expect(set.has(prefixOf(1))).to.equal(false);
    expect(events.map((e) => e.type)).to.deep.equal(['client-added', 'address-expired', 'client-removed']);
    expect(set.nextDeadline()).to.equal(undefined);
    expect(set.stats()).to.include({ clients: 0, addresses: 0, expiredAddresses: 1, removedClients: 1 });
  });

  it('refreshes an address on each datagram; expires each (address, port type) on its own', () => {
    const { clock, set } = setup({ lifespanMs: 10_000 });
    set.recordActivity(prefixOf(1), A, 'spdp');
    set.recordActivity(prefixOf(1), B, 'data');
    for (let t = 1000; t <= 30_000; t += 5000) {
      runUntil(clock, set, t + 1000);
      set.recordActivity(prefixOf(1), A, 'spdp');
    }
    expect(set.addresses(prefixOf(1), 'spdp')).to.deep.equal([A]);
    expect(set.addresses(prefixOf(1), 'data')).to.deep.equal([]);
    expect(set.has(prefixOf(1))).to.equal(true);
    runUntil(clock, set, clock.now() + 10_000);
    expect(set.has(prefixOf(1))).to.equal(false);
  });

  it('admits after an SPDP address, an SEDP address and the SPDP message; the application participant at once', () => {
    const { set, events } = setup();
    expect(set.admit(prefixOf(1))).to.equal('unknown-client');
    set.recordActivity(prefixOf(1), A, 'data');
    expect(set.admit(prefixOf(1))).to.equal('missing-spdp-address');
    set.recordActivity(prefixOf(1), A, 'spdp');
    expect(set.admit(prefixOf(1))).to.equal('missing-sedp-address');
    set.recordActivity(prefixOf(1), B, 'sedp');
    expect(set.admit(prefixOf(1))).to.equal('missing-spdp-message');
    set.cacheSpdpMessage(prefixOf(1), new Uint8Array([1, 2, 3]));
    set.cacheSpdpMessage(prefixOf(1), new Uint8Array([9])); // the first one is kept
    expect(set.admit(prefixOf(1))).to.equal('admitted');
    expect(set.isAdmitted(prefixOf(1))).to.equal(true);
    expect(set.spdpMessage(prefixOf(1))).to.deep.equal(new Uint8Array([1, 2, 3]));
    expect(events.filter((e) => e.type === 'admitted')).to.deep.equal([{ type: 'admitted', prefix: hexOf(1) }]);
    set.setApplicationParticipant(prefixOf(9));
    set.recordActivity(prefixOf(9), A, 'sedp');
    expect(set.admit(prefixOf(9))).to.equal('admitted');
  });

  it('stops admitting at maxAdmittedClients and admits again once a client is removed', () => {
    const { clock, set } = setup({ maxAdmittedClients: 1 });
    const ready = (n: number): void => {
      set.recordActivity(prefixOf(n), addr('198.51.100.2', 1000 + n), 'spdp');
      set.recordActivity(prefixOf(n), addr('198.51.100.2', 2000 + n), 'sedp');
      set.cacheSpdpMessage(prefixOf(n), new Uint8Array(4));
    };
    ready(1);
    expect(set.admit(prefixOf(1))).to.equal('admitted');
    clock.advance(30_000);
    ready(2);
    expect(set.admit(prefixOf(2))).to.equal('limit-reached');
    runUntil(clock, set, 61_000);
    expect(set.has(prefixOf(1))).to.equal(false);
    expect(set.admit(prefixOf(2))).to.equal('admitted');
    expect(set.stats()).to.include({ admittedClients: 1, admissionsRefusedByLimit: 1 });
  });

  it('rejects addresses for rejectedAddressDurationMs, and not at all by default', () => {
    const off = setup();
    off.set.reject(A);
    expect(off.set.isRejected(A)).to.equal(false);
    const { clock, set } = setup({ rejectedAddressDurationMs: 5000 });
    set.reject(A);
    expect(set.isRejected(A)).to.equal(true);
    expect(set.isRejected(B)).to.equal(false);
    expect(set.nextDeadline()).to.equal(6000);
    runUntil(clock, set, 6000);
    expect(set.isRejected(A)).to.equal(false);
    expect(set.stats().rejectedAddresses).to.equal(0);
  });

  it('records at most maxIpsPerClient distinct IPs per client (ports of a known IP still count as one)', () => {
    const { set } = setup({ maxIpsPerClient: 2 });
    expect(set.recordActivity(prefixOf(1), addr('198.51.100.1', 1), 'spdp').isRefused).to.equal(false);
    expect(set.recordActivity(prefixOf(1), addr('198.51.100.1', 2), 'sedp').isRefused).to.equal(false);
    expect(set.recordActivity(prefixOf(1), addr('198.51.100.2', 3), 'data').isRefused).to.equal(false);
    const refused = set.recordActivity(prefixOf(1), addr('198.51.100.3', 3), 'data');
    expect(refused).to.include({ isRefused: true, isConfirmed: false });
    expect(set.addresses(prefixOf(1), 'data')).to.deep.equal([addr('198.51.100.2', 3)]);
    expect(set.recordActivity(prefixOf(1), addr('198.51.100.2', 9), 'data').isRefused).to.equal(false);
    expect(set.stats().refusedByIpLimit).to.equal(1);
  });

  it('validates its configuration', () => {
    expect(() => setup({ maxIpsPerClient: 1.5 })).to.throw(InvalidConfigError);
    expect(() => setup({ lifespanMs: 0 })).to.throw(InvalidConfigError);
    expect(() => setup({ lifespanMs: Infinity })).to.throw(InvalidConfigError);
    expect(() => setup({ maxAdmittedClients: -1 })).to.throw(InvalidConfigError);
    expect(() => setup({ rejectedAddressDurationMs: Number.NaN })).to.throw(InvalidConfigError);
  });
});
