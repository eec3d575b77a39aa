import { PID_EXPECTS_INLINE_QOS } from '../../idl/pid.js';
import { boolean } from './cdr-type.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_EXPECTS_INLINE_QOS: RTPS 2.5 §9.6.2.2. */
export const ExpectsInlineQos: ParameterCodec<boolean> = parameterCodec(PID_EXPECTS_INLINE_QOS, 'PID_EXPECTS_INLINE_QOS', boolean);
