// Saved reports and dashboards (看板) in a real browser against the real server, in both languages: a funnel saved
// as a report, put on a new dashboard whose card states its data freshness, refreshed and reopened on its page; the
// retention table on a saved customer group; a key-factors analysis built with the pickers only (no JSON typed).
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiJson,
  choose,
  HAVE_CHROMIUM,
  signIn,
  startDashboard,
  type Dashboard,
  chooseKey,
} from './harness.ts';

const PASSWORD = 'analyst-pass-1';
const GROUP = { id: 'tagged', name: 'Tagged customers' };
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
  expect((await apiJson(page, 'POST', '/v1/tags/compute', {})).status).toBe(200);
  // a saved group the analyst built before (the builder has its own tests): every customer with an AUM tier
  const catalogue = await apiJson<{ tags: { key: string; values: { value: string }[] }[] }>(
    page,
    'GET',
    '/v1/segments/catalogue',
  );
  const tier = catalogue.body.tags.find((t) => t.key === 'aum_tier')!;
  const created = await apiJson(page, 'POST', '/v1/segments', {
    ...GROUP,
    rule: { tag: 'aum_tier', in: tier.values.slice(0, 2).map((v) => v.value) },
  });
  expect(created.status).toBe(201);
}, 180_000);

afterAll(async () => {
  await d?.close();
});

/** data-value of every element with the test id, in page order. */
async function values(testId: string): Promise<string[]> {
  return page.getByTestId(testId).evaluateAll((els) => els.map((e) => e.getAttribute('data-value') ?? ''));
}

/**
 * After "save": the saved report's id from the address, or what the save dialog shows instead (its refusal, or that
 * it is still open), so a failed save names its reason rather than timing out on the address alone.
 */
async function savedReportOrProblem(): Promise<string> {
  const report = new URL(page.url()).searchParams.get('report');
  if (report !== null) return report;
  const alert = page.locator('.ant-modal .ant-alert');
  if ((await alert.count()) > 0) return `refused: ${await alert.innerText()}`;
  const ok = page.getByTestId('save-report-ok');
  if ((await ok.count()) > 0) return `dialog open, ok ${(await ok.isEnabled()) ? 'enabled' : 'disabled'}`;
  return `no report at ${page.url()}`;
}

interface Report {
  id: number;
  name: string;
  kind: string;
  definition: { steps: { event: string }[]; from: string; to: string };
}

