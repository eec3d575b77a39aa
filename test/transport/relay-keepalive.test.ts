import { expect } from 'chai';
import { StunResponder, type StunResponderEvent } from '../../src/relay/stun-responder.js';
import { NatPresets, TWO_NAT_ADDRESSES, twoNatTopology } from '../../src/simnet/index.js';
import {
  attr, decodeStunMessage, encodeStunMessage, ErrorCode, getAttribute, GuidPrefix, StunMethod, XorMappedAddress,
} from '../../src/stun/index.js';
import {
  DATA_RELAY_KEEPALIVE_INIT, encodeRelayKeepalive, FibonacciSequence, RelayKeepalive, SPDP_RELAY_KEEPALIVE_INIT,
  type RelayKeepaliveEvent, type RelayKeepaliveInit, type RelayKeepaliveTransmit,
} from '../../src/transport/relay-keepalive.js';
import { transportAddress, type TransportAddress } from '../../src/util/address.js';
import { ManualClock } from '../../src/util/clock.js';
import type { TimerHandle } from '../../src/util/datagram-io.js';
import { fromHex } from '../../src/util/hex.js';
import { silentLogger } from '../../src/util/logger.js';

const PREFIX = new Uint8Array([0x01, 0x03, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0x00, 0x01, 0x00, 0x02]);
const FIXED_TID = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
const RELAY = transportAddress('192.0.2.1', 4900);
const PUBLIC = transportAddress('198.51.100.1', 40000);

// Spec §13.4.
const REQUEST_VECTOR = fromHex(
  '000100182112a442000102030405060708090a0bd000000c0103aabbccddeeff00010002802800043f87e359',
);
const INDICATION_VECTOR = fromHex(
  '001100182112a442000102030405060708090a0bd000000c0103aabbccddeeff0001000280280004707da712',
);

interface Sent { readonly at: number; readonly t: RelayKeepaliveTransmit; readonly tid: Uint8Array }

class Harness {
  readonly clock = new ManualClock();
  readonly sent: Sent[] = [];
  readonly events: { readonly at: number; readonly e: RelayKeepaliveEvent }[] = [];
  readonly ka: RelayKeepalive;
  #tidCounter = 0;
  /** Answers each request `delayMs` later with `mapped` (undefined: no answer). */
  answer: ((s: Sent) => TransportAddress | undefined) | undefined;
  delayMs = 20;
  #pending: { readonly at: number; readonly bytes: Uint8Array }[] = [];

  constructor(init: RelayKeepaliveInit = {}, fixedTid = false) {
    this.ka = new RelayKeepalive({
      clock: this.clock,
      send: (t) => {
        const s = { at: this.clock.now(), t: { ...t, bytes: t.bytes.slice() }, tid: decodeStunMessage(t.bytes).transactionId.slice() };
        this.sent.push(s);
        const mapped = t.messageClass === 'request' ? this.answer?.(s) : undefined;
        if (mapped !== undefined) this.#pending.push({ at: s.at + this.delayMs, bytes: successResponse(s.tid, mapped) });
      },
      emit: (e) => { this.events.push({ at: this.clock.now(), e }); },
      randomBytes: (n) => {
        if (fixedTid) return FIXED_TID.slice(0, n);
        const b = new Uint8Array(n);
        b[0] = ++this.#tidCounter;
        b[1] = this.#tidCounter >> 8;
        return b;
      },
      log: silentLogger,
    }, { relayAddress: RELAY, guidPrefix: PREFIX }, init);
  }

  /** Runs timers and scheduled answers until `untilMs`. */
  run(untilMs: number): void {
    for (;;) {
      const deadline = this.ka.nextDeadline();
      const answer = this.#pending[0];
      const next = Math.min(deadline ?? Infinity, answer?.at ?? Infinity);
      if (next > untilMs) break;
      this.clock.set(next);
      if (answer !== undefined && answer.at === next) {
        this.#pending.shift();
        this.ka.handleStun(answer.bytes, RELAY);
      } else {
        this.ka.handleTimeout();
      }
    }
    this.clock.set(untilMs);
  }

  classes(): string {
    return this.sent.map((s) => (s.t.messageClass === 'request' ? 'R' : 'I')).join('');
  }
}

