/**
 * Link impairments, netem-style: each traversal of a link direction may lose, delay (base + uniform
 * jitter), hold back (reorder) or duplicate a datagram. All draws come from the network's seeded PRNG
 * in event order, so the same seed gives the same trace (STYLE.md rule 18).
 */
import type { SeededRandom } from '../util/prng.js';
import { InvalidConfigError } from '../util/errors.js';

/** One direction of a link. Probabilities in [0, 1]; durations in virtual ms. */
export interface LinkParams {
  /** Fixed one-way delay (ms). Default 0. */
  readonly delayMs?: number;
  /** Extra delay drawn uniformly from [0, jitterMs) per datagram (may reorder). Default 0. */
  readonly jitterMs?: number;
  /** Probability a datagram is lost. Default 0. */
  readonly loss?: number;
  /** Probability a datagram is delivered twice (the copy draws its own delay). Default 0. */
  readonly duplicate?: number;
  /** Probability a datagram is held back by `reorderDelayMs`, so later ones overtake it. Default 0. */
  readonly reorder?: number;
  /** How long a reordered datagram is held back (ms). Default 10. */
  readonly reorderDelayMs?: number;
}

/** A link's two directions: `up` from the node into its realm, `down` from the realm to the node. */
export interface LinkConfig {
  readonly up?: LinkParams;
  readonly down?: LinkParams;
}

/** Fully defaulted {@link LinkParams}. */
export type ResolvedLink = Readonly<Required<LinkParams>>;

/** The perfect link: no delay, no impairment. */
export const PERFECT_LINK: ResolvedLink = Object.freeze({
  delayMs: 0, jitterMs: 0, loss: 0, duplicate: 0, reorder: 0, reorderDelayMs: 10,
});

/**
 * Merges `params` over the perfect link and validates it.
 * @throws InvalidConfigError on a negative duration or a probability outside [0, 1].
 */
export function resolveLink(params: LinkParams | undefined): ResolvedLink {
  if (params === undefined) return PERFECT_LINK;
  const r: ResolvedLink = Object.freeze({ ...PERFECT_LINK, ...params });
  for (const k of ['delayMs', 'jitterMs', 'reorderDelayMs'] as const) {
    if (!(r[k] >= 0) || !Number.isFinite(r[k])) throw new InvalidConfigError(`link.${k}`, 'must be a finite number >= 0');
  }
  for (const k of ['loss', 'duplicate', 'reorder'] as const) {
    if (!(r[k] >= 0 && r[k] <= 1)) throw new InvalidConfigError(`link.${k}`, 'must be a probability in [0, 1]');
  }
  return r;
}

/** Link params for one direction from either a {@link LinkConfig} or a symmetric {@link LinkParams}. */
export function resolveDirection(config: LinkConfig | LinkParams | undefined, direction: 'up' | 'down'): ResolvedLink {
  if (config === undefined) return PERFECT_LINK;
  if (isLinkConfig(config)) return resolveLink(direction === 'up' ? config.up : config.down);
  return resolveLink(config);
}

function isLinkConfig(c: LinkConfig | LinkParams): c is LinkConfig {
  return 'up' in c || 'down' in c;
}

/**
 * Carries one datagram over `links` in sequence, calling `arrive(delayMs)` once per surviving copy
 * (0, 1 or more times) and `lost(linkIndex)` once per lost copy.
 */
export function traverseLinks(
  links: readonly ResolvedLink[],
  rng: SeededRandom,
  arrive: (delayMs: number) => void,
  lost: () => void,
): void {
  carry(links, 0, 0, rng, arrive, lost);
}

function carry(
  links: readonly ResolvedLink[],
  i: number,
  delayMs: number,
  rng: SeededRandom,
  arrive: (delayMs: number) => void,
  lost: () => void,
): void {
  const link = links[i];
  if (link === undefined) {
    arrive(delayMs);
    return;
  }
  if (link === PERFECT_LINK) {
    carry(links, i + 1, delayMs, rng, arrive, lost);
    return;
  }
  if (link.loss > 0 && rng.next() < link.loss) {
    lost();
    return;
  }
  const copies = link.duplicate > 0 && rng.next() < link.duplicate ? 2 : 1;
  for (let c = 0; c < copies; c++) {
    let d = link.delayMs;
    if (link.jitterMs > 0) d += rng.next() * link.jitterMs;
    if (link.reorder > 0 && rng.next() < link.reorder) d += link.reorderDelayMs;
    carry(links, i + 1, delayMs + d, rng, arrive, lost);
  }
}
