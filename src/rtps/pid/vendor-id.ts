import { PID_VENDORID } from '../../idl/pid.js';
import type { VendorId_t } from '../../idl/rtps-core.js';
import { VendorIdType } from './core-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_VENDORID: RTPS 2.5 §9.6.2.2. */
export const VendorIdParameter: ParameterCodec<VendorId_t> = parameterCodec(PID_VENDORID, 'PID_VENDORID', VendorIdType);
