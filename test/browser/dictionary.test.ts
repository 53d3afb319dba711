// The data dictionary in a real browser (issue #12): an administrator renames an event in Admin › Data dictionary
// and the funnel's step picker shows the new name; then every page of the dashboard is walked in both languages and
// fails on a raw dictionary key, a raw i18n key or (in Chinese) a known English system sentence in visible text.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DictionaryView } from '../../src/contracts/dictionary.ts';
import { apiJson, HAVE_CHROMIUM, optionTexts, signIn, startDashboard, type Dashboard } from './harness.ts';

const PASSWORD = 'dictionary-admin-1';
let d: Dashboard;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  d = await startDashboard({
    customers: 300,
    seed: 12,
    users: [{ username: 'admin', role: 'admin', password: PASSWORD }],
  });
  await d.page.addInitScript(countFetches);
  await signIn(d.page, d.base, 'admin', PASSWORD);
  // One activity, so that its detail page (/activities/1) is walked too.
  const activity = await apiJson<{ id: number }>(d.page, 'POST', '/v1/activities', {
    name: '财富沙龙',
    scene: { mode: 'offline', frequency: 'low', aim: 'transaction' },
    venue: '城东支行三楼',
    startsAt: '2027-01-09T14:00:00+08:00',
    endsAt: '2027-01-09T16:00:00+08:00',
    capacity: 30,
  });
  expect(activity.body.id).toBe(1);
}, 300_000);
afterAll(async () => d?.close());

/**
 * Every page a signed-in administrator can reach: each nav area and each tab or sub-page of one. A new page is walked
 * by adding its path here (a nav area missing from this list fails the walk).
 */
const PAGES = [
  '/',
  '/customers',
  '/customers/C000001',
  '/tags',
  '/tags/new',
  '/tags/tier',
  '/tags/aum_tier',
  '/segments',
  '/segments/new',
  '/segments/analysis',
  '/pool/workbench',
  '/pool/handovers',
  '/pool/staff',
  '/pool/assignment',
  '/pool/coverage',
  '/campaigns',
  '/campaigns/new',
  '/campaigns/content',
  '/campaigns/content/new',
  '/campaigns/products',
  '/campaigns/policy',
  '/campaigns/ogsm',
  '/journeys',
  '/journeys/new',
  '/activities',
  '/activities/new',
  '/activities/1',
  '/analytics/funnels',
  '/analytics/lifecycle',
  '/analytics/retention',
  '/analytics/drivers',
  '/analytics/experiments',
  '/analytics/concentration',
  '/analytics/scenes',
  '/wecom',
  '/wecom/unmatched',
  '/wecom/handovers',
  '/media',
  '/acquisition',
  '/data',
  '/admin/users',
  '/admin/api-keys',
  '/admin/audit',
  '/admin/dictionary',
];

/** English sentences the server or an untranslated component has shown Chinese users before. */
const ENGLISH_SYSTEM_SENTENCES = [
  /adopted from/i,
  /\bSum of\b/,
  /\bas loaded\b/,
  /\bCustomers by\b/,
  /\bBehaviour events by\b/,
  /\bnot enough data\b/i,
  /\bInvalid input\b/,
];

const I18N_KEY = /^[a-z]+(\.[a-zA-Z_]+){1,}$/;

/** The visible text nodes of the page (outside elements marked data-raw-key, e.g. the dictionary's own key column). */
async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = (node.textContent ?? '').trim();
      const parent = node.parentElement;
      if (!text || !parent || parent.closest('[data-raw-key], script, style, noscript')) continue;
      if (!parent.checkVisibility({ visibilityProperty: true, opacityProperty: true })) continue;
      out.push(text);
    }
    return out;
  });
}

/** The problems of one page in one language. */
function problemsOf(texts: readonly string[], rawKeys: readonly string[], lang: 'zh-CN' | 'en-US'): string[] {
  const found = new Set<string>();
  const tokens = rawKeys.filter((k) => k.includes('_'));
  const exact = new Set(rawKeys);
  for (const text of texts) {
    if (exact.has(text)) found.add(`raw key "${text}"`);
    for (const k of tokens)
      if (new RegExp(`(^|[^A-Za-z0-9_])${k}([^A-Za-z0-9_]|$)`).test(text))
        found.add(`raw key "${k}" in "${text}"`);
    if (I18N_KEY.test(text) && !/^[a-z0-9.-]+\.(com|cn|net)$/.test(text)) found.add(`i18n key "${text}"`);
    if (lang === 'zh-CN')
      for (const s of ENGLISH_SYSTEM_SENTENCES) if (s.test(text)) found.add(`English "${text}"`);
  }
  return [...found];
}

