// A real server on a fresh data directory with the small demo bank, and Chromium signed in against it: the shared
// set-up of the tag and segment browser suites (the overview suite keeps its own, older copy).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { wecomClientFromConfig } from '../../src/wecom/client.ts';
import { chromium, type Browser, type ConsoleMessage, type Locator, type Page } from 'playwright-core';
import { SYSTEM_PRINCIPAL } from '../../src/auth/principal.ts';
import { AuthService } from '../../src/auth/service.ts';
import { loadConfig } from '../../src/config/load.ts';
import { createApp } from '../../src/server/app.ts';
import type { Stores } from '../../src/store/stores.ts';
import { closeStores } from '../../src/server/stores.ts';
import { adjustableClock, systemClock, type Clock } from '../../src/shared/clock.ts';
import { segmentServiceOn } from '../../src/server/start.ts';
import { startWorkerService, type WorkerService } from '../../src/server/worker.ts';
import { startRta, type RunningRta } from '../../src/server/rta.ts';
import { segmentMembersSource } from '../../src/rta/service.ts';
import { createLogger } from '../../src/shared/logger.ts';
import type { UserRole } from '../../src/store/operational/database.ts';
import { TagService } from '../../src/tags/service.ts';
import { seedHoldings, seedSmallBank } from './bank.ts';
import { TEST_PASSWORD_COST, TEST_PASSWORD_ENV } from '../support/password-cost.ts';
import { openTestStores } from '../support/app.ts';

export const CHROMIUM = process.env['FLYWHEEL_CHROMIUM'] ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) {
  if (['1', 'true'].includes(process.env['FLYWHEEL_REQUIRE_SERVERS'] ?? ''))
    throw new Error(`Chromium is required (FLYWHEEL_REQUIRE_SERVERS=1) but ${CHROMIUM} is missing`);
  console.warn(
    `[flywheel tests] ${CHROMIUM} not found: skipping the browser suite (apt-get install chromium)`,
  );
}

const DIST_INDEX = new URL('../../web/dist/index.html', import.meta.url);

export interface Dashboard {
  readonly stores: Stores;
  readonly base: string;
  readonly browser: Browser;
  readonly page: Page;
  readonly asOf: string;
  /** Console errors and warnings, except 401s and the refusals a test provoked on purpose (`expectBadRequests`). */
  readonly consoleErrors: string[];
  /** URL parts whose 400, 404 and 422 answers are expected (bad input the test sends on purpose). */
  readonly expectBadRequests: string[];
  /** The RTA service's address when started (`rta: true`): where the ad platform posts its requests. */
  readonly rtaUrl: string | undefined;
  close(): Promise<void>;
}

