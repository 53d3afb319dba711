import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/app.ts';

// Saved reports and dashboards over real HTTP on real embedded stores: CRUD, sharing by role (another role sees
// nothing unshared, only owners change), the definition checked with its analysis route's schema (400 located under
// /definition), dashboards' cards, and the audit of every change in the same transaction.

let t: TestApp;
let base: string;
const roles = ['admin', 'analyst', 'analyst2', 'branch_head', 'account_manager'] as const;
type As = (typeof roles)[number];
const keys = {} as Record<As, string>;

beforeAll(async () => {
  t = await createTestApp({ now: '2026-11-23T10:00:00Z' });
  for (const as of roles)
    keys[as] = (
      await t.auth.createApiKey({ name: as, role: as === 'analyst2' ? 'analyst' : as }, 'test')
    ).key;
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
}, 60_000);
afterAll(async () => t?.close());

async function call(
  method: string,
  path: string,
  as: As,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by the assertions
): Promise<{ status: number; body: any }> {
  const response = await fetch(base + path, {
    method,
    headers: {
      authorization: `Bearer ${keys[as]}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: await response.json() };
}

const FUNNEL = {
  steps: [{ event: 'app_open' }, { event: 'purchase' }],
  window: { days: 7 },
  from: '2026-10-01',
  to: '2026-10-31',
};

async function audits(entityType: string, id: number) {
  return t.stores.operational.db
    .selectFrom('audit_log')
    .select(['actor', 'action', 'details'])
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', String(id))
    .orderBy('id')
    .execute();
}

describe('/v1/reports', () => {
  it('saves, lists, reads, updates and deletes a report, each change audited', async () => {
    const created = await call('POST', '/v1/reports', 'analyst', {
      name: 'App to purchase, October',
      kind: 'funnel',
      definition: FUNNEL,
      sharedRoles: ['branch_head', 'branch_head'],
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      name: 'App to purchase, October',
      kind: 'funnel',
      definition: FUNNEL,
      sharedRoles: ['branch_head'],
      editable: true,
    });
    const id: number = created.body.id;
    expect(created.body.owner).toMatch(/^apikey:/);

    const listed = await call('GET', '/v1/reports', 'analyst');
    expect(listed.body.reports.map((r: { id: number }) => r.id)).toContain(id);
    expect((await call('GET', `/v1/reports/${id}`, 'analyst')).body.definition).toEqual(FUNNEL);

    const changed = { ...FUNNEL, window: { days: 14 } };
    const updated = await call('PUT', `/v1/reports/${id}`, 'analyst', {
      name: 'App to purchase, 14 days',
      kind: 'funnel',
      definition: changed,
      sharedRoles: [],
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({
      name: 'App to purchase, 14 days',
      definition: changed,
      sharedRoles: [],
    });
    // the saved definition runs on its analysis route as it is
    const run = await call('POST', '/v1/analytics/funnel', 'analyst', updated.body.definition);
    expect(run.status).not.toBe(500);

    const deleted = await call('DELETE', `/v1/reports/${id}`, 'analyst');
    expect(deleted).toEqual({ status: 200, body: { id } });
    expect((await call('GET', `/v1/reports/${id}`, 'analyst')).status).toBe(404);

    const trail = await audits('report', id);
    expect(trail.map((a) => a.action)).toEqual(['report.create', 'report.update', 'report.delete']);
    expect(trail.every((a) => a.actor === created.body.owner)).toBe(true);
    expect(trail[0]?.details).toMatchObject({ kind: 'funnel', sharedRoles: ['branch_head'] });
  });

  it('shows a report only to its owner, the roles it is shared with and administrators', async () => {
    const own = await call('POST', '/v1/reports', 'analyst', {
      name: 'Private funnel',
      kind: 'funnel',
      definition: FUNNEL,
    });
    const shared = await call('POST', '/v1/reports', 'analyst', {
      name: 'Shared with managers',
      kind: 'funnel',
      definition: FUNNEL,
      sharedRoles: ['account_manager'],
    });
    const ids = (as: As) =>
      call('GET', '/v1/reports', as).then((r) => r.body.reports.map((x: { id: number }) => x.id));

    // another analyst and a branch head see neither the list entry nor the report itself (404, not 403)
    expect(await ids('analyst2')).not.toContain(own.body.id);
    expect(await ids('branch_head')).not.toContain(own.body.id);
    expect((await call('GET', `/v1/reports/${own.body.id}`, 'branch_head')).status).toBe(404);
    expect((await call('GET', `/v1/reports/${own.body.id}`, 'analyst2')).status).toBe(404);
    // the role it is shared with sees it, read-only
    expect(await ids('account_manager')).toContain(shared.body.id);
    expect(await ids('account_manager')).not.toContain(own.body.id);
    const seen = await call('GET', `/v1/reports/${shared.body.id}`, 'account_manager');
    expect(seen.body).toMatchObject({ name: 'Shared with managers', editable: false });
    // administrators see and may change everything; other viewers may not change it
    expect(await ids('admin')).toEqual(expect.arrayContaining([own.body.id, shared.body.id]));
    expect((await call('GET', `/v1/reports/${own.body.id}`, 'admin')).body.editable).toBe(true);
    const sharedToAnalysts = await call('POST', '/v1/reports', 'analyst', {
      name: 'Shared with analysts',
      kind: 'funnel',
      definition: FUNNEL,
      sharedRoles: ['analyst'],
    });
    const put = await call('PUT', `/v1/reports/${sharedToAnalysts.body.id}`, 'analyst2', {
      name: 'taken over',
      kind: 'funnel',
      definition: FUNNEL,
    });
    expect(put.status).toBe(403);
    expect(put.body.error.code).toBe('forbidden');
    expect((await call('DELETE', `/v1/reports/${sharedToAnalysts.body.id}`, 'analyst2')).status).toBe(403);
    // account managers cannot save reports at all
    const am = await call('POST', '/v1/reports', 'account_manager', {
      name: 'x',
      kind: 'funnel',
      definition: FUNNEL,
    });
    expect(am.status).toBe(403);
  });

  it('refuses a definition its analysis route would refuse, located under /definition, and stores nothing', async () => {
    const before = (await call('GET', '/v1/reports', 'admin')).body.reports.length;
    const bad = await call('POST', '/v1/reports', 'analyst', {
      name: 'Broken',
      kind: 'funnel',
      definition: { ...FUNNEL, steps: [{ event: 'app_open' }, { event: '' }], window: { weeks: 1 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    const paths: string[] = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toContain('/definition/steps/1/event');
    expect(paths.some((p) => p.startsWith('/definition/window'))).toBe(true);

    // a retention definition saved as a churn report: churn's schema refuses its fields
    const wrongKind = await call('POST', '/v1/reports', 'analyst', {
      name: 'Wrong kind',
      kind: 'churn',
      definition: {
        start: { kind: 'any_event' },
        return: { kind: 'any_event' },
        period: 'week',
        periods: 8,
        from: '2026-09-01',
        to: '2026-11-01',
      },
    });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.error.details.map((d: { path: string }) => d.path)).toContain('/definition/days');

    const unknownKind = await call('POST', '/v1/reports', 'analyst', {
      name: 'x',
      kind: 'sql',
      definition: {},
    });
    expect(unknownKind.status).toBe(400);
    const noName = await call('POST', '/v1/reports', 'analyst', { name: ' ', kind: 'group', definition: {} });
    expect(noName.status).toBe(400);
    expect((await call('GET', '/v1/reports', 'admin')).body.reports.length).toBe(before);
  });

  it('saves every kind of analysis with its own schema', async () => {
    const definitions = {
      retention: {
        start: { kind: 'any_event' },
        return: { kind: 'any_event' },
        period: 'week',
        periods: 8,
        from: '2026-09-01',
        to: '2026-11-01',
        population: { segmentId: 'young' },
      },
      churn: {
        activity: { kind: 'transaction' },
        days: 30,
        period: 'week',
        from: '2026-09-01',
        to: '2026-11-01',
      },
      lifecycle: { population: { segmentId: 'young' } },
      drivers: { outcome: { tag: 'aum_tier', in: ['gold'] } },
      group: { population: { rule: { tag: 'aum_tier', in: ['gold'] } } },
      concentration: {},
    };
    for (const [kind, definition] of Object.entries(definitions)) {
      const r = await call('POST', '/v1/reports', 'analyst', { name: kind, kind, definition });
      expect(r.status, kind).toBe(200);
      expect(r.body.definition, kind).toEqual(definition);
    }
  });
});

describe('/v1/dashboards', () => {
  it('composes reports as cards, shares by role, hides cards of unshared reports, audits changes', async () => {
    const mk = (name: string, sharedRoles: string[]) =>
      call('POST', '/v1/reports', 'analyst', { name, kind: 'funnel', definition: FUNNEL, sharedRoles }).then(
        (r) => r.body.id as number,
      );
    const a = await mk('Card A', ['branch_head']);
    const b = await mk('Card B', []);
    const created = await call('POST', '/v1/dashboards', 'analyst', {
      name: 'Weekly review',
      sharedRoles: ['branch_head'],
      cards: [
        { reportId: b, size: 'full' },
        { reportId: a, size: 'half' },
      ],
    });
    expect(created.status).toBe(200);
    const id: number = created.body.id;
    expect(created.body.cards).toMatchObject([
      { reportId: b, size: 'full', report: { name: 'Card B' } },
      { reportId: a, size: 'half', report: { name: 'Card A' } },
    ]);

    // the branch head sees the dashboard; the card of the report not shared with them has no report
    const list = await call('GET', '/v1/dashboards', 'branch_head');
    expect(list.body.dashboards).toContainEqual(
      expect.objectContaining({ id, name: 'Weekly review', cardCount: 2, editable: false }),
    );
    const seen = await call('GET', `/v1/dashboards/${id}`, 'branch_head');
    expect(seen.body.cards).toEqual([
      { reportId: b, size: 'full', report: null },
      expect.objectContaining({ reportId: a, report: expect.objectContaining({ name: 'Card A' }) }),
    ]);
    // another analyst sees nothing of it
    expect((await call('GET', `/v1/dashboards/${id}`, 'analyst2')).status).toBe(404);
    expect(
      (await call('GET', '/v1/dashboards', 'analyst2')).body.dashboards.map((d: { id: number }) => d.id),
    ).not.toContain(id);

    // a card naming a report the author may not see (or none) is refused, located
    const other = await call('POST', '/v1/reports', 'analyst2', {
      name: 'theirs',
      kind: 'funnel',
      definition: FUNNEL,
    });
    const refused = await call('PUT', `/v1/dashboards/${id}`, 'analyst', {
      name: 'Weekly review',
      cards: [
        { reportId: a, size: 'half' },
        { reportId: other.body.id, size: 'half' },
        { reportId: 999_999, size: 'full' },
      ],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.map((d: { path: string }) => d.path)).toEqual([
      '/cards/1/reportId',
      '/cards/2/reportId',
    ]);

    // reorder and resize; deleting a report takes its card off
    const reordered = await call('PUT', `/v1/dashboards/${id}`, 'analyst', {
      name: 'Weekly review',
      sharedRoles: ['branch_head'],
      cards: [
        { reportId: a, size: 'full' },
        { reportId: b, size: 'half' },
      ],
    });
    expect(reordered.body.cards.map((c: { reportId: number; size: string }) => [c.reportId, c.size])).toEqual(
      [
        [a, 'full'],
        [b, 'half'],
      ],
    );
    expect(
      (await call('PUT', `/v1/dashboards/${id}`, 'branch_head', { name: 'mine', cards: [] })).status,
    ).toBe(403);
    await call('DELETE', `/v1/reports/${b}`, 'analyst');
    expect(
      (await call('GET', `/v1/dashboards/${id}`, 'analyst')).body.cards.map(
        (c: { reportId: number }) => c.reportId,
      ),
    ).toEqual([a]);

    expect((await call('DELETE', `/v1/dashboards/${id}`, 'analyst')).status).toBe(200);
    expect((await call('GET', `/v1/dashboards/${id}`, 'analyst')).status).toBe(404);
    expect((await call('GET', `/v1/reports/${a}`, 'analyst')).status).toBe(200);
    expect((await audits('dashboard', id)).map((x) => x.action)).toEqual([
      'dashboard.create',
      'dashboard.update',
      'dashboard.delete',
    ]);
  });
});
