/** A single agent with captured sends and events, and a builder for hand-made STUN messages. */
import { IceAgent, type IceAgentEvent, type IceAgentInfo, type IceConfigInit, type IceTransmit } from '../../../src/ice/index.js';
import {
  attr, createIntegrityKey, decodeStunMessage, encodeStunMessage, IceControlled, IceControlling, Priority, rawAttr,
  StunMethod, UseCandidate, Username, type EncodableAttribute, type StunMessage,
} from '../../../src/stun/index.js';
import { transportAddress, type TransportAddress } from '../../../src/util/address.js';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/util/logger.js';
import { SeededRandom } from '../../../src/util/prng.js';

export interface Direct {
  readonly clock: ManualClock;
  readonly agent: IceAgent;
  readonly sent: IceTransmit[];
  readonly events: IceAgentEvent[];
  readonly info: IceAgentInfo;
  readonly local: TransportAddress;
}

export function direct(init: IceConfigInit = {}, seed = 7): Direct {
  const clock = new ManualClock();
  const rng = new SeededRandom(seed);
  const sent: IceTransmit[] = [];
  const events: IceAgentEvent[] = [];
  const agent = new IceAgent({
    clock, send: (t) => { sent.push({ ...t, bytes: t.bytes.slice() }); }, emit: (e) => { events.push(e); },
    randomBytes: (n) => rng.bytes(n), log: silentLogger,
  }, { allowLoopback: true, ...init });
  const local = transportAddress('10.0.0.1', 5000);
  const info = agent.addEndpoint({ id: 'E', hostAddresses: [local] });
  return { clock, agent, sent, events, info, local };
}

export interface RequestSpec {
  readonly username?: string | undefined;
  readonly password?: string;
  readonly noIntegrity?: boolean;
  readonly fingerprint?: boolean;
  readonly priority?: number | undefined;
  readonly controlling?: bigint | undefined;
  readonly controlled?: bigint | undefined;
  readonly useCandidate?: boolean;
  readonly extra?: readonly EncodableAttribute[];
  readonly method?: number;
  readonly messageClass?: 'request' | 'indication';
  readonly transactionId?: Uint8Array;
}

let tidCounter = 1;
export function nextTid(): Uint8Array {
  const t = new Uint8Array(12);
  t[8] = (tidCounter >> 24) & 0xff; t[9] = (tidCounter >> 16) & 0xff; t[10] = (tidCounter >> 8) & 0xff; t[11] = tidCounter & 0xff;
  tidCounter++;
  return t;
}

/** A Binding request (by default a valid ICE check from a controlling peer) as raw bytes. */
export function craft(spec: RequestSpec): Uint8Array {
  const attributes: EncodableAttribute[] = [];
  if (spec.priority !== undefined) attributes.push(attr(Priority, spec.priority));
  if (spec.controlling !== undefined) attributes.push(attr(IceControlling, spec.controlling));
  if (spec.controlled !== undefined) attributes.push(attr(IceControlled, spec.controlled));
  if (spec.useCandidate === true) attributes.push(attr(UseCandidate, true));
  if (spec.username !== undefined) attributes.push(attr(Username, spec.username));
  attributes.push(...(spec.extra ?? []));
  return encodeStunMessage({
    method: spec.method ?? StunMethod.binding,
    messageClass: spec.messageClass ?? 'request',
    transactionId: spec.transactionId ?? nextTid(),
    attributes,
    ...(spec.noIntegrity === true || spec.password === undefined ? {} : { integrity: createIntegrityKey(spec.password) }),
    fingerprint: spec.fingerprint ?? true,
  }).slice();
}

export { rawAttr };

export function decode(bytes: Uint8Array): StunMessage {
  return decodeStunMessage(bytes);
}
