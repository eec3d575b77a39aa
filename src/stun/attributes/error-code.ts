/**
 * ERROR-CODE 0x0009 (RFC 5389 §15.6): 21 reserved bits, class (3 bits, 3..6), number (8 bits,
 * 0..99), then a UTF-8 reason phrase of at most 763 bytes (fewer than 128 characters).
 */
import { EncodeError } from '../../util/errors.js';
import { attributeError, defineCodec } from '../attribute-codec.js';
import { invalidUtf8At, readUtf8, utf8Length, writeUtf8 } from '../utf8.js';

/** Decoded ERROR-CODE: `code` is class × 100 + number (300..699). */
export interface ErrorCodeValue {
  readonly code: number;
  readonly reason: string;
}

/** Longest reason phrase in bytes (RFC 5389 §15.6). */
export const MAX_REASON_BYTES = 763;

const NAME = 'ERROR-CODE';

/** ERROR-CODE 0x0009 (RFC 5389 §15.6); see {@link ErrorCodeValue}. Reserved bits are ignored on decode and zero on encode. */
export const ErrorCode = defineCodec<ErrorCodeValue>({
  type: 0x0009,
  name: NAME,
  check(value, offset, index) {
    if (value.length < 4) attributeError(NAME, index, 'length', offset - 2, `need at least 4 bytes, have ${value.length}`);
    if (value.length > 4 + MAX_REASON_BYTES) attributeError(NAME, index, 'length', offset - 2, `reason longer than ${MAX_REASON_BYTES} bytes`);
    const cls = (value[2] ?? 0) & 0x07;
    if (cls < 3 || cls > 6) attributeError(NAME, index, 'class', offset + 2, `class ${cls} not in [3, 6]`);
    const num = value[3] ?? 0;
    if (num > 99) attributeError(NAME, index, 'number', offset + 3, `number ${num} not in [0, 99]`);
    const bad = invalidUtf8At(value.subarray(4));
    if (bad >= 0) attributeError(NAME, index, 'reason', offset + 4 + bad, 'malformed UTF-8');
  },
  read: (value) => ({ code: ((value[2] ?? 0) & 0x07) * 100 + (value[3] ?? 0), reason: readUtf8(value.subarray(4)) }),
  sizeOf(v) {
    if (!Number.isInteger(v.code) || v.code < 300 || v.code > 699) throw new EncodeError(`${NAME}/code`, `${v.code} not in [300, 699]`);
    const n = utf8Length(v.reason, `${NAME}/reason`);
    if (n > MAX_REASON_BYTES) throw new EncodeError(`${NAME}/reason`, `at most ${MAX_REASON_BYTES} UTF-8 bytes, is ${n}`);
    return 4 + n;
  },
  write(v, _tid, out, offset) {
    out[offset] = 0;
    out[offset + 1] = 0;
    out[offset + 2] = Math.floor(v.code / 100);
    out[offset + 3] = v.code % 100;
    writeUtf8(v.reason, out, offset + 4);
  },
});
