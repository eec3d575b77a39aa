/**
 * Error classes of the library (STYLE.md rule 11). Every error a caller can see extends
 * {@link RtpsLibError}, has a stable `name`, carries the data needed to act on it and chains
 * its cause.
 */

/** Base class of every error this library throws. */
export class RtpsLibError extends Error {
  override readonly name: string = 'RtpsLibError';
}

/**
 * Bytes from the network (or a file) did not decode. `field` names what was being read as a
 * slash-separated path (`stun/attribute[2]/XOR-MAPPED-ADDRESS/family`), `offset` is the byte offset
 * in the input given to the decoder.
 */
export class DecodeError extends RtpsLibError {
  override readonly name = 'DecodeError';
  constructor(
    readonly field: string,
    readonly offset: number,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${field} @${offset}: ${reason}`, options);
  }
}

/** A value given to an encoder cannot be represented on the wire (string too long, port out of range, …). */
export class EncodeError extends RtpsLibError {
  override readonly name = 'EncodeError';
  constructor(
    readonly field: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${field}: ${reason}`, options);
  }
}

/** A configuration value is missing, out of range or of the wrong kind. */
export class InvalidConfigError extends RtpsLibError {
  override readonly name = 'InvalidConfigError';
  constructor(
    readonly key: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${key}: ${reason}`, options);
  }
}

/** Raised by {@link assertNever} when a closed union meets a value it does not list. */
export class UnreachableError extends RtpsLibError {
  override readonly name = 'UnreachableError';
}

/** Exhaustiveness guard for `switch` over a discriminated union (STYLE.md rule 10). */
export function assertNever(value: never, what: string): never {
  throw new UnreachableError(`unexpected ${what}: ${String(value)}`);
}
