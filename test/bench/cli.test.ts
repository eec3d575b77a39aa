/**
 * The bench:nat command line: flags, defaults and the errors a user sees for bad input.
 */
import { expect } from 'chai';
import { parseArgs } from '../../bench/nat/cli.js';

describe('bench/nat command line', () => {
  it('defaults: the NAT matrix on simnet, the scenario\'s runs, tables on stdout', () => {
    expect(parseArgs([])).to.deep.equal({
      scenarios: ['nat-matrix'], runs: undefined, backends: ['simnet'], json: false, reportDir: undefined, png: undefined,
      oursWall: false, quiet: false, from: undefined,
    });
  });

  it('takes scenario lists, runs, both backends, json, report, png and re-rendering', () => {
    const o = parseArgs(['--scenario', 'nat-matrix,loss-sweep', '--scenario', 'x.json', '--runs', '3', '--backend', 'simnet,netns,simnet',
      '--json', '--report', 'out', '--png', 'out.png', '--ours-wall', '--quiet', '--from', 'runs.jsonl']);
    expect(o).to.deep.equal({
      scenarios: ['nat-matrix', 'loss-sweep', 'x.json'], runs: 3, backends: ['simnet', 'netns'], json: true, reportDir: 'out', png: 'out.png',
      oursWall: true, quiet: true, from: 'runs.jsonl',
    });
  });

  const bad: readonly [readonly string[], RegExp][] = [
    [['--runs', '0'], /--runs needs an integer in \[1, 1000\], got 0/],
    [['--runs', 'many'], /--runs needs an integer/],
    [['--runs'], /--runs needs a value/],
    [['--backend', 'docker'], /unknown backend "docker"/],
    [['--scenario', '--json'], /--scenario needs a value/],
    [['--png', 'a.png'], /--png needs --report/],
    [['--fast'], /unknown argument "--fast"/],
  ];
  for (const [argv, message] of bad) {
    it(`rejects ${argv.join(' ')}`, () => {
      expect(() => parseArgs(argv)).to.throw(message);
    });
  }
});
