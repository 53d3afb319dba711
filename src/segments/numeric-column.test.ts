import { describe, expect, it } from 'vitest';
import { nextUp, NumericColumn } from './numeric-column.ts';
import type { Interval } from './predicate.ts';
import { Prng } from '../shared/prng.ts';

// Values that float32 cannot tell apart, and values beyond its range, must still be compared exactly.
describe('NumericColumn ranges', () => {
  const rng = new Prng(5);
  const pool = [
    ...Array.from({ length: 50 }, (_, k) => 1_000_000 + k * 0.01), // float32 step here is 0.0625
    1e300,
    -1e300,
    3.5e38,
    -3.5e38,
    1e-40,
    -1e-40,
    0,
    5,
    nextUp(5),
    7,
    7,
    7,
  ];
  const values = new Float64Array(3001).fill(NaN);
  for (let i = 1; i < values.length; i++) if (!rng.chance(0.1)) values[i] = rng.pick(pool);
  const bounds = [...new Set(pool)].flatMap((v) => [v, nextUp(v)]).concat([-Infinity, Infinity]);

  for (const options of [
    {},
    { fineBins: 7, cumulative: 3, coreCost: 0 },
    { fineBins: 40, cumulative: 8, coreCost: 50 },
  ]) {
    it(`selects exactly with ${JSON.stringify(options)}`, () => {
      const column = NumericColumn.build(values, options);
      for (let n = 0; n < 400; n++) {
        const [lo, hi] = [rng.pick(bounds), rng.pick(bounds)].sort((a, b) => a - b) as [number, number];
        const interval: Interval = { lo, hi, loInclusive: rng.chance(0.5), hiInclusive: rng.chance(0.5) };
        const expected: number[] = [];
        for (let i = 1; i < values.length; i++) {
          const v = values[i]!;
          if ((interval.loInclusive ? v >= lo : v > lo) && (interval.hiInclusive ? v <= hi : v < hi))
            expected.push(i);
        }
        expect(column.select([interval]).toArray(), JSON.stringify(interval)).toEqual(expected);
        expect(column.estimate([interval])).toBeGreaterThanOrEqual(expected.length);
      }
    });
  }

  it('gives a frequent value a bin of its own', () => {
    const skewed = new Float64Array(100_001).fill(NaN);
    for (let i = 1; i < skewed.length; i++) skewed[i] = i % 3 === 0 ? 0 : i;
    const column = NumericColumn.build(skewed, { fineBins: 64 });
    expect(column.stats().largestBin).toBe(33_333); // the zeros
    expect(column.estimate([{ lo: 0, hi: 0, loInclusive: true, hiInclusive: true }])).toBe(33_333);
  });
});
