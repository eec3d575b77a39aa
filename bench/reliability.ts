/**
 * Reliability throughput: samples per second through RtpsWriter -> RTPS codec -> RtpsReader in one
 * process, no loss, for 64 B and 1 KB payloads (reliable, keep-all, volatile). Each transmit is
 * encoded into one datagram with the reusable RtpsMessageWriter and fully decoded before the
 * reader sees it; every 1,000 samples virtual time advances so the burst HEARTBEAT, the ACKNACK
 * and the history release run through the codec too.
 *
 * Run: `npx tsx bench/reliability.ts [--json]`.
 */
import { pathToFileURL } from 'node:url';
import type { Guid, RtpsHeader } from '../src/rtps/index.js';
import { decodeRtpsMessage, PROTOCOL_VERSION_2_5, RtpsMessageWriter, VendorIds } from '../src/rtps/index.js';
import type { ReliabilityTransmit } from '../src/reliability/index.js';
import { RtpsReader, RtpsWriter } from '../src/reliability/index.js';
import { ManualClock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';
import type { BenchResult } from './support/report.js';
import { printResults } from './support/report.js';

const WRITER: Guid = { prefix: Uint8Array.from([1, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]), entityId: 0x102 };
const READER: Guid = { prefix: Uint8Array.from([1, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]), entityId: 0x107 };

/** Samples per second for `n` samples of `size` octets (median of `rounds`). */
export function samplesPerSecond(size: number, n: number, rounds = 5): number {
  const rates: number[] = [];
  for (let r = 0; r < rounds; r++) rates.push(runOnce(size, n));
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)] ?? Number.NaN;
}

function runOnce(size: number, n: number): number {
  const clock = new ManualClock();
  const mw = new RtpsMessageWriter(4096);
  const writerHeader: RtpsHeader = { protocolVersion: PROTOCOL_VERSION_2_5, vendorId: VendorIds.OPENDDS, guidPrefix: WRITER.prefix };
  const readerHeader: RtpsHeader = { protocolVersion: PROTOCOL_VERSION_2_5, vendorId: VendorIds.OPENDDS, guidPrefix: READER.prefix };
  let delivered = 0;
  let checksum = 0;
  // eslint-disable-next-line prefer-const -- assigned after both cores exist
  let reader: RtpsReader;
  const toDatagram = (header: RtpsHeader, t: ReliabilityTransmit): Uint8Array => {
    mw.begin(header);
    if (t.to !== 'all-matched') mw.infoDst(t.to);
    for (const s of t.submessages) mw.submessage(s);
    return mw.finish();
  };
  const writer = new RtpsWriter({
    guid: WRITER, clock, log: silentLogger, emit: () => undefined,
    send: (t) => {
      const m = decodeRtpsMessage(toDatagram(writerHeader, t));
      let ts;
      for (const s of m.submessages) {
        if (s.kind === 'info-ts') ts = s.timestamp;
        else reader.handleSubmessage(m.header.guidPrefix, s, ts);
      }
    },
  }, { history: 'keep-all', maxSamples: 10_000 });
  reader = new RtpsReader({
    guid: READER, clock, log: silentLogger, emit: () => undefined,
    deliver: (s) => {
      delivered++;
      checksum += s.serializedData?.[size - 1] ?? 0;
    },
    send: (t) => {
      const m = decodeRtpsMessage(toDatagram(readerHeader, t));
      for (const s of m.submessages) writer.handleSubmessage(m.header.guidPrefix, s);
    },
  });
  writer.addReaderProxy(READER, { reliable: true });
  reader.addWriterProxy(WRITER, { reliable: true });
  const data = new Uint8Array(size);
  data[1] = 1;
  data[size - 1] = 1;
  const sourceTimestamp = { seconds: 1_790_000_000, fraction: 0 };
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    if (writer.write({ serializedData: data, sourceTimestamp }).kind !== 'written') throw new Error('history full');
    if (i % 1_000 === 999) {
      writer.handleTimeout();
      clock.advance(1_000);
      reader.handleTimeout();
      writer.handleTimeout();
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (delivered !== n || checksum !== n) throw new Error(`delivered ${delivered} of ${n}`);
  return n / seconds;
}

export function runReliabilityBench(): BenchResult[] {
  return [
    { suite: 'reliability', metric: 'reliable64', unit: 'samples/s', value: Math.round(samplesPerSecond(64, 200_000)) },
    { suite: 'reliability', metric: 'reliable1k', unit: 'samples/s', value: Math.round(samplesPerSecond(1024, 100_000)) },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printResults(runReliabilityBench(), process.argv.includes('--json'));
}
