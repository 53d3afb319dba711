import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineDeps } from '../../src/journeys/engine.ts';
import { enterCustomers } from '../../src/journeys/enter.ts';
import { recordGoalEvents } from '../../src/journeys/events.ts';
import type { JourneyBody } from '../../src/journeys/model.ts';
import { SegmentService } from '../../src/segments/service.ts';
import { clockOf } from '../../src/shared/clock.ts';
import { tagSource } from '../../src/tags/segment-source.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { drain, engineDeps, maturityJourney, seedJourneyBank } from '../support/journey-fixture.ts';
import { expectNullsExplained } from '../support/nulls.ts';
import { createTestDatabase, postgresAvailable } from '../support/postgres.ts';

// Journeys over HTTP (issue #14 items 1, 3, 7): the canvas's live check naming nodes, create and its located
// refusals, publish, customers moving as the clock advances and the engine runs (counts per node), an edit while live
// with its migration previewed, refused when it orphans customers, then applied; results against the control group;
// pause, resume, stop; who may do what.

const N = 150;
const START = new Date('2026-12-07T02:00:00Z'); // Monday 10:00 in Shanghai
const DAY = 86_400_000;
const engines: ('PGlite' | 'PostgreSQL')[] = ['PGlite'];
if (await postgresAvailable()) engines.push('PostgreSQL');

