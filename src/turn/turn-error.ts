/**
 * TURN failures (RFC 8656 §7–§12 error codes, RFC 8489 §14.8): one error class with a stable code per
 * cause, and the mapping from an error response to it.
 */
import { formatAddress, type TransportAddress } from '../util/address.js';
import { RtpsLibError } from '../util/errors.js';
import type { ErrorCodeValue } from '../stun/index.js';

/** Why a TURN operation failed. */
export type TurnErrorCode =
  | 'unauthorized' // 401 to a request that carried credentials: wrong username or password
  | 'stale-nonce' // 438 again right after a retry with the new nonce
  | 'timeout' // no answer within transactionTimeoutMs
  | 'forbidden' // 403
  | 'allocation-mismatch' // 437
  | 'wrong-credentials' // 441
  | 'unsupported-transport' // 442
  | 'quota' // 486
  | 'insufficient-capacity' // 508
  | 'alternate-server' // 300 (not followed)
  | 'server-error' // any other error response
  | 'bad-response' // a success without the attributes it must carry
  | 'closed';

/** A TURN request ended in failure; `stunCode` is the server's ERROR-CODE when there was one. */
export class TurnError extends RtpsLibError {
  override readonly name = 'TurnError';
  constructor(
    readonly code: TurnErrorCode,
    readonly server: TransportAddress,
    readonly method: string,
    readonly stunCode: number | undefined,
    message: string,
  ) {
    super(`TURN ${method} to ${formatAddress(server)}: ${code}${stunCode === undefined ? '' : ` (${stunCode})`}: ${message}`);
  }
}

/** The {@link TurnError} for a final error response (`ec` its ERROR-CODE, `alt` its ALTERNATE-SERVER). */
export function turnErrorOf(
  server: TransportAddress, method: string, ec: ErrorCodeValue | undefined, username: string, realm: string, alt: TransportAddress | undefined,
): TurnError {
  const code = ec?.code ?? 0;
  const reason = ec?.reason ?? '';
  const text = reason === '' ? '' : ` "${reason}"`;
  let err: TurnError;
  switch (code) {
    case 401: err = new TurnError('unauthorized', server, method, code, `the server rejected username "${username}"${text}: wrong username or password for realm "${realm}"`); break;
    case 438: err = new TurnError('stale-nonce', server, method, code, `stale nonce again after a retry with a fresh one${text}`); break;
    case 403: err = new TurnError('forbidden', server, method, code, `forbidden${text}`); break;
    case 437: err = new TurnError('allocation-mismatch', server, method, code, `allocation mismatch${text}`); break;
    case 441: err = new TurnError('wrong-credentials', server, method, code, `wrong credentials for this allocation${text}`); break;
    case 442: err = new TurnError('unsupported-transport', server, method, code, `UDP relaying unsupported${text}`); break;
    case 486: err = new TurnError('quota', server, method, code, `allocation quota reached${text}`); break;
    case 508: err = new TurnError('insufficient-capacity', server, method, code, `insufficient capacity${text}`); break;
    case 300: {
      err = new TurnError('alternate-server', server, method, code, `the server redirects to ${alt === undefined ? '?' : formatAddress(alt)} (not followed)`);
      break;
    }
    default: err = new TurnError('server-error', server, method, ec?.code, `error response${text}`);
  }
  return err;
}
