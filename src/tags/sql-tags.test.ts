import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { createTestDatabase, postgresAvailable, type TestDatabase } from '../../test/support/postgres.ts';
import { openEventStore } from '../store/events/open.ts';
import type { EventStore } from '../store/events/store.ts';
import { migrate } from '../store/operational/migrate.ts';
import { openOperationalStore } from '../store/operational/open.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import type { SqlSpec } from './definition.ts';
import { checkSqlTag, runEventSql, runOperationalSql } from './sql-tags.ts';

// Issue #9: SQL tags cannot escape. Every payload below was (or could have been) an escape through the text checks
// that read SQL with regular expressions; each is replayed on the embedded stores and on PostgreSQL, and must be
// refused with a located reason, change nothing (no table, no row, no role, no sequence), and return no personal
// data or credential.

let events: EventStore;
const AS_OF = '2025-06-30';
/** The day SQL tags run with: `{as_of}` and the bank's zone, `{tz}`. */
const DAY = { asOf: AS_OF, timeZone: 'Asia/Shanghai' };
const PII = { name: '欧阳明华', phone: '13911112222', id_number: '11010119800101123X' };
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
      { id: 1, customer_no: 'C1', aum: 10, ...PII },
      { id: 2, customer_no: 'C2', aum: 20 },
    ])
    .execute();
  await store.db
    .insertInto('users')
    .values({ username: 'analyst1', password_hash: 'scrypt$secret-hash', role: 'analyst' })
    .execute();
}

