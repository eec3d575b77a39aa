/**
 * The shared value layout of the text attributes (USERNAME RFC 5389 §15.3, REALM §15.7, NONCE §15.8,
 * SOFTWARE §15.10): UTF-8 bytes, no terminator, padded by the message layer.
 */
import { EncodeError } from '../../util/errors.js';
import { attributeError, defineCodec, type AttributeCodec } from '../attribute-codec.js';
import { codePointCount, invalidUtf8At, readUtf8, utf8Length, writeUtf8 } from '../utf8.js';

/**
 * A codec for a UTF-8 text attribute of at most `maxBytes` bytes. Decoding rejects malformed UTF-8
 * (so the decoded string is exactly what was sent); encoding also enforces `maxChars` characters
 * when given (RFC 5389's "fewer than 128 characters" limits).
 */
export function textCodec(type: number, name: string, maxBytes: number, maxChars?: number): AttributeCodec<string> {
  return defineCodec<string>({
    type,
    name,
    check(value, offset, index) {
      if (value.length > maxBytes) attributeError(name, index, 'length', offset - 2, `at most ${maxBytes} bytes, is ${value.length}`);
      const bad = invalidUtf8At(value);
      if (bad >= 0) attributeError(name, index, 'text', offset + bad, 'malformed UTF-8');
    },
    read: (value) => readUtf8(value),
    sizeOf(text) {
      const n = utf8Length(text, name);
      if (n > maxBytes) throw new EncodeError(name, `at most ${maxBytes} UTF-8 bytes, is ${n}`);
      if (maxChars !== undefined && codePointCount(text) > maxChars) throw new EncodeError(name, `at most ${maxChars} characters`);
      return n;
    },
    write(text, _transactionId, out, offset) { writeUtf8(text, out, offset); },
  });
}
