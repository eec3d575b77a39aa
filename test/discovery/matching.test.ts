import { expect } from 'chai';
import type { MatchResult } from '../../src/discovery/index.js';
import { fnmatch, matchEndpoints, partitionsMatch } from '../../src/discovery/index.js';
import type { EndpointQos } from '../../src/rtps/index.js';

const W = (qos: EndpointQos, topic = 'T', type = 'X'): { topicName: string; typeName: string; qos: EndpointQos } => ({ topicName: topic, typeName: type, qos });
const rel = (kind: 'best-effort' | 'reliable'): NonNullable<EndpointQos['reliability']> => ({ kind, maxBlockingTimeMs: 100 });

describe('discovery/matching', () => {
  it('fnmatch: *, ?, [..], [!..], ranges, escapes', () => {
    const cases: [string, string, boolean][] = [
      ['*', '', true], ['*', 'abc', true], ['a*', 'abc', true], ['a*c', 'abbbc', true], ['a*c', 'abcd', false],
      ['?', 'a', true], ['?', '', false], ['a?c', 'abc', true], ['[ab]x', 'bx', true], ['[ab]x', 'cx', false],
      ['[!ab]x', 'cx', true], ['[!ab]x', 'ax', false], ['[a-c]', 'b', true], ['[a-c]', 'd', false], ['\\*', '*', true],
      ['\\*', 'a', false], ['*.*.*', 'a.b.c', true], ['*a*a*a*a*b', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', false],
    ];
    for (const [p, s, want] of cases) expect(fnmatch(p, s), `${p} vs ${s}`).to.equal(want);
  });

  it('partitions: empty = [""], literal equality, a pattern on one side, two patterns only when identical', () => {
    expect(partitionsMatch(undefined, [])).to.equal(true);
    expect(partitionsMatch([], [''])).to.equal(true);
    expect(partitionsMatch(['A'], [])).to.equal(false);
    expect(partitionsMatch(['A', 'B'], ['C', 'B'])).to.equal(true);
    expect(partitionsMatch(['A*'], ['Abc'])).to.equal(true);
    expect(partitionsMatch(['Abc'], ['A?c'])).to.equal(true);
    expect(partitionsMatch(['A*'], ['A?'])).to.equal(false);
    expect(partitionsMatch(['A*'], ['A*'])).to.equal(true);
    expect(partitionsMatch(['*'], [])).to.equal(true); // '*' matches the default partition ""
  });

  // Writer (offered) vs reader (requested); absent policies take DDS defaults.
  const table: { name: string; w: EndpointQos; r: EndpointQos; want: MatchResult; wTopic?: string; wType?: string }[] = [
    { name: 'defaults (writer reliable, reader best-effort)', w: {}, r: {}, want: { kind: 'match' } },
    { name: 'reliable → reliable', w: { reliability: rel('reliable') }, r: { reliability: rel('reliable') }, want: { kind: 'match' } },
    { name: 'reliable → best-effort', w: { reliability: rel('reliable') }, r: { reliability: rel('best-effort') }, want: { kind: 'match' } },
    { name: 'best-effort → reliable', w: { reliability: rel('best-effort') }, r: { reliability: rel('reliable') }, want: { kind: 'incompatible', policy: 'reliability' } },
    { name: 'best-effort → best-effort', w: { reliability: rel('best-effort') }, r: {}, want: { kind: 'match' } },
    { name: 'volatile → transient-local', w: {}, r: { durability: 'transient-local' }, want: { kind: 'incompatible', policy: 'durability' } },
    { name: 'transient-local → volatile', w: { durability: 'transient-local' }, r: {}, want: { kind: 'match' } },
    { name: 'transient-local → transient', w: { durability: 'transient-local' }, r: { durability: 'transient' }, want: { kind: 'incompatible', policy: 'durability' } },
    { name: 'persistent → transient', w: { durability: 'persistent' }, r: { durability: 'transient' }, want: { kind: 'match' } },
    { name: 'partition A vs B', w: { partitions: ['A'] }, r: { partitions: ['B'] }, want: { kind: 'no-match', reason: 'partition' } },
    { name: 'partition A* vs Ab', w: { partitions: ['A*'] }, r: { partitions: ['Ab'] }, want: { kind: 'match' } },
    { name: 'partition [] vs [""]', w: {}, r: { partitions: [''] }, want: { kind: 'match' } },
    { name: 'partition mismatch hides an incompatible QoS', w: { partitions: ['A'], reliability: rel('best-effort') }, r: { partitions: ['B'], reliability: rel('reliable') }, want: { kind: 'no-match', reason: 'partition' } },
    { name: 'other topic', w: {}, r: {}, wTopic: 'U', want: { kind: 'no-match', reason: 'topic' } },
    { name: 'other type', w: {}, r: {}, wType: 'Y', want: { kind: 'no-match', reason: 'type' } },
    { name: 'deadline offered 200 > requested 100', w: { deadlineMs: 200 }, r: { deadlineMs: 100 }, want: { kind: 'incompatible', policy: 'deadline' } },
    { name: 'ownership exclusive vs shared', w: { ownership: 'exclusive' }, r: {}, want: { kind: 'incompatible', policy: 'ownership' } },
    { name: 'liveliness automatic vs manual-by-topic', w: {}, r: { liveliness: { kind: 'manual-by-topic', leaseDurationMs: Infinity } }, want: { kind: 'incompatible', policy: 'liveliness' } },
    { name: 'XCDR2 writer, XCDR reader', w: { dataRepresentation: [2] }, r: {}, want: { kind: 'incompatible', policy: 'data-representation' } },
  ];
  for (const c of table) {
    it(`matchEndpoints: ${c.name}`, () => {
      expect(matchEndpoints(W(c.w, c.wTopic, c.wType), W(c.r))).to.deep.equal(c.want);
    });
  }
});
