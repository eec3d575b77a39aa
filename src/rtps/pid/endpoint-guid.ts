import { PID_ENDPOINT_GUID } from '../../idl/pid.js';
import type { GUID_t } from '../../idl/rtps-core.js';
import { GuidType } from './core-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_ENDPOINT_GUID: RTPS 2.5 §9.6.2.2. */
export const EndpointGuid: ParameterCodec<GUID_t> = parameterCodec(PID_ENDPOINT_GUID, 'PID_ENDPOINT_GUID', GuidType);
