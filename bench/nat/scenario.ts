/**
 * NAT-traversal bench scenarios as data (`bench/scenarios/*.json`): which NAT sits on each side, the
 * round-trip time, the loss, how many runs, the seed, the failure bound and which agents take part.
 * {@link parseScenario} validates a parsed JSON value and names the offending field on bad input;
 * {@link expandCells} turns a scenario into the list of cells (one NAT pair × RTT × loss, or one mesh
 * size) that the runners execute.
 *
 * Units: `rttMs` is the round trip left↔right and host↔STUN server (each access link carries a quarter
 * of it each way, as `twoNatTopology` and the netns lab's netem qdiscs do); `lossPercent` is the loss
 * on every one-way path (host→host, host→server): each of the path's two access links drops
 * {@link perLinkLoss} of it, independently.
 */

/** NAT behaviours the bench knows, in the cone vocabulary (RFC 4787 terms in `docs/simnet.md`). */
export const NAT_KINDS = ['none', 'full-cone', 'address-restricted', 'port-restricted', 'symmetric'] as const;
export type NatKind = (typeof NAT_KINDS)[number];

/** Agents: ours (`IceDriver`), werift-ice (in process on simnet, as a process on netns), aioice and libnice (netns only). */
export const AGENTS = ['ours', 'werift', 'aioice', 'libnice'] as const;
export type AgentName = (typeof AGENTS)[number];

export const BACKENDS = ['simnet', 'netns'] as const;
export type Backend = (typeof BACKENDS)[number];

/** Two agents, one behind `left`, one behind `right`, for every combination of the lists. */
export interface PairScenario {
  readonly name: string;
  readonly description: string;
  readonly kind: 'pair';
  readonly left: readonly NatKind[];
  readonly right: readonly NatKind[];
  readonly rttMs: readonly number[];
  readonly lossPercent: readonly number[];
  readonly runs: number;
  readonly seed: number;
  /** A run that has not connected this long after both sides got the other's info counts as failed. */
  readonly timeoutMs: number;
  readonly agents: readonly AgentName[];
  /** Backends the scenario runs on (default both; a sweep of RTT or loss needs link emulation the netns lab may lack). */
  readonly backends: readonly Backend[];
}

/** `n` agents in a full mesh, agent i behind `nats[i % nats.length]` (simnet only). */
export interface MeshScenario {
  readonly name: string;
  readonly description: string;
  readonly kind: 'mesh';
  readonly participants: readonly number[];
  readonly nats: readonly NatKind[];
  readonly rttMs: number;
  readonly lossPercent: number;
  readonly runs: number;
  readonly seed: number;
  readonly timeoutMs: number;
  readonly agents: readonly AgentName[];
  /** Always `['simnet']` for now: the netns lab has two hosts. */
  readonly backends: readonly Backend[];
}

/** NAT kinds of the DDS demo (`src/cli/nat-demo.ts`, `DEMO_NATS`): no address-restricted preset there. */
export const DDS_NAT_KINDS = ['none', 'full-cone', 'port-restricted', 'symmetric'] as const satisfies readonly NatKind[];
export type DdsNatKind = (typeof DDS_NAT_KINDS)[number];

/**
 * Two of our DomainParticipants (writer behind `left`, reader behind `right`) with a STUN server and an
 * RtpsRelay, the NAT demo's pair (`runNatPair`): `samples` reliable samples, time to the first sample
 * and to the direct DATA path. Simnet only (20 ms RTT, no loss: the demo's topology), agent `ours` only.
 */
export interface DdsScenario {
  readonly name: string;
  readonly description: string;
  readonly kind: 'dds';
  readonly left: readonly DdsNatKind[];
  readonly right: readonly DdsNatKind[];
  readonly samples: number;
  readonly runs: number;
  readonly seed: number;
  /** Always `['ours']`: werift-ice has no DDS layer. */
  readonly agents: readonly AgentName[];
  /** Always `['simnet']`: the demo runs on simnet in virtual time. */
  readonly backends: readonly Backend[];
}

/** The scenarios that run ICE agents alone (setup time). */
export type IceScenario = PairScenario | MeshScenario;
export type Scenario = IceScenario | DdsScenario;

/** One DDS cell: a writer NAT and a reader NAT. */
export interface DdsCell {
  readonly kind: 'dds';
  /** Stable id, e.g. `port-restricted×symmetric`. */
  readonly id: string;
  readonly left: DdsNatKind;
  readonly right: DdsNatKind;
}

/** One pair cell: the unit a runner executes `runs` times per agent. */
export interface PairCell {
  readonly kind: 'pair';
  /** Stable id, e.g. `port-restricted×symmetric@20ms/0%`. */
  readonly id: string;
  readonly left: NatKind;
  readonly right: NatKind;
  readonly rttMs: number;
  readonly lossPercent: number;
}

/** One mesh cell: `participants` agents, all pairs connecting at once. */
export interface MeshCell {
  readonly kind: 'mesh';
  readonly id: string;
  readonly participants: number;
  readonly nats: readonly NatKind[];
  readonly rttMs: number;
  readonly lossPercent: number;
}

