/**
 * The wire-level walkthrough of the bootstrap chain (../docs/architecture.md): two participants A and
 * B announce ICE credentials in SPDP, run ICE checks on their SEDP endpoints, announce a LabMsg
 * writer and reader with "DATA" ICE info in SEDP, and exchange samples (small ones in DATA, a large
 * one in DATA_FRAG), with relay keepalives and a rejected check on the side. Every datagram is built
 * by the library's encoders and then decoded and verified by its decoders, as a receiver would.
 *
 * Deterministic: credentials and GUIDs come from a seeded PRNG. Nothing is sent; the datagrams can
 * be written to a pcap for Wireshark.
 */
import { compileIdl, PLAIN_CDR_LE } from '../cdr/index.js';
import type { EntityId, GuidPrefix, IceAgentInfo, SedpPublicationData, SedpSubscriptionData, SpdpParticipantData, Submessage } from '../rtps/index.js';
import {
  decodeRtpsMessage, decodeSedpPublicationData, decodeSedpSubscriptionData, decodeSpdpParticipantData,
  encodeRtpsMessage, encodeSedpPublicationData, encodeSedpSubscriptionData, encodeSpdpParticipantData,
  EntityIds, fragmentNumberSetFromMembers, fragmentNumberSetMembers, ICE_KEY_DATA, ICE_KEY_SEDP, ICE_KEY_SPDP, locatorFromAddress,
  PROTOCOL_VERSION_2_4, sequenceNumberSetFromMembers, VendorIds,
} from '../rtps/index.js';
import type { EncodableAttribute, StunMessage } from '../stun/index.js';
import {
  attr, createIntegrityKey, decodeStunMessage, encodeStunMessage, ErrorCode, getAttribute, getMappedAddress,
  GuidPrefix as GuidPrefixAttribute, IceControlled, IceControlling, MappedAddress, methodName, Priority, StunMethod,
  UseCandidate, Username, verifyMessageIntegrity, XorMappedAddress,
} from '../stun/index.js';
import type { TransportAddress } from '../util/address.js';
import { formatAddress, transportAddress } from '../util/address.js';
import { RtpsLibError } from '../util/errors.js';
import { toHex } from '../util/hex.js';
import { SeededRandom } from '../util/prng.js';

/** One datagram of the walkthrough, with what a receiver made of it. */
export interface WalkthroughStep {
  readonly from: string;
  readonly to: string;
  readonly src: TransportAddress;
  readonly dst: TransportAddress;
  readonly datagram: Uint8Array;
  /** What the datagram is, e.g. `SPDP DATA(p) with ICE keys SEDP, SPDP`. */
  readonly what: string;
  /** What decoding and verifying it established, e.g. `integrity verified with B's SEDP password`. */
  readonly checked: string;
}

/** Thrown when a decoded datagram does not say what was encoded: a codec bug, never expected. */
export class WalkthroughError extends RtpsLibError {
  override readonly name = 'WalkthroughError';
}

const LAB_MSG_IDL = 'struct Msg { long id; string text; };';
const LAB_TOPIC = 'LabMsg';
/** Entity key 0x000001; kinds USER_WRITER_NO_KEY (0x03) and USER_READER_NO_KEY (0x04): Msg has no key (RTPS 2.5 Table 9.1). */
const WRITER_ID: EntityId = 0x00000103;
const READER_ID: EntityId = 0x00000104;
/** RTPS 2.5 §9.3.2 BuiltinEndpointSet bits: participant announcer/detector, publications and subscriptions announcer/detector. */
const BUILTIN_ENDPOINTS = 0x1 | 0x2 | 0x4 | 0x8 | 0x10 | 0x20;
/** OpenDDS spec §5.4: peer-reflexive priority carried in checks, IPv4. */
const PRFLX_PRIORITY_V4 = 1862270719;
/** OpenDDS spec §5.4: host candidate priority, IPv4. */
const HOST_PRIORITY_V4 = 2130706175;

interface Side {
  readonly name: string;
  readonly prefix: GuidPrefix;
  readonly spdp: TransportAddress;
  readonly sedp: TransportAddress;
  readonly data: TransportAddress;
  readonly ice: Readonly<Record<'SPDP' | 'SEDP' | 'DATA', IceAgentInfo>>;
  readonly tieBreaker: bigint;
}

