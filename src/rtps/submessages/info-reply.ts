/**
 * INFO_REPLY (RTPS 2.5 §8.3.7.8, §9.4.5.9): where replies to the following submessages go, a
 * unicast locator list and (flag M) a multicast one.
 */
import type { ByteReader } from '../../util/byte-reader.js';
import type { ByteWriter } from '../../util/byte-writer.js';
import type { Locator } from '../locator.js';
import { LOCATOR_SIZE, readLocator, writeLocator } from '../locator.js';
import type { SubmessageCodec, SubmessageCommon } from './submessage-codec.js';
import { SubmessageId } from './submessage-codec.js';

/** INFO_REPLY / INFO_REPLY_IP4 flags (RTPS 2.5 §9.4.5.9.1): MulticastFlag. */
export const InfoReplyFlags = Object.freeze({ M: 0x02 } as const);

/** An INFO_REPLY submessage in domain form. */
export interface InfoReplySubmessage extends SubmessageCommon {
  readonly kind: 'info-reply';
  /** Decoded locators' addresses are views into the datagram. */
  readonly unicastLocatorList: readonly Locator[];
  /** Present iff flag M. */
  readonly multicastLocatorList?: readonly Locator[] | undefined;
}

/** LocatorList_t: `unsigned long numLocators; Locator_t locator[numLocators]`. @throws DecodeError */
function readLocatorList(r: ByteReader, field: string): Locator[] {
  const n = r.u32(`${field}.numLocators`);
  // Check the count against the octets present before allocating anything.
  if (n * LOCATOR_SIZE > r.remaining) r.fail(`${field}.numLocators`, `${n} locators do not fit in ${r.remaining} octets`);
  const out: Locator[] = [];
  for (let i = 0; i < n; i++) out.push(readLocator(r, `${field}[${i}]`));
  return out;
}

function writeLocatorList(w: ByteWriter, list: readonly Locator[]): void {
  w.u32(list.length);
  for (const l of list) writeLocator(w, l);
}

/** The codec of INFO_REPLY (id 0x0f). */
export const InfoReplyCodec: SubmessageCodec<InfoReplySubmessage> = {
  id: SubmessageId.INFO_REPLY,
  name: 'INFO_REPLY',
  decode(r: ByteReader, flags: number): InfoReplySubmessage {
    const unicastLocatorList = readLocatorList(r, 'unicastLocatorList');
    const multicastLocatorList = (flags & InfoReplyFlags.M) !== 0 ? readLocatorList(r, 'multicastLocatorList') : undefined;
    return { kind: 'info-reply', littleEndian: r.littleEndian, unicastLocatorList, multicastLocatorList };
  },
  flagsOf(s: InfoReplySubmessage): number {
    return s.multicastLocatorList ? InfoReplyFlags.M : 0;
  },
  sizeOfBody(s: InfoReplySubmessage): number {
    return 4 + s.unicastLocatorList.length * LOCATOR_SIZE + (s.multicastLocatorList ? 4 + s.multicastLocatorList.length * LOCATOR_SIZE : 0);
  },
  encodeBody(w: ByteWriter, s: InfoReplySubmessage): void {
    writeLocatorList(w, s.unicastLocatorList);
    if (s.multicastLocatorList) writeLocatorList(w, s.multicastLocatorList);
  },
};
