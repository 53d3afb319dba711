import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importAttendance } from '../../src/activities/attendance.ts';
import { inviteToActivity } from '../../src/activities/invite.ts';
import { captureLead } from '../../src/activities/leads.ts';
import { activityResults } from '../../src/activities/results.ts';
import { createActivity } from '../../src/activities/service.ts';
import { campaignResults } from '../../src/campaigns/results/service.ts';
import { startDueRuns } from '../../src/campaigns/runs/scheduler.ts';
import { createCampaign, reviewCampaign } from '../../src/campaigns/service.ts';
import { enterCustomers } from '../../src/journeys/enter.ts';
import { recordGoalEvents } from '../../src/journeys/events.ts';
import { journeyResults } from '../../src/journeys/results.ts';
import { attainmentList, planView } from '../../src/ogsm/review.ts';
import { scenesAnalysis } from '../../src/ogsm/scenes.ts';
import { reviewPlan, savePlan } from '../../src/ogsm/service.ts';
import { RoaringBitmap32 } from '../../src/shared/bitmap.ts';
import { ok } from '../../src/shared/errors.ts';
import { saveTagSnapshot } from '../../src/tags/snapshot-store.ts';
import { liveJourney, WAIT_JOURNEY } from '../support/journey-fixture.ts';
import { openCampaignWorld, type CampaignWorld } from '../support/campaign-world.ts';

// OGSM plans on the embedded stores: a campaign with a control group whose conversion goal's lift is the campaign
// results' own, new fund buyers and the group's AUM change over the window, a journey's goal, attainment, the list,
// reviews scoring strategies, versions and audit, and bad plans refused with located problems.

const N = 2000;
const start = new Date('2026-12-07T02:00:00Z');
const DAY = 86_400_000;
let world: CampaignWorld;
let campaignId: number;
let targeted: number[];
let control: number[];
const deps = () => ({ db: world.store.db, events: world.events, clock: world.clock });
const event = (id: string, customer: number, name: string, at: number, props = {}) => ({
  event_id: id,
  customer_id: customer,
  distinct_id: `K${customer}`,
  event: name,
  time: at,
  properties: props,
});

beforeAll(async () => {
  world = await openCampaignWorld(N, start);
  const created = await createCampaign(world.deps, 'user:author', {
    name: 'Fund week',
    purpose: 'marketing',
    population: { rule: { attr: 'gender', op: '=', value: 'F' } },
    content: { id: world.contentId, version: 1 },
    channels: ['outbox'],
    schedule: { kind: 'now' },
    controlPercent: 20,
    conversion: { event: 'purchase', windowDays: 7 },
  });
  if (!created.ok) throw new Error(created.error.message);
  campaignId = created.value.id;
  await reviewCampaign(world.deps, 'user:author', campaignId, 1, { action: 'submit' });
  await reviewCampaign(world.deps, 'user:checker', campaignId, 1, { action: 'approve' });
  const [runId] = (await startDueRuns(world.deps)) as [number];
  await world.drain();
  targeted = (
    await world.store.db
      .selectFrom('deliveries')
      .select('customer_id')
      .where('run_id', '=', String(runId))
      .orderBy('customer_id')
      .execute()
  ).map((r) => r.customer_id);
  const reached = new Set(targeted);
  control = Array.from({ length: N / 2 }, (_, i) => 2 * (i + 1)).filter(
    (id) => !reached.has(id) && id % 7 !== 0 && id % 10 !== 0,
  );
  const t0 = start.getTime() + 3_600_000;
  await world.events.insert('events', [
    // 30% of the targeted buy a fund on day 1, 10% of the control group on day 2; 5 more targeted on day 10.
    ...targeted
      .filter((_, i) => i % 10 < 3)
      .map((c) => event(`p${c}`, c, 'purchase', t0 + DAY, { category: 'fund' })),
    ...control
      .filter((_, i) => i % 10 === 0)
      .map((c) => event(`p${c}`, c, 'purchase', t0 + 2 * DAY, { category: 'fund' })),
    ...targeted.slice(3, 8).map((c) => event(`late${c}`, c, 'purchase', t0 + 10 * DAY, { category: 'fund' })),
  ]);
  // The first targeted customer held a fund before: not a new buyer.
  await world.store.db
    .insertInto('products')
    .values({ id: 'FD-1', name: '基金', category: 'fund', role: 'hot_selling' })
    .execute();
  await world.store.db
    .insertInto('holdings')
    .values({ customer_id: targeted[0]!, account_no: 'F1', product_id: 'FD-1', opened_on: '2026-01-01' })
    .execute();
  // Daily AUM: every customer 10,000 the day before; the targeted about +500 and the control about +100 by day 30.
  const daily = (date: string, aum: (id: number) => number) =>
    Array.from({ length: N }, (_, i) => ({
      date,
      customer_id: i + 1,
      aum: aum(i + 1),
      deposit_balance: 0,
      investment_balance: 0,
      loan_balance: 0,
    }));
  const inTargeted = new Set(targeted);
  const inControl = new Set(control);
  await world.events.insert('customer_daily', [
    ...daily('2026-12-06', () => 10_000),
    ...daily('2027-01-04', (id) => 10_000 + aumGain(id, inTargeted, inControl)),
  ]);
  world.setNow(new Date(start.getTime() + 40 * DAY));
}, 60_000);
afterAll(async () => {
  await world?.close();
});

