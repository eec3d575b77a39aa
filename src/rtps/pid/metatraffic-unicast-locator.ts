import { PID_METATRAFFIC_UNICAST_LOCATOR } from '../../idl/pid.js';
import type { Locator_t } from '../../idl/rtps-core.js';
import { LocatorType } from './core-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_METATRAFFIC_UNICAST_LOCATOR: RTPS 2.5 §9.6.2.2. */
export const MetatrafficUnicastLocator: ParameterCodec<Locator_t> = parameterCodec(PID_METATRAFFIC_UNICAST_LOCATOR, 'PID_METATRAFFIC_UNICAST_LOCATOR', LocatorType);
