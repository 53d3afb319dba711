// The WeCom area in a real browser against the real server: friendships of two managers seeded through the full-sync
// step (applyFriendList with literal WeCom answers), the coverage table equal to GET /v1/wecom/coverage, and the one
// unmatched friend linked to a customer through the UI (a refusal shown as the server words it first), in both
// languages.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/shared/clock.ts';
import type { Stores } from '../../src/store/stores.ts';
import { applyFriendList, type ListedContact } from '../../src/wecom/friend-list.ts';
import { mobileSha256 } from '../../src/wecom/matching.ts';
import { apiJson, HAVE_CHROMIUM, rawValue, signIn, startDashboard, type Dashboard } from './harness.ts';
import { phoneOf, seedPool } from './pool-bank.ts';

const CUSTOMERS = 60;
const ADMIN = { username: 'admin1', role: 'admin' as const, password: 'admin-pass-1' };
const UNMATCHED = 'wmUNMATCHED0001';
// Owners in pool-bank: customer id → AM0(id % 4 + 1). AM01 has 4 and 8, AM02 has 1 and 5.
const FRIENDS: Readonly<Record<string, readonly number[]>> = { AM01: [4, 8], AM02: [1, 5] };
const LINK_TO = 12; // an AM01 customer

interface Coverage {
  managers: {
    staffId: string;
    friends: number;
    matched: number;
    unmatched: number;
    addedThisWeek: number;
    lostThisWeek: number;
  }[];
}
interface Friends {
  total: number;
  items: { externalUserid: string; customerNo: string | null; matched: boolean; name: string | null }[];
}

/** One entry of WeCom's batch/get_by_user answer, in its wire names. */
const listed = (staffId: string, externalUserid: string, mobiles: string[]): ListedContact => ({
  external_contact: { external_userid: externalUserid, name: `王小${externalUserid.slice(-2)}`, type: 1 },
  follow_info: {
    userid: staffId,
    remark: '',
    remark_mobiles: mobiles,
    tag_id: [],
    add_way: 1,
    createtime: Math.floor(Date.now() / 1000) - 3600,
  },
});

/** Phone hashes for the befriended customers, then each manager's friend list as a full sync applies it. */
async function seedFriends(stores: Stores): Promise<void> {
  const db = stores.operational.db;
  for (const id of Object.values(FRIENDS).flat())
    await db
      .updateTable('customers')
      .set({ phone_sha256: mobileSha256(phoneOf(id)) })
      .where('id', '=', id)
      .execute();
  const deps = { clock: systemClock('Asia/Shanghai'), match: ['phone'] as const, actor: 'system:test' };
  for (const [staffId, ids] of Object.entries(FRIENDS)) {
    const contacts = ids.map((id) =>
      listed(staffId, `wm${staffId}C${String(id).padStart(4, '0')}`, [phoneOf(id)]),
    );
    if (staffId === 'AM01') contacts.push(listed(staffId, UNMATCHED, ['13900000000']));
    await applyFriendList(db, staffId, contacts, deps);
  }
}

let d: Dashboard;
let page: Page;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  d = await startDashboard({
    customers: CUSTOMERS,
    seed: 20261313,
    users: [ADMIN],
    locale: 'en-US',
    prepare: async (stores) => {
      await seedPool(stores, CUSTOMERS);
      await seedFriends(stores);
    },
  });
  page = d.page;
}, 120_000);

afterAll(async () => {
  await d?.close();
});

const FIGURES = ['friends', 'matched', 'unmatched', 'addedThisWeek', 'lostThisWeek'] as const;

/** Every manager's row and the totals row of the coverage table equal the API's numbers. */
async function expectCoverageAsApi(): Promise<Coverage> {
  const api = (await apiJson<Coverage>(page, 'GET', '/v1/wecom/coverage')).body;
  await page.getByTestId('wecom-coverage').waitFor();
  for (const m of api.managers)
    for (const f of FIGURES)
      await expect.poll(() => rawValue(page, `wecom-cov-${m.staffId}-${f}`)).toBe(String(m[f]));
  for (const f of FIGURES)
    expect(await rawValue(page, `wecom-cov-total-${f}`)).toBe(
      String(api.managers.reduce((n, m) => n + m[f], 0)),
    );
  return api;
}

describe.skipIf(!HAVE_CHROMIUM)('WeCom area', () => {
  it('shows coverage as the API answers it and links the unmatched friend through the UI, in both languages', async () => {
    await signIn(page, d.base, ADMIN.username, ADMIN.password);
    await page.getByTestId('nav-wecom').click();

    // Coverage: two managers with friends, one unmatched friend of AM01; the table equals the API.
    const before = await expectCoverageAsApi();
    const am01 = before.managers.find((m) => m.staffId === 'AM01');
    expect(am01).toMatchObject({ friends: 3, matched: 2, unmatched: 1, addedThisWeek: 3 });
    expect(before.managers.find((m) => m.staffId === 'AM02')).toMatchObject({ friends: 2, matched: 2 });
    await page.getByTestId('wecom-coverage-chart').locator('canvas').first().waitFor();
    expect(await page.getByTestId('wecom-setup').count()).toBe(0);

    // Unmatched friends: just the one, masked; a refused link shows the server's message and changes nothing.
    await page.getByTestId('wecom-tab-unmatched').click();
    await expect.poll(() => rawValue(page, 'wecom-unmatched-total')).toBe('1');
    expect(await page.getByTestId('wecom-unmatched').textContent()).not.toContain('王小01');
    d.expectBadRequests.push('/v1/wecom/friends/link');
    await page.getByTestId(`wecom-link-${UNMATCHED}`).click();
    await page.getByTestId('wecom-link-customer').fill('C999999');
    await page.getByTestId('wecom-link-ok').click();
    await page.getByTestId('wecom-link-refused').waitFor();
    expect((await page.getByTestId('wecom-link-refused').textContent())?.trim()).not.toBe('');

    // Linked to a customer of AM01: the list empties, the API has it matched to that customer.
    const customerNo = (
      await apiJson<{ items: { customerNo: string }[] }>(
        page,
        'GET',
        `/v1/customers?managerId=AM01&limit=500`,
      )
    ).body.items
      .map((c) => c.customerNo)
      .find((no) => no === `C${String(LINK_TO).padStart(6, '0')}`);
    expect(customerNo).toBeDefined();
    await page.getByTestId('wecom-link-customer').fill(customerNo!);
    await page.getByTestId('wecom-link-ok').click();
    await expect.poll(() => rawValue(page, 'wecom-unmatched-total')).toBe('0');
    const matched = (await apiJson<Friends>(page, 'GET', '/v1/wecom/friends?staffId=AM01&matched=true')).body;
    expect(matched.items.find((f) => f.externalUserid === UNMATCHED)?.customerNo).toBe(customerNo);

    // Back on coverage, in Chinese: AM01 now fully matched, the table still equals the API.
    await page.getByTestId(`lang-zh-CN`).click();
    await page.getByTestId('wecom-tab-coverage').click();
    const after = await expectCoverageAsApi();
    expect(after.managers.find((m) => m.staffId === 'AM01')).toMatchObject({
      friends: 3,
      matched: 3,
      unmatched: 0,
    });
    const text = (await page.getByTestId('wecom').textContent()) ?? '';
    expect(text).toContain('好友覆盖');
    expect(text).toContain('未匹配');
    expect(text).not.toMatch(/wecom\.[a-z]/);
    expect(d.consoleErrors).toEqual([]);
  }, 180_000);
});
