/**
 * The RTPS basic wire structs, named and shaped exactly as in `idl/rtps_core.idl` (RTPS 2.5 §9.3.2,
 * OpenDDS `dds/DCPS/RTPS/RtpsCore.idl`). Only `idl/`, the codecs in `rtps/pid/` and the mapping
 * modules in `rtps/builtin/` may import these (STYLE.md rule 9). Octet arrays are `Uint8Array`s.
 */

/** `typedef octet GuidPrefix_t[12]` (RTPS 2.5 §9.3.1.1). */
export type GuidPrefix_t = Uint8Array;

/** RTPS 2.5 §9.3.1.2. `entityKey` is 3 octets. */
export interface EntityId_t {
  readonly entityKey: Uint8Array;
  readonly entityKind: number;
}

/** RTPS 2.5 §9.3.1. */
export interface GUID_t {
  readonly guidPrefix: GuidPrefix_t;
  readonly entityId: EntityId_t;
}

/** RTPS 2.5 §9.3.2 Table 9.2: `long kind; unsigned long port; octet address[16]`. */
export interface Locator_t {
  readonly kind: number;
  readonly port: number;
  readonly address: Uint8Array;
}

/** RTPS 2.5 §9.3.2: `long high; unsigned long low`. */
export interface SequenceNumber_t {
  readonly high: number;
  readonly low: number;
}

/** RTPS 2.5 §9.3.2: `long seconds; unsigned long fraction` (1/2^32 s). */
export interface Time_t {
  readonly seconds: number;
  readonly fraction: number;
}

/** RTPS 2.5 §9.3.2: same layout as Time_t. */
export interface Duration_t {
  readonly seconds: number;
  readonly fraction: number;
}

/** RTPS 2.5 §9.3.2. */
export interface ProtocolVersion_t {
  readonly major: number;
  readonly minor: number;
}

/** RTPS 2.5 §9.3.2: 2 octets. */
export interface VendorId_t {
  readonly vendorId: Uint8Array;
}

/** DDS-Security 1.1 §7.2.1 `Property_t` (propagated form: name and value). */
export interface Property_t {
  readonly name: string;
  readonly value: string;
}

/** RTPS 2.5 §9.6.2.2 PID_PROPERTY_LIST: the propagated `PropertySeq`. */
export interface PropertyList_t {
  readonly value: readonly Property_t[];
}

/** RTPS 2.5 §9.6.4.8 `KeyHash_t`: 16 octets. */
export interface KeyHash_t {
  readonly value: Uint8Array;
}

/** RTPS 2.5 §9.6.4.9 `StatusInfo_t`: 4 octets, flags in the last one. */
export interface StatusInfo_t {
  readonly value: Uint8Array;
}
