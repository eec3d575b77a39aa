import { PID_TOPIC_NAME } from '../../idl/pid.js';
import { string } from './cdr-type.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_TOPIC_NAME: RTPS 2.5 §9.6.3.2. */
export const TopicName: ParameterCodec<string> = parameterCodec(PID_TOPIC_NAME, 'PID_TOPIC_NAME', string);
