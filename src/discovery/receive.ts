/**
 * The receiver side of RTPS 2.5 §8.3.4 that discovery needs: walk a decoded message, keep the
 * source prefix (header, INFO_SRC), the destination (INFO_DST) and the timestamp (INFO_TS), and
 * hand on each entity submessage addressed to us (or to everyone).
 */
import type { GuidPrefix, InlineQosParameter, RtpsMessage, RtpsTime, Submessage } from '../rtps/index.js';
import { GUIDPREFIX_UNKNOWN, guidPrefixEquals } from '../rtps/index.js';
import { PID_KEY_HASH, PID_STATUS_INFO } from '../idl/pid.js';

/** What the receiver state says about one entity submessage. */
export interface ReceiveContext {
  /** The sending participant (header, or the last INFO_SRC). */
  readonly sourcePrefix: GuidPrefix;
  /** The sender's vendor id (header, or the last INFO_SRC). */
  readonly vendorId: number;
  /** The INFO_TS in effect; undefined when none or invalidated. */
  readonly timestamp: RtpsTime | undefined;
}

/**
 * Calls `fn` for every submessage other than INFO_* / PAD that is addressed to `localPrefix`
 * (no INFO_DST, an INFO_DST with our prefix, or GUIDPREFIX_UNKNOWN). Byte fields alias the message.
 */
export function forEachAddressedSubmessage(
  message: RtpsMessage,
  localPrefix: GuidPrefix,
  fn: (s: Submessage, ctx: ReceiveContext) => void,
): void {
  let sourcePrefix = message.header.guidPrefix;
  let vendorId = message.header.vendorId;
  let timestamp: RtpsTime | undefined;
  let isForUs = true;
  for (const s of message.submessages) {
    switch (s.kind) {
      case 'info-ts': timestamp = s.timestamp; break;
      case 'info-src': sourcePrefix = s.guidPrefix; vendorId = s.vendorId; break;
      case 'info-dst': isForUs = guidPrefixEquals(s.guidPrefix, GUIDPREFIX_UNKNOWN) || guidPrefixEquals(s.guidPrefix, localPrefix); break;
      case 'info-reply': case 'info-reply-ip4': case 'pad': case 'unknown': break;
      case 'data': case 'data-frag': case 'heartbeat': case 'heartbeat-frag': case 'gap': case 'acknack': case 'nack-frag':
        if (isForUs) fn(s, { sourcePrefix, vendorId, timestamp });
        break;
      default: {
        const never: never = s;
        return never;
      }
    }
  }
}

/** StatusInfo_t flags (RTPS 2.5 §9.6.4.9): the last octet of the value. */
export const STATUS_INFO_DISPOSED = 0x01;
export const STATUS_INFO_UNREGISTERED = 0x02;

/** The StatusInfo_t flags of an inline QoS (0 when absent). */
export function statusInfoOf(inlineQos: readonly InlineQosParameter[] | undefined): number {
  const p = findPid(inlineQos, PID_STATUS_INFO);
  return p === undefined || p.value.length < 4 ? 0 : (p.value[3] ?? 0);
}

/** The first parameter with id `pid` (flag bits ignored); a plain loop, as every received sample asks. */
function findPid(inlineQos: readonly InlineQosParameter[] | undefined, pid: number): InlineQosParameter | undefined {
  if (inlineQos === undefined) return undefined;
  for (const q of inlineQos) if ((q.pid & 0x3fff) === pid) return q;
  return undefined;
}

/** The 16-octet PID_KEY_HASH of an inline QoS, or undefined. */
export function keyHashOf(inlineQos: readonly InlineQosParameter[] | undefined): Uint8Array | undefined {
  const p = findPid(inlineQos, PID_KEY_HASH);
  return p === undefined || p.value.length < 16 ? undefined : p.value.subarray(0, 16);
}

/** Inline QoS PID_KEY_HASH for a builtin-topic key (the GUID's 16 octets, RTPS 2.5 §9.6.4.8). */
export function keyHashParameter(prefix: GuidPrefix, entityId: number): InlineQosParameter {
  const value = new Uint8Array(16);
  value.set(prefix, 0);
  value[12] = (entityId >>> 24) & 0xff;
  value[13] = (entityId >>> 16) & 0xff;
  value[14] = (entityId >>> 8) & 0xff;
  value[15] = entityId & 0xff;
  return { pid: PID_KEY_HASH, value };
}

/** Inline QoS PID_STATUS_INFO with `flags` in the last octet. */
export function statusInfoParameter(flags: number): InlineQosParameter {
  return { pid: PID_STATUS_INFO, value: Uint8Array.of(0, 0, 0, flags & 0xff) };
}
