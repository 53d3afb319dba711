// The "Key factors" tab in a real browser against the real server: the figures on screen (population, IV per
// feature, rates per value, AUC, coefficients) are compared with the API's answer to the same request; bad input
// shows a located problem or an explicit "not enough data"; the group analysis page links here with the group preset.
// The outcome is built with the pickers only (no JSON is typed anywhere).
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiJson,
  choose,
  fillAttrCondition,
  HAVE_CHROMIUM,
  rawValue,
  signIn,
  startDashboard,
  type Dashboard,
} from './harness.ts';

const CUSTOMERS = 900;
const PASSWORD = 'analyst-pass-1';
const OUTCOME = { attr: 'churned', op: '=', value: 1 };

interface Analysis {
  dataReadAt: string;
  population: { customers: number; positives: number; rate: number };
  features: { id: string; iv: number; levels: { value: string; rate: number }[] }[];
  regression:
    | {
        status: 'fitted';
        auc: { holdout: number | null; training: number | null };
        coefficients: { term: string; estimate: number }[];
      }
    | { status: 'not_enough_data' };
}

let d: Dashboard;
let page: Page;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  d = await startDashboard({
    customers: CUSTOMERS,
    seed: 20261205,
    users: [{ username: 'analyst1', role: 'analyst', password: PASSWORD }],
    locale: 'en-US',
    // a plan and a churn flag on every customer: "basic" churns far more than "plus"
    prepare: async (stores) => {
      await sql`update customers set attributes = jsonb_build_object(
          'plan', case when id % 4 = 0 then 'basic' else 'plus' end,
          'churned', case when (id % 4 = 0 and id % 3 <> 0) or id % 7 = 0 then 1 else 0 end)`.execute(
        stores.operational.db,
      );
    },
  });
  page = d.page;
  await signIn(page, d.base, 'analyst1', PASSWORD);
  const run = await apiJson<{ status: string }>(page, 'POST', '/v1/tags/compute', {});
  expect(run.status).toBe(200);
}, 180_000);

afterAll(async () => {
  await d?.close();
});

/** Picks an attribute outcome ("churned = 1") with the outcome picker and runs the analysis. */
async function analyse(op = '=', value = '1'): Promise<void> {
  await page.getByTestId('drivers-outcome-kind-attribute').click();
  await fillAttrCondition(page, page.getByTestId('drivers-outcome'), 'churned', op, value);
  await page.getByTestId('drivers-run').click();
}

