import { PID_LATENCY_BUDGET } from '../../idl/pid.js';
import type { LatencyBudgetQosPolicy_t } from '../../idl/qos.js';
import { LatencyBudgetType } from './qos-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_LATENCY_BUDGET: RTPS 2.5 §9.6.3.2. */
export const LatencyBudget: ParameterCodec<LatencyBudgetQosPolicy_t> = parameterCodec(PID_LATENCY_BUDGET, 'PID_LATENCY_BUDGET', LatencyBudgetType);
