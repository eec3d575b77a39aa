/**
 * Our ICE agent (`IceDriver` on real UDP, see `ours.ts`) as a child process speaking the line-based
 * JSON protocol of `protocol.ts` on stdin/stdout, so it can run inside a network namespace
 * (`ip netns exec … node --import tsx ours-runner.ts …`). Options: `--host-ip IP` (default
 * 127.0.0.1), `--stun IP:PORT`, `--failure-timeout-ms MS` (the agent's failure bound,
 * `failureTimeoutMs`, default 40,000) and `--allow PREFIX` (repeatable) naming the address prefixes
 * that exist inside the test's own namespaces; the loopback guard drops datagrams to anything else.
 */
import { parseArgs } from 'node:util';
import { startOursPeer } from './ours.js';
import { parseStunArg, runMain, servePeer } from './runner.js';
import { allowGuardedPrefixes, blockedDestinations, installLoopbackGuard } from './werift-peer.js';

runMain('ours', async () => {
  const { values } = parseArgs({
    options: {
      'host-ip': { type: 'string' }, stun: { type: 'string' }, 'failure-timeout-ms': { type: 'string' }, allow: { type: 'string', multiple: true },
    },
  });
  installLoopbackGuard();
  allowGuardedPrefixes(values.allow ?? []);
  const stunServer = parseStunArg(values.stun);
  const failureText = values['failure-timeout-ms'];
  const failureTimeoutMs = failureText === undefined ? undefined : Number(failureText);
  if (failureTimeoutMs !== undefined && (!Number.isInteger(failureTimeoutMs) || failureTimeoutMs <= 0)) {
    throw new Error(`bad --failure-timeout-ms ${String(failureText)}`);
  }
  const peer = await startOursPeer({
    hostIp: values['host-ip'] ?? '127.0.0.1',
    ...(stunServer === undefined ? {} : { stunServer }),
    ...(failureTimeoutMs === undefined ? {} : { init: { failureTimeoutMs } }),
  });
  await servePeer('ours', peer, () => {
    if (blockedDestinations.length > 0) process.stderr.write(`blocked destinations: ${blockedDestinations.join(', ')}\n`);
  });
});
