// The WeCom area in a real browser against the real server, connected to the WeCom simulator: friendships of two
// managers seeded through the full-sync step (applyFriendList with literal WeCom answers), the coverage table equal to
// GET /v1/wecom/coverage, and the one unmatched friend linked to a customer through the UI (a refusal shown as the
// server words it first), in both languages. Then issue #13's "Done when": a tag published to WeCom from the tags
// tab (WeCom holds its group after) and synced; a campaign's WeCom group messages waiting for the managers'
// confirmation in the group-messages tab, one confirmed in WeCom and shown sent.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/shared/clock.ts';
import type { Stores } from '../../src/store/stores.ts';
import { applyFriendList, type ListedContact } from '../../src/wecom/friend-list.ts';
import { mobileSha256 } from '../../src/wecom/matching.ts';
import { sql } from 'kysely';
import { createContent, reviewContent } from '../../src/campaigns/content/library.ts';
import { Composer } from '../../src/campaigns/delivery/composer.ts';
import { deliverBatch } from '../../src/campaigns/delivery/worker.ts';
import { DEFAULT_CONTACT_POLICY } from '../../src/campaigns/policy/settings.ts';
import { settleWecomGroupMessages } from '../../src/wecom/group-message-results.ts';
import { wecomGroupChannel } from '../../src/wecom/group-messages.ts';
import type { WecomApi } from '../../src/wecom/port.ts';
import type { RunningSimulator } from '../../src/wecom/simulator/server.ts';
import type { WorldSeed } from '../../src/wecom/simulator/world.ts';
import { addChannel, queueCampaignRun } from '../support/campaign-fixture.ts';
import { CORP_ID, SECRET, simulatorAndClient } from '../support/wecom-sim.ts';
import {
  apiJson,
  choose,
  dialogSettled,
  HAVE_CHROMIUM,
  rawValue,
  signIn,
  startDashboard,
  type Dashboard,
} from './harness.ts';
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

/** The same enterprise as WeCom sees it: the two managers and their friends. */
const externalOf = (staffId: string, id: number) => `wm${staffId}C${String(id).padStart(4, '0')}`;
const WORLD: WorldSeed = {
  staff: [
    { userid: 'AM01', name: '王芳' },
    { userid: 'AM02', name: '李强' },
  ],
  customers: [
    ...Object.entries(FRIENDS).flatMap(([staffId, ids]) =>
      ids.map((id) => ({ external_userid: externalOf(staffId, id), name: `王小${id}` })),
    ),
    { external_userid: UNMATCHED, name: '王小无' },
  ],
  friendships: [
    ...Object.entries(FRIENDS).flatMap(([staffId, ids]) =>
      ids.map((id) => ({
        userid: staffId,
        external_userid: externalOf(staffId, id),
        createtime: 1_700_000_000,
      })),
    ),
    { userid: 'AM01', external_userid: UNMATCHED, createtime: 1_700_000_000 },
  ],
};

let d: Dashboard;
let page: Page;
let sim: RunningSimulator;
let api: WecomApi;

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  ({ sim, client: api } = await simulatorAndClient(WORLD));
  d = await startDashboard({
    customers: CUSTOMERS,
    seed: 20261313,
    users: [ADMIN],
    locale: 'en-US',
    env: { FLYWHEEL_WECOM_CORP_ID: CORP_ID, FLYWHEEL_WECOM_SECRET: SECRET, FLYWHEEL_WECOM_BASE_URL: sim.url },
    prepare: async (stores) => {
      await seedPool(stores, CUSTOMERS);
      await seedFriends(stores);
    },
  });
  page = d.page;
}, 120_000);

