import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';
import { expectNullsExplained } from '../support/nulls.ts';

// The experiment API (issue #5, experiment lift) over Fastify inject on real embedded stores: uploads (JSON and
// text/csv), idempotency, all-or-nothing with located errors, the lift figures against hand computation, and every
// bad input answering an explicit error or a null with its reason.

let t: TestApp;
let admin: string;
let analyst: string;

const call = (
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  key: string,
  payload?: unknown,
  contentType?: string,
) =>
  t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${key}`, ...(contentType ? { 'content-type': contentType } : {}) },
    ...(payload === undefined
      ? {}
      : typeof payload === 'string'
        ? { payload }
        : { payload: payload as object }),
  });

/** A CSV of units: `arms` maps an arm to [units, conversions]; spend is 10 for converted units, else 0. */
function unitsCsv(arms: Record<string, [number, number]>, extra = ''): string {
  const lines = ['unit,arm,customer,converted,spend'];
  let i = 0;
  for (const [arm, [units, conversions]] of Object.entries(arms))
    for (let k = 0; k < units; k++) {
      i++;
      const converted = k < conversions ? 1 : 0;
      lines.push(`u${i},${arm},,${converted},${converted ? 10 + (k % 3) : 0}`);
    }
  return lines.join('\n') + '\n' + extra;
}

const mapping = (id: string, experiment: Record<string, unknown> = {}) => ({
  experiment: {
    id,
    name: `Experiment ${id}`,
    control: 'A',
    metrics: { converted: 'binary', spend: 'numeric' },
    ...experiment,
  },
  columns: {
    unit_key: 'unit',
    arm: 'arm',
    customer_no: 'customer',
    'metrics.converted': 'converted',
    'metrics.spend': { from: 'spend', default: 0 },
  },
});

const upload = (id: string, csv: string, extra: Record<string, unknown> = {}, key = admin) =>
  call('POST', '/v1/analytics/experiments', key, { csv, mapping: mapping(id), ...extra });

beforeAll(async () => {
  t = await createTestApp();
  admin = (await t.auth.createApiKey({ name: 'admin', role: 'admin' }, 'test')).key;
  analyst = (await t.auth.createApiKey({ name: 'analyst', role: 'analyst' }, 'test')).key;
  await t.stores.operational.db.insertInto('customers').values({ id: 1, customer_no: 'C1' }).execute();
}, 60_000);
afterAll(async () => t?.close());

describe('upload', () => {
  it('imports from JSON, links known customers, and a second upload changes nothing', async () => {
    const csv = unitsCsv({ A: [200, 20], B: [200, 40] }).replace('u1,A,,', 'u1,A,C1,');
    const first = await upload('ab', csv);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      status: 'committed',
      experiment: { id: 'ab', definition: 'created' },
      read: 400,
      inserted: 400,
      rejected: 0,
    });
    const again = await upload('ab', csv);
    expect(again.json()).toMatchObject({
      experiment: { definition: 'unchanged' },
      inserted: 0,
      updated: 0,
      unchanged: 400,
    });
    const linked = await sql<{ customer_id: number | null }>`
      select customer_id from experiment_units where experiment_id = 'ab' and unit_key = 'u1'`.execute(
      t.stores.operational.db,
    );
    expect(linked.rows[0]?.customer_id).toBe(1);
    const audit = await sql<{ n: number }>`
      select count(*)::int as n from audit_log where action = 'import.experiment'`.execute(
      t.stores.operational.db,
    );
    expect(audit.rows[0]?.n).toBe(2);
  });

  it('accepts text/csv with the mapping in the query string', async () => {
    const csv = unitsCsv({ A: [30, 3], B: [30, 6] });
    const res = await call(
      'POST',
      `/v1/analytics/experiments?mapping=${encodeURIComponent(JSON.stringify(mapping('csv_body')))}`,
      admin,
      csv,
      'text/csv',
    );
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ inserted: 60, experiment: { id: 'csv_body' } });
  });

  it('rejects the whole file on a bad row, with row, field and reason; allowPartial commits the good rows', async () => {
    const csv = unitsCsv({ A: [5, 1], B: [5, 2] }) + 'u99,B,C404,1,3\nu100,A,,2,0\nu101,A,,1,lots\n';
    const rejected = await upload('bad', csv);
    expect(rejected.statusCode).toBe(422);
    const body = rejected.json();
    expect(body.error.code).toBe('import_rejected');
    expect(body.error.details.firstErrors).toEqual([
      { row: 11, line: 12, field: 'customer_no', reason: 'unknown customer', value: 'C404' },
      {
        row: 12,
        line: 13,
        field: 'metrics.converted',
        reason: 'binary metric must be 0 or 1 (or true/false, yes/no)',
        value: '2',
      },
      { row: 13, line: 14, field: 'metrics.spend', reason: 'not a number', value: 'lots' },
    ]);
    expect((await call('GET', '/v1/analytics/experiments/bad', admin)).statusCode).toBe(404);
    const partial = await upload('bad', csv, { allowPartial: true });
    expect(partial.statusCode).toBe(201);
    expect(partial.json()).toMatchObject({ inserted: 10, rejected: 3 });
  });

  it('refuses a mapping that does not define the experiment fully (400), and non-admins (403)', async () => {
    const csv = unitsCsv({ A: [2, 1], B: [2, 1] });
    const noControl = await call('POST', '/v1/analytics/experiments', admin, {
      csv,
      mapping: {
        ...mapping('x'),
        experiment: { id: 'x', name: 'x', metrics: { converted: 'binary', spend: 'numeric' } },
      },
    });
    expect(noControl.statusCode).toBe(400);
    expect(noControl.json().error.message).toMatch(/experiment\.control: required/);
    const undeclared = await call('POST', '/v1/analytics/experiments', admin, {
      csv,
      mapping: mapping('x', { metrics: { converted: 'binary' } }),
    });
    expect(undeclared.statusCode).toBe(400);
    expect(undeclared.json().error.message).toMatch(/metrics\.spend: not declared/);
    const control = await upload('overridden', csv, { control: 'B', experimentName: 'Renamed' });
    expect(control.statusCode).toBe(201);
    expect((await call('GET', '/v1/analytics/experiments/overridden', analyst)).json()).toMatchObject({
      control: 'B',
      name: 'Renamed',
    });
    expect((await upload('nope', csv, {}, analyst)).statusCode).toBe(403);
  });
});

describe('lift', () => {
  it('answers rates, Wald and log-ratio intervals, Welch for means, SRM, MDE and power', async () => {
    const res = await call('GET', '/v1/analytics/experiments/ab/lift', analyst);
    expect(res.statusCode).toBe(200);
    const a = res.json();
    expectNullsExplained(a.metrics);
    expect(a).toMatchObject({ control: 'A', confidence: 0.95, alpha: 0.05, power: 0.8 });
    const converted = a.metrics.find((m: { metric: string }) => m.metric === 'converted');
    expect(converted.arms.map((x: { arm: string; mean: number }) => [x.arm, x.mean])).toEqual([
      ['A', 0.1],
      ['B', 0.2],
    ]);
    // 0.2 − 0.1 ± 1.959964·√(0.2·0.8/200 + 0.1·0.9/200) = 0.1 ± 1.959964·0.0353553
    const cmp = converted.comparisons[0];
    expect(cmp.absolute.lower).toBeCloseTo(0.1 - 1.959964 * Math.sqrt(0.25 / 200), 6);
    expect(cmp.relative.estimate).toBeCloseTo(1, 12);
    expect(cmp.test.kind).toBe('z');
    expect(cmp.test.pValue).toBeCloseTo(0.004677735, 6); // 2·Φ(−0.1/0.0353553) = 2·Φ(−2.828427)
    const spend = a.metrics.find((m: { metric: string }) => m.metric === 'spend');
    expect(spend.comparisons[0].test.kind).toBe('welch_t');
    expect(spend.comparisons[0].test.df).toBeGreaterThan(100);
    expect(a.srm).toMatchObject({ chiSquare: 0, df: 1, flagged: false });
  });

  it('takes one metric, a confidence level and another control arm', async () => {
    const res = await call(
      'GET',
      '/v1/analytics/experiments/ab/lift?metric=converted&confidence=0.99&control=B',
      analyst,
    );
    const a = res.json();
    expect(a.metrics.map((m: { metric: string }) => m.metric)).toEqual(['converted']);
    expect(a.control).toBe('B');
    const cmp = a.metrics[0].comparisons[0];
    expect(cmp.arm).toBe('A');
    expect(cmp.absolute.upper - cmp.absolute.estimate).toBeCloseTo(2.5758293 * Math.sqrt(0.25 / 200), 6);
  });

  it('flags a sample-ratio mismatch against the declared allocation', async () => {
    await call('POST', '/v1/analytics/experiments', admin, {
      csv: unitsCsv({ A: [10, 2], B: [40, 8] }),
      mapping: mapping('srm', { allocation: { A: 1, B: 1 } }),
    });
    const a = (await call('GET', '/v1/analytics/experiments/srm/lift', analyst)).json();
    // Expected 25 each: (15² + 15²)/25 = 18, p = 2.2e-5 < 0.001.
    expect(a.srm.chiSquare).toBeCloseTo(18, 10);
    expect(a.srm.pValue).toBeCloseTo(2.209e-5, 8);
    expect(a.srm.flagged).toBe(true);
  });

  it('bad input: one arm, unknown control or metric, bad confidence → 400 with a stable reason', async () => {
    await upload('one_arm', unitsCsv({ A: [10, 2] }));
    await call('POST', '/v1/analytics/experiments', admin, {
      csv: unitsCsv({ B: [10, 2], C: [10, 3] }),
      mapping: mapping('no_control'),
    });
    const cases: [string, string][] = [
      ['/v1/analytics/experiments/one_arm/lift', 'one_arm'],
      ['/v1/analytics/experiments/no_control/lift', 'unknown_control_arm'],
      ['/v1/analytics/experiments/ab/lift?control=Z', 'unknown_control_arm'],
      ['/v1/analytics/experiments/ab/lift?metric=revenue', 'unknown_metric'],
    ];
    for (const [url, reason] of cases) {
      const res = await call('GET', url, analyst);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().error.details.reason, url).toBe(reason);
    }
    expect((await call('GET', '/v1/analytics/experiments/ab/lift?confidence=1.5', analyst)).statusCode).toBe(
      400,
    );
    expect((await call('GET', '/v1/analytics/experiments/missing/lift', analyst)).statusCode).toBe(404);
  });

  it('a control rate of 0 and a single-unit arm give nulls with reasons, never NaN', async () => {
    await upload('zero', unitsCsv({ A: [50, 0], B: [50, 5], C: [1, 1] }));
    const res = await call('GET', '/v1/analytics/experiments/zero/lift', analyst);
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toMatch(/NaN|Infinity/);
    const a = res.json();
    expectNullsExplained(a.metrics);
    const converted = a.metrics.find((m: { metric: string }) => m.metric === 'converted');
    const b = converted.comparisons.find((c: { arm: string }) => c.arm === 'B');
    expect(b.relative).toBeNull();
    expect(b.relativeReason).toMatch(/control rate is 0/);
    expect(b.absolute.estimate).toBeCloseTo(0.1, 12);
    const spend = a.metrics.find((m: { metric: string }) => m.metric === 'spend');
    const c = spend.comparisons.find((x: { arm: string }) => x.arm === 'C');
    expect(c.absolute).toBeNull();
    expect(c.absoluteReason).toMatch(/fewer than 2 values/);
  });
});

describe('list and delete', () => {
  it('lists experiments with arms; deletes (audited), then 404', async () => {
    const list = (await call('GET', '/v1/analytics/experiments', analyst)).json();
    const ab = list.experiments.find((e: { id: string }) => e.id === 'ab');
    expect(ab).toMatchObject({
      units: 400,
      arms: [
        { arm: 'A', units: 200 },
        { arm: 'B', units: 200 },
      ],
    });
    expect((await call('DELETE', '/v1/analytics/experiments/zero', analyst)).statusCode).toBe(403);
    expect((await call('DELETE', '/v1/analytics/experiments/zero', admin)).statusCode).toBe(204);
    expect((await call('GET', '/v1/analytics/experiments/zero', analyst)).statusCode).toBe(404);
    expect((await call('DELETE', '/v1/analytics/experiments/zero', admin)).statusCode).toBe(404);
    const audit = await sql<{ details: { units: number } }>`
      select details from audit_log where action = 'experiment.delete' and entity_id = 'zero'`.execute(
      t.stores.operational.db,
    );
    expect(audit.rows[0]?.details.units).toBe(101);
    const units = await sql<{ n: number }>`
      select count(*)::int as n from experiment_units where experiment_id = 'zero'`.execute(
      t.stores.operational.db,
    );
    expect(units.rows[0]?.n).toBe(0);
  });
});
