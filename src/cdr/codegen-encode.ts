/**
 * Generates the JavaScript source of a specialised encoder for one struct and one rule set (XCDR1 or
 * XCDR2, byte order, full sample or KeyHolder). The output is byte for byte what
 * {@link StructCodec.writeStruct} writes, with the same checks in the same order and the same
 * EncodeError field paths; only the interpretation overhead is gone (no per-member dispatch, no path
 * strings unless an error is thrown, no DataView per sample).
 *
 * The generated module keeps a scratch buffer; `compiled-codec.ts` turns the source into a function.
 */
import { AlignTracker, at, int, isOctet, keyHolderMembers, pathSource, Source, sub } from './codegen-support.js';
import type { Path } from './codegen-support.js';
import type { ElementType, MemberDef, PrimitiveKind, StructDef } from './type-model.js';

export interface EncoderSpec {
  readonly types: ReadonlyMap<string, StructDef>;
  readonly root: StructDef;
  readonly version: 'xcdr1' | 'xcdr2';
  readonly littleEndian: boolean;
  /** `'sample'`: encapsulation header + sample; `'key'`: header + KeyHolder; `'keyHash'`: the 16-byte key hash. */
  readonly mode: 'sample' | 'key' | 'keyHash';
  /** For `'keyHash'`: MD5 the KeyHolder (its maximum size exceeds 16 bytes). */
  readonly useMd5?: boolean;
}

/** Fast range checks whose failure set equals checkInt's for each integer kind. */
const INT_CHECK: Partial<Record<PrimitiveKind, { readonly test: (x: string) => string; readonly min: number; readonly max: number; readonly set: string }>> = {
  int8: { test: (x) => `((${x} << 24) >> 24) !== ${x}`, min: -128, max: 127, set: 'setUint8' },
  uint8: { test: (x) => `(${x} & 0xff) !== ${x}`, min: 0, max: 255, set: 'setUint8' },
  int16: { test: (x) => `((${x} << 16) >> 16) !== ${x}`, min: -0x8000, max: 0x7fff, set: 'setInt16' },
  uint16: { test: (x) => `(${x} & 0xffff) !== ${x}`, min: 0, max: 0xffff, set: 'setUint16' },
  int32: { test: (x) => `(${x} | 0) !== ${x}`, min: -0x8000_0000, max: 0x7fff_ffff, set: 'setInt32' },
  uint32: { test: (x) => `(${x} >>> 0) !== ${x}`, min: 0, max: 0xffff_ffff, set: 'setUint32' },
};

/**
 * Module source: receives the helper object `h` and returns the encoder. For `'sample'` and `'key'`
 * the encoder is `(sample, kind, padding) => Uint8Array` (a copy of exactly the payload); for
 * `'keyHash'` it is `(sample) => Uint8Array` (16 bytes).
 */
