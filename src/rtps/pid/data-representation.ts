import { PID_DATA_REPRESENTATION } from '../../idl/pid.js';
import type { DataRepresentationQosPolicy_t } from '../../idl/qos.js';
import { DataRepresentationType } from './qos-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_DATA_REPRESENTATION: XTypes 1.3 §7.6.3.1.1. */
export const DataRepresentation: ParameterCodec<DataRepresentationQosPolicy_t> = parameterCodec(PID_DATA_REPRESENTATION, 'PID_DATA_REPRESENTATION', DataRepresentationType);
