import { PID_DOMAIN_ID } from '../../idl/pid.js';
import { long } from './cdr-type.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_DOMAIN_ID: RTPS 2.5 §9.6.2.2 DomainId_t. */
export const DomainId: ParameterCodec<number> = parameterCodec(PID_DOMAIN_ID, 'PID_DOMAIN_ID', long);
