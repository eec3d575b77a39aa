/**
 * One TurnClient in a lab namespace for test/turn/coturn.test.ts, against coturn, on a real UDP
 * socket and real timers; one JSON line on stdout when the allocation is made or fails, then exits
 * (releasing the allocation). Argument: one JSON object
 * `{ ip, server: {ip, port}, username, password, cachedAuth?: {realm, nonce}, boundMs }`.
 */
import { createSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { TurnClient, type TurnClientEvent } from '../../src/turn/index.js';
import { monotonicClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';

interface Args {
  ip: string; server: { ip: string; port: number }; username: string; password: string;
  cachedAuth?: { realm: string; nonce: string }; boundMs: number;
}
const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const server = { ip: args.server.ip, port: args.server.port, family: 'IPv4' as const };
const socket = createSocket('udp4');
await new Promise<void>((r) => { socket.bind(0, args.ip, () => { r(); }); });
const sent: string[] = [];
const received: string[] = [];
const events: TurnClientEvent[] = [];
const t0 = performance.now();
let timer: NodeJS.Timeout | undefined;
const finish = (o: object): void => {
  if (timer !== undefined) clearTimeout(timer);
  client.close();
  process.stdout.write(`${JSON.stringify({ ...o, sent, received, elapsedMs: Math.round(performance.now() - t0) })}\n`);
  setTimeout(() => { socket.close(); process.exit(0); }, 100);
};
/** "Allocate 401" etc.: what went out and came back, for the test to check the sequence. */
const describe = (bytes: Uint8Array): string => {
  const type = ((bytes[0] ?? 0) << 8) | (bytes[1] ?? 0);
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);
  const cls = ((type & 0x0100) >> 7) | ((type & 0x0010) >> 4);
  const names: Record<number, string> = { 1: 'Binding', 3: 'Allocate', 4: 'Refresh', 6: 'Send', 7: 'Data', 8: 'CreatePermission', 9: 'ChannelBind' };
  const name = names[method] ?? `0x${method.toString(16)}`;
  if (cls !== 3) return `${name} ${['request', 'indication', 'success', 'error'][cls]}`;
  // ERROR-CODE: find attribute 0x0009.
  for (let o = 20; o + 4 <= bytes.length;) {
    const t = ((bytes[o] ?? 0) << 8) | (bytes[o + 1] ?? 0);
    const l = ((bytes[o + 2] ?? 0) << 8) | (bytes[o + 3] ?? 0);
    if (t === 0x0009) return `${name} ${(bytes[o + 6] ?? 0) * 100 + (bytes[o + 7] ?? 0)}`;
    o += 4 + ((l + 3) & ~3);
  }
  return `${name} error`;
};
const client = new TurnClient({
  clock: monotonicClock,
  randomBytes: (n) => new Uint8Array(randomBytes(n)),
  log: silentLogger,
  send: (bytes) => { sent.push(describe(bytes)); socket.send(bytes, server.port, server.ip); },
  emit: (e) => {
    events.push(e);
    if (e.type === 'allocated') finish({ event: 'allocated', relayed: e.relayed, mapped: e.mapped ?? null, lifetimeMs: e.lifetimeMs, auth: client.auth ?? null });
    if (e.type === 'failed') finish({ event: 'failed', code: e.error.code, stunCode: e.error.stunCode ?? null, message: e.error.message });
  },
}, { server, username: args.username, password: args.password, ...(args.cachedAuth !== undefined && { cachedAuth: args.cachedAuth }) });
const arm = (): void => {
  if (timer !== undefined) clearTimeout(timer);
  const at = client.nextDeadline();
  if (at !== undefined) timer = setTimeout(() => { client.handleTimeout(); arm(); }, Math.max(0, at - monotonicClock.now()));
};
socket.on('message', (m, rinfo) => {
  if (rinfo.address !== server.ip || rinfo.port !== server.port) return;
  received.push(describe(m));
  client.handle(new Uint8Array(m));
  arm();
});
setTimeout(() => { finish({ event: 'bound-exceeded' }); }, args.boundMs).unref();
client.start();
arm();
