import { analyseDrivers, type DriversEntry } from '../src/analytics/drivers/service.ts';
import { RoaringBitmap32 } from '../src/shared/bitmap.ts';
import { murmur3Uint32 } from '../src/segments/sample.ts';
import { syntheticBank } from '../test/support/synthetic-index.ts';
import type { BenchResult } from './support.ts';

// `npm run bench drivers`: the key-factors analysis (every tag and attribute ranked by IV, the logistic regression and
// its AUC) over a synthetic bank's index, for the whole bank and for a group of 80% of it. The outcome depends on two
// tags (dormant, rfm lost), so the ranking has something to find. Times the analysis itself, the index being built.

/** Runs the analysis `runs` times per population and reports the median. */
export async function benchDrivers(options: { customers: number; runs?: number }): Promise<BenchResult[]> {
  const n = options.customers;
  const runs = options.runs ?? 5;
  const bank = syntheticBank({ customers: n });
  const index = bank.index;
  const entry: DriversEntry = {
    asOf: '2024-06-30',
    index,
    base: { tagInfo: new Map(), tagsAsOf: '2024-06-30', readAt: new Date().toISOString() },
  };
  const dormant = index.tagValue('dormant', 'yes')!;
  const lost = index.tagValue('rfm', 'lost')!;
  const outcome = new RoaringBitmap32();
  const chunk: number[] = [];
  for (const o of index.universe) {
    const u = murmur3Uint32(o, 99) / 2 ** 32;
    const p = 0.08 + (dormant.has(o) ? 0.25 : 0) + (lost.has(o) ? 0.2 : 0);
    if (u < p) chunk.push(o);
    if (chunk.length >= 65_536) outcome.addMany(chunk.splice(0));
  }
  outcome.addMany(chunk);
  const mass = index.tagValue('aum_tier', 'mass')!;
  const results: BenchResult[] = [];
  for (const [name, population] of [
    ['all', index.universe],
    ['mass', mass],
  ] as const) {
    const times: number[] = [];
    const phases: { featuresMs: number; regressionMs: number }[] = [];
    let top: string[] = [];
    let ranked = 0;
    let auc: number | null = null;
    for (let r = 0; r < runs; r++) {
      const result = analyseDrivers(entry, outcome, population);
      if (!result.ok) throw new Error(result.error.message);
      times.push(result.value.elapsedMs);
      phases.push(result.value.timings);
      top = result.value.features.slice(0, 3).map((f) => f.id);
      ranked = result.value.features.length;
      if (result.value.regression.status === 'fitted') auc = result.value.regression.auc.holdout;
      await new Promise((resolve) => setImmediate(resolve));
    }
    const order = times.map((t, i) => [t, i] as const).sort((a, b) => a[0] - b[0]);
    const [median, at] = order[Math.floor(order.length / 2)]!;
    results.push({
      bench: `analytics.drivers.${name}`,
      metric: 'median_ms',
      value: Math.round(median),
      unit: 'ms',
      target: '< 2000',
      pass: median < 2000,
      details: {
        customers: n,
        population: population.size,
        featuresRanked: ranked,
        runs,
        maxMs: Math.round(Math.max(...times)),
        featuresMs: Math.round(phases[at]!.featuresMs),
        regressionMs: Math.round(phases[at]!.regressionMs),
        top,
        aucHoldout: auc,
      },
    });
  }
  return results;
}