for (const engine of engines) {
  describe(`journeys over HTTP on ${engine}`, () => {
    let t: TestApp;
    let drop: (() => Promise<void>) | undefined;
    let now = START;
    const clock = clockOf(() => now, 'Asia/Shanghai');
    const keys: Record<'admin' | 'analyst' | 'manager', string> = { admin: '', analyst: '', manager: '' };
    let deps: EngineDeps;
    let contentId: number;

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
      const database =
        engine === 'PostgreSQL' ? await createTestDatabase('flywheel_journeys_http') : undefined;
      drop = database?.drop;
      t = await createTestApp({ clock, ...(database ? { databaseUrl: database.url } : {}) });
      const db = t.stores.operational.db;
      ({ contentId } = await seedJourneyBank(db, clock, N, '2027-03-01'));
      for (const role of ['admin', 'analyst'] as const)
        keys[role] = (await t.auth.createApiKey({ name: role, role }, 'test')).key;
      keys.manager = (await t.auth.createApiKey({ name: 'am', role: 'account_manager' }, 'test')).key;
      const segments = new SegmentService({ db, events: t.stores.events, clock, tags: tagSource });
      deps = engineDeps(db, clock, segments);
    }, 60_000);
    afterAll(async () => {
      await t?.close();
      await drop?.();
    });

    it('checks, creates, publishes, counts, migrates, measures and stops a journey', async () => {
      const body: JourneyBody = maturityJourney(contentId, {
        entry: { kind: 'event', event: 'app_open' },
        controlPercent: 20,
        goal: { event: 'purchase' },
      });

      // The canvas's live check: located problems naming their nodes, 200 for any JSON.
      const broken = {
        ...body,
        edges: body.edges.filter((e) => !(e.from === 'bought' && e.exit === 'default')),
      };
      const checked = await call('analyst', 'POST', '/v1/journeys/check', { body: broken });
      expect(checked.status).toBe(200);
      expect(checked.body.problems).toContainEqual({
        path: '/nodes/2',
        code: 'branch_without_default',
        node: 'bought',
        message: expect.stringContaining('branch bought has no default exit'),
      });
      const badWait = {
        ...body,
        nodes: body.nodes.map((n) => (n.id === 'wait3' ? { ...n, duration: {} } : n)),
      };
      const schema = await call('analyst', 'POST', '/v1/journeys/check', { body: badWait });
      expect(schema.body.problems).toContainEqual(
        expect.objectContaining({ path: '/nodes/1/duration', node: 'wait3' }),
      );
      for (const anything of [42, null, 'x', [], { nodes: 'no' }]) {
        const res = await call('analyst', 'POST', '/v1/journeys/check', { body: anything });
        expect(res.status, JSON.stringify(anything)).toBe(200);
        expect(res.body.problems.length).toBeGreaterThan(0);
      }
      expect((await call('analyst', 'POST', '/v1/journeys/check', { body })).body).toEqual({ problems: [] });

      // Create: refused with every problem located; a manager may not; then made.
      const refused = await call('analyst', 'POST', '/v1/journeys', { name: 'Maturity', body: broken });
      expect(refused.status).toBe(400);
      expect(refused.body.error).toMatchObject({
        code: 'validation_failed',
        details: [{ path: '/nodes/2', code: 'branch_without_default', message: expect.any(String) }],
      });
      expect((await call('manager', 'POST', '/v1/journeys', { name: 'Maturity', body })).status).toBe(403);
      expect((await call('manager', 'GET', '/v1/journeys')).status).toBe(403);
      const created = await call('analyst', 'POST', '/v1/journeys', { name: 'Maturity', body });
      expect(created.status).toBe(201);
      const { id, versionId: v1 } = created.body as { id: number; versionId: number };
      let list = (await call('analyst', 'GET', '/v1/journeys')).body.items;
      expect(list).toEqual([
        {
          id,
          name: 'Maturity',
          status: 'draft',
          currentVersion: null,
          latestVersion: 1,
          hasDraft: true,
          entry: 'event',
          inside: 0,
          entered: 0,
          converted: 0,
          updatedAt: START.toISOString(),
        },
      ]);

      expect(await call('analyst', 'POST', `/v1/journeys/${id}/publish`, {})).toEqual({
        status: 200,
        body: { versionId: v1 },
      });
      await enterCustomers(
        deps,
        v1,
        Array.from({ length: N }, (_, i) => i + 1),
        now,
      );
      await drain(deps, now);
      const counts = async (query = '') => {
        const res = await call('analyst', 'GET', `/v1/journeys/${id}/counts${query}`);
        expect(res.status).toBe(200);
        return res.body as {
          nodes: { node: string; entered: number; waiting: number; exits: Record<string, number> }[];
          totals: { entered: number; inside: number; control: number; exited: Record<string, number> };
        };
      };
      const first = await counts();
      const inside = first.totals.inside;
      expect(inside).toBe(first.totals.entered);
      expect(first.totals.entered + first.totals.control).toBe(N);
      expect(first.totals.control).toBeGreaterThan(10);
      expect(first.nodes[0]).toMatchObject({ node: 'notice', entered: inside, exits: { next: inside } });
      expect(first.nodes[1]).toMatchObject({ node: 'wait3', entered: inside, waiting: inside });

      // An edit while customers wait: saved as v2, previewed, refused while it orphans them, then applied.
      const v2Body = {
        ...body,
        nodes: body.nodes.map((n) => (n.id === 'wait3' ? { ...n, duration: { days: 2 } } : n)),
      };
      const revised = await call('analyst', 'PUT', `/v1/journeys/${id}`, { body: v2Body });
      expect(revised).toEqual({ status: 200, body: { versionId: expect.any(Number), version: 2 } });
      const v2 = revised.body.versionId as number;
      expect((await call('manager', 'PUT', `/v1/journeys/${id}`, { body: v2Body })).status).toBe(403);
      const preview = await call('analyst', 'POST', `/v1/journeys/${id}/migration-preview`, {
        fromVersionId: v1,
        mapping: { notice: 'notice' },
      });
      expect(preview.body).toEqual({
        toVersionId: v2,
        moves: [],
        orphans: [{ node: 'wait3', customers: inside, reason: 'unmapped' }],
        staying: 0,
      });
      const orphaning = await call('analyst', 'POST', `/v1/journeys/${id}/publish`, {
        migrate: { fromVersionId: v1, mapping: { wait3: 'touch' } },
      });
      expect(orphaning.status).toBe(400);
      expect(orphaning.body.error).toMatchObject({
        code: 'validation_failed',
        message: expect.stringContaining('wait3'),
        details: [{ path: '/migrate/mapping/wait3', code: 'not_a_wait' }],
      });
      let detail = (await call('analyst', 'GET', `/v1/journeys/${id}`)).body;
      expect(detail).toMatchObject({
        currentVersionId: v1,
        latest: { id: v2, version: 2, publishedAt: null },
      });
      expect(detail.latest.body).toEqual(v2Body);
      const migrated = await call('analyst', 'POST', `/v1/journeys/${id}/publish`, {
        migrate: { fromVersionId: v1, mapping: { wait3: 'wait3' } },
      });
      expect(migrated).toEqual({ status: 200, body: { versionId: v2 } });
      detail = (await call('analyst', 'GET', `/v1/journeys/${id}`)).body;
      expect(detail.currentVersionId).toBe(v2);
      expect(detail.versions.map((v: { version: number; inside: number }) => [v.version, v.inside])).toEqual([
        [2, inside],
        [1, 0],
      ]);
      list = (await call('analyst', 'GET', '/v1/journeys')).body.items;
      expect(list[0]).toMatchObject({
        status: 'live',
        currentVersion: 2,
        latestVersion: 2,
        hasDraft: false,
        inside,
      });

      // Three and a half days on (the timers kept v1's due time): everyone has passed the branch and left.
      now = new Date(START.getTime() + 3.5 * DAY);
      await drain(deps, now);
      const end = await counts();
      expect(end.totals.inside).toBe(0);
      expect(end.totals.exited).toEqual({ exit: inside });
      const bought = end.nodes.find((n) => n.node === 'bought')!;
      expect(bought.entered).toBe(inside);
      expect((bought.exits['default'] ?? 0) + (bought.exits['yes'] ?? 0)).toBe(inside);
      expect((await counts(`?versionId=${v1}`)).totals.entered).toBe(0); // everyone moved to v2
      expect((await call('analyst', 'GET', `/v1/journeys/${id}/counts?versionId=2000000`)).status).toBe(404);

      // Results: even customers buy; the control group is compared.
      await recordGoalEvents(
        { db: t.stores.operational.db },
        Array.from({ length: N / 2 }, (_, i) => ({ customerId: 2 * (i + 1), name: 'purchase', time: now })),
      );
      const results = await call('analyst', 'GET', `/v1/journeys/${id}/results`);
      expect(results.status).toBe(200);
      expect(results.body.treated.entries).toBe(inside);
      expect(results.body.control.entries).toBe(N - inside);
      expect(results.body.treated.converted + results.body.control.converted).toBe(N / 2);
      const pt = results.body.treated.converted / inside;
      const pc = results.body.control.converted / (N - inside);
      expect(results.body.lift.absolute.estimate).toBeCloseTo(pt - pc, 12);
      expect(results.body.lift.test.pValue).toBeGreaterThan(0);
      expect(results.body.branches[0].node).toBe('bought');
      expectNullsExplained(results.body);
      expect((await call('manager', 'GET', `/v1/journeys/${id}/results`)).status).toBe(403);

      // Pause, resume, stop; a stopped journey takes no new version; unknown journeys are 404.
      expect(await call('analyst', 'POST', `/v1/journeys/${id}/pause`)).toEqual({
        status: 200,
        body: { status: 'paused' },
      });
      expect((await call('analyst', 'POST', `/v1/journeys/${id}/pause`)).status).toBe(409);
      expect((await call('analyst', 'POST', `/v1/journeys/${id}/resume`)).body).toEqual({ status: 'live' });
      expect((await call('manager', 'POST', `/v1/journeys/${id}/stop`)).status).toBe(403);
      expect((await call('admin', 'POST', `/v1/journeys/${id}/stop`)).body).toEqual({ status: 'stopped' });
      expect((await call('analyst', 'PUT', `/v1/journeys/${id}`, { body })).status).toBe(409);
      expect((await call('analyst', 'POST', `/v1/journeys/${id}/publish`)).status).toBe(409);
      for (const url of ['/v1/journeys/999999', '/v1/journeys/999999/counts', '/v1/journeys/999999/results'])
        expect((await call('analyst', 'GET', url)).status, url).toBe(404);

      // Every change audited.
      const audit = await t.stores.operational.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_type', '=', 'journey')
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual([
        'journey.create',
        'journey.publish',
        'journey.revise',
        'journey.migrate',
        'journey.publish',
        'journey.pause',
        'journey.resume',
        'journey.stop',
      ]);
    }, 120_000);
  });
}
