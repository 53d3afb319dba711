// The tag catalogue, tag detail, the create/edit form (with the server's errors shown at the fields), manual values
// from CSV, and Customer 360's label portrait, in a real browser against the real server. Every figure the page
// shows is compared with the API, and computed tags with SQL over the stores.
import { sql } from 'kysely';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiJson,
  choose,
  chooseKey,
  HAVE_CHROMIUM,
  rawValue,
  signIn,
  startDashboard,
  type Dashboard,
} from './harness.ts';

const CUSTOMERS = 359;
const PASSWORD = 'analyst-pass-1';

interface ApiTag {
  key: string;
  coverage: number | null;
  spec: unknown;
  builtin: boolean;
  values: { value: string; label: { en: string; zh: string }; members: number; share: number }[];
}

let d: Dashboard;
let page: Page;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  d = await startDashboard({
    customers: CUSTOMERS,
    seed: 20261202,
    users: [
      { username: 'analyst1', role: 'analyst', password: PASSWORD },
      { username: 'manager1', role: 'account_manager', password: 'manager-pass-1' },
    ],
  });
  page = d.page;
  await signIn(page, d.base, 'analyst1', PASSWORD);
});

afterAll(async () => {
  await d?.close();
});

async function apiTag(key: string): Promise<ApiTag> {
  const r = await apiJson<ApiTag>(page, 'GET', `/v1/tags/${key}`);
  expect(r.status).toBe(200);
  return r.body;
}

async function sqlCount(where: ReturnType<typeof sql>): Promise<number> {
  const r = await sql<{ n: string }>`select count(*)::text as n from customers where ${where}`.execute(
    d.stores.operational.db,
  );
  return Number(r.rows[0]?.n);
}

/** Creates a tag through the form; `rows` are [value, zh, en, min?, max?]. */
async function fillForm(
  key: string,
  names: [string, string],
  kind: 'bucket' | 'manual',
  rows: [string, string, string, number | null, number | null][],
): Promise<void> {
  await page.getByTestId('tag-form-key').fill(key);
  await page.getByTestId('tag-form-name-zh').fill(names[0]);
  await page.getByTestId('tag-form-name-en').fill(names[1]);
  await page.getByTestId(`tag-form-kind-${kind}`).click();
  if (kind === 'bucket') await chooseKey(page, page.getByTestId('spec-field'), 'aum');
  for (const [i, [value, zh, en, min, max]] of rows.entries()) {
    await page.getByTestId('value-add').click();
    const row = page.getByTestId(`value-row-${i}`);
    await row.getByTestId('value-key').fill(value);
    await row.getByTestId('value-zh').fill(zh);
    await row.getByTestId('value-en').fill(en);
    if (kind === 'bucket') {
      await row
        .locator('[data-testid="value-min"] input, input[data-testid="value-min"]')
        .first()
        .fill(min === null ? '' : String(min));
      await row
        .locator('[data-testid="value-max"] input, input[data-testid="value-max"]')
        .first()
        .fill(max === null ? '' : String(max));
    }
  }
}

