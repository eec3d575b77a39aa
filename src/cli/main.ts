#!/usr/bin/env node
/**
 * The `rtps-ice` command. `demo` is the project's main job (the README's first command): participants
 * behind simulated NATs discover each other, connect with ICE and exchange samples. `walkthrough`
 * shows the bootstrap chain datagram by datagram.
 */
import { writeFileSync } from 'node:fs';
import { formatAddress } from '../util/address.js';
import { RtpsLibError } from '../util/errors.js';
import { encodeUdpPcap } from './pcap.js';
import { runRelayCommand } from './relay-command.js';
import type { NatDemoResult } from './nat-demo.js';
import { runNatDemo } from './nat-demo.js';
import { runWalkthrough } from './walkthrough.js';

const USAGE = `usage: rtps-ice [command] [options]   (no command: demo)

commands:
  demo [--json] [--samples N]
      Pairs of participants, each behind a different simulated NAT (none, full cone, port-restricted,
      symmetric; RFC 4787 behaviours) with a STUN server on the public side, discover each other,
      run ICE on their SEDP and DATA endpoints and exchange reliable LabMsg samples. Virtual time on
      simnet: no root, no traffic beyond this process. Ends with a table of who reached whom and how.
      --json       one JSON object per line
      --samples N  samples per pair (default 100)
  walkthrough [--json] [--pcap FILE] [--seed N]
      Two participants announce ICE credentials in SPDP, run ICE checks on their SEDP endpoints,
      match a LabMsg writer and reader through SEDP (with "DATA" ICE info) and exchange samples.
      Every datagram is built by the library's encoders and decoded and verified by its decoders.
      --json       one JSON object per line instead of the table
      --pcap FILE  also write the datagrams as a pcap (open it in Wireshark)
      --seed N     PRNG seed for GUIDs and credentials (default 1)
  relay -Id ID [-VerticalAddress IP:PORT] [-HorizontalAddress IP:PORT] [-MetaDiscoveryAddress IP:PORT] ...
      An RtpsRelay on real UDP with OpenDDS's option names (rtps-ice relay --help lists them; docs/relay.md).
`;

class UsageError extends RtpsLibError {
  override readonly name = 'UsageError';
}

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
  return v;
}

function cell(v: number | undefined): string {
  return v === undefined ? '-' : `${v} ms`;
}

async function demo(args: readonly string[]): Promise<void> {
  const json = args.includes('--json');
  const samplesText = option(args, '--samples');
  const samples = samplesText === undefined ? 100 : Number(samplesText);
  if (!Number.isInteger(samples) || samples < 1) throw new UsageError(`--samples must be a positive integer, not ${samplesText ?? ''}`);
  const t0 = process.hrtime.bigint();
  if (!json) {
    console.log('rtps-ice demo: two participants per row, each behind a simulated NAT, a STUN server and an RtpsRelay on the public side;');
    console.log(`SPDP -> ICE on SEDP -> SEDP with DATA ICE info -> ICE on DATA -> ${samples} reliable samples, through the relay until ICE selects a direct pair. Virtual time.\n`);
  }
  const header = `${'writer NAT'.padEnd(16)}${'reader NAT'.padEnd(16)}${'discovered'.padStart(11)}${'DATA path'.padStart(11)}${'1st sample'.padStart(11)}  delivered  path`;
  const row = (r: NatDemoResult): string => `${r.writerNat.padEnd(16)}${r.readerNat.padEnd(16)}${cell(r.discoveredMs).padStart(11)}${cell(r.dataSelectedMs).padStart(11)}`
    + `${cell(r.firstSampleMs).padStart(11)}  ${`${r.delivered}/${r.sent}`.padStart(9)}  `
    + (r.path !== undefined ? `direct (ICE) from ${r.path}${r.relayed ? ', relay first' : ''}` : r.delivered > 0 ? 'through the relay (no direct pair)' : r.discoveredMs === undefined ? 'none: no discovery' : 'none');
  const results = await runNatDemo((r) => {
    if (json) {
      console.log(JSON.stringify({ suite: 'demo', writerNat: r.writerNat, readerNat: r.readerNat, discoveredMs: r.discoveredMs ?? null, dataSelectedMs: r.dataSelectedMs ?? null,
        firstSampleMs: r.firstSampleMs ?? null, delivered: r.delivered, sent: r.sent, inOrder: r.inOrder, path: r.path ?? null, relayed: r.relayed }));
    } else {
      if (r.writerNat === 'no NAT' && r.readerNat === 'no NAT') console.log(header);
      console.log(row(r));
    }
  }, { samples });
  const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
  const connected = results.filter((r) => r.delivered === r.sent && r.inOrder).length;
  if (json) {
    console.log(JSON.stringify({ suite: 'demo', metric: 'pairs.connected', unit: 'count', value: connected }));
    console.log(JSON.stringify({ suite: 'demo', metric: 'pairs.total', unit: 'count', value: results.length }));
  } else {
    const direct = results.filter((r) => r.path !== undefined).length;
    console.log(`\n${connected} of ${results.length} pairs delivered every sample in order; ${direct} ended on the ICE-selected direct path.`);
    console.log('The others involve a symmetric NAT that hole punching cannot cross (RFC 4787): the RtpsRelay carries them.');
    console.log(`(${elapsedS.toFixed(1)} s of real time.) Wire-level view of the same chain: npm start -- walkthrough`);
  }
}

