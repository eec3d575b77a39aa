/**
 * werift-ice as a child process speaking the line-based JSON protocol of `protocol.ts` on
 * stdin/stdout, so it can run inside a network namespace (`ip netns exec … node --import tsx
 * werift-runner.ts …`). Options: `--host-ip IP` (default 127.0.0.1), `--stun IP:PORT`, and
 * `--allow PREFIX` (repeatable) naming the address prefixes that exist inside the test's own
 * namespaces; the loopback guard drops datagrams to anything else.
 */
import { parseArgs } from 'node:util';
import { parseStunArg, runMain, servePeer } from './runner.js';
import { allowGuardedPrefixes, blockedDestinations, startWeriftPeer } from './werift-peer.js';

runMain('werift', async () => {
  const { values } = parseArgs({
    options: { 'host-ip': { type: 'string' }, stun: { type: 'string' }, allow: { type: 'string', multiple: true } },
  });
  allowGuardedPrefixes(values.allow ?? []);
  const stunServer = parseStunArg(values.stun);
  const peer = await startWeriftPeer({
    ...(values['host-ip'] === undefined ? {} : { hostIp: values['host-ip'] }),
    ...(stunServer === undefined ? {} : { stunServer }),
  });
  await servePeer('werift', peer, () => {
    if (blockedDestinations.length > 0) process.stderr.write(`blocked destinations: ${blockedDestinations.join(', ')}\n`);
  });
});