async function state(store: OperationalStore) {
  const rows = await sql<Record<string, unknown>>`
    select (select count(*)::int from customers) as n, (select sum(aum) from customers) as aum,
           (select count(*)::int from tag_runs) as runs,
           (select role from users where username = 'analyst1') as role,
           (select count(*)::int from information_schema.tables
             where table_schema not in ('pg_catalog', 'information_schema')) as tables,
           (select count(*)::int from pg_roles) as roles,
           (select last_value::int from tag_runs_id_seq) as seq`.execute(store.db);
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

/** The escapes of the issue, then our own attempts beyond them. */
const OPERATIONAL_ESCAPES: [label: string, text: string, reason: RegExp][] = [
  [
    "a '--' literal hiding `; commit; update users …`",
    `select customer_no, '--' as value from customers) q; commit; update users set role='admin' where username='analyst1'; select (select 1`,
    /does not parse: syntax error at or near "\)"/,
  ],
  [
    "a '--' literal hiding a read of password hashes",
    `select customer_no, '--' || (select string_agg(username||':'||password_hash,' ') from users) as value from customers`,
    /users cannot be read by SQL tags/,
  ],
  [
    'personal data',
    `select customer_no, name||phone||id_number as value from customers`,
    /column "name" does not exist/,
  ],
  [
    'a second statement',
    `select id as customer_id, 'x' as value from customers; drop table customers`,
    /exactly one statement/,
  ],
  ['an update', `update customers set aum = 0`, /must be a SELECT/],
  [
    'a data-modifying CTE',
    `with d as (delete from customers returning id) select id as customer_id, 'x' as value from d`,
    /DELETE is not allowed/,
  ],
  [
    'a sequence moved in a function',
    `select nextval('tag_runs_id_seq')::int as customer_id, 'x' as value`,
    /function nextval is not allowed/,
  ],
  [
    'the role switched by set_config',
    `select id as customer_id, set_config('role', current_user, true) as value from customers`,
    /function set_config is not allowed/,
  ],
  [
    'SQL run by query_to_xml',
    `select id as customer_id, query_to_xml('update users set role = ''admin''', true, false, '')::text as value from customers`,
    /function query_to_xml is not allowed/,
  ],
  [
    'a schema-qualified table',
    `select id as customer_id, password_hash as value from public.users`,
    /public\.users cannot be read/,
  ],
  [
    'a quoted, upper-case name',
    `select id as customer_id, password_hash as value from "users"`,
    /users cannot be read/,
  ],
  [
    'a Unicode-escaped name',
    `select 1 as customer_id, 'x' as value from U&"\\0075sers"`,
    /users cannot be read/,
  ],
  [
    'a system catalogue',
    `select 1 as customer_id, rolpassword as value from pg_authid`,
    /pg_authid cannot be read/,
  ],
  [
    'a CTE shadowing a catalogue',
    `with pg_authid as (select 1 as customer_id, 'x' as value) select * from pg_authid`,
    /may not start with pg_/,
  ],
  [
    'a file read',
    `select 1 as customer_id, pg_read_file('/etc/passwd') as value`,
    /function pg_read_file is not allowed/,
  ],
  [
    'a setting read',
    `select 1 as customer_id, current_setting('data_directory') as value`,
    /function current_setting is not allowed/,
  ],
  [
    'SELECT INTO',
    `select id as customer_id, 'x' as value into stolen from customers`,
    /SELECT … INTO is not allowed/,
  ],
  ['FOR UPDATE', `select id as customer_id, 'x' as value from customers for update`, /FOR UPDATE/],
  [
    'a sleep',
    `select id as customer_id, 'x' as value from customers, pg_sleep(10)`,
    /function pg_sleep is not allowed/,
  ],
  [
    'rows out of nothing',
    `select g as customer_id, 'x' as value from generate_series(1, 100000000) g`,
    /function generate_series is not allowed/,
  ],
  [
    'unbounded recursion',
    `with recursive r(n) as (select 1 union all select n + 1 from r) select n as customer_id, 'x' as value from r`,
    /WITH RECURSIVE is not allowed/,
  ],
  [
    'a custom operator schema',
    `select id as customer_id, 'x' as value from customers where id operator(public.=) 1`,
    /operator public\.= is not allowed/,
  ],
  [
    'a cast to a foreign type',
    `select id as customer_id, 'x'::public.evil as value from customers`,
    /type public\.evil is not allowed/,
  ],
];

function operationalSuite(
  name: string,
  open: () => Promise<{ store: OperationalStore; close: () => Promise<void> }>,
) {
  describe(`SQL tags on ${name}`, () => {
    let store: OperationalStore;
    let close: () => Promise<void>;
    beforeAll(async () => {
      ({ store, close } = await open());
      await seed(store);
    });
    afterAll(async () => close?.());
    const stores = () => ({ events, sandbox: () => store.sandbox() });

    it('computes values by customer id and by customer number, {as_of} bound to the day', async () => {
      const byId = await runOperationalSql(
        stores(),
        'level',
        spec(`select id as customer_id, case when aum > 15 then 'high' else 'low' end as value from customers
               where customer_since is null or customer_since <= {as_of}; -- trailing comment`),
        DAY,
      );
      expect(Object.fromEntries([...byId].map(([v, b]) => [v, b.toArray()]))).toEqual({
        high: [2],
        low: [1],
      });
      const byNo = await runOperationalSql(
        stores(),
        'level',
        spec(`select customer_no, 'x' as value from customers c join holdings h on h.customer_id = c.id
              union all select customer_no, 'y' from customers where birth_year is null`),
        DAY,
      );
      expect(byNo.get('y')?.toArray()).toEqual([1, 2]);
    });

    it("binds {tz} to the bank's zone as a text literal", async () => {
      const zone = await runOperationalSql(
        stores(),
        'zone',
        spec(`select id as customer_id, {tz} || ':' || (timestamptz '2025-06-01 00:00+00' at time zone {tz})::date
                as value from customers where id = 1`),
        DAY,
      );
      expect([...zone.keys()]).toEqual(['Asia/Shanghai:2025-06-01']);
    });

    it.each(OPERATIONAL_ESCAPES)('refuses %s, located, and changes nothing', async (_label, text, reason) => {
      const before = await state(store);
      const attempt = runOperationalSql(stores(), 'evil', spec(text), DAY);
      await expect(attempt).rejects.toThrow(/SQL tag 'evil'/);
      await expect(attempt).rejects.toThrow(reason);
      const checked = await checkSqlTag(stores(), spec(text), DAY);
      expect(checked.ok).toBe(false);
      if (!checked.ok) expect(checked.error.map((i) => i.message).join('; ')).toMatch(reason);
      expect(await state(store)).toEqual(before);
    });

    it('locates a refusal by line and column', async () => {
      const escape = await checkSqlTag(stores(), spec(OPERATIONAL_ESCAPES[0]![1]), DAY);
      expect(escape.ok).toBe(false);
      if (!escape.ok) expect(escape.error[0]).toMatchObject({ line: 1, column: 49 });
      const checked = await checkSqlTag(
        stores(),
        spec(`select id as customer_id,\n       pg_sleep(1) as value\n  from customers`),
        DAY,
      );
      expect(checked.ok).toBe(false);
      if (!checked.ok) expect(checked.error[0]).toMatchObject({ line: 2, column: 8 });
    });

    it('answers the columns a statement returns, and refuses a statement without customer and value', async () => {
      const good = await checkSqlTag(
        stores(),
        spec(`select id as customer_id, tier as value from customers`),
        DAY,
      );
      expect(good).toEqual({ ok: true, value: { columns: ['customer_id', 'value'] } });
      const bad = await checkSqlTag(stores(), spec(`select id, tier from customers`), DAY);
      expect(bad.ok).toBe(false);
      if (!bad.ok)
        expect(bad.error[0]?.message).toMatch(/must return columns customer_id .* it returns id, tier/);
    });
  });
}

operationalSuite('PGlite', async () => {
  const store = await openMigratedMemoryStore();
  return { store, close: () => store.close() };
});

const pg = await postgresAvailable();
if (pg) {
  let database: TestDatabase;
  operationalSuite('PostgreSQL', async () => {
    database = await createTestDatabase('flywheel_tags');
    const store = await openOperationalStore({ kind: 'postgres', url: database.url });
    await migrate(store);
    return {
      store,
      close: async () => {
        await store.close();
        await database.drop();
      },
    };
  });

  describe('the PostgreSQL sandbox login itself (the parse-tree check bypassed)', () => {
    let store: OperationalStore;
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase('flywheel_sandbox');
      store = await openOperationalStore({ kind: 'postgres', url: db.url });
      await migrate(store);
      await seed(store);
    });
    afterAll(async () => {
      await store?.close();
      await db?.drop();
    });

    it.each([
      ['a table with credentials', `select password_hash from public.users`, /permission denied/],
      ['personal data', `select name, phone from public.customers`, /permission denied/],
      [
        'the role switched back',
        `select set_config('role', '${'postgres'}', true)`,
        /permission denied to set role/,
      ],
      [
        'SQL run by a function',
        `select query_to_xml('select * from public.users', true, false, '')`,
        /permission denied/,
      ],
      ['a write', `select nextval('public.tag_runs_id_seq')`, /permission denied|read-only/],
      ['a second command', `select 1; select 2`, /cannot insert multiple commands/],
    ])('refuses %s', async (_label, text, reason) => {
      const sandbox = await store.sandbox();
      expect(sandbox.confinedBy).toBe('login_role');
      await expect(sandbox.query(text, 5_000)).rejects.toThrow(reason);
      expect(await state(store)).toMatchObject({ role: 'analyst', seq: 1 });
    });

    it('reads the sandbox views and cancels a statement past its limit', async () => {
      const sandbox = await store.sandbox();
      const read = await sandbox.query<{ n: number }>(`select count(*)::int as n from customers`, 5_000);
      expect(read.rows).toEqual([{ n: 2 }]);
      const started = performance.now();
      await expect(sandbox.query(`select pg_sleep(3)`, 300)).rejects.toThrow(/statement timeout/);
      expect(performance.now() - started).toBeLessThan(2_500);
    });
  });
}

