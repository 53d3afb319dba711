// The Event funnels and Retention tabs in a real browser against the real server (the small bank's 900 events over
// 40 days, a tenth of them re-sent): the numbers on screen are compared with the API's answers to the same request.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiJson,
  choose,
  HAVE_CHROMIUM,
  pickDay,
  signIn,
  startDashboard,
  type Dashboard,
} from './harness.ts';

const PASSWORD = 'analyst-pass-1';
let d: Dashboard;
let page: Page;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  d = await startDashboard({
    customers: 313,
    seed: 20261207,
    users: [{ username: 'analyst1', role: 'analyst', password: PASSWORD }],
  });
  page = d.page;
  await signIn(page, d.base, 'analyst1', PASSWORD);
}, 180_000);

afterAll(async () => {
  await d?.close();
});

/** data-value of every element with the test id, in page order. */
async function values(testId: string): Promise<string[]> {
  return page.getByTestId(testId).evaluateAll((els) => els.map((e) => e.getAttribute('data-value') ?? ''));
}

interface FunnelBody {
  overall: { steps: { customers: number }[] };
  notEnoughData: string | null;
}

describe.skipIf(!HAVE_CHROMIUM)('event funnels tab', () => {
  it('runs a three-step funnel built in the step editor and shows the API figures', async () => {
    await page.goto(`${d.base}/analytics/funnels`);
    await page.getByTestId('funnel-form').waitFor({ timeout: 20_000 });
    await choose(page, page.getByTestId('funnel-step-select-1'), /^浏览产品$/);
    await choose(page, page.getByTestId('funnel-step-select-2'), /^read_article$/);
    await page.getByTestId('funnel-add-step').click();
    await choose(page, page.getByTestId('funnel-step-select-3'), /^购买$/);
    await page.getByTestId('funnel-window').fill('14');
    const from = await page.getByTestId('funnel-from').inputValue();
    const to = await page.getByTestId('funnel-to').inputValue();
    await page.getByTestId('funnel-run').click();
    await page.getByTestId('funnel-table').waitFor({ timeout: 20_000 });
    await page.getByTestId('funnel-chart').waitFor();

    const api = await apiJson<FunnelBody>(page, 'POST', '/v1/analytics/funnel', {
      steps: [{ event: 'view_product' }, { event: 'read_article' }, { event: 'purchase' }],
      window: { days: 14 },
      from,
      to,
    });
    expect(api.status).toBe(200);
    expect(api.body.notEnoughData).toBeNull();
    const shown = (await values('funnel-customers')).map(Number);
    expect(shown).toEqual(api.body.overall.steps.map((s) => s.customers));
    expect(shown[0]).toBeGreaterThan(0);
    const meta = await page.getByTestId('funnel-result').getByTestId('analysis-meta').textContent();
    expect(meta).toContain('浏览产品 → read_article → 购买'); // display names from the data dictionary
    expect(meta).toContain(from);
    expect(meta).toContain(to);
    await page.getByTestId('funnel-result').getByTestId('analysis-freshness').waitFor();
    const download = page.waitForEvent('download');
    await page.getByTestId('funnel-result').getByTestId('csv-export').click();
    expect((await download).suggestedFilename()).toBe(`funnel-${from}-${to}.csv`);
    await page.screenshot({ path: '.tmp/analytics-funnels.png', fullPage: true });
  });

  it('filters a step on an event property, as the API does', async () => {
    const [latest] = await d.stores.events.query<{ i: number }>(
      `SELECT JSONExtractInt(properties, 'i') AS i FROM events_dedup WHERE event = 'view_product' ORDER BY time DESC LIMIT 1`,
    );
    const i = Number(latest?.i);
    await page.goto(`${d.base}/analytics/funnels`);
    await page.getByTestId('funnel-form').waitFor({ timeout: 20_000 });
    await choose(page, page.getByTestId('funnel-step-select-1'), /^浏览产品$/);
    await choose(page, page.getByTestId('funnel-step-select-2'), /^购买$/);
    await page.getByTestId('funnel-add-filter-1').click();
    await choose(page, page.getByTestId('funnel-filter-property-1-1'), /^i$/);
    await page.getByTestId('funnel-filter-value-1-1').fill(String(i));
    const from = await page.getByTestId('funnel-from').inputValue();
    const to = await page.getByTestId('funnel-to').inputValue();
    await page.getByTestId('funnel-run').click();
    await page.getByTestId('funnel-table').waitFor({ timeout: 20_000 });
    const api = await apiJson<FunnelBody>(page, 'POST', '/v1/analytics/funnel', {
      steps: [{ event: 'view_product', where: { i } }, { event: 'purchase' }],
      window: { days: 7 },
      from,
      to,
    });
    expect(api.status).toBe(200);
    const expected = api.body.overall.steps.map((s) => s.customers);
    await expect.poll(async () => (await values('funnel-customers')).map(Number)).toEqual(expected);
    // One event matches i: one customer did the first step.
    expect(expected[0]).toBe(1);
  });

  it('says "not enough data" for a range without first-step events', async () => {
    await pickDay(page, 'funnel-from', '2001-01-01');
    await pickDay(page, 'funnel-to', '2001-01-31');
    await page.getByTestId('funnel-run').click();
    const notice = page.getByTestId('funnel-result').getByTestId('not-enough-data');
    await notice.waitFor({ timeout: 20_000 });
    // In the page's language (Chinese here), built from the definition the page sent.
    expect(await notice.textContent()).toContain('2001-01-01 至 2001-01-31没有客户发生“浏览产品”');
  });
});

interface RetentionBody {
  overall: { cohorts: { size: number; retained: (number | null)[] }[]; average: (number | null)[] };
}

describe.skipIf(!HAVE_CHROMIUM)('retention tab', () => {
  it('shows the cohort table and the churn trend as the API answers them', async () => {
    await page.goto(`${d.base}/analytics/retention`);
    await page.getByTestId('retention-form').waitFor({ timeout: 20_000 });
    const from = await page.getByTestId('retention-from').inputValue();
    const to = await page.getByTestId('retention-to').inputValue();
    await page.getByTestId('churn-days').fill('7');
    await page.getByTestId('retention-run').click();
    await page.getByTestId('retention-table').waitFor({ timeout: 20_000 });
    await page.getByTestId('churn-table').waitFor({ timeout: 20_000 });

    const r = await apiJson<RetentionBody>(page, 'POST', '/v1/analytics/retention', {
      start: { kind: 'any_event' },
      return: { kind: 'any_event' },
      period: 'week',
      periods: 12,
      from,
      to,
    });
    expect(r.status).toBe(200);
    expect((await values('retention-size')).map(Number)).toEqual(r.body.overall.cohorts.map((c) => c.size));
    for (let k = 0; k < 3; k++) {
      expect(await values(`retention-cell-${k}`)).toEqual(
        r.body.overall.cohorts.map((c) => (c.retained[k] === null ? '' : String(c.retained[k]))),
      );
    }
    expect(r.body.overall.cohorts.reduce((s, c) => s + c.size, 0)).toBeGreaterThan(0);

    const c = await apiJson<{ trend: { churnRate: number | null }[] }>(page, 'POST', '/v1/analytics/churn', {
      activity: { kind: 'event' },
      days: 7,
      period: 'week',
      from,
      to,
    });
    expect(c.status).toBe(200);
    expect(await values('churn-rate')).toEqual(
      c.body.trend.map((p) => (p.churnRate === null ? '' : String(p.churnRate))),
    );
    await page.getByTestId('churn-chart').waitFor();
    await page.screenshot({ path: '.tmp/analytics-retention.png', fullPage: true });
  });
});
