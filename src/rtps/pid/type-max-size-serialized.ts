import { PID_TYPE_MAX_SIZE_SERIALIZED } from '../../idl/pid.js';
import { unsignedLong } from './cdr-type.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_TYPE_MAX_SIZE_SERIALIZED: RTPS 2.5 §9.6.2.2. */
export const TypeMaxSizeSerialized: ParameterCodec<number> = parameterCodec(PID_TYPE_MAX_SIZE_SERIALIZED, 'PID_TYPE_MAX_SIZE_SERIALIZED', unsignedLong);
