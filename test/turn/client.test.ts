/**
 * The sans-I/O TURN client against the simnet TURN server (RFC 8656), in virtual time: the
 * 401 → credentials → allocation sequence, 438 → retry with the new nonce, a wrong password and a
 * silent server ending in a clear TurnError (bounded), refresh before the lifetime, permissions,
 * channel bindings, Send/Data indications and ChannelData both ways through a symmetric NAT.
 */
import { expect } from 'chai';
import { TurnServer } from '../../src/relay/index.js';
import type { SimHost } from '../../src/simnet/index.js';
import { NatPresets, twoNatTopology, type VirtualNetwork } from '../../src/simnet/index.js';
import type { TurnClientEvent, TurnClientInit } from '../../src/turn/index.js';
import { TurnClient, TurnError } from '../../src/turn/index.js';
import type { TransportAddress } from '../../src/util/address.js';
import { addressEquals, transportAddress } from '../../src/util/address.js';
import type { DatagramSocket, TimerHandle } from '../../src/util/datagram-io.js';
import { silentLogger } from '../../src/util/logger.js';
import { SeededRandom } from '../../src/util/prng.js';

/** A minimal driver: one simnet socket, one timer, the client. */
class Harness {
  readonly events: TurnClientEvent[] = [];
  readonly received: { peer: TransportAddress; data: string }[] = [];
  sentToServer = 0;
  readonly client: TurnClient;
  #timer: TimerHandle | undefined;

  constructor(readonly net: VirtualNetwork, readonly socket: DatagramSocket, init: TurnClientInit, seed: number) {
    const rng = new SeededRandom(seed);
    this.client = new TurnClient({
      clock: net.timers.clock,
      send: (bytes) => { this.sentToServer++; socket.send(bytes, init.server); },
      emit: (e) => { this.events.push(e); },
      randomBytes: (n) => rng.bytes(n),
      log: silentLogger,
    }, init);
    socket.onDatagram((bytes, from) => {
      if (!addressEquals(from, init.server)) return;
      const inbound = this.client.handle(bytes);
      if (inbound !== undefined) this.received.push({ peer: inbound.peer, data: new TextDecoder().decode(inbound.data) });
      this.arm();
    });
  }

  arm(): void {
    this.#timer?.cancel();
    const at = this.client.nextDeadline();
    this.#timer = at === undefined ? undefined : this.net.timers.at(at, () => { this.client.handleTimeout(); this.arm(); });
  }

  act(f: (c: TurnClient) => void): void {
    f(this.client);
    this.arm();
  }

  close(): void {
    this.client.close();
    this.#timer?.cancel();
    this.socket.close();
  }
}

/** Runs virtual time in slices, yielding between them so promise callbacks (relay socket binds) run. */
async function run(net: VirtualNetwork, ms: number): Promise<void> {
  const step = ms > 10_000 ? 1_000 : 10;
  const end = net.now() + ms;
  while (net.now() < end) {
    net.runFor(Math.min(step, end - net.now()));
    await new Promise<void>((r) => { setImmediate(r); });
  }
}

async function setup(seed = 1, nonceLifetimeMs = 3_600_000): Promise<{ net: VirtualNetwork; left: SimHost; right: SimHost; turn: TurnServer; server: TransportAddress }> {
  const topo = twoNatTopology({ left: NatPresets.symmetric, right: NatPresets.symmetric, rttMs: 20, seed, recordTrace: false });
  const rng = new SeededRandom(seed + 100);
  const turnP = TurnServer.start(topo.server, {
    ip: '192.0.2.1', port: 3478, realm: 'rtps-ice.test', users: new Map([['alice', 's3cret'], ['bob', 'hunter2']]),
    timers: topo.network.timers, randomBytes: (n) => rng.bytes(n), nonceLifetimeMs,
  });
  await run(topo.network, 1);
  const turn = await turnP;
  return { net: topo.network, left: topo.left, right: topo.right, turn, server: turn.address };
}

async function bind(net: VirtualNetwork, host: SimHost): Promise<DatagramSocket> {
  return host.bind(host.interfaceAddresses()[0]!.ip, 0);
}

