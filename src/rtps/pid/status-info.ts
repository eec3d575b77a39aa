import { PID_STATUS_INFO } from '../../idl/pid.js';
import type { StatusInfo_t } from '../../idl/rtps-core.js';
import { StatusInfoType } from './core-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_STATUS_INFO: RTPS 2.5 §9.6.4.9. */
export const StatusInfo: ParameterCodec<StatusInfo_t> = parameterCodec(PID_STATUS_INFO, 'PID_STATUS_INFO', StatusInfoType);
