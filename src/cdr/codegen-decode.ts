/**
 * Generates the JavaScript source of a specialised decoder for one struct and one rule set (XCDR1 or
 * XCDR2, byte order). It reads the payload in place (absolute offsets, the body starting at 4) with
 * the same bounds checks, in the same order, as {@link StructCodec.readStruct} over CdrReader, so a
 * bad payload throws the same DecodeError (field and offset) and a good one decodes to a deep-equal
 * sample. Every length is checked against the bytes left before it is used, so loops are bounded by
 * the input size.
 */
import { AlignTracker, at, int, isOctet, pathSource, Source, sub } from './codegen-support.js';
import type { Path } from './codegen-support.js';
import type { ElementType, MemberDef, PrimitiveKind, StructDef } from './type-model.js';

export interface DecoderSpec {
  readonly types: ReadonlyMap<string, StructDef>;
  readonly root: StructDef;
  readonly version: 'xcdr1' | 'xcdr2';
  readonly littleEndian: boolean;
}

const SIZES: Readonly<Record<PrimitiveKind, number>> = {
  bool: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, float32: 4, float64: 8,
};

/**
 * Module source: receives the helper object `h` and returns `(bytes, end) => sample`, where `end` is
 * the body end (the payload length minus the padding the options announce). The caller has checked
 * the encapsulation header.
 */
export function decoderSource(spec: DecoderSpec): string {
  const g = new DecodeGen(spec);
  const s = g.src;
  s.line('"use strict";');
  s.line('const { df, UTF8, rep, octets } = h;');
  s.line(`const LE = ${spec.littleEndian};`);
  s.line('const S = new Uint8Array(8), SV = new DataView(S.buffer);');
  s.line('function C4(b, p) { S[0] = b[p]; S[1] = b[p + 1]; S[2] = b[p + 2]; S[3] = b[p + 3]; }');
  s.line('function C8(b, p) { C4(b, p); S[4] = b[p + 4]; S[5] = b[p + 5]; S[6] = b[p + 6]; S[7] = b[p + 7]; }');
  s.line('function RF32(b, p) { C4(b, p); return SV.getFloat32(0, LE); }');
  s.line('function RF64(b, p) { C8(b, p); return SV.getFloat64(0, LE); }');
  s.line('function RI64(b, p) { C8(b, p); return SV.getBigInt64(0, LE); }');
  s.line('function RU64(b, p) { C8(b, p); return SV.getBigUint64(0, LE); }');
  // cdr-reader.ts decodeAscii, without a view per string.
  s.line(`function STR(b, start, end) {
  if (end - start > 64) return UTF8.decode(b.subarray(start, end));
  let s = "";
  for (let i = start; i < end; i++) { const c = b[i]; if (c >= 0x80) return UTF8.decode(b.subarray(start, end)); s += String.fromCharCode(c); }
  return s;
}`);
  s.line('return function decode(b, E) {');
  s.line('let p = 4, r = 0;');
  const out = g.struct(spec.root, [spec.root.name], 'E');
  // XCDR1 appendable types have no DHEADER: a newer writer's extra members are trailing bytes.
  if (!(spec.version === 'xcdr1' && spec.root.extensibility === 'appendable')) {
    s.line('if (E - p > 3) df("end", p, (E - p) + " trailing bytes after the sample");');
  }
  s.line(`return ${out};`);
  s.line('};');
  return s.text;
}

class DecodeGen {
  readonly src = new Source();
  readonly #maxAlign: number;
  readonly #isXcdr2: boolean;
  readonly #le: boolean;
  readonly #align: AlignTracker;

  constructor(readonly spec: DecoderSpec) {
    this.#isXcdr2 = spec.version === 'xcdr2';
    this.#maxAlign = this.#isXcdr2 ? 4 : 8;
    this.#le = spec.littleEndian;
    this.#align = new AlignTracker(this.#maxAlign);
  }

  /**
   * CdrReader.align then ByteReader.need, with the same errors: padding relative to the body start
   * (offset 4), then `size` bytes; the caller then reads them and advances `p`. Padding known at
   * generation time becomes constants and a single bounds check.
   */
  #alignNeed(size: number, field: string, E: string): void {
    const a = Math.min(size, this.#maxAlign);
    const pad = this.#align.padFor(size);
    this.#align.wrote(size);
    if (pad === undefined) {
      this.src.line(`r = (p - 4) & ${a - 1}; if (r !== 0) { r = ${a} - r; if (${E} - p < r) df(${field} + "(padding)", p, "need " + r + " bytes, " + (${E} - p) + " left"); p += r; }`);
      this.#need(String(size), field, E);
    } else if (pad === 0) {
      this.#need(String(size), field, E);
    } else {
      this.src.line(`if (${E} - p < ${pad + size}) { if (${E} - p < ${pad}) df(${field} + "(padding)", p, "need ${pad} bytes, " + (${E} - p) + " left"); p += ${pad}; df(${field}, p, "need ${size} bytes, " + (${E} - p) + " left"); }`);
      this.src.line(`p += ${pad};`);
    }
  }

