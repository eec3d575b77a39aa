import { PID_TIME_BASED_FILTER } from '../../idl/pid.js';
import type { TimeBasedFilterQosPolicy_t } from '../../idl/qos.js';
import { TimeBasedFilterType } from './qos-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_TIME_BASED_FILTER: RTPS 2.5 §9.6.3.2. */
export const TimeBasedFilter: ParameterCodec<TimeBasedFilterQosPolicy_t> = parameterCodec(PID_TIME_BASED_FILTER, 'PID_TIME_BASED_FILTER', TimeBasedFilterType);
