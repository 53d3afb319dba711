import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestEvents } from '../../src/ingest/api.ts';
import { EventWriter } from '../../src/ingest/event-writer.ts';
import type { EngineDeps } from '../../src/journeys/engine.ts';
import { feedJourneyEvents, type EventFeedDeps } from '../../src/journeys/event-feed.ts';
import { setJourneyStatus } from '../../src/journeys/service.ts';
import { clockOf } from '../../src/shared/clock.ts';
import { openEventStore } from '../../src/store/events/open.ts';
import type { EventStore } from '../../src/store/events/store.ts';
import type { Database } from '../../src/store/operational/database.ts';
import { ENGINES } from '../support/behaviour-fixture.ts';
import { startChdbHttpServer, type ChdbHttpServer } from '../support/chdb-http-server.ts';
import {
  awaitViewJourney,
  drain,
  liveJourney,
  engineDepsWithoutRules,
  restJourney,
  seedJourneyBank,
} from '../support/journey-fixture.ts';
import { engines } from '../support/stores.ts';

// Events posted through the real ingestion path (ingestEvents, behind POST /v1/events) reach journeys through the
// event feed: an event with matching properties enters, others do not; an event id stored twice (re-sent to another
// API process) enters once; a goal converts; an awaited event wakes a wait before its timeout; a pass that dies
// before committing leaves nothing and the next applies the page once; with no journey listening the event store is
// not queried. On both operational stores and both ways to the event store (chDB, a ClickHouse client over HTTP).

const START = new Date('2026-12-07T02:00:00Z');
const MIN = 60_000;
const at = (minutes: number) => new Date(START.getTime() + minutes * MIN);
const customerNo = (id: number) => `K${String(id).padStart(7, '0')}`;

/** An event store that counts its queries, to see that an idle feed asks it nothing. */
function counting(events: EventStore): EventStore & { queries: number } {
  const counted = {
    kind: events.kind,
    queries: 0,
    query: <Row>(...args: Parameters<EventStore['query']>) => {
      counted.queries++;
      return events.query<Row>(...args);
    },
    queryConfined: events.queryConfined.bind(events),
    command: events.command.bind(events),
    insert: events.insert.bind(events),
    insertNdjsonFile: events.insertNdjsonFile.bind(events),
    close: () => events.close(),
  };
  return counted;
}