describe('SQL tags on the event store', () => {
  const events_ = (text: string, extra: Partial<SqlSpec> = {}) => spec(text, { store: 'events', ...extra });
  const state_ = async () => ({
    events: Number((await events.query<{ n: number }>('SELECT count() AS n FROM events'))[0]?.n),
    tables: (
      await events.query<{ name: string }>(
        'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name',
      )
    ).map((t) => t.name),
  });

  it('computes values with {as_of} bound to the business day', async () => {
    const text = `SELECT customer_id, 'yes' AS value FROM events_dedup WHERE toDate(time) <= {as_of}`;
    expect((await runEventSql(events, 'opened', events_(text), DAY)).get('yes')?.toArray()).toEqual([1]);
    expect((await runEventSql(events, 'opened', events_(text), { ...DAY, asOf: '2025-05-01' })).size).toBe(0);
    expect(await checkSqlTag({ events }, events_(text), DAY)).toEqual({
      ok: true,
      value: { columns: ['customer_id', 'value'] },
    });
  });

  it.each([
    [
      "a '--' literal hiding `; CREATE TABLE …`",
      `SELECT customer_id, '--' AS value FROM events_dedup) ; CREATE TABLE evil (a UInt8) ENGINE = Memory; SELECT (SELECT 1`,
      /line 1, column 52: does not parse: Syntax error/,
    ],
    [
      'a second statement',
      `SELECT customer_id, 'x' AS value FROM events; DROP TABLE events`,
      /Multi-statements are not allowed/,
    ],
    ['an insert', `INSERT INTO events (event_id) VALUES ('x')`, /must be a SELECT/],
    [
      'a file read by a function',
      `SELECT customer_id, file('/etc/passwd') AS value FROM events_dedup`,
      /function file is not allowed/,
    ],
    [
      'a file read by a table function',
      `SELECT 1 AS customer_id, line AS value FROM file('/etc/hostname', 'LineAsString')`,
      /table function file is not allowed/,
    ],
    [
      'a PostgreSQL read',
      `SELECT 1 AS customer_id, rolname AS value FROM postgresql('127.0.0.1:5432', 'postgres', 'pg_authid', 'postgres', '')`,
      /table function postgresql is not allowed/,
    ],
    [
      'read-only lifted in a subquery',
      `SELECT * FROM (SELECT 1 AS customer_id, 'x' AS value SETTINGS readonly = 0)`,
      /SETTINGS clause is not allowed/,
    ],
    [
      'a system table',
      `SELECT 1 AS customer_id, name AS value FROM system.users`,
      /system\.users cannot be read/,
    ],
    [
      'a system table as a set',
      `SELECT customer_id, 'x' AS value FROM events_dedup WHERE event IN system.tables`,
      /system\.tables cannot be read/,
    ],
    [
      'a sleep',
      `SELECT customer_id, toString(sleep(3)) AS value FROM events_dedup`,
      /function sleep is not allowed/,
    ],
    [
      'another table read by joinGet',
      `SELECT customer_id, joinGet('x', 'y', 1) AS value FROM events_dedup`,
      /function joinGet is not allowed/,
    ],
    [
      'a call out',
      `SELECT customer_id, AIGenerate('hi') AS value FROM events_dedup`,
      /function AIGenerate is not allowed/,
    ],
  ])('refuses %s and changes nothing', async (_label, text, reason) => {
    const before = await state_();
    await expect(runEventSql(events, 'evil', events_(text), DAY)).rejects.toThrow(reason);
    const checked = await checkSqlTag({ events }, events_(text), DAY);
    expect(checked.ok).toBe(false);
    expect(await state_()).toEqual(before);
  });

  it("binds {tz} to the bank's zone, so a tag cuts days where every other part of Flywheel does", async () => {
    // event 'a' is at 2025-06-01 00:00 UTC: 08:00 on June 1st in Shanghai, 20:00 on May 31st in New York
    const text = `SELECT customer_id, toString(toDate(time, {tz})) AS value FROM events_dedup WHERE event_id = 'a'`;
    const day = async (timeZone: string) => [
      ...(await runEventSql(events, 'day', events_(text), { ...DAY, timeZone })).keys(),
    ];
    expect(await day('Asia/Shanghai')).toEqual(['2025-06-01']);
    expect(await day('America/New_York')).toEqual(['2025-05-31']);
    await expect(runEventSql(events, 'day', events_(text), { ...DAY, timeZone: "UTC') --" })).rejects.toThrow(
      /SQL tag 'day': .*not an IANA time zone name/,
    );
  });

  it('accepts the aggregate combinators and lambdas of the catalogue', async () => {
    const text = `SELECT customer_id, if(countIf(event = 'app_open') > 0, 'a', 'b') AS value,
                         arrayMap(x -> x + 1, [1]) AS m FROM events_dedup GROUP BY customer_id`;
    expect((await runEventSql(events, 'ok', events_(text), DAY)).get('a')?.toArray()).toEqual([1]);
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
        DAY,
      ),
    ).rejects.toThrow(/SQL tag 'slow': ran past its time limit of 300 ms/);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
