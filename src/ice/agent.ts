/**
 * The process-wide ICE agent core (OpenDDS `AgentImpl`, spec/opendds-ice-and-rtpsrelay.md §4–§5),
 * sans-I/O (STYLE.md rule 3): input through methods, output through `deps.send`/`deps.emit`, time
 * through `deps.clock`, deadlines through {@link IceAgent.nextDeadline}/{@link IceAgent.handleTimeout}.
 *
 * One pacer for the whole agent (spec §5.1, RFC 8445 §6.1.4.2): at most one new STUN transaction
 * (check, nomination, consent request, keepalive or STUN-server message) per Ta across every
 * endpoint and checklist, chosen in this order: triggered queue (nominations first), due
 * maintenance (keepalives, consent, server-reflexive), then ordinary checks round-robin over
 * checklists. Responses are immediate; retransmissions follow RFC 5389 §7.2.1 RTO doubling and are
 * not paced (they are not new transactions).
 *
 * The implementation is layered by concern, one module each: `agent-core.ts` (state, pacer,
 * transactions, pair states, unfreezing) ← `agent-selection.ts` (nomination, selection, keepalive,
 * consent) ← `agent-lifecycle.ts` (checklists, credentials) ← `agent-input.ts` (requests,
 * responses) ← this file (the public API).
 */
import { AgentInput } from './agent-input.js';
import { addressEquals, formatAddress, type TransportAddress } from '../util/address.js';
import { assertNever, DecodeError } from '../util/errors.js';
import { decodeStunMessage, type StunMessage } from '../stun/index.js';
import type { PairState } from './candidate-pair.js';
import type { Role } from './checklist.js';
import { EndpointState, randomCredential } from './endpoint.js';
import type { IceAgentInfo, IceCandidateInfo, IceRemoteOptions, SelectedPath } from './types.js';
import type { IceTurnServer } from './config.js';
import type { RelayedInput } from './relayed.js';

/** Options of {@link IceAgent.addEndpoint}. */
export interface IceEndpointInit {
  /** Opaque id (e.g. `"SPDP"`, `"SEDP"`, a transport name); unique per agent. */
  readonly id: string;
  /** Addresses of the endpoint's sockets (specific IPs, each with its bound port), IPv4 and IPv6. */
  readonly hostAddresses: readonly TransportAddress[];
  /** STUN server for a server-reflexive candidate (spec §5.3). */
  readonly stunServer?: TransportAddress;
  /** TURN servers for relayed candidates; default the agent's `turnServers` setting. */
  readonly turnServers?: readonly IceTurnServer[];
}

/** A snapshot of a checklist for tests and diagnostics. */
export interface ChecklistSnapshot {
  readonly remoteUsername: string;
  readonly role: Role;
  readonly state: 'running' | 'selected' | 'failed';
  readonly live: boolean;
  readonly peerKeys: readonly string[];
  readonly nominating: string | undefined;
  readonly pairs: readonly {
    readonly local: string; readonly remote: string; readonly state: PairState['kind']; readonly foundation: string;
    readonly priority: bigint; readonly useCandidateReceived: boolean;
  }[];
}

/** The sans-I/O ICE agent: the public API over the layers of agent-core/-selection/-lifecycle/-input. */
export class IceAgent extends AgentInput {
  // ---------------------------------------------------------------- endpoints

  /** Adds an endpoint with fresh credentials and returns its agent info (spec §5.2, §5.3). @throws Error on a duplicate id. */
  addEndpoint(init: IceEndpointInit): IceAgentInfo {
    if (this.endpoints.has(init.id)) throw new RangeError(`ICE endpoint ${init.id} exists`);
    const tb = this.deps.randomBytes(8);
    let tieBreaker = 0n;
    for (const b of tb) tieBreaker = (tieBreaker << 8n) | BigInt(b);
    const ep = new EndpointState(init.id, [...init.hostAddresses], tieBreaker, this.config.allowLoopback, this.config.transportPolicy === 'relay');
    ep.username = randomCredential(this.deps.randomBytes);
    ep.password = randomCredential(this.deps.randomBytes);
    ep.regenerateCandidates();
    this.endpoints.set(ep.id, ep);
    this.schedulePasswordRotation(ep);
    if (init.stunServer !== undefined) this.srflx.start(ep, init.stunServer);
    this.relayed.start(ep, init.turnServers ?? this.config.turnServers);
    return ep.info();
  }

