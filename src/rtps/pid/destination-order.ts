import { PID_DESTINATION_ORDER } from '../../idl/pid.js';
import type { DestinationOrderQosPolicy_t } from '../../idl/qos.js';
import { DestinationOrderType } from './qos-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_DESTINATION_ORDER: RTPS 2.5 §9.6.3.2. */
export const DestinationOrder: ParameterCodec<DestinationOrderQosPolicy_t> = parameterCodec(PID_DESTINATION_ORDER, 'PID_DESTINATION_ORDER', DestinationOrderType);
