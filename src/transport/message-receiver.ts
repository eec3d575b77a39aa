/**
 * The RTPS message receiver (RTPS 2.5 §8.3.4), pure: it walks one datagram's submessages keeping the
 * receiver state the interpreter submessages change (INFO_SRC, INFO_DST, INFO_TS, INFO_REPLY,
 * INFO_REPLY_IP4) and hands every entity submessage (DATA, HEARTBEAT, ACKNACK, …) to a visitor with
 * the state in effect for it. Submessages addressed (by INFO_DST) to another participant are skipped.
 *
 * The whole datagram is decoded before anything is visited (`decodeRtpsMessage`), so a datagram
 * that is malformed anywhere is dropped as a whole and never half-acted on; this is the transport's
 * one `catch` around a decoder (STYLE.md rule 7).
 */
import type { GuidPrefix, Locator, RtpsTime, Submessage } from '../rtps/index.js';
import { decodeRtpsMessage, GUIDPREFIX_UNKNOWN, guidPrefixEquals, LocatorKind } from '../rtps/index.js';
import { assertNever, DecodeError } from '../util/errors.js';

/** Receiver state for one submessage (RTPS 2.5 Table 8.16); prefixes and locators alias the datagram. */
export interface ReceiverContext {
  readonly sourceVersion: { readonly major: number; readonly minor: number };
  readonly sourceVendorId: number;
  readonly sourceGuidPrefix: GuidPrefix;
  /** The INFO_DST prefix in effect, or undefined when none was given (or it was GUIDPREFIX_UNKNOWN). */
  readonly destinationGuidPrefix: GuidPrefix | undefined;
  /** From INFO_REPLY / INFO_REPLY_IP4; empty when none was given. */
  readonly unicastReplyLocators: readonly Locator[];
  readonly multicastReplyLocators: readonly Locator[];
  /** The INFO_TS timestamp in effect; undefined before any INFO_TS and after an invalidating one. */
  readonly timestamp: RtpsTime | undefined;
}

/**
 * Called for each entity submessage meant for this participant, in wire order. Every byte field
 * (prefixes, payloads) aliases the datagram: copy before keeping it past the call.
 */
export type ReceiverVisitor = (
  sourcePrefix: GuidPrefix,
  destinationPrefix: GuidPrefix | undefined,
  submessage: Submessage,
  timestamp: RtpsTime | undefined,
  context: ReceiverContext,
) => void;

/** What one datagram amounted to. */
export type ReceiveResult =
  | {
      readonly kind: 'ok';
      /** Entity submessages handed to the visitor. */
      readonly visited: number;
      /** Entity submessages skipped because INFO_DST named another participant. */
      readonly notForUs: number;
      /** Unknown / vendor-specific submessages skipped (RTPS 2.5 §8.3.4.1 rule 4). */
      readonly unknown: number;
    }
  | { readonly kind: 'malformed'; readonly error: DecodeError };

/** Options of {@link receiveRtpsMessage}. */
export interface ReceiveOptions {
  /**
   * This participant's prefix: submessages after an INFO_DST naming another participant are
   * skipped. Undefined: nothing is skipped (a relay or a sniffer).
   */
  readonly localPrefix?: GuidPrefix;
}

/** INFO_REPLY_IP4's compact locator as a Locator_t (RTPS 2.5 §9.4.2.13). */
function ip4Locator(address: number, port: number): Locator {
  const bytes = new Uint8Array(16);
  bytes[12] = (address >>> 24) & 0xff;
  bytes[13] = (address >>> 16) & 0xff;
  bytes[14] = (address >>> 8) & 0xff;
  bytes[15] = address & 0xff;
  return { kind: LocatorKind.UDPv4, port, address: bytes };
}

/**
 * Runs the receiver over one datagram (which must start with "RTPS"; the caller classified it).
 * Malformed input never throws: it returns `malformed` with the DecodeError, and nothing was visited.
 * Errors thrown by `visit` itself propagate.
 */
export function receiveRtpsMessage(datagram: Uint8Array, visit: ReceiverVisitor, options: ReceiveOptions = {}): ReceiveResult {
  let message;
  try {
    message = decodeRtpsMessage(datagram);
  } catch (err: unknown) {
    // The one catch around a decoder (STYLE.md rule 7): the caller counts and drops.
    if (err instanceof DecodeError) return { kind: 'malformed', error: err };
    throw err;
  }
  const local = options.localPrefix;
  const state: {
    -readonly [K in keyof ReceiverContext]: ReceiverContext[K];
  } = {
    sourceVersion: message.header.protocolVersion,
    sourceVendorId: message.header.vendorId,
    sourceGuidPrefix: message.header.guidPrefix,
    destinationGuidPrefix: undefined,
    unicastReplyLocators: [],
    multicastReplyLocators: [],
    timestamp: undefined,
  };
  let isForUs = true;
  let visited = 0;
  let notForUs = 0;
  let unknown = 0;
  for (const s of message.submessages) {
    switch (s.kind) {
      case 'info-src':
        // RTPS 2.5 §8.3.7.9.4: a new source; reply locators and the timestamp are reset.
        state.sourceVersion = s.protocolVersion;
        state.sourceVendorId = s.vendorId;
        state.sourceGuidPrefix = s.guidPrefix;
        state.unicastReplyLocators = [];
        state.multicastReplyLocators = [];
        state.timestamp = undefined;
        break;
      case 'info-dst': {
        // RTPS 2.5 §8.3.7.6.4: GUIDPREFIX_UNKNOWN means "whoever receives this".
        const isUnknown = guidPrefixEquals(s.guidPrefix, GUIDPREFIX_UNKNOWN);
        state.destinationGuidPrefix = isUnknown ? undefined : s.guidPrefix;
        isForUs = isUnknown || local === undefined || guidPrefixEquals(s.guidPrefix, local);
        break;
      }
      case 'info-ts':
        // RTPS 2.5 §8.3.7.7.4: flag I invalidates (haveTimestamp = false).
        state.timestamp = s.timestamp;
        break;
      case 'info-reply':
        state.unicastReplyLocators = s.unicastLocatorList;
        state.multicastReplyLocators = s.multicastLocatorList ?? [];
        break;
      case 'info-reply-ip4':
        state.unicastReplyLocators = [ip4Locator(s.unicastLocator.address, s.unicastLocator.port)];
        state.multicastReplyLocators = s.multicastLocator === undefined ? [] : [ip4Locator(s.multicastLocator.address, s.multicastLocator.port)];
        break;
      case 'pad':
        break;
      case 'unknown':
        unknown++;
        break;
      case 'data': case 'data-frag': case 'heartbeat': case 'heartbeat-frag': case 'acknack': case 'nack-frag': case 'gap':
        if (!isForUs) {
          notForUs++;
          break;
        }
        visited++;
        visit(state.sourceGuidPrefix, state.destinationGuidPrefix, s, state.timestamp, state);
        break;
      default:
        return assertNever(s, 'submessage');
    }
  }
  return { kind: 'ok', visited, notForUs, unknown };
}
