/** Errors of the DDS facade (STYLE.md rule 11). */
import { RtpsLibError } from '../util/errors.js';

/** An operation on a closed participant, writer or reader; pending waits and writes reject with it. */
export class EntityClosedError extends RtpsLibError {
  override readonly name = 'EntityClosedError';
}

/** A wait or write cancelled by its AbortSignal; `cause` is the signal's reason (STYLE.md rule 13). */
export class DdsAbortError extends RtpsLibError {
  override readonly name = 'AbortError';
}

/** A sample that the topic's codec cannot encode, or bad use of a topic (wrong participant). */
export class DdsUsageError extends RtpsLibError {
  override readonly name = 'DdsUsageError';
}

/** The AbortError for `signal` (its reason as cause). */
export function abortErrorOf(signal: AbortSignal): DdsAbortError {
  return new DdsAbortError('aborted', { cause: signal.reason });
}

/** Throws the AbortError when `signal` is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw abortErrorOf(signal);
}

/**
 * A promise settled by `settle(resolve, reject)` registering its listeners and returning their
 * cleanup, which runs once on resolve, reject or abort (STYLE.md rule 13).
 */
export function abortable<T>(
  signal: AbortSignal | undefined,
  register: (resolve: (v: T) => void, reject: (err: Error) => void) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted === true) { reject(abortErrorOf(signal)); return; }
    const state: { isDone: boolean; cleanup: (() => void) | undefined } = { isDone: false, cleanup: undefined };
    const onAbort = (): void => { if (finish() && signal !== undefined) reject(abortErrorOf(signal)); };
    const finish = (): boolean => {
      if (state.isDone) return false;
      state.isDone = true;
      signal?.removeEventListener('abort', onAbort);
      state.cleanup?.();
      return true;
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const cleanup = register((v) => { if (finish()) resolve(v); }, (err) => { if (finish()) reject(err); });
    if (state.isDone) cleanup();
    else state.cleanup = cleanup;
  });
}
