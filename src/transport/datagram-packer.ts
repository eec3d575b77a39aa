/**
 * Packs the transmits queued for one destination into datagrams (RTPS 2.5 §8.3.3), Cyclone DDS
 * style: one RTPS header, one INFO_DST, then as many whole transmits as fit `maxDatagramSize`.
 * A transmit is never split (docs/reliability.md "What the transport does with a transmit").
 * Pure: the caller sends what {@link packDatagrams} emits.
 *
 * A transmit is either submessage objects or an {@link EncodedChunk} (a writer's change, encoded
 * once at write time): its INFO_TS is left out when the same time is already in effect in the
 * datagram, so a burst of samples written in the same instant carries one INFO_TS.
 */
import type { EncodedChunk, GuidPrefix, RtpsHeader, RtpsTime, Submessage } from '../rtps/index.js';
import { RTPS_HEADER_SIZE, RtpsMessageWriter, sizeOfSubmessage } from '../rtps/index.js';

/** INFO_DST on the wire: 4 octets of header + a 12-octet prefix (RTPS 2.5 §9.4.5.6). */
const INFO_DST_SIZE = 16;
/** INFO_TS with the invalidate flag: a bare submessage header (RTPS 2.5 §9.4.5.9). */
const INFO_TS_INVALID_SIZE = 4;
/** INFO_TS with a time: header + seconds + fraction. */
const INFO_TS_SIZE = 12;

/** One queued transmit. */
export type PackInput = readonly Submessage[] | EncodedChunk;

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

function sameTime(a: RtpsTime, b: RtpsTime): boolean {
  return a.seconds === b.seconds && a.fraction === b.fraction;
}

/**
 * Packs `transmits` (in order) into datagrams of at most `maxDatagramSize` octets, each starting
 * with `header` and, when `destination` is given, INFO_DST(destination). `emit` gets a view of
 * `writer`'s buffer, valid only during the call: a `DatagramSocket` send copies what it keeps
 * (UdpSocket into pooled send buffers), so no datagram is copied twice or allocated per send.
 * @throws EncodeError when a submessage cannot be encoded (a bug in its producer).
 */
export function packDatagrams(
  header: RtpsHeader,
  destination: GuidPrefix | undefined,
  transmits: readonly PackInput[],
  maxDatagramSize: number,
  emit: (datagram: Uint8Array) => void,
  writer: RtpsMessageWriter = new RtpsMessageWriter(maxDatagramSize),
): PackResult {
  const prologue = RTPS_HEADER_SIZE + (destination === undefined ? 0 : INFO_DST_SIZE);
  let datagrams = 0;
  let oversize = 0;
  let count = 0; // transmits in the open datagram
  let size = prologue;
  // The INFO_TS time in effect in the open datagram (undefined: none, or invalidated).
  let time: RtpsTime | undefined;
  const open = (): void => {
    writer.begin(header);
    if (destination !== undefined) writer.infoDst(destination);
    count = 0;
    size = prologue;
    time = undefined;
  };
  const close = (): void => {
    if (count === 0) return;
    emit(writer.finish());
    datagrams++;
  };
  open();
  for (const t of transmits) {
    if ('encoded' in t) {
      let bytes = t.rest.length + tsOctets(t.timestamp, time);
      if (count > 0 && size + bytes > maxDatagramSize) {
        close();
        open();
        bytes = t.rest.length + tsOctets(t.timestamp, time);
      }
      if (count === 0 && size + bytes > maxDatagramSize) oversize++;
      if (bytes > t.rest.length) writer.infoTs(t.timestamp);
      writer.append(t.rest);
      time = t.timestamp;
      size += bytes;
      count++;
      continue;
    }
    let bytes = 0;
    for (const s of t) bytes += sizeOfSubmessage(s);
    const reset = time !== undefined && needsTimestampReset(t) ? INFO_TS_INVALID_SIZE : 0;
    if (count > 0 && size + reset + bytes > maxDatagramSize) {
      close();
      open();
    }
    if (count === 0 && size + bytes > maxDatagramSize) oversize++;
    if (reset > 0 && time !== undefined) {
      writer.infoTs(undefined);
      size += INFO_TS_INVALID_SIZE;
      time = undefined;
    }
    for (const s of t) {
      writer.submessage(s);
      if (s.kind === 'info-ts') time = s.timestamp;
    }
    size += bytes;
    count++;
  }
  close();
  return { datagrams, transmits: transmits.length, oversize };
}

/** Octets of the INFO_TS an encoded chunk needs when `current` is in effect (0 when it is the same). */
function tsOctets(wanted: RtpsTime | undefined, current: RtpsTime | undefined): number {
  if (wanted === undefined) return current === undefined ? 0 : INFO_TS_INVALID_SIZE;
  return current !== undefined && sameTime(wanted, current) ? 0 : INFO_TS_SIZE;
}