function successResponse(tid: Uint8Array, mapped: TransportAddress): Uint8Array {
  return encodeStunMessage({
    method: StunMethod.binding, messageClass: 'success', transactionId: tid, attributes: [attr(XorMappedAddress, mapped)], fingerprint: true,
  }).slice();
}

function cumulative(delays: readonly number[]): number[] {
  const out = [0];
  for (const d of delays) out.push((out[out.length - 1] ?? 0) + d);
  return out;
}

describe('transport/relay-keepalive: messages (spec §6.1, §13.4)', () => {
  it('encodes the §13.4 request and indication byte for byte', () => {
    expect(Array.from(encodeRelayKeepalive('request', FIXED_TID, PREFIX))).to.deep.equal(Array.from(REQUEST_VECTOR));
    expect(Array.from(encodeRelayKeepalive('indication', FIXED_TID, PREFIX))).to.deep.equal(Array.from(INDICATION_VECTOR));
  });

  it('the state machine sends exactly those bytes: a request first, an indication after the answer', () => {
    const h = new Harness({}, true);
    h.answer = () => PUBLIC;
    h.run(30_100);
    expect(h.sent.map((s) => s.t.to)).to.deep.equal([RELAY, RELAY]);
    expect(Array.from(h.sent[0]?.t.bytes ?? [])).to.deep.equal(Array.from(REQUEST_VECTOR));
    expect(Array.from(h.sent[1]?.t.bytes ?? [])).to.deep.equal(Array.from(INDICATION_VECTOR));
    const m = decodeStunMessage(h.sent[0]?.t.bytes ?? new Uint8Array(0));
    expect(m.attributes.map((a) => a.type)).to.deep.equal([0xd000, 0x8028]);
    expect(getAttribute(m, GuidPrefix)).to.deep.equal(PREFIX);
  });

  it('uses a new transaction id for every message', () => {
    const h = new Harness();
    h.answer = () => PUBLIC;
    h.run(200_000);
    const keys = new Set(h.sent.map((s) => Array.from(s.tid).join(',')));
    expect(keys.size).to.equal(h.sent.length);
  });
});

describe('transport/relay-keepalive: cadence (spec §6.2)', () => {
  it('FibonacciSequence: set(f1) then advance(cap) yields f1, 2f1, 3f1, 5f1, … capped', () => {
    const f = new FibonacciSequence(1);
    const seen = [f.get()];
    for (let i = 0; i < 9; i++) { f.advance(30); seen.push(f.get()); }
    expect(seen).to.deep.equal([1, 2, 3, 5, 8, 13, 21, 30, 30, 30]);
    f.set(200);
    f.advance(30_000);
    expect(f.get()).to.equal(400);
  });

  it('SPDP: first at once, then 200, 400, 600, 1000, 1600, … ms capped at 30 s while unanswered', () => {
    const h = new Harness(SPDP_RELAY_KEEPALIVE_INIT);
    h.run(200_000);
    const delays = [200, 400, 600, 1000, 1600, 2600, 4200, 6800, 11_000, 17_800, 28_800, 30_000, 30_000, 30_000, 30_000, 30_000];
    expect(h.sent.map((s) => s.at)).to.deep.equal(cumulative(delays).filter((t) => t <= 200_000));
    expect(h.classes()).to.match(/^R+$/);
    expect(h.events).to.deep.equal([]);
  });

  it('data transport: first at once, then 1, 2, 3, 5, 8, 13, 21, 30, 30 s', () => {
    const h = new Harness(DATA_RELAY_KEEPALIVE_INIT);
    h.run(143_000);
    expect(h.sent.map((s) => s.at)).to.deep.equal(cumulative([1000, 2000, 3000, 5000, 8000, 13_000, 21_000, 30_000, 30_000, 30_000]));
  });

  it('jumps to 30 s on Set (counted from the response) and stays there', () => {
    const h = new Harness(SPDP_RELAY_KEEPALIVE_INIT);
    h.answer = (s) => (s.at >= 600 ? PUBLIC : undefined); // the third request is the first answered
    h.run(100_000);
    expect(h.sent.map((s) => s.at)).to.deep.equal([0, 200, 600, 30_620, 60_620, 90_620]);
    expect(h.events).to.deep.equal([{ at: 620, e: { type: 'address-set', relay: RELAY, address: PUBLIC, latencyMs: 20 } }]);
    expect(h.ka.address).to.deep.equal(PUBLIC);
    expect(h.ka.lastLatencyMs).to.equal(20);
  });

  it('reset() sends at once and restarts the cadence; close() stops it', () => {
    const h = new Harness(DATA_RELAY_KEEPALIVE_INIT);
    h.run(7_500);
    h.ka.reset();
    h.run(11_000);
    expect(h.sent.map((s) => s.at)).to.deep.equal([0, 1000, 3000, 6000, 7500, 8500, 10_500]);
    h.ka.close();
    expect(h.ka.nextDeadline()).to.equal(undefined);
    expect(h.ka.isClosed).to.equal(true);
    h.run(100_000);
    expect(h.sent).to.have.length(7);
  });
});

