/**
 * Shared pieces of the code generators (`codegen-encode.ts`, `codegen-decode.ts`): which types can be
 * compiled, how IDL-derived text reaches the generated source (only as JSON string literals or
 * validated numbers, never spliced raw), and error paths built only when an error is thrown.
 */
import type { ElementType, MemberDef, StructDef } from './type-model.js';

/** One step of an error path: a static text, or the name of a loop index variable (`[i]`). */
export type PathPart = string | { readonly index: string };
export type Path = readonly PathPart[];

/** `path` extended with a static suffix (`.name`, `.length`, …). */
export function sub(path: Path, suffix: string): Path {
  return [...path, suffix];
}

/** `path` extended with `[index]`, where `index` is the name of a generated loop variable. */
export function at(path: Path, index: string): Path {
  return [...path, { index }];
}

/**
 * A JavaScript expression that evaluates to the path as a string. Static parts go through
 * JSON.stringify; index parts are generator-chosen variable names.
 */
export function pathSource(path: Path, suffix = ''): string {
  const out: string[] = [];
  let text = '';
  for (const part of [...path, suffix]) {
    if (typeof part === 'string') { text += part; continue; }
    out.push(JSON.stringify(`${text}[`), part.index);
    text = ']';
  }
  out.push(JSON.stringify(text));
  return out.filter((s) => s !== '""').join(' + ') || '""';
}

/** A number spliced into generated source: validated as a non-negative safe integer. */
export function int(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`not a non-negative safe integer: ${n}`);
  return String(n);
}

/** Source lines with fresh variable names. */
export class Source {
  readonly lines: string[] = [];
  #next = 0;

  /** A fresh variable name `prefix<n>` (prefixes are generator constants, never IDL text). */
  name(prefix: string): string {
    return `${prefix}${this.#next++}`;
  }

  line(s: string): void {
    this.lines.push(s);
  }

  get text(): string {
    return this.lines.join('\n');
  }
}

/** `octet` (and `char`, `uint8`) elements take the bulk Uint8Array paths, as in the interpreter. */
export function isOctet(el: ElementType): boolean {
  return el.kind === 'primitive' && el.prim === 'uint8';
}

/** Key-only (KeyHolder) member order: the key members, or all members by id when there are none (XTypes 1.3 §7.6.8). */
export function keyHolderMembers(def: StructDef): readonly MemberDef[] {
  return def.keyMembers.length > 0 ? def.keyMembers : [...def.members].sort((a, b) => a.id - b.id);
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Why `root` cannot be compiled, or `undefined` when it can: mutable structs (they stay on the
 * interpreter), recursive types, member names that are not plain identifiers (or `__proto__`),
 * unknown struct references, and sizes that are not safe integers.
 */
export function cannotCompile(types: ReadonlyMap<string, StructDef>, root: StructDef): string | undefined {
  const visit = (def: StructDef, stack: readonly string[]): string | undefined => {
    if (stack.includes(def.name)) return `${def.name} is recursive`;
    if (def.extensibility === 'mutable') return `${def.name} is mutable`;
    for (const m of def.members) {
      if (!IDENTIFIER.test(m.name) || m.name === '__proto__') return `member name ${JSON.stringify(m.name)} is not a plain identifier`;
      const sizes = [...m.arrayLengths, m.sequenceBound ?? 0, m.element.kind === 'string' ? (m.element.bound ?? 0) : 0];
      if (sizes.some((n) => !Number.isSafeInteger(n) || n < 0)) return `${def.name}.${m.name} has a bad bound or length`;
      if (m.arrayLengths.some((n) => n === 0)) return `${def.name}.${m.name} has an empty array dimension`;
      if (m.element.kind === 'struct') {
        const inner = types.get(m.element.name);
        if (inner === undefined) return `unknown struct ${m.element.name}`;
        const why = visit(inner, [...stack, def.name]);
        if (why !== undefined) return why;
      }
    }
    return undefined;
  };
  const why = visit(root, []);
  if (why !== undefined) return why;
  // Nested structs are inlined: a struct used twice at each of many levels would blow the source up.
  const expanded = expandedSize(types, root, new Map());
  return expanded > MAX_INLINED_MEMBERS ? `${root.name} expands to ${expanded} inlined members (more than ${MAX_INLINED_MEMBERS})` : undefined;
}

/** Largest number of members, nested structs inlined, that the generator compiles. */
export const MAX_INLINED_MEMBERS = 4096;

function expandedSize(types: ReadonlyMap<string, StructDef>, def: StructDef, memo: Map<string, number>): number {
  const known = memo.get(def.name);
  if (known !== undefined) return known;
  let n = 0;
  for (const m of def.members) {
    const inner = m.element.kind === 'struct' ? types.get(m.element.name) : undefined;
    n += inner === undefined ? 1 : 1 + expandedSize(types, inner, memo);
  }
  memo.set(def.name, n);
  return n;
}

/** What the generator knows statically about the cursor: `(p - origin) ≡ res (mod mod)`; `mod` is 1, 2, 4 or 8. */
export interface AlignState {
  readonly mod: number;
  readonly res: number;
}

/**
 * Tracks the cursor's alignment through the generated code so that padding known at generation time
 * is emitted as constants (XTypes 1.3 §7.4.1.1.1 alignment is relative to the origin, so a run of
 * fixed-size members has fixed padding). Branches merge to what holds on every path; loops and
 * variable-length data forget it.
 */
export class AlignTracker {
  state: AlignState;

  constructor(readonly maxAlign: number) {
    this.state = { mod: maxAlign, res: 0 };
  }

  /** The padding before an item aligned to `min(size, maxAlign)`, or `undefined` when it depends on run-time data. */
  padFor(size: number): number | undefined {
    const a = Math.min(size, this.maxAlign);
    if (a <= 1) return 0;
    if (this.state.mod < a) return undefined;
    return (a - (this.state.res % a)) % a;
  }

  /** After aligning for and writing a `size`-byte item (statically or at run time). */
  wrote(size: number): void {
    const a = Math.min(size, this.maxAlign);
    const pad = this.padFor(size);
    this.state = pad === undefined ? { mod: a, res: size % a } : { mod: this.state.mod, res: (this.state.res + pad + size) % this.state.mod };
  }

  /** After `n` bytes without alignment. */
  advance(n: number): void {
    this.state = { mod: this.state.mod, res: (this.state.res + n) % this.state.mod };
  }

  /** After data of run-time length. */
  forget(): void {
    this.state = { mod: 1, res: 0 };
  }

  /** What holds after either of two branches. */
  static merge(a: AlignState, b: AlignState): AlignState {
    let mod = Math.min(a.mod, b.mod);
    while (mod > 1 && a.res % mod !== b.res % mod) mod /= 2;
    return { mod, res: a.res % mod };
  }
}
