// Issue #14's Done-when, the activity half, in a real browser against the real server and worker on a trial
// installation (test clock on): an administrator creates a wealth salon from the form (times in the bank's zone, a
// featured product with its role, a host, a chamber of commerce with a member linked to a customer), edits it, captures
// a lead, invites a saved customer group with approved content and a control group; the worker sends the invitations;
// an invitee answers on their own page (the link in their SMS) and is shown their check-in QR; the clock moves to the
// salon's day and the invitee's code is scanned at the door; an attendance sheet is refused whole with its located
// problem, then taken (a walk-in); the activity is finished, follow-up tasks created, the results read, and the OGSM plan
// written, measured and reviewed on the activity's page — the dashboard alone.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContent, reviewContent } from '../../src/campaigns/content/library.ts';
import { saveContactPolicy } from '../../src/campaigns/policy/store.ts';
import { fixedClock } from '../../src/shared/clock.ts';
import { addChannel } from '../support/campaign-fixture.ts';
import { OPEN_POLICY } from '../support/journey-fixture.ts';
import { apiJson, choose, HAVE_CHROMIUM, signIn, startDashboard, type Dashboard } from './harness.ts';
import { planAndReviewOgsm } from './ogsm-steps.ts';

const ADMIN = { username: 'admin', role: 'admin' as const, password: 'activity-admin-1' };
/** The account manager on the salon's staff (its host): works its door, reads no bank-wide figures. */
const HOST = {
  username: 'li.host',
  role: 'account_manager' as const,
  password: 'activity-host-1',
  staffId: 'AM1',
};
const PUBLIC_URL = 'https://bank.example/fw';

interface Activity {
  id: number;
  startsAt: string;
  endsAt: string;
  capacity: number;
  status: string;
  products: { productId: string; role: string }[];
  staff: { staffId: string; role: string }[];
  partnerMembers: { memberNo: number; customerNo: string | null }[];
}
interface Invitees {
  total: number;
  items: { customerNo: string; source: string; control: boolean; checkedInAt: string | null }[];
}