describe('transport/relay-keepalive: state machine (spec §6.1)', () => {
  it('cycles request → 10 indications → request while answered', () => {
    const h = new Harness();
    h.answer = () => PUBLIC;
    h.run(22 * 30_000 + 1_000);
    expect(h.classes()).to.equal(`R${'I'.repeat(10)}R${'I'.repeat(10)}R`);
    expect(h.events.map((x) => x.e.type)).to.deep.equal(['address-set']);
    expect(h.ka.stats()).to.deep.include({ requests: 3, indications: 20, responses: 3 });
  });

  it('reports Change with the previous address, None silently', () => {
    const h = new Harness();
    let mapped = PUBLIC;
    h.answer = () => mapped;
    h.run(11 * 30_000 + 1_000); // second request answered: same address, no event
    mapped = transportAddress('198.51.100.1', 40001);
    h.run(22 * 30_000 + 1_000);
    expect(h.events.map((x) => x.e)).to.deep.equal([
      { type: 'address-set', relay: RELAY, address: PUBLIC, latencyMs: 20 },
      { type: 'address-changed', relay: RELAY, address: mapped, previous: PUBLIC, latencyMs: 20 },
    ]);
  });

  it('Unset after 10 unanswered requests with an address known, and requesting starts over', () => {
    const h = new Harness();
    h.answer = (s) => (s.at === 0 ? PUBLIC : undefined);
    h.run(25 * 30_000);
    // R (answered), 10 I, then 10 unanswered R; the next send reports Unset and is a request again.
    expect(h.classes().slice(0, 23)).to.equal(`R${'I'.repeat(10)}${'R'.repeat(10)}RR`);
    const unset = h.events.find((x) => x.e.type === 'address-unset');
    const eleventh = h.sent[21];
    expect(unset?.at).to.equal(eleventh?.at);
    expect(unset?.e).to.deep.equal({ type: 'address-unset', relay: RELAY, previous: PUBLIC, reason: 'timeout', lastLatencyMs: 20 });
    expect(h.ka.address).to.equal(undefined);
    expect(h.events).to.have.length(2);
  });

  it('counts only a response to the latest message; older transaction ids are not consumed', () => {
    const h = new Harness(SPDP_RELAY_KEEPALIVE_INIT);
    h.run(200); // two requests: t=0 and t=200
    const [first, second] = h.sent;
    if (first === undefined || second === undefined) throw new Error('two requests expected');
    h.clock.set(250);
    expect(h.ka.handleStun(successResponse(first.tid, PUBLIC), RELAY)).to.equal(false);
    expect(h.events).to.deep.equal([]);
    expect(h.ka.address).to.equal(undefined);
    expect(h.ka.handleStun(successResponse(second.tid, PUBLIC), RELAY)).to.equal(true);
    expect(h.events.map((x) => x.e)).to.deep.equal([{ type: 'address-set', relay: RELAY, address: PUBLIC, latencyMs: 50 }]);
    // A duplicate of the answer no longer matches (the machine forgot the id once answered).
    expect(h.ka.handleStun(successResponse(second.tid, PUBLIC), RELAY)).to.equal(false);
    // Not STUN for us at all.
    expect(h.ka.handleStun(new Uint8Array(8), RELAY)).to.equal(false);
  });

  it('error responses, unusable successes and garbage with our id are consumed without changing state', () => {
    const h = new Harness(SPDP_RELAY_KEEPALIVE_INIT);
    h.run(0);
    const tid = h.sent[0]?.tid ?? new Uint8Array(12);
    const error = encodeStunMessage({
      method: StunMethod.binding, messageClass: 'error', transactionId: tid,
      attributes: [attr(ErrorCode, { code: 400, reason: 'Bad Request' })], fingerprint: true,
    }).slice();
    expect(h.ka.handleStun(error, RELAY)).to.equal(true);
    const noMapped = encodeStunMessage({ method: StunMethod.binding, messageClass: 'success', transactionId: tid, fingerprint: true }).slice();
    expect(h.ka.handleStun(noMapped, RELAY)).to.equal(true);
    const garbage = successResponse(tid, PUBLIC);
    garbage[garbage.length - 1] = (garbage[garbage.length - 1] ?? 0) ^ 1; // bad FINGERPRINT
    expect(h.ka.handleStun(garbage, RELAY)).to.equal(true);
    expect(h.ka.stats()).to.deep.include({ errorResponses: 1, ignored: 2, responses: 0 });
    expect(h.events).to.deep.equal([]);
    expect(h.ka.address).to.equal(undefined);
    expect(h.ka.handleStun(successResponse(tid, PUBLIC), RELAY)).to.equal(true);
    expect(h.ka.address).to.deep.equal(PUBLIC);
  });

  it('setRelayAddress forgets the address (Unset, relay-changed) and requests the new relay at once', () => {
    const h = new Harness();
    h.answer = () => PUBLIC;
    h.run(1_000);
    const other = transportAddress('192.0.2.2', 4900);
    h.ka.setRelayAddress(other);
    h.ka.setRelayAddress(other);
    expect(h.events.map((x) => x.e)).to.deep.equal([
      { type: 'address-set', relay: RELAY, address: PUBLIC, latencyMs: 20 },
      { type: 'address-unset', relay: RELAY, previous: PUBLIC, reason: 'relay-changed', lastLatencyMs: 20 },
    ]);
    expect(h.ka.nextDeadline()).to.equal(1_000);
    h.run(1_000);
    expect(h.sent.map((s) => [s.t.to, s.t.messageClass])).to.deep.equal([[RELAY, 'request'], [other, 'request']]);
  });

  it('rejects a bad configuration and a GUID prefix that is not 12 bytes', () => {
    const deps = { clock: new ManualClock(), send: () => undefined, emit: () => undefined, randomBytes: (n: number) => new Uint8Array(n), log: silentLogger };
    const target = { relayAddress: RELAY, guidPrefix: PREFIX };
    expect(() => new RelayKeepalive(deps, target, { initialPeriodMs: 0 })).to.throw(/initialPeriodMs/);
    expect(() => new RelayKeepalive(deps, target, { maxPeriodMs: 100 })).to.throw(/maxPeriodMs/);
    expect(() => new RelayKeepalive(deps, target, { indicationCountLimit: 0 })).to.throw(/indicationCountLimit/);
    expect(() => new RelayKeepalive(deps, { relayAddress: RELAY, guidPrefix: new Uint8Array(11) })).to.throw(/guidPrefix/);
  });
});

