/**
 * Endpoint matching (DDS 1.4 §2.2.3 "Supported QoS" RxO column, §2.2.3.13 PARTITION): topic and
 * type name, partitions, and the requested-vs-offered checks. Pure functions over the SEDP domain
 * types; a policy absent from an announcement has its DDS default.
 */
import type { DurabilityKind, EndpointQos, LivelinessKind } from '../rtps/index.js';

/** An RxO policy that made an otherwise matching pair incompatible. */
export type IncompatiblePolicy =
  | 'reliability' | 'durability' | 'deadline' | 'liveliness' | 'ownership' | 'destination-order' | 'presentation'
  | 'data-representation';

/** The outcome of matching one writer with one reader. */
export type MatchResult =
  | { readonly kind: 'match' }
  /** Different topic or type name, or no common partition: not a match and nothing to report. */
  | { readonly kind: 'no-match'; readonly reason: 'topic' | 'type' | 'partition' }
  /** Same topic, type and partition but an RxO policy fails (DDS: *_INCOMPATIBLE_QOS status). */
  | { readonly kind: 'incompatible'; readonly policy: IncompatiblePolicy };

/** What matching needs of one side. */
export interface MatchSide {
  readonly topicName: string;
  readonly typeName: string;
  readonly qos: EndpointQos;
}

const DURABILITY_RANK: Readonly<Record<DurabilityKind, number>> = { volatile: 0, 'transient-local': 1, transient: 2, persistent: 3 };
const LIVELINESS_RANK: Readonly<Record<LivelinessKind, number>> = { automatic: 0, 'manual-by-participant': 1, 'manual-by-topic': 2 };
const ACCESS_SCOPE_RANK = { instance: 0, topic: 1, group: 2 } as const;

