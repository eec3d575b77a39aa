import { expect } from 'chai';
import { BufferPool } from '../../src/util/buffer-pool.js';
import { SEND_BUFFER_MAX_OCTETS, SEND_BUFFERS_KEPT, sendBuffers } from '../../src/transport/send-buffers.js';
import { UdpNetwork } from '../../src/transport/udp-network.js';

describe('transport/send-buffers', () => {
  it('copies into a power-of-two buffer and reuses a returned one of the same capacity', () => {
    const pool = new BufferPool(SEND_BUFFER_MAX_OCTETS, SEND_BUFFERS_KEPT);
    const a = pool.copy(new Uint8Array([1, 2, 3]));
    expect(a.length).to.equal(256);
    expect([...a.subarray(0, 3)]).to.deep.equal([1, 2, 3]);
    const big = pool.copy(new Uint8Array(14_720).fill(7));
    expect(big.length).to.equal(16_384);
    expect(pool.allocated).to.equal(2);
    pool.give(a);
    pool.give(big);
    const again = pool.copy(new Uint8Array(14_000).fill(9));
    expect(again).to.equal(big);
    expect(again[13_999]).to.equal(9);
    expect(pool.copy(new Uint8Array(200))).to.equal(a);
    expect(pool.allocated).to.equal(2);
  });

  it('keeps at most 64 free buffers of a capacity and takes back only whole buffers of a pool capacity', () => {
    const pool = new BufferPool(SEND_BUFFER_MAX_OCTETS, SEND_BUFFERS_KEPT);
    const taken = Array.from({ length: 100 }, () => pool.copy(new Uint8Array(1000)));
    for (const b of taken) pool.give(b);
    expect(pool.free).to.equal(64);
    pool.give(new Uint8Array(1000)); // not a pool capacity
    pool.give(new Uint8Array(70_000)); // beyond the largest class
    expect(pool.free).to.equal(64);
    const fresh = new BufferPool(SEND_BUFFER_MAX_OCTETS, SEND_BUFFERS_KEPT);
    fresh.give(new Uint8Array(2048).subarray(0, 1024)); // a view of a larger buffer
    fresh.give(new Uint8Array(2048).subarray(1024)); // a view at an offset
    expect(fresh.free).to.equal(0);
    fresh.give(new Uint8Array(1024));
    expect(fresh.free).to.equal(1);
    expect(pool.copy(new Uint8Array(70_000)).length).to.equal(70_000);
  });

  it('UdpSocket: the caller may overwrite a datagram once send returns, and steady sending stops allocating', async () => {
    const net = new UdpNetwork({}, { includeLoopback: true });
    try {
      const a = await net.bind('127.0.0.1', 0);
      const b = await net.bind('127.0.0.1', 0);
      const got: number[] = [];
      b.onDatagram((bytes) => { got.push(bytes[0]! | (bytes[1]! << 8)); });
      const scratch = new Uint8Array(1200);
      let before = 0;
      for (let burst = 0; burst < 50; burst++) {
        if (burst === 1) before = sendBuffers.allocated;
        for (let i = 0; i < 10; i++) {
          const n = burst * 10 + i;
          scratch[0] = n & 0xff;
          scratch[1] = n >> 8;
          a.send(scratch, b.localAddress);
          scratch.fill(0xee); // the packer reuses its buffer for the next datagram at once
        }
        await new Promise((r) => setImmediate(r));
      }
      for (let i = 0; i < 200 && got.length < 500; i++) await new Promise((r) => setTimeout(r, 5));
      expect(got).to.deep.equal(Array.from({ length: 500 }, (_, i) => i));
      // The first burst may fill the pool; the next 49 bursts reuse it.
      expect(sendBuffers.allocated - before).to.equal(0);
    } finally {
      await net.close({ signal: AbortSignal.timeout(2000) });
    }
  });
});
