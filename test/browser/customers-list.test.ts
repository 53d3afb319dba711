// The customers list in a real browser against the real server, in both languages: browse with filters (the totals
// equal the API's), choose columns (remembered after a reload), open a customer's 360 from a row and come back;
// then select everyone a filter matches and assign them in bulk to a manager whose pool fills up on the way — the
// outcome says how many moved and why the rest were refused, and the owners, the list and the audit log agree.
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
import { seedPool } from './pool-bank.ts';

const CUSTOMERS = 200;
const ADMIN = { username: 'admin1', role: 'admin' as const, password: 'admin-pass-1' };

let d: Dashboard;
let page: Page;

interface ListPage {
  total: number;
  items: { customerNo: string; managerId: string | null; tier: string | null }[];
}

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  d = await startDashboard({
    customers: CUSTOMERS,
    seed: 20261207,
    users: [ADMIN],
    locale: 'zh-CN',
    prepare: (stores) => seedPool(stores, CUSTOMERS),
  });
  page = d.page;
  await signIn(page, d.base, ADMIN.username, ADMIN.password);
}, 120_000);

afterAll(async () => {
  await d?.close();
});

async function list(query: string): Promise<ListPage> {
  const r = await apiJson<ListPage>(page, 'GET', `/v1/customers?limit=500&${query}`);
  expect(r.status).toBe(200);
  return r.body;
}

/** The list's total as shown, once it has loaded for the filter just set. */
async function shownTotal(expected: number): Promise<void> {
  await expect.poll(() => rawValue(page, 'clist-total'), { timeout: 15_000 }).toBe(String(expected));
}

describe.skipIf(!HAVE_CHROMIUM)('customers list', () => {
  it('browses with filters and chosen columns in Chinese, and opens a customer from a row', async () => {
    await page.getByTestId('nav-customers').click();
    await page.getByTestId('customer-list').waitFor();
    await shownTotal((await list('')).total);
    expect(await page.getByTestId('clist-total').innerText()).toMatch(/^共 200 位客户$/);

    await choose(page, page.getByTestId('clist-tier'), '黄金');
    await shownTotal((await list('tier=gold')).total);
    await choose(page, page.getByTestId('clist-owner'), 'Manager 2');
    const goldOfAm02 = await list('tier=gold&managerId=AM02');
    await shownTotal(goldOfAm02.total);
    const rows = page.locator('[data-testid^="clist-row-"]');
    await expect.poll(() => rows.count()).toBe(Math.min(20, goldOfAm02.total));
    // Every row is a gold customer of Manager 2, shown by name, with the phone masked.
    const first = goldOfAm02.items[0]!.customerNo;
    const row = page.getByTestId(`clist-row-${first}`);
    expect(await row.innerText()).toContain('Manager 2');
    expect(await row.innerText()).toMatch(/139\*{4}\d{4}/);

    // A column chosen is shown, and still shown after a reload (this browser remembers it).
    await page.getByTestId('clist-columns').click();
    await page.getByTestId('clist-columns-choice').getByText('企微好友').click();
    await expect.poll(() => page.locator('th', { hasText: '企微好友' }).count()).toBe(1);
    await page.reload();
    await page.getByTestId('customer-list').waitFor();
    await expect.poll(() => page.locator('th', { hasText: '企微好友' }).count()).toBe(1);

    // A search by masked phone finds the customer; a row opens the 360, and the list is one click back.
    const phone = await apiJson<{ pii: { phone: string } }>(page, 'GET', `/v1/customers/${first}`);
    await page.getByTestId('customer-search').locator('input').fill(phone.body.pii.phone);
    await page.keyboard.press('Enter');
    await shownTotal((await list(`q=${encodeURIComponent(phone.body.pii.phone)}`)).total);
    await page.getByTestId(`clist-row-${first}`).locator('td').nth(2).click();
    await page.getByTestId('customer-portrait').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/customers/${first}`);
    await page.getByTestId('clist-back').click();
    await page.getByTestId('customer-list').waitFor();
    await page.screenshot({ path: '.tmp/customers-list-zh.png', fullPage: true });
    expect(d.consoleErrors).toEqual([]);
  });

  it('bulk-assigns everyone a filter selects in English, and shows what moved and what was refused', async () => {
    await page.getByTestId('lang-en-US').click();
    await page.goto(d.base + '/customers');
    await page.getByTestId('customer-list').waitFor();
    const db = d.stores.operational.db;
    // Manager 3 has room for 7 more: the rest of Manager 1's customers are refused, their pool full.
    const am03 = (await list('managerId=AM03')).total;
    await db
      .updateTable('staff')
      .set({ pool_capacity: am03 + 7 })
      .where('id', '=', 'AM03')
      .execute();
    await choose(page, page.getByTestId('clist-owner'), 'Manager 1');
    const am01 = await list('managerId=AM01');
    expect(am01.total).toBeGreaterThan(20);
    await shownTotal(am01.total);
    expect(await page.getByTestId('clist-total').innerText()).toBe(`${am01.total} customers match`);

    await page.getByTestId(`clist-row-${am01.items[0]!.customerNo}`).locator('.ant-checkbox-input').check();
    await page.getByTestId('clist-select-all').click();
    expect(await page.getByTestId('clist-selected').innerText()).toBe(
      `All ${am01.total} matching customers are selected`,
    );
    await page.getByTestId('clist-bulk').hover();
    await page.locator('.ant-dropdown-menu-item', { hasText: 'Assign to an account manager' }).click();
    await choose(page, page.getByTestId('clist-bulk-manager'), 'Manager 3');
    await page.getByTestId('clist-bulk-run').click();
    const outcome = page.getByTestId('clist-bulk-outcome');
    await outcome.waitFor();
    expect(await outcome.getAttribute('data-done')).toBe('7');
    expect(await outcome.getAttribute('data-refused')).toBe(String(am01.total - 7));
    expect(await outcome.innerText()).toContain(`7 of ${am01.total} done, ${am01.total - 7} refused`);
    expect(await outcome.innerText()).toContain('Manager’s pool is full');
    await page.getByTestId('clist-bulk-close').click();

    // The list reloads: Manager 1 keeps the refused ones; Manager 3's pool is full; the audit names the filter.
    await shownTotal(am01.total - 7);
    expect((await list('managerId=AM03')).total).toBe(am03 + 7);
    const audit = await db
      .selectFrom('audit_log')
      .select(['details'])
      .where('action', '=', 'customers.bulk')
      .executeTakeFirstOrThrow();
    expect(audit.details).toMatchObject({
      target: { filter: { managerId: 'AM01' } },
      matched: am01.total,
      done: 7,
      reasons: { manager_at_limit: am01.total - 7 },
    });
    await page.screenshot({ path: '.tmp/customers-list-en.png', fullPage: true });
    expect(d.consoleErrors).toEqual([]);
  });
});
