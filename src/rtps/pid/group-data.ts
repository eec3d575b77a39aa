import { PID_GROUP_DATA } from '../../idl/pid.js';
import { octetSequence } from './cdr-type.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_GROUP_DATA: RTPS 2.5 §9.6.3.2 GroupDataQosPolicy. */
export const GroupData: ParameterCodec<Uint8Array> = parameterCodec(PID_GROUP_DATA, 'PID_GROUP_DATA', octetSequence);
