import { PID_USER_DATA } from '../../idl/pid.js';
import { octetSequence } from './cdr-type.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_USER_DATA: RTPS 2.5 §9.6.3.2 UserDataQosPolicy. */
export const UserData: ParameterCodec<Uint8Array> = parameterCodec(PID_USER_DATA, 'PID_USER_DATA', octetSequence);
