/** UNKNOWN-ATTRIBUTES 0x000A (RFC 5389 §15.9): the u16 types a 420 response did not understand. */
import { EncodeError } from '../../util/errors.js';
import { attributeError, defineCodec, readU16, writeU16 } from '../attribute-codec.js';

const NAME = 'UNKNOWN-ATTRIBUTES';

/** UNKNOWN-ATTRIBUTES 0x000A (RFC 5389 §15.9): a list of attribute types (length 2·n). */
export const UnknownAttributes = defineCodec<readonly number[]>({
  type: 0x000a,
  name: NAME,
  check(value, offset, index) {
    if (value.length % 2 !== 0) attributeError(NAME, index, 'length', offset - 2, `must be even, is ${value.length}`);
  },
  read(value) {
    const out: number[] = [];
    for (let i = 0; i < value.length; i += 2) out.push(readU16(value, i));
    return out;
  },
  sizeOf(types) {
    for (const t of types) if (!Number.isInteger(t) || t < 0 || t > 0xffff) throw new EncodeError(NAME, `${t} is not a u16`);
    if (types.length * 2 > 0xfffc) throw new EncodeError(NAME, 'too many types');
    return types.length * 2;
  },
  write(types, _tid, out, offset) {
    for (let i = 0; i < types.length; i++) writeU16(out, offset + 2 * i, types[i] ?? 0);
  },
});