  /** Removes an endpoint and everything it owns (spec §5.14). */
  removeEndpoint(endpointId: string): void {
    const ep = this.endpoints.get(endpointId);
    if (ep === undefined) return;
    for (const cl of [...ep.byUsername.values()]) this.destroyChecklist(ep, cl);
    ep.passwordTimer?.cancel();
    ep.deferredPurge?.cancel();
    this.srflx.stop(ep);
    this.relayed.stop(ep);
    this.endpoints.delete(endpointId);
    this.processDeferred();
  }

  /** Current local agent info of an endpoint, to advertise through discovery. */
  localInfo(endpointId: string): IceAgentInfo | undefined {
    return this.endpoints.get(endpointId)?.info();
  }

  /** Replaces the host addresses (interface change, spec §5.3): candidates regenerated, checklists restarted. */
  setHostAddresses(endpointId: string, hostAddresses: readonly TransportAddress[]): void {
    const ep = this.endpoints.get(endpointId);
    if (ep === undefined) return;
    ep.hostAddresses = [...hostAddresses];
    this.regenerate(ep, 'host-addresses');
  }

  /**
   * Sets (`address`) or clears (`undefined`) a server-reflexive address of the endpoint learned
   * outside the agent from `server`, e.g. the RtpsRelay's answer to the transport's relay keep-alive
   * (spec §6.1; OpenDDS runs both independently and lists using the relay's answers as candidates as
   * future work, PR #1895, §6.4). It becomes a server-reflexive candidate on every host base of its
   * family (foundation from `server`), next to the one of the agent's own STUN client. A change
   * regenerates the candidates like the agent's own srflx does (checklists restarted,
   * `local-info-changed` with reason `server-reflexive`); the same value again is a no-op.
   * @returns whether anything changed (false also for an unknown endpoint).
   */
  setServerReflexiveAddress(endpointId: string, server: TransportAddress, address: TransportAddress | undefined): boolean {
    const ep = this.endpoints.get(endpointId);
    if (ep === undefined) return false;
    const key = formatAddress(server);
    const current = ep.externalSrflx.get(key);
    if (address === undefined) {
      if (current === undefined) return false;
      ep.externalSrflx.delete(key);
    } else {
      if (current !== undefined && addressEquals(current.address, address)) return false;
      ep.externalSrflx.set(key, { server, address });
    }
    this.regenerate(ep, 'server-reflexive');
    return true;
  }

  /** ICE restart (RFC 8445 §9): new username and password, every checklist of the endpoint rebuilt. */
  restart(endpointId: string): void {
    const ep = this.endpoints.get(endpointId);
    if (ep === undefined) return;
    this.newCredentials(ep);
    this.regenerate(ep, 'restart');
  }

  // ---------------------------------------------------------------- sessions

