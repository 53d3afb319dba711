import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerRsvp, checkIn, checkInCode } from '../../src/activities/attend.ts';
import { importAttendance } from '../../src/activities/attendance.ts';
import { generateFollowUps } from '../../src/activities/follow-up.ts';
import { activityControlSeed, inviteToActivity, type InviteDeps } from '../../src/activities/invite.ts';
import { captureLead } from '../../src/activities/leads.ts';
import { activityResults } from '../../src/activities/results.ts';
import { createActivity, finishActivity, updateActivity } from '../../src/activities/service.ts';
import { outboxChannel } from '../../src/campaigns/channels/outbox.ts';
import { createContent, reviewContent } from '../../src/campaigns/content/library.ts';
import { Composer } from '../../src/campaigns/delivery/composer.ts';
import { deliverBatch } from '../../src/campaigns/delivery/worker.ts';
import { inviteeToken } from '../../src/campaigns/feedback/invitee-links.ts';
import { sampleTest } from '../../src/segments/sample.ts';
import { RoaringBitmap32 } from '../../src/shared/bitmap.ts';
import { clockOf } from '../../src/shared/clock.ts';
import { ok } from '../../src/shared/errors.ts';
import { openEventStore } from '../../src/store/events/open.ts';
import type { EventStore } from '../../src/store/events/store.ts';
import type { Database } from '../../src/store/operational/database.ts';
import { JOURNEY_CHANNEL, OPEN_POLICY, seedJourneyBank } from '../support/journey-fixture.ts';
import { engines } from '../support/stores.ts';

// An activity from invitation to results on real stores (PGlite and PostgreSQL for the operational store, chDB for
// the conversion events): invitations through the campaign engine's path with the invitee's RSVP link in the message,
// RSVPs within capacity, check-in inside the window, an attendance sheet refused whole with located problems and then
// taken, leads that become prospects (or find the customer they already are), follow-up tasks once, and conversion.

const LINKS = { secret: 'activity-test-secret', publicUrl: 'https://bank.example/fw' };
const INVITED = Array.from({ length: 20 }, (_, i) => i + 1);

