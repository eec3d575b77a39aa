/**
 * The process side of the protocol of `protocol.ts`, shared by the runners (`werift-runner.ts`,
 * `ours-runner.ts`): prints the peer's `local` line, applies the first `remote` line, prints its
 * outcome, and on `{"cmd":"close"}` or stdin EOF closes the peer and exits.
 */
import { createInterface } from 'node:readline';
import { parsePeerLine, type IcePeer, type PeerLocal } from './protocol.js';

function emit(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

/** `IP:PORT` (the runners' `--stun`) → address; undefined stays undefined. @throws Error on a malformed value. */
export function parseStunArg(s: string | undefined): { ip: string; port: number } | undefined {
  if (s === undefined) return undefined;
  const i = s.lastIndexOf(':');
  const port = Number(s.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad --stun ${s}`);
  return { ip: s.slice(0, i), port };
}

/** A harness line `{"remote":{…},"controlling":bool}` → its parts (candidates narrowed as a `local` line's). */
function parseRemoteLine(msg: object): { remote: PeerLocal; controlling: boolean } | undefined {
  const remote: unknown = Reflect.get(msg, 'remote');
  if (typeof remote !== 'object' || remote === null) return undefined;
  const m = parsePeerLine(JSON.stringify({ ...remote, event: 'local' }));
  return m !== undefined && 'local' in m ? { remote: m.local, controlling: Reflect.get(msg, 'controlling') === true } : undefined;
}

/**
 * Serves `peer` on stdin/stdout until close or EOF, then closes it, runs `atExit` (e.g. a report on
 * stderr) and exits 0. A `failed` outcome caused by the close itself (`reason: 'closed'`) is not printed.
 */
export async function servePeer(name: string, peer: IcePeer, atExit?: () => void): Promise<void> {
  const local = await peer.local();
  emit({ event: 'local', ...local });
  let isStarted = false;
  let isFinishing = false;
  const lines = createInterface({ input: process.stdin });
  const finish = async (): Promise<void> => {
    if (isFinishing) return;
    isFinishing = true;
    lines.close();
    await peer.close();
    atExit?.();
    process.exit(0);
  };
  lines.on('line', (line) => {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    if (Reflect.get(msg, 'cmd') === 'close') { void finish(); return; }
    const r = parseRemoteLine(msg);
    if (r === undefined || isStarted) return;
    isStarted = true;
    peer.start(r.remote, r.controlling);
    void peer.outcome().then((o) => { if (o.event === 'connected' || o.reason !== 'closed') emit(o); });
  });
  lines.on('close', () => { void finish(); });
}

/** Runs `main`; a rejection is reported as a `failed` line and exit code 1. */
export function runMain(name: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    emit({ event: 'failed', reason: `${name} runner: ${String(err)}` });
    process.exit(1);
  });
}
