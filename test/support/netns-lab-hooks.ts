/**
 * Mocha hooks for a suite that runs in one kernel-NAT lab (test/support/netns-lab.ts): `before`
 * checks root and the tools (failing with the install command) and brings the lab up; `after` takes
 * it down and checks that no namespace of this run is left. Returns the lab for the tests.
 */
import { expect } from 'chai';
import { listNamespaces, NetnsLab, requireLab, type NatMode } from './netns-lab.js';

export function useNetnsLab(install: string, left: NatMode, right: NatMode): () => NetnsLab {
  let lab: NetnsLab | undefined;
  let prefix = '';
  before(async () => {
    try {
      requireLab();
    } catch (err) {
      throw new Error(`${err instanceof Error ? err.message : String(err)} — install: ${install} (and run as root)`, { cause: err });
    }
    lab = await NetnsLab.up({ left, right, signal: AbortSignal.timeout(30_000) });
    prefix = lab.prefix;
  });
  after(async () => {
    await lab?.down();
    if (prefix !== '') expect(listNamespaces().filter((n) => n.startsWith(`${prefix}-`)), 'lab namespaces left').to.deep.equal([]);
  });
  return () => {
    if (lab === undefined) throw new Error('no lab');
    return lab;
  };
}