/** The bank's wall clock ('YYYY-MM-DDTHH:mm') of an instant, as the form's datetime-local field takes it. */
function wall(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).formatToParts(ms);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}T${part('hour')}:${part('minute')}`;
}

describe.skipIf(!HAVE_CHROMIUM)('an offline activity in the dashboard', () => {
  let d: Dashboard;

  beforeAll(async () => {
    d = await startDashboard({
      customers: 120,
      seed: 41,
      users: [ADMIN, HOST],
      testClock: true,
      worker: true,
      env: { FLYWHEEL_LINK_SECRET: 'activities-browser-secret', FLYWHEEL_PUBLIC_URL: PUBLIC_URL },
      prepare: async (stores) => {
        const db = stores.operational.db;
        const now = new Date();
        await db
          .insertInto('staff')
          .values({ id: 'AM1', name: '李经理', org_unit_id: 'BR01', role: 'account_manager' })
          .execute();
        // Everyone may be sent marketing by SMS, at any hour; one approved invitation text.
        await sql`
          insert into consents (customer_id, channel, purpose, status, source, updated_at)
          select id, 'sms', 'marketing', 'granted', 'import', ${now}::timestamptz
            from generate_series(1, 120) as id
          on conflict do nothing`.execute(db);
        const clock = fixedClock(now);
        await saveContactPolicy({ db, clock }, 'test', OPEN_POLICY);
        await addChannel(db, clock, { key: 'bank_sms', kind: 'outbox' });
        const created = await createContent({ db, clock }, 'user:author', {
          type: 'brand',
          title: 'Salon invitation',
          variants: { sms: { text: '诚邀您参加{{ activity.name }}：{{ activity.rsvp_url }}' } },
        });
        if (!created.ok) throw new Error(created.error.message);
        await reviewContent({ db, clock }, 'user:author', created.value.contentId, 1, { action: 'submit' });
        await reviewContent({ db, clock }, 'user:checker', created.value.contentId, 1, { action: 'approve' });
      },
    });
    // A refused sheet is a 400 on purpose.
    d.expectBadRequests.push('/attendance');
    await signIn(d.page, d.base, ADMIN.username, ADMIN.password);
    const segment = await apiJson(d.page, 'POST', '/v1/segments', {
      id: 'salon_guests',
      name: 'Salon guests',
      rule: { sample: { percent: 20, seed: 'salon' } },
    });
    expect(segment.status, JSON.stringify(segment.body)).toBe(201);
  }, 300_000);
  afterAll(async () => d?.close());

  it('runs a salon from invitation to follow-up and reviews its OGSM plan', async () => {
    const page = d.page;
    const clock = (await apiJson<{ now: string; timeZone: string }>(page, 'GET', '/v1/test-clock')).body;
    // The salon is tomorrow, starting half an hour before this time of day: one day on the clock puts the door open.
    const startsMs = Date.parse(clock.now) + 86_400_000 - 30 * 60_000;
    const starts = wall(startsMs, clock.timeZone);
    const ends = wall(startsMs + 2 * 3_600_000, clock.timeZone);

    await page.getByTestId('nav-activities').click();
    await page.getByTestId('activity-list').waitFor();
    await page.getByTestId('activity-new').click();
    await page.getByTestId('activity-name').fill('财富沙龙');
    await page.getByTestId('activity-venue').fill('城东支行三楼');
    await page.getByTestId('activity-starts').fill(starts);
    await page.getByTestId('activity-ends').fill(ends);
    await page.getByTestId('activity-capacity').fill('30');
    await page.getByTestId('activity-add-product').click();
    await choose(page, page.getByTestId('activity-product-0'), 'TD01');
    await choose(page, page.getByTestId('activity-product-role-0'), /Traffic|引流款/);
    await page.getByTestId('activity-add-staff').click();
    await choose(page, page.getByTestId('activity-staff-0'), 'AM1');
    await page.getByTestId('activity-staff-role-0').fill('host');
    await page.getByTestId('partner-name').fill('城东商会');
    await page.getByTestId('partner-kind').fill('chamber_of_commerce');
    await page.getByTestId('partner-add-member').click();
    await page.getByTestId('partner-member-name-0').fill('赵会员');
    await page.getByTestId('partner-member-customer-0').fill('C000005');
    await page.getByTestId('activity-create').click();
    await page.getByTestId('activity-detail').waitFor();
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    const activity = (await apiJson<Activity>(page, 'GET', `/v1/activities/${id}`)).body;
    expect(activity).toMatchObject({
      status: 'draft',
      products: [{ productId: 'TD01', role: 'traffic' }],
      staff: [{ staffId: 'AM1', role: 'host' }],
      partnerMembers: [{ memberNo: 1, customerNo: 'C000005' }],
    });
    // The times typed are the bank's wall clock, whatever the browser's zone.
    expect(Math.floor(Date.parse(activity.startsAt) / 60_000)).toBe(Math.floor(startsMs / 60_000));
    await expect
      .poll(() => page.getByTestId('activity-facts').innerText())
      .toContain(starts.replace('T', ' '));

    // An edit: more room; the member saved before is kept as it was (linked to its customer).
    await page.getByTestId('activity-edit').click();
    await page.getByTestId('activity-form').waitFor();
    await page.getByTestId('activity-capacity').fill('40');
    await page.getByTestId('activity-create').click();
    await page.getByTestId('activity-detail').waitFor();
    await expect
      .poll(async () => (await apiJson<Activity>(page, 'GET', `/v1/activities/${id}`)).body.capacity)
      .toBe(40);
    expect((await apiJson<Activity>(page, 'GET', `/v1/activities/${id}`)).body.partnerMembers).toEqual([
      expect.objectContaining({ customerNo: 'C000005' }),
    ]);

    // A lead captured on site: a new prospect, owned by the host (an active account manager).
    await page.getByTestId('lead-name').fill('王小明');
    await page.getByTestId('lead-phone').fill('13900001111');
    await choose(page, page.getByTestId('lead-captured-by'), 'AM1');
    await page.getByTestId('lead-submit').click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('AM1');
    // The table shows the masked name, never the raw one.
    await expect.poll(() => page.getByTestId('activity-invitees').innerText()).toMatch(/L\d{9}/);
    expect(await page.getByTestId('activity-invitees').innerText()).not.toContain('王小明');

    // Invitations: the saved group, the approved content, SMS, 20% held out as control.
    await page.getByTestId('activity-invite').click();
    await choose(page, page.getByTestId('audience-segment'), 'Salon guests');
    await choose(page, page.getByTestId('invite-content'), 'Salon invitation');
    await choose(page, page.getByTestId('invite-channels'), /bank_sms|SMS|短信/);
    await page.getByTestId('invite-control').fill('20');
    await page.locator('.ant-modal .ant-btn-primary').click();
    await expect
      .poll(async () => (await apiJson<Activity>(page, 'GET', `/v1/activities/${id}`)).body.status)
      .toBe('open');
    const invited = (await apiJson<Invitees>(page, 'GET', `/v1/activities/${id}/invitees?limit=200`)).body;
    const guests = invited.items.filter((i) => i.source === 'invited' && !i.control);
    expect(guests.length).toBeGreaterThan(1);
    expect(invited.items.some((i) => i.control)).toBe(true);

    // The worker sends the invitations; a guest's SMS carries their own RSVP link.
    const guestNo = guests[0]!.customerNo;
    const sms = async () =>
      (
        await sql<{ text: string }>`
          select o.body::text as text from outbox_messages o join customers c on c.id = o.customer_id
           where c.customer_no = ${guestNo}`.execute(d.stores.operational.db)
      ).rows[0]?.text ?? '';
    await expect.poll(sms, { timeout: 30_000 }).toContain(`${PUBLIC_URL}/a/`);
    const rsvpUrl = /https:\/\/bank\.example\/fw\/a\/[A-Za-z0-9_.~-]+/.exec(await sms())![0];

    // The guest opens the link on their phone and says yes: the page shows their check-in code.
    const phone = await page.context().newPage();
    await phone.goto(rsvpUrl.replace(PUBLIC_URL, d.base));
    expect(await phone.locator('h1').innerText()).toBe('财富沙龙');
    await phone.locator('button[value="yes"]').click();
    await phone.locator('#check-in-qr svg').waitFor();
    const codeUrl = await phone.locator('#check-in-link').getAttribute('href');
    expect(codeUrl).toMatch(new RegExp(`^${PUBLIC_URL}/a/`));
    await phone.close();
    await page.reload();
    await expect.poll(() => page.getByTestId('activity-count-registered').innerText()).toBe('1');

    // The salon's day: the clock moves on a day and the door opens; the guest's code is scanned once, then again.
    await page.getByTestId('test-clock-day').click();
    await expect
      .poll(async () => (await apiJson<{ now: string }>(page, 'GET', '/v1/test-clock')).body.now)
      .not.toBe(clock.now);
    await page.getByTestId('check-in-code').fill(codeUrl!);
    await page.getByTestId('check-in-code').press('Enter');
    await expect.poll(() => page.getByTestId('check-in-done').innerText()).toContain(guestNo);
    await expect.poll(() => page.getByTestId('check-in-done').innerText()).toMatch(/已签到|Checked in/);
    await page.getByTestId('check-in-code').fill(codeUrl!);
    await page.getByTestId('check-in-submit').click();
    await expect.poll(() => page.getByTestId('check-in-done').innerText()).toMatch(/此前已签到|Already/);

    // The host finds the salon on their workbench and opens it as the door: check-in and leads, no invitee list.
    const host = await d.browser
      .newContext({ baseURL: d.base, locale: 'zh-CN', viewport: { width: 1280, height: 900 } })
      .then((c) => c.newPage());
    await signIn(host, d.base, HOST.username, HOST.password);
    await host.goto(`${d.base}/pool`);
    await host.getByTestId(`my-activity-${id}`).click();
    await host.getByTestId('activity-door').waitFor();
    expect(await host.getByTestId('activity-facts').innerText()).toContain('城东支行三楼');
    expect(await host.getByTestId('check-in-code').count()).toBe(1);
    expect(await host.getByTestId('activity-invitees').count()).toBe(0);
    // the Activities area lists the activities they work
    await host.getByTestId('nav-activities').click();
    await host.getByTestId(`activity-row-${id}`).waitFor();
    await host.context().close();

    // An attendance sheet with an unknown customer: refused whole, its problem located.
    const onList = new Set(invited.items.map((i) => i.customerNo));
    const walkIn = Array.from({ length: 120 }, (_, i) => `C${String(i + 1).padStart(6, '0')}`).find(
      (no) => !onList.has(no),
    )!;
    const at = new Date(startsMs + 40 * 60_000).toISOString();
    await page.getByTestId('attendance-file').setInputFiles({
      name: 'bad.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`customer_no,checked_in_at\nC999999,${at}\n`),
    });
    await page.getByTestId('attendance-submit').click();
    await expect.poll(() => page.getByTestId('attendance-problems').innerText()).toContain('/rows/1/');
    // A good one: a known customer not on the activity is a walk-in.
    await page.getByTestId('attendance-file').setInputFiles({
      name: 'good.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`customer_no,checked_in_at\n${walkIn},${at}\n`),
    });
    await page.getByTestId('attendance-submit').click();
    await expect.poll(() => page.getByTestId('activity-count-walkIns').innerText()).toBe('1');
    await expect.poll(() => page.getByTestId('activity-count-leads').innerText()).toBe('1');
    await expect.poll(() => page.getByTestId('activity-count-checkedIn').innerText()).toBe('3');

    // Finished, then follow-up tasks for the owners of attendees and leads.
    await page.getByTestId('activity-finish').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await page.getByTestId('activity-follow-ups').waitFor();
    expect((await apiJson<Activity>(page, 'GET', `/v1/activities/${id}`)).body.status).toBe('finished');
    await page.getByTestId('activity-follow-ups').click();
    await page.locator('.ant-modal .ant-btn-primary').click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toMatch(/task|任务/);
    const tasks = await d.stores.operational.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('source', '=', 'activity')
      .executeTakeFirstOrThrow();
    expect(Number(tasks.n)).toBeGreaterThan(0);

    // The OGSM plan on the activity: written, its goal measured, the strategy scored and the lesson kept.
    await planAndReviewOgsm(page, {
      objective: '以沙龙带动理财首购',
      target: 5,
      strategy: '邀约金卡以上客户，现场由客户经理一对一讲解',
      note: '到场率高于预期',
      lesson: '商会成员到场积极，下次提前一周二次邀约',
    });
    // The bank-wide list shows the activity's attainment.
    await page.goto(`${d.base}/campaigns/ogsm`);
    await page.getByTestId(`ogsm-row-activity-${id}`).waitFor();
    expect(d.consoleErrors).toEqual([]);
  }, 240_000);
});
