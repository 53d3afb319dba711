import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clockOf } from '../../src/shared/clock.ts';
import { SALON } from '../support/activity-fixture.ts';
import { accountsClient } from '../support/accounts-client.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { JOURNEY_CHANNEL, seedJourneyBank } from '../support/journey-fixture.ts';

// An offline activity over real HTTP on one bank (PGlite, chDB): created, invited through the campaign path with a
// control group, an invitee answering on their own page (/a/<token>, a form post) and over JSON, checked in at the
// door by the code the QR carries, an attendance sheet refused whole with located problems then taken, a lead, the
// activity finished, follow-up tasks once, and results. Bad tokens are 400 pages, never 5xx. The door is worked by
// the activity's own staff: an account manager signed in as the host (AM1, on its staff) checks guests in and takes a
// lead without campaigns.write, audited as themselves; one not on its staff, or an account manager's API key, gets 403.

const SECRET = 'activities-http-test-secret';
const PUBLIC_URL = 'https://bank.example/fw';
const N = 30;

describe('activities over HTTP', () => {
  let t: TestApp;
  let now = new Date('2026-12-07T02:00:00Z'); // Monday 10:00 in Shanghai
  const clock = clockOf(() => now, 'Asia/Shanghai');
  let key = '';
  let managerKey = '';
  let contentId = 0;
  /** Session cookies: the host (account manager AM1, on the salon's staff) and AM2, an account manager who is not. */
  const door = { host: '', stranger: '' };
  /** Signs the door's users in (on the day: sessions last hours). */
  const signInAtTheDoor = async () => {
    const c = accountsClient(t.app);
    for (const who of ['host', 'stranger'] as const)
      door[who] = (await c.login(who, PASSWORD, '10.0.0.1')).cookie!;
  };
  const PASSWORD = 'activities-test-pw';

  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown, as = key) => {
    const res = await t.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${as}` },
      ...(body === undefined ? {} : { payload: body as object }),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by the assertions
    return { status: res.statusCode, body: res.json() as any };
  };

  beforeAll(async () => {
    t = await createTestApp({
      clock,
      env: { FLYWHEEL_LINK_SECRET: SECRET, FLYWHEEL_PUBLIC_URL: PUBLIC_URL },
    });
    ({ contentId } = await seedJourneyBank(t.stores.operational.db, clock, N, '2027-03-01'));
    key = (await t.auth.createApiKey({ name: 'analyst', role: 'analyst' }, 'test')).key;
    managerKey = (await t.auth.createApiKey({ name: 'am', role: 'account_manager' }, 'test')).key;
    await t.stores.operational.db
      .insertInto('staff')
      .values({ id: 'AM2', name: '赵经理', org_unit_id: 'HO', role: 'account_manager' })
      .execute();
    for (const [who, staffId] of [
      ['host', 'AM1'],
      ['stranger', 'AM2'],
    ] as const) {
      const made = await t.auth.createUser(
        { username: who, role: 'account_manager', staffId, password: PASSWORD },
        'test',
      );
      if (!made.ok) throw new Error(made.error.message);
    }
  }, 60_000);
  /** A call with a session cookie (a signed-in user), as the dashboard makes it. */
  const signedIn = async (cookie: string, url: string, payload: object) => {
    const res = await t.app.inject({ method: 'POST', url, cookies: { fw_session: cookie }, payload });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by the assertions
    return { status: res.statusCode, body: res.json() as any };
  };
  afterAll(async () => t?.close());

  const body = SALON;

  it('runs an activity from creation to results', async () => {
    // Located refusals; an account manager may not create.
    const bad = await call('POST', '/v1/activities', {
      ...body,
      products: [{ productId: 'NOPE', role: 'traffic' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toContainEqual(expect.objectContaining({ path: '/products/0/productId' }));
    expect((await call('POST', '/v1/activities', body, managerKey)).status).toBe(403);
    const created = await call('POST', '/v1/activities', body);
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    expect((await call('PUT', `/v1/activities/${id}`, { ...body, capacity: 12 })).body).toEqual({ id });
    const detail = await call('GET', `/v1/activities/${id}`);
    expect(detail.body).toMatchObject({ name: '财富沙龙', capacity: 12, status: 'draft' });

    // Invitation through the campaign path: every customer, 20% held out.
    const invited = await call('POST', `/v1/activities/${id}/invitations`, {
      population: { rule: { sample: { percent: 100, seed: 'everyone' } } },
      controlPercent: 20,
      content: { id: contentId, version: 1 },
      channels: [JOURNEY_CHANNEL],
    });
    expect(invited.status, JSON.stringify(invited.body)).toBe(200);
    expect(invited.body.invitees).toBe(N);
    expect(invited.body.control).toBeGreaterThan(0);
    expect(invited.body.queued).toBeGreaterThan(0);
    const page = await call('GET', `/v1/activities/${id}/invitees?limit=100`);
    expect(page.body.total).toBe(N);
    // Names masked as elsewhere: never the raw name.
    const treated = (page.body.items as { customerNo: string; name: string; control: boolean }[]).filter(
      (i) => !i.control,
    );
    for (const i of page.body.items) expect(i.name).toContain('*');
    expect(treated.length).toBeGreaterThanOrEqual(3);
    const [first, second, third] = [treated[0]!, treated[1]!, treated[2]!];
    const list = await call('GET', '/v1/activities');
    expect(list.body.items).toEqual([
      expect.objectContaining({ id, status: 'open', invited: N - invited.body.control }),
    ]);

    // RSVP on the invitee's page: the RSVP token as the composer signs it.
    const { inviteeToken } = await import('../../src/campaigns/feedback/invitee-links.ts');
    const customerId = (no: string) => Number(no.slice(1));
    const rsvpToken = inviteeToken(SECRET, 'rsvp', id, customerId(first.customerNo));
    const shown = await t.app.inject({ url: `/a/${rsvpToken}`, headers: { accept: 'text/html' } });
    expect(shown.statusCode).toBe(200);
    expect(shown.headers['content-type']).toMatch(/text\/html/);
    expect(shown.body).toContain('财富沙龙');
    expect(shown.body).toContain('城东支行三楼');
    expect(shown.body).toContain('value="yes"');
    expect(shown.body).not.toContain('check-in-qr'); // no code before registering
    const english = await t.app.inject({
      url: `/a/${rsvpToken}`,
      headers: { accept: 'text/html', 'accept-language': 'en-GB,en' },
    });
    expect(english.body).toContain('Yes, I will come');
    const answered = await t.app.inject({
      method: 'POST',
      url: `/a/${rsvpToken}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: 'answer=yes',
    });
    expect(answered.statusCode).toBe(200);
    expect(answered.body).toContain('已报名');
    // Registered: the page carries the invitee's check-in code, its QR and the link it encodes.
    const codeLink = /id="check-in-link" href="([^"]+)"/.exec(answered.body)?.[1];
    expect(codeLink).toMatch(new RegExp(`^${PUBLIC_URL}/a/`));
    expect(answered.body).toMatch(/<div id="check-in-qr"[^>]*><svg[\s\S]*<\/svg>/);
    const again = await t.app.inject({ method: 'POST', url: `/a/${rsvpToken}`, payload: { answer: 'no' } });
    expect(again.json()).toEqual({ rsvp: 'yes', registered: true, recorded: false });
    const badPage = await t.app.inject({ url: '/a/not-a-token', headers: { accept: 'text/html' } });
    expect(badPage.statusCode).toBe(400);
    expect(badPage.body).toContain('链接无效');
    const badJson = await t.app.inject({ method: 'POST', url: '/a/not-a-token', payload: { answer: 'yes' } });
    expect(badJson.statusCode).toBe(400);
    expect(badJson.json().error.message).toBe('this link is not valid');

    // Check-in at the door, with the code the QR carries, inside the window only.
    const code = await call('GET', `/v1/activities/${id}/invitees/${first.customerNo}/check-in-code`);
    expect(code.status).toBe(200);
    expect(code.body.url).toMatch(new RegExp(`^${PUBLIC_URL}/a/`));
    expect(code.body.svg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(code.body.url).toBe(codeLink); // the code the invitee was shown
    const early = await call('POST', `/v1/activities/${id}/check-in`, { token: code.body.url });
    expect(early.status).toBe(400);
    expect(early.body.error.details).toEqual([expect.objectContaining({ path: '/token' })]);
    now = new Date('2026-12-12T06:30:00Z'); // 14:30 in Shanghai
    // Only campaigns.write holders or the activity's own staff work the door.
    await signInAtTheDoor();
    const checkInUrl = `/v1/activities/${id}/check-in`;
    expect((await call('POST', checkInUrl, { token: code.body.url }, managerKey)).status).toBe(403);
    const stranger = await signedIn(door.stranger, checkInUrl, { token: code.body.url });
    expect(stranger.status).toBe(403);
    expect(stranger.body.error.code).toBe('forbidden');
    const checked = await signedIn(door.host, checkInUrl, { token: code.body.url });
    expect(checked.status, JSON.stringify(checked.body)).toBe(200);
    expect(checked.body).toMatchObject({ customerNo: first.customerNo, recorded: true });
    // The host's staff id names this activity only: another activity's door stays shut to them.
    const elsewhere = await call('POST', '/v1/activities', {
      ...body,
      staff: [{ staffId: 'AM2', role: 'host' }],
    });
    const otherDoor = `/v1/activities/${elsewhere.body.id}/check-in`;
    expect((await signedIn(door.host, otherDoor, { token: code.body.url })).status).toBe(403);
    // Each host reads the activities they work — the door's view — and no other.
    const read = async (cookie: string, url: string) => {
      const res = await t.app.inject({ url, cookies: { fw_session: cookie } });
      return { status: res.statusCode, body: res.json() as { items?: { id: number }[]; door?: boolean } };
    };
    expect((await read(door.host, '/v1/activities')).body.items?.map((a) => a.id)).toEqual([id]);
    expect((await read(door.stranger, '/v1/activities')).body.items?.map((a) => a.id)).toEqual([
      elsewhere.body.id,
    ]);
    expect((await read(door.host, `/v1/activities/${id}`)).body.door).toBe(true);
    expect((await read(door.host, `/v1/activities/${elsewhere.body.id}`)).status).toBe(403);
    expect((await call('GET', `/v1/activities/${id}`)).body.door).toBe(false);
    const checkInPage = await t.app.inject({
      url: `/a/${code.body.token}`,
      headers: { accept: 'text/html' },
    });
    expect(checkInPage.body).toContain('您已签到');

    // An attendance sheet with problems: refused whole, located, nothing written.
    const badSheet = [
      'customer_no,checked_in_at',
      `${second.customerNo},2026-12-12 14:10`,
      'K9999999,2026-12-12 14:20',
      `${third.customerNo},2026-12-13 09:00`,
    ].join('\n');
    const refused = await call('POST', `/v1/activities/${id}/attendance`, { csv: badSheet });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('validation_failed');
    const paths = (refused.body.error.details as { path: string }[]).map((d) => d.path);
    expect(paths).toEqual(expect.arrayContaining(['/rows/2/customer_no', '/rows/3/checked_in_at']));
    const afterBad = await call('GET', `/v1/activities/${id}/invitees?limit=100`);
    expect(afterBad.body.items.filter((i: { checkedInAt: string | null }) => i.checkedInAt)).toHaveLength(1);
    const goodSheet = ['customer_no,checked_in_at', `${second.customerNo},2026-12-12 14:10`].join('\n');
    const taken = await call('POST', `/v1/activities/${id}/attendance`, { csv: goodSheet });
    expect(taken.body).toEqual({ rows: 1, checkedIn: 1, walkIns: 0 });

    // A lead captured on site by the activity's staff, signed in as themselves; not by someone off its staff.
    const leadBody = { name: '孙先生', phone: '139 0000 1234', capturedBy: 'AM1', consent: { sms: true } };
    expect((await signedIn(door.stranger, `/v1/activities/${id}/leads`, leadBody)).status).toBe(403);
    expect((await call('POST', `/v1/activities/${id}/leads`, leadBody, managerKey)).status).toBe(403);
    const lead = await signedIn(door.host, `/v1/activities/${id}/leads`, leadBody);
    expect(lead.status).toBe(200);
    expect(lead.body).toMatchObject({ created: true, owner: 'AM1' });
    const audited = await t.stores.operational.db
      .selectFrom('audit_log')
      .select(['action', 'actor'])
      .where('action', 'in', ['activity.check_in', 'activity.lead'])
      .orderBy('id')
      .execute();
    expect(audited).toEqual([
      { action: 'activity.check_in', actor: 'user:host' },
      { action: 'activity.lead', actor: 'user:host' },
    ]);

    // Finish, follow-ups once, results.
    now = new Date('2026-12-13T02:00:00Z');
    expect((await call('POST', `/v1/activities/${id}/finish`)).body).toEqual({ status: 'finished' });
    const followUps = await call('POST', `/v1/activities/${id}/follow-ups`, { who: ['attendees', 'leads'] });
    expect(followUps.body).toMatchObject({ eligible: 3, created: 3 });
    const rerun = await call('POST', `/v1/activities/${id}/follow-ups`, {});
    expect(rerun.body).toMatchObject({ created: 0, already: 3 });
    const results = await call('GET', `/v1/activities/${id}/results?windowDays=14`);
    expect(results.status).toBe(200);
    expect(results.body.counts).toMatchObject({
      invited: N - invited.body.control,
      control: invited.body.control,
      rsvpYes: 1,
      registered: 1,
      checkedIn: 3,
      leads: 1,
      newCustomers: 1,
      tasks: 3,
    });
    // Attendees are the invitees who came; the lead is its own group.
    expect(results.body.groups.attendees.customers).toBe(2);
    expect(results.body.groups.leads.customers).toBe(1);
    expect((await call('GET', `/v1/activities/${id}/results`, undefined, managerKey)).status).toBe(403);
  }, 30_000);
});