/** The AUM a customer gained over the window: about 500 treated, 100 in control, nothing otherwise. */
const aumGain = (id: number, t: Set<number>, c: Set<number>) =>
  (id % 5) * 10 + (t.has(id) ? 500 : c.has(id) ? 100 : -(id % 5) * 10);

const plan = (goals: unknown[], extra: Record<string, unknown> = {}) => ({
  objective: 'Bring women into funds',
  goals,
  strategies: [
    { id: 's1', text: 'SMS on payday' },
    { id: 's2', text: 'Manager call for the gold tier' },
  ],
  measures: ['reached'],
  ...extra,
});

describe('OGSM on a campaign', () => {
  it('measures the conversion goal with the campaign results’ own lift, and the attainment', async () => {
    const goals = [
      { id: 'buyers', metric: 'conversions', target: 200, windowDays: 7 },
      { id: 'funds', metric: 'new_buyers', category: 'fund', target: 100, windowDays: 30 },
      { id: 'aum', metric: 'aum_change', population: 'group', target: 1_000_000, windowDays: 30 },
    ];
    expect(await savePlan(deps(), 'user:author', { kind: 'campaign', id: campaignId }, plan(goals))).toEqual({
      ok: true,
      value: { version: 1 },
    });
    const view = await planView(deps(), { kind: 'campaign', id: campaignId });
    if (!view.ok) throw new Error(view.error.message);
    const results = await campaignResults(deps(), campaignId);
    if (!results.ok) throw new Error(results.error.message);
    const [buyers, funds, aum] = view.value.goals;
    expect(buyers).toMatchObject({
      value: results.value.totals.converted,
      attainment: Math.round((results.value.totals.converted / 200) * 1000) / 10,
      unit: 'customers',
      window: { open: false },
    });
    expect(buyers!.lift).toEqual(results.value.lift);
    expect(buyers!.lift!.test.significant).toBe(true);

    // New fund buyers within 30 days: the day-1 and day-10 buyers, less the one who held a fund already.
    const expected = targeted.filter((_, i) => i % 10 < 3).length + 5 - 1;
    expect(funds).toMatchObject({ value: expected, attainment: Math.round((expected / 100) * 1000) / 10 });
    expect(funds!.lift!.absolute!.estimate).toBeCloseTo(
      expected / targeted.length - control.filter((_, i) => i % 10 === 0).length / control.length,
      10,
    );

    const t = new Set(targeted);
    const c = new Set(control);
    const gains = (ids: number[]) => ids.map((id) => aumGain(id, t, c));
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    expect(aum).toMatchObject({ value: sum(gains(targeted)), unit: 'CNY' });
    expect(aum!.lift!.absolute!.estimate).toBeCloseTo(
      sum(gains(targeted)) / targeted.length - sum(gains(control)) / control.length,
      6,
    );
    expect(aum!.lift!.test.kind).toBe('welch_t');
    expect(view.value.measures).toMatchObject([
      { metric: 'reached', value: targeted.length, windowDays: 30 },
    ]);
    expect(view.value.subject).toEqual({ kind: 'campaign', id: campaignId, name: 'Fund week' });
    expect(view.value.freshness.eventsThrough).not.toBeNull();
  });

  it('scores strategies and keeps the lesson in the next version, audited; an edit keeps the scores', async () => {
    const subject = { kind: 'campaign', id: campaignId } as const;
    const review = await reviewPlan(deps(), 'user:lead', subject, {
      scores: [{ id: 's1', score: 4, note: 'worked on payday' }],
      lesson: 'Payday SMS moves fund buyers; calls were not needed',
    });
    expect(review).toEqual({ ok: true, value: { version: 2 } });
    const edited = plan([{ id: 'buyers', metric: 'conversions', target: 250, windowDays: 7 }]);
    expect(await savePlan(deps(), 'user:author', subject, edited)).toEqual({
      ok: true,
      value: { version: 3 },
    });
    const view = await planView(deps(), subject);
    if (!view.ok) throw new Error(view.error.message);
    expect(view.value).toMatchObject({
      version: 3,
      lesson: 'Payday SMS moves fund buyers; calls were not needed',
      reviewedBy: 'user:lead',
      strategies: [
        { id: 's1', score: 4, note: 'worked on payday' },
        { id: 's2', score: null, note: null },
      ],
    });
    const versions = await world.store.db
      .selectFrom('ogsm_plan_versions')
      .select(['version', 'change', 'author'])
      .orderBy('version')
      .execute();
    expect(versions).toEqual([
      { version: 1, change: 'edit', author: 'user:author' },
      { version: 2, change: 'review', author: 'user:lead' },
      { version: 3, change: 'edit', author: 'user:author' },
    ]);
    const audit = await world.store.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'ogsm_plan')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['ogsm.create', 'ogsm.review', 'ogsm.revise']);
    expect(
      await reviewPlan(deps(), 'user:lead', subject, { scores: [{ id: 'nope', score: 3 }] }),
    ).toMatchObject({
      ok: false,
      error: { code: 'validation_failed', details: [{ path: '/scores/0/id', code: 'unknown_strategy' }] },
    });
  });

  it('refuses bad plans with located problems and writes nothing', async () => {
    const subject = { kind: 'campaign', id: campaignId } as const;
    const bad = await savePlan(
      deps(),
      'user:author',
      subject,
      plan(
        [
          { id: 'g1', metric: 'footfall', target: 1, windowDays: 7 },
          { id: 'g2', metric: 'conversions', target: 1, windowDays: 400 },
        ],
        { measures: ['nope'] },
      ),
    );
    expect(bad).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    const paths = (bad as { error: { details: { path: string }[] } }).error.details.map((d) => d.path);
    expect(paths).toEqual(['/goals/0/metric', '/goals/1/windowDays', '/measures/0']);

    const semantic = await savePlan(
      deps(),
      'user:author',
      subject,
      plan([
        { id: 'g1', metric: 'conversion_rate', target: 5, windowDays: 7 },
        { id: 'g1', metric: 'reached', target: 10, windowDays: 7, population: 'attendees', category: 'fund' },
      ]),
    );
    expect(semantic).toMatchObject({
      ok: false,
      error: {
        details: [
          { path: '/goals/0/target', code: 'target_out_of_range' },
          { path: '/goals/1/population', code: 'population_not_allowed' },
          { path: '/goals/1/category', code: 'category_not_allowed' },
          { path: '/goals/1/id', code: 'duplicate_id' },
        ],
      },
    });
    expect(await savePlan(deps(), 'user:author', { kind: 'campaign', id: 999 }, plan([]))).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await savePlan(deps(), 'user:author', { kind: 'activity', id: 999 }, plan([]))).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const stored = await world.store.db.selectFrom('ogsm_plans').select('version').execute();
    expect(stored).toEqual([{ version: 3 }]);
  });
});

