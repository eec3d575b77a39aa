import { PID_PARTITION } from '../../idl/pid.js';
import type { PartitionQosPolicy_t } from '../../idl/qos.js';
import { PartitionType } from './qos-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_PARTITION: RTPS 2.5 §9.6.3.2. */
export const Partition: ParameterCodec<PartitionQosPolicy_t> = parameterCodec(PID_PARTITION, 'PID_PARTITION', PartitionType);