for (const engine of await engines())
  for (const eventEngine of ENGINES)
    describe(`the journey event feed on ${engine.name} and ${eventEngine}`, () => {
      let db: Kysely<Database>;
      let dispose: () => Promise<void>;
      let server: ChdbHttpServer | null = null;
      let dir: string;
      let events: EventStore & { queries: number };
      let now = START;
      const clock = clockOf(() => now);
      let feed: EventFeedDeps;
      let engineDeps: EngineDeps;
      let writer: EventWriter;
      let n = 0;

      /** Posts events as POST /v1/events does: [customer, event, minutes after START, properties]. */
      const post = async (
        items: readonly [number, string, number, Record<string, unknown>?][],
        through = writer,
        ids?: readonly string[],
      ) => {
        const result = await ingestEvents(
          items.map(([id, event, minutes, properties], i) => ({
            event_id: ids?.[i] ?? `e${++n}`,
            distinct_id: customerNo(id),
            event,
            time: at(minutes).toISOString(),
            ...(properties ? { properties } : {}),
          })),
          { db, writer: through, calendar: clock },
        );
        expect(result.rejected).toBe(0);
        return result;
      };
      const members = (journeyId: number) =>
        db
          .selectFrom('journey_memberships')
          .select(['customer_id', 'entry_no', 'state', 'exit_reason', 'converted_at', 'entered_at'])
          .where('journey_id', '=', journeyId)
          .orderBy('customer_id')
          .orderBy('entry_no')
          .execute();

      beforeAll(async () => {
        const opened = await engine.open();
        dispose = opened.dispose;
        db = opened.store.db;
        dir = await mkdtemp(join(tmpdir(), 'flywheel-journey-feed-'));
        server = eventEngine === 'chDB' ? null : await startChdbHttpServer({ dataDir: dir });
        events = counting(
          server
            ? await openEventStore({ kind: 'clickhouse', url: server.url })
            : await openEventStore({ kind: 'chdb', dataDir: null }),
        );
        await seedJourneyBank(db, clock, 40, '2026-12-20');
        feed = { db, clock, events };
        engineDeps = engineDepsWithoutRules(db, clock);
        writer = new EventWriter(events);
      });
      afterAll(async () => {
        await events.close();
        await server?.close();
        await dispose();
        await rm(dir, { recursive: true, force: true });
      });

      it('enters customers whose event matches the property conditions, once per event id', async () => {
        now = START;
        const { journeyId } = await liveJourney(
          db,
          clock,
          'Fund viewers',
          restJourney({ kind: 'event', event: 'view_product', where: { product: 'FUND1' } }),
        );
        await post([
          [1, 'view_product', 1, { product: 'FUND1' }],
          [2, 'view_product', 2, { product: 'FUND1', os: 'ios' }],
          [3, 'view_product', 3, { product: 'FUND2' }],
          [4, 'view_product', 4],
          [5, 'app_open', 5, { product: 'FUND1' }],
        ]);
        // Four events of a name the journey listens to (app_open is not one); two match.
        const first = await feedJourneyEvents(feed);
        expect(first).toMatchObject({ entered: 2, applied: 4 });
        const entered = await members(journeyId);
        expect(entered.map((m) => [m.customer_id, m.entry_no, m.state])).toEqual([
          [1, 1, 'active'],
          [2, 1, 'active'],
        ]);
        // At the event's time, not the feed's.
        expect(new Date(entered[0]!.entered_at)).toEqual(at(1));
        // A second pass re-reads the overlap and applies nothing again.
        expect(await feedJourneyEvents(feed)).toMatchObject({ applied: 0, entered: 0 });

        // Both leave (re-entry 'always' would let them in again), then customer 1's event is re-sent to another
        // API process, which stores it a second time; a new event of customer 2 enters them again.
        now = at(5);
        await drain(engineDeps, now);
        now = at(2 * 24 * 60);
        await drain(engineDeps, now);
        const resent = await post([[1, 'view_product', 1, { product: 'FUND1' }]], new EventWriter(events), [
          'e1',
        ]);
        expect(resent.accepted).toBe(1);
        const stored = await events.query<{ n: number }>(
          "SELECT count() AS n FROM events WHERE event_id = 'e1'",
        );
        expect(stored[0]!.n).toBe(2);
        await post([[2, 'view_product', 2 * 24 * 60, { product: 'FUND1' }]]);
        expect(await feedJourneyEvents(feed)).toMatchObject({ applied: 1, entered: 1 });
        expect((await members(journeyId)).map((m) => [m.customer_id, m.entry_no])).toEqual([
          [1, 1],
          [2, 1],
          [2, 2],
        ]);
        await setJourneyStatus({ db, clock }, 'user:ops', journeyId, 'stop');
      });

      it('a goal event converts the customer; one before the entry does not', async () => {
        now = at(3 * 24 * 60);
        const base = 3 * 24 * 60;
        const { journeyId } = await liveJourney(
          db,
          clock,
          'Goal',
          restJourney(
            { kind: 'event', event: 'app_open' },
            { goal: { event: 'purchase', where: { amount: { gte: 1000 } } } },
          ),
        );
        await post([
          [11, 'purchase', base + 1, { amount: 5000 }], // before entering: not a conversion of that entry
          [11, 'app_open', base + 2],
          [12, 'app_open', base + 2],
          [13, 'app_open', base + 2],
          // An entry and its goal in one page: entered, then converted.
          [14, 'app_open', base + 3],
          [14, 'purchase', base + 4, { amount: 2000 }],
        ]);
        expect(await feedJourneyEvents(feed)).toMatchObject({ entered: 4, converted: 1 });
        await post([
          [12, 'purchase', base + 10, { amount: 1000 }],
          [13, 'purchase', base + 10, { amount: 999 }],
        ]);
        expect(await feedJourneyEvents(feed)).toMatchObject({ converted: 1 });
        const rows = await members(journeyId);
        expect(rows.map((m) => [m.customer_id, m.state, m.exit_reason])).toEqual([
          [11, 'active', null],
          [12, 'converted', 'goal'],
          [13, 'active', null],
          [14, 'converted', 'goal'],
        ]);
        expect(new Date(rows[1]!.converted_at!)).toEqual(at(base + 10));
        await setJourneyStatus({ db, clock }, 'user:ops', journeyId, 'stop');
      });

      it('an awaited event wakes a wait_for_event before its timeout', async () => {
        const base = 4 * 24 * 60;
        now = at(base);
        const { journeyId } = await liveJourney(db, clock, 'Await', awaitViewJourney());
        await post([
          [21, 'app_open', base],
          [22, 'app_open', base],
        ]);
        expect(await feedJourneyEvents(feed)).toMatchObject({ entered: 2 });
        await drain(engineDeps, now);
        now = at(base + 60);
        await post([[21, 'view_product', base + 30, { product: 'FUND1' }]]);
        expect(await feedJourneyEvents(feed)).toMatchObject({ woken: 1 });
        await drain(engineDeps, now);
        const { rows } = await sql<{ customer_id: number; path: string }>`
          select m.customer_id, string_agg(s.node_id || ':' || coalesce(s.exit, '-'), ' ' order by s.step_no) as path
            from journey_memberships m join journey_steps s on s.membership_id = m.id
           where m.journey_id = ${journeyId} group by m.customer_id order by m.customer_id`.execute(db);
        // Customer 22 still waits: its timeout is two days away.
        expect(rows).toEqual([{ customer_id: 21, path: 'await:event clicked:-' }]);
        await setJourneyStatus({ db, clock }, 'user:ops', journeyId, 'stop');
      });

      it('a pass that dies before committing leaves nothing; the next applies the page once', async () => {
        const base = 6 * 24 * 60;
        now = at(base);
        const { journeyId } = await liveJourney(
          db,
          clock,
          'Crash',
          restJourney({ kind: 'event', event: 'app_open' }),
        );
        await post([
          [31, 'app_open', base + 1],
          [32, 'app_open', base + 1],
        ]);
        const cursor = () =>
          db.selectFrom('journey_event_cursor').select('received_at').executeTakeFirstOrThrow();
        const before = await cursor();
        const receipts = async () =>
          Number(
            (
              await db
                .selectFrom('journey_event_receipts')
                .select((eb) => eb.fn.countAll<number>().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
        const receiptsBefore = await receipts();
        await expect(
          feedJourneyEvents(feed, { beforeCommit: () => Promise.reject(new Error('killed')) }),
        ).rejects.toThrow('killed');
        expect(await members(journeyId)).toEqual([]);
        expect(await receipts()).toBe(receiptsBefore);
        expect(await cursor()).toEqual(before);
        // Pages of one event (the overlap's events re-read too): each in its own transaction.
        expect(await feedJourneyEvents(feed, { limit: 1 })).toMatchObject({ entered: 2, applied: 2 });
        expect(await feedJourneyEvents(feed, { limit: 1 })).toMatchObject({ entered: 0, applied: 0 });
        expect((await members(journeyId)).map((m) => m.customer_id)).toEqual([31, 32]);
        await setJourneyStatus({ db, clock }, 'user:ops', journeyId, 'stop');
      });

      it('with no journey listening, the event store is not asked anything', async () => {
        await post([[33, 'app_open', 7 * 24 * 60]]);
        const queries = events.queries;
        expect(await feedJourneyEvents(feed)).toMatchObject({ read: 0, pages: 0 });
        expect(events.queries).toBe(queries);
      });
    });
