import { PID_OWNERSHIP } from '../../idl/pid.js';
import type { OwnershipQosPolicy_t } from '../../idl/qos.js';
import { OwnershipType } from './qos-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_OWNERSHIP: RTPS 2.5 §9.6.3.2. */
export const Ownership: ParameterCodec<OwnershipQosPolicy_t> = parameterCodec(PID_OWNERSHIP, 'PID_OWNERSHIP', OwnershipType);
