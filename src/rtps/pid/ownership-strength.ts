import { PID_OWNERSHIP_STRENGTH } from '../../idl/pid.js';
import type { OwnershipStrengthQosPolicy_t } from '../../idl/qos.js';
import { OwnershipStrengthType } from './qos-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_OWNERSHIP_STRENGTH: RTPS 2.5 §9.6.3.2. */
export const OwnershipStrength: ParameterCodec<OwnershipStrengthQosPolicy_t> = parameterCodec(PID_OWNERSHIP_STRENGTH, 'PID_OWNERSHIP_STRENGTH', OwnershipStrengthType);
