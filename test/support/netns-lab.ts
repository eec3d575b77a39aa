/**
 * Real NATs for tests and the bench: Linux network namespaces + nftables, built by the shared
 * `../shared/lab/netns-nat-lab.sh` (read-only; called with a per-run `NL_PREFIX`/`NL_WORK`), with
 * coturn as STUN/TURN server in the lab's `stun` namespace (198.51.100.130:3478). Topology:
 *
 *   hostA 10.0.1.2 — natA (wan 198.51.100.2) — inet — natB (wan 203.0.113.2) — hostB 10.0.2.2
 *                                               └── stun 198.51.100.130 + .131 (coturn :3478)
 *
 * Nothing has a link to the root namespace: traffic can only reach addresses inside the lab's own
 * namespaces. Mode `none` (no NAT: the host's 10.0.x.2 is routed as a public address) is not in the
 * script and is done here with `nft`/`ip`.
 *
 * Every namespace and process of a lab is removed by {@link NetnsLab.down}; labs still up when the
 * process exits (crash, SIGINT/SIGTERM, a test that forgot) are removed by an exit handler, and
 * namespaces left by a process that was SIGKILLed are swept by the next {@link NetnsLab.up}
 * (their names carry the dead owner's pid). Root only; missing tools fail with the apt command.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

export type NatMode = 'fullcone' | 'addr' | 'port' | 'sym' | 'none';
export type LabSide = 'A' | 'B';
export type LabHost = 'A' | 'B' | 'hostA' | 'hostB' | 'natA' | 'natB' | 'inet' | 'stun';

/** The shared lab script, beside the project (`../shared` from its root). */
export const LAB_SCRIPT = resolve(fileURLToPath(new URL('../../../shared/lab/netns-nat-lab.sh', import.meta.url)));
/** The project's STUN codec, imported by the Binding client {@link NetnsLab.stunBinding} runs in a namespace. */
const STUN_CODEC_URL = new URL('../../src/stun/index.ts', import.meta.url).href;

/**
 * A tiny STUN Binding client (our codec; 5 tries 300 ms apart, bound by the caller's timeout): prints
 * `{"local":port,"mapped":{ip,port}}` or exits 1. argv: codec URL, server ip, server port, local port.
 */
const BINDING_CLIENT = `
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
const [codecUrl, ip, port, localPort] = process.argv.slice(1);
const { encodeStunMessage, decodeStunMessage, getMappedAddress, StunMethod } = await import(codecUrl);
const tid = randomBytes(12);
const req = encodeStunMessage({ method: StunMethod.binding, messageClass: 'request', transactionId: tid, fingerprint: true });
const s = dgram.createSocket('udp4');
let tries = 0;
const timer = setInterval(() => { if (++tries > 5) { console.error('no response'); process.exit(1); } s.send(req, Number(port), ip); }, 300);
s.on('message', (m) => {
  let msg; try { msg = decodeStunMessage(m); } catch { return; }
  if (!Buffer.from(msg.transactionId).equals(tid)) return;
  const a = getMappedAddress(msg);
  if (a === undefined) { console.error('no mapped address'); process.exit(1); }
  console.log(JSON.stringify({ local: s.address().port, mapped: { ip: a.ip, port: a.port } }));
  clearInterval(timer); s.close();
});
s.bind(Number(localPort), () => s.send(req, Number(port), ip));
`;

/** Namespace name prefix of every lab this project builds: `ri<pid>n<counter>-<host>`. */
export const LAB_NAME_PREFIX = 'ri';
const NAME_RE = /^ri(\d+)n(\d+)-(hostA|hostB|natA|natB|inet|stun)$/;
const NAMESPACES = ['hostA', 'natA', 'inet', 'natB', 'hostB', 'stun'] as const;
const WORK_ROOT = join(tmpdir(), 'rtps-ice-netns');

const HOST_IP: Readonly<Record<LabSide, string>> = { A: '10.0.1.2', B: '10.0.2.2' };
const NAT_WAN_IP: Readonly<Record<LabSide, string>> = { A: '198.51.100.2', B: '203.0.113.2' };
const LAN_NET: Readonly<Record<LabSide, string>> = { A: '10.0.1.0/24', B: '10.0.2.0/24' };
/** Address prefixes that exist only inside a lab (for allow-lists of guarded senders). */
export const LAB_ADDRESS_PREFIXES: readonly string[] = ['10.0.1.', '10.0.2.', '198.51.100.', '203.0.113.'];