export type Cell = PairCell | MeshCell;

/** A scenario file or value is not valid; `path` names the field (`rttMs[1]`). */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(readonly source: string, readonly path: string, problem: string) {
    super(`${source}: ${path === '' ? '' : `${path}: `}${problem}`);
  }
}

const MAX_RUNS = 1000;
const MAX_PARTICIPANTS = 16;
const MAX_TIMEOUT_MS = 120_000;
const MAX_SAMPLES = 10_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class Reader {
  constructor(readonly source: string, readonly obj: Record<string, unknown>) {}

  fail(path: string, problem: string): never {
    throw new ScenarioError(this.source, path, problem);
  }

  string(key: string, fallback?: string): string {
    const v = this.obj[key];
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || v === '') this.fail(key, 'must be a non-empty string');
    return v;
  }

  number(key: string, min: number, max: number, fallback: number | undefined, integer: boolean): number {
    const v = this.obj[key];
    if (v === undefined && fallback !== undefined) return fallback;
    return this.checkNumber(key, v, min, max, integer);
  }

  checkNumber(path: string, v: unknown, min: number, max: number, integer: boolean): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, `must be a number, got ${JSON.stringify(v)}`);
    if (integer && !Number.isInteger(v)) this.fail(path, `must be an integer, got ${v}`);
    if (v < min || v > max) this.fail(path, `must be in [${min}, ${max}], got ${v}`);
    return v;
  }

  numbers(key: string, min: number, max: number, integer: boolean, fallback?: readonly number[]): readonly number[] {
    const v = this.obj[key];
    if (v === undefined && fallback !== undefined) return fallback;
    const list = typeof v === 'number' ? [v] : v;
    if (!Array.isArray(list) || list.length === 0) this.fail(key, 'must be a number or a non-empty array of numbers');
    return list.map((x, i) => this.checkNumber(`${key}[${i}]`, x, min, max, integer));
  }

  enums<T extends string>(key: string, allowed: readonly T[], fallback?: readonly T[]): readonly T[] {
    const v = this.obj[key];
    if (v === undefined && fallback !== undefined) return fallback;
    const list = typeof v === 'string' ? [v] : v;
    if (!Array.isArray(list) || list.length === 0) this.fail(key, `must be a non-empty array of ${allowed.join(' | ')}`);
    const out: T[] = [];
    for (const [i, x] of list.entries()) {
      const hit = allowed.find((a) => a === x);
      if (hit === undefined) this.fail(`${key}[${i}]`, `unknown value ${JSON.stringify(x)} (one of ${allowed.join(', ')})`);
      if (out.includes(hit)) this.fail(`${key}[${i}]`, `duplicate ${hit}`);
      out.push(hit);
    }
    return out;
  }

  rejectUnknown(known: readonly string[]): void {
    for (const key of Object.keys(this.obj)) {
      if (!known.includes(key)) this.fail(key, `unknown field (known: ${known.join(', ')})`);
    }
  }
}

const COMMON = ['name', 'description', 'kind', 'runs', 'seed', 'timeoutMs', 'agents', 'rttMs', 'lossPercent', 'backends'];

/**
 * Validates a parsed scenario. Defaults: `runs` 5, `seed` 1, `timeoutMs` 10,000, `agents` ours and
 * werift, `rttMs` 20, `lossPercent` 0, `backends` both (pair) or simnet (mesh).
 * @param source names the input in error messages (a file path).
 * @throws ScenarioError naming the field and the problem.
 */
export function parseScenario(value: unknown, source: string): Scenario {
  if (!isRecord(value)) throw new ScenarioError(source, '', 'a scenario must be a JSON object');
  const r = new Reader(source, value);
  const name = r.string('name');
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) r.fail('name', `must be lower-case letters, digits and dashes, got ${JSON.stringify(name)}`);
  const description = r.string('description', name);
  const kind = value.kind ?? 'pair';
  if (kind === 'dds') return parseDds(r, name, description);
  const runs = r.number('runs', 1, MAX_RUNS, 5, true);
  const seed = r.number('seed', 0, 2 ** 31 - 1, 1, true);
  const timeoutMs = r.number('timeoutMs', 100, MAX_TIMEOUT_MS, 10_000, true);
  const agents = r.enums('agents', AGENTS, ['ours', 'werift']);
  if (kind === 'pair') {
    r.rejectUnknown([...COMMON, 'left', 'right']);
    return {
      name, description, kind, runs, seed, timeoutMs, agents, backends: r.enums('backends', BACKENDS, BACKENDS),
      left: r.enums('left', NAT_KINDS), right: r.enums('right', NAT_KINDS),
      rttMs: r.numbers('rttMs', 0, 5_000, false, [20]), lossPercent: r.numbers('lossPercent', 0, 90, false, [0]),
    };
  }
  if (kind === 'mesh') {
    r.rejectUnknown([...COMMON, 'participants', 'nats']);
    const participants = r.numbers('participants', 2, MAX_PARTICIPANTS, true);
    const backends = r.enums('backends', BACKENDS, ['simnet']);
    if (backends.includes('netns')) r.fail('backends', 'a mesh runs on simnet only (the netns lab has two hosts)');
    return {
      backends,
      name, description, kind, runs, seed, timeoutMs, agents, participants, nats: r.enums('nats', NAT_KINDS),
      rttMs: r.number('rttMs', 0, 5_000, 20, false), lossPercent: r.number('lossPercent', 0, 90, 0, false),
    };
  }
  return r.fail('kind', `must be "pair", "mesh" or "dds", got ${JSON.stringify(kind)}`);
}