  /**
   * Starts (or updates) ICE between `endpointId` and the remote described by `remote` for the
   * discovery-level pair `peerKey` (spec §5.12): one checklist per remote username, shared by peer
   * keys; identical info is a no-op, a password-only change is applied in place, anything else
   * rebuilds the checklist; a remote username equal to ours regenerates ours.
   */
  startIce(endpointId: string, peerKey: string, remote: IceAgentInfo, options: IceRemoteOptions = {}): void {
    const ep = this.endpoints.get(endpointId);
    if (ep === undefined) return;
    if (remote.username === ep.username) {
      // Spec §5.2: collision avoidance; non-password regeneration restarts every checklist.
      ep.username = randomCredential(this.deps.randomBytes);
      this.regenerate(ep, 'username-collision');
    }
    const previous = ep.byPeerKey.get(peerKey);
    let cl = ep.byUsername.get(remote.username);
    const roleRule = options.roleRule ?? 'opendds-username';
    if (cl !== undefined && !(sameInfo(cl.remote, remote, true) && cl.roleRule === roleRule)) {
      if (sameInfo(cl.remote, remote, false) && cl.roleRule === roleRule) {
        // Spec §5.12: password-only change, in place; retransmissions and keepalives use the new one.
        cl.remote = remote;
      } else {
        const keys = [...cl.peerKeys];
        const wasSelected = cl.state.kind === 'selected';
        this.destroyChecklist(ep, cl);
        if (wasSelected) this.emitDisconnected(cl, 'restarted');
        cl = this.createChecklist(ep, remote, options, keys);
      }
    }
    cl ??= this.createChecklist(ep, remote, options, []);
    if (previous !== undefined && previous !== cl) this.detachPeerKey(ep, previous, peerKey);
    const isNew = !cl.peerKeys.has(peerKey);
    cl.peerKeys.add(peerKey);
    ep.byPeerKey.set(peerKey, cl);
    if (isNew && cl.state.kind === 'selected') this.emitSelected(cl, cl.state.selection, [peerKey]);
    this.processDeferred();
  }

  /** Stops ICE for `peerKey`; the checklist goes when its last peer key does (spec §5.12). */
  stopIce(endpointId: string, peerKey: string): void {
    const ep = this.endpoints.get(endpointId);
    const cl = ep?.byPeerKey.get(peerKey);
    if (ep === undefined || cl === undefined) return;
    this.detachPeerKey(ep, cl, peerKey);
    this.processDeferred();
  }

  /** The selected remote address for `peerKey` while the selected pair is live (spec §5.10), else undefined. */
  selectedAddress(endpointId: string, peerKey: string): TransportAddress | undefined {
    return this.selectedPath(endpointId, peerKey)?.remoteAddress;
  }

  /** The selected path (local base, local candidate, remote address) while live. */
  selectedPath(endpointId: string, peerKey: string): SelectedPath | undefined {
    const cl = this.endpoints.get(endpointId)?.byPeerKey.get(peerKey);
    if (cl?.state.kind !== 'selected' || !cl.state.selection.live) return undefined;
    const s = cl.state.selection;
    return { localBase: s.pair.local.base, localCandidate: s.validLocal, remoteAddress: s.pair.remote.address };
  }

  /** A snapshot of the checklist toward `remoteUsername` on `endpointId`. */
  inspect(endpointId: string, remoteUsername: string): ChecklistSnapshot | undefined {
    const cl = this.endpoints.get(endpointId)?.byUsername.get(remoteUsername);
    if (cl === undefined) return undefined;
    return {
      remoteUsername: cl.remoteUsername,
      role: cl.role,
      state: cl.state.kind,
      live: cl.state.kind === 'selected' && cl.state.selection.live,
      peerKeys: cl.peerKeyList,
      nominating: cl.nomination?.pair.toString(),
      pairs: cl.pairs.map((p) => ({
        local: formatAddress(p.local.base), remote: formatAddress(p.remote.address), state: p.state.kind,
        foundation: p.foundation, priority: p.priority, useCandidateReceived: p.useCandidateReceived,
      })),
    };
  }

  /** Number of deferred triggered checks held for `remoteUsername` on `endpointId`. */
  deferredCount(endpointId: string, remoteUsername: string): number {
    return this.endpoints.get(endpointId)?.deferred.get(remoteUsername)?.length ?? 0;
  }

  // ---------------------------------------------------------------- input

