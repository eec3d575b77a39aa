/**
 * Wire ↔ domain conversions shared by the SPDP and SEDP mapping modules: GUID_t ↔ Guid, VendorId_t ↔
 * 16-bit number, Duration_t ↔ milliseconds (RTPS 2.5 §9.3.2).
 */
import type { Duration_t, GUID_t, VendorId_t } from '../../idl/rtps-core.js';
import type { Guid } from '../guid.js';
import { durationFromMs, durationToMs } from '../time.js';

export function guidFromWire(g: GUID_t): Guid {
  const k = g.entityId.entityKey;
  const entityId = ((k[0] ?? 0) * 0x1000000) + (((k[1] ?? 0) << 16) | ((k[2] ?? 0) << 8) | g.entityId.entityKind);
  return { prefix: g.guidPrefix, entityId };
}

export function guidToWire(g: Guid): GUID_t {
  const id = g.entityId;
  const entityKey = Uint8Array.of((id >>> 24) & 0xff, (id >>> 16) & 0xff, (id >>> 8) & 0xff);
  return { guidPrefix: g.prefix, entityId: { entityKey, entityKind: id & 0xff } };
}

export function vendorFromWire(v: VendorId_t): number {
  return ((v.vendorId[0] ?? 0) << 8) | (v.vendorId[1] ?? 0);
}

export function vendorToWire(v: number): VendorId_t {
  return { vendorId: Uint8Array.of((v >>> 8) & 0xff, v & 0xff) };
}

/** Milliseconds; `Infinity` for DURATION_INFINITE (any duration with seconds 0x7fffffff). */
export function msFromWire(d: Duration_t): number {
  return durationToMs(d);
}

export function msToWire(ms: number): Duration_t {
  return durationFromMs(ms);
}