describe.skipIf(!HAVE_CHROMIUM)('tag catalogue in Chromium', () => {
  it('lists the built-in tags by category before the first computation', async () => {
    await page.getByTestId('nav-tags').click();
    await page.getByTestId('tag-catalogue').waitFor();
    expect(await page.getByTestId('page-area').innerText()).toBe('标签体系');
    await page.getByTestId('tag-row-aum_tier').waitFor();
    expect(await page.getByTestId('tag-category-value').innerText()).toContain('价值');
    const list = await apiJson<{ tags: ApiTag[] }>(page, 'GET', '/v1/tags');
    const active = list.body.tags.filter((t) => (t as unknown as { status: string }).status === 'active');
    expect(await page.locator('[data-testid^="tag-row-"]').count()).toBe(active.length);
  });

  it('computes every tag on demand and shows each outcome; coverage equals the API', async () => {
    await page.getByTestId('tag-compute').click();
    await page.getByTestId('compute-result').waitFor({ timeout: 120_000 });
    expect(await page.getByTestId('compute-status-aum_tier').innerText()).not.toBe('');
    const tag = await apiTag('aum_tier');
    expect(Number(await rawValue(page, 'compute-members-aum_tier'))).toBe(
      tag.values.reduce((s, v) => s + v.members, 0),
    );
    await page.keyboard.press('Escape');
    await expect.poll(() => rawValue(page, 'tag-coverage-aum_tier')).toBe(String(tag.coverage));
    expect(Number(await rawValue(page, 'tag-values-aum_tier'))).toBe(tag.values.length);
    await page.screenshot({ path: '.tmp/tags-catalogue.png', fullPage: true });
  });

  it("shows a tag's distribution, trend and read-only definition", async () => {
    await page.getByTestId('tag-row-aum_tier').click();
    await page.getByTestId('tag-detail').waitFor();
    expect(new URL(page.url()).pathname).toBe('/tags/aum_tier');
    const tag = await apiTag('aum_tier');
    for (const v of tag.values) {
      expect(Number(await rawValue(page, `tag-value-${v.value}-members`)), v.value).toBe(v.members);
      expect(Number(await rawValue(page, `tag-value-${v.value}-share`)), v.value).toBe(v.share);
    }
    expect(await page.getByTestId('tag-value-table').innerText()).toContain('私人银行');
    const trend = await apiJson<{ points: unknown[] }>(page, 'GET', '/v1/tags/aum_tier/trend?days=30');
    expect(Number(await rawValue(page, 'tag-trend-points'))).toBe(trend.body.points.length);
    for (const chart of ['chart-tag-distribution', 'chart-tag-trend']) {
      const box = await page.getByTestId(chart).locator('canvas').first().boundingBox();
      expect(box?.width, chart).toBeGreaterThan(200);
    }
    expect(JSON.parse(await page.getByTestId('tag-spec').innerText())).toEqual(tag.spec);
    expect(await page.getByTestId('tag-edit').count()).toBe(0); // built-in: read-only
    await page.waitForTimeout(800);
    await page.screenshot({ path: '.tmp/tag-detail.png', fullPage: true });
  });

  it('creates a bucket tag, showing the server’s errors at the offending band first', async () => {
    d.expectBadRequests.push('/v1/tags');
    await page.goto(d.base + '/tags/new');
    await page.getByTestId('tag-form').waitFor();
    await fillForm('aum_band', ['资产分段', 'AUM band'], 'bucket', [
      ['low', '十万以下', 'Below 100k', null, 100000],
      ['high', '十万及以上', '100k and above', 300000, 100000],
    ]);
    await page.getByTestId('tag-form-submit').click();
    await page.getByTestId('tag-form-error').waitFor();
    expect(await page.getByTestId('value-row-1-issues').innerText()).toMatch(/min/);
    expect(await page.getByTestId('value-row-0-issues').count()).toBe(0);
    await page.screenshot({ path: '.tmp/tag-form-error.png', fullPage: true });

    const high = page.getByTestId('value-row-1');
    await high
      .locator('[data-testid="value-min"] input, input[data-testid="value-min"]')
      .first()
      .fill('100000');
    await high.locator('[data-testid="value-max"] input, input[data-testid="value-max"]').first().fill('');
    await page.getByTestId('tag-form-submit').click();
    await page.getByTestId('tag-detail').waitFor();
    expect(new URL(page.url()).pathname).toBe('/tags/aum_band');
    expect((await apiTag('aum_band')).spec).toEqual({
      field: 'aum',
      buckets: [
        { value: 'low', label: { en: 'Below 100k', zh: '十万以下' }, max: 100000 },
        { value: 'high', label: { en: '100k and above', zh: '十万及以上' }, min: 100000 },
      ],
    });

    await page.getByTestId('tag-compute').click();
    await page.getByTestId('compute-result').waitFor({ timeout: 120_000 });
    await page.keyboard.press('Escape');
    await expect
      .poll(() => rawValue(page, 'tag-value-high-members'))
      .toBe(String(await sqlCount(sql`aum >= 100000`)));
    expect(Number(await rawValue(page, 'tag-value-low-members'))).toBe(await sqlCount(sql`aum < 100000`));
  });

  it('imports manual values from CSV, naming the rows it refuses', async () => {
    await page.goto(d.base + '/tags/new');
    await page.getByTestId('tag-form').waitFor();
    await fillForm('vip_watch', ['重点关注', 'VIP watch'], 'manual', [
      ['vip', '贵宾', 'VIP', null, null],
      ['watch', '观察', 'Watch', null, null],
    ]);
    await page.getByTestId('tag-form-submit').click();
    await page.getByTestId('manual-upload').waitFor();
    await page
      .getByTestId('manual-upload-text')
      .fill('customer_no,value\nC000001,vip\nC000002,vip\nC000003,watch\nX999999,vip');
    await page.getByTestId('manual-upload-submit').click();
    // All or nothing: the unknown number is named, nothing is stored until it is left out.
    await page.getByTestId('manual-upload-rejected').waitFor();
    expect(await rawValue(page, 'manual-upload-rejected')).toBe('1');
    expect(await page.getByTestId('manual-upload-rejected-row').innerText()).toContain('X999999');
    expect((await apiTag('vip_watch')).values.reduce((s, v) => s + v.members, 0)).toBe(0);
    await page.getByTestId('manual-upload-drop').click();
    await page.getByTestId('manual-upload-submit').click();
    await page.getByTestId('manual-upload-result').waitFor();
    expect(await rawValue(page, 'manual-upload-result')).toBe('3');
    await page.getByTestId('tag-compute').click();
    await page.getByTestId('compute-result').waitFor({ timeout: 120_000 });
    await page.keyboard.press('Escape');
    await expect.poll(() => rawValue(page, 'tag-value-vip-members')).toBe('2');
    expect(await rawValue(page, 'tag-value-watch-members')).toBe('1');
  });

  it('creates an attribute tag from a rule, and saves an edit as version 2', async () => {
    await page.goto(d.base + '/tags/new');
    await page.getByTestId('tag-form').waitFor();
    await page.getByTestId('tag-form-key').fill('affluent');
    await page.getByTestId('tag-form-name-zh').fill('富裕客户');
    await page.getByTestId('tag-form-name-en').fill('Affluent');
    await page.getByTestId('tag-form-kind-attribute').click();
    await page.getByTestId('value-add').click();
    const row = page.getByTestId('value-row-0');
    await row.getByTestId('value-key').fill('affluent');
    await row.getByTestId('value-zh').fill('富裕');
    await row.getByTestId('value-en').fill('Affluent');
    await row.getByTestId('add-to-$').click();
    await page.getByTestId('add-attr').filter({ visible: true }).first().click();
    const condition = row.locator('[data-testid="rule-node"][data-path="$.all[0]"]');
    await chooseKey(page, condition.getByTestId('cond-attr-name'), 'aum');
    await choose(page, condition.getByTestId('cond-attr-op'), '≥');
    const threshold = condition
      .locator('[data-testid="cond-attr-value"] input, input[data-testid="cond-attr-value"]')
      .first();
    await threshold.fill('500000');
    await page.getByTestId('fallback-enabled').click();
    await page.getByTestId('tag-form-submit').click();
    await page.getByTestId('tag-detail').waitFor();
    expect((await apiTag('affluent')).spec).toEqual({
      values: [
        {
          value: 'affluent',
          label: { en: 'Affluent', zh: '富裕' },
          rule: { all: [{ attr: 'aum', op: '>=', value: 500000 }] },
        },
      ],
      default: { value: 'unknown', label: { en: 'Unknown', zh: '未知' } },
    });
    await page.getByTestId('tag-compute').click();
    await page.getByTestId('compute-result').waitFor({ timeout: 120_000 });
    await page.keyboard.press('Escape');
    const rich = await sqlCount(sql`aum >= 500000`);
    await expect.poll(() => rawValue(page, 'tag-value-affluent-members')).toBe(String(rich));
    expect(Number(await rawValue(page, 'tag-value-unknown-members'))).toBe(CUSTOMERS - rich);

    await page.getByTestId('tag-edit').click();
    await page.getByTestId('tag-form').waitFor();
    await expect.poll(() => threshold.inputValue()).toBe('500000'); // the stored definition has loaded
    await threshold.fill('1000000');
    await page.getByTestId('tag-form-submit').click();
    await page.getByTestId('tag-detail').waitFor();
    await expect
      .poll(async () => (await apiJson<{ version: number }>(page, 'GET', '/v1/tags/affluent')).body.version)
      .toBe(2);
    expect(await page.getByTestId('tag-versions').locator('tbody tr').count()).toBe(2);
    await page.getByTestId('tag-compute').click();
    await page.getByTestId('compute-result').waitFor({ timeout: 120_000 });
    await page.keyboard.press('Escape');
    await expect
      .poll(() => rawValue(page, 'tag-value-affluent-members'))
      .toBe(String(await sqlCount(sql`aum >= 1000000`)));
  });

  it("shows a customer's label portrait with the tier label in the UI language", async () => {
    await page.getByTestId('nav-customers').click();
    await page.getByTestId('customer-search').locator('input').fill('C000097');
    await page.keyboard.press('Enter');
    await page.getByTestId('customer-portrait').waitFor();
    expect(new URL(page.url()).pathname).toBe('/customers/C000097');
    const portrait = await apiJson<{
      tags: { key: string; value: string; label: { en: string; zh: string } }[];
    }>(page, 'GET', '/v1/customers/C000097/portrait');
    const tier = portrait.body.tags.find((t) => t.key === 'aum_tier');
    expect(tier).toBeDefined();
    expect(await page.getByTestId('portrait-label-aum_tier').innerText()).toBe(tier?.label.zh);
    expect(await page.getByTestId('portrait-tag-aum_tier').getAttribute('data-value')).toBe(tier?.value);
    expect(Number(await rawValue(page, 'customer-tag-count'))).toBe(portrait.body.tags.length);
    const aum = await sql<{
      aum: string;
    }>`select aum::text as aum from customers where customer_no = 'C000097'`.execute(d.stores.operational.db);
    expect(Number(await rawValue(page, 'customer-aum'))).toBe(Number(aum.rows[0]?.aum));
    expect(await page.getByTestId('customer-name').innerText()).toContain('*'); // masked by default
    expect(await page.getByTestId('portrait-label-vip_watch').count()).toBe(0); // C000097 was not imported
    await page.screenshot({ path: '.tmp/customer-portrait.png', fullPage: true });

    await page.getByTestId('lang-en-US').click();
    await expect.poll(() => page.getByTestId('portrait-label-aum_tier').innerText()).toBe(tier?.label.en);
    await page.getByTestId('lang-zh-CN').click();

    await page.getByTestId('customer-search').locator('input').fill('C000001');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('portrait-label-vip_watch').innerText()).toBe('贵宾');
  });

  it('says so when no customer has the number', async () => {
    d.expectBadRequests.push('/v1/customers/NOPE-1');
    await page.goto(d.base + '/customers/NOPE-1');
    await page.getByTestId('customer-not-found').waitFor();
    expect(d.consoleErrors).toEqual([]);
  });

  it('hides computing and defining from an account manager', async () => {
    const context = await d.browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
    const other = await context.newPage();
    await signIn(other, d.base, 'manager1', 'manager-pass-1');
    await other.goto(d.base + '/tags');
    // The catalogue holds whole-bank figures the API refuses an account manager: the shell sends them to their
    // workbench instead.
    await other.waitForURL((url) => url.pathname === '/pool');
    expect(await other.getByTestId('nav-tags').count()).toBe(0);
    expect(await other.getByTestId('tag-compute').count()).toBe(0);
    expect(await other.getByTestId('tag-new').count()).toBe(0);
    await context.close();
  });
});
