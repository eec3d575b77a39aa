import { PID_TYPE_NAME } from '../../idl/pid.js';
import { string } from './cdr-type.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_TYPE_NAME: RTPS 2.5 §9.6.3.2. */
export const TypeName: ParameterCodec<string> = parameterCodec(PID_TYPE_NAME, 'PID_TYPE_NAME', string);