function walkthrough(args: readonly string[]): void {
  const json = args.includes('--json');
  const seedText = option(args, '--seed');
  const seed = seedText === undefined ? 1 : Number(seedText);
  if (!Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, not ${seedText ?? ''}`);
  const t0 = process.hrtime.bigint();
  const steps = runWalkthrough(seed);
  const elapsedMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const bytes = steps.reduce((n, s) => n + s.datagram.length, 0);
  if (json) {
    for (const [i, s] of steps.entries()) {
      console.log(JSON.stringify({
        suite: 'demo', step: i + 1, from: s.from, to: s.to, src: formatAddress(s.src), dst: formatAddress(s.dst),
        bytes: s.datagram.length, what: s.what, checked: s.checked,
      }));
    }
    console.log(JSON.stringify({ suite: 'demo', metric: 'walkthrough.datagrams', unit: 'count', value: steps.length }));
    console.log(JSON.stringify({ suite: 'demo', metric: 'walkthrough.bytes', unit: 'B', value: bytes }));
    console.log(JSON.stringify({ suite: 'demo', metric: 'walkthrough.buildAndVerify', unit: 'ms', value: Number(elapsedMs.toFixed(3)) }));
  } else {
    console.log('rtps-ice wire walkthrough: SPDP -> ICE on SEDP -> SEDP with DATA ICE info -> samples\n');
    for (const [i, s] of steps.entries()) {
      const route = `${s.from} -> ${s.to}`.padEnd(12);
      console.log(`${String(i + 1).padStart(2)}. ${route} ${String(s.datagram.length).padStart(5)} B  ${s.what}`);
      console.log(`    ${' '.repeat(12)}          ok: ${s.checked}`);
    }
    console.log(`\n${steps.length} datagrams, ${bytes} bytes, built, decoded and verified in ${elapsedMs.toFixed(1)} ms.`);
  }
  const pcap = option(args, '--pcap');
  if (pcap !== undefined) {
    writeFileSync(pcap, encodeUdpPcap(steps.map((s) => ({ src: s.src.ip, dst: s.dst.ip, srcPort: s.src.port, dstPort: s.dst.port, payload: s.datagram }))));
    if (!json) console.log(`wrote ${pcap} (try: tshark -r ${pcap})`);
  }
}

async function main(argv: readonly string[]): Promise<number> {
  // `npm start` and `npm start -- --json` run the demo: no command, or options only, means `demo`.
  const first = argv[0];
  const isDefault = first === undefined || (first.startsWith('--') && first !== '--help');
  const [command = 'demo', ...args] = isDefault ? ['demo', ...argv] : argv;
  try {
    switch (command) {
      case 'demo': await demo(args); return 0;
      case 'walkthrough': walkthrough(args); return 0;
      case 'relay': return await runRelayCommand(args);
      case '-h': case '--help': case 'help': console.log(USAGE); return 0;
      default: throw new UsageError(`unknown command: ${command}`);
    }
  } catch (err: unknown) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv.slice(2));
