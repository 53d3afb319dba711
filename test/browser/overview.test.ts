// The dashboard in a real browser against the real server: sign-in, the Overview's figures compared with the
// stores queried directly, charts drawn, language switch, every area built, sign-out.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthService } from '../../src/auth/service.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createApp } from '../../src/server/app.ts';
import type { Stores } from '../../src/store/stores.ts';
import { closeStores } from '../../src/server/stores.ts';
import { systemClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { formatCnyCompact, formatInteger, formatPercent } from '../../web/src/format.ts';
import { seedSmallBank } from './bank.ts';
import { TEST_PASSWORD_COST, TEST_PASSWORD_ENV } from '../support/password-cost.ts';
import { openTestStores } from '../support/app.ts';

const CHROMIUM = process.env['FLYWHEEL_CHROMIUM'] ?? '/usr/bin/chromium';
const REQUIRE_SERVERS = ['1', 'true'].includes(process.env['FLYWHEEL_REQUIRE_SERVERS'] ?? '');
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) {
  if (REQUIRE_SERVERS)
    throw new Error(`Chromium is required (FLYWHEEL_REQUIRE_SERVERS=1) but ${CHROMIUM} is missing`);
  console.warn(
    `[flywheel tests] ${CHROMIUM} not found: skipping the browser suite (apt-get install chromium)`,
  );
}

const DIST_INDEX = new URL('../../web/dist/index.html', import.meta.url);
const PASSWORD = 'analyst-pass-1';
const CUSTOMERS = 613;
/** The bank's zone (FLYWHEEL_TIMEZONE's default): the Overview counts events on its business days. */
const ZONE = 'Asia/Shanghai';

