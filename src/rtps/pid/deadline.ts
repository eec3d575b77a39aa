import { PID_DEADLINE } from '../../idl/pid.js';
import type { DeadlineQosPolicy_t } from '../../idl/qos.js';
import { DeadlineType } from './qos-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_DEADLINE: RTPS 2.5 §9.6.3.2. */
export const Deadline: ParameterCodec<DeadlineQosPolicy_t> = parameterCodec(PID_DEADLINE, 'PID_DEADLINE', DeadlineType);
