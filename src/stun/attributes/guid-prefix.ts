/** GUID_PREFIX 0xD000 (OpenDDS, spec §3.2, comprehension-optional): the 12-byte RTPS GUID prefix of the participant, raw; decodes to a view into the datagram. */
import { bytesCodec } from './fixed-value.js';

/** GUID_PREFIX 0xD000 (OpenDDS, spec §3.2, comprehension-optional): the 12-byte RTPS GUID prefix of the participant, raw; decodes to a view into the datagram. */
export const GuidPrefix = bytesCodec(0xd000, 'GUID_PREFIX', 12, 12);
