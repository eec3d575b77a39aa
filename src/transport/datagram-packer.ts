/**
 * Packs the transmits queued for one destination into datagrams (RTPS 2.5 §8.3.3), Cyclone DDS
 * style: one RTPS header, one INFO_DST, then as many whole transmits as fit `maxDatagramSize`.
 * A transmit is never split (docs/reliability.md "What the transport does with a transmit").
 * Pure: the caller sends what {@link packDatagrams} emits.
 */
import type { GuidPrefix, RtpsHeader, Submessage } from '../rtps/index.js';
import { RTPS_HEADER_SIZE, RtpsMessageWriter, sizeOfSubmessage } from '../rtps/index.js';

/** INFO_DST on the wire: 4 octets of header + a 12-octet prefix (RTPS 2.5 §9.4.5.6). */
const INFO_DST_SIZE = 16;
/** INFO_TS with the invalidate flag: a bare submessage header (RTPS 2.5 §9.4.5.9). */
const INFO_TS_INVALID_SIZE = 4;

/** What one call packed. */
export interface PackResult {
  readonly datagrams: number;
  readonly transmits: number;
  /** Transmits larger than the limit on their own (sent alone, over the limit). */
  readonly oversize: number;
}

function carriesData(s: Submessage): boolean {
  return s.kind === 'data' || s.kind === 'data-frag';
}

/**
 * True when `submessages` has a DATA / DATA_FRAG before any INFO_TS: batched behind another
 * transmit's INFO_TS it would borrow that timestamp, so the packer invalidates it first.
 */
function needsTimestampReset(submessages: readonly Submessage[]): boolean {
  for (const s of submessages) {
    if (s.kind === 'info-ts') return false;
    if (carriesData(s)) return true;
  }
  return false;
}

/** Whether a timestamp is in effect after `submessages`, given whether one was before. */
function timestampAfter(submessages: readonly Submessage[], before: boolean): boolean {
  let has = before;
  for (const s of submessages) if (s.kind === 'info-ts') has = s.timestamp !== undefined;
  return has;
}

/**
 * Packs `transmits` (in order) into datagrams of at most `maxDatagramSize` octets, each starting
 * with `header` and, when `destination` is given, INFO_DST(destination). `emit` gets a fresh copy
 * of each datagram (safe to hand to a socket that sends later).
 * @throws EncodeError when a submessage cannot be encoded (a bug in its producer).
 */
export function packDatagrams(
  header: RtpsHeader,
  destination: GuidPrefix | undefined,
  transmits: readonly (readonly Submessage[])[],
  maxDatagramSize: number,
  emit: (datagram: Uint8Array) => void,
  writer: RtpsMessageWriter = new RtpsMessageWriter(maxDatagramSize),
): PackResult {
  const prologue = RTPS_HEADER_SIZE + (destination === undefined ? 0 : INFO_DST_SIZE);
  let datagrams = 0;
  let oversize = 0;
  let count = 0; // transmits in the open datagram
  let size = prologue;
  let hasTimestamp = false; // an INFO_TS with a time is in effect in the open datagram
  const open = (): void => {
    writer.begin(header);
    if (destination !== undefined) writer.infoDst(destination);
    count = 0;
    size = prologue;
    hasTimestamp = false;
  };
  const close = (): void => {
    if (count === 0) return;
    emit(writer.finish().slice());
    datagrams++;
  };
  open();
  for (const t of transmits) {
    let bytes = 0;
    for (const s of t) bytes += sizeOfSubmessage(s);
    const reset = hasTimestamp && needsTimestampReset(t) ? INFO_TS_INVALID_SIZE : 0;
    if (count > 0 && size + reset + bytes > maxDatagramSize) {
      close();
      open();
    }
    if (count === 0 && size + bytes > maxDatagramSize) oversize++;
    if (reset > 0 && hasTimestamp) {
      writer.infoTs(undefined);
      size += INFO_TS_INVALID_SIZE;
    }
    for (const s of t) writer.submessage(s);
    size += bytes;
    count++;
    hasTimestamp = timestampAfter(t, hasTimestamp);
  }
  close();
  return { datagrams, transmits: transmits.length, oversize };
}
