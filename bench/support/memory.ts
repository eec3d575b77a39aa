/**
 * Heap measurements for the `memory.*` figures: run the child process with `--expose-gc`.
 */

/**
 * `process.memoryUsage().heapUsed` after three forced full collections.
 * @throws Error when the process was not started with `--expose-gc`.
 */
export function heapUsedAfterGc(): number {
  const gc: unknown = Reflect.get(globalThis, 'gc');
  if (typeof gc !== 'function') throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) Reflect.apply(gc, undefined, []);
  return process.memoryUsage().heapUsed;
}
