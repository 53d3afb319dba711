// The customer pool in a real browser against the real server: a handover through the wizard (results equal the
// preview, every customer then owned by a taker), an account manager's pool (total equals the API, phone numbers
// masked everywhere) and an interaction logged on Customer 360 (at the top of the timeline).
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
import { phoneOf, seedPool } from './pool-bank.ts';

const CUSTOMERS = 300;
const ADMIN = { username: 'admin1', role: 'admin' as const, password: 'admin-pass-1' };
const MANAGER = {
  username: 'am2',
  role: 'account_manager' as const,
  password: 'manager-pass-1',
  staffId: 'AM02',
};
const PHONES = Array.from({ length: CUSTOMERS }, (_, i) => phoneOf(i + 1));

let d: Dashboard;
let page: Page;

interface CustomerPage {
  total: number;
  items: { customerNo: string; managerId: string | null }[];
}

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  d = await startDashboard({
    customers: CUSTOMERS,
    seed: 20261204,
    users: [ADMIN, MANAGER],
    locale: 'en-US',
    prepare: (stores) => seedPool(stores, CUSTOMERS),
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

async function customersOf(managerId: string): Promise<CustomerPage> {
  const r = await apiJson<CustomerPage>(page, 'GET', `/v1/customers?managerId=${managerId}&limit=500`);
  expect(r.status).toBe(200);
  return r.body;
}

/** No phone number of the bank appears in clear anywhere on the page. */
async function expectNoClearPhone(): Promise<void> {
  const html = await page.content();
  expect(PHONES.filter((p) => html.includes(p))).toEqual([]);
}

describe.skipIf(!HAVE_CHROMIUM)('customer pool', () => {
  it('hands a departed manager’s pool to two takers through the wizard; results equal the preview', async () => {
    await signInAs(ADMIN);
    const before = await customersOf('AM01');
    expect(before.total).toBeGreaterThan(0);

    // Staff admin: mark AM01 departed, then follow the offer to hand over their customers.
    await page.getByTestId('nav-pool').click();
    await page.getByTestId('pool-tab-staff').click();
    await page.getByTestId('staff-depart-AM01').click();
    await page.getByTestId('staff-depart-ok').click();
    await page.getByTestId('staff-handover-now').click();
    await page.getByTestId('handover-wizard').waitFor();
    expect(page.url()).toContain('/pool/handovers/new?from=AM01');
    // The confirmation fades out over the wizard: wait until it no longer covers it.
    await expect.poll(() => page.locator('.ant-modal-wrap').filter({ visible: true }).count()).toBe(0);

    await choose(page, page.getByTestId('handover-takers'), /\(AM03\)/);
    await choose(page, page.getByTestId('handover-takers'), /\(AM04\)/);
    await page.keyboard.press('Escape');
    await page.getByTestId('handover-preview').click();
    await page.getByTestId('handover-preview-result').waitFor();
    expect(await page.getByTestId('handover-preview-result').getAttribute('data-kind')).toBe('departed');
    const preview = {
      total: Number(await rawValue(page, 'preview-total')),
      moved: Number(await rawValue(page, 'preview-moved')),
      refused: Number(await rawValue(page, 'preview-refused')),
      skipped: Number(await rawValue(page, 'preview-skipped')),
      AM03: Number(await rawValue(page, 'preview-will-AM03')),
      AM04: Number(await rawValue(page, 'preview-will-AM04')),
    };
    expect(preview.total).toBe(before.total);
    expect(preview.AM03 + preview.AM04).toBe(preview.moved);

    await page.screenshot({ path: '.tmp/pool-handover-preview.png', fullPage: true });
    await page.getByTestId('handover-run').click();
    const progress = page.getByTestId('handover-progress');
    await progress.waitFor();
    await expect.poll(() => progress.getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    await expect.poll(async () => Number(await rawValue(page, 'job-moved'))).toBe(preview.moved);
    expect(Number(await rawValue(page, 'job-total'))).toBe(preview.total);
    expect(Number(await rawValue(page, 'job-refused'))).toBe(preview.refused);
    expect(Number(await rawValue(page, 'job-skipped'))).toBe(preview.skipped);
    expect(Number(await rawValue(page, 'job-pending'))).toBe(0);
    expect(Number(await rawValue(page, 'job-taker-moved-AM03'))).toBe(preview.AM03);
    expect(Number(await rawValue(page, 'job-taker-moved-AM04'))).toBe(preview.AM04);

    // The per-customer results, filtered to the moved ones, count what moved.
    await page.getByTestId('results-filter-moved').click();
    await expect.poll(async () => Number(await rawValue(page, 'results-total'))).toBe(preview.moved);

    // The API: AM01 keeps only the refused customers; every moved one is now a taker's.
    const after = await customersOf('AM01');
    expect(after.total).toBe(preview.refused);
    await page.screenshot({ path: '.tmp/pool-handover-progress.png', fullPage: true });
    const taken = new Set(
      [...(await customersOf('AM03')).items, ...(await customersOf('AM04')).items].map((c) => c.customerNo),
    );
    const jobId = Number(await progress.getAttribute('data-job'));
    const items = await apiJson<{ items: { items: { customerNo: string; status: string }[] } }>(
      page,
      'GET',
      `/v1/handovers/${jobId}?status=moved&limit=500`,
    );
    expect(items.body.items.items.length).toBe(preview.moved);
    expect(items.body.items.items.filter((i) => !taken.has(i.customerNo))).toEqual([]);
    expect(before.items.filter((c) => !taken.has(c.customerNo)).length).toBe(preview.refused);
    expect(d.consoleErrors).toEqual([]);
  });

  it('shows an account manager their pool, the same total as the API, with phone numbers masked', async () => {
    await signInAs(MANAGER);
    await page.getByTestId('nav-pool').click();
    const total = page.getByTestId('my-pool-total');
    await expect.poll(() => total.getAttribute('data-value')).not.toBe('');
    const api = await customersOf('AM02');
    expect(api.total).toBeGreaterThan(0);
    expect(Number(await total.getAttribute('data-value'))).toBe(api.total);
    expect(Number(await rawValue(page, 'kpi-customers'))).toBe(api.total);
    await expectNoClearPhone();
    await page.screenshot({ path: '.tmp/pool-workbench.png', fullPage: true });

    // A row opens Customer 360, where the phone number is masked (138****1234).
    const first = page.locator('[data-testid^="pool-row-"]').first();
    const no = ((await first.getAttribute('data-testid')) ?? '').replace('pool-row-', '');
    await first.click();
    await page.getByTestId('customer-360').waitFor();
    expect(page.url()).toContain(`/customers/${no}`);
    await expect.poll(() => page.getByTestId('customer-phone').innerText()).toMatch(/^\d{3}\*{4}\d{4}$/);
    expect(await page.getByTestId('customer-owner-id').getAttribute('data-value')).toBe('AM02');
    await expectNoClearPhone();
    expect(d.consoleErrors).toEqual([]);
  });

  it('logs an interaction on Customer 360 and shows it at the top of the timeline', async () => {
    // A customer whose timeline holds nothing later than now (some seeded app events are later today).
    const now = Date.now();
    let chosen = '';
    for (const c of (await customersOf('AM02')).items) {
      const tl = await apiJson<{ items: { at: string }[] }>(
        page,
        'GET',
        `/v1/customers/${c.customerNo}/timeline?limit=1`,
      );
      if (!tl.body.items[0] || Date.parse(tl.body.items[0].at) < now) {
        chosen = c.customerNo;
        break;
      }
    }
    expect(chosen).not.toBe('');
    await page.goto(`${d.base}/customers/${chosen}`);
    await page.getByTestId('customer-360').waitFor();
    const summary = `Called about the maturing deposit ${now}`;
    await page.getByTestId('c360-log').click();
    await page.getByTestId('interaction-summary').fill(summary);
    await page.getByTestId('interaction-next').fill('Send the renewal offer');
    await page.getByTestId('interaction-save').click();
    const top = page.getByTestId('timeline-item').first();
    await expect.poll(() => top.innerText()).toContain(summary);
    expect(await top.getAttribute('data-source')).toBe('interaction');
    await page.screenshot({ path: '.tmp/pool-customer-360.png', fullPage: true });
    const tl = await apiJson<{ items: { source: string; details: { summary?: string } }[] }>(
      page,
      'GET',
      `/v1/customers/${chosen}/timeline?limit=1`,
    );
    expect(tl.body.items[0]?.details.summary).toBe(summary);
    await expectNoClearPhone();
    expect(d.consoleErrors).toEqual([]);
  });
});
