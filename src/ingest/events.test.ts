import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IDENTITY_EVENT_MAPPING } from '../../test/support/event-mapping.ts';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { fixedClock } from '../shared/clock.ts';
import { openEventStore } from '../store/events/open.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { loadEventsFast } from './events-fast.ts';
import { runImport, type ImportReport } from './run.ts';
import type { ImportKind } from './targets.ts';

// Events and transactions into chDB (customers resolved in PGlite). Nothing reaches the event store before the whole
// file has been validated.

let store: OperationalStore;
let events: EventStore;
let dir: string;
const clock = fixedClock('2026-11-23T10:00:00Z');

beforeAll(async () => {
  store = await openMigratedMemoryStore();
  events = await openEventStore({ kind: 'chdb', dataDir: null });
  dir = mkdtempSync(join(tmpdir(), 'flywheel-ingest-events-'));
  await store.db
    .insertInto('org_units')
    .values({ id: 'HO', parent_id: null, name: 'HO', kind: 'head_office' })
    .execute();
  await store.db.insertInto('products').values({ id: 'FUND1', name: 'Fund', category: 'fund' }).execute();
  await store.db
    .insertInto('customers')
    .values([
      { id: 1, customer_no: 'C1' },
      { id: 2, customer_no: 'C2' },
    ])
    .execute();
  await store.db
    .insertInto('customer_identities')
    .values({ kind: 'distinct_id', value: 'app-user-2', customer_id: 2 })
    .execute();
});
afterAll(async () => {
  await events?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, content: string) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};
const run = (kind: ImportKind, path: string, mapping: unknown, allowPartial = false) =>
  runImport(
    { kind, file: path, mapping: { value: mapping }, actor: 'test', allowPartial },
    { operational: store, events, clock },
  );
const report = async (
  kind: ImportKind,
  path: string,
  mapping: unknown,
  allowPartial = false,
): Promise<ImportReport> => {
  const r = await run(kind, path, mapping, allowPartial);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};
const countEvents = async () =>
  Number((await events.query<{ n: number }>('SELECT count() AS n FROM events_dedup'))[0]!.n);

const line = (o: object) => JSON.stringify(o);
const T = Date.UTC(2026, 10, 1, 8, 0, 0);