describe('OGSM on a journey', () => {
  it("measures the journey's goal within the window against its control entries, and lists attainment", async () => {
    const { journeyId, versionId } = await liveJourney(world.store.db, world.clock, 'Openers', {
      ...WAIT_JOURNEY,
      controlPercent: 20,
      goal: { event: 'purchase' },
    });
    const now = world.clock.now();
    await enterCustomers(
      { db: world.store.db, clock: world.clock },
      versionId,
      Array.from({ length: 500 }, (_, i) => i + 1),
      now,
    );
    // Odd customers buy two days after entering; customers 1..50 again only after 20 days (the first counts).
    await recordGoalEvents(
      { db: world.store.db },
      Array.from({ length: 250 }, (_, i) => ({
        customerId: 2 * i + 1,
        name: 'purchase',
        time: new Date(now.getTime() + 2 * DAY),
      })),
    );
    world.setNow(new Date(now.getTime() + 3 * DAY));
    const subject = { kind: 'journey', id: journeyId } as const;
    const saved = await savePlan(
      deps(),
      'user:author',
      subject,
      plan([
        { id: 'conv', metric: 'conversion_rate', target: 0.4, windowDays: 14 },
        { id: 'early', metric: 'conversions', target: 100, windowDays: 1 },
      ]),
    );
    expect(saved).toEqual({ ok: true, value: { version: 1 } });
    const view = await planView(deps(), subject);
    if (!view.ok) throw new Error(view.error.message);
    const results = await journeyResults(world.store.db, journeyId);
    if (!results.ok) throw new Error(results.error.message);
    const [conv, early] = view.value.goals;
    expect(conv!.value).toBeCloseTo(results.value.treated.rate!, 12);
    expect(conv!.lift!.absolute).toEqual(results.value.lift!.absolute);
    expect(conv!.attainment).toBe(Math.round((results.value.treated.rate! / 0.4) * 1000) / 10);
    expect(conv!.window).toMatchObject({ open: true });
    expect(early).toMatchObject({ value: 0, attainment: 0 });

    const list = await attainmentList(deps());
    expect(list.map((r) => r.subject)).toEqual([
      { kind: 'journey', id: journeyId, name: 'Openers' },
      { kind: 'campaign', id: campaignId, name: 'Fund week' },
    ]);
    expect(list[0]!.goals.map((g) => g.attainment)).toEqual([conv!.attainment, 0]);
    expect((await attainmentList(deps(), 'campaign')).map((r) => r.subject.kind)).toEqual(['campaign']);
  });
});

