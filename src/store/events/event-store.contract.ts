import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyEventSchema } from './open.ts';
import {
  EventStoreError,
  type BehaviourEvent,
  type DailyCustomerFact,
  type EventStore,
  type TransactionRecord,
} from './store.ts';

// The behaviour every EventStore implementation must share, run against each of them (Hono-style: one suite
// function, one call per implementation). Values are asserted exactly, because callers compare numbers across engines.

/** How the contract reaches one implementation. */
export interface EventStoreHarness {
  /** Opens the store; called again after the store was closed, it must come back on the same data (a restart). */
  open(): Promise<EventStore>;
  /** Releases whatever the harness started (servers, directories). */
  dispose(): Promise<void>;
}

const T0 = Date.UTC(2024, 1, 29, 23, 59, 59, 123); // 2024-02-29 23:59:59.123, a leap day one ms from midnight

function event(id: string, overrides: Partial<BehaviourEvent> = {}): BehaviourEvent {
  return {
    event_id: id,
    customer_id: 7,
    distinct_id: `d-${id}`,
    event: 'login',
    time: T0,
    properties: {},
    ...overrides,
  };
}

function txn(id: string, amount: number, overrides: Partial<TransactionRecord> = {}): TransactionRecord {
  return {
    txn_id: id,
    customer_id: 7,
    account_no: '6222 0001',
    product_id: 'TD-3M',
    kind: 'deposit',
    amount,
    channel: 'app',
    time: T0,
    ...overrides,
  };
}

function daily(date: string, customerId: number, aum: number): DailyCustomerFact {
  return { date, customer_id: customerId, aum, deposit_balance: aum, investment_balance: 0, loan_balance: 0 };
}

