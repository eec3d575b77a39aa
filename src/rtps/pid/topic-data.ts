import { PID_TOPIC_DATA } from '../../idl/pid.js';
import { octetSequence } from './cdr-type.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_TOPIC_DATA: RTPS 2.5 §9.6.3.2 TopicDataQosPolicy. */
export const TopicData: ParameterCodec<Uint8Array> = parameterCodec(PID_TOPIC_DATA, 'PID_TOPIC_DATA', octetSequence);
