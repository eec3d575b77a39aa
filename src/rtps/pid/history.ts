import { PID_HISTORY } from '../../idl/pid.js';
import type { HistoryQosPolicy_t } from '../../idl/qos.js';
import { HistoryType } from './qos-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_HISTORY: RTPS 2.5 §9.6.3.2. */
export const History: ParameterCodec<HistoryQosPolicy_t> = parameterCodec(PID_HISTORY, 'PID_HISTORY', HistoryType);
