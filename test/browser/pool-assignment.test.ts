// Assignment in a real browser against the real server: the unassigned queue equals the API's, two customers
// assigned by hand move (owner, queue, audit), a rule made in the form is stored and "assign by rules" follows it,
// a rule is deleted after confirmation, and an account manager is not offered the tab.
import { sql } from 'kysely';
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
const MANAGER = {
  username: 'am2',
  role: 'account_manager' as const,
  password: 'manager-pass-1',
  staffId: 'AM02',
};

let d: Dashboard;
let page: Page;

interface Queue {
  total: number;
  items: { customerNo: string; name: string | null; orgUnitId: string | null; reason: string }[];
}
interface Rule {
  id: number;
  orgUnitId: string;
  tier: string | null;
  managerIds: string[];
}

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  d = await startDashboard({
    customers: CUSTOMERS,
    seed: 20261205,
    users: [ADMIN, MANAGER],
    locale: 'en-US',
    // One customer in ten has no owner (seedPool); AM04 has departed, so their customers wait in the queue too.
    prepare: async (stores) => {
      await seedPool(stores, CUSTOMERS);
      await stores.operational.db
        .updateTable('staff')
        .set({ status: 'departed' })
        .where('id', '=', 'AM04')
        .execute();
    },
  });
  page = d.page;
}, 120_000);

afterAll(async () => {
  await d?.close();
});

async function signInAs(user: { username: string; password: string }): Promise<void> {
  await page.context().clearCookies();
  await signIn(page, d.base, user.username, user.password);
}

async function queue(query = ''): Promise<Queue> {
  const r = await apiJson<Queue>(page, 'GET', `/v1/pool/unassigned?limit=500${query}`);
  expect(r.status).toBe(200);
  return r.body;
}

async function ownerOf(customerNo: string): Promise<string | null> {
  const r = await apiJson<{ owner: { managerId: string } | null }>(
    page,
    'GET',
    `/v1/customers/${customerNo}`,
  );
  expect(r.status).toBe(200);
  return r.body.owner?.managerId ?? null;
}

/** The queue's rows on screen, in order, once the total on screen equals `total`. */
async function rowsOnScreen(total: number): Promise<string[]> {
  await expect.poll(() => rawValue(page, 'assign-queue-total')).toBe(String(total));
  const rows = page.locator('[data-testid^="assign-row-"]');
  await expect.poll(() => rows.count()).toBe(Math.min(20, total));
  return (await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-testid') ?? ''))).map((id) =>
    id.replace('assign-row-', ''),
  );
}

async function openAssignment(): Promise<void> {
  await page.getByTestId('nav-pool').click();
  await page.getByTestId('pool-tab-assignment').click();
  await page.getByTestId('assignment-page').waitFor();
  expect(page.url()).toContain('/pool/assignment');
}