describe('scenes analysis', () => {
  it('groups contacts by scene and product role, with the lifecycle moves of the treated against control', async () => {
    const universe = new RoaringBitmap32(Array.from({ length: N }, (_, i) => i + 1));
    const stages = (asOf: string, interested: number[]) =>
      saveTagSnapshot(world.store.db, {
        asOf,
        universe,
        tags: new Map([
          [
            'lifecycle_stage',
            {
              version: 1,
              values: new Map([
                ['interested', new RoaringBitmap32(interested)],
                ['reached', RoaringBitmap32.andNot(universe, new RoaringBitmap32(interested))],
              ]),
            },
          ],
        ]),
      });
    // Everyone reached the day before the run; two weeks on, a quarter of the targeted and a tenth of the control
    // group are interested.
    const movedT = targeted.filter((_, i) => i % 4 === 0);
    const movedC = control.filter((_, i) => i % 10 === 0);
    await stages('2026-12-06', []);
    await stages(
      '2026-12-20',
      [...movedT, ...movedC].sort((a, b) => a - b),
    );
    const december = await scenesAnalysis(deps(), { from: '2026-12-01', to: '2026-12-31', days: 14 });
    expect(december.groups).toHaveLength(1);
    const [group] = december.groups;
    expect(group).toMatchObject({
      source: 'campaign',
      scene: 'product',
      role: 'profit',
      subjects: 1,
      contacts: 1,
      treated: { customers: targeted.length, measured: targeted.length, advanced: movedT.length },
      control: { customers: control.length, measured: control.length, advanced: movedC.length },
      moves: [{ from: 'reached', to: 'interested', customers: movedT.length }],
    });
    expect(group!.lift!.absolute!.estimate).toBeCloseTo(
      movedT.length / targeted.length - movedC.length / control.length,
      12,
    );
    expect(december.freshness.snapshotsThrough).toBe('2026-12-20');

    // The journey's entries (January): no snapshot after the contact day yet, so nothing measured.
    const january = await scenesAnalysis(deps(), { from: '2027-01-01', to: '2027-01-31', days: 14 });
    expect(january.groups).toMatchObject([
      {
        source: 'journey',
        scene: 'journey_event',
        role: 'none',
        treated: { measured: 0, share: null },
        lift: null,
        liftReason: expect.stringMatching(/no lifecycle stage/),
      },
    ]);
  });
});

