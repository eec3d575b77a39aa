/**
 * The line-based JSON protocol every interop peer speaks (one JSON object per line):
 * - peer → harness: `{"event":"local","ufrag","pwd","candidates":[{ip,port,priority,foundation,type}]}` once
 *   candidates are gathered (host on 127.0.0.1 by default or on the peer's `--host-ip`, plus srflx when
 *   given a STUN server);
 * - harness → peer: `{"remote":{ufrag,pwd,candidates},"controlling":bool}`;
 * - peer → harness: `{"event":"connected","ms","selected":{local,remote}}` or `{"event":"failed",…}`,
 *   `ms` measured by the peer from receiving `remote`;
 * - harness → peer: `{"cmd":"close"}` (or stdin EOF): the peer exits.
 */

/** The third-party agents and ours (`ours.ts` in process, `ours-runner.ts` as a process). */
export type PeerKind = 'werift' | 'aioice' | 'libnice' | 'ours';

export interface PeerCandidate {
  readonly ip: string;
  readonly port: number;
  readonly priority: number;
  readonly foundation: string;
  readonly type: string;
}

export interface PeerLocal {
  readonly ufrag: string;
  readonly pwd: string;
  readonly candidates: readonly PeerCandidate[];
}

export interface PeerEndpoint {
  readonly ip: string;
  readonly port: number;
}

export type PeerOutcome =
  | { readonly event: 'connected'; readonly ms: number; readonly selected: { readonly local: PeerEndpoint; readonly remote: PeerEndpoint } | null }
  | { readonly event: 'failed'; readonly ms?: number; readonly reason: string };

/** One ICE peer, in-process or a child process, driven through the protocol above. */
export interface IcePeer {
  readonly kind: PeerKind;
  /** Resolves with the gathered local parameters. */
  local(options?: { signal?: AbortSignal }): Promise<PeerLocal>;
  /** Gives the peer the remote parameters and its role; it starts checks at once. */
  start(remote: PeerLocal, controlling: boolean): void;
  /** Resolves with `connected` or `failed`. */
  outcome(options?: { signal?: AbortSignal }): Promise<PeerOutcome>;
  /** Stops the peer (a process is killed if it does not exit in time); idempotent. */
  close(): Promise<void>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}

function endpoint(v: unknown): PeerEndpoint | undefined {
  if (!isRecord(v) || typeof v.ip !== 'string' || typeof v.port !== 'number') return undefined;
  return { ip: v.ip, port: v.port };
}

/** Narrows one parsed line into a protocol message; undefined for anything else. */
export function parsePeerLine(line: string): { local: PeerLocal } | { outcome: PeerOutcome } | undefined {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return undefined; // not a protocol line (a library's stray output): ignored
  }
  if (!isRecord(v)) return undefined;
  if (v.event === 'local' && typeof v.ufrag === 'string' && typeof v.pwd === 'string' && Array.isArray(v.candidates)) {
    const candidates: PeerCandidate[] = [];
    for (const c of v.candidates) {
      if (!isRecord(c) || typeof c.ip !== 'string' || typeof c.port !== 'number' || typeof c.priority !== 'number') continue;
      candidates.push({ ip: c.ip, port: c.port, priority: c.priority, foundation: String(c.foundation), type: typeof c.type === 'string' ? c.type : 'host' });
    }
    return { local: { ufrag: v.ufrag, pwd: v.pwd, candidates } };
  }
  if (v.event === 'connected' && typeof v.ms === 'number') {
    const s = v.selected;
    const local = isRecord(s) ? endpoint(s.local) : undefined;
    const remote = isRecord(s) ? endpoint(s.remote) : undefined;
    return { outcome: { event: 'connected', ms: v.ms, selected: local && remote ? { local, remote } : null } };
  }
  if (v.event === 'failed') {
    return { outcome: { event: 'failed', ...(typeof v.ms === 'number' ? { ms: v.ms } : {}), reason: typeof v.reason === 'string' ? v.reason : 'failed' } };
  }
  return undefined;
}
