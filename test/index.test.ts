import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as api from '../src/index.js';
import {
  attr, createIntegrityKey, decodeStunMessage, encodeStunMessage, getAttribute, StunMethod, Username, verifyMessageIntegrity,
} from '../src/index.js';

describe('the public API (src/index.ts)', () => {
  it('runs the @example of the package documentation', () => {
    const key = createIntegrityKey('0123456789abcdeffedcba9876543210');
    const check = encodeStunMessage({
      method: StunMethod.binding, messageClass: 'request', transactionId: new Uint8Array(12),
      attributes: [attr(Username, 'remoteufrag:localufrag')], integrity: key, fingerprint: true,
    });
    const msg = decodeStunMessage(check);
    expect([getAttribute(msg, Username), verifyMessageIntegrity(msg, key)]).to.deep.equal(['remoteufrag:localufrag', true]);
  });

  it('runs the @example text itself and prints what its comment says', () => {
    const source = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8');
    const example = (/```ts\n([\s\S]*?)```/.exec(source)?.[1] ?? '').split('\n').map((l) => l.replace(/^\s*\*\s?/, '')).join('\n');
    const expected = /console\.log\(.*\);\s*\/\/\s*(.*)/.exec(example)?.[1] ?? '<no expected output in the example>';
    const dir = mkdtempSync(join(tmpdir(), 'rtps-ice-example-'));
    try {
      const file = join(dir, 'example.ts');
      writeFileSync(file, example.replace("from 'rtps-ice'", `from '${fileURLToPath(new URL('../src/index.ts', import.meta.url))}'`));
      const out = execFileSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8' });
      expect(out.trim()).to.equal(expected.trim());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports the error classes, codecs and classifier by name', () => {
    for (const name of ['DecodeError', 'decodeRtpsMessage', 'decodeSpdpParticipantData', 'decodeStunMessage', 'classifyDatagram', 'compileIdl']) {
      expect(api, name).to.have.property(name);
    }
  });
});
