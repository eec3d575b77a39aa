/**
 * Third-party DDS peers for interop tests: the shared `LabMsg` pub/sub programs of Cyclone DDS 0.10
 * (`../shared/lab/cyclone-msgpubsub.c`) and Fast DDS 2.9 (`../shared/lab/fastdds-msgpubsub.cpp`), plus
 * our QoS variants of them (`cyclone-msgpubsub-qos.c`, `fastdds-msgpubsub-qos.cpp` here) for the
 * best-effort / volatile cases the lab programs (reliable, transient-local, keep-all) cannot match.
 *
 * Binaries are compiled at test time into a per-user cache dir keyed by a hash of the sources, so they
 * are rebuilt when a source changes. Every peer runs on loopback only: Cyclone with
 * `CYCLONEDDS_URI=file://…/shared/lab/cyclone-lo.xml`, Fast DDS with `FASTRTPS_DEFAULT_PROFILES_FILE`
 * = `fastdds-lo.xml` (the lab program is confined in code; the variant refuses to run without the
 * profile). See docs/dds-interop.md. A missing tool fails with {@link DdsToolMissingError}.
 */
import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const HERE = fileURLToPath(new URL('.', import.meta.url));

/** `../shared/lab` beside the project's root. */
export const SHARED_LAB = resolve(HERE, '../../../../shared/lab');
/** Cyclone DDS config: interface `lo`, no multicast, peer 127.0.0.1 (shared, read-only). */
export const CYCLONE_LO_CONFIG = join(SHARED_LAB, 'cyclone-lo.xml');
/** Fast DDS 2.9 XML profile `rtps_ice_loopback`: UDPv4 whitelisted to 127.0.0.1, no SHM, no multicast. */
export const FASTDDS_LO_PROFILE = join(HERE, 'fastdds-lo.xml');
/** Profile name inside {@link FASTDDS_LO_PROFILE}. */
export const FASTDDS_LO_PROFILE_NAME = 'rtps_ice_loopback';

/** The apt command installing everything this module and `ddsperf.ts` use. */
export const DDS_APT_INSTALL = 'apt-get install -y cyclonedds-tools cyclonedds-dev libfastrtps-dev fastdds-tools fastddsgen default-jre-headless gcc g++';

export type DdsPeerKind = 'cyclone' | 'fastdds';
export type DdsPeerMode = 'pub' | 'sub';
export type DdsReliability = 'reliable' | 'best-effort';
export type DdsDurability = 'transient-local' | 'volatile';

/** One sample of topic `LabMsg` (IDL `struct Msg { long id; string text; }`). */
export interface LabMsg {
  readonly id: number;
  readonly text: string;
}

/** The text the peer programs write for sample `id`. */
export function labText(kind: DdsPeerKind, id: number): string {
  return `hello #${id} from ${kind}`;
}

/** A DDS tool or library is not installed; `installCommand` installs it. */
export class DdsToolMissingError extends Error {
  override readonly name = 'DdsToolMissingError';
  constructor(readonly what: string, readonly installCommand: string, options?: ErrorOptions) {
    super(`${what} unavailable: run \`${installCommand}\``, options);
  }
}

async function requireCommand(what: string, file: string, args: readonly string[], install: string): Promise<void> {
  try {
    await execFileAsync(file, args, { timeout: 20_000 });
  } catch (err: unknown) {
    throw new DdsToolMissingError(what, install, { cause: err });
  }
}

async function requireHeader(compiler: 'gcc' | 'g++', header: string, install: string): Promise<void> {
  const lang = compiler === 'gcc' ? 'c' : 'c++';
  await requireCommand(header, 'sh', ['-c', `echo '#include <${header}>' | ${compiler} -x ${lang} -E - >/dev/null`], install);
}