export function encoderSource(spec: EncoderSpec): string {
  const g = new EncodeGen(spec);
  const s = g.src;
  const hasHeader = spec.mode !== 'keyHash';
  s.line('"use strict";');
  s.line('const { ee, badInt, toI64, toU64, TE, md5, copyBytes } = h;');
  s.line(`const O = ${hasHeader ? 4 : 0}, LE = ${spec.littleEndian};`);
  s.line('let B = new Uint8Array(256), DV = new DataView(B.buffer), L = 0;');
  s.line('function grow(p, n) { let size = B.length * 2; while (size < p + n) size *= 2; const next = new Uint8Array(size); next.set(B.subarray(0, p)); B = next; DV = new DataView(next.buffer); }');
  // A CDR string (aligned length incl. NUL, UTF-8 bytes, NUL) as CdrWriter.string writes it, straight
  // into the scratch buffer; L is set to the UTF-8 length for the caller's bound check.
  s.line(`function wstr(s, p) {
  const n = s.length;
  if (p + 8 + 3 * n > B.length) grow(p, 8 + 3 * n);
  while (((p - O) & 3) !== 0) B[p++] = 0;
  const lenAt = p; p += 4;
  let i = 0;
  // Short ASCII strings by hand; longer ones by the native encoder (faster past ~16 characters, same bytes).
  if (n <= 16) for (; i < n; i++) { const c = s.charCodeAt(i); if (c >= 0x80) break; B[p + i] = c; }
  const len = i === n ? n : TE.encodeInto(s, B.subarray(p, p + 3 * n)).written;
  DV.setUint32(lenAt, len + 1, LE);
  B[p + len] = 0;
  L = len;
  return p + len + 1;
}`);
  s.line('return function encode(sample, kind, padding, transient) {');
  s.line(`let b = B, dv = DV, p = ${hasHeader ? 4 : 0};`);
  if (hasHeader) {
    s.line('b[0] = kind >> 8; b[1] = kind & 0xff; b[2] = 0; b[3] = 0;');
  }
  g.struct(spec.root, 'sample', [spec.root.name], spec.mode !== 'sample');
  if (hasHeader) {
    // encapsulation.ts padEncapsulation: pad the body to 4; 'flagged' records the count in the options.
    s.line('if (padding !== "none") { const pad = (4 - ((p - 4) % 4)) % 4;');
    s.line(g.ensure('3') + ' for (let k = 0; k < pad; k++) b[p++] = 0;');
    s.line('if (padding === "flagged") b[3] = pad; }');
    // As InterpretedCodec: a sample's payload comes from the shared slabs of util/slab.ts (no
    // off-heap allocation per sample past 64 octets); a key-only payload (rare) is a plain copy.
    // `transient` (EncodeOptions): the scratch view itself, for a caller that copies it at once.
    s.line(spec.mode === 'sample' ? 'return transient === true ? b.subarray(0, p) : copyBytes(b.subarray(0, p));' : 'return b.slice(0, p);');
  } else if (spec.useMd5 === true) {
    s.line('return md5(b.subarray(0, p));');
  } else {
    s.line('const out = new Uint8Array(16); for (let k = 0; k < p; k++) out[k] = b[k]; return out;');
  }
  s.line('};');
  return s.text;
}

class EncodeGen {
  readonly src = new Source();
  readonly #maxAlign: number;
  readonly #isXcdr2: boolean;
  readonly #align: AlignTracker;

  constructor(readonly spec: EncoderSpec) {
    this.#isXcdr2 = spec.version === 'xcdr2';
    this.#maxAlign = this.#isXcdr2 ? 4 : 8;
    this.#align = new AlignTracker(this.#maxAlign);
  }

  /** Capacity for `n` more bytes (a source expression); refreshes the local buffer and view after a grow. */
  ensure(n: string): string {
    return `if (p + ${n} > b.length) { grow(p, ${n}); b = B; dv = DV; }`;
  }

  /**
   * Room for a `size`-byte item and the zero padding that aligns it (constant when the tracked
   * alignment knows it); the caller then writes the item at `p` and advances `p` by `size`.
   */
  #fixed(size: number): string {
    const a = Math.min(size, this.#maxAlign);
    const pad = this.#align.padFor(size);
    this.#align.wrote(size);
    if (pad === undefined) return `${this.ensure(int(size + a - 1))} while (((p - O) & ${a - 1}) !== 0) b[p++] = 0;`;
    return `${this.ensure(int(size + pad))}${' b[p++] = 0;'.repeat(pad)}`;
  }

