import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  importExample,
  openMemoryStores,
  segmentService,
  type MemoryStores,
} from '../../../test/support/memory-stores.ts';
import { sharedDataFile } from '../../../test/support/shared-data.ts';
import { fixedClock } from '../../shared/clock.ts';
import { OTHER } from './features.ts';
import type { RankedFeature } from './ranking.ts';
import { runDrivers, type DriversAnalysis } from './service.ts';

// Churn_Modelling.csv (10,000 bank customers, `Exited` = churned) imported through the real import with
// examples/churn-modelling/customers.json, then the drivers analysis with outcome exited = 1. Churn rates by
// geography, gender and number of products are checked against rates computed here straight from the CSV.

const DATA = sharedDataFile('churn/Churn_Modelling.csv') ?? 'churn/Churn_Modelling.csv';
const present = existsSync(DATA);
if (!present) console.warn(`[flywheel tests] Churn_Modelling example skipped: ${DATA} not found`);

/** Churn rate by the value of one CSV column, computed from the raw file (independent of the import). */
function ratesFromCsv(column: string): Map<string, { customers: number; churned: number; rate: number }> {
  const [header, ...rows] = readFileSync(DATA, 'utf8').trim().split(/\r?\n/);
  const names = header!.split(',');
  const at = names.indexOf(column);
  const exited = names.indexOf('Exited');
  const out = new Map<string, { customers: number; churned: number; rate: number }>();
  for (const line of rows) {
    const cells = line.split(',');
    const key = cells[at]!;
    const entry = out.get(key) ?? { customers: 0, churned: 0, rate: 0 };
    entry.customers++;
    entry.churned += Number(cells[exited]);
    out.set(key, entry);
  }
  for (const e of out.values()) e.rate = e.churned / e.customers;
  return out;
}

describe.runIf(present)('Churn_Modelling example: drivers of exited = 1', () => {
  let stores: MemoryStores | undefined;
  let analysis: DriversAnalysis;
  const clock = fixedClock('2026-11-23T10:00:00Z');

  beforeAll(async () => {
    stores = await openMemoryStores();
    const [imported] = await importExample(stores, clock, DATA, 'churn-modelling', [
      ['customers', 'customers.json'],
    ]);
    expect(imported).toMatchObject({
      status: 'committed',
      read: 10_000,
      inserted: 10_000,
      rejected: 0,
    });
    const result = await runDrivers(segmentService(stores, clock), {
      outcome: { attr: 'exited', op: '=', value: 1 },
    });
    if (!result.ok) throw new Error(result.error.message);
    analysis = result.value;
  }, 120_000);
  afterAll(async () => {
    await stores?.close();
  });

  const feature = (id: string): RankedFeature => {
    const f = analysis.features.find((x) => x.id === id);
    if (!f) throw new Error(`no feature ${id}`);
    return f;
  };

  it('counts 10,000 customers and the churn rate of the file', () => {
    const all = ratesFromCsv('RowNumber');
    const churned = [...all.values()].reduce((s, e) => s + e.churned, 0);
    expect(analysis.population).toEqual({ customers: 10_000, positives: churned, rate: churned / 10_000 });
    // the outcome's own attribute never explains it
    expect(analysis.excluded).toContainEqual({ id: 'attr:exited', reason: 'outcome' });
    expect(analysis.features.map((f) => f.id)).not.toContain('attr:exited');
  });

  it('churn rates by geography, gender and number of products equal the CSV', () => {
    const check = (id: string, column: string, valueOf: (csv: string) => string) => {
      const direct = ratesFromCsv(column);
      const levels = new Map(feature(id).levels.map((l) => [l.value, l]));
      for (const [csv, e] of direct) {
        const level = levels.get(valueOf(csv));
        expect(level, `${id} ${csv}`).toBeDefined();
        expect(level!.customers).toBe(e.customers);
        expect(level!.positives).toBe(e.churned);
        expect(Math.abs(level!.rate - e.rate)).toBeLessThan(1e-12);
      }
    };
    check('attr:geography', 'Geography', (v) => v);
    check('attr:gender', 'Gender', (v) => (v === 'Female' ? 'F' : 'M'));
    // 4 products: 60 customers (0.6%), below the 1% floor, so pooled alone into "(other)"
    check('attr:num_of_products', 'NumOfProducts', (v) => (v === '4' ? OTHER : v));
    expect(feature('attr:num_of_products').kind).toBe('discrete');
  });

  it('ranks age, number of products and activity among the most informative features', () => {
    const top = analysis.features.slice(0, 4).map((f) => f.id);
    expect(top).toContain('attr:age');
    expect(top).toContain('attr:num_of_products');
    const ids = analysis.features.map((f) => f.id);
    expect(ids.indexOf('attr:is_active_member')).toBeLessThan(6);
    for (const f of analysis.features) {
      expect(Number.isFinite(f.iv)).toBe(true);
      for (const l of f.levels) expect([l.rate, l.lift, l.woe, l.iv].every(Number.isFinite)).toBe(true);
    }
  });

  it('fits the regression with finite coefficients and a hold-out AUC in (0.5, 1)', () => {
    const r = analysis.regression;
    if (r.status !== 'fitted') throw new Error(r.reason);
    expect(r.converged).toBe(true);
    expect(r.trainingCustomers + r.holdoutCustomers).toBe(10_000);
    expect(Math.abs(r.holdoutCustomers / 10_000 - 0.3)).toBeLessThan(0.02);
    for (const c of r.coefficients)
      expect([c.estimate, c.stdError, c.ciLow, c.ciHigh, c.pValue].every(Number.isFinite)).toBe(true);
    expect(r.auc.holdout).toBeGreaterThan(0.5);
    expect(r.auc.holdout).toBeLessThan(1);
    expect(r.auc.training).toBeGreaterThan(0.5);
    // older customers churn more: the age coefficient (per SD) is positive and significant
    const age = r.coefficients.find((c) => c.term === 'attr:age (per SD)');
    expect(age?.estimate).toBeGreaterThan(0);
    expect(age?.pValue).toBeLessThan(1e-6);
    if (process.env['DRIVERS_PRINT']) console.log(JSON.stringify(analysis, null, 1));
  });
});