/** Fails with the install command unless `kind`'s build tools are present. */
export async function requireDdsTools(kind: DdsPeerKind | 'ddsperf'): Promise<void> {
  switch (kind) {
    case 'cyclone':
      await requireCommand('gcc', 'gcc', ['--version'], 'apt-get install -y gcc');
      await requireCommand('idlc (Cyclone DDS)', 'idlc', ['-v'], 'apt-get install -y cyclonedds-tools');
      await requireHeader('gcc', 'dds/dds.h', 'apt-get install -y cyclonedds-dev');
      return;
    case 'fastdds':
      await requireCommand('g++', 'g++', ['--version'], 'apt-get install -y g++');
      await requireCommand('java (for fastddsgen)', 'java', ['-version'], 'apt-get install -y default-jre-headless');
      await requireCommand('fastddsgen', 'sh', ['-c', 'command -v fastddsgen'], 'apt-get install -y fastddsgen');
      await requireHeader('g++', 'fastdds/dds/domain/DomainParticipantFactory.hpp', 'apt-get install -y libfastrtps-dev');
      return;
    case 'ddsperf':
      await requireCommand('ddsperf (Cyclone DDS)', 'sh', ['-c', 'command -v ddsperf'], 'apt-get install -y cyclonedds-tools');
      return;
  }
}

/** Per-user cache of built peers: `$XDG_CACHE_HOME/rtps-ice/dds-peers` (default `~/.cache`), else the temp dir. */
export function ddsCacheDir(): string {
  const xdg = process.env['XDG_CACHE_HOME'];
  const candidates = [
    join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'rtps-ice', 'dds-peers'),
    join(tmpdir(), `rtps-ice-dds-peers-${userInfo().uid}`),
  ];
  for (const dir of candidates) {
    try {
      mkdirSync(dir, { recursive: true });
      return dir;
    } catch { /* next candidate */ }
  }
  throw new Error(`no writable cache dir among ${candidates.join(', ')}`);
}

/** The two programs of one vendor. */
export interface DdsPeerBinaries {
  /** The shared lab program (reliable, transient-local, keep-all). */
  readonly lab: string;
  /** Our variant taking reliability and durability as arguments. */
  readonly qos: string;
}

/** Bumped when the build recipe changes, so the cache key changes with it. */
const RECIPE = 1;

interface BuildSpec {
  readonly name: DdsPeerKind;
  /** [file name in the build dir, source path] */
  readonly sources: readonly (readonly [string, string])[];
  readonly build: (dir: string) => Promise<void>;
}

const run = async (dir: string, file: string, args: readonly string[]): Promise<void> => {
  try {
    await execFileAsync(file, args, { cwd: dir, timeout: 180_000, maxBuffer: 4 << 20 });
  } catch (err: unknown) {
    const e = err as { stderr?: string; message?: string };
    throw new Error(`${file} ${args.join(' ')} failed in ${dir}: ${e.stderr?.slice(-3000) ?? e.message ?? String(err)}`, { cause: err });
  }
};

const CYCLONE_SPEC: BuildSpec = {
  name: 'cyclone',
  sources: [
    ['Msg.idl', join(SHARED_LAB, 'Msg.idl')],
    ['cyclone-msgpubsub.c', join(SHARED_LAB, 'cyclone-msgpubsub.c')],
    ['cyclone-msgpubsub-qos.c', join(HERE, 'cyclone-msgpubsub-qos.c')],
  ],
  build: async (dir) => {
    await run(dir, 'idlc', ['Msg.idl']);
    await run(dir, 'gcc', ['-O2', '-c', 'Msg.c', '-o', 'Msg.o']);
    await Promise.all([
      run(dir, 'gcc', ['-O2', '-o', 'cyclone-msgpubsub', 'cyclone-msgpubsub.c', 'Msg.o', '-lddsc']),
      run(dir, 'gcc', ['-O2', '-Wall', '-o', 'cyclone-msgpubsub-qos', 'cyclone-msgpubsub-qos.c', 'Msg.o', '-lddsc']),
    ]);
  },
};

