/**
 * The RtpsRelay's vertical-port STUN server, sans-I/O (OpenDDS spec §8.4,
 * `VerticalHandler::process_message`, STUN branch). Also the "STUN server on the public side" of
 * ICE tests: it answers any Binding request that carries FINGERPRINT, without authentication.
 *
 * Rules, in OpenDDS's order:
 * 1. undecodable (strict parse, spec §3.4, bad FINGERPRINT included) → dropped and counted;
 * 2. a comprehension-required attribute OpenDDS does not understand (spec §3.2) → 420
 *    `Unknown Attributes` + UNKNOWN-ATTRIBUTES + FINGERPRINT;
 * 3. no FINGERPRINT → 400 `Bad Request: FINGERPRINT must be present` + FINGERPRINT;
 * 4. GUID_PREFIX present → a `registered` event (prefix, source), and the response may be suppressed
 *    for that client (`allow_stun_responses`);
 * 5. Binding request → success with MAPPED-ADDRESS, XOR-MAPPED-ADDRESS (both the source) and
 *    FINGERPRINT; Binding indication → nothing; other classes of Binding → nothing (a warning);
 *    other methods → 400 `Bad Request: Unknown method` + FINGERPRINT.
 *
 * As in OpenDDS, rules 2, 3 and 5's unknown-method answer do not look at the class, so an
 * indication or response breaking them is answered too (RFC 5389 §7.3 would stay silent).
 *
 * Amplification: a minimal request (28 bytes: header + FINGERPRINT) gets a 52-byte answer for IPv4
 * (76 for IPv6), so the responder does send more bytes than it receives.
 */
import type { TransportAddress } from '../util/address.js';
import { formatAddress } from '../util/address.js';
import type { Logger } from '../util/logger.js';
import {
  attr, decodeStunMessage, encodeStunMessage, ErrorCode, getAttribute, GuidPrefix, hasAttribute, MappedAddress,
  StunMethod, UnknownAttributes, unknownComprehensionRequired, XorMappedAddress, type StunMessage,
} from '../stun/index.js';

/** Attribute types OpenDDS's STUN parser understands (spec §3.2 `unknown_comprehension_required_attributes`). */
export const OPENDDS_UNDERSTOOD_ATTRIBUTES: ReadonlySet<number> = new Set([
  0x0001, // MAPPED-ADDRESS
  0x0006, // USERNAME
  0x0008, // MESSAGE-INTEGRITY
  0x0009, // ERROR-CODE
  0x000a, // UNKNOWN-ATTRIBUTES
  0x0020, // XOR-MAPPED-ADDRESS
  0x0024, // PRIORITY
  0x0025, // USE-CANDIDATE
]);

const TYPE_FINGERPRINT = 0x8028;

/** Reason phrases, byte for byte as OpenDDS sends them (spec §8.4). */
export const STUN_RESPONDER_REASONS = Object.freeze({
  unknownAttributes: 'Unknown Attributes',
  fingerprintMissing: 'Bad Request: FINGERPRINT must be present',
  unknownMethod: 'Bad Request: Unknown method',
} as const);

/** Events of {@link StunResponder}. */
export type StunResponderEvent = {
  /** A message with GUID_PREFIX (spec §8.4, §6.1): the relay records activity of that participant. */
  readonly type: 'registered';
  /** The 12-byte RTPS GUID prefix (a copy). */
  readonly guidPrefix: Uint8Array;
  readonly from: TransportAddress;
  /** Binding request or indication (or, rarely, another class or method). */
  readonly messageClass: StunMessage['messageClass'];
};

/** Collaborators of {@link StunResponder}. */
export interface StunResponderDeps {
  readonly emit: (e: StunResponderEvent) => void;
  readonly log: Logger;
  /**
   * Whether a client identified by GUID_PREFIX still gets success responses (the relay's
   * `allow_stun_responses`: false while draining or in a denied partition). Default: always.
   * Messages without GUID_PREFIX are always answered.
   */
  readonly allowResponse?: (guidPrefix: Uint8Array, from: TransportAddress) => boolean;
}

