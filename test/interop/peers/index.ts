/**
 * Harness for ICE peers (ice-landscape.md §7): werift-ice and our agent (`ours.ts`) in process,
 * aioice 0.8.0 and libnice 0.1.21 as child processes speaking the protocol of `protocol.ts` on
 * stdin/stdout. By default every peer uses host candidates on 127.0.0.1 only and no STUN server;
 * {@link StartPeerOptions} can run a peer under a launcher (`ip netns exec NS`; werift and ours then
 * run as the processes `werift-runner.ts` and `ours-runner.ts`), on another host address and with a
 * STUN server inside the test's own namespaces. A missing tool fails with {@link PeerToolMissingError}
 * naming the apt command that installs it.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { parsePeerLine, type IcePeer, type PeerKind, type PeerLocal, type PeerOutcome } from './protocol.js';
import { startOursPeer } from './ours.js';
import { startWeriftPeer } from './werift-peer.js';

export type { IcePeer, PeerCandidate, PeerKind, PeerLocal, PeerOutcome } from './protocol.js';
export { isOursPeer, type OursPeer } from './ours.js';
export { allowGuardedPrefixes, blockedDestinations, installLoopbackGuard, startWeriftPeer, uninstallLoopbackGuard } from './werift-peer.js';

const execFileAsync = promisify(execFile);
const HERE = fileURLToPath(new URL('.', import.meta.url));

/** Debian's python (sees dist-packages); the default `python3` here is a pyenv one without aioice. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** A peer's tool is not installed; `installCommand` installs it. */
export class PeerToolMissingError extends Error {
  override readonly name = 'PeerToolMissingError';
  constructor(readonly kind: PeerKind, readonly installCommand: string, options?: ErrorOptions) {
    super(`${kind} peer unavailable: run \`${installCommand}\``, options);
  }
}

/** Fails with the install command unless `kind`'s tool is present. */
export async function requirePeerTool(kind: PeerKind): Promise<void> {
  switch (kind) {
    case 'werift':
    case 'ours':
      return;
    case 'aioice':
      try {
        await execFileAsync(DEBIAN_PYTHON, ['-c', 'import aioice'], { timeout: 10_000 });
      } catch (err: unknown) {
        throw new PeerToolMissingError(kind, 'apt-get install python3-aioice', { cause: err });
      }
      return;
    case 'libnice':
      try {
        await execFileAsync('pkg-config', ['--exists', 'nice'], { timeout: 10_000 });
      } catch (err: unknown) {
        throw new PeerToolMissingError(kind, 'apt-get install libnice-dev libnice10 pkg-config', { cause: err });
      }
      try {
        await execFileAsync('gcc', ['--version'], { timeout: 10_000 });
      } catch (err: unknown) {
        throw new PeerToolMissingError(kind, 'apt-get install gcc', { cause: err });
      }
      return;
  }
}

/** Compiles nice_peer.c into a temp dir, reusing the binary while it is newer than the source. */
export async function buildNicePeer(): Promise<string> {
  await requirePeerTool('libnice');
  const source = join(HERE, 'nice_peer.c');
  const dir = join(tmpdir(), 'rtps-ice-interop');
  mkdirSync(dir, { recursive: true });
  const binary = join(dir, 'nice_peer');
  if (existsSync(binary) && statSync(binary).mtimeMs >= statSync(source).mtimeMs) return binary;
  const { stdout: flags } = await execFileAsync('pkg-config', ['--cflags', '--libs', 'nice'], { timeout: 10_000 });
  await execFileAsync('gcc', ['-O1', '-Wall', source, '-o', `${binary}.tmp`, ...flags.trim().split(/\s+/)], { timeout: 120_000 });
  await execFileAsync('mv', ['-f', `${binary}.tmp`, binary], { timeout: 10_000 });
  return binary;
}

/** Waits for `p` unless `signal` aborts first. */
function bounded<T>(p: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (signal === undefined) return p;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => { reject(new Error(`${what}: aborted`, { cause: signal.reason })); };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (err: unknown) => { signal.removeEventListener('abort', onAbort); reject(err instanceof Error ? err : new Error(String(err))); },
    );
  });
}

