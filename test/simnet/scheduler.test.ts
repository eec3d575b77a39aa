import { expect } from 'chai';
import { EventLimitError, Scheduler } from '../../src/simnet/index.js';

describe('simnet/Scheduler', () => {
  it('runs events by time, then by insertion order, jumping the clock', () => {
    const s = new Scheduler();
    const seen: string[] = [];
    s.at(30, () => seen.push(`c@${s.now()}`));
    s.at(10, () => seen.push(`a@${s.now()}`));
    s.at(10, () => seen.push(`b@${s.now()}`));
    s.at(20, () => {
      seen.push(`x@${s.now()}`);
      s.after(0, () => seen.push(`y@${s.now()}`)); // same time: after everything already queued at 20
    });
    s.at(20, () => seen.push(`z@${s.now()}`));
    expect(s.runUntilIdle()).to.equal(6);
    expect(seen).to.deep.equal(['a@10', 'b@10', 'x@20', 'z@20', 'y@20', 'c@30']);
    expect(s.pendingEvents).to.equal(0);
  });

  it('keeps a random workload in (time, insertion) order, with cancellations', () => {
    const s = new Scheduler();
    const ran: [number, number][] = [];
    const handles = [];
    let x = 12345;
    for (let i = 0; i < 2000; i++) {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      const t = x % 500;
      handles.push(s.at(t, () => ran.push([t, i])));
    }
    const cancelled = new Set<number>();
    for (let i = 0; i < 2000; i += 3) {
      handles[i]!.cancel();
      cancelled.add(i);
    }
    s.runUntilIdle();
    expect(ran).to.have.length(2000 - cancelled.size);
    for (let k = 1; k < ran.length; k++) {
      const [t0, i0] = ran[k - 1]!;
      const [t1, i1] = ran[k]!;
      expect(t0 < t1 || (t0 === t1 && i0 < i1)).to.equal(true);
    }
    expect(ran.some(([, i]) => cancelled.has(i))).to.equal(false);
  });

  it('cancel is idempotent and harmless after the event ran', () => {
    const s = new Scheduler();
    let n = 0;
    const h = s.at(5, () => n++);
    s.runUntilIdle();
    h.cancel();
    h.cancel();
    const h2 = s.at(10, () => n++);
    h2.cancel();
    h2.cancel();
    expect(s.pendingEvents).to.equal(0);
    s.runUntilIdle();
    expect(n).to.equal(1);
  });

  it('run({ untilMs }) runs due events only and lands the clock on untilMs', () => {
    const s = new Scheduler(1000);
    const seen: number[] = [];
    for (const t of [1010, 1020, 1030, 1040]) s.at(t, () => seen.push(t));
    expect(s.run({ untilMs: 1030 })).to.equal(3);
    expect(seen).to.deep.equal([1010, 1020, 1030]);
    expect(s.now()).to.equal(1030);
    s.run({ untilMs: 1035 });
    expect(s.now()).to.equal(1035);
    expect(s.nextEventAtMs()).to.equal(1040);
    expect(s.runFor(100)).to.equal(1);
    expect(s.now()).to.equal(1135);
  });

  it('step() runs one event at a time and reports idleness', () => {
    const s = new Scheduler();
    s.at(7, () => undefined);
    s.at(3, () => undefined);
    expect(s.step()).to.equal(true);
    expect(s.now()).to.equal(3);
    expect(s.step()).to.equal(true);
    expect(s.now()).to.equal(7);
    expect(s.step()).to.equal(false);
    expect(s.executedEvents).to.equal(2);
  });

  it('schedules past deadlines at the current time, never moving time backwards', () => {
    const s = new Scheduler(100);
    let at = -1;
    s.at(50, () => { at = s.now(); });
    s.runUntilIdle();
    expect(at).to.equal(100);
    expect(() => s.at(Number.NaN, () => undefined)).to.throw();
  });

  it('runUntilIdle throws EventLimitError for a timer that never stops', () => {
    const s = new Scheduler();
    const tick = (): void => { s.after(20, tick); };
    tick();
    expect(() => s.runUntilIdle({ maxEvents: 100 })).to.throw(EventLimitError);
    expect(s.now()).to.equal(2000);
  });

  it('a periodic timer over 10,000 virtual seconds takes exactly the expected events', () => {
    const s = new Scheduler();
    let ticks = 0;
    let handle = s.after(20, function tick() { ticks++; handle = s.after(20, tick); });
    s.run({ untilMs: 10_000_000 });
    handle.cancel();
    expect(ticks).to.equal(500_000);
    expect(s.pendingEvents).to.equal(0);
  });
});