describe('transport/relay-keepalive on simnet: behind a port-restricted NAT with the StunResponder on the relay', () => {
  it('learns the NAT mapping per port, keeps it open past its lifetime, and registers every port', () => {
    const topo = twoNatTopology({ left: NatPresets.portRestricted, right: 'none' });
    const net = topo.network;
    const clock = net.timers.clock;
    const relayPorts = { spdp: 4900, sedp: 4901, data: 4902 } as const;
    const registered: StunResponderEvent[] = [];
    /** Where non-STUN datagrams reached the relay from (the control socket's mapping). */
    let controlMapping: TransportAddress | undefined;
    const relaySockets = new Map<number, ReturnType<typeof topo.server.bindSync>>();
    for (const port of Object.values(relayPorts)) {
      const socket = topo.server.bindSync(TWO_NAT_ADDRESSES.server, port);
      const responder = new StunResponder({ emit: (e) => { registered.push(e); }, log: silentLogger });
      socket.onDatagram((bytes, from) => {
        if (bytes[0] === 0x68) { controlMapping = from; return; } // the control socket's 'hello'
        const reply = responder.handle(bytes, from);
        if (reply !== undefined) socket.send(reply, from);
      });
      relaySockets.set(port, socket);
    }
    const clientIp = topo.left.interfaceAddresses()[0]?.ip ?? '';
    const clients = (['spdp', 'sedp', 'data'] as const).map((name, i) => {
      const socket = topo.left.bindSync(clientIp, 7400 + i);
      const relayAddress = transportAddress(TWO_NAT_ADDRESSES.server, relayPorts[name]);
      const events: RelayKeepaliveEvent[] = [];
      const received: string[] = [];
      let timer: TimerHandle | undefined;
      let tid = i * 1000;
      const ka: RelayKeepalive = new RelayKeepalive({
        clock,
        send: (t) => { socket.send(t.bytes, t.to); },
        emit: (e) => { events.push(e); },
        randomBytes: (n) => { const b = new Uint8Array(n); b[0] = i; b[1] = ++tid; b[2] = tid >> 8; return b; },
        log: silentLogger,
      }, { relayAddress, guidPrefix: PREFIX }, name === 'data' ? DATA_RELAY_KEEPALIVE_INIT : SPDP_RELAY_KEEPALIVE_INIT);
      const arm = (): void => {
        timer?.cancel();
        const at = ka.nextDeadline();
        timer = at === undefined ? undefined : net.timers.at(at, () => { ka.handleTimeout(); arm(); });
      };
      socket.onDatagram((bytes, from) => {
        if (ka.handleStun(bytes, from)) { arm(); return; }
        received.push(new TextDecoder().decode(bytes));
      });
      arm();
      return { name, socket, ka, events, received, relayAddress };
    });
    // A control socket without keep-alive: one datagram to the relay opens a binding that then expires.
    const control = topo.left.bindSync(clientIp, 7500);
    const controlReceived: string[] = [];
    control.onDatagram((bytes) => { controlReceived.push(new TextDecoder().decode(bytes)); });
    const controlRelay = transportAddress(TWO_NAT_ADDRESSES.server, relayPorts.data);
    control.send(new TextEncoder().encode('hello'), controlRelay);
    net.runFor(5 * 60_000);

    for (const c of clients) {
      expect(c.events.map((e) => e.type), c.name).to.deep.equal(['address-set']);
      const learned = c.ka.address;
      expect(learned?.ip, c.name).to.equal(TWO_NAT_ADDRESSES.leftPublic);
      // The learned address is the NAT's public mapping of this socket, as the relay saw it.
      const seen = registered.filter((r) => r.from.port === learned?.port && r.from.ip === learned.ip);
      expect(seen.length, c.name).to.be.greaterThan(0);
      expect(seen.every((r) => Array.from(r.guidPrefix).join() === Array.from(PREFIX).join()), c.name).to.equal(true);
      expect(c.ka.stats().requests + c.ka.stats().indications, c.name).to.be.at.least(10); // one per 30 s after the first answer
    }
    // Each relay port registered the participant, from that port's mapping.
    const byMapping = new Set(registered.map((r) => `${r.from.ip}:${r.from.port}`));
    expect(byMapping.size).to.equal(3);

    // After 5 minutes of virtual time (> the NAT's 2-minute mapping lifetime), the relay still reaches each client.
    for (const c of clients) {
      const learned = c.ka.address;
      if (learned === undefined) throw new Error(`${c.name}: no address`);
      relaySockets.get(c.relayAddress.port)?.send(new TextEncoder().encode(`to-${c.name}`), learned);
    }
    if (controlMapping === undefined) throw new Error('control datagram not seen');
    relaySockets.get(relayPorts.data)?.send(new TextEncoder().encode('to-control'), controlMapping);
    net.runFor(1_000);
    for (const c of clients) expect(c.received, c.name).to.deep.equal([`to-${c.name}`]);
    expect(controlReceived).to.deep.equal([]); // its binding expired: the cadence is what keeps the others open
  });
});
