/**
 * The user-type model the codecs interpret, built from the definitions `@foxglove/omgidl-parser`
 * produces: structs with their extensibility (XTypes 1.3 §7.2.2.4.4), member ids (§7.3.1.2.1.1),
 * keys and optional members.
 */
import type { IDLMessageDefinition, IDLMessageDefinitionField } from '@foxglove/omgidl-parser';
import { InvalidConfigError } from '../util/errors.js';

export const PRIMITIVE_SIZES = {
  bool: 1, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4,
  int64: 8, uint64: 8, float32: 4, float64: 8,
} as const;
export type PrimitiveKind = keyof typeof PRIMITIVE_SIZES;

/** XTypes 1.3 §7.2.2.4.4: FINAL, APPENDABLE or MUTABLE. */
export type Extensibility = 'final' | 'appendable' | 'mutable';

export type ElementType =
  | { readonly kind: 'primitive'; readonly prim: PrimitiveKind; readonly size: number }
  | { readonly kind: 'string'; readonly bound: number | undefined }
  | { readonly kind: 'struct'; readonly name: string };

/** One struct member. A collection is `arrayLengths` (outermost first) or a sequence, never both. */
export interface MemberDef {
  readonly name: string;
  /** Member id: `@id`, else the previous id + 1 starting at 0 (XTypes 1.3 §7.3.1.2.1.1). */
  readonly id: number;
  readonly isKey: boolean;
  readonly isOptional: boolean;
  readonly element: ElementType;
  readonly arrayLengths: readonly number[];
  readonly isSequence: boolean;
  readonly sequenceBound: number | undefined;
}

export interface StructDef {
  readonly name: string;
  readonly extensibility: Extensibility;
  readonly members: readonly MemberDef[];
  /** `@key` members sorted by member id (the KeyHolder order, XTypes 1.3 §7.6.8). */
  readonly keyMembers: readonly MemberDef[];
}

export interface TypeModelOptions {
  /** Extensibility of structs without an annotation. Default `'final'`, as Cyclone's and Fast DDS's idlc assume. */
  readonly defaultExtensibility?: Extensibility;
}

function isPrimitive(t: string): t is PrimitiveKind {
  return Object.hasOwn(PRIMITIVE_SIZES, t);
}

function annotationNumber(field: { readonly annotations?: Record<string, unknown> }, name: string): number | undefined {
  const a = field.annotations?.[name];
  if (typeof a !== 'object' || a === null || !('value' in a)) return undefined;
  return typeof a.value === 'number' ? a.value : undefined;
}

function hasAnnotation(field: { readonly annotations?: Record<string, unknown> }, name: string): boolean {
  return field.annotations !== undefined && name in field.annotations;
}

function extensibilityOf(def: IDLMessageDefinition, fallback: Extensibility): Extensibility {
  if (hasAnnotation(def, 'mutable')) return 'mutable';
  if (hasAnnotation(def, 'appendable')) return 'appendable';
  if (hasAnnotation(def, 'final')) return 'final';
  const ext = def.annotations?.extensibility;
  if (ext !== undefined && 'value' in ext && typeof ext.value === 'string') {
    const v = ext.value.toLowerCase();
    if (v === 'mutable' || v === 'appendable' || v === 'final') return v;
  }
  return fallback;
}

function elementOf(typeName: string, f: IDLMessageDefinitionField, structs: ReadonlySet<string>): ElementType {
  if (f.isComplex === true) {
    if (!structs.has(f.type)) throw new InvalidConfigError(`idl/${typeName}.${f.name}`, `type ${f.type} is not a struct (unions are not supported)`);
    return { kind: 'struct', name: f.type };
  }
  if (f.type === 'string') return { kind: 'string', bound: f.upperBound };
  if (isPrimitive(f.type)) return { kind: 'primitive', prim: f.type, size: PRIMITIVE_SIZES[f.type] };
  throw new InvalidConfigError(`idl/${typeName}.${f.name}`, `type ${f.type} is not supported`);
}

/**
 * Builds the struct table. Enums arrive from the parser as `uint32` (4 bytes, XTypes 1.3 §7.4.3.5.1
 * default bit bound 32) and `char` as `uint8`.
 * @throws InvalidConfigError on unions, wchar/wstring, or a member type that is not a struct.
 */
export function buildTypeModel(defs: readonly IDLMessageDefinition[], options: TypeModelOptions = {}): ReadonlyMap<string, StructDef> {
  const fallback = options.defaultExtensibility ?? 'final';
  const structs = new Set<string>();
  for (const d of defs) if (d.aggregatedKind === 'struct' && d.name !== undefined) structs.add(d.name);
  const out = new Map<string, StructDef>();
  for (const d of defs) {
    if (d.aggregatedKind !== 'struct' || d.name === undefined) continue;
    const name = d.name;
    let nextId = 0;
    const members: MemberDef[] = [];
    for (const f of d.definitions) {
      if (f.isConstant === true) continue;
      const id = annotationNumber(f, 'id') ?? nextId;
      nextId = id + 1;
      const isSequence = f.isArray === true && f.arrayLengths === undefined;
      members.push({
        name: f.name,
        id,
        isKey: hasAnnotation(f, 'key'),
        isOptional: hasAnnotation(f, 'optional'),
        element: elementOf(name, f, structs),
        arrayLengths: f.isArray === true ? (f.arrayLengths ?? []) : [],
        isSequence,
        sequenceBound: isSequence ? f.arrayUpperBound : undefined,
      });
    }
    const ids = new Set(members.map((m) => m.id));
    if (ids.size !== members.length) throw new InvalidConfigError(`idl/${name}`, 'duplicate member ids');
    const keyMembers = members.filter((m) => m.isKey).sort((a, b) => a.id - b.id);
    out.set(name, { name, extensibility: extensibilityOf(d, fallback), members, keyMembers });
  }
  return out;
}
