/**
 * werift-ice as a child process speaking the line-based JSON protocol of `protocol.ts` on
 * stdin/stdout, so it can run inside a network namespace (`ip netns exec … node --import tsx
 * werift-runner.ts …`). Options: `--host-ip IP` (default 127.0.0.1), `--stun IP:PORT`, and
 * `--allow PREFIX` (repeatable) naming the address prefixes that exist inside the test's own
 * namespaces; the loopback guard drops datagrams to anything else.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { PeerLocal } from './protocol.js';
import { allowGuardedPrefixes, blockedDestinations, startWeriftPeer } from './werift-peer.js';

function emit(obj: unknown): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

function parseStun(s: string | undefined): { ip: string; port: number } | undefined {
  if (s === undefined) return undefined;
  const i = s.lastIndexOf(':');
  const port = Number(s.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`bad --stun ${s}`);
  return { ip: s.slice(0, i), port };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { 'host-ip': { type: 'string' }, stun: { type: 'string' }, allow: { type: 'string', multiple: true } },
  });
  allowGuardedPrefixes(values.allow ?? []);
  const stunServer = parseStun(values.stun);
  const peer = await startWeriftPeer({
    ...(values['host-ip'] === undefined ? {} : { hostIp: values['host-ip'] }),
    ...(stunServer === undefined ? {} : { stunServer }),
  });
  const local = await peer.local();
  emit({ event: 'local', ...local });
  let started = false;
  const lines = createInterface({ input: process.stdin });
  const finish = async (): Promise<void> => {
    lines.close();
    await peer.close();
    if (blockedDestinations.length > 0) process.stderr.write(`blocked destinations: ${blockedDestinations.join(', ')}\n`);
    process.exit(0);
  };
  lines.on('line', (line) => {
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return;
    }
    if (typeof msg !== 'object' || msg === null) return;
    if (Reflect.get(msg, 'cmd') === 'close') { void finish(); return; }
    const remote: unknown = Reflect.get(msg, 'remote');
    if (remote === undefined || started) return;
    started = true;
    peer.start(remote as PeerLocal, Reflect.get(msg, 'controlling') === true);
    void peer.outcome().then((o) => { if (o.event === 'connected' || o.reason !== 'closed') emit(o); });
  });
  lines.on('close', () => { void finish(); });
}

main().catch((err: unknown) => {
  emit({ event: 'failed', reason: `werift runner: ${String(err)}` });
  process.exit(1);
});
