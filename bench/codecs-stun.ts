/**
 * STUN codec benchmark: parse + verify (MESSAGE-INTEGRITY and FINGERPRINT) and build of an ICE
 * connectivity check request (USERNAME, PRIORITY, ICE-CONTROLLING, MESSAGE-INTEGRITY, FINGERPRINT;
 * the OpenDDS spec §13.1 vector), measured side by side with werift-ice 0.2.3 and npm `stun` 2.1.0
 * on the same message in the same run (STYLE.md rule 18). `stun.build` is the agent's path (attributes
 * prepared per pair, key kept); `stun.buildFromValues` encodes every attribute on each call.
 *
 * Run alone: `npx tsx bench/codecs-stun.ts [--json]`.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { classes, Message, methods, parseMessage } from 'werift-ice';
import {
  attr, createIntegrityKey, decodeStunMessage, encodeStunMessage, fingerprintOf, IceControlling, prepareAttribute,
  Priority, StunMethod, Username, verifyMessageIntegrity,
} from '../src/stun/index.js';
import { bytesEqual } from '../src/util/hex.js';
import { printResults, timePerCallNs, type BenchResult } from './support/report.js';

/** The part of npm `stun` 2.1.0 (untyped CommonJS) this bench uses. */
interface NpmStunMessage {
  addUsername(username: string): unknown;
  addPriority(priority: number): unknown;
  addIceControlling(tieBreaker: Buffer): unknown;
  addMessageIntegrity(key: string): unknown;
  addFingerprint(): unknown;
  toBuffer(): Buffer;
}
interface NpmStun {
  createMessage(type: number, transaction: Buffer): NpmStunMessage;
  decode(bytes: Buffer): unknown;
  validateMessageIntegrity(message: unknown, password: string): boolean;
  validateFingerprint(message: unknown): boolean;
  constants: { STUN_BINDING_REQUEST: number };
}

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- npm `stun` ships no types; NpmStun describes what is used
const npmStun: NpmStun = require('stun');

const TRANSACTION_ID = Uint8Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
const PASSWORD = '0123456789abcdeffedcba9876543210';
const USERNAME = `${'2'.repeat(32)}:${'1'.repeat(32)}`;
const PRIORITY = 0x6efffeff;
const TIE_BREAKER = 0x0102030405060708n;

/**
 * What an ICE agent keeps per candidate pair: PRIORITY (per pair), ICE-CONTROLLING (per role) and
 * USERNAME (per checklist) encoded once, and the remote password's key (RFC 8445 §7.2.2).
 */
const PAIR_ATTRIBUTES = [prepareAttribute(Priority, PRIORITY), prepareAttribute(IceControlling, TIE_BREAKER), prepareAttribute(Username, USERNAME)];
const PAIR_KEY = createIntegrityKey(PASSWORD);

/** A check as the agent sends it: the whole message is written and signed each time. */
function buildOurs(): Uint8Array {
  return encodeStunMessage({
    method: StunMethod.binding,
    messageClass: 'request',
    transactionId: TRANSACTION_ID,
    attributes: PAIR_ATTRIBUTES,
    integrity: PAIR_KEY,
    fingerprint: true,
  });
}

/** The same message from values alone: every attribute encoded and the key looked up per call. */
function buildOursFromValues(): Uint8Array {
  return encodeStunMessage({
    method: StunMethod.binding,
    messageClass: 'request',
    transactionId: TRANSACTION_ID,
    attributes: [attr(Priority, PRIORITY), attr(IceControlling, TIE_BREAKER), attr(Username, USERNAME)],
    integrity: createIntegrityKey(PASSWORD),
    fingerprint: true,
  });
}

const TID_BUFFER = Buffer.from(TRANSACTION_ID);
const KEY_BUFFER = Buffer.from(PASSWORD);
const TIE_BUFFER = Buffer.from('0102030405060708', 'hex');