describe('events import', () => {
  it('imports NDJSON events, resolving distinct ids, and a re-import changes nothing', async () => {
    const path = file(
      'events.ndjson',
      [
        line({ event_id: 'e1', distinct_id: 'C1', event: 'app_open', time: T, properties: { os: 'ios' } }),
        '',
        line({
          event_id: 'e2',
          distinct_id: 'app-user-2',
          event: 'view_product',
          time: '2026-11-01T09:00:00Z',
          properties: { product: 'FUND1' },
        }),
        line({ event_id: 'e3', distinct_id: 'visitor-9', event: 'app_open', time: T + 1000 }),
      ].join('\n') + '\n',
    );
    expect(await report('events', path, IDENTITY_EVENT_MAPPING)).toMatchObject({
      status: 'committed',
      read: 3,
      inserted: 3,
      rejected: 0,
    });
    const rows = await events.query<{
      event_id: string;
      customer_id: number;
      properties: string;
      time: string;
    }>('SELECT event_id, customer_id, properties, time FROM events_dedup ORDER BY event_id');
    expect(rows.map((r) => [r.event_id, r.customer_id])).toEqual([
      ['e1', 1],
      ['e2', 2],
      ['e3', 0],
    ]);
    expect(JSON.parse(rows[0]!.properties)).toEqual({ os: 'ios' });
    expect(rows[1]!.time).toBe('2026-11-01 09:00:00.000');

    expect(await report('events', path, IDENTITY_EVENT_MAPPING)).toMatchObject({
      inserted: 0,
      updated: 0,
      unchanged: 3,
    });
    expect(Number((await events.query<{ n: number }>('SELECT count() AS n FROM events'))[0]!.n)).toBe(3);
  });

  it('rejects the whole file on invalid JSON, unknown fields, bad times and duplicate ids, writing nothing', async () => {
    const path = file(
      'bad.ndjson',
      [
        line({ event_id: 'e10', distinct_id: 'C1', event: 'x', time: T }),
        '{"event_id": "e11", "distinct_id": "C1", ',
        line({ event_id: 'e12', distinct_id: 'C1', event: 'x', time: T, lib: 'js-sdk' }),
        line({ event_id: 'e13', distinct_id: 'C1', event: 'x', time: 'last tuesday' }),
        line({ event_id: 'e10', distinct_id: 'C1', event: 'x', time: T }),
        '[1,2]',
      ].join('\n'),
    );
    const r = await report('events', path, IDENTITY_EVENT_MAPPING);
    expect(r.status).toBe('rejected');
    expect(r.firstErrors.map((e) => [e.row, e.line, e.field, e.reason.replace(/:.*/, '')])).toEqual([
      [2, 2, '', 'invalid JSON'],
      [3, 3, 'lib', 'unknown field (not in the mapping)'],
      [4, 4, 'time', 'not a time (ms epoch or ISO 8601)'],
      [5, 5, 'event_id', 'duplicate event_id in this file (first at row 1)'],
      [6, 6, '', 'not a JSON object'],
    ]);
    expect(await countEvents()).toBe(3);
  });

  it('collects unmapped CSV columns into properties and refuses unknown customers', async () => {
    const mapping = {
      columns: {
        event_id: { from: '$row', prefix: 'csv-' },
        customer_no: 'cust',
        event: 'evt',
        time: { from: 'ts' },
      },
      extra: 'properties',
    };
    const path = file(
      'events.csv',
      'cust|evt|ts|channel\nC1|login|2026-11-02 10:00:00|app\nC2|login|2026-11-02 11:00:00|web\n',
    );
    expect(await report('events', path, mapping)).toMatchObject({ inserted: 2 });
    const props = await events.query<{ properties: string }>(
      "SELECT properties FROM events_dedup WHERE event_id = 'csv-2'",
    );
    expect(JSON.parse(props[0]!.properties)).toEqual({ channel: 'web' });
    const unknown = file('events-unknown.csv', 'cust|evt|ts|channel\nC404|login|2026-11-02 10:00:00|app\n');
    const r = await report('events', unknown, mapping);
    expect(r.firstErrors[0]).toMatchObject({
      row: 1,
      field: 'customer_no',
      reason: 'unknown customer',
      value: 'C404',
    });
  });

  it('imports transactions by txn_id, refusing unknown products and non-numeric amounts', async () => {
    const mapping = {
      columns: {
        txn_id: 'id',
        customer_no: 'cust',
        account_no: 'acct',
        product_id: 'prod',
        kind: 'kind',
        amount: 'amount',
        channel: 'ch',
        time: 'time',
      },
    };
    const path = file(
      'txns.csv',
      'id,cust,acct,prod,kind,amount,ch,time\nT1,C1,A1,FUND1,purchase,1000.10,app,2026-11-03T10:00:00Z\nT2,C2,A2,FUND1,redemption,50,branch,2026-11-03T11:00:00Z\n',
    );
    expect(await report('transactions', path, mapping)).toMatchObject({ inserted: 2 });
    expect(await report('transactions', path, mapping)).toMatchObject({ unchanged: 2 });
    const amounts = await events.query<{ amount: number }>(
      'SELECT amount FROM transactions_dedup ORDER BY txn_id',
    );
    expect(amounts.map((a) => a.amount)).toEqual([1000.1, 50]);
    const bad = file(
      'txns-bad.csv',
      'id,cust,acct,prod,kind,amount,ch,time\nT3,C1,A1,GOLD,purchase,1,app,2026-11-03T10:00:00Z\nT4,C1,A1,FUND1,purchase,ten,app,2026-11-03T10:00:00Z\n',
    );
    const r = await report('transactions', bad, mapping, true);
    expect(r).toMatchObject({ status: 'committed', inserted: 0, rejected: 2 });
    expect(r.firstErrors.map((e) => e.reason)).toEqual(
      expect.arrayContaining(['unknown product', 'not a number']),
    );
  });
});

