/**
 * NAT bench scenarios: parsing with defaults, errors that name the field, expansion into cells, and the
 * shipped scenario files.
 */
import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  agentsFor, cellId, perLinkLoss, expandCells, expandDdsCells, isExpectedToConnect, NAT_KINDS, parseScenario, parseScenarioText, ScenarioError,
} from '../../bench/nat/scenario.js';

const DIR = fileURLToPath(new URL('../../bench/scenarios/', import.meta.url));

function errorOf(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (err: unknown) {
    if (err instanceof ScenarioError) return err;
    throw err;
  }
  throw new Error('expected a ScenarioError');
}

describe('bench/nat scenario', () => {
  it('parses a pair scenario and fills the defaults', () => {
    const s = parseScenario({ name: 'm', left: ['port-restricted'], right: ['symmetric', 'full-cone'] }, 'inline');
    expect(s).to.deep.include({ kind: 'pair', runs: 5, seed: 1, timeoutMs: 10_000, description: 'm' });
    if (s.kind !== 'pair') throw new Error('kind');
    expect(s.rttMs).to.deep.equal([20]);
    expect(s.lossPercent).to.deep.equal([0]);
    expect(s.agents).to.deep.equal(['ours', 'werift']);
    expect(s.backends).to.deep.equal(['simnet', 'netns']);
  });

  it('accepts a single number where a list is allowed', () => {
    const s = parseScenario({ name: 'x', left: 'none', right: ['none'], rttMs: 40, lossPercent: [0, 10] }, 'inline');
    if (s.kind !== 'pair') throw new Error('kind');
    expect(s.left).to.deep.equal(['none']);
    expect(s.rttMs).to.deep.equal([40]);
    expect(s.lossPercent).to.deep.equal([0, 10]);
  });

  const bad: readonly [string, unknown, string, RegExp][] = [
    ['not an object', [1], '', /JSON object/],
    ['unknown NAT', { name: 'a', left: ['cone'], right: ['none'] }, 'left[0]', /unknown value "cone"/],
    ['duplicate NAT', { name: 'a', left: ['none', 'none'], right: ['none'] }, 'left[1]', /duplicate/],
    ['negative RTT', { name: 'a', left: ['none'], right: ['none'], rttMs: [20, -1] }, 'rttMs[1]', /\[0, 5000\]/],
    ['fractional runs', { name: 'a', left: ['none'], right: ['none'], runs: 2.5 }, 'runs', /integer/],
    ['zero runs', { name: 'a', left: ['none'], right: ['none'], runs: 0 }, 'runs', /\[1, 1000\]/],
    ['loss above 90 %', { name: 'a', left: ['none'], right: ['none'], lossPercent: 95 }, 'lossPercent[0]', /\[0, 90\]/],
    ['unknown field', { name: 'a', left: ['none'], right: ['none'], rtt: 20 }, 'rtt', /unknown field/],
    ['bad name', { name: 'A B', left: ['none'], right: ['none'] }, 'name', /lower-case/],
    ['unknown kind', { name: 'a', kind: 'star' }, 'kind', /"pair", "mesh" or "dds"/],
    ['dds with werift', { name: 'a', kind: 'dds', left: ['none'], right: ['none'], agents: ['ours', 'werift'] }, 'agents', /no DDS layer/],
    ['dds on netns', { name: 'a', kind: 'dds', left: ['none'], right: ['none'], backends: ['simnet', 'netns'] }, 'backends', /simnet only/],
    ['dds behind an address-restricted NAT (not a demo NAT)', { name: 'a', kind: 'dds', left: ['address-restricted'], right: ['none'] }, 'left[0]', /unknown value "address-restricted"/],
    ['dds with an RTT', { name: 'a', kind: 'dds', left: ['none'], right: ['none'], rttMs: 20 }, 'rttMs', /unknown field/],
    ['dds with no samples', { name: 'a', kind: 'dds', left: ['none'], right: ['none'], samples: 0 }, 'samples', /\[1, 10000\]/],
    ['unknown agent', { name: 'a', left: ['none'], right: ['none'], agents: ['pion'] }, 'agents[0]', /unknown value "pion"/],
    ['mesh on netns', { name: 'a', kind: 'mesh', participants: [3], nats: ['none'], backends: ['netns'] }, 'backends', /simnet only/],
    ['mesh of one', { name: 'a', kind: 'mesh', participants: [1], nats: ['none'] }, 'participants[0]', /\[2, 16\]/],
    ['missing right', { name: 'a', left: ['none'] }, 'right', /non-empty array/],
  ];
  for (const [what, value, path, message] of bad) {
    it(`rejects ${what}, naming ${path === '' ? 'the input' : path}`, () => {
      const err = errorOf(() => parseScenario(value, 'file.json'));
      expect(err.path).to.equal(path);
      expect(err.message).to.match(message);
      expect(err.message).to.match(/^file\.json: /);
    });
  }

  it('names the file on a JSON syntax error', () => {
    const err = errorOf(() => parseScenarioText('{"name": ', 'broken.json'));
    expect(err.message).to.match(/^broken\.json: not valid JSON/);
  });

  it('expands a pair scenario left-major into left × right × RTT × loss cells with stable ids', () => {
    const s = parseScenario({ name: 'a', left: ['none', 'symmetric'], right: ['full-cone'], rttMs: [20, 100], lossPercent: [0, 10] }, 'inline');
    const cells = expandCells(s);
    expect(cells).to.have.length(8);
    expect(cells.map((c) => c.id).slice(0, 4)).to.deep.equal([
      'none×full-cone@20ms/0%', 'none×full-cone@20ms/10%', 'none×full-cone@100ms/0%', 'none×full-cone@100ms/10%',
    ]);
    expect(new Set(cells.map((c) => c.id)).size).to.equal(8);
  });

  it('expands a mesh scenario into one cell per size', () => {
    const s = parseScenario({ name: 'm', kind: 'mesh', participants: [2, 5], nats: ['port-restricted', 'none'] }, 'inline');
    expect(expandCells(s).map((c) => c.id)).to.deep.equal(['mesh2@20ms/0%', 'mesh5@20ms/0%']);
    expect(cellId({ kind: 'mesh', participants: 3, nats: [], rttMs: 5, lossPercent: 1 })).to.equal('mesh3@5ms/1%');
  });

  it('parses a dds scenario with its defaults (ours, simnet, 100 samples) and expands it writer-major into NAT pairs', () => {
    const s = parseScenario({ name: 'd', kind: 'dds', left: ['none', 'symmetric'], right: ['full-cone', 'port-restricted'] }, 'inline');
    expect(s).to.deep.include({ kind: 'dds', runs: 5, seed: 1, samples: 100, agents: ['ours'], backends: ['simnet'] });
    if (s.kind !== 'dds') throw new Error('kind');
    expect(expandDdsCells(s).map((c) => c.id)).to.deep.equal(['none×full-cone', 'none×port-restricted', 'symmetric×full-cone', 'symmetric×port-restricted']);
    expect(expandCells(s), 'no ICE cells').to.deep.equal([]);
    expect(agentsFor('simnet', s)).to.deep.equal(['ours']);
    expect(agentsFor('netns', s)).to.deep.equal([]);
  });

  it('ships the dds matrix: the demo\'s four NATs on each side, at least 3 runs, 100 samples', () => {
    const s = parseScenarioText(readFileSync(`${DIR}dds-matrix.json`, 'utf8'), 'dds-matrix.json');
    if (s.kind !== 'dds') throw new Error('kind');
    expect(s.left).to.deep.equal(['none', 'full-cone', 'port-restricted', 'symmetric']);
    expect(s.right).to.deep.equal(s.left);
    expect(s.runs).to.be.at.least(3);
    expect(s.samples).to.equal(100);
  });

  it('expects RFC 4787 hole punching to fail only where symmetric meets port-restricted or symmetric', () => {
    const failing = NAT_KINDS.flatMap((l) => NAT_KINDS.filter((r) => !isExpectedToConnect(l, r)).map((r) => `${l}×${r}`));
    expect(failing).to.have.members(['port-restricted×symmetric', 'symmetric×port-restricted', 'symmetric×symmetric']);
  });

  it('runs aioice and libnice on netns only, and a scenario only on its backends', () => {
    const s = parseScenario({ name: 'a', left: ['none'], right: ['none'], agents: ['ours', 'aioice', 'werift', 'libnice'], backends: ['simnet'] }, 'inline');
    expect(agentsFor('simnet', s)).to.deep.equal(['ours', 'werift']);
    expect(agentsFor('netns', s)).to.deep.equal([]);
    const both = parseScenario({ name: 'a', left: ['none'], right: ['none'], agents: ['ours', 'aioice'] }, 'inline');
    expect(agentsFor('netns', both)).to.deep.equal(['ours', 'aioice']);
  });

  it('spreads a one-way path loss over its two access links', () => {
    expect(perLinkLoss(0)).to.equal(0);
    const p = perLinkLoss(30);
    expect(1 - (1 - p) ** 2).to.be.closeTo(0.3, 1e-12);
  });

  it('every shipped scenario file parses', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json'));
    expect(files).to.include.members(['nat-matrix.json', 'loss-sweep.json', 'delay-sweep.json', 'participants.json', 'dds-matrix.json']);
    for (const f of files) {
      const s = parseScenarioText(readFileSync(`${DIR}${f}`, 'utf8'), f);
      expect(`${s.name}.json`).to.equal(f);
    }
  });
});
