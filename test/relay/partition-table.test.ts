import { expect } from 'chai';
import { PartitionTable } from '../../src/relay/index.js';
import { SeededRandom } from '../../src/util/prng.js';
import { hexOf, prefixOf } from './relay-fixtures.js';

const NAMES = ['a', 'b', 'ab', 'a*', '*', 'b?', '[ab]', '', 'c', 'x\\*'];

describe('relay/partition-table', () => {
  it('the partition index answers as pairwise DDS matching, through random changes (1,000 steps)', () => {
    const rnd = new SeededRandom(7);
    const table = new PartitionTable();
    const pick = (): string[] => Array.from({ length: rnd.int(3) }, () => NAMES[rnd.int(NAMES.length)] ?? 'a');
    for (let step = 0; step < 1000; step++) {
      const n = 1 + rnd.int(12);
      if (rnd.int(5) === 0) table.removeParticipant(prefixOf(n));
      else table.setEndpointPartitions({ prefix: prefixOf(n), entityId: 0x100 + rnd.int(3) }, pick());
      const source = hexOf(1 + rnd.int(12));
      const expected = Array.from({ length: 12 }, (_, i) => hexOf(i + 1)).filter((t) => t !== source && table.participantsShareAPartition(source, t));
      expect([...table.matchingParticipants(source)].sort(), `step ${step}`).to.deep.equal(expected.sort());
      for (let t = 1; t <= 12; t++) expect(table.sharesAPartition(source, hexOf(t)), `step ${step} ${t}`).to.equal(expected.includes(hexOf(t)));
      const list = pick();
      const expectedList = Array.from({ length: 12 }, (_, i) => hexOf(i + 1)).filter((t) => table.participantMatches(t, list));
      expect([...table.participantsMatchingPartitions(list)].sort(), `step ${step} list`).to.deep.equal(expectedList.sort());
    }
  });

  it('reports every partition in use, and calls onChange on each change', () => {
    let changes = 0;
    const table = new PartitionTable({ allowEmptyPartition: false }, { onChange: () => { changes++; } });
    table.setEndpointPartitions({ prefix: prefixOf(1), entityId: 0x102 }, ['b', 'a']);
    table.setEndpointPartitions({ prefix: prefixOf(2), entityId: 0x102 }, []);
    expect(table.allPartitions()).to.deep.equal(['a', 'b']);
    table.removeParticipant(prefixOf(1));
    expect(table.allPartitions()).to.deep.equal([]);
    expect(changes).to.equal(3);
  });
});
