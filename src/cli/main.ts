#!/usr/bin/env node
/**
 * The `rtps-ice` command. `demo` is the project's main job (the README's first command); until the
 * transport, ICE agent and relay land it runs the wire-level walkthrough of the bootstrap chain.
 */
import { writeFileSync } from 'node:fs';
import { formatAddress } from '../util/address.js';
import { RtpsLibError } from '../util/errors.js';
import { encodeUdpPcap } from './pcap.js';
import { runWalkthrough } from './walkthrough.js';

const USAGE = `usage: rtps-ice <command> [options]

commands:
  demo [--json] [--pcap FILE] [--seed N]
      Two participants announce ICE credentials in SPDP, run ICE checks on their SEDP endpoints,
      match a LabMsg writer and reader through SEDP (with "DATA" ICE info) and exchange samples.
      Every datagram is built by the library's encoders and decoded and verified by its decoders.
      --json       one JSON object per line instead of the table
      --pcap FILE  also write the datagrams as a pcap (open it in Wireshark)
      --seed N     PRNG seed for GUIDs and credentials (default 1)
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

function demo(args: readonly string[]): void {
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
    console.log('The UDP transport, the ICE agent and the relay arrive in the next issues; this demo then grows into');
    console.log('participants behind simulated NATs discovering each other through a relay.');
  }
  const pcap = option(args, '--pcap');
  if (pcap !== undefined) {
    writeFileSync(pcap, encodeUdpPcap(steps.map((s) => ({ src: s.src.ip, dst: s.dst.ip, srcPort: s.src.port, dstPort: s.dst.port, payload: s.datagram }))));
    if (!json) console.log(`wrote ${pcap} (try: tshark -r ${pcap})`);
  }
}

function main(argv: readonly string[]): number {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'demo': demo(args); return 0;
      case undefined: case '-h': case '--help': case 'help': console.log(USAGE); return command === undefined ? 2 : 0;
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

process.exitCode = main(process.argv.slice(2));
