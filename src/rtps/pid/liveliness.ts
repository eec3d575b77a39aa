import { PID_LIVELINESS } from '../../idl/pid.js';
import type { LivelinessQosPolicy_t } from '../../idl/qos.js';
import { LivelinessType } from './qos-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_LIVELINESS: RTPS 2.5 §9.6.3.2. */
export const Liveliness: ParameterCodec<LivelinessQosPolicy_t> = parameterCodec(PID_LIVELINESS, 'PID_LIVELINESS', LivelinessType);
