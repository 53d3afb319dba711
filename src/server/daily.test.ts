// The daily batch on a real demo bank (PGlite + chDB): tags, then saved segments on them, then reminders — and a
// second run of the same day adds nothing twice.
import { sql } from 'kysely';
import { runAttribution } from '../media/attribution.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigratedMemoryStore } from '../../test/support/pglite.ts';
import { adoptOwnersFromAttributes } from '../pool/ownership.ts';
import { seedDemoBank, DEFAULT_AS_OF } from '../demo/seed.ts';
import { createSegment } from '../segments/segment-store.ts';
import { SegmentService } from '../segments/service.ts';
import { fixedClock } from '../shared/clock.ts';
import { createLogger } from '../shared/logger.ts';
import { openEventStore } from '../store/events/open.ts';
import type { EventStore } from '../store/events/store.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { TagService } from '../tags/service.ts';
import { backfillTagHistory, catchUpToday, runDailyJobs, type DailyDeps } from './daily.ts';
import { tagSource } from '../tags/segment-source.ts';

const clock = fixedClock(`${DEFAULT_AS_OF}T02:00:00Z`);
let store: OperationalStore;
let events: EventStore;
let deps: DailyDeps;

beforeAll(async () => {
  store = await openMigratedMemoryStore();
  events = await openEventStore({ kind: 'chdb', dataDir: null });
  const seeded = await seedDemoBank({ store, events }, { customers: 600, days: 30, seed: 'daily' });
  expect(seeded.ok).toBe(true);
  await adoptOwnersFromAttributes(store.db, { actor: 'test', at: clock.now() });
  const logger = createLogger('silent');
  const tags = new TagService({ db: store.db, events, clock, logger, sandbox: () => store.sandbox() });
  await tags.ensureCatalogue('test');
  const segments = new SegmentService({ tags: tagSource, db: store.db, events, clock, logger });
  deps = { db: store.db, events, clock, logger, tags, segments };
  const saved = await createSegment(
    segments,
    {
      id: 'gold_plus',
      name: 'Gold and above',
      rule: { tag: 'aum_tier', in: ['gold', 'platinum', 'diamond', 'private'] },
    },
    'test',
  );
  expect(saved.ok).toBe(true);
}, 180_000);

afterAll(async () => {
  await deps?.tags.close();
  await events?.close();
  await store?.close();
});

const count = async (query: ReturnType<typeof sql<{ n: number }>>) =>
  Number((await query.execute(store.db)).rows[0]?.n);

describe('daily batch', () => {
  it('computes the tags, then materialises saved segments on them, then generates reminders', async () => {
    const report = await catchUpToday(deps, 'system');
    expect(report).not.toBeNull();
    expect(report?.asOf).toBe(DEFAULT_AS_OF);
    expect(report?.tags.ok).toBe(true);
    expect(report?.tags.failed).toEqual([]);
    expect(report?.tags.computed).toBeGreaterThan(30);
    expect(report?.segments).toEqual({ materialized: 1, failed: [] });
    expect(report?.reminders.every((r) => r.ok)).toBe(true);
    // No journey is live in this bank: the date and change entries ran and entered nobody.
    expect(report?.journeys).toEqual({ entered: 0, control: 0, byDate: 0, byChange: 0, noSnapshot: 0 });
    expect(report?.media).toEqual({ windows: [], attributed: [] }); // no attribution window run yet
    const created = report?.reminders.reduce((n, r) => n + (r.ok ? r.created : 0), 0) ?? 0;
    expect(created).toBeGreaterThan(0);

    // The segment snapshot counts the same customers as the tag snapshot it was built on.
    const members = await count(
      sql<{
        n: number;
      }>`select members::int as n from segment_snapshots where segment_id = 'gold_plus' and as_of = ${DEFAULT_AS_OF}`,
    );
    const preview = await deps.segments.preview(
      { tag: 'aum_tier', in: ['gold', 'platinum', 'diamond', 'private'] },
      DEFAULT_AS_OF,
    );
    expect(preview.ok && preview.value.count).toBe(members);
    expect(members).toBeGreaterThan(0);
    expect(await count(sql<{ n: number }>`select count(*)::int as n from reminders`)).toBe(created);
  });

  it('does nothing at start when today already has a snapshot, and a second run adds no reminder twice', async () => {
    expect(await catchUpToday(deps, 'system')).toBeNull();
    const before = await count(sql<{ n: number }>`select count(*)::int as n from reminders`);
    // A media window run once is run again by each batch (its facts follow the day's data and tags).
    await runAttribution(deps, { windowDays: 45, actor: 'user:analyst' });
    const again = await runDailyJobs(deps, 'schedule', 'system');
    expect(again.media).toMatchObject({ windows: [45] });
    expect(again.tags.ok).toBe(true);
    expect(again.segments.materialized).toBe(1);
    expect(again.reminders.reduce((n, r) => n + (r.ok ? r.created : 0), 0)).toBe(0);
    expect(await count(sql<{ n: number }>`select count(*)::int as n from reminders`)).toBe(before);
  });

  it('backfills weekly tag snapshots over a seeded history, oldest first, once', async () => {
    const days = await backfillTagHistory(deps, 'system', { days: 30, stepDays: 7 });
    expect(days).toEqual(['2025-06-02', '2025-06-09', '2025-06-16', '2025-06-23']);
    expect(await backfillTagHistory(deps, 'system', { days: 30, stepDays: 7 })).toEqual([]);
    // The demo's customers move up the lifecycle over its 30 days: fewer are still "portrait" at the end.
    const stages = async (asOf: string) =>
      (
        await sql<{ value: string; members: number }>`select value, members::int as members from tag_snapshots
          where tag_key = 'lifecycle_stage' and as_of = ${asOf}`.execute(store.db)
      ).rows;
    const first = await stages('2025-06-02');
    const last = await stages(DEFAULT_AS_OF);
    expect(first.length).toBeGreaterThan(0);
    const members = (rows: { value: string; members: number }[], value: string) =>
      rows.find((r) => r.value === value)?.members ?? 0;
    expect(members(first, 'portrait')).toBeGreaterThan(members(last, 'portrait'));
  });
});
