import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectNullsExplained } from '../../../test/support/nulls.ts';
import { openMigratedMemoryStore } from '../../../test/support/pglite.ts';
import { createTestDatabase, postgresAvailable, REQUIRE_SERVERS } from '../../../test/support/postgres.ts';
import { sharedDataFile } from '../../../test/support/shared-data.ts';
import { runImport } from '../../ingest/run.ts';
import { fixedClock } from '../../shared/clock.ts';
import { migrate } from '../../store/operational/migrate.ts';
import { openOperationalStore } from '../../store/operational/open.ts';
import type { OperationalStore } from '../../store/operational/store.ts';
import { chiSquareSf, normalCdf, studentTCdf, studentTQuantile } from '../stats.ts';
import { analyseExperiment, type LiftAnalysis } from './service.ts';
import { experimentImportTarget } from './import.ts';

// Issue #5, correctness against real data: Kevin Hillstrom's e-mail experiment (64,000 rows) imported through the
// real import with examples/hillstrom/mapping.json; visit, conversion and spend per arm and each e-mail's lift
// against "No E-Mail" with 95% CIs equal the values computed here directly from the CSV (plain loops and the textbook
// formulas) to 4 decimals. Published figures (MineThatData): visit 18.28% / 15.14% / 10.62%, conversion 1.25% / 0.88%
// / 0.57%, spend 1.42 / 1.08 / 0.65 (mens / womens / none).

const DATA = sharedDataFile('hillstrom/hillstrom.csv');
const MAPPING = fileURLToPath(new URL('../../../examples/hillstrom/mapping.json', import.meta.url));
if (!DATA) {
  if (REQUIRE_SERVERS)
    throw new Error('hillstrom/hillstrom.csv is required (FLYWHEEL_REQUIRE_SERVERS=1) but missing');
  console.warn(
    '[flywheel tests] Hillstrom experiment skipped: ../shared/data/hillstrom/hillstrom.csv not found',
  );
}

const ARMS = ['Mens E-Mail', 'Womens E-Mail', 'No E-Mail'] as const;
const METRICS = ['visit', 'conversion', 'spend'] as const;
const Z95 = 1.959963984540054; // Φ⁻¹(0.975)

/** The CSV's rows by arm: a plain quote-aware split, independent of the import's own parser. */
function readDirect(path: string): Map<string, Record<(typeof METRICS)[number], number>[]> {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const split = (line: string) => {
    const cells: string[] = [];
    let cell = '';
    let quoted = false;
    for (const ch of line) {
      if (ch === '"') quoted = !quoted;
      else if (ch === ',' && !quoted) {
        cells.push(cell);
        cell = '';
      } else cell += ch;
    }
    cells.push(cell);
    return cells;
  };
  const header = split(lines[0]!);
  const col = (name: string) => header.indexOf(name);
  const byArm = new Map<string, Record<(typeof METRICS)[number], number>[]>();
  for (const line of lines.slice(1)) {
    const cells = split(line);
    const arm = cells[col('segment')]!;
    const rows = byArm.get(arm) ?? [];
    rows.push({
      visit: Number(cells[col('visit')]),
      conversion: Number(cells[col('conversion')]),
      spend: Number(cells[col('spend')]),
    });
    byArm.set(arm, rows);
  }
  return byArm;
}

/** n, mean and sample variance by two passes. */
function moments(values: readonly number[]): { n: number; mean: number; variance: number } {
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / values.length;
  let ss = 0;
  for (const v of values) ss += (v - mean) ** 2;
  return { n: values.length, mean, variance: ss / (values.length - 1) };
}

const engines: {
  name: string;
  open: () => Promise<{ store: OperationalStore; drop?: () => Promise<void> }>;
}[] = [{ name: 'PGlite', open: async () => ({ store: await openMigratedMemoryStore() }) }];
if (DATA && (await postgresAvailable()))
  engines.push({
    name: 'PostgreSQL',
    open: async () => {
      const db = await createTestDatabase('flywheel_hillstrom');
      const store = await openOperationalStore({ kind: 'postgres', url: db.url });
      await migrate(store);
      return { store, drop: () => db.drop() };
    },
  });