describe.runIf(HAVE_CHROMIUM)('key factors tab', () => {
  it('shows the figures the API computes for the same request', async () => {
    await page.goto(d.base + '/analytics/drivers');
    await page.getByTestId('drivers-intro').waitFor();
    // no JSON text box anywhere on the tab
    await page.getByTestId('drivers-outcome').waitFor();
    expect(await page.getByTestId('drivers').locator('textarea').count()).toBe(0);
    await analyse();
    await page.getByTestId('drivers-values').waitFor({ timeout: 20_000 });
    const api = await apiJson<Analysis>(page, 'POST', '/v1/analytics/drivers', { outcome: OUTCOME });
    expect(api.status).toBe(200);
    const a = api.body;
    expect(Number(await rawValue(page, 'drivers-customers'))).toBe(CUSTOMERS);
    expect(Number(await rawValue(page, 'drivers-positives'))).toBe(a.population.positives);
    expect(Number(await rawValue(page, 'drivers-rate'))).toBe(a.population.rate);
    expect(a.features[0]!.id).toBe('attr:plan');
    for (const f of a.features.slice(0, 5)) expect(Number(await rawValue(page, `iv-${f.id}`))).toBe(f.iv);
    // the values table shows the top feature by default: its rates per value
    for (const level of a.features[0]!.levels)
      expect(Number(await rawValue(page, `rate-${level.value}`))).toBe(level.rate);
    if (a.regression.status !== 'fitted') throw new Error('regression not fitted');
    expect(Number(await rawValue(page, 'drivers-auc-holdout'))).toBe(a.regression.auc.holdout);
    const planTerm = a.regression.coefficients.find((c) => c.term.startsWith('attr:plan='))!;
    expect(Number(await rawValue(page, `coef-${planTerm.term}`))).toBe(planTerm.estimate);
    expect(await page.getByTestId('drivers-iv-chart').locator('canvas').count()).toBe(1);
    await expect(page.getByTestId('drivers-values').getByTestId('csv-export').isEnabled()).resolves.toBe(
      true,
    );
    expect(await page.getByTestId('drivers').textContent()).not.toMatch(/NaN|Infinity/);
    // Each chart states the data's freshness: when the customer data was read.
    const freshness = await page.getByTestId('analysis-freshness').first().textContent();
    expect(freshness).toContain(a.dataReadAt.replace('T', ' ').slice(0, 16));
    expect(new URL(page.url()).searchParams.get('outcome')).toBe(JSON.stringify(OUTCOME));
    await page.screenshot({ path: '.tmp/analytics-drivers.png', fullPage: true });
  });

  it('asks for an unfinished outcome and shows "not enough data" for an outcome that does not vary', async () => {
    await page.goto(d.base + '/analytics/drivers');
    await page.getByTestId('drivers-outcome-kind-attribute').click();
    await choose(page, page.getByTestId('drivers-outcome').getByTestId('cond-attr-name'), 'churned');
    await page
      .getByTestId('drivers-outcome')
      .locator('[data-testid="cond-attr-value"] input, input[data-testid="cond-attr-value"]')
      .first()
      .fill('');
    await page.getByTestId('drivers-run').click();
    await page.getByTestId('drivers-problem').waitFor();
    expect(await page.getByTestId('drivers-problem').textContent()).toContain('Complete the outcome');
    d.expectBadRequests.push('/v1/analytics/drivers');
    await analyse('≥', '0');
    await page.getByTestId('not-enough-data').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('not-enough-data').textContent()).toContain('every customer');
  });

  it("opens from a saved group's analysis with the group as the population", async () => {
    const created = await apiJson<{ id: string }>(page, 'POST', '/v1/segments', {
      id: 'basic_plan',
      name: 'Basic plan',
      rule: {
        any: [
          { attr: 'plan', op: '=', value: 'basic' },
          { attr: 'churned', op: '=', value: 1 },
        ],
      },
    });
    expect(created.status).toBe(201);
    await page.goto(d.base + '/segments/basic_plan/analysis');
    await page.getByTestId('analysis-key-factors').click();
    await page.getByTestId('drivers-form').waitFor();
    expect(new URL(page.url()).searchParams.get('segment')).toBe('basic_plan');
    await analyse();
    await page.getByTestId('drivers-values').waitFor({ timeout: 20_000 });
    const api = await apiJson<Analysis>(page, 'POST', '/v1/analytics/drivers', {
      outcome: OUTCOME,
      population: { segmentId: 'basic_plan' },
    });
    expect(Number(await rawValue(page, 'drivers-customers'))).toBe(api.body.population.customers);
    expect(Number(await rawValue(page, 'drivers-positives'))).toBe(api.body.population.positives);
    expect(d.consoleErrors).toEqual([]);
  });
  it('takes the outcome from a saved group, leaving out the attributes its rule reads', async () => {
    const created = await apiJson<{ id: string }>(page, 'POST', '/v1/segments', {
      id: 'churners',
      name: 'Churners',
      rule: { attr: 'churned', op: '=', value: 1 },
    });
    expect(created.status).toBe(201);
    await page.goto(d.base + '/analytics/drivers');
    await page.getByTestId('drivers-outcome-kind-segment').click();
    await choose(page, page.getByTestId('drivers-outcome-segment'), 'Churners');
    await page.getByTestId('drivers-run').click();
    await page.getByTestId('drivers-values').waitFor({ timeout: 20_000 });
    const api = await apiJson<Analysis & { excluded: { id: string; reason: string }[] }>(
      page,
      'POST',
      '/v1/analytics/drivers',
      { outcome: { segment: 'churners' } },
    );
    expect(Number(await rawValue(page, 'drivers-positives'))).toBe(api.body.population.positives);
    expect(api.body.excluded).toContainEqual({ id: 'attr:churned', reason: 'outcome' });
    expect(await page.getByTestId('drivers-excluded').textContent()).toContain('attr:churned');
    expect(d.consoleErrors).toEqual([]);
  });
});
