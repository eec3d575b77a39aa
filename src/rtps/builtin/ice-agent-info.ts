/**
 * OpenDDS ICE agent info in domain form (OpenDDS `dds/DCPS/Ice.h` `AgentInfo`), and its mapping to
 * and from the wire structs IceGeneral_t / IceCandidate_t (spec/opendds-ice-and-rtpsrelay.md §2.2–2.3).
 * This module is the only one that sees both shapes (STYLE.md rule 9).
 */
import type { IceCandidate_t, IceGeneral_t } from '../../idl/ice.js';
import { ICE_FULL, ICE_HOST, ICE_LITE, ICE_PEER_REFLEXIVE, ICE_RELAYED, ICE_SERVER_REFLEXIVE } from '../../idl/ice.js';
import { assertNever } from '../../util/errors.js';
import { addressFromLocator, locatorFromAddress } from '../locator.js';

/** Spec §2.4 keys. */
export const ICE_KEY_SPDP = 'SPDP';
export const ICE_KEY_SEDP = 'SEDP';
export const ICE_KEY_DATA = 'DATA';

export type { IceAgentInfo, IceCandidateInfo, IceCandidateKind } from '../../util/ice-agent-info.js';
import type { IceAgentInfo, IceCandidateKind } from '../../util/ice-agent-info.js';

/** What OpenDDS's `map[key]` holds before any IceGeneral_t for it is seen. */
const EMPTY_AGENT: IceAgentInfo = Object.freeze({ type: 'full', username: '', password: '', candidates: [] });

function candidateKind(t: number): IceCandidateKind | undefined {
  switch (t) {
    case ICE_HOST: return 'host';
    case ICE_SERVER_REFLEXIVE: return 'server-reflexive';
    case ICE_PEER_REFLEXIVE: return 'peer-reflexive';
    case ICE_RELAYED: return 'relayed';
    default: return undefined;
  }
}

function candidateKindToWire(k: IceCandidateKind): number {
  switch (k) {
    case 'host': return ICE_HOST;
    case 'server-reflexive': return ICE_SERVER_REFLEXIVE;
    case 'peer-reflexive': return ICE_PEER_REFLEXIVE;
    case 'relayed': return ICE_RELAYED;
    default: return assertNever(k, 'ICE candidate type');
  }
}

/**
 * Folds ICE parameters into agent info per key, in any order (spec §2.3 `from_param_list`).
 * Returns `undefined` when the info must be dropped as a whole: a candidate locator that is not
 * UDPv4/UDPv6 (spec §2.2), or an agent/candidate type outside the IDL constants.
 */
export function iceAgentInfoFromWire(
  general: readonly IceGeneral_t[],
  candidates: readonly IceCandidate_t[],
): ReadonlyMap<string, IceAgentInfo> | undefined {
  const out = new Map<string, IceAgentInfo>();
  for (const g of general) {
    if (g.agent_type !== ICE_FULL && g.agent_type !== ICE_LITE) return undefined;
    const prev = out.get(g.key) ?? EMPTY_AGENT;
    out.set(g.key, { ...prev, type: g.agent_type === ICE_LITE ? 'lite' : 'full', username: g.username, password: g.password });
  }
  for (const c of candidates) {
    const address = addressFromLocator(c.locator);
    const type = candidateKind(c.type);
    if (address === undefined || type === undefined) return undefined;
    const prev = out.get(c.key) ?? EMPTY_AGENT;
    out.set(c.key, { ...prev, candidates: [...prev.candidates, { address, foundation: c.foundation, priority: c.priority, type }] });
  }
  return out;
}

/** The wire parameters of `info`, keys sorted like OpenDDS's `std::map<std::string, …>` (byte order). */
export function iceAgentInfoToWire(info: ReadonlyMap<string, IceAgentInfo>): { ice_general: IceGeneral_t[]; ice_candidate: IceCandidate_t[] } {
  const keys = [...info.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ice_general: IceGeneral_t[] = [];
  const ice_candidate: IceCandidate_t[] = [];
  for (const key of keys) {
    const a = info.get(key);
    if (a === undefined) continue;
    ice_general.push({ key, agent_type: a.type === 'lite' ? ICE_LITE : ICE_FULL, username: a.username, password: a.password });
    for (const c of a.candidates) {
      ice_candidate.push({ key, locator: locatorFromAddress(c.address), foundation: c.foundation, priority: c.priority, type: candidateKindToWire(c.type) });
    }
  }
  return { ice_general, ice_candidate };
}
