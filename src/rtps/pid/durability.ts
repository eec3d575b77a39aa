import { PID_DURABILITY } from '../../idl/pid.js';
import type { DurabilityQosPolicy_t } from '../../idl/qos.js';
import { DurabilityType } from './qos-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_DURABILITY: RTPS 2.5 §9.6.3.2. */
export const Durability: ParameterCodec<DurabilityQosPolicy_t> = parameterCodec(PID_DURABILITY, 'PID_DURABILITY', DurabilityType);
