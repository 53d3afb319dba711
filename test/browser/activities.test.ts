// Issue #14 item 4 (the dashboard's side) in a real browser against the real server: an administrator creates an
// offline activity from the form (scene, venue, time, capacity, a featured product with its role, a host), captures a
// lead on site (a new prospect, owned by the host), opens that invitee's check-in QR code, invites a saved customer
// group with approved content and a control group, uploads an attendance sheet
// that is refused whole with its located problems and then one that is taken (a walk-in), sees the counts in the
// results card, finishes the activity and creates the follow-up tasks.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContent, reviewContent } from '../../src/campaigns/content/library.ts';
import { fixedClock } from '../../src/shared/clock.ts';
import { addChannel } from '../support/campaign-fixture.ts';
import { apiJson, choose, HAVE_CHROMIUM, signIn, startDashboard, type Dashboard } from './harness.ts';

const ADMIN = { username: 'admin', role: 'admin' as const, password: 'activity-admin-1' };

interface Activity {
  id: number;
  startsAt: string;
  status: string;
  products: { productId: string; role: string }[];
  staff: { staffId: string; role: string }[];
}
interface Invitees {
  total: number;
  items: { customerNo: string; name: string | null; source: string; checkedInAt: string | null }[];
}

describe.skipIf(!HAVE_CHROMIUM)('activities in the dashboard', () => {
  let d: Dashboard;

  beforeAll(async () => {
    d = await startDashboard({
      customers: 120,
      seed: 41,
      users: [ADMIN],
      env: {
        FLYWHEEL_LINK_SECRET: 'activities-browser-secret',
        FLYWHEEL_PUBLIC_URL: 'https://bank.example/fw',
      },
      prepare: async (stores) => {
        const db = stores.operational.db;
        const now = new Date();
        await db
          .insertInto('staff')
          .values({ id: 'AM1', name: '李经理', org_unit_id: 'BR01', role: 'account_manager' })
          .execute();
        // Everyone may be sent marketing by SMS; one approved invitation text.
        await sql`
          insert into consents (customer_id, channel, purpose, status, source, updated_at)
          select id, 'sms', 'marketing', 'granted', 'import', ${now}::timestamptz
            from generate_series(1, 120) as id
          on conflict do nothing`.execute(db);
        const clock = fixedClock(now);
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
    // A refused sheet is a 400 on purpose; the OGSM card answers 404 for an activity without a plan.
    d.expectBadRequests.push('/attendance', '/v1/ogsm/');
    await signIn(d.page, d.base, ADMIN.username, ADMIN.password);
    const segment = await apiJson(d.page, 'POST', '/v1/segments', {
      id: 'salon_guests',
      name: 'Salon guests',
      rule: { sample: { percent: 20, seed: 'salon' } },
    });
    expect(segment.status, JSON.stringify(segment.body)).toBe(201);
  }, 300_000);
  afterAll(async () => d?.close());

  it('runs an activity from the form to follow-ups', async () => {
    const page = d.page;
    await page.getByTestId('nav-activities').click();
    await page.getByTestId('activity-list').waitFor();
    await page.getByTestId('activity-new').click();

    await page.getByTestId('activity-name').fill('财富沙龙');
    await page.getByTestId('activity-venue').fill('城东支行三楼');
    await page.getByTestId('activity-starts').fill('2027-01-09T14:00');
    await page.getByTestId('activity-ends').fill('2027-01-09T16:00');
    await page.getByTestId('activity-capacity').fill('30');
    await page.getByTestId('activity-add-product').click();
    await choose(page, page.getByTestId('activity-product-0'), 'TD01');
    await choose(page, page.getByTestId('activity-product-role-0'), /Traffic|引流款/);
    await page.getByTestId('activity-add-staff').click();
    await choose(page, page.getByTestId('activity-staff-0'), 'AM1');
    await page.getByTestId('activity-staff-role-0').fill('host');
    await page.getByTestId('activity-create').click();
    await page.getByTestId('activity-detail').waitFor();
    const id = Number(new URL(page.url()).pathname.split('/').pop());
    const activity = (await apiJson<Activity>(page, 'GET', `/v1/activities/${id}`)).body;
    expect(activity).toMatchObject({
      status: 'draft',
      products: [{ productId: 'TD01', role: 'traffic' }],
      staff: [{ staffId: 'AM1', role: 'host' }],
    });
    await expect.poll(() => page.getByTestId('activity-facts').innerText()).toContain('城东支行三楼');

    // A lead captured on site: a new prospect, owned by the host (an active account manager).
    await page.getByTestId('lead-name').fill('王小明');
    await page.getByTestId('lead-phone').fill('13900001111');
    await choose(page, page.getByTestId('lead-captured-by'), 'AM1');
    await page.getByTestId('lead-submit').click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toContain('AM1');
    const invitees = (await apiJson<Invitees>(page, 'GET', `/v1/activities/${id}/invitees`)).body;
    expect(invitees.total).toBe(1);
    const lead = invitees.items[0]!;
    expect(lead.source).toBe('lead');
    // The table shows the masked name, never the raw one.
    await expect.poll(() => page.getByTestId('activity-invitees').innerText()).toContain(lead.customerNo);
    expect(await page.getByTestId('activity-invitees').innerText()).not.toContain('王小明');

    // The lead's check-in code: the server's SVG of the signed check-in URL.
    await page.getByTestId(`invitee-qr-${lead.customerNo}`).click();
    await page.getByTestId('checkin-qr-image').waitFor();
    expect(
      await page.getByTestId('checkin-qr-image').evaluate((img: HTMLImageElement) => img.naturalWidth),
    ).toBeGreaterThan(0);
    expect(await page.getByTestId('checkin-qr').innerText()).toContain('https://bank.example/fw/a/');
    await page.keyboard.press('Escape');

    // Invitations: the saved group, the approved content, SMS, 20% held out as control.
    await page.getByTestId('activity-invite').click();
    await choose(page, page.getByTestId('invite-segment'), 'Salon guests');
    await choose(page, page.getByTestId('invite-content'), 'Salon invitation');
    await choose(page, page.getByTestId('invite-channels'), /bank_sms|SMS|短信/);
    await page.getByTestId('invite-control').fill('20');
    await page.locator('.ant-modal .ant-btn-primary').click();
    await expect
      .poll(async () => (await apiJson<Activity>(page, 'GET', `/v1/activities/${id}`)).body.status)
      .toBe('open');
    const invited = (await apiJson<Invitees>(page, 'GET', `/v1/activities/${id}/invitees?limit=200`)).body;
    expect(invited.total).toBeGreaterThan(1);
    await expect.poll(() => page.getByTestId('activity-count-invited').innerText()).not.toBe('0');
    const onList = new Set(invited.items.map((i) => i.customerNo));
    const walkIn = Array.from({ length: 120 }, (_, i) => `C${String(i + 1).padStart(6, '0')}`).find(
      (no) => !onList.has(no),
    )!;

    // An attendance sheet with an unknown customer: refused whole, its problem located.
    const at = new Date(Date.parse(activity.startsAt) + 30 * 60_000).toISOString();
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
    await expect
      .poll(async () => (await apiJson<Invitees>(page, 'GET', `/v1/activities/${id}/invitees`)).body.total)
      .toBe(invited.total + 1);
    await expect.poll(() => page.getByTestId('activity-count-walkIns').innerText()).toBe('1');
    await expect.poll(() => page.getByTestId('activity-count-leads').innerText()).toBe('1');

    // Finished, then follow-up tasks for the owners.
    await page.getByTestId('activity-finish').click();
    await page.locator('.ant-popconfirm .ant-btn-primary').click();
    await page.getByTestId('activity-follow-ups').waitFor();
    expect((await apiJson<Activity>(page, 'GET', `/v1/activities/${id}`)).body.status).toBe('finished');
    await page.getByTestId('activity-follow-ups').click();
    await page.locator('.ant-modal .ant-btn-primary').click();
    await expect.poll(() => page.locator('.ant-message').innerText()).toMatch(/1 task|新建任务 1/);
    expect(d.consoleErrors).toEqual([]);
  }, 180_000);
});