let dir: string;
let stores: Stores;
let app: FastifyInstance;
let browser: Browser;
let page: Page;
let base: string;
const consoleErrors: string[] = [];

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  if (!existsSync(DIST_INDEX)) {
    const built = spawnSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('vite build web failed');
  }
  mkdirSync('.tmp', { recursive: true }); // screenshots land here
  dir = mkdtempSync(join(tmpdir(), 'flywheel-browser-'));
  const config = loadConfig({
    FLYWHEEL_DATA_DIR: dir,
    PORT: '0',
    LOG_LEVEL: 'warn',
    FLYWHEEL_SEED_DEMO: 'never',
    ...TEST_PASSWORD_ENV,
  });
  if (!config.ok) throw new Error(JSON.stringify(config.error));
  stores = await openTestStores(config.value);
  const clock = systemClock(config.value.timeZone);
  const asOf = clock.today();
  await seedSmallBank(stores, { customers: CUSTOMERS, asOf, seed: 20261123 });
  const auth = new AuthService({
    db: stores.operational.db,
    clock,
    sessionTtlHours: 12,
    passwordCost: TEST_PASSWORD_COST,
  });
  const created = await auth.createUser(
    { username: 'analyst1', role: 'analyst', password: PASSWORD },
    'test',
  );
  if (!created.ok) throw new Error(created.error.message);

  app = await createApp({ config: config.value, stores, clock, logger: createLogger('warn') });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1440, height: 1000 } });
  page = await context.newPage();
  page.on('console', (m) => {
    // 401s are expected (anonymous /v1/auth/me, the wrong password); anything else is a defect.
    if (m.type() === 'error' && !/status of 401/.test(m.text())) consoleErrors.push(m.text());
    if (m.type() === 'warning') consoleErrors.push(`warning: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  if (stores) await closeStores(stores);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The raw value a key figure carries in data-value. */
async function rawValue(testId: string): Promise<string> {
  const value = await page.getByTestId(testId).getAttribute('data-value');
  if (value === null) throw new Error(`${testId} has no data-value`);
  return value;
}

describe.skipIf(!HAVE_CHROMIUM)('dashboard in Chromium', () => {
  it('shows the sign-in page to an anonymous visitor, in Chinese for a Chinese browser', async () => {
    await page.goto(base + '/');
    await expect.poll(() => page.getByTestId('login-form').isVisible()).toBe(true);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.getByTestId('login-submit').innerText()).toMatch(/登\s*录/);
  });

  it('refuses a wrong password and says so', async () => {
    await page.getByTestId('login-username').fill('analyst1');
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    const error = page.getByTestId('login-error');
    await error.waitFor();
    expect(await error.innerText()).toContain('用户名或密码错误');
    await page.screenshot({ path: '.tmp/login.png' });
    expect(await page.getByTestId('overview').count()).toBe(0);
  });

  it('signs in and lands on the Overview', async () => {
    await page.getByTestId('login-password').fill(PASSWORD);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('overview-customers').waitFor();
    expect(await page.getByTestId('page-area').innerText()).toBe('总览');
  });

  it('shows customers, AUM, top-20% share and tier counts equal to the operational store', async () => {
    const db = stores.operational.db;
    const totals = await sql<{
      n: string;
      aum: string;
    }>`select count(*)::text as n, sum(aum)::text as aum from customers`.execute(db);
    const n = Number(totals.rows[0]?.n);
    const aum = Number(totals.rows[0]?.aum);
    expect(n).toBe(CUSTOMERS);

    expect(Number(await rawValue('overview-customers'))).toBe(n);
    expect(await page.getByTestId('overview-customers').innerText()).toBe(formatInteger(n, 'zh-CN'));
    expect(Number(await rawValue('overview-aum'))).toBe(aum);
    expect(await page.getByTestId('overview-aum').innerText()).toBe(formatCnyCompact(aum, 'zh-CN'));

    // The richest ceil(20% × N) customers (ties broken by id), summed in SQL.
    const top = await sql<{ aum: string }>`
      select sum(aum)::text as aum from (
        select aum from customers order by aum desc, id limit ceil(${n} * 0.2)::int
      ) richest`.execute(db);
    const top20 = Number(top.rows[0]?.aum) / aum;
    expect(Number(await rawValue('overview-top20-share'))).toBeCloseTo(top20, 12);
    expect(await page.getByTestId('overview-top20-share').innerText()).toBe(formatPercent(top20, 'zh-CN'));
    expect(top20).toBeGreaterThan(0.5); // the seeded bank is skewed, as real ones are

    const tiers = await sql<{ tier: string; n: string; aum: string }>`
      select coalesce(tier, 'unknown') as tier, count(*)::text as n, sum(aum)::text as aum from customers group by 1`.execute(
      db,
    );
    expect(tiers.rows.map((r) => r.tier).sort()).toEqual([
      'diamond',
      'gold',
      'mass',
      'platinum',
      'private',
      'unknown',
    ]);
    for (const row of tiers.rows) {
      expect(Number(await rawValue(`overview-tier-${row.tier}-customers`)), row.tier).toBe(Number(row.n));
      expect(Number(await rawValue(`overview-tier-${row.tier}-aum`)), row.tier).toBe(Number(row.aum));
    }
  });

  it('shows new customers and events in the window equal to the stores', async () => {
    const asOf = await rawValue('overview-asof');
    const from = new Date(Date.parse(`${asOf}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10);
    const joined = await sql<{ n: string }>`
      select count(*)::text as n from customers where customer_since between ${from}::date and ${asOf}::date`.execute(
      stores.operational.db,
    );
    expect(Number(await rawValue('overview-new-customers'))).toBe(Number(joined.rows[0]?.n));
    expect(Number(await rawValue('overview-new-customers-total'))).toBe(Number(joined.rows[0]?.n));

    const events = await stores.events.query<{ n: number }>(
      `SELECT uniqExact(event_id) AS n FROM events WHERE toDate(time, {tz:String}) BETWEEN toDate({from:String}) AND toDate({to:String})`,
      { from, to: asOf, tz: ZONE },
    );
    expect(events[0]?.n).toBeGreaterThan(0);
    expect(Number(await rawValue('overview-events-total'))).toBe(events[0]?.n);
  });

  it('recounts new customers and events when the window changes', async () => {
    const asOf = await rawValue('overview-asof');
    const from = new Date(Date.parse(`${asOf}T00:00:00Z`) - 6 * 86_400_000).toISOString().slice(0, 10);
    const joined = await sql<{ n: string }>`
      select count(*)::text as n from customers where customer_since between ${from}::date and ${asOf}::date`.execute(
      stores.operational.db,
    );
    const events = await stores.events.query<{ n: number }>(
      `SELECT uniqExact(event_id) AS n FROM events WHERE toDate(time, {tz:String}) BETWEEN toDate({from:String}) AND toDate({to:String})`,
      { from, to: asOf, tz: ZONE },
    );
    await page.getByTestId('overview-window').getByText('近 7 天').click();
    await expect.poll(() => rawValue('overview-events-total')).toBe(String(events[0]?.n));
    expect(Number(await rawValue('overview-new-customers-total'))).toBe(Number(joined.rows[0]?.n));
    expect(await page.getByTestId('chart-events-meta').innerText()).toContain(
      `近 7 天（${from} 至 ${asOf}，本行营业日，${ZONE}）`,
    );
    await page.getByTestId('overview-window').getByText('近 30 天').click();
    await expect.poll(() => page.getByTestId('chart-events-meta').innerText()).toContain('近 30 天');
  });

  it('draws every chart and states its definition, window and freshness', async () => {
    for (const chart of ['chart-tiers', 'chart-pareto', 'chart-new-customers', 'chart-events']) {
      const canvas = page.getByTestId(chart).locator('canvas');
      await canvas.first().waitFor();
      const box = await canvas.first().boundingBox();
      expect(box?.width, chart).toBeGreaterThan(200);
      expect(box?.height, chart).toBeGreaterThan(150);
      const meta = await page.getByTestId(`${chart}-meta`).innerText();
      expect(meta, chart).toMatch(/数据截至 \d{4}-\d{2}-\d{2}/);
      expect(await page.getByTestId(`${chart}-definition`).innerText(), chart).not.toBe('');
    }
    expect(await page.getByTestId('chart-events-meta').innerText()).toContain('近 30 天');
    await page.waitForTimeout(800); // let the chart entry animations finish before the screenshot
    await page.screenshot({ path: '.tmp/overview.png', fullPage: true });
  });

  it('switches the language, and remembers it', async () => {
    expect(await page.getByTestId('nav-customers').innerText()).toBe('客户');
    await page.getByTestId('lang-en-US').click();
    await expect.poll(() => page.getByTestId('nav-customers').innerText()).toBe('Customers');
    expect(await page.getByTestId('nav-overview').innerText()).toBe('Overview');
    expect(
      await page.getByTestId('overview-tier-private-customers').locator('xpath=../..').innerText(),
    ).toContain('Private banking');
    await page.waitForTimeout(1200); // the charts redraw in the new language
    await page.screenshot({ path: '.tmp/overview-en.png', fullPage: true });
    await page.reload();
    await page.getByTestId('nav-customers').waitFor();
    expect(await page.getByTestId('nav-customers').innerText()).toBe('Customers');
    await page.getByTestId('lang-zh-CN').click();
    await expect.poll(() => page.getByTestId('nav-customers').innerText()).toBe('客户');
  });

  it('opens every area of an analyst as a built page, none a placeholder', async () => {
    // Media and Acquisition (RTA) were the last coming-soon areas; the Data area is an admin's (ingest).
    for (const area of ['media', 'acquisition', 'analytics'] as const) {
      await page.getByTestId(`nav-${area}`).click();
      await expect.poll(() => new URL(page.url()).pathname).toBe(`/${area}`);
      await page.waitForLoadState('networkidle');
      expect(await page.getByTestId('coming-soon').count()).toBe(0);
    }
    await page.getByTestId('analytics-tab-funnels').waitFor();
    // Loading data is for whoever may ingest (admins): the area is not in an analyst's navigation.
    expect(await page.getByTestId('nav-data').count()).toBe(0);
    // The Admin area is built, and hidden from an analyst (no users, keys or audit permission).
    expect(await page.getByTestId('nav-admin').count()).toBe(0);
    await page.getByTestId('nav-overview').click();
    await page.getByTestId('overview-customers').waitFor();
  });

  it('signs out back to the sign-in page', async () => {
    const logout = page.getByTestId('logout');
    // The menu opens with an animation; under CI load a click during it can miss (the menu closes, nothing is
    // sent): open it and click again until the sign-out call goes out, then look for the sign-in page.
    for (let attempt = 1; ; attempt++) {
      await page.getByTestId('account').click();
      await logout.waitFor({ state: 'visible' });
      const sent = page.waitForResponse((r) => r.url().endsWith('/v1/auth/logout'), { timeout: 8_000 });
      await logout.click();
      try {
        await sent;
        break;
      } catch (error) {
        if (attempt === 3) throw error;
        await page.keyboard.press('Escape');
      }
    }
    await page.getByTestId('login-form').waitFor();
    const me = await page.evaluate(async () => (await fetch('/v1/auth/me')).status);
    expect(me).toBe(401);
    expect(consoleErrors).toEqual([]);
  });
});
