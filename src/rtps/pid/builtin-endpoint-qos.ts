import { PID_BUILTIN_ENDPOINT_QOS } from '../../idl/pid.js';
import { unsignedLong } from './cdr-type.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_BUILTIN_ENDPOINT_QOS: RTPS 2.5 §9.3.2 BuiltinEndpointQos_t. */
export const BuiltinEndpointQos: ParameterCodec<number> = parameterCodec(PID_BUILTIN_ENDPOINT_QOS, 'PID_BUILTIN_ENDPOINT_QOS', unsignedLong);
