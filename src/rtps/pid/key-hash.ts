import { PID_KEY_HASH } from '../../idl/pid.js';
import type { KeyHash_t } from '../../idl/rtps-core.js';
import { KeyHashType } from './core-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_KEY_HASH: RTPS 2.5 §9.6.4.8. */
export const KeyHash: ParameterCodec<KeyHash_t> = parameterCodec(PID_KEY_HASH, 'PID_KEY_HASH', KeyHashType);
