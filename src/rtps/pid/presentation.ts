import { PID_PRESENTATION } from '../../idl/pid.js';
import type { PresentationQosPolicy_t } from '../../idl/qos.js';
import { PresentationType } from './qos-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_PRESENTATION: RTPS 2.5 §9.6.3.2. */
export const Presentation: ParameterCodec<PresentationQosPolicy_t> = parameterCodec(PID_PRESENTATION, 'PID_PRESENTATION', PresentationType);
