/**
 * Which partitions each client's endpoints use, sans-I/O (OpenDDS spec §8.5 `GuidPartitionTable`,
 * §8.3 step 8). The caller feeds it endpoint by endpoint (for now from SEDP publications and
 * subscriptions it decodes; later from the relay's application participant). Matching follows DDS
 * partition rules through `discovery/`'s {@link partitionsMatch} (literal vs literal, pattern vs
 * literal, two patterns only when identical).
 */
import { fnmatch, isPartitionPattern, partitionsMatch } from '../discovery/index.js';
import type { Guid } from '../rtps/index.js';
import { guidToString } from '../rtps/index.js';
import { toHex } from '../util/hex.js';

/** User configuration of {@link PartitionTable}. */
export interface PartitionTableInit {
  /**
   * Whether an endpoint with no partition (DDS: the default partition `""`) takes part in routing
   * (OpenDDS `-AllowEmptyPartition`, default true).
   */
  readonly allowEmptyPartition?: boolean;
}

/** Defaults of {@link PartitionTableInit}. */
export const DEFAULT_PARTITION_TABLE_INIT: Readonly<Required<PartitionTableInit>> = Object.freeze({
  allowEmptyPartition: true,
});

/** Endpoint GUID → partitions, grouped by participant (GUID prefix, lower-case hex). */
export class PartitionTable {
  readonly #init: Readonly<Required<PartitionTableInit>>;
  /** Participant hex prefix → endpoint key → partitions (as given; `[]` = default partition). */
  readonly #byParticipant = new Map<string, Map<string, readonly string[]>>();
  /** Participant hex prefix → union of its endpoints' partitions (after the empty-partition rule). */
  readonly #unions = new Map<string, readonly string[]>();
  #version = 0;
  /** Partition name (literal) → participants whose union holds it. */
  readonly #byLiteral = new Map<string, Set<string>>();
  /** Partition pattern → participants whose union holds it. */
  readonly #byPattern = new Map<string, Set<string>>();
  /** Participant → the other participants it shares a partition with; cleared on every change. */
  readonly #matchCache = new Map<string, readonly string[]>();
  /** Participant → the same as a set, for directed routing; cleared on every change. */
  readonly #matchSetCache = new Map<string, ReadonlySet<string>>();

  readonly #onChange: (() => void) | undefined;

  /** `onChange` runs after every change (the relay uses it to republish its partitions); it must not re-enter. */
  constructor(init: PartitionTableInit = {}, deps: { readonly onChange?: () => void } = {}) {
    this.#init = Object.freeze({ ...DEFAULT_PARTITION_TABLE_INIT, ...init });
    this.#onChange = deps.onChange;
  }

  /** Sets (or replaces) the partitions of one endpoint; `[]` means the default partition `""`. Copies. */
  setEndpointPartitions(endpoint: Guid, partitions: readonly string[]): void {
    const participant = toHex(endpoint.prefix);
    let endpoints = this.#byParticipant.get(participant);
    if (endpoints === undefined) {
      endpoints = new Map();
      this.#byParticipant.set(participant, endpoints);
    }
    endpoints.set(guidToString(endpoint), Object.freeze([...partitions]));
    this.#recompute(participant);
  }

  /** Forgets one endpoint (an SEDP dispose/unregister). */
  removeEndpoint(endpoint: Guid): void {
    const participant = toHex(endpoint.prefix);
    const endpoints = this.#byParticipant.get(participant);
    if (endpoints === undefined) return;
    endpoints.delete(guidToString(endpoint));
    if (endpoints.size === 0) this.removeParticipant(participant);
    else this.#recompute(participant);
  }

  /** Forgets every endpoint of a participant (hex prefix or bytes), e.g. when the relay removes the client. */
  removeParticipant(prefix: string | Uint8Array): void {
    const key = typeof prefix === 'string' ? prefix : toHex(prefix);
    this.#unindex(key);
    this.#unions.delete(key);
    if (this.#byParticipant.delete(key)) {
      this.#version++;
      this.#onChange?.();
    }
  }

  /**
   * The union of a participant's endpoint partitions (`to_partitions`, spec §8.3 step 8); an endpoint
   * without partitions contributes `""` unless `allowEmptyPartition` is false. Empty when the
   * participant has no known endpoint: such a participant matches nobody.
   */
  participantPartitions(prefix: string | Uint8Array): readonly string[] {
    return this.#unions.get(typeof prefix === 'string' ? prefix : toHex(prefix)) ?? [];
  }

