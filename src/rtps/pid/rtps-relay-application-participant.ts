import { PID_OPENDDS_RTPS_RELAY_APPLICATION_PARTICIPANT, VENDORID_OPENDDS } from '../../idl/pid.js';
import { boolean } from './cdr-type.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_OPENDDS_RTPS_RELAY_APPLICATION_PARTICIPANT: OpenDDS RtpsCore.idl, spec §2.1 (OpenDDS vendor only). */
export const RtpsRelayApplicationParticipant: ParameterCodec<boolean> = parameterCodec(PID_OPENDDS_RTPS_RELAY_APPLICATION_PARTICIPANT, 'PID_OPENDDS_RTPS_RELAY_APPLICATION_PARTICIPANT', boolean, VENDORID_OPENDDS);
