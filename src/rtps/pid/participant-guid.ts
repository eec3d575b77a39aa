import { PID_PARTICIPANT_GUID } from '../../idl/pid.js';
import type { GUID_t } from '../../idl/rtps-core.js';
import { GuidType } from './core-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_PARTICIPANT_GUID: RTPS 2.5 §9.6.2.2. */
export const ParticipantGuid: ParameterCodec<GUID_t> = parameterCodec(PID_PARTICIPANT_GUID, 'PID_PARTICIPANT_GUID', GuidType);
