import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { parseIDL } from '@foxglove/omgidl-parser';
import type { IDLMessageDefinition, IDLMessageDefinitionField } from '@foxglove/omgidl-parser';
import * as pid from '../../src/idl/pid.js';
import * as core from '../../src/rtps/pid/core-types.js';
import * as qos from '../../src/rtps/pid/qos-types.js';
import * as ice from '../../src/rtps/pid/ice-types.js';
import { ParticipantDataType } from '../../src/rtps/builtin/participant-data-codec.js';
import { ReaderDataType, WriterDataType } from '../../src/rtps/builtin/endpoint-data-codec.js';
import type { PlStructType } from '../../src/rtps/pid/pl-struct.js';

/** The foxglove parser has no hex literals; rewrite them to decimal before parsing. */
function parseIdlFile(path: string): IDLMessageDefinition[] {
  const text = readFileSync(path, 'utf8').replace(/\b0x([0-9a-fA-F]+)\b/g, (_m, h: string) => String(parseInt(h, 16)));
  return parseIDL(text);
}

const PRIMITIVE: Record<string, string> = {
  uint8: 'octet', bool: 'boolean', int16: 'short', uint16: 'unsigned short', int32: 'long', uint32: 'unsigned long', string: 'string',
};

/** The IDL type text of a parsed member, in the spelling the codecs' descriptors use. */
function idlTypeOf(f: IDLMessageDefinitionField): string {
  const base = PRIMITIVE[f.type] ?? f.type.split('::').pop()!;
  if (f.arrayLengths !== undefined) return `${base}[${f.arrayLengths.join('][')}]`;
  if (f.isArray === true) return `sequence<${base}>`;
  return base;
}

const defs = parseIdlFile('idl/rtps_core.idl');
const structs = new Map(defs.filter((d) => d.aggregatedKind === 'struct').map((d) => [(d.name ?? '').split('::').pop()!, d]));
const constants = new Map(defs.filter((d) => d.aggregatedKind === 'module').flatMap((d) => d.definitions).map((c) => [c.name, c.value]));

interface Described { readonly name: string; readonly members: readonly unknown[] }
const structCodecs: Described[] = [...Object.values(core), ...Object.values(qos), ...Object.values(ice)]
  .flatMap((c): Described[] => ('members' in c ? [c] : []));
const plCodecs: PlStructType<unknown>[] = [ParticipantDataType, WriterDataType, ReaderDataType];

describe('idl/rtps_core.idl agrees with the codecs', () => {
  for (const codec of structCodecs) {
    it(`${codec.name}: same members, types and order`, () => {
      const def = structs.get(codec.name);
      expect(def, codec.name).to.not.equal(undefined);
      expect(def!.definitions.map((f) => ({ name: f.name, idl: idlTypeOf(f) }))).to.deep.equal(codec.members);
    });
  }

  for (const codec of plCodecs) {
    it(`${codec.name}: same members, types, order and @id (PID)`, () => {
      const def = structs.get(codec.name)!;
      expect(def.annotations?.mutable).to.not.equal(undefined);
      const fromIdl = def.definitions.map((f) => {
        const id = f.annotations?.id;
        return { name: f.name, idl: idlTypeOf(f), pid: id?.type === 'const-param' ? id.value : undefined };
      });
      expect(fromIdl).to.deep.equal(codec.members.map(({ name, idl, pid: p }) => ({ name, idl, pid: p })));
    });
  }

  it('every struct in the IDL has a codec', () => {
    const names = new Set([...structCodecs, ...plCodecs].map((c) => c.name));
    expect([...structs.keys()].filter((n) => !names.has(n))).to.deep.equal([]);
  });

  it('PID constants agree with src/idl/pid.ts', () => {
    let checked = 0;
    for (const [name, value] of Object.entries(pid)) {
      if (!constants.has(name)) continue;
      expect(constants.get(name), name).to.equal(value);
      checked++;
    }
    expect(checked).to.be.greaterThan(45);
    expect(constants.get('PID_OPENDDS_ICE_GENERAL')).to.equal(0xb003);
    expect(constants.get('PID_OPENDDS_ICE_CANDIDATE')).to.equal(0xb004);
    expect(constants.get('ICE_LITE')).to.equal(1);
    expect(constants.get('ICE_RELAYED')).to.equal(3);
  });

  it('idl/Msg.idl declares the lab user type', () => {
    const msg = parseIdlFile('idl/Msg.idl').find((d) => d.name === 'Msg');
    if (msg?.aggregatedKind !== 'struct') return expect.fail('no struct Msg');
    expect(msg.definitions.map((f) => [f.name, idlTypeOf(f)])).to.deep.equal([['id', 'long'], ['text', 'string']]);
  });
});
