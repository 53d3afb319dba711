import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { businessCalendar, fixedClock } from '../shared/clock.ts';
import { openEventStore } from '../store/events/open.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { compileMapping, parseMapping } from './mapping.ts';
import { loadEventsFast } from './events-fast.ts';
import { runImport } from './run.ts';
import { Failure, toTimestamp } from './values.ts';

// A time given as a bare day names no instant: it is the start of that business day, the bank's midnight. Read as UTC
// midnight, a day given to a bank west of UTC (New York: 19:00 the day before) would land on the business day before.
// Offset-less date-times stay UTC (instants are instants), and both import paths (the engine's and row by row) agree.

const NEW_YORK = businessCalendar('America/New_York');
const SHANGHAI = businessCalendar('Asia/Shanghai');

describe('a bare day as a time', () => {
  it("is the bank's midnight of that day; a date-time without an offset stays UTC", () => {
    expect(toTimestamp('2026-11-23', NEW_YORK)).toBe(Date.parse('2026-11-23T05:00:00Z'));
    expect(toTimestamp('2026-11-23', SHANGHAI)).toBe(Date.parse('2026-11-22T16:00:00Z'));
    expect(toTimestamp(' 2026-11-23 ', SHANGHAI)).toBe(Date.parse('2026-11-22T16:00:00Z'));
    expect(toTimestamp('2026-11-23')).toBe(Date.parse('2026-11-23T00:00:00Z')); // no calendar: UTC
    expect(toTimestamp('2026-11-23Z', NEW_YORK)).toBe(Date.parse('2026-11-23T00:00:00Z')); // an explicit zone wins
    expect(toTimestamp('2026-11-23 10:00:00', NEW_YORK)).toBe(Date.parse('2026-11-23T10:00:00Z'));
    expect(toTimestamp('2026-02-30', NEW_YORK)).toBeInstanceOf(Failure);
    expect(toTimestamp('1999-12-31', SHANGHAI)).toBeInstanceOf(Failure); // 1999-12-30T16:00Z: before 2000
  });

  it('is read so by a compiled mapping given the calendar', () => {
    const mapping = parseMapping({
      columns: { event_id: 'id', distinct_id: 'who', event: 'name', time: 'day' },
    });
    if (!mapping.ok) throw new Error(mapping.error.message);
    const compiled = compileMapping('events', mapping.value, null, { calendar: NEW_YORK });
    if (!compiled.ok) throw new Error(compiled.error.message);
    const row = compiled.value.map({ id: 'e1', who: 'd1', name: 'visit', day: '2026-11-23' }, 1, 1);
    expect(row).toMatchObject({ kind: 'row', row: { time: Date.parse('2026-11-23T05:00:00Z') } });
  });
});

describe('importing events with bare days', () => {
  let store: OperationalStore;
  let events: EventStore;
  let dir: string;
  beforeAll(async () => {
    store = await openMigratedMemoryStore();
    events = await openEventStore({ kind: 'chdb', dataDir: null });
    dir = mkdtempSync(join(tmpdir(), 'flywheel-ingest-days-'));
    await store.db.insertInto('customers').values({ id: 1, customer_no: 'C1' }).execute();
  });
  afterAll(async () => {
    await events?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stores the bank's midnight on the engine path and on the row path alike", async () => {
    const clock = fixedClock('2026-11-24T12:00:00Z', 'America/New_York');
    const write = (name: string, rows: object[]) => {
      const path = join(dir, name);
      writeFileSync(path, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
      return path;
    };
    const fast = await loadEventsFast(
      write('fast.ndjson', [
        { id: 'fast-1', cust: 'C1', name: 'visit', ts: '2026-11-23' },
        { id: 'fast-2', cust: 'C1', name: 'visit', ts: '2026-11-23T10:00:00Z' },
      ]),
      { columns: { event_id: 'id', customer_no: 'cust', event: 'name', time: 'ts' } },
      { db: store.db, events, timeZone: clock.timeZone },
      'days',
    );
    expect(fast).toMatchObject({ ok: true, value: { read: 2, inserted: 2, updated: 0, unchanged: 0 } });
    // A converted column needs the row path (the engine path takes columns as they are).
    const byRow = await runImport(
      {
        kind: 'events',
        file: write('rows.ndjson', [{ id: 'row-1', cust: 'C1', name: ' visit ', ts: '2026-11-23' }]),
        mapping: {
          value: {
            columns: {
              event_id: 'id',
              customer_no: 'cust',
              event: { from: 'name', convert: 'trim' },
              time: 'ts',
            },
          },
        },
        actor: 'test',
      },
      { operational: store, events, clock },
    );
    expect(byRow.ok && byRow.value).toMatchObject({ status: 'committed', inserted: 1 });
    const stored = await events.query<{ event_id: string; time: string }>(
      'SELECT event_id, toString(time) AS time FROM events_dedup ORDER BY event_id',
    );
    expect(stored).toEqual([
      { event_id: 'fast-1', time: '2026-11-23 05:00:00.000' },
      { event_id: 'fast-2', time: '2026-11-23 10:00:00.000' },
      { event_id: 'row-1', time: '2026-11-23 05:00:00.000' },
    ]);
  });
});