function makeSide(name: string, rng: SeededRandom, participantIndex: number, sedpPort: number, dataPort: number): Side {
  const prefix = new Uint8Array(12);
  prefix.set(rng.bytes(12));
  const spdp = transportAddress('127.0.0.1', 7400 + 10 + 2 * participantIndex);
  const sedp = transportAddress('127.0.0.1', sedpPort);
  const data = transportAddress('127.0.0.1', dataPort);
  const agent = (address: TransportAddress): IceAgentInfo => ({
    type: 'full',
    username: toHex(rng.bytes(16)),
    password: toHex(rng.bytes(16)),
    candidates: [{ address, foundation: `H${address.ip}U`, priority: HOST_PRIORITY_V4, type: 'host' }],
  });
  const tie = rng.bytes(8);
  const tieBreaker = new DataView(tie.buffer).getBigUint64(0);
  return { name, prefix, spdp, sedp, data, ice: { SPDP: agent(spdp), SEDP: agent(sedp), DATA: agent(data) }, tieBreaker };
}

function expect(condition: boolean, what: string): void {
  if (!condition) throw new WalkthroughError(`walkthrough check failed: ${what}`);
}

function rtps(from: Side, submessages: readonly Submessage[]): Uint8Array {
  return encodeRtpsMessage({ protocolVersion: PROTOCOL_VERSION_2_4, vendorId: VendorIds.UNKNOWN, guidPrefix: from.prefix }, submessages);
}

function dataSubmessage(writerId: EntityId, readerId: EntityId, sn: number, payload: Uint8Array): Submessage {
  return { kind: 'data', readerId, writerId, writerSN: sn, inlineQos: undefined, serializedData: payload, serializedKey: undefined };
}

const NOW = { seconds: 1_800_000_000, fraction: 0 };

