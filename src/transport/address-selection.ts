/**
 * Where a datagram for one remote participant goes (spec/opendds-ice-and-rtpsrelay.md §5.13,
 * OpenDDS `RtpsUdpDataLink::get_locators`). Pure: the transport gathers the inputs.
 */
import type { TransportAddress } from '../util/address.js';
import { addressEquals } from '../util/address.js';

/** Inputs of {@link selectAddresses}. */
export interface AddressSelectionInput {
  /** OpenDDS `RtpsRelayOnly`: everything goes to the relay. */
  readonly relayOnly: boolean;
  /** The relay's address for this channel (OpenDDS `*RtpsRelayAddress`), if configured. */
  readonly relay: TransportAddress | undefined;
  /** The ICE-selected remote address for (local endpoint, remote), while the pair is live. */
  readonly ice: TransportAddress | undefined;
  /** Where we last received from this participant on this channel, if within `receive_address_duration`. */
  readonly recentReceive: TransportAddress | undefined;
  readonly unicast: readonly TransportAddress[];
  readonly multicast: readonly TransportAddress[];
}

/** Which rule of §5.13 decided, for tests and traces. */
export type AddressSelectionRule = 'relay-only' | 'ice-only' | 'normal' | 'normal+relay' | 'none';

/**
 * Applies spec §5.13:
 * 1. relay-only → the relay alone;
 * 2. the "normal" addresses: the recent receive address, else the unicast locators, else multicast;
 * 3. no ICE address → normal, plus the relay when nothing was received recently and one is configured;
 * 4. ICE address not among the normal ones → the ICE address alone;
 * 5. ICE address among them → normal.
 */
export function selectAddresses(input: AddressSelectionInput): { readonly addresses: readonly TransportAddress[]; readonly rule: AddressSelectionRule } {
  if (input.relayOnly) return input.relay === undefined ? { addresses: [], rule: 'none' } : { addresses: [input.relay], rule: 'relay-only' };
  const normal = input.recentReceive !== undefined ? [input.recentReceive] : input.unicast.length > 0 ? input.unicast : input.multicast;
  const { ice } = input;
  if (ice === undefined) {
    if (input.recentReceive === undefined && input.relay !== undefined) return { addresses: [...normal, input.relay], rule: 'normal+relay' };
    return { addresses: normal, rule: normal.length === 0 ? 'none' : 'normal' };
  }
  if (!normal.some((a) => addressEquals(a, ice))) return { addresses: [ice], rule: 'ice-only' };
  return { addresses: normal, rule: 'normal' };
}