/** A peer in a child process; its stderr is kept for failure messages. */
class ProcessPeer implements IcePeer {
  readonly kind: PeerKind;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #local: Promise<PeerLocal>;
  readonly #outcome: Promise<PeerOutcome>;
  readonly #exited: Promise<void>;
  #stderr = '';
  #isClosed = false;

  constructor(kind: PeerKind, command: string, args: readonly string[]) {
    this.kind = kind;
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.#child = child;
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => { if (this.#stderr.length < 16_384) this.#stderr += d; });
    let onLocal: (l: PeerLocal) => void = () => undefined;
    let onOutcome: (o: PeerOutcome) => void = () => undefined;
    let onExitFail: (e: Error) => void = () => undefined;
    this.#local = new Promise((resolve, reject) => { onLocal = resolve; onExitFail = reject; });
    this.#outcome = new Promise((resolve) => { onOutcome = resolve; });
    // Unobserved rejections would crash the test run; callers see them through local().
    this.#local.catch(() => undefined);
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const err = new Error(`${kind} peer exited (${code ?? signal ?? '?'}): ${this.#stderr.slice(-2000)}`);
        onExitFail(err);
        onOutcome({ event: 'failed', reason: err.message });
        resolve();
      });
      child.once('error', (err) => {
        onExitFail(err);
        onOutcome({ event: 'failed', reason: err.message });
        resolve();
      });
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = parsePeerLine(line);
      if (m === undefined) return;
      if ('local' in m) onLocal(m.local);
      else onOutcome(m.outcome);
    });
  }

  local(options: { signal?: AbortSignal } = {}): Promise<PeerLocal> {
    return bounded(this.#local, options.signal, `${this.kind} local`);
  }

  start(remote: PeerLocal, controlling: boolean): void {
    this.#child.stdin.write(`${JSON.stringify({ remote, controlling })}\n`);
  }

  outcome(options: { signal?: AbortSignal } = {}): Promise<PeerOutcome> {
    return bounded(this.#outcome, options.signal, `${this.kind} outcome`);
  }

  /** Sends close, ends stdin, waits up to 3 s, then SIGKILL and waits for the exit. */
  async close(): Promise<void> {
    if (this.#isClosed) return this.#exited;
    this.#isClosed = true;
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.stdin.on('error', () => undefined); // EPIPE when the peer already left: nothing to tell it
      this.#child.stdin.end(`${JSON.stringify({ cmd: 'close' })}\n`);
      const timer = setTimeout(() => { this.#child.kill('SIGKILL'); }, 3000);
      await this.#exited;
      clearTimeout(timer);
    }
    await this.#exited;
  }

  get stderr(): string {
    return this.#stderr;
  }
}

/** Options of {@link startPeer}; the defaults keep a peer on loopback without a STUN server. */
export interface StartPeerOptions {
  readonly signal?: AbortSignal;
  /** The one address the peer gathers host candidates on (default 127.0.0.1). */
  readonly hostIp?: string;
  /** STUN server for server-reflexive candidates (default none); only one the test started itself. */
  readonly stunServer?: { readonly ip: string; readonly port: number };
  /** argv prefix the peer process runs under, e.g. `['ip','netns','exec',NS]` (werift then runs as a process). */
  readonly launcher?: readonly string[];
  /** werift and ours: run as the process `werift-runner.ts` / `ours-runner.ts` even without a launcher. */
  readonly asProcess?: boolean;
  /** werift and ours as a process: address prefixes its loopback guard lets through (the lab's, see netns-lab.ts). */
  readonly allowPrefixes?: readonly string[];
  /** ours only: the agent's failure bound `failureTimeoutMs` (default 40,000; `--failure-timeout-ms` of the runner). */
  readonly failureTimeoutMs?: number;
}

/** The `--import` URL of tsx's loader, resolved from here (so the runner does not depend on the cwd). */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

/** Starts a peer of `kind`; resolves once it is running (gathering may still be in progress). */
export async function startPeer(kind: PeerKind, options: StartPeerOptions = {}): Promise<IcePeer> {
  options.signal?.throwIfAborted();
  const launch = (kind2: PeerKind, command: string, args: readonly string[]): IcePeer => {
    const [file, ...rest] = [...(options.launcher ?? []), command, ...args];
    return new ProcessPeer(kind2, file ?? command, rest);
  };
  const hostIp = options.hostIp ?? '127.0.0.1';
  const stun = options.stunServer;
  switch (kind) {
    case 'werift': {
      if (options.launcher === undefined && options.asProcess !== true) {
        return startWeriftPeer({
          ...(options.signal === undefined ? {} : { signal: options.signal }), hostIp, ...(stun === undefined ? {} : { stunServer: stun }),
        });
      }
      const args = ['--import', tsxLoader(), join(HERE, 'werift-runner.ts'), '--host-ip', hostIp];
      if (stun !== undefined) args.push('--stun', `${stun.ip}:${stun.port}`);
      for (const p of options.allowPrefixes ?? []) args.push('--allow', p);
      return launch(kind, process.execPath, args);
    }
    case 'ours': {
      const failureTimeoutMs = options.failureTimeoutMs;
      if (options.launcher === undefined && options.asProcess !== true) {
        return startOursPeer({
          ...(options.signal === undefined ? {} : { signal: options.signal }), hostIp, ...(stun === undefined ? {} : { stunServer: stun }),
          ...(failureTimeoutMs === undefined ? {} : { init: { failureTimeoutMs } }),
        });
      }
      const args = ['--import', tsxLoader(), join(HERE, 'ours-runner.ts'), '--host-ip', hostIp];
      if (stun !== undefined) args.push('--stun', `${stun.ip}:${stun.port}`);
      if (failureTimeoutMs !== undefined) args.push('--failure-timeout-ms', String(failureTimeoutMs));
      for (const p of options.allowPrefixes ?? []) args.push('--allow', p);
      return launch(kind, process.execPath, args);
    }
    case 'aioice': {
      await requirePeerTool('aioice');
      const args = [join(HERE, 'aioice_peer.py'), '--host-ip', hostIp];
      if (stun !== undefined) args.push('--stun', `${stun.ip}:${stun.port}`);
      return launch(kind, DEBIAN_PYTHON, args);
    }
    case 'libnice': {
      const args = [hostIp];
      if (stun !== undefined) args.push(stun.ip, String(stun.port));
      return launch(kind, await buildNicePeer(), args);
    }
  }
}

/** Result of {@link connectPeers}. */
export interface PeerConnection {
  /** ms from both `remote` messages delivered to both peers reporting connected (ice-landscape §3). */
  readonly setupMs: number;
  /** The first peer's outcome (controlling unless `roles` said otherwise). */
  readonly controlling: PeerOutcome;
  /** The second peer's outcome (controlled unless `roles` said otherwise). */
  readonly controlled: PeerOutcome;
}

/** Options of {@link connectPeers}. */
export interface ConnectPeersOptions {
  readonly signal?: AbortSignal;
  /** Initial roles of the first and second peer, `true` = controlling (default `[true, false]`; equal roles make a role conflict). */
  readonly roles?: readonly [boolean, boolean];
}

/** Exchanges parameters between two started peers, the first controlling and the second controlled by default, and waits for both outcomes. */
export async function connectPeers(controlling: IcePeer, controlled: IcePeer, options: ConnectPeersOptions = {}): Promise<PeerConnection> {
  const opts = options.signal === undefined ? {} : { signal: options.signal };
  const [a, b] = await Promise.all([controlling.local(opts), controlled.local(opts)]);
  const [roleA, roleB] = options.roles ?? [true, false];
  controlling.start(b, roleA);
  controlled.start(a, roleB);
  const t0 = performance.now();
  let last = t0;
  const track = (p: Promise<PeerOutcome>): Promise<PeerOutcome> => p.then((o) => { last = Math.max(last, performance.now()); return o; });
  const [oa, ob] = await Promise.all([track(controlling.outcome(opts)), track(controlled.outcome(opts))]);
  return { setupMs: last - t0, controlling: oa, controlled: ob };
}