/** True if `s` uses fnmatch wildcards (DDS 1.4 §2.2.3.13: POSIX fnmatch patterns). */
export function isPartitionPattern(s: string): boolean {
  return /[*?[\\]/.test(s);
}

/**
 * POSIX fnmatch without flags: `*`, `?`, `[...]` / `[!...]` (also `[^...]`) with ranges, `\` escape.
 * Iterative with backtracking over the last `*`, so hostile patterns cost O(|p|·|s|).
 */
export function fnmatch(pattern: string, s: string): boolean {
  let p = 0;
  let i = 0;
  let starP = -1;
  let starI = 0;
  while (i < s.length) {
    const c = pattern[p];
    if (c === '*') { starP = p++; starI = i; continue; }
    if (c !== undefined) {
      const step = matchOne(pattern, p, s.charAt(i));
      if (step > 0) { p += step; i++; continue; }
    }
    if (starP < 0) return false;
    p = starP + 1;
    i = ++starI;
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/** Length of the pattern element at `p` if it matches `ch`, else 0. */
function matchOne(pattern: string, p: number, ch: string): number {
  const c = pattern.charAt(p);
  if (c === '?') return 1;
  if (c === '\\' && p + 1 < pattern.length) return pattern.charAt(p + 1) === ch ? 2 : 0;
  if (c === '[') {
    let q = p + 1;
    const negate = pattern[q] === '!' || pattern[q] === '^';
    if (negate) q++;
    let hit = false;
    let first = true;
    while (q < pattern.length && (first || pattern[q] !== ']')) {
      first = false;
      let lo = pattern.charAt(q);
      if (lo === '\\' && q + 1 < pattern.length) lo = pattern.charAt(++q);
      if (pattern[q + 1] === '-' && q + 2 < pattern.length && pattern[q + 2] !== ']') {
        const hi = pattern.charAt(q + 2);
        if (ch >= lo && ch <= hi) hit = true;
        q += 3;
      } else {
        if (ch === lo) hit = true;
        q++;
      }
    }
    if (q >= pattern.length) return pattern.charAt(p) === ch ? 1 : 0; // no closing ']': a literal '['
    return hit !== negate ? q + 1 - p : 0;
  }
  return c === ch ? 1 : 0;
}

/**
 * DDS partition matching: an empty list is `[""]`; two names match when equal, or when exactly one
 * is a pattern that matches the other. Two patterns match only if they are the same string (OpenDDS
 * `PartitionIndex.h`: "two patterns never match"; identical ones do in Cyclone and OpenDDS's
 * `matching_partitions`).
 */
export function partitionsMatch(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const as = a === undefined || a.length === 0 ? [''] : a;
  const bs = b === undefined || b.length === 0 ? [''] : b;
  return as.some((x) => bs.some((y) => partitionNamesMatch(x, y)));
}

function partitionNamesMatch(x: string, y: string): boolean {
  if (x === y) return true;
  const px = isPartitionPattern(x);
  const py = isPartitionPattern(y);
  if (px && py) return false;
  if (px) return fnmatch(x, y);
  if (py) return fnmatch(y, x);
  return false;
}

/**
 * Matches an offered (writer) QoS with a requested (reader) QoS. DDS defaults apply to absent
 * policies: writer RELIABLE, reader BEST_EFFORT (DDS 1.4 §2.2.3.14), VOLATILE, infinite deadline,
 * AUTOMATIC liveliness with an infinite lease, SHARED ownership, BY_RECEPTION_TIMESTAMP,
 * INSTANCE presentation, XCDR data representation.
 */
export function matchEndpoints(writer: MatchSide, reader: MatchSide): MatchResult {
  if (writer.topicName !== reader.topicName) return { kind: 'no-match', reason: 'topic' };
  if (writer.typeName !== reader.typeName) return { kind: 'no-match', reason: 'type' };
  if (!partitionsMatch(writer.qos.partitions, reader.qos.partitions)) return { kind: 'no-match', reason: 'partition' };
  const policy = firstIncompatible(writer.qos, reader.qos);
  return policy === undefined ? { kind: 'match' } : { kind: 'incompatible', policy };
}

function firstIncompatible(w: EndpointQos, r: EndpointQos): IncompatiblePolicy | undefined {
  const offeredReliable = (w.reliability?.kind ?? 'reliable') === 'reliable';
  const requestedReliable = (r.reliability?.kind ?? 'best-effort') === 'reliable';
  if (requestedReliable && !offeredReliable) return 'reliability';
  if (DURABILITY_RANK[w.durability ?? 'volatile'] < DURABILITY_RANK[r.durability ?? 'volatile']) return 'durability';
  if ((w.deadlineMs ?? Infinity) > (r.deadlineMs ?? Infinity)) return 'deadline';
  const wl = w.liveliness ?? { kind: 'automatic', leaseDurationMs: Infinity };
  const rl = r.liveliness ?? { kind: 'automatic', leaseDurationMs: Infinity };
  if (LIVELINESS_RANK[wl.kind] < LIVELINESS_RANK[rl.kind] || wl.leaseDurationMs > rl.leaseDurationMs) return 'liveliness';
  if ((w.ownership ?? 'shared') !== (r.ownership ?? 'shared')) return 'ownership';
  if ((w.destinationOrder ?? 'by-reception-timestamp') === 'by-reception-timestamp' &&
      (r.destinationOrder ?? 'by-reception-timestamp') === 'by-source-timestamp') return 'destination-order';
  const wp = w.presentation ?? { accessScope: 'instance', coherentAccess: false, orderedAccess: false };
  const rp = r.presentation ?? { accessScope: 'instance', coherentAccess: false, orderedAccess: false };
  if (ACCESS_SCOPE_RANK[wp.accessScope] < ACCESS_SCOPE_RANK[rp.accessScope] || (rp.coherentAccess && !wp.coherentAccess) ||
      (rp.orderedAccess && !wp.orderedAccess)) return 'presentation';
  // XTypes 1.3 §7.6.3.1.2: the writer's first representation must be one the reader accepts.
  const wRep = w.dataRepresentation?.[0] ?? 0;
  const rReps = r.dataRepresentation === undefined || r.dataRepresentation.length === 0 ? [0] : r.dataRepresentation;
  if (!rReps.includes(wRep)) return 'data-representation';
  return undefined;
}
