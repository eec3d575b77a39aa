/**
 * Parameter ids (RTPS 2.5 Table 9.13 / §9.6.2.2, XTypes 1.3 §7.6.3.1, OpenDDS `RtpsCore.idl`), as in
 * `idl/rtps_core.idl`. Ids with 0x8000 are vendor-specific; 0x4000 means "must understand".
 */
export const PID_PAD = 0x0000;
export const PID_SENTINEL = 0x0001;
export const PID_PARTICIPANT_LEASE_DURATION = 0x0002;
export const PID_TIME_BASED_FILTER = 0x0004;
export const PID_TOPIC_NAME = 0x0005;
export const PID_OWNERSHIP_STRENGTH = 0x0006;
export const PID_TYPE_NAME = 0x0007;
export const PID_DOMAIN_ID = 0x000f;
export const PID_RELIABILITY = 0x001a;
export const PID_LIVELINESS = 0x001b;
export const PID_DURABILITY = 0x001d;
export const PID_DURABILITY_SERVICE = 0x001e;
export const PID_OWNERSHIP = 0x001f;
export const PID_PRESENTATION = 0x0021;
export const PID_DEADLINE = 0x0023;
export const PID_DESTINATION_ORDER = 0x0025;
export const PID_LATENCY_BUDGET = 0x0027;
export const PID_PARTITION = 0x0029;
export const PID_LIFESPAN = 0x002b;
export const PID_USER_DATA = 0x002c;
export const PID_GROUP_DATA = 0x002d;
export const PID_TOPIC_DATA = 0x002e;
export const PID_UNICAST_LOCATOR = 0x002f;
export const PID_MULTICAST_LOCATOR = 0x0030;
export const PID_DEFAULT_UNICAST_LOCATOR = 0x0031;
export const PID_METATRAFFIC_UNICAST_LOCATOR = 0x0032;
export const PID_METATRAFFIC_MULTICAST_LOCATOR = 0x0033;
export const PID_PARTICIPANT_MANUAL_LIVELINESS_COUNT = 0x0034;
export const PID_HISTORY = 0x0040;
export const PID_RESOURCE_LIMITS = 0x0041;
export const PID_EXPECTS_INLINE_QOS = 0x0043;
export const PID_DEFAULT_MULTICAST_LOCATOR = 0x0048;
export const PID_PARTICIPANT_GUID = 0x0050;
export const PID_BUILTIN_ENDPOINT_SET = 0x0058;
export const PID_PROPERTY_LIST = 0x0059;
export const PID_ENDPOINT_GUID = 0x005a;
export const PID_TYPE_MAX_SIZE_SERIALIZED = 0x0060;
export const PID_ENTITY_NAME = 0x0062;
export const PID_KEY_HASH = 0x0070;
export const PID_STATUS_INFO = 0x0071;
export const PID_DATA_REPRESENTATION = 0x0073; // XTypes 1.3 §7.6.3.1.1
export const PID_TYPE_CONSISTENCY_ENFORCEMENT = 0x0074; // XTypes 1.3 §7.6.3.4
export const PID_TYPE_INFORMATION = 0x0075; // XTypes 1.3 §7.6.3.2.2
export const PID_BUILTIN_ENDPOINT_QOS = 0x0077;
export const PID_PROTOCOL_VERSION = 0x0015;
export const PID_VENDORID = 0x0016;
export const PID_DOMAIN_TAG = 0x4014;

/** OpenDDS vendor PIDs: `PID_OPENDDS_BASE = 0x8000 + 0x3000` (spec §2.1). */
export const PID_OPENDDS_BASE = 0xb000;
export const PID_OPENDDS_LOCATOR = 0xb001;
export const PID_OPENDDS_ASSOCIATED_WRITER = 0xb002;
export const PID_OPENDDS_ICE_GENERAL = 0xb003;
export const PID_OPENDDS_ICE_CANDIDATE = 0xb004;
export const PID_OPENDDS_PARTICIPANT_FLAGS = 0xb005;
export const PID_OPENDDS_RTPS_RELAY_APPLICATION_PARTICIPANT = 0xb006;
export const PID_OPENDDS_SPDP_USER_TAG = 0xb007;

/** RTPS 2.5 §9.3.1.5 vendor ids as 16-bit numbers. */
export const VENDORID_OPENDDS = 0x0103;
export const VENDORID_FASTDDS = 0x010f;
export const VENDORID_CYCLONEDDS = 0x0110;
