/**
 * A subset of SASLprep (RFC 4013), enough for long-term credential passwords such as the one of
 * RFC 5769 §2.4 (`"The\u00ADM\u00AAtr\u2168"` → `"TheMatrIX"`).
 *
 * Implemented: mapping (RFC 4013 §2.1: non-ASCII spaces, RFC 3454 C.1.2 → U+0020; "commonly mapped
 * to nothing", B.1 → removed), normalisation (§2.2: NFKC), and the prohibited-output check (§2.3)
 * for control characters, private use, non-characters, surrogates, tagging and change-display
 * characters (C.2–C.9). Not implemented: the bidirectional check (§2.5) and the unassigned code
 * point check, which need the Unicode 3.2 tables.
 */
import { EncodeError } from '../util/errors.js';

type Range = readonly [number, number];

/** RFC 3454 Table B.1 (commonly mapped to nothing). */
const MAPPED_TO_NOTHING: readonly Range[] = [
  [0x00ad, 0x00ad], [0x034f, 0x034f], [0x1806, 0x1806], [0x180b, 0x180d], [0x200b, 0x200d], [0x2060, 0x2060],
  [0xfe00, 0xfe0f], [0xfeff, 0xfeff],
];
/** RFC 3454 Table C.1.2 (non-ASCII space characters). */
const NON_ASCII_SPACE: readonly Range[] = [
  [0x00a0, 0x00a0], [0x1680, 0x1680], [0x2000, 0x200b], [0x202f, 0x202f], [0x205f, 0x205f], [0x3000, 0x3000],
];
/** RFC 3454 Tables C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9. */
const PROHIBITED: readonly Range[] = [
  [0x0000, 0x001f], [0x007f, 0x009f], [0x06dd, 0x06dd], [0x070f, 0x070f], [0x180e, 0x180e], [0x200e, 0x200f],
  [0x2028, 0x202e], [0x2060, 0x2063], [0x206a, 0x206f], [0x2ff0, 0x2ffb], [0xd800, 0xdfff], [0xe000, 0xf8ff],
  [0xfdd0, 0xfdef], [0xfeff, 0xfeff], [0xfff9, 0xffff], [0x1d173, 0x1d17a], [0xe0001, 0xe0001], [0xe0020, 0xe007f],
  [0xf0000, 0x10ffff],
];

function inRanges(cp: number, ranges: readonly Range[]): boolean {
  for (const [lo, hi] of ranges) if (cp >= lo && cp <= hi) return true;
  return false;
}

function isNonCharacterPlaneEnd(cp: number): boolean {
  // RFC 3454 C.4: U+xFFFE and U+xFFFF of every plane.
  return (cp & 0xfffe) === 0xfffe;
}

/**
 * SASLprep of `text` (subset, see the module comment).
 * @throws EncodeError when the prepared string contains a prohibited character.
 */
export function saslPrep(text: string): string {
  let mapped = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (inRanges(cp, NON_ASCII_SPACE)) mapped += ' ';
    else if (!inRanges(cp, MAPPED_TO_NOTHING)) mapped += ch;
  }
  const prepared = mapped.normalize('NFKC');
  let i = 0;
  for (const ch of prepared) {
    const cp = ch.codePointAt(0) ?? 0;
    if (inRanges(cp, PROHIBITED) || isNonCharacterPlaneEnd(cp)) throw new EncodeError('saslprep', `prohibited character U+${cp.toString(16)} at ${i}`);
    i++;
  }
  return prepared;
}
