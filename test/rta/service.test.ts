import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CODE } from '../../src/rta/decision.ts';
import { segmentMembersSource } from '../../src/rta/service.ts';
import { startRta, type RunningRta } from '../../src/server/rta.ts';
import { createStrategy, setStrategyStatus } from '../../src/rta/strategy-store.ts';
import { fixedClock } from '../../src/shared/clock.ts';
import { createLogger } from '../../src/shared/logger.ts';
import { FIXTURE_AS_OF, openSegmentFixture, type SegmentFixture } from '../support/segments-fixture.ts';
import { decodeWireResponse, encodeWireRequest, type WireRequest } from './wire.ts';

// The RTA service over real HTTP on the segment fixture (PGlite + chDB in memory), asked by a client written from
// the public field numbers with another protobuf library (test/rta/wire.ts).

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const clock = fixedClock(`${FIXTURE_AS_OF}T10:00:00Z`);
const logger = createLogger('silent');
let f: SegmentFixture;
let running: RunningRta;
let url: string;
const rta = () => running.service;

async function post(body: Uint8Array | string, init: RequestInit = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body: body as BodyInit,
    ...init,
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    answer: decodeWireResponse(new Uint8Array(await res.arrayBuffer())),
  };
}
const ask = (r: WireRequest) => post(encodeWireRequest(r));

beforeAll(async () => {
  f = await openSegmentFixture();
  const db = f.store.db;
  await db
    .insertInto('customer_identities')
    .values([
      { kind: 'imei_md5', value: md5('dev-1'), customer_id: 1 },
      { kind: 'oaid_md5', value: md5('dev-2'), customer_id: 2 },
      { kind: 'idfa_md5', value: md5('dev-5'), customer_id: 5 },
    ])
    .execute();
  // Customer 1 logged in 3 days ago; everyone else is dormant.
  await f.events.insert('events', [
    {
      event_id: 'e1',
      customer_id: 1,
      distinct_id: 'd1',
      event: 'app_login',
      time: Date.parse('2026-11-20T02:00:00Z'),
      properties: {},
    },
  ]);
  const deps = { db, clock, segments: f.service };
  const created = await Promise.all([
    createStrategy(
      deps,
      {
        id: 'reengage_dormant',
        name: 'Dormant mass customers',
        target: {
          population: {
            rule: {
              all: [
                { event: 'app_login', within_days: 30, count: { lt: 1 } },
                { tag: 'aum_tier', in: ['mass'] },
              ],
            },
          },
        },
        bidFactor: 2,
        cacheSeconds: 300,
        priority: 10,
      },
      'user:analyst',
    ),
    createStrategy(
      deps,
      {
        id: 'not_a_customer',
        name: 'Not a customer',
        target: { population: { rule: { not: { holds: 'fund' } } }, unknownDevices: true },
        bidFactor: 1.25,
        cacheSeconds: 600,
        priority: 20,
      },
      'user:analyst',
    ),
  ]);
  expect(created.map((c) => c.ok)).toEqual([true, true]);
  running = await startRta({
    db,
    events: f.events,
    members: segmentMembersSource(f.service),
    clock,
    logger,
    pollSeconds: 0.1,
    defaultCacheSeconds: 120,
    logSample: 1000,
    port: 0,
    host: '127.0.0.1',
  });
  url = running.url;
}, 60_000);

afterAll(async () => {
  await running?.stop();
  await f?.close();
});

