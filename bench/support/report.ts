/**
 * One line per measured figure, as the developers' guide fixes it:
 * `{"suite":"codecs","metric":"stun.parseVerify","unit":"us","value":2.1,"against":{"werift-ice":7.4}}`.
 * `against` holds the other implementations measured in the same run.
 */
export interface BenchResult {
  readonly suite: string;
  readonly metric: string;
  readonly unit: string;
  readonly value: number;
  readonly against?: Readonly<Record<string, number>>;
}

/** Median time per call in ns of `fn`, over `rounds` rounds of `iterations` calls each (after a warm-up). */
export function timePerCallNs(fn: () => unknown, iterations: number, rounds = 7): number {
  let sink: unknown;
  for (let i = 0; i < Math.min(iterations, 20_000); i++) sink = fn();
  const samples: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) sink = fn();
    samples.push(Number(process.hrtime.bigint() - t0) / iterations);
  }
  if (sink === Symbol.for('never')) console.log('');
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)] ?? Number.NaN;
}

/** Prints results as a table (human) or as JSON lines (`--json`). */
export function printResults(results: readonly BenchResult[], json: boolean): void {
  if (json) {
    for (const r of results) console.log(JSON.stringify(r));
    return;
  }
  const rows = results.map((r) => {
    const others = Object.entries(r.against ?? {})
      .map(([name, v]) => `${name} ${fmt(v)} (${fmt(v / r.value)}x ours)`)
      .join(', ');
    return `${r.suite}.${r.metric}`.padEnd(34) + `${fmt(r.value)} ${r.unit}`.padEnd(14) + others;
  });
  console.log(rows.join('\n'));
}

function fmt(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}
