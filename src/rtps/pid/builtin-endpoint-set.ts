import { PID_BUILTIN_ENDPOINT_SET } from '../../idl/pid.js';
import { unsignedLong } from './cdr-type.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_BUILTIN_ENDPOINT_SET: RTPS 2.5 §9.3.2 BuiltinEndpointSet_t. */
export const BuiltinEndpointSet: ParameterCodec<number> = parameterCodec(PID_BUILTIN_ENDPOINT_SET, 'PID_BUILTIN_ENDPOINT_SET', unsignedLong);