function failure(h: Harness): TurnError | undefined {
  const f = h.events.find((e) => e.type === 'failed');
  return f?.type === 'failed' ? f.error : undefined;
}

describe('turn/TurnClient against the simnet TURN server (virtual time)', function () {
  it('allocates through 401 → credentials, reports the relayed and mapped addresses, refreshes before the lifetime ends', async () => {
    const { net, left, turn, server } = await setup();
    const h = new Harness(net, await bind(net, left), { server, username: 'alice', password: 's3cret', lifetimeS: 300 }, 1);
    h.act((c) => { c.start(); });
    await run(net, 200);
    const allocated = h.events.find((e) => e.type === 'allocated');
    expect(allocated?.type).to.equal('allocated');
    if (allocated?.type !== 'allocated') return;
    expect(allocated.relayed.ip).to.equal('192.0.2.1');
    expect(allocated.mapped?.ip).to.equal('198.51.100.1'); // the left NAT's public address
    expect(allocated.lifetimeMs).to.equal(300_000);
    expect(h.client.state).to.equal('allocated');
    expect(turn.core.allocationCount).to.equal(1);
    // Two Allocates: the unauthenticated one (401) and the retry.
    expect(h.sentToServer).to.equal(2);
    // Refresh at lifetime − 60 s; the allocation is still there after 3 lifetimes.
    await run(net, 900_000);
    expect(h.events.filter((e) => e.type === 'refreshed').length).to.be.at.least(3);
    expect(turn.core.allocationCount).to.equal(1);
    h.close();
    await run(net, 100);
    expect(turn.core.allocationCount, 'Refresh(0) on close releases the allocation').to.equal(0);
    turn.close();
  });

  it('438 stale nonce: retries once with the new nonce and keeps the allocation', async () => {
    const { net, left, turn, server } = await setup(2);
    const h = new Harness(net, await bind(net, left), { server, username: 'alice', password: 's3cret', lifetimeS: 300 }, 2);
    h.act((c) => { c.start(); });
    await run(net, 200);
    expect(h.client.state).to.equal('allocated');
    turn.core.expireNonces();
    await run(net, 240_000 + 200); // the refresh meets 438, retries with the new nonce
    expect(turn.stats().staleNonces).to.equal(1);
    expect(h.events.filter((e) => e.type === 'refreshed')).to.have.length(1);
    expect(h.client.state).to.equal('allocated');
    h.close();
    turn.close();
  });

  it('438 again after the retry with the new nonce ends in TurnError "stale-nonce" (one retry, no loop)', async () => {
    const { net, left, turn, server } = await setup(8, 1); // every nonce is stale by the time it comes back
    const h = new Harness(net, await bind(net, left), { server, username: 'alice', password: 's3cret' }, 8);
    h.act((c) => { c.start(); });
    await run(net, 60_000);
    const err = failure(h);
    expect(err?.code).to.equal('stale-nonce');
    expect(err?.stunCode).to.equal(438);
    expect(h.sentToServer).to.equal(3); // unauthenticated, first try (438), retry (438)
    expect(turn.stats().staleNonces).to.equal(2);
    h.close();
    turn.close();
  });

  it('a cached realm/nonce skips the 401 round trip; a stale one gets 438 and one retry', async () => {
    const { net, left, turn, server } = await setup(9);
    const first = new Harness(net, await bind(net, left), { server, username: 'alice', password: 's3cret' }, 9);
    first.act((c) => { c.start(); });
    await run(net, 200);
    const auth = first.client.auth!;
    const fresh = new Harness(net, await bind(net, left), { server, username: 'alice', password: 's3cret', cachedAuth: auth }, 10);
    fresh.act((c) => { c.start(); });
    await run(net, 200);
    expect(fresh.client.state).to.equal('allocated');
    expect(fresh.sentToServer, 'no 401 round trip').to.equal(1);
    turn.core.expireNonces();
    const stale = new Harness(net, await bind(net, left), { server, username: 'alice', password: 's3cret', cachedAuth: auth }, 11);
    stale.act((c) => { c.start(); });
    await run(net, 200);
    expect(stale.client.state).to.equal('allocated');
    expect(stale.sentToServer, 'stale nonce (438), then the retry').to.equal(2);
    first.close(); fresh.close(); stale.close();
    turn.close();
  });

  it('a wrong password ends in TurnError "unauthorized" after exactly one authenticated try (no loop, no hang)', async () => {
    const { net, left, turn, server } = await setup(3);
    const h = new Harness(net, await bind(net, left), { server, username: 'alice', password: 'wrong', lifetimeS: 300 }, 3);
    h.act((c) => { c.start(); });
    await run(net, 60_000);
    const err = failure(h);
    expect(err).to.be.instanceOf(TurnError);
    expect(err?.code).to.equal('unauthorized');
    expect(err?.stunCode).to.equal(401);
    expect(err?.message).to.match(/alice/).and.match(/wrong username or password/);
    expect(h.sentToServer).to.equal(2);
    expect(h.client.state).to.equal('failed');
    expect(h.client.nextDeadline()).to.equal(undefined);
    expect(turn.core.allocationCount).to.equal(0);
    h.close();
    turn.close();
  });

  it('a server that never answers ends in TurnError "timeout" after the transaction timeout (bounded retransmissions)', async () => {
    const { net, left, turn } = await setup(4);
    const nowhere = transportAddress('192.0.2.1', 3479);
    const h = new Harness(net, await bind(net, left), { server: nowhere, username: 'alice', password: 's3cret', transactionTimeoutMs: 39_500 }, 4);
    h.act((c) => { c.start(); });
    await run(net, 60_000);
    const err = failure(h);
    expect(err?.code).to.equal('timeout');
    expect(h.sentToServer).to.be.within(5, 8);
    expect(h.client.nextDeadline()).to.equal(undefined);
    h.close();
    turn.close();
  });

  it('relays both ways between two clients behind symmetric NATs: permissions, Send/Data, then ChannelData', async () => {
    const { net, left, right, turn, server } = await setup(5);
    const a = new Harness(net, await bind(net, left), { server, username: 'alice', password: 's3cret' }, 5);
    const b = new Harness(net, await bind(net, right), { server, username: 'bob', password: 'hunter2' }, 6);
    a.act((c) => { c.start(); });
    b.act((c) => { c.start(); });
    await run(net, 200);
    const ra = a.client.relayedAddress!;
    const rb = b.client.relayedAddress!;
    expect(ra).to.not.equal(undefined);
    expect(rb).to.not.equal(undefined);
    // Each permits the other's relayed IP (the server's), then they talk relay to relay.
    a.act((c) => { c.permit(rb.ip); });
    b.act((c) => { c.permit(ra.ip); });
    await run(net, 100);
    expect(a.client.hasPermission(rb.ip)).to.equal(true);
    a.act((c) => { c.send(rb, new TextEncoder().encode('hello 1')); }); // Send indication + ChannelBind
    await run(net, 100);
    expect(b.received).to.deep.equal([{ peer: ra, data: 'hello 1' }]);
    expect(a.client.channelOf(rb)).to.be.a('number');
    a.act((c) => { c.send(rb, new TextEncoder().encode('hello 2')); }); // ChannelData
    b.act((c) => { c.send(ra, new TextEncoder().encode('reply')); });
    await run(net, 100);
    expect(b.received.map((r) => r.data)).to.deep.equal(['hello 1', 'hello 2']);
    expect(a.received).to.deep.equal([{ peer: rb, data: 'reply' }]);
    // Without a permission the server drops data.
    const before = turn.stats().droppedNoPermission;
    const stranger = new Harness(net, await bind(net, left), { server, username: 'alice', password: 's3cret' }, 7);
    stranger.act((c) => { c.start(); });
    await run(net, 200);
    turn.core.handlePeer(ra, transportAddress('203.0.113.77', 9), new Uint8Array([1, 2, 3]));
    expect(turn.stats().droppedNoPermission).to.equal(before + 1);
    // Permissions and channels are refreshed: still working 20 virtual minutes later.
    await run(net, 1_200_000);
    a.act((c) => { c.send(rb, new TextEncoder().encode('later')); });
    await run(net, 100);
    expect(b.received.at(-1)?.data).to.equal('later');
    a.close(); b.close(); stranger.close();
    await run(net, 100);
    expect(turn.core.allocationCount).to.equal(0);
    turn.close();
  });
});
