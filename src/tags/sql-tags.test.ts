import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../test/support/postgres.ts';
import { openEventStore } from '../store/events/open.ts';
import type { EventStore } from '../store/events/store.ts';
import { migrate } from '../store/operational/migrate.ts';
import { openOperationalStore } from '../store/operational/open.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { parseTagInput, type SqlSpec } from './definition.ts';
import { runEventSql, runOperationalSql } from './sql-tags.ts';

// SQL tags must not change anything and must not run past their limit: the read-only transaction refuses writes,
// a second statement is refused, and a slow statement is cancelled (PostgreSQL, ClickHouse) or its result refused
// after the fact (PGlite, which cannot interrupt a running statement).

let events: EventStore;
const spec = (text: string, extra: Partial<SqlSpec> = {}): SqlSpec => ({
  store: 'operational',
  sql: text,
  timeout_ms: 30_000,
  ...extra,
});

async function seed(store: OperationalStore) {
  await store.db
    .insertInto('customers')
    .values([
      { id: 1, customer_no: 'C1', aum: 10 },
      { id: 2, customer_no: 'C2', aum: 20 },
    ])
    .execute();
}

async function state(store: OperationalStore) {
  const rows = await sql<{ n: number; aum: number; runs: number; tables: number }>`
    select (select count(*)::int from customers) as n, (select sum(aum) from customers) as aum,
           (select count(*)::int from tag_runs) as runs,
           (select count(*)::int from information_schema.tables where table_schema = 'public') as tables`.execute(
    store.db,
  );
  return rows.rows[0];
}

beforeAll(async () => {
  events = await openEventStore({ kind: 'chdb', dataDir: null });
  await events.insert('events', [
    {
      event_id: 'a',
      customer_id: 1,
      distinct_id: 'd1',
      event: 'app_open',
      time: Date.parse('2025-06-01T00:00:00Z'),
      properties: {},
    },
  ]);
});
afterAll(async () => events?.close());

describe('SQL tag definitions', () => {
  it.each([
    ['insert into customers (id, customer_no) values (9, $$C9$$)', 'must be a SELECT'],
    ['update customers set aum = 0', 'must be a SELECT'],
    ['drop table customers', 'must be a SELECT'],
    ['select id as customer_id, 1 as value from customers; drop table customers', 'one SELECT statement'],
  ])('refuses %s', (text, message) => {
    const parsed = parseTagInput({
      key: 'x',
      name_en: 'x',
      name_zh: 'x',
      category: 'custom',
      kind: 'sql',
      spec: { sql: text },
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.map((i) => i.message).join(' ')).toContain(message);
  });
});

function operationalSuite(
  name: string,
  open: () => Promise<{ store: OperationalStore; close: () => Promise<void> }>,
  cancels: boolean,
) {
  describe(`SQL tags on ${name}`, () => {
    let store: OperationalStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await open());
      await seed(store);
    });
    afterAll(async () => close?.());

    it('computes values by customer id', async () => {
      const values = await runOperationalSql(
        store.db,
        'level',
        spec(
          `select id as customer_id, case when aum > 15 then 'high' else 'low' end as value from customers`,
        ),
        '2025-06-30',
      );
      expect(Object.fromEntries([...values].map(([v, b]) => [v, b.toArray()]))).toEqual({
        high: [2],
        low: [1],
      });
    });

    it.each([
      [
        'a write hidden in a function',
        `select nextval('tag_runs_id_seq')::int as customer_id, 'x' as value`,
        /read-only|not allowed/,
      ],
      [
        'a data-modifying CTE',
        `with d as (delete from customers returning id) select id as customer_id, 'x' as value from d`,
        /WITH|read-only/,
      ],
      [
        'a second statement',
        `select id as customer_id, 'x' as value from customers; drop table customers`,
        /only one statement/,
      ],
      ['an update', `update customers set aum = 0`, /must be a SELECT/],
      ['credentials', `select id as customer_id, password_hash as value from users`, /credentials/],
    ])('refuses %s and changes nothing', async (_label, text, message) => {
      const before = await state(store);
      const attempt = runOperationalSql(store.db, 'evil', spec(text), '2025-06-30');
      await expect(attempt).rejects.toThrow(/SQL tag 'evil'/);
      await expect(attempt).rejects.toThrow(message);
      expect(await state(store)).toEqual(before);
      expect(
        (await sql<{ v: number | null }>`select last_value::int as v from tag_runs_id_seq`.execute(store.db))
          .rows[0]?.v,
      ).toBe(1);
    });

    it(`stops a statement that runs past the limit (${cancels ? 'cancelled' : 'result refused'})`, async () => {
      const started = performance.now();
      const attempt = runOperationalSql(
        store.db,
        'slow',
        spec(`select id as customer_id, 'x' as value from customers, pg_sleep(1.2)`, { timeout_ms: 300 }),
        '2025-06-30',
      );
      await expect(attempt).rejects.toThrow(/SQL tag 'slow': ran past its time limit of 300 ms/);
      const elapsed = performance.now() - started;
      if (cancels) expect(elapsed).toBeLessThan(1_000);
      else expect(elapsed).toBeGreaterThanOrEqual(1_150);
      // the connection is usable afterwards
      expect((await state(store))?.n).toBe(2);
    });
  });
}

