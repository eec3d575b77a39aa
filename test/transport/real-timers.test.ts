import { expect } from 'chai';
import { RealTimerService } from '../../src/transport/index.js';
import { monotonicClock } from '../../src/util/clock.js';

function timeouts(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
}

describe('transport/real-timers', () => {
  it('runs callbacks in deadline order, ties in scheduling order', async () => {
    const t = new RealTimerService();
    const now = t.clock.now();
    const order: string[] = [];
    const done = new Promise<void>((resolve) => {
      t.at(now + 30, () => { order.push('c'); resolve(); });
      t.at(now + 10, () => order.push('a'));
      t.at(now + 20, () => order.push('b1'));
      t.at(now + 20, () => order.push('b2'));
    });
    await done;
    expect(order).to.deep.equal(['a', 'b1', 'b2', 'c']);
    expect(t.pending).to.equal(0);
  });

  it('never fires before the deadline on the monotonic clock', async () => {
    const t = new RealTimerService();
    const start = monotonicClock.now();
    const firedAt = await new Promise<number>((resolve) => { t.at(start + 25, () => { resolve(monotonicClock.now()); }); });
    expect(firedAt).to.be.at.least(start + 25);
  });

  it('cancel prevents the callback; close cancels all and leaves no Node timer', async () => {
    const base = timeouts();
    const t = new RealTimerService();
    const now = t.clock.now();
    let ran = 0;
    const h = t.at(now + 5, () => ran++);
    for (let i = 0; i < 5; i++) t.at(now + 1000 + i, () => ran++);
    expect(timeouts()).to.equal(base + 1); // one Node timer however many callbacks
    h.cancel();
    h.cancel();
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).to.equal(0);
    const beforeClose = timeouts();
    t.close();
    expect(t.pending).to.equal(0);
    expect(timeouts()).to.equal(beforeClose - 1);
    t.at(now, () => ran++);
    await new Promise((r) => setTimeout(r, 5));
    expect(ran).to.equal(0);
  });

  it('runs a past deadline promptly and counts a throwing callback', async () => {
    const t = new RealTimerService();
    await new Promise<void>((resolve) => {
      t.at(0, () => { throw new Error('bug'); });
      t.at(0, () => { resolve(); });
    });
    expect(t.callbackErrors).to.equal(1);
    t.close();
  });
});