const FASTDDS_SPEC: BuildSpec = {
  name: 'fastdds',
  sources: [
    ['Msg.idl', join(SHARED_LAB, 'Msg.idl')],
    ['fastdds-msgpubsub.cpp', join(SHARED_LAB, 'fastdds-msgpubsub.cpp')],
    ['fastdds-msgpubsub-qos.cpp', join(HERE, 'fastdds-msgpubsub-qos.cpp')],
  ],
  build: async (dir) => {
    // Generated type support (Msg.h/.cxx, MsgPubSubTypes.h/.cxx) lives only in the build dir, never in git.
    await run(dir, 'fastddsgen', ['-replace', 'Msg.idl']);
    const cxx = ['-std=c++11', '-O1'];
    await Promise.all(['Msg', 'MsgPubSubTypes', 'fastdds-msgpubsub', 'fastdds-msgpubsub-qos'].map((f) =>
      run(dir, 'g++', [...cxx, '-c', `${f}.${f.startsWith('fastdds') ? 'cpp' : 'cxx'}`, '-o', `${f}.o`])));
    const libs = ['Msg.o', 'MsgPubSubTypes.o', '-lfastrtps', '-lfastcdr'];
    await Promise.all([
      run(dir, 'g++', ['-o', 'fastdds-msgpubsub', 'fastdds-msgpubsub.o', ...libs]),
      run(dir, 'g++', ['-o', 'fastdds-msgpubsub-qos', 'fastdds-msgpubsub-qos.o', ...libs]),
    ]);
  },
};

const building = new Map<DdsPeerKind, Promise<DdsPeerBinaries>>();

