/**
 * The RTPS well-known port formula (RTPS 2.5 §9.6.1.1) with OpenDDS's defaults
 * (spec/opendds-ice-and-rtpsrelay.md §1; OpenDDS `MessageUtils.h`, `get_rtps_port` in `MessageUtils.cpp`).
 *
 * `port = PB + DG·domainId + offset` for multicast and `PB + DG·domainId + offset + PG·participantId`
 * for unicast. OpenDDS truncates results above 65535 with a warning; here they are a configuration
 * error, since a wrapped port would silently collide with another domain's.
 */
import { InvalidConfigError } from '../util/errors.js';

/** The port formula's parameters (RTPS 2.5 Table 9.8 names). */
export interface PortMappingInit {
  /** Port base PB; default 7400. */
  readonly portBase?: number;
  /** Domain gain DG; default 250. */
  readonly domainGain?: number;
  /** Participant gain PG; default 2. */
  readonly participantGain?: number;
  /** d0, SPDP multicast offset; default 0 (OpenDDS env `OPENDDS_RTPS_DEFAULT_D0` may override). */
  readonly d0?: number;
  /** d1, SPDP unicast offset; default 10. */
  readonly d1?: number;
  /** d2, user-data multicast offset; default 1. */
  readonly d2?: number;
  /** d3, user-data unicast offset; default 11. */
  readonly d3?: number;
  /** DX, SEDP multicast offset (OpenDDS passes it to the SEDP transport as its d2); default 2. */
  readonly dx?: number;
  /** DY, SEDP unicast offset (OpenDDS passes it as d3); default 12. */
  readonly dy?: number;
}

/** OpenDDS's defaults (spec §1 table). */
export const DEFAULT_PORT_MAPPING: Readonly<Required<PortMappingInit>> = Object.freeze({
  portBase: 7400,
  domainGain: 250,
  participantGain: 2,
  d0: 0,
  d1: 10,
  d2: 1,
  d3: 11,
  dx: 2,
  dy: 12,
});

/** The SPDP / SEDP multicast group OpenDDS uses (spec §1). */
export const DEFAULT_SPDP_MULTICAST_GROUP = '239.255.0.1';
/** The user-data multicast group OpenDDS uses (spec §1). */
export const DEFAULT_DATA_MULTICAST_GROUP = '239.255.0.2';

/** The ports of one participant. */
export type PortKind = 'spdp-multicast' | 'spdp-unicast' | 'sedp-multicast' | 'sedp-unicast' | 'data-multicast' | 'data-unicast';

function resolve(init: PortMappingInit): Readonly<Required<PortMappingInit>> {
  const m = { ...DEFAULT_PORT_MAPPING, ...init };
  for (const [k, v] of Object.entries(m)) {
    if (!Number.isInteger(v) || v < 0 || v > 65535) throw new InvalidConfigError(`portMapping.${k}`, `must be an integer in 0..65535, got ${v}`);
  }
  return m;
}

/**
 * The port for `kind` in `domainId` (participant id only for unicast kinds).
 * @throws InvalidConfigError for a negative or non-integer id, or a result above 65535.
 */
export function rtpsPort(kind: PortKind, domainId: number, participantId = 0, init: PortMappingInit = {}): number {
  const m = resolve(init);
  if (!Number.isInteger(domainId) || domainId < 0) throw new InvalidConfigError('domainId', `must be a non-negative integer, got ${domainId}`);
  if (!Number.isInteger(participantId) || participantId < 0) {
    throw new InvalidConfigError('participantId', `must be a non-negative integer, got ${participantId}`);
  }
  const base = m.portBase + m.domainGain * domainId;
  const unicast = m.participantGain * participantId;
  let port: number;
  switch (kind) {
    case 'spdp-multicast': port = base + m.d0; break;
    case 'spdp-unicast': port = base + m.d1 + unicast; break;
    case 'sedp-multicast': port = base + m.dx; break;
    case 'sedp-unicast': port = base + m.dy + unicast; break;
    case 'data-multicast': port = base + m.d2; break;
    case 'data-unicast': port = base + m.d3 + unicast; break;
  }
  // OpenDDS truncates to 16 bits with a warning; a wrapped port would collide with another domain's.
  if (port > 65535) throw new InvalidConfigError('domainId', `port ${port} for ${kind} (domain ${domainId}, participant ${participantId}) exceeds 65535`);
  return port;
}

/**
 * The SPDP unicast ports to probe, in order (OpenDDS `Spdp.cpp`: the participant id is incremented
 * until a bind succeeds; OpenDDS warns past 119 but keeps going while the port fits).
 */
export function* spdpUnicastPortCandidates(domainId: number, init: PortMappingInit = {}, maxParticipantId = 119): Generator<{ readonly participantId: number; readonly port: number }> {
  for (let participantId = 0; participantId <= maxParticipantId; participantId++) {
    let port: number;
    try {
      port = rtpsPort('spdp-unicast', domainId, participantId, init);
    } catch {
      // Past 65535: nothing further can fit either.
      return;
    }
    yield { participantId, port };
  }
}
