/**
 * ICE intents: what discovery asks the ICE driver to do (spec/opendds-ice-and-rtpsrelay.md §2.5).
 * One intent names one GUID pair on one of our three ICE endpoints; the driver calls
 * `start`/`stop` on that endpoint's agent and later maps the selected address per GUID pair
 * (OpenDDS `Agent::get_address(endpoint, localGuid, remoteGuid)`).
 */
import type { Guid, IceAgentInfo } from '../rtps/index.js';
import { guidToString } from '../rtps/index.js';
import { addressEquals } from '../util/address.js';

/** Which of our ICE endpoints (spec §2.4 keys). */
export type IceEndpointKey = 'SPDP' | 'SEDP' | 'DATA';

export type IceIntent =
  | {
    readonly kind: 'ice-start';
    readonly endpointKey: IceEndpointKey;
    readonly localGuid: Guid;
    readonly remoteGuid: Guid;
    /** `peerKeyOf(localGuid, remoteGuid)`: stable id of the pair. */
    readonly peerKey: string;
    /** The remote's agent info for this endpoint key. */
    readonly remote: IceAgentInfo;
  }
  | {
    readonly kind: 'ice-stop';
    readonly endpointKey: IceEndpointKey;
    readonly localGuid: Guid;
    readonly remoteGuid: Guid;
    readonly peerKey: string;
  };

/** `<local guid>|<remote guid>` in the usual text form. */
export function peerKeyOf(localGuid: Guid, remoteGuid: Guid): string {
  return `${guidToString(localGuid)}|${guidToString(remoteGuid)}`;
}

/** Value equality of two agent infos (type, credentials, candidates in order). */
export function iceAgentInfoEquals(a: IceAgentInfo | undefined, b: IceAgentInfo | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.type !== b.type || a.username !== b.username || a.password !== b.password || a.candidates.length !== b.candidates.length) return false;
  return a.candidates.every((c, i) => {
    const d = b.candidates[i];
    return d !== undefined && c.foundation === d.foundation && c.priority === d.priority && c.type === d.type && addressEquals(c.address, d.address);
  });
}

/**
 * The ICE sessions one core has asked for, keyed by peer key, so that repeated announcements with
 * the same info start nothing, changed info starts again and removal stops exactly what was started.
 */
export class IceIntentTable {
  readonly #active = new Map<string, { readonly endpointKey: IceEndpointKey; readonly localGuid: Guid; readonly remoteGuid: Guid; readonly remote: IceAgentInfo }>();
  readonly #emit: (i: IceIntent) => void;

  constructor(emit: (i: IceIntent) => void) {
    this.#emit = emit;
  }

  get size(): number {
    return this.#active.size;
  }

  /** Starts (or restarts, when `remote` differs from what was started) the pair. */
  start(endpointKey: IceEndpointKey, localGuid: Guid, remoteGuid: Guid, remote: IceAgentInfo): void {
    const peerKey = `${endpointKey}:${peerKeyOf(localGuid, remoteGuid)}`;
    const prev = this.#active.get(peerKey);
    if (prev !== undefined && iceAgentInfoEquals(prev.remote, remote)) return;
    this.#active.set(peerKey, { endpointKey, localGuid, remoteGuid, remote });
    this.#emit({ kind: 'ice-start', endpointKey, localGuid, remoteGuid, peerKey: peerKeyOf(localGuid, remoteGuid), remote });
  }

  /** Stops the pair if it was started. */
  stop(endpointKey: IceEndpointKey, localGuid: Guid, remoteGuid: Guid): void {
    const peerKey = `${endpointKey}:${peerKeyOf(localGuid, remoteGuid)}`;
    if (!this.#active.delete(peerKey)) return;
    this.#emit({ kind: 'ice-stop', endpointKey, localGuid, remoteGuid, peerKey: peerKeyOf(localGuid, remoteGuid) });
  }

  /** Stops every started pair for which `pred` holds. */
  stopWhere(pred: (endpointKey: IceEndpointKey, localGuid: Guid, remoteGuid: Guid) => boolean): void {
    for (const a of [...this.#active.values()]) {
      if (pred(a.endpointKey, a.localGuid, a.remoteGuid)) this.stop(a.endpointKey, a.localGuid, a.remoteGuid);
    }
  }
}
