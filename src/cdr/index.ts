/** What other folders may use from cdr/ (STYLE.md rule 2). */
export { CdrReader, decodeAscii } from './cdr-reader.js';
export type { CdrRules } from './cdr-reader.js';
export { CdrWriter, encodeUtf8 } from './cdr-writer.js';
export {
  PLAIN_CDR_BE, PLAIN_CDR_LE, PL_CDR_BE, PL_CDR_LE, CDR2_BE, CDR2_LE, D_CDR2_BE, D_CDR2_LE, PL_CDR2_BE, PL_CDR2_LE,
  ENCAPSULATION_KINDS, ENCAPSULATION_HEADER_SIZE, OPTIONS_PADDING_MASK,
  isEncapsulationKind, isParameterListKind, padEncapsulation, readEncapsulation, rulesOf, writeEncapsulation,
} from './encapsulation.js';
export type { Encapsulation, EncapsulationKind, PaddingMode } from './encapsulation.js';
export { KEY_HASH_LENGTH, computeKeyHash, maxKeyHolderSize, serializeKeyHolder } from './key-hash.js';
export { StructCodec } from './struct-codec.js';
export type { UserSample, UserValue } from './struct-codec.js';
export type { ElementType, Extensibility, MemberDef, PrimitiveKind, StructDef, TypeModelOptions } from './type-model.js';
export { encapsulationFor, InterpretedCodec } from './user-type-codec.js';
export { CompiledCodec, createUserTypeCodec } from './compiled-codec.js';
export type { UserCodecKind } from './compiled-codec.js';
export { cannotCompile } from './codegen-support.js';
export type { EncodeOptions, UserTypeCodec } from './user-type-codec.js';
export { TypeLibrary, compileIdl } from './user-types.js';
export type { CompileIdlOptions } from './user-types.js';
