import { PID_ENTITY_NAME } from '../../idl/pid.js';
import { string } from './cdr-type.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_ENTITY_NAME: RTPS 2.5 §9.6.2.2 EntityName_t. */
export const EntityName: ParameterCodec<string> = parameterCodec(PID_ENTITY_NAME, 'PID_ENTITY_NAME', string);
