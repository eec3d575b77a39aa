/** Errors raised by the virtual network (STYLE.md rule 11). */
import { RtpsLibError } from '../util/errors.js';

/** Base class of simnet errors (misuse of the simulator, not simulated network failures). */
export class SimnetError extends RtpsLibError {
  override readonly name: string = 'SimnetError';
}

/** `bind()` asked for an address:port already bound on that host; `code` mirrors Node's `EADDRINUSE`. */
export class AddressInUseError extends SimnetError {
  override readonly name = 'AddressInUseError';
  readonly code = 'EADDRINUSE';
  constructor(readonly ip: string, readonly port: number) {
    super(`address in use: ${ip}:${port}`);
  }
}

/** `bind()` asked for an IP the host does not have; `code` mirrors Node's `EADDRNOTAVAIL`. */
export class AddressNotAvailableError extends SimnetError {
  override readonly name = 'AddressNotAvailableError';
  readonly code = 'EADDRNOTAVAIL';
  constructor(readonly ip: string) {
    super(`address not available on this host: ${ip}`);
  }
}
