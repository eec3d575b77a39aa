import { PID_PROPERTY_LIST } from '../../idl/pid.js';
import type { PropertyList_t } from '../../idl/rtps-core.js';
import { PropertyListType } from './core-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_PROPERTY_LIST: RTPS 2.5 §9.6.2.2, DDS-Security 1.1 §7.4.1.3. */
export const PropertyList: ParameterCodec<PropertyList_t> = parameterCodec(PID_PROPERTY_LIST, 'PID_PROPERTY_LIST', PropertyListType);
