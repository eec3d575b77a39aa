/**
 * `bench/codecs`: the wire codecs' speed, with the other JavaScript implementations measured side by
 * side in the same run (STUN: werift-ice and npm `stun`; RTPS: none exists on npm).
 *
 * Run: `npm run bench:codecs` (table) or `npm run bench:codecs -- --json` (one JSON object a line).
 */
import { runRtpsBench } from './codecs-rtps.js';
import { runStunBench } from './codecs-stun.js';
import { printResults } from './support/report.js';

printResults([...runStunBench(), ...runRtpsBench()], process.argv.includes('--json'));