function buildWerift(): Buffer {
  return new Message(methods.BINDING, classes.REQUEST, TID_BUFFER)
    .setAttribute('PRIORITY', PRIORITY)
    .setAttribute('ICE-CONTROLLING', TIE_BREAKER)
    .setAttribute('USERNAME', USERNAME)
    .addMessageIntegrity(KEY_BUFFER)
    .addFingerprint().bytes;
}

function buildNpmStun(): Buffer {
  const m = npmStun.createMessage(npmStun.constants.STUN_BINDING_REQUEST, TID_BUFFER);
  m.addPriority(PRIORITY);
  m.addIceControlling(TIE_BUFFER);
  m.addUsername(USERNAME);
  m.addMessageIntegrity(PASSWORD);
  m.addFingerprint();
  return m.toBuffer();
}

/** Runs the STUN codec benchmarks (suite `codecs`). Takes a few seconds. */
export function runStunBench(): BenchResult[] {
  const ours = buildOurs();
  const asBuffer = Buffer.from(ours);
  // Same message everywhere: every builder must produce the bytes we parse.
  const sameWerift = bytesEqual(buildWerift(), ours);
  const sameNpm = bytesEqual(buildNpmStun(), ours);
  const sameFromValues = bytesEqual(buildOursFromValues(), ours);
  if (!sameWerift || !sameNpm || !sameFromValues) {
    throw new Error(`builders disagree: werift ${sameWerift}, stun ${sameNpm}, ours from values ${sameFromValues}`);
  }

  const key = createIntegrityKey(PASSWORD);
  const parseVerifyOurs = (): boolean => verifyMessageIntegrity(decodeStunMessage(ours), key);
  const parseVerifyWerift = (): boolean => parseMessage(asBuffer, KEY_BUFFER) !== undefined;
  const parseVerifyNpm = (): boolean => {
    const m = npmStun.decode(asBuffer);
    return npmStun.validateMessageIntegrity(m, PASSWORD) && npmStun.validateFingerprint(m);
  };
  if (!parseVerifyOurs() || !parseVerifyWerift()) throw new Error('verification failed');
  // npm `stun` re-encodes before hashing; on this zero-padded message it verifies (it fails the 0x20-padded RFC 5769 vectors).
  const npmVerifies = parseVerifyNpm();

  const us = (ns: number): number => Math.round(ns) / 1000;
  const fpEnd = ours.length - 8;
  const results: BenchResult[] = [
    {
      suite: 'codecs', metric: 'stun.parseVerify', unit: 'us', value: us(timePerCallNs(parseVerifyOurs, 50_000)),
      against: { 'werift-ice': us(timePerCallNs(parseVerifyWerift, 10_000)), stun: us(timePerCallNs(parseVerifyNpm, 5_000)) },
    },
    {
      suite: 'codecs', metric: 'stun.build', unit: 'us', value: us(timePerCallNs(buildOurs, 50_000)),
      against: { 'werift-ice': us(timePerCallNs(buildWerift, 10_000)), stun: us(timePerCallNs(buildNpmStun, 5_000)) },
    },
    { suite: 'codecs', metric: 'stun.buildFromValues', unit: 'us', value: us(timePerCallNs(buildOursFromValues, 50_000)) },
    {
      suite: 'codecs', metric: 'stun.parse', unit: 'us', value: us(timePerCallNs(() => decodeStunMessage(ours), 100_000)),
      against: { 'werift-ice': us(timePerCallNs(() => parseMessage(asBuffer), 10_000)), stun: us(timePerCallNs(() => npmStun.decode(asBuffer), 5_000)) },
    },
    { suite: 'codecs', metric: 'stun.fingerprintOnly', unit: 'us', value: us(timePerCallNs(() => fingerprintOf(ours, fpEnd), 200_000)) },
  ];
  if (!npmVerifies) process.emitWarning('npm stun validation returned false on the benchmark message; timed anyway');
  return results;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printResults(runStunBench(), process.argv.includes('--json'));
}