describe.skipIf(!HAVE_CHROMIUM)('saved reports and dashboards', () => {
  it('saves a funnel as a report, adds it to a dashboard with its freshness, and reopens it (zh-CN)', async () => {
    await page.goto(`${d.base}/analytics/funnels`);
    await page.getByTestId('funnel-form').waitFor({ timeout: 20_000 });
    await choose(page, page.getByTestId('funnel-step-select-1'), /^浏览产品$/);
    await choose(page, page.getByTestId('funnel-step-select-2'), /^购买$/);
    await page.getByTestId('funnel-run').click();
    await page.getByTestId('funnel-table').waitFor({ timeout: 20_000 });
    const shown = await values('funnel-customers');

    await page.getByTestId('save-report-funnel').click();
    await page.getByTestId('save-report-name').fill('浏览到购买');
    await page.getByTestId('save-report-roles').getByText('支行行长').click();
    await page.getByTestId('save-report-ok').click();
    await expect.poll(savedReportOrProblem).toMatch(/^\d+$/);
    const id = Number(new URL(page.url()).searchParams.get('report'));
    const saved = await apiJson<Report & { sharedRoles: string[] }>(page, 'GET', `/v1/reports/${id}`);
    expect(saved.body).toMatchObject({ name: '浏览到购买', kind: 'funnel', sharedRoles: ['branch_head'] });
    expect(saved.body.definition.steps.map((s) => s.event)).toEqual(['view_product', 'purchase']);

    // a new dashboard, the report as its card: the funnel's figures and the data's freshness
    await page.getByTestId('analytics-tab-dashboards').click();
    await page.getByTestId('dashboard-new-name').fill('每周经营看板');
    await page.getByTestId('dashboard-create').click();
    await page.getByTestId('dashboard-view').waitFor();
    expect(await page.getByTestId('dashboard-name').innerText()).toBe('每周经营看板');
    await choose(page, page.getByTestId('dashboard-pick-report'), '浏览到购买');
    await page.getByTestId('dashboard-add-card').click();
    const card = page.getByTestId(`dashboard-card-${id}`);
    await card.getByTestId('card-freshness').waitFor({ timeout: 20_000 });
    expect(await card.getByTestId('card-freshness').innerText()).toMatch(
      /^数据截至最近接入的事件 \d{4}-\d\d-\d\d \d\d:\d\d · 刷新于 \d{4}-\d\d-\d\d \d\d:\d\d$/,
    );
    expect(
      await card
        .getByTestId('funnel-customers')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-value'))),
    ).toEqual(shown);
    await card.getByTestId('card-refresh').click();
    await expect.poll(() => card.getAttribute('aria-busy')).toBe('false');
    await card.getByTestId('card-freshness').waitFor();
    await page.screenshot({ path: '.tmp/reports-dashboard.png', fullPage: true });

    // the dashboard is listed; the card reopens the funnel page with its form filled and the figures computed
    const listed = await apiJson<{ dashboards: { name: string; cardCount: number }[] }>(
      page,
      'GET',
      '/v1/dashboards',
    );
    expect(listed.body.dashboards).toContainEqual(
      expect.objectContaining({ name: '每周经营看板', cardCount: 1 }),
    );
    await card.getByTestId('card-open').click();
    await page.getByTestId('funnel-table').waitFor({ timeout: 20_000 });
    expect(new URL(page.url()).pathname).toBe('/analytics/funnels');
    expect(await page.getByTestId('funnel-step-select-1').innerText()).toContain('浏览产品');
    expect(await page.getByTestId('funnel-step-select-2').innerText()).toContain('购买');
    expect(await page.getByTestId('funnel-from').inputValue()).toBe(saved.body.definition.from);
    expect(await values('funnel-customers')).toEqual(shown);
  });

  it('runs retention and churn on a saved customer group, with thousands separators (en-US)', async () => {
    await page.getByTestId('lang-en-US').click();
    await page.goto(`${d.base}/analytics/retention`);
    await page.getByTestId('retention-form').waitFor({ timeout: 20_000 });
    await choose(page, page.getByTestId('retention-population'), GROUP.name);
    const from = await page.getByTestId('retention-from').inputValue();
    const to = await page.getByTestId('retention-to').inputValue();
    await page.getByTestId('retention-run').click();
    await page.getByTestId('retention-table').waitFor({ timeout: 20_000 });
    await page.getByTestId('churn-table').waitFor({ timeout: 20_000 });
    const api = await apiJson<{ overall: { cohorts: { size: number }[] } }>(
      page,
      'POST',
      '/v1/analytics/retention',
      {
        start: { kind: 'any_event' },
        return: { kind: 'any_event' },
        period: 'week',
        periods: 12,
        from,
        to,
        population: { segmentId: GROUP.id },
      },
    );
    expect(api.status).toBe(200);
    expect((await values('retention-size')).map(Number)).toEqual(api.body.overall.cohorts.map((c) => c.size));
    const whole = await apiJson<{ overall: { cohorts: { size: number }[] } }>(
      page,
      'POST',
      '/v1/analytics/retention',
      {
        start: { kind: 'any_event' },
        return: { kind: 'any_event' },
        period: 'week',
        periods: 12,
        from,
        to,
      },
    );
    const sum = (r: typeof api) => r.body.overall.cohorts.reduce((s, c) => s + c.size, 0);
    expect(sum(api)).toBeGreaterThan(0);
    expect(sum(api)).toBeLessThan(sum(whole));
    // rates of periods not observed read "—", never 0.0%; counts carry grouping separators
    const churnText = await page.getByTestId('churn-table').innerText();
    expect(churnText).not.toContain('NaN');
    expect(await page.getByTestId('retention-population').innerText()).toContain(GROUP.name);
    // saved as a report: listed on the dashboards tab in English
    await page.getByTestId('save-report-retention').click();
    await page.getByTestId('save-report-name').fill('Retention of tagged customers');
    await page.getByTestId('save-report-ok').click();
    await expect.poll(savedReportOrProblem).toMatch(/^\d+$/);
    await page.getByTestId('analytics-tab-dashboards').click();
    await page.getByTestId('report-list').getByText('Retention of tagged customers').waitFor();
    expect(await page.getByTestId('report-list').innerText()).toContain('Retention');
  });

  it('analyses key factors with an outcome built from pickers only (en-US, then zh-CN)', async () => {
    await page.goto(`${d.base}/analytics/drivers`);
    await page.getByTestId('drivers-outcome').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('drivers').locator('textarea').count()).toBe(0);
    // the default example is a value of a tag present in the data; choose the tag and value on screen
    await chooseKey(page, page.getByTestId('drivers-outcome').getByTestId('cond-tag-key'), 'aum_tier');
    const tagValues = page.getByTestId('drivers-outcome').getByTestId('cond-tag-values');
    if ((await tagValues.locator('.ant-select-selection-item').count()) === 0) {
      await choose(page, tagValues, /.+/);
      await page.keyboard.press('Escape'); // the multiple select stays open after a pick
    }
    await page.getByTestId('drivers-population-segment').click();
    await choose(page, page.getByTestId('drivers-segment'), GROUP.name);
    await page.getByTestId('drivers-run').click();
    await page.getByTestId('drivers-values').waitFor({ timeout: 30_000 });
    const outcome = JSON.parse(new URL(page.url()).searchParams.get('outcome') ?? 'null') as {
      tag: string;
      in: string[];
    };
    expect(outcome.tag).toBe('aum_tier');
    expect(outcome.in.length).toBeGreaterThan(0);
    const api = await apiJson<{ population: { customers: number; positives: number } }>(
      page,
      'POST',
      '/v1/analytics/drivers',
      { outcome, population: { segmentId: GROUP.id } },
    );
    expect(api.status).toBe(200);
    expect(Number(await page.getByTestId('drivers-positives').getAttribute('data-value'))).toBe(
      api.body.population.positives,
    );
    // an event outcome in Chinese: did the event within 30 days, negated ("did not")
    await page.getByTestId('lang-zh-CN').click();
    await page.getByTestId('drivers-outcome-kind-event').click();
    await page.getByTestId('drivers-outcome-negated').click();
    expect(await page.getByTestId('drivers-outcome').innerText()).toContain('不符合');
    await page.getByTestId('drivers-run').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('outcome') ?? '').toContain('"not"');
    const negated = JSON.parse(new URL(page.url()).searchParams.get('outcome')!) as {
      not: { event: string };
    };
    expect(negated.not.event).toMatch(/^[a-z_]+$/);
    await page
      .getByTestId('drivers-values')
      .or(page.getByTestId('not-enough-data'))
      .first()
      .waitFor({ timeout: 30_000 });
    await page.screenshot({ path: '.tmp/reports-drivers.png', fullPage: true });
    expect(d.consoleErrors).toEqual([]);
  });
});