describe('OGSM on an activity', () => {
  it("measures the attendees' conversions with the activity results' invited-vs-control lift, new buyers, reach, and a scene", async () => {
    const t0 = world.clock.now().getTime();
    const startsAt = new Date(t0 + DAY);
    const db = world.store.db;
    await db
      .insertInto('staff')
      .values({ id: 'HOST1', name: '王经理', org_unit_id: 'HO', role: 'account_manager' })
      .execute();
    const created = await createActivity({ db, clock: world.clock }, 'user:author', {
      name: 'Fund salon',
      staff: [{ staffId: 'HOST1', role: 'host' }],
      scene: { mode: 'offline', frequency: 'low', aim: 'transaction' },
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + 2 * 3_600_000).toISOString(),
      capacity: 500,
      products: [{ productId: 'FD-1', role: 'hot_selling' }],
    });
    if (!created.ok) throw new Error(created.error.message);
    const id = created.value.id;
    const invited = await inviteToActivity(
      {
        db,
        clock: world.clock,
        audience: () =>
          Promise.resolve(
            ok({
              bitmap: new RoaringBitmap32(Array.from({ length: 400 }, (_, i) => i + 1)),
              asOf: '2026-12-01',
            }),
          ),
      },
      'user:author',
      id,
      {
        population: { rule: { all: [] } },
        controlPercent: 20,
        content: { id: world.contentId, version: 1 },
        channels: ['outbox'],
      },
    );
    if (!invited.ok) throw new Error(invited.error.message);
    const invitees = await db
      .selectFrom('activity_invitees')
      .select(['customer_id', 'control'])
      .where('activity_id', '=', id)
      .orderBy('customer_id')
      .execute();
    const treatedIds = invitees.filter((i) => !i.control).map((i) => i.customer_id);
    const controlIds = invitees.filter((i) => i.control).map((i) => i.customer_id);
    // 100 invitees come, by the sheet; half of them and a tenth of the control group buy a fund that afternoon.
    const attendees = treatedIds.slice(0, 100);
    world.setNow(new Date(startsAt.getTime() + 30 * 60_000));
    const sheet = [
      'customer_no,checked_in_at',
      ...attendees.map(
        (c) => `K${String(c).padStart(7, '0')},${new Date(startsAt.getTime() + 10 * 60_000).toISOString()}`,
      ),
    ].join('\n');
    const taken = await importAttendance({ db, clock: world.clock }, 'user:author', id, sheet);
    if (!taken.ok) throw new Error(JSON.stringify(taken.error));
    // Leads at the door: a new prospect and a known customer who was not invited come onto the activity as leads
    // (present); an attendee captured as a lead stays an invitee — the results' leads are the first two.
    for (const phone of ['13912345678', '13800001500', `138${String(attendees[0]).padStart(8, '0')}`]) {
      const lead = await captureLead({ db, clock: world.clock }, 'user:host', id, {
        name: '到场客户',
        phone,
        capturedBy: 'HOST1',
      });
      if (!lead.ok) throw new Error(JSON.stringify(lead.error));
    }
    const bought = Math.floor(startsAt.getTime() + 3 * 3_600_000);
    await world.events.insert('events', [
      ...attendees
        .filter((_, i) => i % 2 === 0)
        .map((c) => event(`a${id}-${c}`, c, 'purchase', bought, { category: 'fund' })),
      ...controlIds
        .filter((_, i) => i % 10 === 0)
        .map((c) => event(`ac${id}-${c}`, c, 'purchase', bought, { category: 'fund' })),
    ]);
    world.setNow(new Date(startsAt.getTime() + 5 * DAY));

    const subject = { kind: 'activity', id } as const;
    // An activity's goals count its attendees (or the group), never `treated`.
    const wrong = await savePlan(
      deps(),
      'user:author',
      subject,
      plan([{ id: 'c', metric: 'conversions', target: 10, windowDays: 7 }]),
    );
    expect(!wrong.ok && wrong.error.details).toEqual([
      expect.objectContaining({ path: '/goals/0/population', code: 'population_not_allowed' }),
    ]);
    // Leads and attendees are an activity's metrics: a campaign's or a journey's plan naming them is refused there.
    for (const other of [
      { kind: 'campaign', id: campaignId } as const,
      { kind: 'journey', id: 1 } as const,
    ]) {
      const refused = await savePlan(
        deps(),
        'user:author',
        other,
        plan(
          [
            { id: 'l', metric: 'leads', target: 10, windowDays: 7 },
            { id: 'a', metric: 'attendees', target: 10, windowDays: 7 },
          ],
          { measures: ['leads'] },
        ),
      );
      expect(!refused.ok && refused.error.details).toEqual([
        expect.objectContaining({ path: '/goals/0/metric', code: 'unknown_metric' }),
        expect.objectContaining({ path: '/goals/1/metric', code: 'unknown_metric' }),
        expect.objectContaining({ path: '/measures/0', code: 'unknown_metric' }),
      ]);
    }
    const saved = await savePlan(
      deps(),
      'user:author',
      subject,
      plan([
        { id: 'conv', metric: 'conversion_rate', target: 0.4, windowDays: 7, population: 'attendees' },
        {
          id: 'buyers',
          metric: 'new_buyers',
          category: 'fund',
          target: 40,
          windowDays: 7,
          population: 'attendees',
        },
        { id: 'reach', metric: 'reached', target: 80, windowDays: 7, population: 'group' },
        { id: 'leads', metric: 'leads', target: 4, windowDays: 7, population: 'attendees' },
        { id: 'came', metric: 'attendees', target: 120, windowDays: 7, population: 'attendees' },
      ]),
    );
    expect(saved).toEqual({ ok: true, value: { version: 1 } });
    const view = await planView(deps(), subject);
    if (!view.ok) throw new Error(view.error.message);
    const results = await activityResults({ db, events: world.events }, id, {
      event: 'purchase',
      windowDays: 7,
    });
    if (!results.ok) throw new Error(results.error.message);
    const [conv, buyers, reach, leads, came] = view.value.goals;
    expect(results.value.groups.attendees).toMatchObject({ customers: 100, converted: 50 });
    expect(conv!.value).toBeCloseTo(results.value.groups.attendees.rate!, 12);
    expect(conv!.lift!.absolute).toEqual(results.value.invitedVsControl!.absolute);
    expect(conv!.attainment).toBe(125);
    // New fund buyers among attendees: the 50 who bought, less any who held a fund before.
    expect(buyers!.value).toBeGreaterThan(40);
    expect(buyers!.value).toBeLessThanOrEqual(50);
    // Reach and attendees: the 100 by the sheet and the two leads present.
    expect(reach).toMatchObject({ value: 102, attainment: 127.5 });
    expect(results.value.counts).toMatchObject({ leads: 2, checkedIn: 102 });
    expect(leads).toMatchObject({ value: 2, attainment: 50, unit: 'customers', lift: null });
    expect(came).toMatchObject({ value: 102, attainment: 85, lift: null });
    expect(leads!.definition.zh).toContain('线索');

    // The scenes analysis takes the activity as a contact: its scene and its product's role.
    const day = world.clock.dayOf(startsAt);
    const scenes = await scenesAnalysis(deps(), { from: day, to: day, days: 1 });
    expect(scenes.groups).toContainEqual(
      expect.objectContaining({
        source: 'activity',
        scene: 'activity_offline_low_transaction',
        role: 'hot_selling',
        subjects: 1,
        treated: expect.objectContaining({ customers: 102 }),
        control: expect.objectContaining({ customers: controlIds.length }),
      }),
    );
  });
});
