import { PID_DOMAIN_TAG } from '../../idl/pid.js';
import { string } from './cdr-type.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_DOMAIN_TAG: RTPS 2.5 §9.6.2.2 (must-understand id 0x4014). */
export const DomainTag: ParameterCodec<string> = parameterCodec(PID_DOMAIN_TAG, 'PID_DOMAIN_TAG', string);
