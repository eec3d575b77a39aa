/**
 * STUN message classes and methods and the interleaved 14-bit message type (RFC 5389 §6, Figure 3).
 */
import { EncodeError } from '../util/errors.js';

/** The four message classes (RFC 5389 §6). */
export const StunClass = {
  request: 0b00,
  indication: 0b01,
  success: 0b10,
  error: 0b11,
} as const;

/** Name of a message class. */
export type StunClassName = keyof typeof StunClass;

/** Methods of the registry that this library knows (RFC 5389 §18.1, RFC 8656 §17). */
export const StunMethod = {
  /** RFC 5389 §18.1 */
  binding: 0x001,
  /** RFC 8656 §17 (TURN) */
  allocate: 0x003,
  /** RFC 8656 §17 (TURN) */
  refresh: 0x004,
  /** RFC 8656 §17 (TURN) */
  send: 0x006,
  /** RFC 8656 §17 (TURN) */
  data: 0x007,
  /** RFC 8656 §17 (TURN) */
  createPermission: 0x008,
  /** RFC 8656 §17 (TURN) */
  channelBind: 0x009,
} as const;

/** Registry name of a known method, for logs. */
export function methodName(method: number): string {
  switch (method) {
    case StunMethod.binding: return 'Binding';
    case StunMethod.allocate: return 'Allocate';
    case StunMethod.refresh: return 'Refresh';
    case StunMethod.send: return 'Send';
    case StunMethod.data: return 'Data';
    case StunMethod.createPermission: return 'CreatePermission';
    case StunMethod.channelBind: return 'ChannelBind';
    default: return `0x${method.toString(16).padStart(3, '0')}`;
  }
}

const CLASS_NAMES: readonly StunClassName[] = ['request', 'indication', 'success', 'error'];

/**
 * The 14-bit message type of `method` (0..0xFFF) and `cls`: method bits M11..M0 interleaved with
 * class bits C1 C0 at positions 8 and 4 (RFC 5389 §6, Figure 3).
 * @throws EncodeError when `method` is out of range.
 */
export function encodeMessageType(method: number, cls: StunClassName): number {
  if (!Number.isInteger(method) || method < 0 || method > 0xfff) {
    throw new EncodeError('stun/method', `${method} is not in [0, 0xfff]`);
  }
  const c = StunClass[cls];
  return ((method & 0xf80) << 2) | ((c & 2) << 7) | ((method & 0x70) << 1) | ((c & 1) << 4) | (method & 0xf);
}

/** The method encoded in a 14-bit message type (RFC 5389 §6). */
export function methodOfType(type: number): number {
  return ((type & 0x3e00) >> 2) | ((type & 0xe0) >> 1) | (type & 0xf);
}

/** The class encoded in a 14-bit message type (RFC 5389 §6). */
export function classOfType(type: number): StunClassName {
  const c = ((type >> 7) & 2) | ((type >> 4) & 1);
  // c is two bits, so the lookup always hits; the fallback only satisfies noUncheckedIndexedAccess.
  return CLASS_NAMES[c] ?? 'request';
}
