/**
 * Validation of incoming Binding requests and indications exactly as OpenDDS orders it
 * (spec/opendds-ice-and-rtpsrelay.md §5.9 table, §5.11; `EndpointManager::request`/`indication`),
 * and the response messages (§5.9: success = MAPPED-ADDRESS, XOR-MAPPED-ADDRESS,
 * MESSAGE-INTEGRITY with our password, FINGERPRINT; errors = ERROR-CODE [+UNKNOWN-ATTRIBUTES], MI, FP).
 */
import type { TransportAddress } from '../util/address.js';
import {
  attr, createIntegrityKey, encodeStunMessage, ErrorCode, getAttribute, hasAttribute, IceControlled, IceControlling,
  MappedAddress, Priority, StunMethod, unknownComprehensionRequired, UnknownAttributes, Username,
  verifyMessageIntegrity, XorMappedAddress, type StunMessage,
} from '../stun/index.js';

/** Comprehension-required types OpenDDS understands (spec §3.2 `unknown_comprehension_required_attributes`). */
export const UNDERSTOOD_ATTRIBUTES: ReadonlySet<number> = new Set([0x0001, 0x0006, 0x0008, 0x0009, 0x000a, 0x0020, 0x0024, 0x0025]);

const TYPE_USERNAME = 0x0006;
const TYPE_USE_CANDIDATE = 0x0025;

/** Our current password and, within the grace window after a rotation, the previous ones. */
export interface LocalCredentials {
  readonly username: string;
  /** Passwords to try, current first. */
  readonly passwords: readonly string[];
}

export type RequestVerdict =
  | {
    readonly ok: true;
    readonly remoteUsername: string;
    /** The password that verified the request: the response is keyed with it. */
    readonly password: string;
    readonly priority: number;
    readonly useCandidate: boolean;
    readonly controlling: bigint | undefined;
    readonly controlled: bigint | undefined;
  }
  | { readonly ok: false; readonly code: 400 | 401 | 420; readonly reason: string; readonly unknown?: readonly number[] };

/** Reason texts exactly as OpenDDS sends them (spec §5.9; row 9 is inverted in OpenDDS too). */
export const REJECT = Object.freeze({
  noUsername: { ok: false, code: 400, reason: 'Bad Request: USERNAME must be present' },
  noIntegrity: { ok: false, code: 400, reason: 'Bad Request: MESSAGE_INTEGRITY must be present' },
  noColon: { ok: false, code: 400, reason: 'Bad Request: USERNAME must be colon-separated' },
  unauthorized: { ok: false, code: 401, reason: 'Unauthorized' },
  unknownAttributes: { ok: false, code: 420, reason: 'Unknown Attributes' },
  noFingerprint: { ok: false, code: 400, reason: 'Bad Request: FINGERPRINT must be present' },
  noRole: { ok: false, code: 400, reason: 'Bad Request: Either ICE_CONTROLLED or ICE_CONTROLLING must be present' },
  useCandidateControlled: { ok: false, code: 400, reason: 'Bad Request: USE_CANDIDATE can only be present when ICE_CONTROLLED is present' },
  noPriority: { ok: false, code: 400, reason: 'Bad Request: PRIORITY must be present' },
  unknownMethod: { ok: false, code: 400, reason: 'Bad Request: Unknown method' },
} as const);

/** Which of `credentials.passwords` verifies `msg`'s MESSAGE-INTEGRITY, or undefined. */
function verifyingPassword(msg: StunMessage, passwords: readonly string[]): string | undefined {
  for (const p of passwords) if (verifyMessageIntegrity(msg, createIntegrityKey(p))) return p;
  return undefined;
}

/** Splits `local:remote` (RFC 8445 §7.2.2): the part before the first colon is ours. */
function splitUsername(username: string): { readonly local: string; readonly remote: string } | undefined {
  const i = username.indexOf(':');
  return i < 0 ? undefined : { local: username.slice(0, i), remote: username.slice(i + 1) };
}

/** Applies the §5.9 table in order to a request. */
export function validateRequest(msg: StunMessage, credentials: LocalCredentials): RequestVerdict {
  const username = getAttribute(msg, Username);
  if (username === undefined) return REJECT.noUsername;
  if (msg.integrityIndex < 0) return REJECT.noIntegrity;
  const parts = splitUsername(username);
  if (parts === undefined) return REJECT.noColon;
  if (parts.local !== credentials.username) return REJECT.unauthorized;
  const password = verifyingPassword(msg, credentials.passwords);
  if (password === undefined) return REJECT.unauthorized;
  const unknown = unknownComprehensionRequired(msg, UNDERSTOOD_ATTRIBUTES);
  if (unknown.length > 0) return { ...REJECT.unknownAttributes, unknown };
  if (msg.fingerprintIndex < 0) return REJECT.noFingerprint;
  const controlling = getAttribute(msg, IceControlling);
  const controlled = getAttribute(msg, IceControlled);
  if (controlling === undefined && controlled === undefined) return REJECT.noRole;
  const useCandidate = hasAttribute(msg, TYPE_USE_CANDIDATE);
  // RFC 8445 §7.1.2: only the controlling agent nominates (OpenDDS row 9 checks ICE-CONTROLLED).
  if (useCandidate && controlled !== undefined) return REJECT.useCandidateControlled;
  const priority = getAttribute(msg, Priority);
  if (priority === undefined) return REJECT.noPriority;
  if (msg.method !== StunMethod.binding) return REJECT.unknownMethod;
  return { ok: true, remoteUsername: parts.remote, password, priority, useCandidate, controlling, controlled };
}

/**
 * The remote username of a valid keepalive indication (spec §5.11: USERNAME, MI, colon, first part
 * ours, MI verifies, no unknown required attributes, FINGERPRINT), else undefined (failures are silent).
 */
export function validateIndication(msg: StunMessage, credentials: LocalCredentials): string | undefined {
  if (!hasAttribute(msg, TYPE_USERNAME) || msg.integrityIndex < 0 || msg.fingerprintIndex < 0) return undefined;
  const username = getAttribute(msg, Username);
  const parts = username === undefined ? undefined : splitUsername(username);
  if (parts?.local !== credentials.username) return undefined;
  if (verifyingPassword(msg, credentials.passwords) === undefined) return undefined;
  if (unknownComprehensionRequired(msg, UNDERSTOOD_ATTRIBUTES).length > 0) return undefined;
  return parts.remote;
}

/** Success response to `request` from `source` (spec §5.9): MAPPED, XOR-MAPPED, MI(password), FINGERPRINT. */
export function encodeSuccessResponse(request: StunMessage, source: TransportAddress, password: string): Uint8Array {
  return encodeStunMessage({
    method: request.method,
    messageClass: 'success',
    transactionId: request.transactionId,
    attributes: [attr(MappedAddress, source), attr(XorMappedAddress, source)],
    integrity: createIntegrityKey(password),
    fingerprint: true,
  });
}

/** Error response (spec §5.9): ERROR-CODE [+UNKNOWN-ATTRIBUTES], MI keyed with our password, FINGERPRINT. */
export function encodeErrorResponse(
  request: StunMessage, code: number, reason: string, password: string, unknown?: readonly number[],
): Uint8Array {
  const attributes = [attr(ErrorCode, { code, reason })];
  if (unknown !== undefined && unknown.length > 0) attributes.push(attr(UnknownAttributes, unknown));
  return encodeStunMessage({
    method: request.method,
    messageClass: 'error',
    transactionId: request.transactionId,
    attributes,
    integrity: createIntegrityKey(password),
    fingerprint: true,
  });
}