describe.skipIf(!HAVE_CHROMIUM)('pool assignment', () => {
  it('shows the unassigned queue as the API answers it, both reasons, names masked', async () => {
    await signInAs(ADMIN);
    await openAssignment();
    const api = await queue();
    expect(api.total).toBeGreaterThan(20);
    expect(new Set(api.items.map((i) => i.reason))).toEqual(new Set(['no_owner', 'owner_departed']));
    const shown = await rowsOnScreen(api.total);
    expect(shown).toEqual(api.items.slice(0, 20).map((i) => i.customerNo));
    const first = api.items[0]!;
    const row = page.getByTestId(`assign-row-${first.customerNo}`);
    expect(await row.innerText()).toContain(first.name ?? '—');
    expect(first.name).toMatch(/\*/);
    // The customer number opens Customer 360.
    await row.getByTestId('assign-customer-no').click();
    await page.getByTestId('customer-360').waitFor();
    expect(page.url()).toContain(`/customers/${first.customerNo}`);
    await page.goBack();
    await page.getByTestId('assignment-page').waitFor();
    // Page 2 too.
    await page.getByTestId('assign-queue').locator('.ant-pagination-item-2').click();
    await expect
      .poll(
        async () =>
          (await page.locator('[data-testid^="assign-row-"]').first().getAttribute('data-testid')) ?? '',
      )
      .toBe(`assign-row-${api.items[20]!.customerNo}`);
    await page.screenshot({ path: '.tmp/pool-assignment-queue.png', fullPage: true });
    expect(d.consoleErrors).toEqual([]);
  });

  it('assigns two selected customers to a manager: owned, out of the queue, audited', async () => {
    await signInAs(ADMIN);
    await openAssignment();
    const before = await queue();
    const shown = await rowsOnScreen(before.total);
    const picked = shown.slice(0, 2);
    for (const no of picked) await page.getByTestId(`assign-row-${no}`).locator('.ant-checkbox').click();
    await expect.poll(() => rawValue(page, 'assign-selected')).toBe('2');
    await choose(page, page.getByTestId('assign-manager'), /\(AM03\)/);
    await page.getByTestId('assign-reason').fill('Walk-in customers, browser test');
    await page.getByTestId('assign-submit').click();

    const results = page.getByTestId('assign-results');
    await results.waitFor();
    expect(await results.getAttribute('data-kind')).toBe('manual');
    expect(await rawValue(page, 'assign-count-assigned')).toBe('2');
    expect(await rawValue(page, 'assign-moved')).toBe('2');
    expect(await rawValue(page, 'assign-refused')).toBe('0');
    for (const no of picked)
      expect(await page.getByTestId(`assign-result-${no}`).getAttribute('data-status')).toBe('assigned');

    // The API: both owned by AM03, the queue two shorter (on screen as well), the audit lists both changes.
    for (const no of picked) expect(await ownerOf(no)).toBe('AM03');
    const after = await queue();
    expect(after.total).toBe(before.total - 2);
    expect(after.items.filter((i) => picked.includes(i.customerNo))).toEqual([]);
    expect(await rowsOnScreen(after.total)).toEqual(after.items.slice(0, 20).map((i) => i.customerNo));
    expect(await rawValue(page, 'assign-selected')).toBe('0');
    const audit = await d.stores.operational.db
      .selectFrom('audit_log')
      .select(['actor', 'details'])
      .where('action', '=', 'pool.assign')
      .execute();
    expect(audit).toHaveLength(1);
    const details = audit[0]!.details as { reason: string; changes: [string, string | null, string][] };
    expect(details.reason).toBe('Walk-in customers, browser test');
    expect(details.changes.map((c) => [c[0], c[2]]).sort()).toEqual(picked.map((no) => [no, 'AM03']).sort());
    await page.screenshot({ path: '.tmp/pool-assignment-results.png', fullPage: true });
    expect(d.consoleErrors).toEqual([]);
  });

  it('saves a rule from the form, assigns by rules accordingly, and deletes the rule', async () => {
    await signInAs(ADMIN);
    await openAssignment();
    await page.getByTestId('rule-new').click();
    await page.getByTestId('rule-form').waitFor();
    // Until the dialog has zoomed in, a click meant for its selects may land on the mask and close it.
    await expect
      .poll(() => page.locator('.ant-modal').evaluate((el) => el.getAnimations({ subtree: true }).length))
      .toBe(0);
    await choose(page, page.getByTestId('rule-form-unit'), /\(BR01\)/);
    await choose(page, page.getByTestId('rule-form-managers'), /\(AM01\)/);
    await choose(page, page.getByTestId('rule-form-managers'), /\(AM02\)/);
    // Close the managers' popup (it covers the button) without Escape, which would close the dialog.
    await page.locator('.ant-modal-title').click();
    await expect.poll(() => page.locator('.ant-select-dropdown').filter({ visible: true }).count()).toBe(0);
    await page.getByTestId('rule-form-save').click();
    await expect.poll(() => page.getByTestId('rule-form').count()).toBe(0);

    const rules = (await apiJson<{ rules: Rule[] }>(page, 'GET', '/v1/pool/rules')).body.rules;
    expect(rules.map(({ orgUnitId, tier, managerIds }) => ({ orgUnitId, tier, managerIds }))).toEqual([
      { orgUnitId: 'BR01', tier: null, managerIds: ['AM01', 'AM02'] },
    ]);
    const rule = rules[0]!;
    await page.getByTestId(`rule-row-${rule.id}`).waitFor();

    // By rules: customers without any owner in BR01 go to AM01/AM02; those of head office have no rule.
    const before = await queue();
    const noOwner = before.items.filter((i) => i.reason === 'no_owner');
    const inBranch = noOwner.filter((i) => i.orgUnitId === 'BR01').map((i) => i.customerNo);
    const atHead = noOwner.filter((i) => i.orgUnitId !== 'BR01').map((i) => i.customerNo);
    expect(inBranch.length).toBeGreaterThan(1);
    expect(atHead.length).toBeGreaterThan(0);
    await page.getByTestId('assign-by-rules').click();
    await page.getByTestId('assign-by-rules-ok').click();
    const results = page.getByTestId('assign-results');
    await expect.poll(() => results.getAttribute('data-kind')).toBe('rules');
    expect(Number(await rawValue(page, 'assign-count-assigned'))).toBe(inBranch.length);
    expect(Number(await rawValue(page, 'assign-count-no_rule'))).toBe(atHead.length);
    const owners = await Promise.all(inBranch.map(ownerOf));
    expect(owners.filter((o) => o !== 'AM01' && o !== 'AM02')).toEqual([]);
    expect(Math.abs(owners.filter((o) => o === 'AM01').length * 2 - inBranch.length)).toBeLessThanOrEqual(1);
    const after = await queue();
    expect(after.total).toBe(before.total - inBranch.length);
    await rowsOnScreen(after.total);
    await page.screenshot({ path: '.tmp/pool-assignment-rules.png', fullPage: true });

    await page.getByTestId(`rule-delete-${rule.id}`).click();
    await page.getByTestId('rule-delete-ok').click();
    await expect.poll(() => page.getByTestId(`rule-row-${rule.id}`).count()).toBe(0);
    expect((await apiJson<{ rules: Rule[] }>(page, 'GET', '/v1/pool/rules')).body.rules).toEqual([]);
    const deleted = await sql<{ n: number }>`
      select count(*)::int as n from audit_log where action = 'pool.rule.delete'`.execute(
      d.stores.operational.db,
    );
    expect(deleted.rows[0]?.n).toBe(1);
    expect(d.consoleErrors).toEqual([]);
    // A whole task of a dozen steps, each with its own wait: on a loaded host (a fresh-clone run) it outlasted 60 s.
  }, 120_000);

  it('does not offer the tab to an account manager', async () => {
    await signInAs(MANAGER);
    await page.getByTestId('nav-pool').click();
    await page.getByTestId('pool-tab-workbench').waitFor();
    expect(await page.getByTestId('pool-tab-assignment').count()).toBe(0);
    await page.goto(`${d.base}/pool/assignment`);
    await page.getByTestId('pool-tab-workbench').waitFor();
    expect(await page.getByTestId('assignment-page').count()).toBe(0);
    expect((await apiJson<unknown>(page, 'GET', '/v1/pool/unassigned')).status).toBe(403);
    expect(d.consoleErrors).toEqual([]);
  });
});
