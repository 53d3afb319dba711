// The Lifecycle and Concentration tabs of the analytics area in a real browser against the real server: every figure
// the page shows (AARRR cards, transition matrix, median days in stage, Gini, top-20% shares, trend table) is compared
// with the API's answer, and the "not enough data" notice is shown while only one lifecycle snapshot exists.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiJson,
  choose,
  HAVE_CHROMIUM,
  rawValue,
  signIn,
  startDashboard,
  type Dashboard,
} from './harness.ts';

const PASSWORD = 'analyst-pass-1';
let d: Dashboard;
let page: Page;

const shift = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  d = await startDashboard({
    customers: 241,
    seed: 20261205,
    users: [{ username: 'analyst1', role: 'analyst', password: PASSWORD }],
  });
  page = d.page;
  d.expectBadRequests.push('/v1/analytics/lifecycle/');
  await signIn(page, d.base, 'analyst1', PASSWORD);
}, 180_000);

afterAll(async () => {
  await d?.close();
});

async function compute(asOf: string): Promise<void> {
  const r = await apiJson<{ status: string }>(page, 'POST', '/v1/tags/compute', { asOf });
  expect(r.status).toBe(200);
}

describe.skipIf(!HAVE_CHROMIUM)('lifecycle tab', () => {
  it('says "not enough data" for transitions while only one snapshot day exists', async () => {
    await compute(shift(d.asOf, -20));
    await page.goto(`${d.base}/analytics/lifecycle`);
    const transitions = page.getByTestId('lifecycle-transitions');
    await transitions.getByTestId('not-enough-data').waitFor({ timeout: 20_000 });
    expect(await transitions.getByTestId('not-enough-data').textContent()).toContain('需要至少两个快照日期');
    await page.getByTestId('lifecycle-distribution').getByTestId('distribution-chart').waitFor();
  });

  it('shows AARRR, the matrix and time in stage as the API answers them', async () => {
    await compute(d.asOf);
    await page.reload();
    await page.getByTestId('transition-matrix').waitFor({ timeout: 20_000 });
    await page.getByTestId('lifecycle-sankey').waitFor();

    const aarrr = await apiJson<{ base: number; steps: { step: string; customers: number }[] }>(
      page,
      'GET',
      '/v1/analytics/lifecycle/aarrr',
    );
    expect(aarrr.status).toBe(200);
    expect(Number(await rawValue(page, 'aarrr-base'))).toBe(aarrr.body.base);
    for (const s of aarrr.body.steps)
      expect(Number(await rawValue(page, `aarrr-${s.step}`))).toBe(s.customers);

    const tr = await apiJson<{ from: string; to: string; keys: string[]; matrix: number[][] }>(
      page,
      'GET',
      '/v1/analytics/lifecycle/transitions',
    );
    expect(tr.body).toMatchObject({ from: shift(d.asOf, -20), to: d.asOf });
    let customers = 0;
    for (const [i, from] of tr.body.keys.entries())
      for (const [j, to] of tr.body.keys.entries()) {
        const expected = tr.body.matrix[i]![j]!;
        customers += expected;
        expect(Number(await rawValue(page, `cell-${from}-${to}`))).toBe(expected);
      }
    expect(customers).toBe(241); // every customer once: the bank is the same on both days

    const time = await apiJson<{ perStage: { stage: string; medianDays: number | null }[] }>(
      page,
      'GET',
      '/v1/analytics/lifecycle/time-in-stage',
    );
    for (const s of time.body.perStage)
      expect(await rawValue(page, `median-${s.stage}`)).toBe(
        s.medianDays === null ? '' : String(s.medianDays),
      );
    for (const id of ['lifecycle-aarrr', 'lifecycle-distribution', 'lifecycle-transitions', 'lifecycle-time'])
      expect(await page.getByTestId(id).getByTestId('analysis-meta').textContent()).toMatch(
        /\d{4}-\d{2}-\d{2}/,
      );
    await page.screenshot({ path: '.tmp/analytics-lifecycle.png', fullPage: true });
  });
});

describe.skipIf(!HAVE_CHROMIUM)('concentration tab', () => {
  it('shows Gini and top-20% shares as the API answers them, and the metric trend', async () => {
    await page.goto(`${d.base}/analytics/concentration`);
    await page.getByTestId('lorenz-chart').waitFor({ timeout: 20_000 });
    const c = await apiJson<{
      customers: number;
      aum: { gini: number; top20Share: number };
      revenue: { gini: number; top20Share: number };
    }>(page, 'GET', '/v1/analytics/concentration');
    expect(c.status).toBe(200);
    expect(c.body.customers).toBe(241);
    expect(Number(await rawValue(page, 'gini-aum'))).toBe(c.body.aum.gini);
    expect(Number(await rawValue(page, 'top20-aum'))).toBe(c.body.aum.top20Share);
    expect(Number(await rawValue(page, 'gini-revenue'))).toBe(c.body.revenue.gini);
    expect(Number(await rawValue(page, 'top20-revenue'))).toBe(c.body.revenue.top20Share);
    expect(c.body.aum.gini).toBeGreaterThan(0.3); // log-normal AUM is unequal

    // events by week: the table's totals equal the API's
    await choose(page, page.getByTestId('trend-metric'), /事件数|Events/);
    await page.getByTestId('trend-table').waitFor({ timeout: 20_000 });
    const from = shift(new Date().toISOString().slice(0, 10), -89);
    const trend = await apiJson<{ periods: string[]; totals: number[] }>(
      page,
      'GET',
      `/v1/analytics/trend?metric=events&interval=week&from=${from}`,
    );
    expect(trend.body.periods.length).toBeGreaterThan(0);
    const last = trend.body.periods.at(-1)!;
    await page.getByTestId(`trend-last-${last}`).waitFor({ timeout: 20_000 });
    expect(Number(await rawValue(page, `trend-last-${last}`))).toBe(trend.body.totals.at(-1));
    await page.screenshot({ path: '.tmp/analytics-concentration.png', fullPage: true });
    expect(d.consoleErrors).toEqual([]);
  });
});
