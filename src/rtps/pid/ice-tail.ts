/**
 * Writes OpenDDS ICE parameters in OpenDDS's order (spec/opendds-ice-and-rtpsrelay.md §2.3,
 * `ParameterListConverter.cpp` `to_param_list`): per key, its IceGeneral_t then its IceCandidate_t's.
 * Keys follow the order of `general` (the mapping sorts them like OpenDDS's `std::map`); candidates
 * whose key has no general parameter follow at the end.
 */
import type { CdrWriter } from '../../cdr/cdr-writer.js';
import type { IceCandidate_t, IceGeneral_t } from '../../idl/ice.js';
import { IceCandidate } from './ice-candidate.js';
import { IceGeneral } from './ice-general.js';

export function writeIceParameters(w: CdrWriter, v: { readonly ice_general: readonly IceGeneral_t[]; readonly ice_candidate: readonly IceCandidate_t[] }): void {
  const keys = new Set<string>();
  for (const g of v.ice_general) {
    keys.add(g.key);
    IceGeneral.encode(w, g);
    for (const c of v.ice_candidate) if (c.key === g.key) IceCandidate.encode(w, c);
  }
  for (const c of v.ice_candidate) if (!keys.has(c.key)) IceCandidate.encode(w, c);
}
