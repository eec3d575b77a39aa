import { PID_TYPE_CONSISTENCY_ENFORCEMENT } from '../../idl/pid.js';
import type { TypeConsistencyEnforcementQosPolicy_t } from '../../idl/qos.js';
import { TypeConsistencyEnforcementType } from './qos-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_TYPE_CONSISTENCY_ENFORCEMENT: XTypes 1.3 §7.6.3.4. */
export const TypeConsistencyEnforcement: ParameterCodec<TypeConsistencyEnforcementQosPolicy_t> = parameterCodec(PID_TYPE_CONSISTENCY_ENFORCEMENT, 'PID_TYPE_CONSISTENCY_ENFORCEMENT', TypeConsistencyEnforcementType);