/** Counts the page's own fetches in flight (`__inflight`): a walk then waits for them, not for a 500 ms network lull. */
function countFetches(): void {
  const w = window as unknown as { __inflight: number };
  w.__inflight = 0;
  const original = window.fetch.bind(window);
  window.fetch = (...args: Parameters<typeof fetch>) => {
    w.__inflight++;
    return original(...args).finally(() => w.__inflight--);
  };
}

/** Goes to a path inside the app as its router does (no reload: the bundle, session and dictionary stay loaded). */
async function open(page: Page, path: string): Promise<void> {
  await page.evaluate((to) => {
    window.history.pushState(null, '', to);
    window.dispatchEvent(new PopStateEvent('popstate'));
  }, path);
}

/** Waits until the page's requests and spinners have settled: twice in a row, 100 ms apart (bounded: 15 s). */
async function settle(page: Page): Promise<void> {
  const idle = () =>
    page
      .waitForFunction(
        () =>
          (window as unknown as { __inflight: number }).__inflight === 0 &&
          document.querySelectorAll('.ant-spin-spinning, .ant-skeleton-active').length === 0,
        null,
        { timeout: 15_000, polling: 50 },
      )
      .catch(() => undefined);
  await idle();
  await page.waitForTimeout(100);
  await idle();
}

describe.skipIf(!HAVE_CHROMIUM)('data dictionary', () => {
  it('renames an event in Admin › Data dictionary and the funnel picker shows the new name', async () => {
    const page = d.page;
    await page.goto(`${d.base}/admin/dictionary`);
    await page.getByTestId('admin-dictionary').waitFor();
    await page
      .locator('[data-testid="dictionary-search"] input, input[data-testid="dictionary-search"]')
      .first()
      .fill('view_product');
    await page.getByTestId('dictionary-edit-event-view_product').click();
    await page.getByTestId('dictionary-name-zh').fill('看过产品详情');
    await page.getByTestId('dictionary-name-en').fill('Viewed the product page');
    await page.getByTestId('dictionary-save').click();
    await expect
      .poll(
        async () =>
          (await apiJson<DictionaryView>(page, 'GET', '/v1/dictionary')).body.entries.find(
            (e) => e.kind === 'event' && e.key === 'view_product',
          )?.name.zh,
      )
      .toBe('看过产品详情');

    await page.goto(`${d.base}/analytics/funnels`);
    await settle(page);
    const options = await optionTexts(page, page.getByTestId('funnel-step-select-1'));
    expect(options).toContain('看过产品详情');
    expect(options).not.toContain('view_product');
  });

  it('walks every page in both languages without a raw key or an untranslated system sentence', async () => {
    const page = d.page;
    // Every nav area of web/src/layout/areas.tsx is walked.
    const areas = [
      ...readFileSync(new URL('../../web/src/layout/areas.tsx', import.meta.url), 'utf8').matchAll(
        /path: '([^']+)'/g,
      ),
    ].map((m) => m[1]!);
    for (const area of areas) expect(PAGES.some((p) => p === area || p.startsWith(`${area}/`))).toBe(true);

    const problems: string[] = [];
    for (const lang of ['zh-CN', 'en-US'] as const) {
      await page.getByTestId(`lang-${lang}`).click();
      const view = (await apiJson<DictionaryView>(page, 'GET', '/v1/dictionary')).body;
      const rawKeys = view.entries
        .filter((e) => (lang === 'zh-CN' ? e.name.zh || e.name.en : e.name.en || e.name.zh) !== e.key)
        .filter((e) => (lang === 'zh-CN' ? e.name.zh || e.name.en : e.name.en || e.name.zh) !== '')
        .map((e) => e.key);
      for (const path of PAGES) {
        await open(page, path);
        await page.getByTestId('side-nav').waitFor();
        await settle(page);
        for (const p of problemsOf(await visibleTexts(page), rawKeys, lang))
          problems.push(`${lang} ${path}: ${p}`);
      }
    }
    expect(problems).toEqual([]);
  }, 900_000);
});
