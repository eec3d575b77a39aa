import { PID_RELIABILITY } from '../../idl/pid.js';
import type { ReliabilityQosPolicy_t } from '../../idl/qos.js';
import { ReliabilityType } from './qos-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_RELIABILITY: RTPS 2.5 §9.6.3.2. */
export const Reliability: ParameterCodec<ReliabilityQosPolicy_t> = parameterCodec(PID_RELIABILITY, 'PID_RELIABILITY', ReliabilityType);
