/**
 * Our TURN client against coturn (the netns lab's public server, 198.51.100.130:3478, long-term
 * credentials, realm lab.local) from hostA behind a symmetric kernel NAT: the 401 → credentials →
 * allocation sequence, a stale nonce (438) → one retry → allocation, and a wrong password (alone
 * or after a 438) ending in a clear TurnError, each bounded in time.
 *
 * Root only; without root or a tool it fails with the reason and the install command.
 */
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import type { LabProcess } from '../support/netns-lab.js';
import { useNetnsLab } from '../support/netns-lab-hooks.js';

const INSTALL = 'apt-get install -y iproute2 nftables conntrack coturn stun-client tcpdump';
const RUNNER = fileURLToPath(new URL('./coturn-runner.ts', import.meta.url));

type Result = Readonly<Record<string, unknown>> & { readonly sent: readonly string[]; readonly received: readonly string[] };

async function result(p: LabProcess, ms: number): Promise<Result> {
  const end = Date.now() + ms;
  for (;;) {
    const line = p.stdout().split('\n').find((l) => l.startsWith('{'));
    if (line !== undefined) return JSON.parse(line) as Result;
    if (p.child.exitCode !== null || Date.now() > end) throw new Error(`no result within ${ms} ms; stderr:\n${p.stderr().slice(-3000)}`);
    await new Promise((r) => { setTimeout(r, 50); });
  }
}

describe(`turn/TurnClient against coturn through a symmetric kernel NAT (root; \`${INSTALL}\`)`, function () {
  this.timeout(120_000);
  const labOf = useNetnsLab(INSTALL, 'sym', 'sym');

  const run = async (extra: Record<string, unknown>): Promise<Result> => {
    const lab = labOf();
    const args = {
      ip: lab.hostIp('A'), server: lab.stunServer, username: lab.turnCredentials.username, password: lab.turnCredentials.password, boundMs: 45_000, ...extra,
    };
    const p = lab.spawn('hostA', [process.execPath, '--import', 'tsx', RUNNER, JSON.stringify(args)]);
    try {
      return await result(p, 50_000);
    } finally {
      await p.stop(3000);
    }
  };

  it('allocates: Allocate 401 (realm, nonce) → Allocate with credentials → success; relayed on coturn, mapped = natA', async () => {
    const r = await run({});
    expect(r['event'], JSON.stringify(r)).to.equal('allocated');
    // The third is the Refresh with LIFETIME 0 that releases the allocation when the runner exits.
    expect(r.sent).to.deep.equal(['Allocate request', 'Allocate request', 'Refresh request']);
    expect(r.received).to.deep.equal(['Allocate 401', 'Allocate success']);
    expect((r['relayed'] as { ip: string }).ip).to.equal('198.51.100.130');
    expect((r['mapped'] as { ip: string }).ip).to.equal(labOf().publicIp('A'));
    expect((r['auth'] as { realm: string }).realm).to.equal('lab.local');
    console.log(`      allocated in ${String(r['elapsedMs'])} ms (2 round trips)`);
  });

  it('a stale nonce: Allocate with the old nonce → 438 → one retry with the new nonce → success', async () => {
    const first = await run({});
    const auth = first['auth'] as { realm: string; nonce: string };
    const r = await run({ cachedAuth: auth });
    expect(r['event'], JSON.stringify(r)).to.equal('allocated');
    expect(r.received).to.deep.equal(['Allocate 438', 'Allocate success']);
    expect(r.sent).to.deep.equal(['Allocate request', 'Allocate request', 'Refresh request']);
  });

  it('a wrong password: 401 → credentials → 401 ends in TurnError "unauthorized" naming the user, no third try', async () => {
    const r = await run({ password: 'not-labpass' });
    expect(r['event'], JSON.stringify(r)).to.equal('failed');
    expect(r['code']).to.equal('unauthorized');
    expect(r['stunCode']).to.equal(401);
    expect(String(r['message'])).to.include('"lab"').and.include('wrong username or password');
    expect(r.sent).to.deep.equal(['Allocate request', 'Allocate request']);
    expect(Number(r['elapsedMs'])).to.be.below(10_000);
  });

  it('438 then a wrong password: stale nonce → retry with the new nonce → 401 → TurnError "unauthorized" (no loop)', async () => {
    const first = await run({});
    const r = await run({ cachedAuth: first['auth'], password: 'not-labpass' });
    expect(r['event'], JSON.stringify(r)).to.equal('failed');
    expect(r.received).to.deep.equal(['Allocate 438', 'Allocate 401']);
    expect(r['code']).to.equal('unauthorized');
  });
});