describe.runIf(DATA).each(engines)('Hillstrom e-mail experiment ($name)', ({ open }) => {
  let store: OperationalStore;
  let drop: (() => Promise<void>) | undefined;
  let dir: string;
  let analysis: LiftAnalysis;
  const direct = DATA ? readDirect(DATA) : new Map();
  const clock = fixedClock('2026-11-23T10:00:00Z');
  const importOnce = async () => {
    const r = await runImport(
      {
        kind: 'experiment',
        file: DATA!,
        mapping: MAPPING,
        actor: 'test',
        errorsFile: join(dir, 'errors.csv'),
      },
      { operational: store, clock, targets: { experiment: experimentImportTarget } },
    );
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flywheel-hillstrom-'));
    ({ store, drop } = await open());
  }, 60_000);
  afterAll(async () => {
    await store?.close();
    await drop?.();
    rmSync(dir, { recursive: true, force: true });
  });

  it('imports 64,000 units through the real import, and a re-import changes nothing', async () => {
    const first = await importOnce();
    expect(first).toMatchObject({ status: 'committed', read: 64_000, inserted: 64_000, rejected: 0 });
    expect(first.experiment).toEqual({ id: 'hillstrom', definition: 'created' });
    const again = await importOnce();
    expect(again).toMatchObject({ status: 'committed', inserted: 0, updated: 0, unchanged: 64_000 });
    expect(again.experiment).toEqual({ id: 'hillstrom', definition: 'unchanged' });
    const result = await analyseExperiment(store.db, 'hillstrom');
    if (!result.ok) throw new Error(result.error.message);
    analysis = result.value;
    expect(analysis.experiment.units).toBe(64_000);
    expectNullsExplained(analysis.metrics);
  }, 120_000);

  it('rates and means per arm equal the direct computation (and the published figures)', () => {
    const published: Record<string, Record<string, number>> = {
      visit: { 'Mens E-Mail': 18.28, 'Womens E-Mail': 15.14, 'No E-Mail': 10.62 },
      conversion: { 'Mens E-Mail': 1.25, 'Womens E-Mail': 0.88, 'No E-Mail': 0.57 },
      spend: { 'Mens E-Mail': 1.42, 'Womens E-Mail': 1.08, 'No E-Mail': 0.65 },
    };
    for (const metric of METRICS) {
      const m = analysis.metrics.find((x) => x.metric === metric)!;
      expect(m.kind).toBe(metric === 'spend' ? 'numeric' : 'binary');
      for (const arm of ARMS) {
        const values = direct.get(arm)!.map((r: Record<string, number>) => r[metric]!);
        const { n, mean, variance } = moments(values);
        const shown = m.arms.find((a) => a.arm === arm)!;
        expect(shown.n).toBe(n);
        expect(shown.mean).toBeCloseTo(mean, 4);
        expect(shown.sd).toBeCloseTo(Math.sqrt(variance), 4);
        const scale = metric === 'spend' ? 1 : 100;
        expect(mean * scale).toBeCloseTo(published[metric]![arm]!, 2);
      }
    }
  });

  it("each e-mail's lift against No E-Mail with 95% CIs equals the textbook formulas to 4 decimals", () => {
    for (const metric of METRICS) {
      const m = analysis.metrics.find((x) => x.metric === metric)!;
      const c = moments(direct.get('No E-Mail')!.map((r: Record<string, number>) => r[metric]!));
      for (const arm of ['Mens E-Mail', 'Womens E-Mail']) {
        const t = moments(direct.get(arm)!.map((r: Record<string, number>) => r[metric]!));
        const got = m.comparisons.find((x) => x.arm === arm)!;
        const d = t.mean - c.mean;
        let lower: number, upper: number, relLower: number, relUpper: number, p: number;
        if (metric !== 'spend') {
          // Wald (unpooled) interval; log-ratio interval for the relative lift; z test on the same SE.
          const se = Math.sqrt((t.mean * (1 - t.mean)) / t.n + (c.mean * (1 - c.mean)) / c.n);
          [lower, upper] = [d - Z95 * se, d + Z95 * se];
          const seLog = Math.sqrt((1 - t.mean) / (t.n * t.mean) + (1 - c.mean) / (c.n * c.mean));
          relLower = Math.exp(Math.log(t.mean / c.mean) - Z95 * seLog) - 1;
          relUpper = Math.exp(Math.log(t.mean / c.mean) + Z95 * seLog) - 1;
          p = 2 * normalCdf(-Math.abs(d / se));
        } else {
          // Welch: Satterthwaite df, t interval; delta method for the ratio of means.
          const [v1, v0] = [t.variance / t.n, c.variance / c.n];
          const se = Math.sqrt(v1 + v0);
          const df = (v1 + v0) ** 2 / (v1 ** 2 / (t.n - 1) + v0 ** 2 / (c.n - 1));
          const q = studentTQuantile(0.975, df);
          [lower, upper] = [d - q * se, d + q * se];
          const seRatio = Math.sqrt(v1 / c.mean ** 2 + (t.mean ** 2 * v0) / c.mean ** 4);
          relLower = t.mean / c.mean - 1 - Z95 * seRatio;
          relUpper = t.mean / c.mean - 1 + Z95 * seRatio;
          p = 2 * studentTCdf(-Math.abs(d / se), df);
          expect(got.test.df).toBeCloseTo(df, 4);
        }
        expect(got.absolute!.estimate).toBeCloseTo(d, 4);
        expect(got.absolute!.lower).toBeCloseTo(lower, 4);
        expect(got.absolute!.upper).toBeCloseTo(upper, 4);
        expect(got.relative!.estimate).toBeCloseTo(t.mean / c.mean - 1, 4);
        expect(got.relative!.lower).toBeCloseTo(relLower, 4);
        expect(got.relative!.upper).toBeCloseTo(relUpper, 4);
        expect(got.test.pValue).toBeCloseTo(p, 4);
        // Every e-mail lifted every metric, clearly.
        expect(got.test.significant).toBe(true);
        expect(lower).toBeGreaterThan(0);
      }
    }
  });

  it('the split matches the equal allocation (no sample-ratio mismatch)', () => {
    const counts = ARMS.map((a) => direct.get(a)!.length);
    const expected = 64_000 / 3;
    const chi = counts.reduce((s, o) => s + (o - expected) ** 2 / expected, 0);
    expect(analysis.srm!.chiSquare).toBeCloseTo(chi, 6);
    expect(analysis.srm!.pValue).toBeCloseTo(chiSquareSf(chi, 2), 6);
    expect(analysis.srm!.flagged).toBe(false);
  });
});
