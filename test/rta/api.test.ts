import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer } from '../../src/rta/answer.ts';
import { DecisionLog } from '../../src/rta/decision-log.ts';
import { RtaMetrics } from '../../src/rta/metrics.ts';
import { createTestApp, type TestApp } from '../support/app.ts';
import { seedSegmentFixture } from '../support/segments-fixture.ts';

// The RTA strategies, counters and decision log over the HTTP API (PGlite + chDB): versions and audit records,
// targets the engine cannot evaluate refused with their location, the 33rd active strategy refused, who may.

let t: TestApp;
const keys = { analyst: '', manager: '' };
async function call(
  as: keyof typeof keys,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are checked by the assertions
): Promise<{ status: number; body: any }> {
  const res = await t.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${keys[as]}` },
    ...(body === undefined ? {} : { payload: body as object }),
  });
  return { status: res.statusCode, body: res.json() };
}

const strategy = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `Strategy ${id}`,
  target: { population: { rule: { tag: 'aum_tier', in: ['gold'] } } },
  ...extra,
});

beforeAll(async () => {
  t = await createTestApp();
  await seedSegmentFixture(t.stores.operational.db);
  keys.analyst = (await t.auth.createApiKey({ name: 'analyst', role: 'analyst' }, 'test')).key;
  keys.manager = (await t.auth.createApiKey({ name: 'am', role: 'account_manager' }, 'test')).key;
}, 60_000);
afterAll(async () => t?.close());

describe('RTA strategies over HTTP', () => {
  it('creates, edits, pauses and resumes, each a version with an audit record', async () => {
    const made = await call(
      'analyst',
      'POST',
      '/v1/rta/strategies',
      strategy('gold_up', { bidFactor: { score: 'lookalike', min: 1, max: 3 } }),
    );
    expect(made.status).toBe(201);
    expect(made.body).toMatchObject({
      id: 'gold_up',
      version: 1,
      status: 'active',
      cacheSeconds: 600,
      priority: 100,
    });
    const edited = await call('analyst', 'PUT', '/v1/rta/strategies/gold_up', {
      ...strategy('ignored'),
      id: undefined,
      cacheSeconds: 60,
      activeFrom: '2026-12-01 08:00',
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id: 'gold_up', version: 2, cacheSeconds: 60 });
    expect((await call('analyst', 'POST', '/v1/rta/strategies/gold_up/pause')).body.status).toBe('paused');
    expect((await call('analyst', 'POST', '/v1/rta/strategies/gold_up/resume')).body.version).toBe(4);
    const one = await call('analyst', 'GET', '/v1/rta/strategies/gold_up');
    expect(one.body.versions.map((v: { change: string }) => v.change)).toEqual([
      'resume',
      'pause',
      'update',
      'create',
    ]);
    const audit = await t.stores.operational.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'rta_strategy')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'rta.strategy.create',
      'rta.strategy.update',
      'rta.strategy.pause',
      'rta.strategy.resume',
    ]);
    expect((await call('analyst', 'GET', '/v1/rta/strategies')).body.strategies).toHaveLength(1);
    expect((await call('analyst', 'POST', '/v1/rta/strategies', strategy('gold_up'))).status).toBe(409);
  });

  it('refuses targets the engine cannot evaluate, located, and writes nothing', async () => {
    const tag = await call('analyst', 'POST', '/v1/rta/strategies', {
      ...strategy('bad1'),
      target: {
        population: {
          rule: {
            all: [
              { tag: 'aum_tier', in: ['gold'] },
              { tag: 'no_such_tag', in: ['x'] },
            ],
          },
        },
      },
    });
    expect(tag.status).toBe(400);
    expect(tag.body.error.details.issues[0].path).toBe('/target/population/rule.all[1]');
    const event = await call('analyst', 'POST', '/v1/rta/strategies', {
      ...strategy('bad2'),
      target: { population: { rule: { event: 'never_ingested', within_days: 7 } } },
    });
    expect(event.status).toBe(400);
    expect(event.body.error.code).toBe('invalid_rule');
    const segment = await call('analyst', 'POST', '/v1/rta/strategies', {
      ...strategy('bad3'),
      target: { population: { segmentId: 'missing' } },
    });
    expect(segment.status).toBe(400);
    expect(segment.body.error.details[0]?.path ?? segment.body.error.details.issues?.[0]?.path).toBe(
      '/target/population/segmentId',
    );
    const factor = await call('analyst', 'POST', '/v1/rta/strategies', strategy('bad4', { bidFactor: 9 }));
    expect(factor.status).toBe(400);
    const rows = await t.stores.operational.db.selectFrom('rta_strategies').select('id').execute();
    expect(rows.map((r) => r.id)).toEqual(['gold_up']);
  });

  it('refuses a 33rd active strategy; an account manager may not manage strategies', async () => {
    for (let i = 2; i <= 32; i++)
      expect((await call('analyst', 'POST', '/v1/rta/strategies', strategy(`s${i}`))).status).toBe(201);
    const extra = await call('analyst', 'POST', '/v1/rta/strategies', strategy('s33'));
    expect(extra.status).toBe(409);
    expect(extra.body.error.details.reason).toBe('too_many_active');
    expect(
      (await call('analyst', 'POST', '/v1/rta/strategies', strategy('s33', { status: 'paused' }))).status,
    ).toBe(201);
    expect((await call('analyst', 'POST', '/v1/rta/strategies/s33/resume')).status).toBe(409);
    expect((await call('manager', 'POST', '/v1/rta/strategies', strategy('mine'))).status).toBe(403);
  });

  it('serves the counters and the decision log', async () => {
    const metrics = new RtaMetrics();
    const log = new DecisionLog(1);
    const now = t.clock.now().getTime();
    for (let i = 0; i < 5; i++) {
      const a = answer(Uint8Array.from([0xff]), undefined, now);
      metrics.record(a, now);
      log.record(a, now);
    }
    await metrics.flush(t.stores.operational.db);
    await log.flush(t.stores.events);
    const got = await call('analyst', 'GET', '/v1/rta/metrics?minutes=60');
    expect(got.status).toBe(200);
    expect(got.body.totals).toMatchObject({ requests: 5, errors: 5, matches: 0, matchRate: 0 });
    expect(got.body.totals.latency.p99).toBeGreaterThan(0);
    const decisions = await call('analyst', 'GET', '/v1/rta/decisions?limit=3');
    expect(decisions.body.decisions).toHaveLength(3);
    expect(decisions.body.decisions[0]).toMatchObject({ code: 2, test: false, strategies: [] });
  });
});