afterAll(async () => {
  await d?.close();
  await sim?.close();
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
    // A click on a dialog still zooming in can miss its button (seen on a loaded host): let it open first.
    await dialogSettled(page.getByTestId('wecom-link-customer'));
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

  it("publishes a tag to WeCom and shows a campaign's group messages waiting for, then given, confirmation", async () => {
    const db = d.stores.operational.db;
    const clock = systemClock('Asia/Shanghai');
    await page.getByTestId('lang-en-US').click();
    await page.getByTestId('nav-wecom').click();

    // Tags: gender published from the tags tab; WeCom holds its group with one tag per value; a sync pass runs.
    await page.getByTestId('wecom-tab-tags').click();
    await choose(page, page.getByTestId('wecom-tags-choose'), 'Gender');
    await page.getByTestId('wecom-tags-publish').click();
    await page.getByTestId('wecom-tag-gender').waitFor();
    const groups = [...sim.world.tagGroups.values()].filter((g) => g.group_name === '性别');
    expect(groups).toHaveLength(1);
    expect(groups[0]!.tags.size).toBeGreaterThan(1);
    await page.getByTestId('wecom-tags-sync').click();
    await expect
      .poll(() => page.getByTestId('wecom-tags-last-sync').textContent(), { timeout: 30_000 })
      .not.toMatch(/Running|never/i);

    // A campaign on the WeCom channel (approved content, run prepared as the worker's scheduler would), sent by the
    // worker's functions in-process: one group message per manager, both waiting for confirmation.
    await addChannel(db, clock, { key: 'wecom', kind: 'wecom_group', reaches: 'wecom', variant: 'wecom' });
    await sql`insert into consents (customer_id, channel, status, source, updated_at)
              select id, 'wecom', 'granted', 'import', now() from customers where id in (1, 4, 5, 8)
              on conflict do nothing`.execute(db);
    const created = await createContent({ db, clock }, 'user:author', {
      type: 'brand',
      title: 'WeCom greeting',
      variants: {
        wecom: { text: '您好，本周理财讲座欢迎参加，详情请回复。' },
      },
    });
    if (!created.ok) throw new Error(created.error.message);
    await reviewContent({ db, clock }, 'user:author', created.value.contentId, 1, { action: 'submit' });
    await reviewContent({ db, clock }, 'user:checker', created.value.contentId, 1, { action: 'approve' });
    const { runId, queued } = await queueCampaignRun(db, clock, created.value.contentId, 'wecom', {
      reaches: 'wecom',
      name: 'WeCom greeting',
      policy: { ...DEFAULT_CONTACT_POLICY, globalHoldoutPercent: 0, quietHours: null },
    });
    expect(queued).toBe(4);
    const worker = {
      db,
      clock,
      workerId: 'browser-test',
      senders: new Map([['wecom', wecomGroupChannel({ db, clock, api, channel: 'wecom' })]]),
      composer: new Composer(
        db,
        new Map([['wecom', { key: 'wecom', reaches: 'wecom' as const, variant: 'wecom' as const }]]),
        'Demo Bank',
      ),
    };
    expect(await deliverBatch(worker, new AbortController().signal)).toMatchObject({
      claimed: 4,
      retried: 4,
    });

    await page.getByTestId('wecom-tab-messages').click();
    await expect.poll(() => rawValue(page, 'wecom-messages-awaiting')).toBe('2');
    const messages = await db.selectFrom('wecom_group_messages').select(['id', 'msgid', 'sender']).execute();
    const am01 = messages.find((m) => m.sender === 'AM01')!;
    await expect.poll(() => rawValue(page, `wecom-message-${am01.id}-state`)).toBe('awaiting_confirmation');
    expect(await rawValue(page, `wecom-message-${am01.id}-awaiting`)).toBe('2');

    // AM01 confirms in WeCom; the worker's read-back settles the deliveries; the page shows the message sent.
    const confirmed = await fetch(`${sim.url}/simulator/messages/confirm`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ msgid: am01.msgid }),
    });
    expect(confirmed.status).toBe(200);
    expect(await settleWecomGroupMessages({ db, clock, api }, { olderThanMs: 0 })).toMatchObject({ sent: 2 });
    await page.getByTestId('lang-zh-CN').click();
    await page.getByTestId('wecom-tab-coverage').click();
    await page.getByTestId('wecom-tab-messages').click();
    await expect.poll(() => rawValue(page, `wecom-message-${am01.id}-state`)).toBe('confirmed');
    expect(await rawValue(page, `wecom-message-${am01.id}-sent`)).toBe('2');
    expect(await rawValue(page, 'wecom-messages-awaiting')).toBe('1');
    const text = (await page.getByTestId('wecom').textContent()) ?? '';
    expect(text).toContain('等待确认');
    expect(text).toContain('已确认');
    expect(text).not.toMatch(/wecom\.[a-z]/);
    const sent = await db
      .selectFrom('deliveries')
      .select('status')
      .where('run_id', '=', String(runId))
      .where('status', '=', 'sent')
      .execute();
    expect(sent).toHaveLength(2);
    expect(d.consoleErrors).toEqual([]);
  }, 180_000);
});