  #need(n: string, field: string, E: string): void {
    this.src.line(`if (${E} - p < ${n}) df(${field}, p, "need " + ${n} + " bytes, " + (${E} - p) + " left");`);
  }

  /** A DHEADER: returns the variable holding the end of the object it delimits. */
  #dheader(path: Path, E: string): string {
    const field = pathSource(path, '.dheader');
    this.#alignNeed(4, field, E);
    const size = this.src.name('z');
    const end = this.src.name('E');
    this.src.line(`const ${size} = ${this.#u32()}; p += 4;`);
    this.src.line(`if (${size} > ${E} - p) df(${field}, p, "object of " + ${size} + " bytes but only " + (${E} - p) + " left");`);
    this.src.line(`const ${end} = p + ${size};`);
    return end;
  }

  #u32(): string {
    return this.#le ? '((b[p] | (b[p + 1] << 8) | (b[p + 2] << 16) | (b[p + 3] << 24)) >>> 0)' : '(((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0)';
  }

  #u16(): string {
    return this.#le ? '(b[p] | (b[p + 1] << 8))' : '((b[p] << 8) | b[p + 1])';
  }

  /** Reads struct `def`; returns the variable holding the decoded object. */
  struct(def: StructDef, path: Path, E: string): string {
    const s = this.src;
    const end = this.#isXcdr2 && def.extensibility === 'appendable' ? this.#dheader(path, E) : undefined;
    const inner = end ?? E;
    const vars: string[] = [];
    for (const m of def.members) {
      const v = s.name('m');
      vars.push(v);
      const mPath = sub(path, `.${m.name}`);
      s.line(`let ${v};`);
      const skipped = this.#align.state;
      let absent = skipped;
      let open = 0;
      // XTypes 1.3 §7.4.3.5.2: members an older writer did not send take their defaults.
      if (end !== undefined) { s.line(`if (p >= ${end}) ${v} = ${this.#defaultMember(m)}; else {`); open++; }
      if (m.isOptional) {
        if (!this.#isXcdr2) {
          s.line(`df(${pathSource(mPath)}, p, "@optional in a non-mutable XCDR1 struct is not supported");`);
        } else {
          this.#alignNeed(1, pathSource(mPath, '.present'), inner);
          absent = this.#align.state;
          s.line(`if (b[p++] === 0) ${v} = undefined; else {`);
          open++;
        }
      }
      s.line(`${v} = ${this.#member(m, mPath, inner)};`);
      s.line('}'.repeat(open));
      if (m.isOptional && this.#isXcdr2) this.#align.state = AlignTracker.merge(absent, this.#align.state);
      if (end !== undefined) this.#align.state = AlignTracker.merge(skipped, this.#align.state);
    }
    if (end !== undefined) { s.line(`p = ${end};`); this.#align.forget(); }
    const o = s.name('o');
    s.line(`const ${o} = { ${def.members.map((m, i) => `${JSON.stringify(m.name)}: ${vars[i] ?? 'undefined'}`).join(', ')} };`);
    return o;
  }

  #member(m: MemberDef, path: Path, E: string): string {
    if (m.arrayLengths.length === 0 && !m.isSequence) return this.#element(m.element, path, E);
    const s = this.src;
    const end = this.#isXcdr2 && m.element.kind !== 'primitive' ? this.#dheader(path, E) : undefined;
    const inner = end ?? E;
    const v = s.name('c');
    if (m.isSequence) {
      const n = s.name('n');
      const lengthField = pathSource(path, '.length');
      this.#alignNeed(4, lengthField, inner);
      s.line(`const ${n} = ${this.#u32()}; p += 4;`);
      const min = m.element.kind === 'primitive' ? m.element.size : m.element.kind === 'string' ? 4 : 1;
      s.line(`if (${n} * ${min} > ${inner} - p) df(${pathSource(path)}, p, "sequence of " + ${n} + " elements cannot fit in " + (${inner} - p) + " bytes");`);
      if (m.sequenceBound !== undefined) {
        s.line(`if (${n} > ${int(m.sequenceBound)}) df(${pathSource(path)}, p, ${n} + ${JSON.stringify(` elements exceed bound ${m.sequenceBound}`)});`);
      }
      if (isOctet(m.element)) {
        s.line(`const ${v} = ${this.#octets(n, path, inner)};`);
      } else {
        s.line(`const ${v} = [];`);
        const i = s.name('i');
        s.line(`for (let ${i} = 0; ${i} < ${n}; ${i}++) {`);
        this.#align.forget(); // the body runs at every element's offset
        s.line(`${v}.push(${this.#element(m.element, at(path, i), inner)});`);
        s.line('}');
      }
      this.#align.forget();
    } else if (m.arrayLengths.length === 1 && isOctet(m.element)) {
      s.line(`const ${v} = ${this.#octets(int(m.arrayLengths[0] ?? 0), path, inner)};`);
      this.#align.advance(m.arrayLengths[0] ?? 0);
    } else {
      s.line(`const ${v} = ${this.#array(m, 0, path, inner)};`);
    }
    if (end !== undefined) { s.line(`p = ${end};`); this.#align.forget(); }
    return v;
  }

  /**
   * `n` octets copied out of the input (small ones into a shared slab, as Node pools small Buffers);
   * the field names the first missing element, as element-wise reading would.
   */
  #octets(n: string, path: Path, E: string): string {
    const v = this.src.name('u');
    const field = `${pathSource(path)} + "[" + Math.min(${n} - 1, Math.max(0, ${E} - p)) + "]"`;
    this.#need(n, field, E);
    this.src.line(`const ${v} = octets(b, p, ${n}); p += ${n};`);
    return v;
  }

  #array(m: MemberDef, dim: number, path: Path, E: string): string {
    const s = this.src;
    const n = int(m.arrayLengths[dim] ?? 0);
    const v = s.name('a');
    const i = s.name('i');
    s.line(`const ${v} = [];`);
    s.line(`for (let ${i} = 0; ${i} < ${n}; ${i}++) {`);
    this.#align.forget(); // the body runs at every element's offset
    const e = dim + 1 < m.arrayLengths.length ? this.#array(m, dim + 1, at(path, i), E) : this.#element(m.element, at(path, i), E);
    s.line(`${v}.push(${e});`);
    s.line('}');
    this.#align.forget();
    return v;
  }

  /** Reads one element; returns an expression (a variable) holding it. */
  #element(el: ElementType, path: Path, E: string): string {
    const s = this.src;
    switch (el.kind) {
      case 'string': {
        // CdrReader.string: length incl. NUL (0 reads as ''), bound, bytes, NUL.
        const n = s.name('n');
        const v = s.name('s');
        const field = pathSource(path);
        this.#alignNeed(4, pathSource(path, '.length'), E);
        s.line(`const ${n} = ${this.#u32()}; p += 4; let ${v} = "";`);
        s.line(`if (${n} !== 0) {`);
        if (el.bound !== undefined) {
          s.line(`if (${n} > ${int(el.bound + 1)}) df(${field}, p, "string of " + ${n} + " bytes exceeds bound ${int(el.bound + 1)}");`);
        }
        this.#need(n, field, E);
        s.line(`p += ${n}; if (b[p - 1] !== 0) df(${field}, p, "string not NUL-terminated");`);
        s.line(`${v} = STR(b, p - ${n}, p - 1); }`);
        this.#align.forget();
        return v;
      }
      case 'struct': {
        const def = this.spec.types.get(el.name);
        if (def === undefined) throw new RangeError(`unknown struct ${el.name}`); // cannotCompile() rules this out
        return this.struct(def, path, E);
      }
      case 'primitive':
        return this.#primitive(el.prim, path, E);
      default:
        throw new RangeError('unknown element kind');
    }
  }

  #primitive(prim: PrimitiveKind, path: Path, E: string): string {
    const size = SIZES[prim];
    this.#alignNeed(size, pathSource(path), E);
    const v = this.src.name('v');
    this.src.line(`const ${v} = ${this.#read(prim)}; p += ${size};`);
    return v;
  }

  #read(prim: PrimitiveKind): string {
    switch (prim) {
      case 'bool': return 'b[p] !== 0';
      case 'int8': return '(b[p] << 24) >> 24';
      case 'uint8': return 'b[p]';
      case 'int16': return `(${this.#u16()} << 16) >> 16`;
      case 'uint16': return this.#u16();
      case 'int32': return `${this.#u32()} | 0`;
      case 'uint32': return this.#u32();
      case 'int64': return 'RI64(b, p)';
      case 'uint64': return 'RU64(b, p)';
      case 'float32': return 'RF32(b, p)';
      case 'float64': return 'RF64(b, p)';
      default: throw new RangeError(`unknown primitive ${String(prim)}`);
    }
  }

  // ---- defaults (StructCodec.defaultMember): fresh values on every use ---------------------------

  #defaultMember(m: MemberDef): string {
    if (m.isOptional) return 'undefined';
    if (m.isSequence) return '[]';
    const fill = (dim: number): string => {
      const n = m.arrayLengths[dim];
      return n === undefined ? this.#defaultElement(m.element) : `rep(${int(n)}, () => (${fill(dim + 1)}))`;
    };
    return fill(0);
  }

  #defaultElement(el: ElementType): string {
    switch (el.kind) {
      case 'string': return '""';
      case 'struct': {
        const def = this.spec.types.get(el.name);
        if (def === undefined) throw new RangeError(`unknown struct ${el.name}`);
        return `{ ${def.members.map((m) => `${JSON.stringify(m.name)}: ${this.#defaultMember(m)}`).join(', ')} }`;
      }
      case 'primitive': return el.prim === 'bool' ? 'false' : el.prim === 'int64' || el.prim === 'uint64' ? '0n' : '0';
      default: throw new RangeError('unknown element kind');
    }
  }
}