describe('RTA service over HTTP', () => {
  it("answers a dormant customer's device with both strategies, bid factors and the smaller cache time", async () => {
    const r = await ask({ id: 'req-1', oaid: md5('dev-2') });
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/x-protobuf');
    expect(r.answer).toEqual({
      requestId: 'req-1',
      code: CODE.TAKE_PART,
      cacheTime: 300,
      outTargetIds: ['reengage_dormant', 'not_a_customer'],
      targets: [
        { id: 'reengage_dormant', factor: 2 },
        { id: 'not_a_customer', factor: 1.25 },
      ],
    });
  });

  it("declines an active fund holder's device, and takes an unknown device as not a customer", async () => {
    const holder = await ask({ id: 'req-2', imei: md5('dev-1') });
    expect(holder.answer).toMatchObject({
      requestId: 'req-2',
      code: CODE.NO_MATCH,
      cacheTime: 120,
      outTargetIds: [],
    });
    const stranger = await ask({ id: 'req-3', idfa: md5('never-seen') });
    expect(stranger.answer.outTargetIds).toEqual(['not_a_customer']);
  });

  it('never matches on a doubtful id, answers a ping with code and id only', async () => {
    const doubtful = await ask({ id: 'req-4', oaid: md5('dev-2'), doubtful: [4] });
    expect(doubtful.answer).toMatchObject({ code: CODE.NO_MATCH, outTargetIds: [] });
    const ping = await ask({ id: 'ping-1', isPing: true, oaid: md5('dev-2') });
    expect(ping.answer).toEqual({ requestId: 'ping-1', code: 0, outTargetIds: [], targets: [] });
  });

  it('answers hostile bodies with HTTP 200 and a declining code', async () => {
    const valid = encodeWireRequest({ id: 'cut', oaid: md5('dev-2') });
    const bodies: (Uint8Array | string)[] = [
      Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
      valid.subarray(0, valid.length - 7),
      new Uint8Array(100 * 1024).fill(0x0a),
      'not protobuf at all',
      new Uint8Array(0),
      encodeWireRequest({ id: 'no-device' }),
    ];
    for (const body of bodies) {
      const r = await post(body);
      expect(r.status).toBe(200);
      expect(r.answer.code).toBe(CODE.BAD_REQUEST);
    }
    const get = await fetch(`${url}/anything`);
    expect(get.status).toBe(200);
    expect(decodeWireResponse(new Uint8Array(await get.arrayBuffer())).code).toBe(CODE.BAD_REQUEST);
    const unknownFields = await ask({ id: 'future', oaid: md5('dev-2'), withUnknownFields: true });
    expect(unknownFields.answer.code).toBe(CODE.TAKE_PART);
  });

  it('answers test traffic normally and counts it apart; flushes counters and the sampled log', async () => {
    const t = await ask({ id: 'test-1', isTest: true, oaid: md5('dev-2') });
    expect(t.answer.outTargetIds).toEqual(['reengage_dormant', 'not_a_customer']);
    await rta().flush();
    const rows = await f.store.db.selectFrom('rta_metrics').selectAll().execute();
    const totals = rows.find((r) => r.strategy_id === '' && !r.is_test);
    const test = rows.find((r) => r.strategy_id === '' && r.is_test);
    expect(Number(test?.requests)).toBe(1);
    expect(Number(test?.matches)).toBe(1);
    expect(Number(totals?.errors)).toBeGreaterThanOrEqual(7);
    expect(
      Number(rows.find((r) => r.strategy_id === 'not_a_customer' && !r.is_test)?.matches),
    ).toBeGreaterThanOrEqual(3);
    const logged = await f.events.query<{ n: number; tests: number }>(
      'SELECT count() AS n, countIf(is_test = 1) AS tests FROM rta_decisions',
    );
    expect(Number(logged[0]?.n)).toBeGreaterThanOrEqual(7); // every error
    expect(Number(logged[0]?.tests)).toBe(0);
  });

  it('makes a saved change live without a restart (the service polls the watermark)', async () => {
    const deps = { db: f.store.db, clock, segments: f.service };
    expect((await setStrategyStatus(deps, 'not_a_customer', 'paused', 'user:analyst')).ok).toBe(true);
    const before = rta().swappedAt;
    const deadline = Date.now() + 10_000;
    while (rta().swappedAt === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const r = await ask({ id: 'req-5', oaid: md5('dev-2') });
    expect(r.answer.outTargetIds).toEqual(['reengage_dormant']);
    expect((await ask({ id: 'req-6', idfa: md5('never-seen') })).answer.code).toBe(CODE.NO_MATCH);
  });
});
