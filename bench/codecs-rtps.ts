/**
 * RTPS message codec benchmark: one datagram = INFO_DST + INFO_TS + DATA with a 64 B or 1 KB
 * serialized payload (what a reliable writer sends per sample). Encode uses the reusable
 * RtpsMessageWriter; decode is a full decode to domain objects, reading the payload view.
 *
 * Run: `npx tsx bench/codecs-rtps.ts [--json]`.
 *
 * No comparable JavaScript RTPS codec was found in the package lists available here, so `against`
 * is left out.
 */
import { pathToFileURL } from 'node:url';
import { PROTOCOL_VERSION_2_4, VendorIds } from '../src/rtps/header.js';
import type { RtpsHeader } from '../src/rtps/header.js';
import { decodeRtpsMessage, encodeRtpsMessage } from '../src/rtps/message.js';
import { forEachSubmessage } from '../src/rtps/message-reader.js';
import { RtpsMessageWriter } from '../src/rtps/message-writer.js';
import type { Submessage } from '../src/rtps/submessages/submessage.js';
import type { BenchResult } from './support/report.js';
import { printResults, timePerCallNs } from './support/report.js';

const HEADER: RtpsHeader = {
  protocolVersion: PROTOCOL_VERSION_2_4,
  vendorId: VendorIds.OPENDDS,
  guidPrefix: Uint8Array.from([1, 3, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0, 1, 0, 2]),
};
const DST = Uint8Array.from([1, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
const NOW = { seconds: 1_790_000_000, fraction: 0x12345678 };

function payload(n: number): Uint8Array {
  const b = new Uint8Array(n);
  b[1] = 1; // CDR_LE
  for (let i = 4; i < n; i++) b[i] = i & 0xff;
  return b;
}

/** Sums something from every decoded field so the JIT cannot drop the work. */
function consume(subs: readonly Submessage[]): number {
  let acc = 0;
  for (const s of subs) {
    if (s.kind === 'data') acc += s.writerSN + (s.serializedData?.[s.serializedData.length - 1] ?? 0);
    else if (s.kind === 'info-ts') acc += s.timestamp?.fraction ?? 0;
    else if (s.kind === 'info-dst') acc += s.guidPrefix[11] ?? 0;
  }
  return acc;
}

/** The benchmark figures (ns per sample). */
export function runRtpsBench(): BenchResult[] {
  const results: BenchResult[] = [];
  const writer = new RtpsMessageWriter(2048);
  for (const [label, size] of [['64', 64], ['1k', 1024]] as const) {
    const data = payload(size);
    let sn = 1;
    const encode = (): Uint8Array => writer.begin(HEADER).infoDst(DST).infoTs(NOW).data(0x107, 0x102, sn++, data).finish();
    const datagram = encode().slice();
    const iterations = size > 512 ? 200_000 : 400_000;
    results.push({ suite: 'codecs', metric: `rtps.dataEncode${label}`, unit: 'ns', value: timePerCallNs(encode, iterations) });
    results.push({ suite: 'codecs', metric: `rtps.dataDecode${label}`, unit: 'ns', value: timePerCallNs(() => consume(decodeRtpsMessage(datagram).submessages), iterations) });
  }
  return results;
}

/** Variants measured for the report (not part of the fixed metric set). */
export function runRtpsBenchVariants(): BenchResult[] {
  const data = payload(64);
  const subs: Submessage[] = [
    { kind: 'info-dst', guidPrefix: DST },
    { kind: 'info-ts', timestamp: NOW },
    { kind: 'data', readerId: 0x107, writerId: 0x102, writerSN: 1, inlineQos: undefined, serializedData: data, serializedKey: undefined },
  ];
  const datagram = encodeRtpsMessage(HEADER, subs);
  let acc = 0;
  const visit = (s: Submessage): void => { acc += consume([s]); };
  const results: BenchResult[] = [
    { suite: 'codecs', metric: 'rtps.dataEncode64.encodeRtpsMessage', unit: 'ns', value: timePerCallNs(() => encodeRtpsMessage(HEADER, subs), 400_000) },
    {
      suite: 'codecs', metric: 'rtps.dataDecode64.forEachSubmessage', unit: 'ns',
      value: timePerCallNs(() => forEachSubmessage(datagram, visit), 400_000),
    },
  ];
  return acc === -1 ? [] : results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const json = process.argv.includes('--json');
  printResults([...runRtpsBench(), ...(process.argv.includes('--variants') ? runRtpsBenchVariants() : [])], json);
}