  /** True if some endpoint partition of `a` matches some endpoint partition of `b` (DDS rules). */
  participantsShareAPartition(a: string | Uint8Array, b: string | Uint8Array): boolean {
    const pa = this.participantPartitions(a);
    const pb = this.participantPartitions(b);
    // partitionsMatch reads [] as [""]; here [] means "no endpoints", which matches nothing.
    return pa.length > 0 && pb.length > 0 && partitionsMatch(pa, pb);
  }

  /**
   * True if some endpoint partition of the participant matches one of `partitions` (DDS rules): the
   * horizontal receive test (spec §8.2, `to_partitions` of a RelayHeader).
   */
  participantMatches(prefix: string | Uint8Array, partitions: readonly string[]): boolean {
    const own = this.participantPartitions(prefix);
    return own.length > 0 && partitions.length > 0 && partitionsMatch(own, partitions);
  }

  /**
   * The other participants (hex) sharing a partition with `prefix`: the same answer as
   * {@link participantsShareAPartition} for each, from the index (cached until the table changes).
   * The routing of undirected messages.
   */
  matchingParticipants(prefix: string): readonly string[] {
    const key = `p:${prefix}`;
    const cached = this.#matchCache.get(key);
    if (cached !== undefined) return cached;
    const out = this.#collect(this.participantPartitions(prefix));
    out.delete(prefix);
    const result = Object.freeze([...out]);
    this.#matchCache.set(key, result);
    return result;
  }

  /** {@link participantsShareAPartition} through the index (`a`, `b` hex; cached until a change). */
  sharesAPartition(a: string, b: string): boolean {
    let set = this.#matchSetCache.get(a);
    if (set === undefined) {
      set = new Set(this.matchingParticipants(a));
      this.#matchSetCache.set(a, set);
    }
    return set.has(b);
  }

  /**
   * The participants (hex) with an endpoint partition matching one of `partitions` (DDS rules): the
   * same answer as {@link participantMatches} for each, from the index (cached until the table
   * changes). The routing of horizontal messages (`to_partitions`).
   */
  participantsMatchingPartitions(partitions: readonly string[]): readonly string[] {
    const key = `l:${partitions.join('\u0000')}`;
    const cached = this.#matchCache.get(key);
    if (cached !== undefined) return cached;
    const result = Object.freeze([...this.#collect(partitions)]);
    if (this.#matchCache.size > 10_000) this.#matchCache.clear(); // bounded: lists come from other relays
    this.#matchCache.set(key, result);
    return result;
  }

  #collect(partitions: readonly string[]): Set<string> {
    const out = new Set<string>();
    const add = (set: ReadonlySet<string> | undefined): void => { if (set !== undefined) for (const p of set) out.add(p); };
    for (const name of partitions) {
      if (isPartitionPattern(name)) {
        add(this.#byPattern.get(name)); // identical patterns match
        for (const [literal, set] of this.#byLiteral) if (fnmatch(name, literal)) add(set);
      } else {
        add(this.#byLiteral.get(name));
        for (const [pattern, set] of this.#byPattern) if (fnmatch(pattern, name)) add(set);
      }
    }
    return out;
  }

  /** Every partition some participant's endpoint uses, sorted: what the relay publishes in "Relay Partitions". */
  allPartitions(): string[] {
    const all = new Set<string>();
    for (const u of this.#unions.values()) for (const p of u) all.add(p);
    return [...all].sort();
  }

  /** Incremented on every change (to publish partitions only when they changed). */
  get version(): number {
    return this.#version;
  }

  /** Number of participants with at least one endpoint. */
  get participantCount(): number {
    return this.#byParticipant.size;
  }

  #recompute(participant: string): void {
    const union = new Set<string>();
    for (const partitions of this.#byParticipant.get(participant)?.values() ?? []) {
      if (partitions.length === 0) {
        if (this.#init.allowEmptyPartition) union.add('');
      } else {
        for (const p of partitions) if (p !== '' || this.#init.allowEmptyPartition) union.add(p);
      }
    }
    this.#unindex(participant);
    const names = Object.freeze([...union]);
    this.#unions.set(participant, names);
    for (const n of names) {
      const index = isPartitionPattern(n) ? this.#byPattern : this.#byLiteral;
      let set = index.get(n);
      if (set === undefined) {
        set = new Set();
        index.set(n, set);
      }
      set.add(participant);
    }
    this.#version++;
    this.#onChange?.();
  }

  #unindex(participant: string): void {
    this.#matchCache.clear();
    this.#matchSetCache.clear();
    for (const n of this.#unions.get(participant) ?? []) {
      const index = isPartitionPattern(n) ? this.#byPattern : this.#byLiteral;
      const set = index.get(n);
      set?.delete(participant);
      if (set?.size === 0) index.delete(n);
    }
  }
}
