import { PID_LIFESPAN } from '../../idl/pid.js';
import type { LifespanQosPolicy_t } from '../../idl/qos.js';
import { LifespanType } from './qos-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_LIFESPAN: RTPS 2.5 §9.6.3.2. */
export const Lifespan: ParameterCodec<LifespanQosPolicy_t> = parameterCodec(PID_LIFESPAN, 'PID_LIFESPAN', LifespanType);
