/**
 * The serialized key of a builtin-topic instance (RTPS 2.5 §9.6.2.2, §8.5.3.3): a PL_CDR payload
 * holding only PID_PARTICIPANT_GUID (SPDP) or PID_ENDPOINT_GUID (SEDP). It is what a key-only DATA
 * (flag K) carries when a participant or endpoint is disposed / unregistered.
 */
import type { Guid } from '../guid.js';
import { EndpointGuid } from '../pid/endpoint-guid.js';
import { ParticipantGuid } from '../pid/participant-guid.js';
import { guidFromWire, guidToWire } from './common-mapping.js';
import { readPlPayload, writePlPayload } from './pl-payload.js';

/** Encodes `{PID_PARTICIPANT_GUID | PID_ENDPOINT_GUID: guid}` as PL_CDR_LE/BE, options 0. @throws EncodeError */
export function encodeBuiltinKey(kind: 'participant' | 'endpoint', guid: Guid, options: { readonly littleEndian: boolean }): Uint8Array {
  const codec = kind === 'participant' ? ParticipantGuid : EndpointGuid;
  return writePlPayload(options.littleEndian, (w) => { codec.encode(w, guidToWire(guid)); });
}

/**
 * The GUID named by a builtin key payload (PID_ENDPOINT_GUID, else PID_PARTICIPANT_GUID), or
 * undefined when it names none. The result aliases `payload`.
 * @throws DecodeError on a malformed payload.
 */
export function decodeBuiltinKey(payload: Uint8Array): Guid | undefined {
  const { rules, params } = readPlPayload(payload, 'builtin-key');
  let participant: Guid | undefined;
  for (const p of params) {
    if (p.pid === EndpointGuid.pid) return guidFromWire(EndpointGuid.decode(p.value, rules));
    if (p.pid === ParticipantGuid.pid) participant = guidFromWire(ParticipantGuid.decode(p.value, rules));
  }
  return participant;
}
