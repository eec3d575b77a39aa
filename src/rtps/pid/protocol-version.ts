import { PID_PROTOCOL_VERSION } from '../../idl/pid.js';
import type { ProtocolVersion_t } from '../../idl/rtps-core.js';
import { ProtocolVersionType } from './core-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_PROTOCOL_VERSION: RTPS 2.5 §9.6.2.2, Table 9.13. */
export const ProtocolVersion: ParameterCodec<ProtocolVersion_t> = parameterCodec(PID_PROTOCOL_VERSION, 'PID_PROTOCOL_VERSION', ProtocolVersionType);
