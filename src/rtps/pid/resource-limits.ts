import { PID_RESOURCE_LIMITS } from '../../idl/pid.js';
import type { ResourceLimitsQosPolicy_t } from '../../idl/qos.js';
import { ResourceLimitsType } from './qos-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_RESOURCE_LIMITS: RTPS 2.5 §9.6.3.2. */
export const ResourceLimits: ParameterCodec<ResourceLimitsQosPolicy_t> = parameterCodec(PID_RESOURCE_LIMITS, 'PID_RESOURCE_LIMITS', ResourceLimitsType);