/** Builds, decodes and verifies every datagram of the walkthrough. @param seed PRNG seed for GUIDs and credentials. */
export function runWalkthrough(seed = 1): WalkthroughStep[] {
  const rng = new SeededRandom(seed);
  const a = makeSide('A', rng, 0, 40010, 40110);
  const b = makeSide('B', rng, 1, 40020, 40120);
  const relay = { spdp: transportAddress('127.0.0.1', 4444) };
  const steps: WalkthroughStep[] = [];
  const push = (s: WalkthroughStep): void => { steps.push(s); };

  // 1-2. SPDP: each side announces itself with the ICE info of its SPDP and SEDP endpoints.
  const spdpOf = (s: Side): SpdpParticipantData => ({
    guidPrefix: s.prefix,
    protocolVersion: PROTOCOL_VERSION_2_4,
    vendorId: VendorIds.UNKNOWN,
    builtinEndpoints: BUILTIN_ENDPOINTS,
    leaseDurationMs: 100_000,
    metatrafficUnicastLocators: [locatorFromAddress(s.sedp)],
    metatrafficMulticastLocators: [],
    defaultUnicastLocators: [locatorFromAddress(s.data)],
    defaultMulticastLocators: [],
    properties: [],
    entityName: `participant ${s.name}`,
    ice: new Map([[ICE_KEY_SPDP, s.ice.SPDP], [ICE_KEY_SEDP, s.ice.SEDP]]),
    unknownParameters: [],
  });
  const learned = new Map<string, SpdpParticipantData>();
  for (const [from, to] of [[a, b], [b, a]] as const) {
    const datagram = rtps(from, [
      { kind: 'info-ts', timestamp: NOW },
      dataSubmessage(EntityIds.SPDP_BUILTIN_PARTICIPANT_ANNOUNCER, EntityIds.UNKNOWN, 1, encodeSpdpParticipantData(spdpOf(from), { littleEndian: true })),
    ]);
    const msg = decodeRtpsMessage(datagram);
    const data = msg.submessages[1];
    expect(data?.kind === 'data' && data.serializedData !== undefined, 'SPDP DATA present');
    const payload = data?.kind === 'data' ? data.serializedData : undefined;
    const spdp = decodeSpdpParticipantData(payload ?? new Uint8Array(0), msg.header.vendorId);
    const sedpInfo = spdp.ice.get(ICE_KEY_SEDP);
    expect(sedpInfo?.password === from.ice.SEDP.password, 'SEDP ICE credentials survive SPDP');
    learned.set(to.name, spdp);
    push({
      from: from.name, to: to.name, src: from.spdp, dst: to.spdp, datagram,
      what: `SPDP DATA(p) with ICE keys ${[...spdp.ice.keys()].join(', ')}`,
      checked: `${to.name} learned ${from.name}'s SEDP ufrag ${sedpInfo?.username.slice(0, 8) ?? '?'}… and ${sedpInfo?.candidates.length ?? 0} candidate(s)`,
    });
  }

  // 3-7. ICE on the SEDP endpoint: the side whose username sorts first controls (OpenDDS rule, spec §5.5).
  const [ctl, ced] = a.ice.SEDP.username < b.ice.SEDP.username ? [a, b] : [b, a];
  const txid = (): Uint8Array => rng.bytes(12);
  const check = (from: Side, to: Side, nominate: boolean, password = to.ice.SEDP.password): Uint8Array => {
    const attributes: EncodableAttribute[] = [
      attr(Priority, PRFLX_PRIORITY_V4),
      from === ctl ? attr(IceControlling, from.tieBreaker) : attr(IceControlled, from.tieBreaker),
    ];
    if (nominate) attributes.push(attr(UseCandidate, true));
    attributes.push(attr(Username, `${to.ice.SEDP.username}:${from.ice.SEDP.username}`));
    return encodeStunMessage({
      method: StunMethod.binding, messageClass: 'request', transactionId: txid(), attributes,
      integrity: createIntegrityKey(password), fingerprint: true,
    });
  };
  const answer = (request: StunMessage, responder: Side, source: TransportAddress): Uint8Array => encodeStunMessage({
    method: StunMethod.binding, messageClass: 'success', transactionId: request.transactionId,
    attributes: [attr(MappedAddress, source), attr(XorMappedAddress, source)],
    integrity: createIntegrityKey(responder.ice.SEDP.password), fingerprint: true,
  });
  for (const nominate of [false, true]) {
    const reqBytes = check(ctl, ced, nominate);
    const req = decodeStunMessage(reqBytes);
    const user = getAttribute(req, Username) ?? '';
    expect(user.startsWith(`${ced.ice.SEDP.username}:`), 'USERNAME names the responder first');
    expect(verifyMessageIntegrity(req, createIntegrityKey(ced.ice.SEDP.password)), 'check integrity');
    expect(getAttribute(req, UseCandidate) === (nominate ? true : undefined), 'USE-CANDIDATE as sent');
    push({
      from: ctl.name, to: ced.name, src: ctl.sedp, dst: ced.sedp, datagram: reqBytes,
      what: `STUN Binding request (ICE check${nominate ? ', USE-CANDIDATE' : ''}), ${ctl.name} controlling`,
      checked: `${ced.name} verified MESSAGE-INTEGRITY with its SEDP password and FINGERPRINT`,
    });
    const resBytes = answer(req, ced, ctl.sedp);
    const res = decodeStunMessage(resBytes);
    const mapped = getMappedAddress(res);
    expect(verifyMessageIntegrity(res, createIntegrityKey(ced.ice.SEDP.password)), 'response integrity');
    expect(mapped !== undefined && formatAddress(mapped) === formatAddress(ctl.sedp), 'XOR-MAPPED-ADDRESS is the source');
    push({
      from: ced.name, to: ctl.name, src: ced.sedp, dst: ctl.sedp, datagram: resBytes,
      what: 'STUN Binding success response',
      checked: `${ctl.name} verified it; mapped address ${mapped ? formatAddress(mapped) : '?'}${nominate ? ': pair nominated' : ': pair valid'}`,
    });
  }
  // A check keyed with a stale password is answered 401 (OpenDDS spec §5.9 row 5).
  const stale = decodeStunMessage(check(ctl, ced, false, 'ffffffffffffffffffffffffffffffff'));
  expect(!verifyMessageIntegrity(stale, createIntegrityKey(ced.ice.SEDP.password)), 'stale password rejected');
  const unauthorized = encodeStunMessage({
    method: StunMethod.binding, messageClass: 'error', transactionId: stale.transactionId,
    attributes: [attr(ErrorCode, { code: 401, reason: 'Unauthorized' })],
    integrity: createIntegrityKey(ced.ice.SEDP.password), fingerprint: true,
  });
  push({
    from: ced.name, to: ctl.name, src: ced.sedp, dst: ctl.sedp, datagram: unauthorized,
    what: 'STUN Binding error response 401 Unauthorized',
    checked: `a check keyed with a stale password failed integrity at ${ced.name} and was refused`,
  });
  const indication = encodeStunMessage({
    method: StunMethod.binding, messageClass: 'indication', transactionId: txid(),
    attributes: [attr(Username, `${ced.ice.SEDP.username}:${ctl.ice.SEDP.username}`)],
    integrity: createIntegrityKey(ced.ice.SEDP.password), fingerprint: true,
  });
  expect(verifyMessageIntegrity(decodeStunMessage(indication), createIntegrityKey(ced.ice.SEDP.password)), 'indication integrity');
  push({
    from: ctl.name, to: ced.name, src: ctl.sedp, dst: ced.sedp, datagram: indication,
    what: 'STUN Binding indication (keepalive on the selected pair)',
    checked: `${ced.name} verified it: the nominated pair stays live (NominatedTTL)`,
  });

  // 8-9. Relay keepalive from A's SPDP socket with GUID_PREFIX (spec §6.1) and the relay's answer.
  const keepalive = encodeStunMessage({
    method: StunMethod.binding, messageClass: 'request', transactionId: txid(),
    attributes: [attr(GuidPrefixAttribute, a.prefix)], fingerprint: true,
  });
  const ka = decodeStunMessage(keepalive);
  expect(toHex(getAttribute(ka, GuidPrefixAttribute) ?? new Uint8Array(0)) === toHex(a.prefix), 'GUID_PREFIX');
  push({
    from: 'A', to: 'relay', src: a.spdp, dst: relay.spdp, datagram: keepalive,
    what: 'STUN Binding request with GUID_PREFIX (RtpsRelay keepalive)',
    checked: `the relay registers ${toHex(a.prefix)} at ${formatAddress(a.spdp)}`,
  });
  const relayAnswer = encodeStunMessage({
    method: StunMethod.binding, messageClass: 'success', transactionId: ka.transactionId,
    attributes: [attr(MappedAddress, a.spdp), attr(XorMappedAddress, a.spdp)], fingerprint: true,
  });
  const ra = decodeStunMessage(relayAnswer);
  push({
    from: 'relay', to: 'A', src: relay.spdp, dst: a.spdp, datagram: relayAnswer,
    what: `STUN ${methodName(ra.method)} success response from the relay`,
    checked: `A's server-reflexive address is ${formatAddress(getMappedAddress(ra) ?? a.spdp)}`,
  });

  // 10-11. SEDP over the selected pair: A announces its LabMsg writer, B its reader, each with "DATA" ICE info.
  const qos = { reliability: { kind: 'reliable', maxBlockingTimeMs: 100 }, durability: 'transient-local', history: { kind: 'keep-all', depth: 1 } } as const;
  const publication: SedpPublicationData = {
    endpointGuid: { prefix: a.prefix, entityId: WRITER_ID }, participantGuid: { prefix: a.prefix, entityId: EntityIds.PARTICIPANT },
    topicName: LAB_TOPIC, typeName: 'Msg', qos, unicastLocators: [locatorFromAddress(a.data)], multicastLocators: [],
    ice: new Map([[ICE_KEY_DATA, a.ice.DATA]]), unknownParameters: [],
  };
  const subscription: SedpSubscriptionData = {
    endpointGuid: { prefix: b.prefix, entityId: READER_ID }, participantGuid: { prefix: b.prefix, entityId: EntityIds.PARTICIPANT },
    topicName: LAB_TOPIC, typeName: 'Msg', qos, unicastLocators: [locatorFromAddress(b.data)], multicastLocators: [],
    ice: new Map([[ICE_KEY_DATA, b.ice.DATA]]), unknownParameters: [],
  };
  const pubDatagram = rtps(a, [
    { kind: 'info-dst', guidPrefix: b.prefix },
    { kind: 'info-ts', timestamp: NOW },
    dataSubmessage(EntityIds.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER, EntityIds.SEDP_BUILTIN_PUBLICATIONS_DETECTOR, 1, encodeSedpPublicationData(publication, { littleEndian: true })),
    { kind: 'heartbeat', readerId: EntityIds.SEDP_BUILTIN_PUBLICATIONS_DETECTOR, writerId: EntityIds.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER, firstSN: 1, lastSN: 1, count: 1, isFinal: false, isLiveliness: false },
  ]);
  const pubMsg = decodeRtpsMessage(pubDatagram);
  const pubSub = pubMsg.submessages[2];
  const pub = decodeSedpPublicationData(pubSub?.kind === 'data' ? pubSub.serializedData ?? new Uint8Array(0) : new Uint8Array(0), pubMsg.header.vendorId);
  expect(pub.topicName === LAB_TOPIC && pub.ice.get(ICE_KEY_DATA)?.username === a.ice.DATA.username, 'SEDP publication');
  push({
    from: 'A', to: 'B', src: a.sedp, dst: b.sedp, datagram: pubDatagram,
    what: `SEDP DATA(w) "${pub.topicName}" (${pub.typeName}) with ICE key DATA + HEARTBEAT`,
    checked: `B will run ICE toward A's DATA endpoint (ufrag ${pub.ice.get(ICE_KEY_DATA)?.username.slice(0, 8) ?? '?'}…)`,
  });
  const subDatagram = rtps(b, [
    { kind: 'info-dst', guidPrefix: a.prefix },
    { kind: 'acknack', readerId: EntityIds.SEDP_BUILTIN_PUBLICATIONS_DETECTOR, writerId: EntityIds.SEDP_BUILTIN_PUBLICATIONS_ANNOUNCER, readerSNState: sequenceNumberSetFromMembers(2, []), count: 1, isFinal: true },
    { kind: 'info-ts', timestamp: NOW },
    dataSubmessage(EntityIds.SEDP_BUILTIN_SUBSCRIPTIONS_ANNOUNCER, EntityIds.SEDP_BUILTIN_SUBSCRIPTIONS_DETECTOR, 1, encodeSedpSubscriptionData(subscription, { littleEndian: true })),
  ]);
  const subMsg = decodeRtpsMessage(subDatagram);
  const subData = subMsg.submessages[3];
  const sub = decodeSedpSubscriptionData(subData?.kind === 'data' ? subData.serializedData ?? new Uint8Array(0) : new Uint8Array(0), subMsg.header.vendorId);
  expect(sub.qos.reliability?.kind === 'reliable', 'SEDP subscription QoS');
  push({
    from: 'B', to: 'A', src: b.sedp, dst: a.sedp, datagram: subDatagram,
    what: `ACKNACK + SEDP DATA(r) "${sub.topicName}" with ICE key DATA`,
    checked: 'A matched its writer to B\'s reader (topic, type, reliable, transient-local)',
  });

  // 12-16. User data on the DATA endpoints: a small sample, a large one in fragments, repair and a GAP.
  const codec = compileIdl(LAB_MSG_IDL).codec('Msg');
  const small = codec.encode({ id: 1, text: 'hello from A' }, { encapsulation: PLAIN_CDR_LE });
  const dataDatagram = rtps(a, [
    { kind: 'info-dst', guidPrefix: b.prefix },
    { kind: 'info-ts', timestamp: NOW },
    dataSubmessage(WRITER_ID, READER_ID, 1, small),
    { kind: 'heartbeat', readerId: READER_ID, writerId: WRITER_ID, firstSN: 1, lastSN: 1, count: 1, isFinal: false, isLiveliness: false },
  ]);
  const dm = decodeRtpsMessage(dataDatagram).submessages[2];
  const sample = codec.decode(dm?.kind === 'data' ? dm.serializedData ?? new Uint8Array(0) : new Uint8Array(0));
  const { id, text } = sample;
  expect(id === 1 && text === 'hello from A', 'user sample');
  push({
    from: 'A', to: 'B', src: a.data, dst: b.data, datagram: dataDatagram,
    what: 'DATA LabMsg #1 + HEARTBEAT', checked: `B read Msg { id: ${typeof id === 'number' ? id : '?'}, text: "${typeof text === 'string' ? text : '?'}" }`,
  });
  const big = codec.encode({ id: 2, text: 'x'.repeat(1800) }, { encapsulation: PLAIN_CDR_LE });
  const fragmentSize = 1024;
  const reassembly = new Uint8Array(big.length);
  for (let frag = 1; frag <= 2; frag++) {
    const piece = big.subarray((frag - 1) * fragmentSize, frag * fragmentSize);
    const datagram = rtps(a, [
      { kind: 'info-dst', guidPrefix: b.prefix },
      {
        kind: 'data-frag', readerId: READER_ID, writerId: WRITER_ID, writerSN: 2, fragmentStartingNum: frag, fragmentsInSubmessage: 1,
        fragmentSize, sampleSize: big.length, inlineQos: undefined, isKey: false, fragments: piece,
      },
    ]);
    const df = decodeRtpsMessage(datagram).submessages[1];
    if (df?.kind !== 'data-frag') throw new WalkthroughError('walkthrough check failed: DATA_FRAG');
    reassembly.set(df.fragments.subarray(0, Math.min(df.fragmentSize, df.sampleSize - (df.fragmentStartingNum - 1) * df.fragmentSize)), (df.fragmentStartingNum - 1) * df.fragmentSize);
    const last = frag === 2 ? codec.decode(reassembly) : undefined;
    push({
      from: 'A', to: 'B', src: a.data, dst: b.data, datagram,
      what: `DATA_FRAG LabMsg #2 fragment ${frag}/2 (${piece.length} of ${big.length} B)`,
      checked: last === undefined
        ? `B decoded fragment ${df.fragmentStartingNum} of sample #${df.writerSN} (${df.sampleSize} B)`
        : `B reassembled #2 and read Msg { id: ${typeof last.id === 'number' ? last.id : '?'}, text: ${typeof last.text === 'string' ? last.text.length : '?'} characters }`,
    });
  }
  const nackFrag = rtps(b, [
    { kind: 'info-dst', guidPrefix: a.prefix },
    { kind: 'nack-frag', readerId: READER_ID, writerId: WRITER_ID, writerSN: 2, fragmentNumberState: fragmentNumberSetFromMembers(2, [2]), count: 1 },
  ]);
  const nf = decodeRtpsMessage(nackFrag).submessages[1];
  const missing = nf?.kind === 'nack-frag' ? fragmentNumberSetMembers(nf.fragmentNumberState) : [];
  push({ from: 'B', to: 'A', src: b.data, dst: a.data, datagram: nackFrag, what: 'NACK_FRAG (as B sends when a fragment is lost)', checked: `A decoded a request for fragment(s) ${missing.join(', ')} of #2` });
  const repair = rtps(a, [
    { kind: 'info-dst', guidPrefix: b.prefix },
    { kind: 'heartbeat-frag', readerId: READER_ID, writerId: WRITER_ID, writerSN: 2, lastFragmentNum: 2, count: 1 },
    { kind: 'gap', readerId: READER_ID, writerId: WRITER_ID, gapStart: 3, gapList: sequenceNumberSetFromMembers(4, []) },
    { kind: 'heartbeat', readerId: READER_ID, writerId: WRITER_ID, firstSN: 1, lastSN: 3, count: 2, isFinal: true, isLiveliness: false },
  ]);
  const rep = decodeRtpsMessage(repair).submessages;
  expect(rep[2]?.kind === 'gap' && rep[2].gapStart === 3, 'GAP');
  push({ from: 'A', to: 'B', src: a.data, dst: b.data, datagram: repair, what: 'HEARTBEAT_FRAG + GAP #3 + HEARTBEAT', checked: `B decoded GAP from #${rep[2]?.kind === 'gap' ? rep[2].gapStart : '?'}: #3 will never come` });
  const ack = rtps(b, [
    { kind: 'info-dst', guidPrefix: a.prefix },
    { kind: 'acknack', readerId: READER_ID, writerId: WRITER_ID, readerSNState: sequenceNumberSetFromMembers(4, []), count: 2, isFinal: true },
  ]);
  const ackState = decodeRtpsMessage(ack).submessages[1];
  push({ from: 'B', to: 'A', src: b.data, dst: a.data, datagram: ack, what: 'ACKNACK: all up to #3 received', checked: `A decoded base #${ackState?.kind === 'acknack' ? ackState.readerSNState.base : '?'} with nothing missing` });
  return steps;
}
