import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enterCustomers } from '../../src/journeys/enter.ts';
import { recordGoalEvents } from '../../src/journeys/events.ts';
import { clockOf } from '../../src/shared/clock.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { seedJourneyBank, WAIT_JOURNEY } from '../support/journey-fixture.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

// OGSM over HTTP on both operational stores: a journey's plan saved, measured against the journey's own results
// (conversion rate and its lift against control), bad plans refused with located problems and nothing written,
// an activity's plan counting `treated` refused (its goals count attendees) and one for a missing activity 404, a
// subject without a plan read as `plan: null` (404 only for a subject that does not exist), a review, the attainment
// list, the scenes analysis, and who may.

const N = 200;
const START = new Date('2026-12-07T02:00:00Z');
const DAY = 86_400_000;
const engines: ('PGlite' | 'PostgreSQL')[] = ['PGlite'];
if (await postgresAvailable()) engines.push('PostgreSQL');

const PLAN = {
  objective: 'Turn app openers into buyers',
  goals: [{ id: 'rate', metric: 'conversion_rate', target: 0.5, windowDays: 14 }],
  strategies: [{ id: 's1', text: 'Wait a day before nudging' }],
  measures: ['reached', 'conversions'],
};

for (const engine of engines) {
  describe(`OGSM over HTTP on ${engine}`, () => {
    let t: TestApp;
    let drop: (() => Promise<void>) | undefined;
    let now = START;
    const clock = clockOf(() => now, 'Asia/Shanghai');
    const keys: Record<'analyst' | 'manager', string> = { analyst: '', manager: '' };
    const call = async (
      as: keyof typeof keys,
      method: 'GET' | 'POST' | 'PUT',
      url: string,
      body?: unknown,
    ) => {
      const res = await t.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${keys[as]}` },
        ...(body === undefined ? {} : { payload: body as object }),
      });
      // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by the assertions
      return { status: res.statusCode, body: res.json() as any };
    };

    beforeAll(async () => {
      const database = engine === 'PostgreSQL' ? await createTestDatabase('flywheel_ogsm_http') : undefined;
      drop = database?.drop;
      t = await createTestApp({ clock, ...(database ? { databaseUrl: database.url } : {}) });
      await seedJourneyBank(t.stores.operational.db, clock, N, '2027-03-01');
      keys.analyst = (await t.auth.createApiKey({ name: 'analyst', role: 'analyst' }, 'test')).key;
      keys.manager = (await t.auth.createApiKey({ name: 'am', role: 'account_manager' }, 'test')).key;
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await drop?.();
    });

    it("saves, measures against the journey's own results, refuses bad plans, reviews and lists", async () => {
      const made = await call('analyst', 'POST', '/v1/journeys', {
        name: 'Openers',
        body: { ...WAIT_JOURNEY, controlPercent: 20, goal: { event: 'purchase' } },
      });
      const id = made.body.id as number;
      await call('analyst', 'POST', `/v1/journeys/${id}/publish`, {});
      const db = t.stores.operational.db;
      await enterCustomers(
        { db, clock },
        made.body.versionId,
        Array.from({ length: N }, (_, i) => i + 1),
        now,
      );
      await recordGoalEvents(
        { db },
        Array.from({ length: N / 4 }, (_, i) => ({
          customerId: 4 * i + 1,
          name: 'purchase',
          time: new Date(START.getTime() + DAY),
        })),
      );
      now = new Date(START.getTime() + 2 * DAY);

      expect((await call('manager', 'PUT', `/v1/ogsm/journey/${id}`, PLAN)).status).toBe(403);
      const bad = await call('analyst', 'PUT', `/v1/ogsm/journey/${id}`, {
        ...PLAN,
        goals: [
          { id: 'g1', metric: 'footfall', target: 1, windowDays: 7 },
          { id: 'g2', metric: 'reached', target: 1, windowDays: 0 },
        ],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.code).toBe('validation_failed');
      expect(bad.body.error.details.map((d: { path: string }) => d.path)).toEqual([
        '/goals/0/metric',
        '/goals/1/windowDays',
      ]);
      const semantic = await call('analyst', 'PUT', `/v1/ogsm/journey/${id}`, {
        ...PLAN,
        goals: [{ id: 'g1', metric: 'conversion_rate', target: 2, windowDays: 7, population: 'attendees' }],
      });
      expect(semantic.status).toBe(400);
      expect(semantic.body.error.details).toEqual([
        expect.objectContaining({ path: '/goals/0/population', code: 'population_not_allowed' }),
        expect.objectContaining({ path: '/goals/0/target', code: 'target_out_of_range' }),
      ]);
      // No plan yet: the subject and plan null, not a failed request; an unknown subject is 404.
      expect(await call('analyst', 'GET', `/v1/ogsm/journey/${id}`)).toEqual({
        status: 200,
        body: { subject: { kind: 'journey', id, name: 'Openers' }, plan: null },
      });
      expect((await call('analyst', 'GET', '/v1/ogsm/journey/999')).status).toBe(404);
      expect((await call('analyst', 'GET', '/v1/ogsm/campaign/999')).status).toBe(404);
      expect((await call('analyst', 'GET', '/v1/ogsm/activity/999')).status).toBe(404);
      expect((await call('manager', 'GET', `/v1/ogsm/journey/${id}`)).status).toBe(403);
      const activity = await call('analyst', 'PUT', '/v1/ogsm/activity/1', PLAN);
      expect(activity.status).toBe(400);
      expect(activity.body.error.details).toEqual([
        expect.objectContaining({ path: '/goals/0/population', code: 'population_not_allowed' }),
      ]);
      const attendees = { ...PLAN, goals: [{ ...PLAN.goals[0], population: 'attendees' }] };
      expect((await call('analyst', 'PUT', '/v1/ogsm/activity/999', attendees)).status).toBe(404);
      expect((await call('analyst', 'PUT', '/v1/ogsm/journey/999', PLAN)).status).toBe(404);

      expect(await call('analyst', 'PUT', `/v1/ogsm/journey/${id}`, PLAN)).toEqual({
        status: 200,
        body: { version: 1 },
      });
      const view = await call('analyst', 'GET', `/v1/ogsm/journey/${id}`);
      expect(view.status).toBe(200);
      const results = (await call('analyst', 'GET', `/v1/journeys/${id}/results`)).body;
      const [goal] = view.body.goals;
      expect(goal.value).toBeCloseTo(results.treated.rate, 12);
      expect(goal.attainment).toBe(Math.round((results.treated.rate / 0.5) * 1000) / 10);
      expect(goal.lift.absolute).toEqual(results.lift.absolute);
      expect(goal).toMatchObject({
        unit: 'ratio',
        window: { open: true },
        definition: { zh: expect.any(String) },
      });
      expect(view.body.measures).toMatchObject([
        { metric: 'reached', value: results.treated.entries },
        { metric: 'conversions', value: results.treated.converted },
      ]);

      const reviewed = await call('analyst', 'POST', `/v1/ogsm/journey/${id}/review`, {
        scores: [{ id: 's1', score: 5 }],
        lesson: 'A day of rest converts',
      });
      expect(reviewed.body).toEqual({ version: 2 });
      const list = await call('analyst', 'GET', '/v1/ogsm?kind=journey');
      expect(list.body.items).toMatchObject([
        { subject: { kind: 'journey', id, name: 'Openers' }, reviewed: true, goals: [{ id: 'rate' }] },
      ]);
      expect((await call('analyst', 'GET', '/v1/ogsm?kind=campaign')).body.items).toEqual([]);
      expect((await call('manager', 'GET', '/v1/ogsm')).status).toBe(403);

      const scenes = await call(
        'analyst',
        'GET',
        '/v1/analytics/scenes?from=2026-12-01&to=2026-12-31&days=7',
      );
      expect(scenes.status).toBe(200);
      expect(scenes.body.groups).toMatchObject([
        {
          source: 'journey',
          scene: 'journey_event',
          role: 'none',
          treated: { customers: results.treated.entries },
        },
      ]);
      const backwards = await call('analyst', 'GET', '/v1/analytics/scenes?from=2026-12-31&to=2026-12-01');
      expect(backwards.status).toBe(400);
      expect(backwards.body.error.details).toEqual([expect.objectContaining({ path: '/from' })]);
    });
  });
}
