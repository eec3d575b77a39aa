import { PID_PARTICIPANT_LEASE_DURATION } from '../../idl/pid.js';
import type { Duration_t } from '../../idl/rtps-core.js';
import { DurationType } from './core-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_PARTICIPANT_LEASE_DURATION: RTPS 2.5 §9.6.2.2 (default 100 s). */
export const ParticipantLeaseDuration: ParameterCodec<Duration_t> = parameterCodec(PID_PARTICIPANT_LEASE_DURATION, 'PID_PARTICIPANT_LEASE_DURATION', DurationType);