/** Starts the server with `customers` customers and one user per role given, and opens a page (not signed in). */
export async function startDashboard(options: {
  customers: number;
  seed: number;
  users: readonly { username: string; role: UserRole; password: string; staffId?: string }[];
  locale?: string;
  /** More data after the small bank and before the users (e.g. staff that users link to). */
  prepare?: (stores: Stores, asOf: string) => Promise<void>;
  /** More settings (e.g. FLYWHEEL_WECOM_* to connect WeCom, as `flywheel start` would with them set). */
  env?: Readonly<Record<string, string>>;
  /** A test clock an admin moves forward from the dashboard (FLYWHEEL_TEST_CLOCK on), as a trial installation has. */
  testClock?: boolean;
  /** The worker service in the same process, as `flywheel start` runs it (campaign runs, deliveries, journeys). */
  worker?: boolean;
  /** The RTA service in the same process (`--services=…,rta`), noticing strategy changes within a second. */
  rta?: boolean;
}): Promise<Dashboard> {
  if (!existsSync(DIST_INDEX)) {
    const built = spawnSync('npx', ['vite', 'build', 'web', '--logLevel', 'warn'], { stdio: 'inherit' });
    if (built.status !== 0) throw new Error('vite build web failed');
  }
  mkdirSync('.tmp', { recursive: true }); // screenshots land here
  const dir = mkdtempSync(join(tmpdir(), 'flywheel-browser-'));
  const config = loadConfig({
    FLYWHEEL_DATA_DIR: dir,
    PORT: '0',
    LOG_LEVEL: 'warn',
    FLYWHEEL_SEED_DEMO: 'never',
    ...TEST_PASSWORD_ENV,
    ...options.env,
  });
  if (!config.ok) throw new Error(JSON.stringify(config.error));
  const stores = await openTestStores(config.value);
  const testClock = options.testClock ? adjustableClock(config.value.timeZone) : undefined;
  const clock: Clock = testClock?.clock ?? systemClock(config.value.timeZone);
  const asOf = clock.today();
  await seedSmallBank(stores, { customers: options.customers, asOf, seed: options.seed });
  await seedHoldings(stores, { customers: options.customers, asOf, seed: options.seed + 1 });
  await options.prepare?.(stores, asOf);
  const auth = new AuthService({
    db: stores.operational.db,
    clock,
    sessionTtlHours: 12,
    passwordCost: TEST_PASSWORD_COST,
  });
  for (const user of options.users) {
    const created = await auth.createUser(user, 'test');
    if (!created.ok) throw new Error(created.error.message);
  }
  // As `flywheel start` does: the built-in tag catalogue is defined before the first request (the background
  // computation is left out: the suites compute on demand, as a user would).
  const logger = createLogger('warn');
  const tags = new TagService({
    db: stores.operational.db,
    events: stores.events,
    sandbox: () => stores.operational.sandbox(),
    clock,
    logger,
  });
  await tags.ensureCatalogue(SYSTEM_PRINCIPAL.actor);
  const wecom = wecomClientFromConfig(config.value, logger);
  const app: FastifyInstance = await createApp({
    config: config.value,
    stores,
    clock,
    logger,
    tags,
    ...(wecom ? { wecom } : {}),
    ...(testClock ? { testClock } : {}),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const worker: WorkerService | undefined = options.worker
    ? await startWorkerService({
        config: config.value,
        stores,
        clock,
        logger,
        segments: segmentServiceOn(stores, clock, logger),
        ...(testClock ? { testClock } : {}),
      })
    : undefined;
  const rta: RunningRta | undefined = options.rta
    ? await startRta({
        db: stores.operational.db,
        events: stores.events,
        members: segmentMembersSource(segmentServiceOn(stores, clock, logger)),
        clock,
        logger,
        pollSeconds: 1,
        defaultCacheSeconds: 300,
        logSample: 1,
        port: 0,
        host: '127.0.0.1',
      })
    : undefined;
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const browser = await chromium.launch({
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
  const context = await browser.newContext({
    baseURL: base,
    locale: options.locale ?? 'zh-CN',
    viewport: { width: 1440, height: 1000 },
  });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const expectBadRequests: string[] = [];
  const expected = (m: ConsoleMessage) => {
    const text = m.text();
    if (/status of 401/.test(text)) return true;
    const url = m.location().url;
    return /status of (400|404|422)/.test(text) && expectBadRequests.some((part) => url.includes(part));
  };
  page.on('console', (m) => {
    if (m.type() === 'error' && !expected(m)) consoleErrors.push(`${m.text()} (${m.location().url})`);
    if (m.type() === 'warning') consoleErrors.push(`warning: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  return {
    stores,
    base,
    browser,
    page,
    asOf,
    consoleErrors,
    expectBadRequests,
    rtaUrl: rta?.url,
    async close() {
      await browser.close();
      await rta?.stop();
      await worker?.stop();
      await tags.close();
      await app.close();
      await closeStores(stores);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Signs in through the sign-in page and waits for the Overview. */
export async function signIn(page: Page, base: string, username: string, password: string): Promise<void> {
  await page.goto(base + '/');
  await page.getByTestId('login-username').fill(username);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('side-nav').waitFor();
}

/** The raw value an element carries in data-value. */
export async function rawValue(page: Page, testId: string): Promise<string> {
  const value = await page.getByTestId(testId).first().getAttribute('data-value');
  if (value === null) throw new Error(`${testId} has no data-value`);
  return value;
}

/** Calls the API as the signed-in user (the page's session cookie) and returns the JSON body. */
export async function apiJson<T>(
  page: Page,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response =
    method === 'GET' ? await page.request.get(path) : await page.request.post(path, { data: body ?? {} });
  return { status: response.status(), body: (await response.json()) as T };
}

/** Waits until the dialog holding `inside` (if any) has finished its opening animation (at most 3 s). */
export async function dialogSettled(inside: Locator): Promise<void> {
  await inside.evaluate(async (el) => {
    const dialog = el.closest('.ant-modal');
    for (let i = 0; dialog && i < 150; i++) {
      if (!dialog.getAnimations({ subtree: true }).some((a) => a.playState === 'running')) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  });
}

/** Opens an antd Select (unless open) and returns its own popup (not another one still closing). */
async function openSelect(page: Page, select: Locator): Promise<Locator> {
  const input = select.locator('input[role="combobox"]').first();
  // In a dialog still zooming in, a forced click lands where the input is about to be — on the mask, which closes the
  // dialog: wait for the dialog's animations to end first.
  await dialogSettled(input);
  // Click the search input, not the middle of the box: in a multiple select that may be a chosen value's ×. On a
  // loaded machine a click on a form still re-rendering can be lost: click again (three clicks at most, 5 s each).
  let list: string | null = null;
  for (let click = 0; list === null && click < 3; click++) {
    if ((await input.getAttribute('aria-expanded')) !== 'true') await input.click({ force: true });
    for (let waited = 0; list === null && waited < 5_000; waited += 50) {
      list = await input.getAttribute('aria-controls');
      if (list === null) await page.waitForTimeout(50);
    }
  }
  if (list === null) throw new Error('the select did not open');
  return page.locator(`.ant-select-dropdown:has([id="${list}"])`);
}

/**
 * Picks an option of an antd Select by its visible text (opening it unless open, e.g. a multiple select). A select
 * that does not show its choice (a picker that fills another field) passes `taken`, which says whether it did.
 */
export async function choose(
  page: Page,
  select: Locator,
  text: string | RegExp,
  options: { taken?: () => Promise<boolean> } = {},
): Promise<void> {
  const shown = async (): Promise<boolean> => {
    // The box's own text (the popup is portalled elsewhere): one line per chosen value.
    const labels = (await select.innerText()).split('\n').map((line) => line.trim());
    return labels.some((label) => (typeof text === 'string' ? label.includes(text) : text.test(label)));
  };
  // On a loaded machine a click can land on a popup that is still animating in (or out) and be lost: check that the
  // choice shows in the box, and pick again if it does not.
  for (let attempt = 1; ; attempt++) {
    const popup = await openSelect(page, select);
    await popup.locator('.ant-select-item-option', { hasText: text }).first().click();
    try {
      await expect.poll(options.taken ?? shown, { timeout: 3_000 }).toBe(true);
      return;
    } catch (error) {
      if (attempt === 3) throw new Error(`choosing ${String(text)} did not take`, { cause: error });
    }
  }
}

/**
 * Picks the option of a key picker (web/src/dictionary/keyedPicker.tsx) whose key is `key`, whatever its display name
 * in the UI language: the key is typed as a search (the list is virtual) and the option chosen by its data-value.
 */
export async function chooseKey(page: Page, select: Locator, key: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const popup = await openSelect(page, select);
    await select.locator('input[role="combobox"]').first().fill(key);
    const option = popup.locator(`.ant-select-item-option[data-value="${key}"]`).first();
    const label = ((await option.innerText()).split('\n')[0] ?? '').trim();
    await option.click();
    try {
      await expect
        .poll(async () => (await select.innerText()).split('\n').some((line) => line.trim() === label), {
          timeout: 3_000,
        })
        .toBe(true);
      return;
    } catch (error) {
      if (attempt === 3) throw new Error(`choosing ${key} did not take`, { cause: error });
    }
  }
}

/** The options an antd Select offers, as shown; the popup is closed again. */
export async function optionTexts(page: Page, select: Locator): Promise<string[]> {
  const popup = await openSelect(page, select);
  await popup.locator('.ant-select-item-option').first().waitFor();
  const texts = await popup.locator('.ant-select-item-option').allInnerTexts();
  await page.keyboard.press('Escape');
  return texts;
}

/** Fills an attribute condition of the rule builder: the attribute (by key), the operator, then the value typed in. */
export async function fillAttrCondition(
  page: Page,
  condition: Locator,
  attribute: string,
  op: string,
  value: string,
): Promise<void> {
  await chooseKey(page, condition.getByTestId('cond-attr-name'), attribute);
  await choose(page, condition.getByTestId('cond-attr-op'), op);
  await condition
    .locator('[data-testid="cond-attr-value"] input, input[data-testid="cond-attr-value"]')
    .first()
    .fill(value);
}

/**
 * Adds a condition of `kind` to the segment builder's group at `path` (its "Add condition" menu), and waits until the
 * node is there: on loaded CI cores a click can land while the menu is still animating in and be lost, so it retries.
 */
export async function addCondition(page: Page, path: string, kind: string): Promise<void> {
  const nodes = page.getByTestId('rule-node');
  const before = await nodes.count();
  for (let attempt = 1; ; attempt++) {
    await page.getByTestId(`add-to-${path}`).click();
    const item = page.getByTestId(`add-${kind}`).filter({ visible: true }).first();
    await item.waitFor({ state: 'visible' });
    await item.click();
    try {
      await expect.poll(() => nodes.count(), { timeout: 5_000 }).toBeGreaterThan(before);
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

/** Waits until the builder's live count answers for the rule on screen; returns the count and that rule. */
export async function settledCount(page: Page): Promise<{ count: number; rule: unknown; status: string }> {
  const live = page.getByTestId('live-count');
  await expect
    .poll(async () => {
      const [status, rule, current] = await Promise.all([
        live.getAttribute('data-status'),
        live.getAttribute('data-rule'),
        live.getAttribute('data-current'),
      ]);
      return status !== 'pending' && status !== 'empty' && rule === current;
    })
    .toBe(true);
  return {
    count: Number(await live.getAttribute('data-value')),
    rule: JSON.parse((await live.getAttribute('data-current')) ?? 'null') as unknown,
    status: (await live.getAttribute('data-status')) ?? '',
  };
}

/** Types a day into a DayPicker (web/src/components/DayPicker.tsx) found by its test id, as a user does, and commits it. */
export async function pickDay(page: Page, testId: string, day: string): Promise<void> {
  const picker = page.getByTestId(testId);
  const input = (await picker.evaluate((e) => e.tagName)) === 'INPUT' ? picker : picker.locator('input');
  await input.click();
  await input.fill(day);
  await input.press('Enter');
  await expect.poll(() => input.inputValue()).toBe(day);
}