  /**
   * A STUN datagram received by endpoint `endpointId` on local address `local` from `from`.
   * Malformed datagrams are dropped (debug log). `bytes` is not kept.
   */
  handleStun(endpointId: string, local: TransportAddress, from: TransportAddress, bytes: Uint8Array): void {
    const ep = this.endpoints.get(endpointId);
    if (ep === undefined) return;
    let msg: StunMessage;
    try {
      msg = decodeStunMessage(bytes);
    } catch (err: unknown) {
      // STYLE.md rule 7: the one catch around a decoder; count, log at debug, drop.
      if (!(err instanceof DecodeError)) throw err;
      this.log.debug('malformed STUN dropped', { endpointId, from: formatAddress(from), field: err.field });
      return;
    }
    switch (msg.messageClass) {
      case 'request': this.onRequest(ep, local, from, msg); break;
      case 'indication': this.onIndication(ep, msg); break;
      case 'success': case 'error': this.onResponse(ep, local, from, msg); break;
      default: assertNever(msg.messageClass, 'STUN class');
    }
    this.processDeferred();
  }

  /**
   * A datagram received by endpoint `endpointId` on `local` from `from`, offered to the TURN
   * allocations first (docs/ice.md "Relayed candidates"): `not-turn` — not from one of our TURN
   * servers, handle it as usual; `consumed` — a TURN response or keep-alive; `data` — what a peer
   * sent to our relayed address `local` from `from` (STUN: give it to {@link handleStun} with these
   * addresses; anything else is application data received on the relayed candidate).
   */
  handleTurn(endpointId: string, local: TransportAddress, from: TransportAddress, bytes: Uint8Array): RelayedInput {
    const ep = this.endpoints.get(endpointId);
    if (ep === undefined || ep.turn.length === 0) return { kind: 'not-turn' };
    const r = this.relayed.handle(ep, local, from, bytes);
    this.processDeferred();
    return r;
  }

  /**
   * Sends application bytes from a relayed candidate `from` of the endpoint through its TURN
   * allocation. Returns false when `from` is not one (the caller sends from its socket).
   */
  sendRelayed(endpointId: string, from: TransportAddress, to: TransportAddress, bytes: Uint8Array): boolean {
    const ep = this.endpoints.get(endpointId);
    return ep !== undefined && ep.turn.length > 0 && this.relayed.route(ep, { endpointId, from, to, bytes });
  }

  /** The earliest time (agent clock, ms) at which {@link handleTimeout} has work, or undefined. */
  nextDeadline(): number | undefined {
    const turn = this.relayed.nextDeadline(this.endpoints.values());
    const own = this.#ownDeadline();
    return turn === undefined ? own : own === undefined ? turn : Math.min(own, turn);
  }

  #ownDeadline(): number | undefined {
    const timer = this.timers.peek();
    const paced = this.pacedReadyAt();
    if (paced === undefined) return timer;
    const at = Math.max(paced, this.lastPacedAt + this.config.taMs);
    return timer === undefined ? at : Math.min(timer, at);
  }

  /** Runs due timers, then at most one paced transaction if Ta has elapsed since the last one. */
  handleTimeout(): void {
    const now = this.deps.clock.now();
    this.relayed.handleTimeout(this.endpoints.values(), now);
    for (let t = this.timers.popDue(now); t !== undefined; t = this.timers.popDue(now)) {
      t.fire();
      this.processDeferred();
    }
    if (now >= this.lastPacedAt + this.config.taMs) this.sendOnePaced(now);
    this.processDeferred();
  }

  /** Drops every endpoint, checklist, transaction and timer: afterwards nextDeadline() is undefined. */
  close(): void {
    for (const id of [...this.endpoints.keys()]) this.removeEndpoint(id);
    this.timers.clear();
    this.maintenance.clear();
    this.triggered = [];
    this.roundRobin = [];
    this.outstanding.clear();
    this.unfreezePending.clear();
    this.succeededFoundations.clear();
  }
}

function sameCandidates(a: readonly IceCandidateInfo[], b: readonly IceCandidateInfo[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((c, i) => {
    const d = b[i];
    return d !== undefined && addressEquals(c.address, d.address) && c.foundation === d.foundation && c.priority === d.priority && c.type === d.type;
  });
}

/** Spec §5.12 comparison; `withPassword` false ignores the password. */
function sameInfo(a: IceAgentInfo, b: IceAgentInfo, withPassword: boolean): boolean {
  return a.type === b.type && a.username === b.username && (!withPassword || a.password === b.password) && sameCandidates(a.candidates, b.candidates);
}
