/**
 * Which partitions each client's endpoints use, sans-I/O (OpenDDS spec §8.5 `GuidPartitionTable`,
 * §8.3 step 8). The caller feeds it endpoint by endpoint (for now from SEDP publications and
 * subscriptions it decodes; later from the relay's application participant). Matching follows DDS
 * partition rules through `discovery/`'s {@link partitionsMatch} (literal vs literal, pattern vs
 * literal, two patterns only when identical).
 */
import { partitionsMatch } from '../discovery/index.js';
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
    this.#unions.set(participant, Object.freeze([...union]));
    this.#version++;
    this.#onChange?.();
  }
}
