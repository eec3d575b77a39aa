import { PID_PARTICIPANT_MANUAL_LIVELINESS_COUNT } from '../../idl/pid.js';
import { long } from './cdr-type.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_PARTICIPANT_MANUAL_LIVELINESS_COUNT: RTPS 2.5 §9.6.2.2 Count_t. */
export const ParticipantManualLivelinessCount: ParameterCodec<number> = parameterCodec(PID_PARTICIPANT_MANUAL_LIVELINESS_COUNT, 'PID_PARTICIPANT_MANUAL_LIVELINESS_COUNT', long);