for (const engine of await engines())
  describe(`an activity on ${engine.name}`, () => {
    let db: Kysely<Database>;
    let events: EventStore;
    let dispose: () => Promise<void>;
    let now = new Date('2026-12-07T02:00:00Z'); // Monday 10:00 in Shanghai
    const clock = clockOf(() => now);
    let deps: InviteDeps;
    let contentId: number;
    let activityId: number;
    const body = {
      name: '财富沙龙',
      scene: { mode: 'offline', frequency: 'low', aim: 'transaction' },
      venue: '城东支行三楼',
      startsAt: '2026-12-12T14:00:00+08:00',
      endsAt: '2026-12-12T16:00:00+08:00',
      capacity: 2,
      products: [{ productId: 'WM-90', role: 'profit' }],
      staff: [{ staffId: 'AM1', role: 'host' }],
      partner: {
        name: '城东商会',
        kind: 'chamber_of_commerce',
        members: [{ name: '赵会员', phone: '138 0000 0005' }, { name: '钱会员' }],
      },
    };

    beforeAll(async () => {
      const opened = await engine.open();
      db = opened.store.db;
      events = await openEventStore({ kind: 'chdb', dataDir: null });
      dispose = async () => {
        await events.close();
        await opened.dispose();
      };
      await seedJourneyBank(db, clock, 30, '2026-12-20');
      const created = await createContent({ db, clock }, 'user:author', {
        type: 'brand',
        title: 'Salon invitation',
        variants: {
          sms: {
            text: '{{ activity.name }} {{ activity.starts_at }} {{ activity.venue }} 报名：{{ activity.rsvp_url }}',
          },
        },
      });
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      contentId = created.value.contentId;
      await reviewContent({ db, clock }, 'user:author', contentId, 1, { action: 'submit' });
      await reviewContent({ db, clock }, 'user:checker', contentId, 1, { action: 'approve' });
      deps = {
        db,
        clock,
        policy: OPEN_POLICY,
        // The population as the segment service would resolve it: customers 1–20.
        audience: () => Promise.resolve(ok({ bitmap: new RoaringBitmap32(INVITED), asOf: '2026-12-06' })),
      };
    });
    afterAll(() => dispose());

    it('refuses a body naming what does not exist, each problem located', async () => {
      const bad = await createActivity(deps, 'user:ops', {
        ...body,
        products: [{ productId: 'NOPE', role: 'traffic' }],
        staff: [{ staffId: 'GHOST', role: 'host' }],
        endsAt: '2026-12-12T13:00:00+08:00',
      });
      expect(bad.ok).toBe(false);
      if (bad.ok) return;
      expect(bad.error.details).toEqual([expect.objectContaining({ path: '/endsAt' })]);
      const unknown = await createActivity(deps, 'user:ops', {
        ...body,
        products: [{ productId: 'NOPE', role: 'traffic' }],
        staff: [{ staffId: 'GHOST', role: 'host' }],
      });
      expect(!unknown.ok && unknown.error.details).toEqual([
        expect.objectContaining({ path: '/products/0/productId' }),
        expect.objectContaining({ path: '/staff/0/staffId' }),
      ]);
      expect(await db.selectFrom('activities').selectAll().execute()).toEqual([]);
    });

    it('creates an activity, its partner members linked to customers by phone, audited', async () => {
      const created = await createActivity(deps, 'user:ops', body);
      if (!created.ok) throw new Error(JSON.stringify(created.error));
      activityId = created.value.id;
      const members = await db
        .selectFrom('activity_partner_members')
        .select(['name', 'customer_id'])
        .orderBy('member_no')
        .execute();
      expect(members).toEqual([
        { name: '赵会员', customer_id: 5 },
        { name: '钱会员', customer_id: null },
      ]);
      const audit = await db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_type', '=', 'activity')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['activity.create']);
    });

    it('edits the partner: a saved member kept by number (its phone link too), one added, an unknown number refused', async () => {
      const partner = (members: unknown[]) => ({ ...body, partner: { ...body.partner, members } });
      const unknown = await updateActivity(deps, 'user:ops', activityId, partner([{ memberNo: 9 }]));
      expect(!unknown.ok && unknown.error.details).toEqual([
        expect.objectContaining({ path: '/partner/members/0/memberNo', message: 'no saved member 9' }),
      ]);
      const onCreate = await createActivity(deps, 'user:ops', partner([{ memberNo: 1 }]));
      expect(!onCreate.ok && onCreate.error.details).toEqual([
        expect.objectContaining({ path: '/partner/members/0/memberNo' }),
      ]);
      const edited = await updateActivity(
        deps,
        'user:ops',
        activityId,
        partner([{ name: '孙会员', customerNo: 'K0000007' }, { memberNo: 1 }]),
      );
      expect(edited.ok).toBe(true);
      const members = await db
        .selectFrom('activity_partner_members')
        .select(['member_no', 'name', 'customer_id'])
        .where('activity_id', '=', activityId)
        .orderBy('member_no')
        .execute();
      expect(members).toEqual([
        { member_no: 1, name: '孙会员', customer_id: 7 },
        { member_no: 2, name: '赵会员', customer_id: 5 },
      ]);
      // Back to the body the later steps expect (its two members).
      const restored = await updateActivity(deps, 'user:ops', activityId, body);
      expect(restored.ok).toBe(true);
    });

    it('invites through an activity-owned campaign, a control group held out, the RSVP link in each message', async () => {
      const report = await inviteToActivity(deps, 'user:ops', activityId, {
        population: { rule: { all: [] } },
        controlPercent: 20,
        content: { id: contentId, version: 1 },
        channels: [JOURNEY_CHANNEL],
      });
      if (!report.ok) throw new Error(JSON.stringify(report.error));
      const inControl = sampleTest(activityControlSeed(activityId), 20);
      const control = INVITED.filter((id) => inControl(id));
      const treated = INVITED.filter((id) => !inControl(id));
      // Marketing consent: not multiples of 7 (never answered) nor of 10 (revoked).
      const consenting = treated.filter((id) => id % 7 !== 0 && id % 10 !== 0);
      expect(report.value).toMatchObject({
        invitees: 20,
        control: control.length,
        queued: consenting.length,
        suppressed: treated.length - consenting.length,
      });
      const campaign = await db
        .selectFrom('campaigns')
        .select(['owned_by'])
        .where('id', '=', report.value.campaignId)
        .executeTakeFirstOrThrow();
      expect(campaign.owned_by).toBe('activity');
      const worker = {
        db,
        clock,
        workerId: 'activity-test',
        senders: new Map([[JOURNEY_CHANNEL, outboxChannel(db, clock, JOURNEY_CHANNEL)]]),
        composer: new Composer(
          db,
          new Map([
            [JOURNEY_CHANNEL, { key: JOURNEY_CHANNEL, reaches: 'sms' as const, variant: 'sms' as const }],
          ]),
          'Demo Bank',
          clock,
          LINKS,
        ),
      };
      await deliverBatch(worker, new AbortController().signal);
      const first = consenting[0]!;
      const message = await db
        .selectFrom('outbox_messages')
        .select('body')
        .where('customer_id', '=', first)
        .executeTakeFirstOrThrow();
      const text = (message.body as { fields: { text: string } }).fields.text;
      const token = inviteeToken(LINKS.secret, 'rsvp', activityId, first);
      expect(text).toBe(`财富沙龙 2026-12-12 14:00 城东支行三楼 报名：${LINKS.publicUrl}/a/${token}`);
      // A second invitation of the same people invites nobody again.
      const again = await inviteToActivity(deps, 'user:ops', activityId, {
        population: { rule: { all: [] } },
        content: { id: contentId, version: 1 },
        channels: [JOURNEY_CHANNEL],
      });
      expect(again.ok && again.value).toMatchObject({ invitees: 0, alreadyInvited: 20, queued: 0 });
    });

    it('records RSVPs once, registers within capacity and waitlists beyond it', async () => {
      const inControl = sampleTest(activityControlSeed(activityId), 20);
      const treated = INVITED.filter((id) => !inControl(id));
      const [a, b, c] = treated as [number, number, number];
      const rsvp = (id: number, answer: 'yes' | 'no') =>
        answerRsvp(deps, LINKS, inviteeToken(LINKS.secret, 'rsvp', activityId, id), answer);
      expect(await rsvp(a, 'yes')).toEqual(ok({ rsvp: 'yes', registered: true, recorded: true }));
      expect(await rsvp(a, 'no')).toEqual(ok({ rsvp: 'yes', registered: true, recorded: false }));
      expect(await rsvp(b, 'yes')).toEqual(ok({ rsvp: 'yes', registered: true, recorded: true }));
      expect(await rsvp(c, 'yes')).toEqual(ok({ rsvp: 'waitlist', registered: false, recorded: true }));
      const controlId = INVITED.find((id) => inControl(id))!;
      expect((await rsvp(controlId, 'yes')).ok).toBe(false);
      const tampered = await answerRsvp(deps, LINKS, inviteeToken('other', 'rsvp', activityId, a), 'yes');
      expect(!tampered.ok && tampered.error.code).toBe('bad_request');
      const audit = await db
        .selectFrom('audit_log')
        .select('actor')
        .where('action', '=', 'activity.rsvp')
        .execute();
      expect(audit.map((r) => r.actor)).toEqual([
        `customer:K${String(a).padStart(7, '0')}`,
        `customer:K${String(b).padStart(7, '0')}`,
        `customer:K${String(c).padStart(7, '0')}`,
      ]);
      // The capacity cannot drop below the registrations taken.
      const lower = await updateActivity(deps, 'user:ops', activityId, { ...body, capacity: 1 });
      expect(!lower.ok && lower.error.details).toEqual([expect.objectContaining({ path: '/capacity' })]);
    });

    it('checks in by code only within the window, once', async () => {
      const code = await checkInCode(deps, LINKS, activityId, 'K0000001');
      if (!code.ok) throw new Error(JSON.stringify(code.error));
      expect(code.value.url).toBe(`${LINKS.publicUrl}/a/${code.value.token}`);
      const early = await checkIn(deps, LINKS, 'staff:AM1', activityId, code.value.url);
      expect(!early.ok && early.error.details).toEqual([
        expect.objectContaining({
          path: '/token',
          message: expect.stringContaining('check-in is open from'),
        }),
      ]);
      now = new Date('2026-12-12T05:30:00Z'); // 13:30 in Shanghai, half an hour before the start
      const first = await checkIn(deps, LINKS, 'staff:AM1', activityId, code.value.url);
      expect(first.ok && first.value).toMatchObject({ customerNo: 'K0000001', recorded: true });
      const second = await checkIn(deps, LINKS, 'staff:AM1', activityId, code.value.token);
      expect(second.ok && second.value).toMatchObject({ recorded: false });
      const rsvpToken = inviteeToken(LINKS.secret, 'rsvp', activityId, 1);
      const wrongKind = await checkIn(deps, LINKS, 'staff:AM1', activityId, rsvpToken);
      expect(!wrongKind.ok && wrongKind.error.details).toEqual([
        expect.objectContaining({ path: '/token', message: 'this is not a check-in code' }),
      ]);
    });

    it('refuses an attendance sheet whole, naming each row, field and reason; then takes a good one', async () => {
      const before = await db.selectFrom('activity_invitees').selectAll().orderBy('customer_id').execute();
      const sheet = [
        'customer_no,phone,checked_in_at',
        'K0000002,,2026-12-12 14:10',
        'K9999999,,2026-12-12 14:10',
        ',13900000000,2026-12-12 14:20',
        'K0000002,,2026-12-12 14:30',
        'K0000001,,2026-12-12 14:40',
        'K0000003,,2026-12-13 09:00',
        'K0000004,,yesterday',
        ',,2026-12-12 14:10',
      ].join('\n');
      const refused = await importAttendance(deps, 'user:ops', activityId, sheet);
      const details = (!refused.ok ? refused.error.details : []) as { path: string; message: string }[];
      expect(details.map((d) => [d.path, d.message])).toEqual([
        ['/rows/2/customer_no', 'row 2, customer_no: no customer K9999999'],
        ['/rows/3/phone', 'row 3, phone: no customer has this phone'],
        ['/rows/4/customer_no', 'row 4, customer_no: the same person as row 1'],
        ['/rows/5/customer_no', 'row 5, customer_no: already checked in'],
        [
          '/rows/6/checked_in_at',
          'row 6, checked_in_at: 2026-12-13T01:00:00.000Z is outside the activity (check-in 2026-12-12T05:00:00.000Z to 2026-12-12T09:00:00.000Z)',
        ],
        ['/rows/7/checked_in_at', 'row 7, checked_in_at: not a time (ms epoch or ISO 8601)'],
        ['/rows/8/customer_no', 'row 8, customer_no: empty: who attended?'],
      ]);
      expect(await db.selectFrom('activity_invitees').selectAll().orderBy('customer_id').execute()).toEqual(
        before,
      );
      const good = await importAttendance(
        deps,
        'user:ops',
        activityId,
        'phone,checked_in_at\n13800000002,2026-12-12 14:10\n138 0000 0025,2026-12-12T14:20:00+08:00\n',
      );
      expect(good).toEqual(ok({ rows: 2, checkedIn: 1, walkIns: 1 }));
      const walkIn = await db
        .selectFrom('activity_invitees')
        .select(['source', 'checked_in_at'])
        .where('customer_id', '=', 25)
        .executeTakeFirstOrThrow();
      expect(walkIn).toEqual({ source: 'walk_in', checked_in_at: new Date('2026-12-12T06:20:00Z') });
    });

    it('takes leads: a new phone becomes a portrait-stage prospect of the activity, a known one stays who it is', async () => {
      const fresh = await captureLead(deps, 'user:AM1', activityId, {
        name: '孙先生',
        phone: '139-1234-5678',
        interest: '稳健理财',
        capturedBy: 'AM1',
        consent: { sms: true },
      });
      expect(fresh).toEqual(ok({ customerNo: 'L000000031', created: true, owner: 'AM1' }));
      const customer = await db
        .selectFrom('customers')
        .select(['id', 'source', 'attributes', 'phone'])
        .where('customer_no', '=', 'L000000031')
        .executeTakeFirstOrThrow();
      expect(customer).toEqual({
        id: 31,
        source: `activity:${activityId}`,
        attributes: { lifecycle_stage: 'portrait' },
        phone: '13912345678',
      });
      const owner = await db
        .selectFrom('customer_owners')
        .select('manager_id')
        .where('customer_id', '=', 31)
        .execute();
      expect(owner).toEqual([{ manager_id: 'AM1' }]);
      const known = await captureLead(deps, 'user:AM1', activityId, {
        name: '王先生',
        phone: '13800000026',
        capturedBy: 'AM1',
      });
      expect(known).toEqual(ok({ customerNo: 'K0000026', created: false, owner: null }));
      const notStaff = await captureLead(deps, 'user:AM1', activityId, {
        name: '李',
        phone: '13900000001',
        capturedBy: 'AM9',
      });
      expect(!notStaff.ok && notStaff.error.details).toEqual([
        expect.objectContaining({ path: '/capturedBy' }),
      ]);
      expect(await db.selectFrom('customers').select('id').where('id', '>', 31).execute()).toEqual([]);
    });

    it('generates follow-up tasks once the activity is finished, once per customer', async () => {
      const early = await generateFollowUps(deps, 'user:ops', activityId, {});
      expect(!early.ok && early.error.code).toBe('conflict');
      now = new Date('2026-12-12T09:30:00Z');
      expect(await finishActivity(deps, 'user:ops', activityId)).toEqual(ok({ status: 'finished' }));
      const first = await generateFollowUps(deps, 'user:ops', activityId, { dueDays: 2 });
      // Attendees 1, 2, 25 and leads 31, 26: all owned by AM1.
      expect(first).toEqual(ok({ eligible: 5, created: 5, noOwner: 0, already: 0 }));
      const tasks = await db
        .selectFrom('tasks')
        .select(['customer_id', 'title', 'due_on', 'source'])
        .where('source', '=', 'activity')
        .orderBy('customer_id')
        .execute();
      expect(tasks).toEqual(
        [1, 2, 25, 26, 31].map((customer_id) => ({
          customer_id,
          title: '活动跟进：财富沙龙',
          due_on: '2026-12-14',
          source: 'activity',
        })),
      );
      const again = await generateFollowUps(deps, 'user:ops', activityId, {
        who: ['attendees', 'leads', 'no_shows'],
      });
      // The registered no-show is new; the rest were tasked.
      expect(again.ok && again.value).toMatchObject({ created: 1, already: 5 });
    });

    it('answers conversion for attendees, invited non-attendees and control, with the counts', async () => {
      const inControl = sampleTest(activityControlSeed(activityId), 20);
      const controlIds = INVITED.filter((id) => inControl(id));
      const purchase = (id: number, at: string) => ({
        event_id: `p-${engine.name}-${id}`,
        customer_id: id,
        distinct_id: `K${String(id).padStart(7, '0')}`,
        event: 'purchase',
        time: new Date(at).getTime(),
        properties: {},
      });
      await events.insert('events', [
        purchase(1, '2026-12-13T02:00:00Z'),
        purchase(2, '2026-12-14T02:00:00Z'),
        purchase(
          controlIds.find((id) => id > 3)!,
          '2026-12-15T02:00:00Z',
        ),
        // Before the activity: not a conversion.
        purchase(3, '2026-12-01T02:00:00Z'),
      ]);
      const results = await activityResults({ db, events }, activityId, {
        event: 'purchase',
        windowDays: 30,
      });
      if (!results.ok) throw new Error(JSON.stringify(results.error));
      const r = results.value;
      expect(r.counts).toMatchObject({
        invited: 20 - controlIds.length,
        control: controlIds.length,
        rsvpYes: 2,
        waitlist: 1,
        registered: 2,
        checkedIn: 5,
        walkIns: 1,
        leads: 2,
        newCustomers: 1,
        tasks: 6,
      });
      expect(r.counts.delivered).toBeGreaterThan(0);
      // Attendees: 1 and 2 (invited) and 25 (walked in), the control group apart (a control customer who came is
      // still control: the comparison stays randomised).
      const attendees = [1, 2, 25].filter((id) => !inControl(id));
      const converts = [1, 2].filter((id) => !inControl(id)).length;
      expect(r.groups.attendees).toMatchObject({ customers: attendees.length, converted: converts });
      const controlConverts = 1 + [1, 2].filter((id) => inControl(id)).length;
      expect(r.groups.control).toMatchObject({ customers: controlIds.length, converted: controlConverts });
      expect(r.groups.nonAttendees.converted).toBe(0);
      expect(r.invitedVsControl?.absolute).not.toBeNull();
    });
    it('cancels invitations still waiting when an activity is finished', async () => {
      const other = await createActivity(deps, 'user:ops', {
        ...body,
        name: '第二场沙龙',
        partner: undefined,
      });
      if (!other.ok) throw new Error(JSON.stringify(other.error));
      const otherId = other.value.id;
      const invitations = async (status: string) =>
        (
          await sql<{ n: number }>`
            select count(*)::int as n from deliveries d join campaign_runs r on r.id = d.run_id
              join activity_sends s on s.campaign_id = r.campaign_id
             where s.activity_id = ${otherId} and d.status = ${status}`.execute(db)
        ).rows[0]!.n;
      const invited = await inviteToActivity(deps, 'user:ops', otherId, {
        population: { rule: { all: [] } },
        controlPercent: 0,
        content: { id: contentId, version: 1 },
        channels: [JOURNEY_CHANNEL],
      });
      expect(invited.ok && invited.value.queued).toBeGreaterThan(0);
      const waiting = await invitations('queued');
      expect(waiting).toBeGreaterThan(0);
      expect(await finishActivity(deps, 'user:ops', otherId)).toEqual(ok({ status: 'finished' }));
      // They would arrive after the activity: the campaigns' own cancel ends them.
      expect(await invitations('queued')).toBe(0);
      expect(await invitations('cancelled')).toBe(waiting);
    });
  });