  #fail(path: Path, reason: string): string {
    return `throw ee(${pathSource(path)}, ${JSON.stringify(reason)});`;
  }

  /** Opens a DHEADER (XTypes 1.3 §7.4.3.4.2); returns the variable holding its offset. */
  #beginDHeader(): string {
    const dh = this.src.name('dh');
    this.src.line(`${this.#fixed(4)} const ${dh} = p; p += 4;`);
    return dh;
  }

  #endDHeader(dh: string): void {
    this.src.line(`dv.setUint32(${dh}, p - ${dh} - 4, LE);`);
  }

  struct(def: StructDef, x: string, path: Path, keyOnly: boolean): void {
    const s = this.src;
    s.line(`if (typeof ${x} !== "object" || ${x} === null || Array.isArray(${x})) ${this.#fail(path, 'expected an object')}`);
    if (keyOnly) {
      for (const m of keyHolderMembers(def)) this.#member(m, this.#memberValue(x, m), sub(path, `.${m.name}`), true);
      return;
    }
    const dh = this.#isXcdr2 && def.extensibility === 'appendable' ? this.#beginDHeader() : undefined;
    for (const m of def.members) {
      const v = this.#memberValue(x, m);
      const mPath = sub(path, `.${m.name}`);
      if (!m.isOptional) { this.#member(m, v, mPath, false); continue; }
      // XTypes 1.3 §7.4.3.5.3: XCDR2 optional members of final/appendable structs carry a boolean flag.
      if (!this.#isXcdr2) { s.line(this.#fail(mPath, '@optional in a non-mutable XCDR1 struct is not supported')); continue; }
      s.line(`${this.#fixed(1)} if (${v} === undefined) b[p++] = 0; else { b[p++] = 1;`);
      const absent = this.#align.state;
      this.#member(m, v, mPath, false);
      s.line('}');
      this.#align.state = AlignTracker.merge(absent, this.#align.state);
    }
    if (dh !== undefined) this.#endDHeader(dh);
  }

  #memberValue(x: string, m: MemberDef): string {
    const v = this.src.name('x');
    this.src.line(`const ${v} = ${x}[${JSON.stringify(m.name)}];`);
    return v;
  }

  #member(m: MemberDef, x: string, path: Path, keyOnly: boolean): void {
    if (m.arrayLengths.length === 0 && !m.isSequence) { this.#element(m.element, x, path, keyOnly); return; }
    const s = this.src;
    const dh = this.#isXcdr2 && m.element.kind !== 'primitive' ? this.#beginDHeader() : undefined;
    if (m.isSequence) {
      const n = s.name('n');
      const bound = m.sequenceBound === undefined ? '' : `if (${n} > ${int(m.sequenceBound)}) throw ee(${pathSource(path)}, ${n} + ${JSON.stringify(` elements exceed bound ${m.sequenceBound}`)});`;
      const before = this.#align.state;
      const length = (): string => `${bound} ${this.#fixed(4)} dv.setUint32(p, ${n}, LE); p += 4;`;
      if (isOctet(m.element)) {
        s.line(`if (${x} instanceof Uint8Array) { const ${n} = ${x}.length; ${length()} ${this.ensure(n)} b.set(${x}, p); p += ${n}; } else {`);
        this.#align.state = before;
      } else {
        s.line('{');
      }
      s.line(`if (!Array.isArray(${x})) ${this.#fail(path, 'expected an array')}`);
      s.line(`const ${n} = ${x}.length; ${length()}`);
      if (isOctet(m.element)) this.#octets(x, n, path);
      else this.#loop(n, x, path, (e, p) => { this.#element(m.element, e, p, keyOnly); });
      s.line('}');
      this.#align.forget();
    } else if (m.arrayLengths.length === 1 && isOctet(m.element)) {
      const n = int(m.arrayLengths[0] ?? 0);
      s.line(`if (${x} instanceof Uint8Array && ${x}.length === ${n}) { ${this.ensure(n)} b.set(${x}, p); p += ${n}; }`);
      s.line(`else if (Array.isArray(${x}) && ${x}.length === ${n}) {`);
      this.#octets(x, n, path);
      s.line(`} else ${this.#fail(path, `expected an array of ${n}`)}`);
      this.#align.advance(m.arrayLengths[0] ?? 0);
    } else {
      this.#array(m, 0, x, path, keyOnly);
    }
    if (dh !== undefined) this.#endDHeader(dh);
  }

  /** `for (i < n) { const e = x[i]; body }` with the element path `path[i]`. */
  #loop(n: string, x: string, path: Path, body: (e: string, path: Path) => void): void {
    const i = this.src.name('i');
    const e = this.src.name('e');
    this.src.line(`for (let ${i} = 0; ${i} < ${n}; ${i}++) { const ${e} = ${x}[${i}];`);
    this.#align.forget(); // the body runs at every element's offset
    body(e, at(path, i));
    this.src.line('}');
    this.#align.forget();
  }

  #array(m: MemberDef, dim: number, x: string, path: Path, keyOnly: boolean): void {
    const n = int(m.arrayLengths[dim] ?? 0);
    this.src.line(`if (!Array.isArray(${x}) || ${x}.length !== ${n}) ${this.#fail(path, `expected an array of ${n}`)}`);
    this.#loop(n, x, path, (e, p) => {
      if (dim + 1 < m.arrayLengths.length) this.#array(m, dim + 1, e, p, keyOnly);
      else this.#element(m.element, e, p, keyOnly);
    });
  }

  /** An octet collection from an array of numbers: same checks and errors as element by element. */
  #octets(x: string, n: string, path: Path): void {
    const i = this.src.name('i');
    const e = this.src.name('e');
    this.src.line(`${this.ensure(n)} for (let ${i} = 0; ${i} < ${n}; ${i}++) { const ${e} = ${x}[${i}];`);
    this.src.line(`if (typeof ${e} !== "number" || (${e} & 0xff) !== ${e}) badInt(${e}, ${pathSource(at(path, i))}, 0, 255);`);
    this.src.line(`b[p + ${i}] = ${e}; } p += ${n};`);
  }

  #element(el: ElementType, x: string, path: Path, keyOnly: boolean): void {
    const s = this.src;
    switch (el.kind) {
      case 'string':
        s.line(`if (typeof ${x} !== "string") ${this.#fail(path, 'expected a string')}`);
        if (el.bound === undefined) {
          s.line(`p = wstr(${x}, p); b = B; dv = DV;`);
          this.#align.forget();
        } else {
          // The bound counts UTF-8 octets (what the decoder checks); UTF-16 length ≤ UTF-8 length.
          const over = this.#fail(path, `string longer than bound ${el.bound}`);
          s.line(`if (${x}.length > ${int(el.bound)}) ${over}`);
          s.line(`p = wstr(${x}, p); b = B; dv = DV; if (L > ${int(el.bound)}) ${over}`);
          this.#align.forget();
        }
        return;
      case 'struct': {
        const def = this.spec.types.get(el.name);
        if (def === undefined) throw new RangeError(`unknown struct ${el.name}`); // cannotCompile() rules this out
        this.struct(def, x, path, keyOnly);
        return;
      }
      case 'primitive':
        this.#primitive(el.prim, x, path);
        return;
      default:
        throw new RangeError('unknown element kind');
    }
  }

  #primitive(prim: PrimitiveKind, x: string, path: Path): void {
    const s = this.src;
    const size = { bool: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, float32: 4, float64: 8 }[prim];
    const check = INT_CHECK[prim];
    if (check !== undefined) {
      s.line(`if (typeof ${x} !== "number" || ${check.test(x)}) badInt(${x}, ${pathSource(path)}, ${check.min}, ${check.max});`);
      if (size === 1) s.line(`${this.#fixed(1)} b[p++] = ${x} & 0xff;`);
      else s.line(`${this.#fixed(size)} dv.${check.set}(p, ${x}, LE); p += ${size};`);
      return;
    }
    switch (prim) {
      case 'bool':
        s.line(`if (typeof ${x} !== "boolean") ${this.#fail(path, 'expected a boolean')}`);
        s.line(`${this.#fixed(1)} b[p++] = ${x} ? 1 : 0;`);
        return;
      case 'int64':
      case 'uint64': {
        const y = s.name('y');
        s.line(`const ${y} = ${prim === 'int64' ? 'toI64' : 'toU64'}(${x}, ${pathSource(path)});`);
        s.line(`${this.#fixed(8)} dv.${prim === 'int64' ? 'setBigInt64' : 'setBigUint64'}(p, ${y}, LE); p += 8;`);
        return;
      }
      case 'float32':
      case 'float64':
        s.line(`if (typeof ${x} !== "number") ${this.#fail(path, 'expected a number')}`);
        s.line(`${this.#fixed(size)} dv.${prim === 'float32' ? 'setFloat32' : 'setFloat64'}(p, ${x}, LE); p += ${size};`);
        return;
      case 'int8': case 'uint8': case 'int16': case 'uint16': case 'int32': case 'uint32': // INT_CHECK above
      default:
        throw new RangeError(`unknown primitive ${prim}`);
    }
  }
}