/** Registers the event store contract suite for one implementation. */
export function eventStoreContract(
  name: string,
  makeHarness: () => EventStoreHarness | Promise<EventStoreHarness>,
): void {
  describe(`EventStore contract: ${name}`, () => {
    let harness: EventStoreHarness;
    let store: EventStore;
    const scalar = async (sql: string, params?: Parameters<EventStore['query']>[1]) => {
      const [row] = await store.query<{ v: unknown }>(sql, params);
      return row?.v;
    };

    beforeAll(async () => {
      harness = await makeHarness();
      store = await harness.open();
    });
    afterAll(async () => {
      await store?.close();
      await harness?.dispose();
    });
    beforeEach(async () => {
      for (const table of ['events', 'transactions', 'customer_daily'])
        await store.command(`TRUNCATE TABLE ${table}`);
    });

    it('applies the schema again without error or data loss', async () => {
      await store.insert('events', [event('keep')]);
      await applyEventSchema(store);
      await applyEventSchema(store);
      const tables = await store.query<{ name: string }>(
        'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name',
      );
      expect(tables.map((t) => t.name)).toEqual(
        expect.arrayContaining([
          'customer_daily',
          'customer_daily_dedup',
          'events',
          'events_dedup',
          'transactions',
          'transactions_dedup',
        ]),
      );
      expect(await scalar('SELECT count() AS v FROM events_dedup')).toBe(1);
    });

    it('round-trips events exactly: DateTime64 as UTC text, unicode and quotes in properties, integers as numbers', async () => {
      const properties = {
        title: '理财早报 — “稳健” 👍',
        quote: `O'Brien said "hi"`,
        path: 'C:\\tmp\n',
        n: 3,
        ok: true,
      };
      await store.insert('events', [
        event('e-1', { customer_id: 4_000_000_000, properties }),
        event('e-2', { time: 0, distinct_id: 'ü' }),
      ]);
      const rows = await store.query(
        'SELECT event_id, customer_id, distinct_id, event, time, properties FROM events_dedup ORDER BY event_id',
      );
      expect(rows).toEqual([
        {
          event_id: 'e-1',
          customer_id: 4_000_000_000,
          distinct_id: 'd-e-1',
          event: 'login',
          time: '2024-02-29 23:59:59.123',
          properties: JSON.stringify(properties),
        },
        {
          event_id: 'e-2',
          customer_id: 7,
          distinct_id: 'ü',
          event: 'login',
          time: '1970-01-01 00:00:00.000',
          properties: '{}',
        },
      ]);
      expect(JSON.parse(rows[0]!['properties'] as string)).toEqual(properties);
      const [derived] = await store.query(
        "SELECT toDate(time) AS d, toUnixTimestamp64Milli(time) AS ms, count() AS c, toUInt64(18446744073709) AS big FROM events_dedup WHERE event_id = 'e-1' GROUP BY time",
      );
      expect(derived).toEqual({ d: '2024-02-29', ms: T0, c: 1, big: 18446744073709 });
    });

    it('round-trips transactions and daily facts with exact decimals', async () => {
      await store.insert('transactions', [
        txn('t-1', 0.01),
        txn('t-2', 123_456_789_012.34, { kind: 'purchase' }),
        txn('t-3', 1999.9),
      ]);
      await store.insert('customer_daily', [
        daily('2024-02-29', 7, 6_000_000),
        { ...daily('2024-03-01', 7, 1234.56), loan_balance: 99.99 },
      ]);
      expect(
        await store.query('SELECT txn_id, amount, kind, time FROM transactions_dedup ORDER BY txn_id'),
      ).toEqual([
        { txn_id: 't-1', amount: 0.01, kind: 'deposit', time: '2024-02-29 23:59:59.123' },
        { txn_id: 't-2', amount: 123_456_789_012.34, kind: 'purchase', time: '2024-02-29 23:59:59.123' },
        { txn_id: 't-3', amount: 1999.9, kind: 'deposit', time: '2024-02-29 23:59:59.123' },
      ]);
      expect(await scalar("SELECT sum(amount) AS v FROM transactions_dedup WHERE txn_id != 't-2'")).toBe(
        1999.91,
      );
      expect(
        await store.query(
          'SELECT date, customer_id, aum, loan_balance FROM customer_daily_dedup ORDER BY date',
        ),
      ).toEqual([
        { date: '2024-02-29', customer_id: 7, aum: 6_000_000, loan_balance: 0 },
        { date: '2024-03-01', customer_id: 7, aum: 1234.56, loan_balance: 99.99 },
      ]);
    });

    it('counts a duplicate event id once, within one batch and across batches', async () => {
      await store.insert('events', [event('dup'), event('dup'), event('other', { customer_id: 8 })]);
      await store.insert('events', [event('dup'), event('other', { customer_id: 8 })]);
      const [row] = await store.query(
        'SELECT count() AS n, uniqExact(event_id) AS ids, sum(customer_id) AS s FROM events_dedup',
      );
      expect(row).toEqual({ n: 2, ids: 2, s: 15 });
      const perEvent = await store.query(
        "SELECT event, count() AS n FROM events_dedup WHERE time >= '2024-02-29' GROUP BY event",
      );
      expect(perEvent).toEqual([{ event: 'login', n: 2 }]);
    });

    it('sums a re-sent transaction once and keeps the latest daily fact per (date, customer)', async () => {
      await store.insert('transactions', [txn('t-1', 100.5), txn('t-1', 100.5)]);
      await store.insert('transactions', [txn('t-1', 100.5), txn('t-2', 0.5)]);
      expect(await store.query('SELECT count() AS n, sum(amount) AS total FROM transactions_dedup')).toEqual([
        { n: 2, total: 101 },
      ]);
      await store.insert('customer_daily', [daily('2024-03-01', 7, 100)]);
      await store.insert('customer_daily', [daily('2024-03-01', 7, 250.25), daily('2024-03-01', 8, 1)]);
      expect(
        await store.query('SELECT customer_id, aum FROM customer_daily_dedup ORDER BY customer_id'),
      ).toEqual([
        { customer_id: 7, aum: 250.25 },
        { customer_id: 8, aum: 1 },
      ]);
    });

    it('bulk-loads NDJSON files for every table, deduplicating against earlier rows and within the file', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'flywheel-ndjson-'));
      try {
        await store.insert('events', [event('e-1')]);
        const lines = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
        const files = {
          events: lines([
            event('e-1'),
            event('e-2', { properties: { a: "it's 中文" } }),
            event('e-2', { properties: { a: "it's 中文" } }),
          ]),
          transactions: lines([txn('t-1', 10.25), txn('t-1', 10.25), txn('t-2', 0.75)]),
          customer_daily: lines([daily('2024-03-01', 7, 42.42)]),
        };
        for (const [table, text] of Object.entries(files)) {
          await writeFile(join(dir, `${table}.ndjson`), text);
          await store.insertNdjsonFile(table as keyof typeof files, join(dir, `${table}.ndjson`));
        }
        expect(
          await store.query(
            "SELECT count() AS n, anyIf(properties, event_id = 'e-2') AS p, max(time) AS t FROM events_dedup",
          ),
        ).toEqual([{ n: 2, p: JSON.stringify({ a: "it's 中文" }), t: '2024-02-29 23:59:59.123' }]);
        expect(
          await store.query('SELECT count() AS n, sum(amount) AS total FROM transactions_dedup'),
        ).toEqual([{ n: 2, total: 11 }]);
        expect(await store.query('SELECT date, aum FROM customer_daily_dedup')).toEqual([
          { date: '2024-03-01', aum: 42.42 },
        ]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('binds parameters server-side: arrays, quotes, backslashes, dates; an injection attempt is only a string', async () => {
      await store.insert('events', [
        event("o'brien"),
        event('back\\slash'),
        event('plain', { time: T0 + 1 }),
      ]);
      const ids = ["o'brien", 'back\\slash', 'missing'];
      expect(
        await store.query(
          'SELECT event_id FROM events_dedup WHERE event_id IN {ids:Array(String)} ORDER BY event_id',
          { ids },
        ),
      ).toEqual([{ event_id: 'back\\slash' }, { event_id: "o'brien" }]);
      const injection = "x' OR 1=1; DROP TABLE events; --";
      expect(
        await store.query('SELECT event_id FROM events_dedup WHERE event_id = {id:String}', {
          id: injection,
        }),
      ).toEqual([]);
      expect(await scalar('SELECT {s:String} AS v', { s: injection })).toBe(injection);
      expect(await scalar('SELECT count() AS v FROM events_dedup')).toBe(3);
      const window = { from: '2024-02-29 23:59:59.124', customers: [7, 9], min: 7, flag: true };
      expect(
        await store.query(
          'SELECT event_id, {flag:Bool} AS flag FROM events_dedup WHERE time >= {from:DateTime64(3)} AND customer_id IN {customers:Array(UInt32)} AND customer_id >= {min:UInt32}',
          window,
        ),
      ).toEqual([{ event_id: 'plain', flag: true }]);
      const many = Array.from({ length: 5000 }, (_, i) => `id-${i}`);
      expect(await scalar('SELECT length({many:Array(String)}) AS v', { many })).toBe(5000);
      await store.command(
        "INSERT INTO events (event_id, customer_id, distinct_id, event, time, properties) SELECT {id:String}, 1, '', 'copied', time, '{}' FROM events WHERE event_id = {from_id:String}",
        { id: injection, from_id: "o'brien" },
      );
      expect(await store.query("SELECT event_id FROM events_dedup WHERE event = 'copied'")).toEqual([
        { event_id: injection },
      ]);
    });

    it('reports failures as thrown EventStoreErrors with the ClickHouse code and a readable message', async () => {
      const failure = (p: Promise<unknown>) =>
        p.then(
          () => expect.unreachable('should have failed'),
          (e: unknown) => e as EventStoreError,
        );
      const syntax = await failure(store.query('SELEC 1'));
      expect(syntax).toBeInstanceOf(EventStoreError);
      expect(syntax).toMatchObject({ code: 62, type: 'SYNTAX_ERROR' });
      expect(syntax.message).toMatch(/Syntax error.*SELEC 1/s);
      const table = await failure(store.query('SELECT * FROM no_such_table'));
      expect(table).toMatchObject({ code: 60, type: 'UNKNOWN_TABLE' });
      expect(table.message).toContain('no_such_table');
      expect(await failure(store.query('SELECT {missing:String}'))).toMatchObject({ code: 456 });
      const bad = await failure(
        store.insert('events', [event('bad', { customer_id: 'seven' as unknown as number })]),
      );
      expect(bad).toBeInstanceOf(EventStoreError);
      expect(bad.message).toMatch(/customer_id|parse/i);
      expect(
        await failure(store.insertNdjsonFile('events', join(tmpdir(), 'flywheel-no-such-file.ndjson'))),
      ).toBeInstanceOf(EventStoreError);
      // The store is still usable after errors.
      expect(await scalar('SELECT 1 + 1 AS v')).toBe(2);
    });

    it('keeps data across close and reopen', async () => {
      await store.insert('events', [event('persisted', { properties: { k: 'v' } })]);
      await store.insert('transactions', [txn('persisted', 42.5)]);
      await store.close();
      store = await harness.open();
      expect(await store.query('SELECT event_id, properties FROM events_dedup')).toEqual([
        { event_id: 'persisted', properties: '{"k":"v"}' },
      ]);
      expect(await scalar('SELECT sum(amount) AS v FROM transactions_dedup')).toBe(42.5);
    });
  });
}