/** What {@link StunResponder} counted. */
export interface StunResponderStats {
  readonly received: number;
  /** Undecodable datagrams (dropped). */
  readonly dropped: number;
  readonly successResponses: number;
  readonly errorResponses: number;
  readonly indications: number;
  readonly registrations: number;
  /** Success responses withheld by `allowResponse`. */
  readonly suppressed: number;
  /** Binding responses received (ignored with a warning). */
  readonly ignored: number;
}

/** The vertical STUN server core: `handle(bytes, from)` returns the response to send back, if any. */
export class StunResponder {
  readonly #deps: StunResponderDeps;
  readonly #log: Logger;
  #received = 0;
  #dropped = 0;
  #successResponses = 0;
  #errorResponses = 0;
  #indications = 0;
  #registrations = 0;
  #suppressed = 0;
  #ignored = 0;

  constructor(deps: StunResponderDeps) {
    this.#deps = deps;
    this.#log = deps.log.child('stun');
  }

  /**
   * Handles one datagram from `from`; returns the response bytes to send to `from`, or undefined.
   * Never throws for bad input. The returned array is owned by the caller.
   */
  handle(bytes: Uint8Array, from: TransportAddress): Uint8Array | undefined {
    this.#received++;
    let msg: StunMessage;
    try {
      msg = decodeStunMessage(bytes);
    } catch (err: unknown) {
      // The one catch around a decoder (STYLE.md rule 7): count, log at debug, drop.
      this.#dropped++;
      if (this.#log.enabled) this.#log.debug('undecodable datagram dropped', { from: formatAddress(from), err });
      return undefined;
    }
    const unknown = unknownComprehensionRequired(msg, OPENDDS_UNDERSTOOD_ATTRIBUTES);
    if (unknown.length > 0) {
      return this.#error(msg, 420, STUN_RESPONDER_REASONS.unknownAttributes, unknown);
    }
    if (!hasAttribute(msg, TYPE_FINGERPRINT)) {
      return this.#error(msg, 400, STUN_RESPONDER_REASONS.fingerprintMissing);
    }
    let isAllowed = true;
    const prefix = getAttribute(msg, GuidPrefix);
    if (prefix !== undefined) {
      const guidPrefix = prefix.slice();
      this.#registrations++;
      this.#deps.emit({ type: 'registered', guidPrefix, from, messageClass: msg.messageClass });
      isAllowed = this.#deps.allowResponse?.(guidPrefix, from) ?? true;
    }
    if (msg.method !== StunMethod.binding) {
      return this.#error(msg, 400, STUN_RESPONDER_REASONS.unknownMethod);
    }
    switch (msg.messageClass) {
      case 'request':
        if (!isAllowed) {
          this.#suppressed++;
          return undefined;
        }
        this.#successResponses++;
        return encodeStunMessage({
          method: StunMethod.binding,
          messageClass: 'success',
          transactionId: msg.transactionId,
          attributes: [attr(MappedAddress, from), attr(XorMappedAddress, from)],
          fingerprint: true,
        });
      case 'indication':
        this.#indications++;
        return undefined;
      case 'success':
      case 'error':
        this.#ignored++;
        this.#log.warn('unexpected binding response ignored', { from: formatAddress(from), messageClass: msg.messageClass });
        return undefined;
    }
  }

  #error(msg: StunMessage, code: number, reason: string, unknown?: readonly number[]): Uint8Array {
    this.#errorResponses++;
    if (this.#log.enabled) this.#log.debug('error response', { code, reason, method: msg.method, messageClass: msg.messageClass });
    return encodeStunMessage({
      method: msg.method,
      messageClass: 'error',
      transactionId: msg.transactionId,
      attributes: unknown === undefined
        ? [attr(ErrorCode, { code, reason })]
        : [attr(ErrorCode, { code, reason }), attr(UnknownAttributes, unknown)],
      fingerprint: true,
    });
  }

  /** Counters since construction. */
  stats(): StunResponderStats {
    return {
      received: this.#received,
      dropped: this.#dropped,
      successResponses: this.#successResponses,
      errorResponses: this.#errorResponses,
      indications: this.#indications,
      registrations: this.#registrations,
      suppressed: this.#suppressed,
      ignored: this.#ignored,
    };
  }
}
