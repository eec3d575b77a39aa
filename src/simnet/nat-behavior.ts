/**
 * How a NAT behaves, in RFC 4787 terms (STYLE.md rule 18: a NAT is described by behaviour, not brand),
 * and the named presets of the classic "cone" vocabulary (RFC 4787 §3 explains why those names are
 * imprecise; each preset states its exact behaviour).
 */
import { InvalidConfigError } from '../util/errors.js';

/** RFC 4787 §4.1 (mapping) and §5 (filtering): what a mapping or filter depends on besides the internal endpoint. */
export type EndpointDependency = 'endpoint-independent' | 'address-dependent' | 'address-and-port-dependent';

/**
 * How the external port of a new mapping is chosen (RFC 4787 §4.2.1):
 * - `preserve`: the internal port when free on the external IP, else the next free port from 49152;
 * - `sequential`: the next free port from 49152 (predictable, as pion's vnet does from 0xC000);
 * - `random`: a uniformly random free port in 49152–65535 from the network's seeded PRNG.
 */
export type PortAllocation = 'preserve' | 'sequential' | 'random';

/** A NAT's behaviour (RFC 4787). All durations in virtual ms. */
export interface NatBehavior {
  /** RFC 4787 §4.1: endpoint-independent (EIM), address-dependent (ADM), address-and-port-dependent (APDM). */
  readonly mapping: EndpointDependency;
  /** RFC 4787 §5: which inbound sources a mapping admits (EIF, ADF, APDF). */
  readonly filtering: EndpointDependency;
  /**
   * RFC 4787 §4.3: a mapping expires this long after the last *outbound* datagram that used it; inbound
   * traffic does not refresh it (REQ-6 allows only outbound refresh to be relied on).
   */
  readonly mappingLifetimeMs: number;
  /** RFC 4787 §4.2.1 port assignment. */
  readonly portAllocation: PortAllocation;
  /**
   * RFC 4787 §6: when true, a datagram from inside to one of the NAT's own mappings is looped back with
   * its source translated to the sender's mapping (REQ-9); when false it is dropped (`dropped-hairpin`).
   */
  readonly hairpinning: boolean;
  /**
   * Static 1:1 NAT (basic NAT, RFC 2663 §4.1.1; pion's `NATModeNAT1To1`): the external IP is bound to one
   * internal IP, ports are kept, nothing is filtered and no state expires. `mapping`, `filtering`,
   * `mappingLifetimeMs` and `portAllocation` are ignored.
   */
  readonly oneToOne?: boolean;
  /**
   * Models the Linux conntrack trap (docs/simnet.md): an inbound datagram the NAT drops still leaves a
   * tuple (remote → external port) behind for `mappingLifetimeMs`, and a later outbound datagram whose
   * translation would reuse that exact tuple gets a fresh port instead, for that destination only — so a
   * cone NAT silently behaves as symmetric towards a peer whose check arrived early.
   */
  readonly conntrackClash?: boolean;
}

/** RFC 4787 REQ-5: a mapping lifetime MUST NOT be less than 2 minutes. */
export const MIN_RFC_MAPPING_LIFETIME_MS = 120_000;

const cone = (filtering: EndpointDependency): NatBehavior =>
  Object.freeze({
    mapping: 'endpoint-independent',
    filtering,
    mappingLifetimeMs: MIN_RFC_MAPPING_LIFETIME_MS,
    portAllocation: 'preserve',
    hairpinning: true,
  });

/** Written where a topology takes a NAT behaviour: no NAT at all (the host is on the public side). */
export type NoNat = 'none';

/** A NAT behaviour or none. */
export type NatSpec = NatBehavior | NoNat;

/**
 * Named behaviours. `fullCone` = EIM + EIF; `addressRestricted` = EIM + ADF; `portRestricted` = EIM + APDF
 * (Linux MASQUERADE); `symmetric` = APDM + APDF with random ports (MASQUERADE `--random-fully`);
 * `oneToOne` = static 1:1; `none` = no NAT. Cones preserve ports; all hairpin and keep mappings for
 * 2 minutes (RFC 4787 REQ-5, REQ-9).
 */
export const NatPresets = Object.freeze({
  none: 'none' as const,
  fullCone: cone('endpoint-independent'),
  addressRestricted: cone('address-dependent'),
  portRestricted: cone('address-and-port-dependent'),
  symmetric: Object.freeze<NatBehavior>({
    mapping: 'address-and-port-dependent',
    filtering: 'address-and-port-dependent',
    mappingLifetimeMs: MIN_RFC_MAPPING_LIFETIME_MS,
    portAllocation: 'random',
    hairpinning: true,
  }),
  oneToOne: Object.freeze<NatBehavior>({
    mapping: 'endpoint-independent',
    filtering: 'endpoint-independent',
    mappingLifetimeMs: MIN_RFC_MAPPING_LIFETIME_MS,
    portAllocation: 'preserve',
    hairpinning: true,
    oneToOne: true,
  }),
});

/** Short label, e.g. `EIM/APDF` or `1:1`, for logs and tables. */
export function describeNat(spec: NatSpec): string {
  if (spec === 'none') return 'none';
  if (spec.oneToOne === true) return '1:1';
  const short = (d: EndpointDependency): string =>
    d === 'endpoint-independent' ? 'EI' : d === 'address-dependent' ? 'AD' : 'APD';
  return `${short(spec.mapping)}M/${short(spec.filtering)}F`;
}

/** @throws InvalidConfigError when a behaviour is not usable (non-positive lifetime, unknown value). */
export function validateNatBehavior(b: NatBehavior): void {
  if (!(b.mappingLifetimeMs > 0)) throw new InvalidConfigError('mappingLifetimeMs', 'must be > 0');
  const deps: readonly string[] = ['endpoint-independent', 'address-dependent', 'address-and-port-dependent'];
  if (!deps.includes(b.mapping)) throw new InvalidConfigError('mapping', `unknown: ${b.mapping}`);
  if (!deps.includes(b.filtering)) throw new InvalidConfigError('filtering', `unknown: ${b.filtering}`);
  const allocs: readonly string[] = ['preserve', 'sequential', 'random'];
  if (!allocs.includes(b.portAllocation)) throw new InvalidConfigError('portAllocation', `unknown: ${b.portAllocation}`);
}
