import { PID_OPENDDS_ICE_GENERAL } from '../../idl/pid.js';
import type { IceGeneral_t } from '../../idl/ice.js';
import { IceGeneralType } from './ice-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_OPENDDS_ICE_GENERAL: OpenDDS RtpsCore.idl; spec/opendds-ice-and-rtpsrelay.md §2.1–2.3 (read from every vendor). */
export const IceGeneral: ParameterCodec<IceGeneral_t> = parameterCodec(PID_OPENDDS_ICE_GENERAL, 'PID_OPENDDS_ICE_GENERAL', IceGeneralType);
