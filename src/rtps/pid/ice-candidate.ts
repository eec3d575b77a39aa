import { PID_OPENDDS_ICE_CANDIDATE } from '../../idl/pid.js';
import type { IceCandidate_t } from '../../idl/ice.js';
import { IceCandidateType } from './ice-types.js';
import { parameterCodec } from './parameter-codec.js';
import type { ParameterCodec } from './parameter-codec.js';

/** PID_OPENDDS_ICE_CANDIDATE: OpenDDS RtpsCore.idl; spec/opendds-ice-and-rtpsrelay.md §2.1–2.3 (read from every vendor). */
export const IceCandidate: ParameterCodec<IceCandidate_t> = parameterCodec(PID_OPENDDS_ICE_CANDIDATE, 'PID_OPENDDS_ICE_CANDIDATE', IceCandidateType);
