// The Media area in a real browser against the real server (zh-CN): with acquisition touches in the events but no
// report yet, the page asks for an attribution; a spend report for the four media is imported in the dialog, the
// attribution re-run, and the radar and the table of every channel appear with their definitions and freshness.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedMediaTouches } from '../../src/demo/media.ts';
import { shiftDay } from '../../src/shared/day.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { HAVE_CHROMIUM, signIn, startDashboard, type Dashboard } from './harness.ts';

const PASSWORD = 'analyst-pass-1';
const CHANNELS = ['tencent_ads', 'ocean_engine', 'baidu', 'wechat_moments'];
let d: Dashboard;
let page: Page;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  d = await startDashboard({
    customers: 400,
    seed: 20261208,
    users: [{ username: 'analyst1', role: 'analyst', password: PASSWORD }],
    prepare: async (stores) => {
      const clock = systemClock('Asia/Shanghai');
      await seedMediaTouches(
        { db: stores.operational.db, events: stores.events, clock },
        { seed: 1, days: 30 },
      );
    },
  });
  page = d.page;
  await signIn(page, d.base, 'analyst1', PASSWORD);
}, 180_000);

afterAll(async () => {
  await d?.close();
});

describe.skipIf(!HAVE_CHROMIUM)('media evaluation', () => {
  it('imports a spend report, attributes, and shows the radar and the table of the channels', async () => {
    // Before any attribution the comparison answers 422 not_enough_data, which the page shows as its first state.
    d.expectBadRequests.push('/v1/media/comparison');
    await page.getByTestId('nav-media').click();
    await page.getByTestId('media-no-attribution').waitFor({ timeout: 20_000 });

    const rows = CHANNELS.flatMap((key, i) =>
      [1, 2, 3].map(
        (n) => `${key},q4,${shiftDay(d.asOf, -n)},${10000 * (i + 1)},${100 * (i + 1)},${500 * (i + 1)}`,
      ),
    );
    await page.getByTestId('media-import-spend').click();
    await page
      .getByTestId('media-import-csv')
      .fill(['channel,campaign,day,impressions,clicks,cost', ...rows].join('\n'));
    await page.getByTestId('media-import-run').click();
    await expect
      .poll(() => page.getByTestId('media-import-result').innerText(), { timeout: 20_000 })
      .toContain('新增 12');
    await page.getByTestId('media-import-close').click();

    await page.getByTestId('media-attribute').click();
    await page.getByTestId('media-radar').waitFor({ timeout: 20_000 });
    expect(await page.locator('[data-testid="media-radar"] canvas').count()).toBe(1);
    for (const key of CHANNELS) await page.getByTestId(`media-row-${key}`).waitFor();
    expect(await page.getByTestId('media-value-baidu-cost').innerText()).toBe('4,500');
    const acquired = await Promise.all(
      CHANNELS.map(async (k) =>
        Number((await page.getByTestId(`media-value-${k}-newCustomers`).innerText()).replace(/,/g, '')),
      ),
    );
    expect(acquired.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(await page.getByTestId('media-dimension-definitions').innerText()).toContain('规模分');
    expect(await page.getByTestId('media-freshness').innerText()).toContain('首触窗口 30 天');
    await page.screenshot({ path: '.tmp/media.png', fullPage: true });
    expect(d.consoleErrors, d.consoleErrors.join('\n')).toEqual([]);
  });
});