/** A `kind: "dds"` scenario: defaults `runs` 5, `seed` 1, `samples` 100, agents ours, backends simnet. */
function parseDds(r: Reader, name: string, description: string): DdsScenario {
  r.rejectUnknown(['name', 'description', 'kind', 'left', 'right', 'samples', 'runs', 'seed', 'agents', 'backends']);
  const agents = r.enums('agents', AGENTS, ['ours']);
  if (agents.some((a) => a !== 'ours')) r.fail('agents', 'a dds scenario runs our participants only (werift-ice has no DDS layer)');
  const backends = r.enums('backends', BACKENDS, ['simnet']);
  if (backends.includes('netns')) r.fail('backends', 'a dds scenario runs on simnet only (the NAT demo\'s topology, virtual time)');
  return {
    name, description, kind: 'dds', agents, backends,
    left: r.enums('left', DDS_NAT_KINDS), right: r.enums('right', DDS_NAT_KINDS),
    samples: r.number('samples', 1, MAX_SAMPLES, 100, true),
    runs: r.number('runs', 1, MAX_RUNS, 5, true), seed: r.number('seed', 0, 2 ** 31 - 1, 1, true),
  };
}

/** Parses scenario JSON text (see {@link parseScenario}); a syntax error names `source`. */
export function parseScenarioText(text: string, source: string): Scenario {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err: unknown) {
    throw new ScenarioError(source, '', `not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  return parseScenario(value, source);
}

/** `port-restricted×symmetric@20ms/0%`, `mesh4@20ms/0%`. */
export function cellId(c: Omit<PairCell, 'id'> | Omit<MeshCell, 'id'>): string {
  const link = `@${c.rttMs}ms/${c.lossPercent}%`;
  return c.kind === 'pair' ? `${c.left}×${c.right}${link}` : `mesh${c.participants}${link}`;
}

/** The cells of an ICE scenario, in file order (left-major for pairs); none for a dds scenario ({@link expandDdsCells}). */
export function expandCells(s: Scenario): readonly Cell[] {
  const cells: Cell[] = [];
  if (s.kind === 'dds') return cells;
  if (s.kind === 'mesh') {
    for (const participants of s.participants) {
      const c = { kind: 'mesh' as const, participants, nats: s.nats, rttMs: s.rttMs, lossPercent: s.lossPercent };
      cells.push({ ...c, id: cellId(c) });
    }
    return cells;
  }
  for (const left of s.left) {
    for (const right of s.right) {
      for (const rttMs of s.rttMs) {
        for (const lossPercent of s.lossPercent) {
          const c = { kind: 'pair' as const, left, right, rttMs, lossPercent };
          cells.push({ ...c, id: cellId(c) });
        }
      }
    }
  }
  return cells;
}

/** The cells of a dds scenario, left-major: `none×symmetric`, … */
export function expandDdsCells(s: DdsScenario): readonly DdsCell[] {
  return s.left.flatMap((left) => s.right.map((right) => ({ kind: 'dds' as const, id: `${left}×${right}`, left, right })));
}

/**
 * Whether RFC 4787 hole punching (STUN only, no relay) can connect the pair: it fails only where a
 * symmetric NAT meets a port-restricted or symmetric one (docs/nat-matrix.md). The expectation the
 * report compares measured outcomes with.
 */
export function isExpectedToConnect(left: NatKind, right: NatKind): boolean {
  const bad = (x: NatKind, y: NatKind): boolean => x === 'symmetric' && (y === 'port-restricted' || y === 'symmetric');
  return !bad(left, right) && !bad(right, left);
}

/**
 * Loss probability per access link (0–1) that gives `pathLossPercent` % on a one-way path crossing two
 * such links: 1 − √(1 − p).
 */
export function perLinkLoss(pathLossPercent: number): number {
  return 1 - Math.sqrt(1 - pathLossPercent / 100);
}

/** Which backends can run an agent: aioice and libnice exist only as processes (netns). */
export function agentsFor(backend: Backend, s: Scenario): readonly AgentName[] {
  if (!s.backends.includes(backend)) return [];
  if (s.kind === 'dds') return ['ours'];
  return s.agents.filter((a) => backend === 'netns' || a === 'ours' || a === 'werift');
}