async function buildPeer(spec: BuildSpec): Promise<DdsPeerBinaries> {
  await requireDdsTools(spec.name);
  const hash = createHash('sha256').update(`recipe ${RECIPE}\n`);
  for (const [name, path] of spec.sources) {
    if (!existsSync(path)) throw new Error(`${spec.name} peer source missing: ${path}`);
    hash.update(`${name}\n`).update(readFileSync(path));
  }
  const key = hash.digest('hex').slice(0, 16);
  const cache = ddsCacheDir();
  const dir = join(cache, `${spec.name}-${key}`);
  const binaries = { lab: join(dir, `${spec.name}-msgpubsub`), qos: join(dir, `${spec.name}-msgpubsub-qos`) };
  if (existsSync(join(dir, '.complete'))) return binaries;
  const tmp = mkdtempSync(join(cache, `.${spec.name}-build-`));
  try {
    for (const [name, path] of spec.sources) copyFileSync(path, join(tmp, name));
    await spec.build(tmp);
    writeFileSync(join(tmp, '.complete'), `${new Date().toISOString()}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  // Builds of older sources are never used again.
  for (const entry of readdirSync(cache)) {
    if (entry.startsWith(`${spec.name}-`) && entry !== `${spec.name}-${key}`) rmSync(join(cache, entry), { recursive: true, force: true });
  }
  return binaries;
}

function memoBuild(spec: BuildSpec): Promise<DdsPeerBinaries> {
  let p = building.get(spec.name);
  if (p === undefined) {
    p = buildPeer(spec);
    building.set(spec.name, p);
    p.catch(() => building.delete(spec.name));
  }
  return p;
}

/** Compiles the Cyclone DDS lab program and our variant (idlc + gcc, ~1 s), cached until a source changes. */
export function buildCyclonePeer(): Promise<DdsPeerBinaries> {
  return memoBuild(CYCLONE_SPEC);
}

/** Compiles the Fast DDS lab program and our variant (fastddsgen + g++, ~10 s), cached until a source changes. */
export function buildFastddsPeer(): Promise<DdsPeerBinaries> {
  return memoBuild(FASTDDS_SPEC);
}

/** Environment variables through which a DDS implementation could leave loopback or change discovery. */
const UNSAFE_ENV = [
  'CYCLONEDDS_URI', 'FASTRTPS_DEFAULT_PROFILES_FILE', 'FASTDDS_DEFAULT_PROFILES_FILE', 'FASTDDS_ENVIRONMENT_FILE',
  'ROS_DISCOVERY_SERVER', 'SKIP_DEFAULT_XML', 'FASTDDS_BUILTIN_TRANSPORTS', 'ROS_DOMAIN_ID',
];

/**
 * The environment a DDS peer (or ddsperf) runs with: the caller's, minus anything that could redirect
 * discovery, plus the loopback configuration of both vendors. Checks the configurations still say so.
 */
export function ddsLoopbackEnv(): NodeJS.ProcessEnv {
  const cyclone = readFileSync(CYCLONE_LO_CONFIG, 'utf8');
  if (!/<NetworkInterface name="lo"\s*\/>/.test(cyclone) || !/<AllowMulticast>false<\/AllowMulticast>/.test(cyclone)) {
    throw new Error(`${CYCLONE_LO_CONFIG} no longer confines Cyclone DDS to loopback without multicast`);
  }
  const fast = readFileSync(FASTDDS_LO_PROFILE, 'utf8');
  if (!/<useBuiltinTransports>false<\/useBuiltinTransports>/.test(fast) || !/<interfaceWhiteList>\s*<address>127\.0\.0\.1<\/address>\s*<\/interfaceWhiteList>/.test(fast)) {
    throw new Error(`${FASTDDS_LO_PROFILE} no longer confines Fast DDS to loopback`);
  }
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of UNSAFE_ENV) Reflect.deleteProperty(env, k);
  env['CYCLONEDDS_URI'] = `file://${CYCLONE_LO_CONFIG}`;
  env['FASTRTPS_DEFAULT_PROFILES_FILE'] = FASTDDS_LO_PROFILE;
  return env;
}

/** Options of {@link startDdsPeer}. */
export interface StartDdsPeerOptions {
  /** pub: samples to write, 200 ms apart after matching (default 10). */
  readonly count?: number;
  /** sub: seconds the subscriber runs before printing its total and exiting (default 10). */
  readonly seconds?: number;
  /** The peer's reader/writer reliability (default reliable). */
  readonly reliability?: DdsReliability;
  /** The peer's reader/writer durability (default transient-local). */
  readonly durability?: DdsDurability;
  /**
   * Which program: the shared lab one (only reliable + transient-local) or our QoS variant (Fast DDS:
   * configured by fastdds-lo.xml). Default: lab when the QoS allows, else the variant.
   */
  readonly program?: 'lab' | 'qos';
  /**
   * Run inside this network namespace (`ip netns exec`, see {@link createDdsNetns}) instead of the
   * host's: its own loopback, shared with no other DDS process on the machine.
   */
  readonly netns?: string;
  /** Aborting stops the peer and rejects pending waits. */
  readonly signal?: AbortSignal;
}

/** How a peer process ended. */
export interface DdsPeerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** Bounds for {@link DdsPeer} waits. */
export interface DdsWaitOptions {
  readonly signal?: AbortSignal;
  /** Default 20 s. */
  readonly timeoutMs?: number;
}

/** A running peer with its output parsed as it arrives. */
export interface DdsPeer {
  readonly kind: DdsPeerKind;
  readonly mode: DdsPeerMode;
  readonly program: 'lab' | 'qos';
  readonly reliability: DdsReliability;
  readonly durability: DdsDurability;
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  /** sub: samples in arrival order. */
  readonly received: readonly LabMsg[];
  /** pub: samples written so far. */
  readonly written: readonly LabMsg[];
  /** pub: whether the writer matched a reader (undefined until it says). */
  readonly matched: boolean | undefined;
  /** sub: the total it printed on exit. */
  readonly total: number | undefined;
  /** stdout and stderr so far (bounded), for failure messages. */
  readonly output: string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<DdsPeerExit>;
  /** Calls `listener` for every sample received from now on. Returns an unsubscribe function. */
  onSample(listener: (m: LabMsg) => void): () => void;
  /** Resolves with `received` once it holds `n` samples; rejects on exit, timeout or abort. */
  waitForSamples(n: number, options?: DdsWaitOptions): Promise<readonly LabMsg[]>;
  /** Resolves with `written` once it holds `n` samples; rejects on exit, timeout or abort. */
  waitForWritten(n: number, options?: DdsWaitOptions): Promise<readonly LabMsg[]>;
  /** SIGTERM, SIGKILL after 2 s, and waits for the exit. Idempotent. */
  stop(): Promise<DdsPeerExit>;
}

const LINE_WROTE = /^pub: wrote id=(-?\d+) text="(.*)"$/;
const LINE_GOT = /^sub: got id=(-?\d+) text="(.*)"$/;
const LINE_MATCHED = /^pub: matched=(\d+) after \d+ ms$/;
const LINE_TOTAL = /^sub: total (\d+)$/;

class DdsPeerProcess implements DdsPeer {
  readonly received: LabMsg[] = [];
  readonly written: LabMsg[] = [];
  matched: boolean | undefined;
  total: number | undefined;
  output = '';
  readonly exited: Promise<DdsPeerExit>;
  #exit: DdsPeerExit | undefined;
  readonly #listeners = new Set<(m: LabMsg) => void>();
  readonly #checks = new Set<() => void>();

  constructor(
    readonly kind: DdsPeerKind,
    readonly mode: DdsPeerMode,
    readonly program: 'lab' | 'qos',
    readonly reliability: DdsReliability,
    readonly durability: DdsDurability,
    readonly child: ChildProcessByStdio<null, Readable, Readable>,
  ) {
    const keep = (s: string): void => { this.output = (this.output + s).slice(-32_768); };
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', keep);
    const stdoutDone = new Promise<void>((res) => {
      createInterface({ input: child.stdout }).on('line', (line) => { keep(`${line}\n`); this.#line(line); }).on('close', res);
    });
    const exit = new Promise<DdsPeerExit>((res) => {
      child.once('exit', (code, signal) => { res({ code, signal }); });
      child.once('error', (err) => { keep(`spawn error: ${err.message}\n`); res({ code: null, signal: null }); });
    });
    this.exited = Promise.all([exit, stdoutDone]).then(([e]) => {
      this.#exit = e;
      for (const c of [...this.#checks]) c();
      return e;
    });
  }

  #line(line: string): void {
    let m: RegExpExecArray | null;
    if ((m = LINE_GOT.exec(line)) !== null) {
      const s = { id: Number(m[1]), text: m[2] ?? '' };
      this.received.push(s);
      for (const l of this.#listeners) l(s);
    } else if ((m = LINE_WROTE.exec(line)) !== null) {
      this.written.push({ id: Number(m[1]), text: m[2] ?? '' });
    } else if ((m = LINE_MATCHED.exec(line)) !== null) {
      this.matched = Number(m[1]) > 0;
    } else if ((m = LINE_TOTAL.exec(line)) !== null) {
      this.total = Number(m[1]);
    }
    for (const c of [...this.#checks]) c();
  }

  onSample(listener: (m: LabMsg) => void): () => void {
    this.#listeners.add(listener);
    return () => { this.#listeners.delete(listener); };
  }

  #waitFor(what: string, list: readonly LabMsg[], n: number, options: DdsWaitOptions): Promise<readonly LabMsg[]> {
    return new Promise((res, rej) => {
      const timeoutMs = options.timeoutMs ?? 20_000;
      const done = (err?: Error): void => {
        this.#checks.delete(check);
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        if (err === undefined) res(list); else rej(err);
      };
      const fail = (why: string): Error => new Error(
        `${this.kind} ${this.mode}: ${why} waiting for ${n} ${what} (have ${list.length}); output:\n${this.output.slice(-3000)}`);
      const check = (): void => {
        if (list.length >= n) done();
        else if (this.#exit !== undefined) done(fail(`exited (${this.#exit.code ?? this.#exit.signal ?? '?'})`));
      };
      const onAbort = (): void => { done(fail('aborted')); };
      const timer = setTimeout(() => { done(fail(`timed out after ${timeoutMs} ms`)); }, timeoutMs);
      this.#checks.add(check);
      if (options.signal?.aborted === true) { onAbort(); return; }
      options.signal?.addEventListener('abort', onAbort, { once: true });
      check();
    });
  }

  waitForSamples(n: number, options: DdsWaitOptions = {}): Promise<readonly LabMsg[]> {
    return this.#waitFor('samples received', this.received, n, options);
  }

  waitForWritten(n: number, options: DdsWaitOptions = {}): Promise<readonly LabMsg[]> {
    return this.#waitFor('samples written', this.written, n, options);
  }

  async stop(): Promise<DdsPeerExit> {
    if (this.child.exitCode === null && this.child.signalCode === null && this.child.pid !== undefined) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => { this.child.kill('SIGKILL'); }, 2000);
      try {
        return await this.exited;
      } finally {
        clearTimeout(timer);
      }
    }
    return this.exited;
  }
}

/**
 * Starts a Cyclone DDS or Fast DDS `LabMsg` publisher or subscriber on loopback (building it first if
 * needed). Resolves once the process is spawned; use the returned peer's waits, and always `stop()` it.
 */
export async function startDdsPeer(kind: DdsPeerKind, mode: DdsPeerMode, options: StartDdsPeerOptions = {}): Promise<DdsPeer> {
  options.signal?.throwIfAborted();
  const reliability = options.reliability ?? 'reliable';
  const durability = options.durability ?? 'transient-local';
  const labQos = reliability === 'reliable' && durability === 'transient-local';
  const program = options.program ?? (labQos ? 'lab' : 'qos');
  if (program === 'lab' && !labQos) throw new Error(`the ${kind} lab program is reliable + transient-local only; use program 'qos'`);
  const binaries = await (kind === 'cyclone' ? buildCyclonePeer() : buildFastddsPeer());
  options.signal?.throwIfAborted();
  const n = mode === 'pub' ? options.count ?? 10 : options.seconds ?? 10;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${mode === 'pub' ? 'count' : 'seconds'} must be a non-negative integer`);
  const args = [mode, String(n)];
  if (program === 'qos') args.push(reliability, durability);
  const binary = program === 'lab' ? binaries.lab : binaries.qos;
  // cwd: the build dir, which holds no DEFAULT_FASTRTPS_PROFILES.xml that Fast DDS would pick up.
  const [file, ...argv] = [...netnsLauncher(options.netns), binary, ...args] as [string, ...string[]];
  const child = spawn(file, argv, { cwd: resolve(binary, '..'), env: ddsLoopbackEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const peer = new DdsPeerProcess(kind, mode, program, reliability, durability, child);
  if (options.signal !== undefined) {
    const signal = options.signal;
    const onAbort = (): void => { void peer.stop(); };
    signal.addEventListener('abort', onAbort, { once: true });
    void peer.exited.then(() => { signal.removeEventListener('abort', onAbort); });
  }
  return peer;
}

/** The argv prefix running a command in `netns` (none for the host's namespace). */
export function netnsLauncher(netns: string | undefined): string[] {
  return netns === undefined ? [] : ['ip', 'netns', 'exec', netns];
}

/** A private network namespace holding only a loopback interface (up). */
export interface DdsNetns {
  readonly name: string;
  /** Deletes the namespace; stop the processes running in it first. */
  close(): Promise<void>;
}

let netnsCounter = 0;

/**
 * Creates a network namespace with only `lo` (root only; iproute2). DDS peers in it cannot reach,
 * nor be disturbed by, DDS processes elsewhere on the machine (other test runs on domain 0), and
 * nothing they send can leave the machine.
 */
export async function createDdsNetns(): Promise<DdsNetns> {
  const name = `rtps-ice-dds-${process.pid}-${netnsCounter++}`;
  try {
    await execFileAsync('ip', ['netns', 'add', name], { timeout: 10_000 });
  } catch (err: unknown) {
    throw new DdsToolMissingError('network namespaces (root and iproute2)', 'apt-get install -y iproute2 (and run as root)', { cause: err });
  }
  const close = async (): Promise<void> => {
    await execFileAsync('ip', ['netns', 'delete', name], { timeout: 10_000 }).catch(() => undefined);
  };
  try {
    await execFileAsync('ip', ['-n', name, 'link', 'set', 'lo', 'up'], { timeout: 10_000 });
  } catch (err: unknown) {
    await close();
    throw err;
  }
  return { name, close };
}

/** Whether {@link createDdsNetns} can work here (root). */
export function canCreateDdsNetns(): boolean {
  return process.getuid?.() === 0;
}
