/**
 * The shared RTPS captures (../shared/pcaps) as test fixtures: their RTPS datagrams, the summary
 * lines tshark printed for them, and the fields Wireshark's dissector read (vectors/*.tshark-fields.txt).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readUdpPackets } from '../support/pcap.js';

const here = dirname(fileURLToPath(import.meta.url));
export const PCAP_DIR = join(here, '../../../shared/pcaps');

export const RTPS_CAPTURES = ['cyclone-labmsg', 'fastdds', 'cyclone-fastdds-interop', 'cyclone-ddsperf'] as const;
export type CaptureName = (typeof RTPS_CAPTURES)[number];

export interface CaptureFrame {
  readonly capture: CaptureName;
  readonly frame: number;
  readonly payload: Uint8Array;
}

const cache = new Map<CaptureName, CaptureFrame[]>();

/** Every UDP datagram of a capture (RTPS or not). */
export function captureFrames(capture: CaptureName): CaptureFrame[] {
  let frames = cache.get(capture);
  if (!frames) {
    frames = readUdpPackets(join(PCAP_DIR, `${capture}.pcapng`)).map((p) => ({ capture, frame: p.frame, payload: p.payload }));
    cache.set(capture, frames);
  }
  return frames;
}

/** The datagrams that start with "RTPS". */
export function rtpsFrames(capture: CaptureName): CaptureFrame[] {
  return captureFrames(capture).filter((f) => f.payload.length >= 4 && String.fromCharCode(...f.payload.subarray(0, 4)) === 'RTPS');
}

/** All RTPS datagrams of all four captures. */
export function allRtpsFrames(): CaptureFrame[] {
  return RTPS_CAPTURES.flatMap((c) => rtpsFrames(c));
}

/** Summary line of each frame: frame number → the comma-separated info column ("INFO_TS, DATA(p)"). */
export function summaryInfo(capture: CaptureName): Map<number, { protocol: string; info: string }> {
  const out = new Map<number, { protocol: string; info: string }>();
  for (const line of readFileSync(join(PCAP_DIR, `${capture}.summary.txt`), 'utf8').split('\n')) {
    const m = /^\s*(\d+)\s+\S+\s+\S+\s+→\s+\S+\s+(\S+)\s+\d+\s+(.*)$/.exec(line);
    if (m?.[1] !== undefined && m[2] !== undefined && m[3] !== undefined) out.set(Number(m[1]), { protocol: m[2], info: m[3] });
  }
  return out;
}

export const TSHARK_FIELDS = [
  'frame', 'version', 'vendorId', 'guidPrefix', 'smId', 'smFlags', 'octetsToNextHeader', 'rdEntityId', 'wrEntityId',
  'seqNumber', 'guidPrefixDst', 'infoTsTimestamp', 'heartbeatCount', 'acknackCount', 'numBits', 'bitmap',
] as const;
export type TsharkField = (typeof TSHARK_FIELDS)[number];

/** The tshark field lists per frame (each field's occurrences in wire order). */
export function tsharkFields(capture: CaptureName): Map<number, Record<TsharkField, string[]>> {
  const out = new Map<number, Record<TsharkField, string[]>>();
  const text = readFileSync(join(here, 'vectors', `${capture}.tshark-fields.txt`), 'utf8');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const cols = line.split('|');
    const rec: Partial<Record<TsharkField, string[]>> = {};
    TSHARK_FIELDS.forEach((name, i) => {
      const v = cols[i] ?? '';
      rec[name] = v === '' ? [] : v.split(';');
    });
    out.set(Number(cols[0]), {
      frame: rec.frame ?? [], version: rec.version ?? [], vendorId: rec.vendorId ?? [], guidPrefix: rec.guidPrefix ?? [],
      smId: rec.smId ?? [], smFlags: rec.smFlags ?? [], octetsToNextHeader: rec.octetsToNextHeader ?? [],
      rdEntityId: rec.rdEntityId ?? [], wrEntityId: rec.wrEntityId ?? [], seqNumber: rec.seqNumber ?? [],
      guidPrefixDst: rec.guidPrefixDst ?? [], infoTsTimestamp: rec.infoTsTimestamp ?? [], heartbeatCount: rec.heartbeatCount ?? [],
      acknackCount: rec.acknackCount ?? [], numBits: rec.numBits ?? [], bitmap: rec.bitmap ?? [],
    });
  }
  return out;
}

/** Lower-case hex of bytes. */
export function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** A frame's payload by number. */
export function frameOf(capture: CaptureName, frame: number): Uint8Array {
  const f = captureFrames(capture).find((x) => x.frame === frame);
  if (!f) throw new Error(`${capture} has no UDP frame ${frame}`);
  return f.payload;
}