describe('engine path (clean NDJSON on chDB)', () => {
  const parsed = { columns: { event_id: 'id', customer_no: 'cust', event: 'name', time: 'ts' } };
  it('loads a clean file in the engine and counts unchanged and updated events on re-import', async () => {
    const rows = (ts: number) =>
      [
        line({ id: 'f1', cust: 'C1', name: 'login', ts }),
        line({ id: 'f2', cust: 'C2', name: 'login', ts: '2026-11-05T10:00:00+08:00' }),
      ].join('\n');
    const path = file('fast.ndjson', rows(T));
    const first = await loadEventsFast(
      path,
      parsed,
      { db: store.db, events, timeZone: 'Asia/Shanghai' },
      't1',
    );
    expect(first).toEqual({
      ok: true,
      value: { read: 2, inserted: 2, updated: 0, unchanged: 0, eventNames: ['login'] },
    });
    expect(
      await loadEventsFast(path, parsed, { db: store.db, events, timeZone: 'Asia/Shanghai' }, 't2'),
    ).toEqual({
      ok: true,
      value: { read: 2, inserted: 0, updated: 0, unchanged: 2, eventNames: ['login'] },
    });
    const changed = file('fast2.ndjson', rows(T + 5));
    expect(
      await loadEventsFast(changed, parsed, { db: store.db, events, timeZone: 'Asia/Shanghai' }, 't3'),
    ).toEqual({
      ok: true,
      value: { read: 2, inserted: 0, updated: 1, unchanged: 1, eventNames: ['login'] },
    });
    const stored = await events.query<{ event_id: string; customer_id: number; time: string }>(
      "SELECT event_id, customer_id, time FROM events_dedup WHERE event_id IN ('f1', 'f2') ORDER BY event_id",
    );
    expect(stored).toEqual([
      { event_id: 'f1', customer_id: 1, time: '2026-11-01 08:00:00.005' },
      { event_id: 'f2', customer_id: 2, time: '2026-11-05 02:00:00.000' },
    ]);
  });

  it('falls back to the row path whenever it cannot vouch for every line', async () => {
    const cases: [string, string][] = [
      ['{"id":"g1","cust":"C1","name":"x","ts":' + T + ',"extra":1}', 'could not parse'],
      ['{"id":"g1","cust":"C1","name":"x","ts":"not a time"}', 'bad times'],
      [
        '{"id":"g1","cust":"C1","name":"x","ts":' +
          T +
          '}\n{"id":"g1","cust":"C1","name":"y","ts":' +
          T +
          '}',
        'duplicates',
      ],
      ['{"id":"g1","cust":"C404","name":"x","ts":' + T + '}', 'unknown customers'],
      ['{"id":"","cust":"C1","name":"x","ts":' + T + '}', 'bad fields'],
      ['{"id":"g1","cust":"C1\\u0000","name":"x","ts":' + T + '}', 'bad fields'],
    ];
    for (const [content, reason] of cases) {
      const r = await loadEventsFast(
        file('doubt.ndjson', content),
        parsed,
        { db: store.db, events, timeZone: 'Asia/Shanghai' },
        'd',
      );
      expect(r.ok ? 'loaded' : r.fallback).toContain(reason);
    }
    const bytes = Buffer.concat([
      Buffer.from('{"id":"g1","cust":"C1","name":"'),
      Buffer.from([0xff]),
      Buffer.from('","ts":' + T + '}\n'),
    ]);
    writeFileSync(join(dir, 'latin.ndjson'), bytes);
    const r = await loadEventsFast(
      join(dir, 'latin.ndjson'),
      parsed,
      { db: store.db, events, timeZone: 'Asia/Shanghai' },
      'u',
    );
    expect(r.ok).toBe(false);
    // Through runImport the row path then locates the bad byte.
    const full = await run('events', join(dir, 'latin.ndjson'), parsed);
    expect(!full.ok && full.error.message).toMatch(/line 1: invalid UTF-8/);
    expect(
      Number(
        (await events.query<{ n: number }>("SELECT count() AS n FROM events WHERE event_id = 'g1'"))[0]!.n,
      ),
    ).toBe(0);
  });
});