/** A tool the lab needs is missing; `installCommand` installs it. */
export class LabToolMissingError extends Error {
  override readonly name = 'LabToolMissingError';
  constructor(readonly missing: readonly string[], readonly installCommand: string) {
    super(`netns NAT lab unavailable: missing ${missing.join(', ')}; run \`${installCommand}\``);
  }
}

/** The lab needs root (network namespaces, nftables). */
export class LabNotRootError extends Error {
  override readonly name = 'LabNotRootError';
  constructor() {
    super('netns NAT lab needs root (ip netns, nft, conntrack): run the tests as root (CI does)');
  }
}

/** Tool → Debian package. The script's own `need()` would apt-get install the last two silently; we fail instead. */
const TOOLS: readonly (readonly [string, string])[] = [
  ['ip', 'iproute2'], ['nft', 'nftables'], ['conntrack', 'conntrack'], ['turnserver', 'coturn'],
  ['stun', 'stun-client'], ['tcpdump', 'tcpdump'],
];

function onPath(tool: string): boolean {
  const dirs = (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin', '/usr/bin', '/bin']);
  return dirs.some((d) => d !== '' && existsSync(join(d, tool)));
}

/** Fails with {@link LabNotRootError} or {@link LabToolMissingError} (naming the apt command) unless the lab can run. */
export function requireLab(): void {
  const missing = TOOLS.filter(([tool]) => !onPath(tool)).map(([, pkg]) => pkg);
  if (!existsSync(LAB_SCRIPT)) throw new Error(`netns NAT lab script not found at ${LAB_SCRIPT} (../shared is missing)`);
  if (missing.length > 0) throw new LabToolMissingError(missing, `apt-get install -y ${missing.join(' ')}`);
  if (process.getuid?.() !== 0) throw new LabNotRootError();
}

/** Result of {@link NetnsLab.exec}. */
export interface LabExecResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A process started by {@link NetnsLab.spawn}; output is captured (first 1 MiB of each stream). */
export interface LabProcess {
  readonly child: ChildProcess;
  readonly pid: number | undefined;
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const MAX_CAPTURE = 1 << 20;

function run(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal | undefined; timeoutMs?: number } = {}): Promise<LabExecResult> {
  return new Promise((resolvePromise, reject) => {
    execFile(file, args, {
      env: options.env ?? process.env, timeout: options.timeoutMs ?? 60_000, killSignal: 'SIGKILL', maxBuffer: MAX_CAPTURE,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    }, (err, stdout, stderr) => {
      if (err !== null && options.signal?.aborted === true) { reject(new Error(`${file} ${args.join(' ')}: aborted`, { cause: err })); return; }
      if (err !== null && typeof err.code !== 'number' && err.signal == null) { reject(new Error(`${file}: ${err.message}`, { cause: err })); return; }
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : null;
      resolvePromise({ code, signal: err?.signal ?? null, stdout, stderr });
    });
  });
}

async function mustRun(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal | undefined; timeoutMs?: number } = {}): Promise<string> {
  const r = await run(file, args, options);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.code ?? r.signal ?? '?'}): ${r.stderr.slice(-2000)}`);
  return r.stdout;
}

/** Names of all network namespaces (`ip netns list`). */
export function listNamespaces(): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 10_000 });
  return out.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n !== '');
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function pidsIn(ns: string): number[] {
  try {
    return execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8', timeout: 10_000 })
      .split('\n').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
  } catch {
    return [];
  }
}

function killAll(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try { process.kill(pid, signal); } catch { /* already gone */ }
  }
}

/**
 * Synchronous teardown of the named namespaces (usable from an exit handler): SIGTERM to every
 * process inside, up to 300 ms grace, SIGKILL, then `ip netns del`. Returns the namespaces deleted.
 */
function removeNamespacesSync(names: readonly string[]): string[] {
  const present = new Set(listNamespaces());
  const ours = names.filter((n) => present.has(n));
  if (ours.length === 0) return [];
  killAll(ours.flatMap(pidsIn), 'SIGTERM');
  for (let i = 0; i < 6 && ours.some((n) => pidsIn(n).length > 0); i++) sleepSync(50);
  killAll(ours.flatMap(pidsIn), 'SIGKILL');
  for (const n of ours) {
    try { execFileSync('ip', ['netns', 'del', n], { timeout: 10_000 }); } catch { /* reported by the caller's check */ }
  }
  return ours;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err: unknown) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const liveLabs = new Set<NetnsLab>();
let counter = 0;
let handlersInstalled = false;

function downAllSync(): void {
  for (const lab of [...liveLabs]) lab.downSync();
}

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', downAllSync);
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, function onSignal() {
      downAllSync();
      process.removeListener(sig, onSignal);
      // Only re-raise when nobody else (mocha) handles it, so the default action still happens.
      if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
    });
  }
}

export interface NetnsLabOptions {
  readonly left: NatMode;
  readonly right: NatMode;
  readonly signal?: AbortSignal;
  /** The NATs drop unsolicited inbound to themselves (default true; false shows the conntrack "poisoning" trap). */
  readonly wanInputDrop?: boolean;
}

/** One running lab; see the file comment. */
export class NetnsLab {
  /** Per-run namespace prefix, e.g. `ri12345n0`. */
  readonly prefix: string;
  /** Per-run work directory (the script's NL_WORK: helpers, coturn log/pid). */
  readonly workDir: string;
  /** coturn inside the lab (no credentials needed for STUN Binding). */
  readonly stunServer = { ip: '198.51.100.130', port: 3478 } as const;
  /** coturn's TURN credentials (long-term mechanism, realm lab.local). */
  readonly turnCredentials = { username: 'lab', password: 'labpass', realm: 'lab.local' } as const;
  /** ms `up` took (namespaces, links, nft rules, coturn listening). */
  setupMs = 0;
  readonly #modes: Record<LabSide, NatMode>;
  readonly #env: NodeJS.ProcessEnv;
  readonly #processes = new Set<LabProcess>();
  #isDown = false;

  private constructor(prefix: string, modes: Record<LabSide, NatMode>, wanInputDrop: boolean) {
    this.prefix = prefix;
    this.workDir = join(WORK_ROOT, prefix);
    this.#modes = modes;
    this.#env = { ...process.env, NL_PREFIX: prefix, NL_WORK: this.workDir, NL_WAN_INPUT_DROP: wanInputDrop ? '1' : '0' };
  }

  /** Builds a lab with NAT `left` in front of hostA and `right` in front of hostB; coturn runs in `stun`. */
  static async up(options: NetnsLabOptions): Promise<NetnsLab> {
    requireLab();
    options.signal?.throwIfAborted();
    NetnsLab.sweepStale();
    installExitHandlers();
    const lab = new NetnsLab(`${LAB_NAME_PREFIX}${process.pid}n${counter++}`, { A: options.left, B: options.right }, options.wanInputDrop ?? true);
    liveLabs.add(lab);
    const t0 = performance.now();
    try {
      mkdirSync(lab.workDir, { recursive: true });
      const scriptMode = (m: NatMode): string => (m === 'none' ? 'port' : m);
      await lab.#script(['up', scriptMode(options.left), scriptMode(options.right)], options.signal);
      for (const side of ['A', 'B'] as const) if (lab.#modes[side] === 'none') await lab.#applyNone(side, options.signal);
      const missing = NAMESPACES.map((h) => lab.namespace(h)).filter((n) => !listNamespaces().includes(n));
      if (missing.length > 0) throw new Error(`lab up: namespaces missing after up: ${missing.join(', ')}`);
      const ss = await lab.exec('stun', ['ss', '-uln'], { signal: options.signal });
      if (!ss.stdout.includes(`${lab.stunServer.ip}:${lab.stunServer.port}`)) {
        throw new Error(`lab up: coturn is not listening on ${lab.stunServer.ip}:${lab.stunServer.port}: ${ss.stdout}`);
      }
    } catch (err: unknown) {
      await lab.down();
      throw err;
    }
    lab.setupMs = performance.now() - t0;
    return lab;
  }

  /** Removes namespaces of labs whose owning process (pid in the name) is gone; returns them. */
  static sweepStale(): string[] {
    const stale = listNamespaces().filter((n) => {
      const m = NAME_RE.exec(n);
      return m !== null && Number(m[1]) !== process.pid && !isAlive(Number(m[1]));
    });
    const removed = removeNamespacesSync(stale);
    for (const n of removed) {
      const prefix = n.slice(0, n.lastIndexOf('-'));
      rmSync(join(WORK_ROOT, prefix), { recursive: true, force: true });
    }
    return removed;
  }

  /** Every lab of this process still up is taken down (mocha `after` hooks call this). */
  static async downAll(): Promise<void> {
    for (const lab of [...liveLabs]) await lab.down();
  }

  /** Full namespace name of `host`. */
  namespace(host: LabHost): string {
    const h = host === 'A' ? 'hostA' : host === 'B' ? 'hostB' : host;
    return `${this.prefix}-${h}`;
  }

  /** argv prefix that runs a command inside `host`'s namespace. */
  launcher(host: LabHost): readonly string[] {
    return ['ip', 'netns', 'exec', this.namespace(host)];
  }

  /** LAN address of hostA/hostB (10.0.1.2 / 10.0.2.2). */
  hostIp(side: LabSide): string {
    return HOST_IP[side];
  }

  /** Public (WAN) address of the NAT in front of `side` (the host's own address in mode `none`). */
  publicIp(side: LabSide): string {
    return this.#modes[side] === 'none' ? HOST_IP[side] : NAT_WAN_IP[side];
  }

  mode(side: LabSide): NatMode {
    return this.#modes[side];
  }

  get isDown(): boolean {
    return this.#isDown;
  }

  /** Runs `argv` in `host`'s namespace and waits for it (bounded by `timeoutMs`, default 60 s, and `signal`). */
  exec(host: LabHost, argv: readonly string[], options: { signal?: AbortSignal | undefined; timeoutMs?: number } = {}): Promise<LabExecResult> {
    this.#checkUp();
    const [file, ...args] = [...this.launcher(host), ...argv];
    if (file === undefined) throw new Error('empty argv');
    return run(file, args, { env: this.#env, ...options });
  }

  /** Starts `argv` in `host`'s namespace; it is stopped by {@link down} at the latest. */
  spawn(host: LabHost, argv: readonly string[], options: { stdin?: 'pipe' | 'ignore' } = {}): LabProcess {
    this.#checkUp();
    const [file, ...args] = [...this.launcher(host), ...argv];
    if (file === undefined) throw new Error('empty argv');
    const child = spawn(file, args, { env: this.#env, stdio: [options.stdin ?? 'ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => { if (out.length < MAX_CAPTURE) out += d; });
    child.stderr?.setEncoding('utf8').on('data', (d: string) => { if (err.length < MAX_CAPTURE) err += d; });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => {
      child.once('exit', (code, signal) => { res({ code, signal }); });
      child.once('error', () => { res({ code: null, signal: null }); });
    });
    const proc: LabProcess = {
      child, pid: child.pid, stdout: () => out, stderr: () => err, exited,
      stop: async (graceMs = 1000) => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const t = setTimeout(() => { child.kill('SIGKILL'); }, graceMs);
          await exited;
          clearTimeout(t);
        }
        await exited;
      },
    };
    this.#processes.add(proc);
    void exited.then(() => { this.#processes.delete(proc); });
    return proc;
  }

  /**
   * Sends a STUN Binding request (the project's codec) from `host` (default local port: any) to
   * coturn and returns the mapped address coturn saw.
   */
  async stunBinding(host: LabHost, options: { localPort?: number; signal?: AbortSignal | undefined } = {}): Promise<{ local: number; mapped: { ip: string; port: number } }> {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const r = await this.exec(host, [
      process.execPath, '--import', tsx, '--input-type=module', '-e', BINDING_CLIENT,
      STUN_CODEC_URL, this.stunServer.ip, String(this.stunServer.port), String(options.localPort ?? 0),
    ], { timeoutMs: 15_000, signal: options.signal });
    if (r.code !== 0) throw new Error(`STUN Binding from ${host} failed (${r.code ?? r.signal ?? '?'}): ${r.stderr.slice(-1000)}`);
    return JSON.parse(r.stdout) as { local: number; mapped: { ip: string; port: number } };
  }

  /** Switches the NAT in front of `side` to `mode` (flushes that NAT's conntrack table). */
  async setNat(side: LabSide, mode: NatMode, options: { signal?: AbortSignal | undefined } = {}): Promise<void> {
    this.#checkUp();
    if (mode === 'none') {
      await this.#applyNone(side, options.signal);
    } else {
      await run('ip', ['-n', this.namespace('inet'), 'route', 'del', LAN_NET[side]], { signal: options.signal });
      await this.#script(['mode', side, mode], options.signal);
    }
    this.#modes[side] = mode;
  }

  /** Empties the conntrack table of the NAT in front of `side` (or both). */
  async flushConntrack(side?: LabSide): Promise<void> {
    for (const s of side === undefined ? (['A', 'B'] as const) : [side]) {
      await this.exec(`nat${s}`, ['conntrack', '-F'], { timeoutMs: 10_000 });
    }
  }

  /** The UDP conntrack entries of the NAT in front of `side` (`conntrack -L -p udp`). */
  async conntrack(side: LabSide): Promise<string> {
    return (await this.exec(`nat${side}`, ['conntrack', '-L', '-p', 'udp'], { timeoutMs: 10_000 })).stdout;
  }

  /** Stops every process this lab started or that runs in its namespaces, deletes the namespaces and the work dir. Idempotent. */
  async down(): Promise<void> {
    if (this.#isDown) return;
    await Promise.all([...this.#processes].map((p) => p.stop(300)));
    this.downSync();
  }

  /** Synchronous {@link down} (for exit handlers). */
  downSync(): void {
    if (this.#isDown) return;
    this.#isDown = true;
    liveLabs.delete(this);
    for (const p of this.#processes) p.child.kill('SIGKILL');
    removeNamespacesSync(NAMESPACES.map((h) => this.namespace(h)));
    rmSync(this.workDir, { recursive: true, force: true });
  }

  #checkUp(): void {
    if (this.#isDown) throw new Error(`lab ${this.prefix} is down`);
  }

  async #script(args: readonly string[], signal: AbortSignal | undefined): Promise<void> {
    await mustRun('bash', [LAB_SCRIPT, ...args], { env: this.#env, timeoutMs: 60_000, ...(signal === undefined ? {} : { signal }) });
  }

  /** No NAT: the NAT namespace only routes (its nft table removed), inet routes the LAN to it. */
  async #applyNone(side: LabSide, signal: AbortSignal | undefined): Promise<void> {
    const o = signal === undefined ? {} : { signal };
    await run('ip', ['netns', 'exec', this.namespace(`nat${side}`), 'nft', 'delete', 'table', 'ip', 'nl_nat'], o);
    await mustRun('ip', ['-n', this.namespace('inet'), 'route', 'replace', LAN_NET[side], 'via', NAT_WAN_IP[side]], o);
    await run('ip', ['netns', 'exec', this.namespace(`nat${side}`), 'conntrack', '-F'], o);
  }
}

/** One JSON line a lab process printed (the runners' `{"event": …}` protocol). */
export type LabLine = Readonly<Record<string, unknown>>;

/** The JSON lines `p` printed so far (partial and non-JSON lines skipped). */
export function labLines(p: LabProcess): LabLine[] {
  const out: LabLine[] = [];
  for (const l of p.stdout().split('\n')) {
    if (!l.startsWith('{')) continue;
    try { out.push(JSON.parse(l) as LabLine); } catch { /* partial line */ }
  }
  return out;
}

/**
 * Waits (polling, bounded by `ms`) for the first line with `event` among the lines after the first
 * `after`; fails with the process's output tails when it prints `timeout`, exits, or time runs out.
 */
export async function waitForLabEvent(p: LabProcess, event: string, ms: number, after = 0): Promise<LabLine> {
  const end = Date.now() + ms;
  for (;;) {
    const all = labLines(p);
    const l = all.slice(after).find((x) => x['event'] === event);
    if (l !== undefined) return l;
    if (all.some((x) => x['event'] === 'timeout') || p.child.exitCode !== null || Date.now() > end) {
      throw new Error(`no ${event} within ${ms} ms; stdout:\n${p.stdout().slice(-3000)}\nstderr:\n${p.stderr().slice(-3000)}`);
    }
    await new Promise((r) => { setTimeout(r, 50); });
  }
}
