/** One hand-built value of every submessage kind, used by the codec tests, the fuzzer and the bench. */
import type { RtpsHeader } from '../../../src/rtps/header.js';
import { PROTOCOL_VERSION_2_4, VendorIds } from '../../../src/rtps/header.js';
import { fragmentNumberSetFromMembers } from '../../../src/rtps/fragment-number-set.js';
import { sequenceNumberSetFromMembers } from '../../../src/rtps/sequence-number-set.js';
import type { Submessage } from '../../../src/rtps/submessages/submessage.js';

export const PREFIX_A = Uint8Array.from([1, 3, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0, 1, 0, 2]);
export const PREFIX_B = Uint8Array.from([1, 0x10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);

export const OPENDDS_HEADER: RtpsHeader = { protocolVersion: PROTOCOL_VERSION_2_4, vendorId: VendorIds.OPENDDS, guidPrefix: PREFIX_A };

/** `n` octets of CDR_LE-encapsulated payload (00 01 00 00, then a counting pattern). */
export function payload(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 4; i < n; i++) b[i] = i & 0xff;
  b[1] = 1;
  return b;
}

const ip4 = (a: number, b: number, c: number, d: number): Uint8Array => Uint8Array.from([...Array<number>(12).fill(0), a, b, c, d]);

/** Every kind, with every optional part present, in the given byte order. */
export function sampleSubmessages(littleEndian: boolean): Submessage[] {
  return [
    { kind: 'info-dst', littleEndian, guidPrefix: PREFIX_B },
    { kind: 'info-ts', littleEndian, timestamp: { seconds: 1_790_000_000, fraction: 0x12345678 } },
    { kind: 'info-ts', littleEndian, timestamp: undefined },
    { kind: 'info-src', littleEndian, protocolVersion: { major: 2, minor: 5 }, vendorId: 0x0110, guidPrefix: PREFIX_B },
    {
      kind: 'info-reply', littleEndian,
      unicastLocatorList: [{ kind: 1, port: 7411, address: ip4(192, 0, 2, 1) }, { kind: 1, port: 7413, address: ip4(10, 0, 0, 2) }],
      multicastLocatorList: [{ kind: 1, port: 7400, address: ip4(239, 255, 0, 1) }],
    },
    { kind: 'info-reply', littleEndian, unicastLocatorList: [] },
    { kind: 'info-reply-ip4', littleEndian, unicastLocator: { address: 0xc0000201, port: 7411 }, multicastLocator: { address: 0xefff0001, port: 7400 } },
    { kind: 'info-reply-ip4', littleEndian, unicastLocator: { address: 0x7f000001, port: 7413 } },
    {
      kind: 'data', littleEndian, readerId: 0, writerId: 0x100c2, writerSN: 0x1_0000_0003,
      inlineQos: [{ pid: 0x0070, value: new Uint8Array(16).fill(7) }, { pid: 0x0071, value: Uint8Array.from([0, 0, 0, 3]) }],
      serializedData: payload(36), serializedKey: undefined, isNonStandardPayload: false,
    },
    { kind: 'data', littleEndian, readerId: 0x4c7, writerId: 0x4c2, writerSN: 9, inlineQos: undefined, serializedData: undefined, serializedKey: payload(20), isNonStandardPayload: true },
    { kind: 'data', littleEndian, readerId: 0x4c7, writerId: 0x4c2, writerSN: 10, inlineQos: [], serializedData: undefined, serializedKey: undefined, isNonStandardPayload: false },
    {
      kind: 'data-frag', littleEndian, readerId: 0, writerId: 0x102, writerSN: 5, fragmentStartingNum: 3, fragmentsInSubmessage: 2,
      fragmentSize: 100, sampleSize: 450, inlineQos: [{ pid: 0x0071, value: Uint8Array.from([0, 0, 0, 1]) }], isKey: false,
      isNonStandardPayload: false, fragments: payload(200),
    },
    {
      kind: 'data-frag', littleEndian, readerId: 0, writerId: 0x102, writerSN: 5, fragmentStartingNum: 5, fragmentsInSubmessage: 1,
      fragmentSize: 100, sampleSize: 450, inlineQos: undefined, isKey: true, isNonStandardPayload: false, fragments: payload(50),
    },
    { kind: 'heartbeat', littleEndian, readerId: 0, writerId: 0x3c2, firstSN: 1, lastSN: 0, count: 7, isFinal: false, isLiveliness: false, groupInfo: undefined },
    {
      kind: 'heartbeat', littleEndian, readerId: 0x3c7, writerId: 0x3c2, firstSN: 4, lastSN: 2 ** 40, count: -2, isFinal: true, isLiveliness: true,
      groupInfo: { currentGSN: 11, firstGSN: 2, lastGSN: 10, writerSet: 0xdeadbeef, secureWriterSet: 0 },
    },
    { kind: 'heartbeat-frag', littleEndian, readerId: 0, writerId: 0x102, writerSN: 5, lastFragmentNum: 4, count: 3 },
    { kind: 'acknack', littleEndian, readerId: 0x4c7, writerId: 0x4c2, readerSNState: sequenceNumberSetFromMembers(1, []), count: 1, isFinal: true },
    { kind: 'acknack', littleEndian, readerId: 0x4c7, writerId: 0x4c2, readerSNState: sequenceNumberSetFromMembers(100, [100, 131, 132, 355]), count: 99, isFinal: false },
    { kind: 'nack-frag', littleEndian, readerId: 0x107, writerId: 0x102, writerSN: 5, fragmentNumberState: fragmentNumberSetFromMembers(2, [2, 4, 40]), count: 2 },
    { kind: 'gap', littleEndian, readerId: 0x107, writerId: 0x102, gapStart: 3, gapList: sequenceNumberSetFromMembers(6, [7]), groupInfo: undefined, filteredCount: undefined },
    {
      kind: 'gap', littleEndian, readerId: 0x107, writerId: 0x102, gapStart: 3, gapList: sequenceNumberSetFromMembers(6, []),
      groupInfo: { gapStartGSN: 20, gapEndGSN: 23 }, filteredCount: 2,
    },
    { kind: 'gap', littleEndian, readerId: 0x107, writerId: 0x102, gapStart: 3, gapList: sequenceNumberSetFromMembers(6, []), groupInfo: undefined, filteredCount: 5 },
    { kind: 'pad', littleEndian, padding: new Uint8Array(0) },
    { kind: 'pad', littleEndian, padding: new Uint8Array(8) },
    { kind: 'unknown', id: 0x80, flags: littleEndian ? 0x01 : 0x00, body: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]) },
    { kind: 'unknown', id: 0x31, flags: littleEndian ? 0x03 : 0x02, body: Uint8Array.from([9, 9, 9, 9]) },
  ];
}