operationalSuite(
  'PGlite',
  async () => {
    const store = await openMigratedMemoryStore();
    return { store, close: () => store.close() };
  },
  false,
);

const pg = await postgresAvailable();
if (pg) {
  operationalSuite(
    'PostgreSQL',
    async () => {
      const database: TestDatabase = await createTestDatabase('flywheel_tags');
      const store = await openOperationalStore({ kind: 'postgres', url: database.url });
      await migrate(store);
      return {
        store,
        close: async () => {
          await store.close();
          await database.drop();
        },
      };
    },
    true,
  );
}

describe('SQL tags on the event store', () => {
  const events_ = (text: string, extra: Partial<SqlSpec> = {}) => spec(text, { store: 'events', ...extra });
  const count = async () =>
    Number((await events.query<{ n: number }>('SELECT count() AS n FROM events'))[0]?.n);

  it('computes values with {as_of} bound to the business day', async () => {
    const values = await runEventSql(
      events,
      'opened',
      events_(`SELECT customer_id, 'yes' AS value FROM events_dedup WHERE toDate(time) <= {as_of}`),
      '2025-06-30',
    );
    expect(values.get('yes')?.toArray()).toEqual([1]);
    expect(
      (
        await runEventSql(
          events,
          'opened',
          events_(`SELECT customer_id, 'yes' AS value FROM events_dedup WHERE toDate(time) <= {as_of}`),
          '2025-05-01',
        )
      ).size,
    ).toBe(0);
  });

  it.each([
    ['an insert', `INSERT INTO events (event_id) VALUES ('x')`, /must be a SELECT/],
    [
      'a second statement',
      `SELECT customer_id, 'x' AS value FROM events; DROP TABLE events`,
      /only one statement/,
    ],
    [
      'a file read',
      `SELECT 1 AS customer_id, line AS value FROM file('/etc/hostname', 'LineAsString')`,
      /read-only|readonly/i,
    ],
  ])('refuses %s and changes nothing', async (_label, text, message) => {
    const before = await count();
    await expect(runEventSql(events, 'evil', events_(text), '2025-06-30')).rejects.toThrow(message);
    expect(await count()).toBe(before);
  });

  it('cancels a statement that runs past the limit', async () => {
    const started = performance.now();
    await expect(
      runEventSql(
        events,
        'slow',
        events_(`SELECT number AS customer_id, 'x' AS value FROM numbers(1000000000000)`, {
          timeout_ms: 300,
        }),
        '2025-06-30',
      ),
    ).rejects.toThrow(/SQL tag 'slow': ran past its time limit of 300 ms/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
