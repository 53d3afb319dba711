import { sql, type Kysely } from 'kysely';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import type { Database } from '../store/operational/database.ts';
import { deserializeBitmap } from '../tags/snapshot-store.ts';
import { enterCustomers, liveJourneys, type EnterDeps, type EnterReport } from './enter.ts';
import type { Entry } from './model.ts';

// Daily triggers: journeys entered when a customer enters or leaves a saved segment, or changes lifecycle stage. The
// daily batch runs them once the day's tag snapshot and segment snapshots exist: the day's members are compared with
// the previous stored day's (bitmaps of segment_snapshots; the `lifecycle_stage` tag's values in tag_snapshots).
// Each journey's entries of a day are claimed (journey_entry_runs 'day:<day>') in the transaction that writes them,
// so a re-run of the day's batch, or two processes, never enter a day twice (re-entry 'always' included).

type DailyEntry = Extract<Entry, { kind: 'segment' | 'lifecycle' }>;

/** The lifecycle stage tag the daily batch computes (src/tags/catalogue.ts). */
const LIFECYCLE_TAG = 'lifecycle_stage';

/** Why a journey's day entered nobody without being claimed: its snapshots are not there (yet). */
export type TriggerSkip = 'no_snapshot_today';

/** Members of a segment's snapshot on `day` and on the latest stored day before it, or undefined without today's. */
async function segmentDays(
  db: Kysely<Database>,
  segmentId: string,
  day: string,
): Promise<{ today: RoaringBitmap32; before: RoaringBitmap32 | undefined } | undefined> {
  const rows = await db
    .selectFrom('segment_snapshots')
    .select(['as_of', 'bitmap'])
    .where('segment_id', '=', segmentId)
    .where('as_of', '<=', day)
    .orderBy('as_of', 'desc')
    .limit(2)
    .execute();
  const [first, second] = rows;
  if (!first || first.as_of !== day) return undefined;
  return {
    today: deserializeBitmap(first.bitmap),
    before: second ? deserializeBitmap(second.bitmap) : undefined,
  };
}

/** The lifecycle stages' members on `day` and on the latest stored day before it, or undefined without today's. */
async function lifecycleDays(
  db: Kysely<Database>,
  day: string,
): Promise<
  { today: Map<string, RoaringBitmap32>; before: Map<string, RoaringBitmap32> | undefined } | undefined
> {
  const { rows } = await sql<{ as_of: string; value: string; bitmap: Uint8Array }>`
    select as_of::text as as_of, value, bitmap from tag_snapshots
     where tag_key = ${LIFECYCLE_TAG}
       and as_of in (${day}::date,
                     (select max(as_of) from tag_snapshots where tag_key = ${LIFECYCLE_TAG} and as_of < ${day}::date))`.execute(
    db,
  );
  const today = new Map<string, RoaringBitmap32>();
  const before = new Map<string, RoaringBitmap32>();
  for (const r of rows) (r.as_of === day ? today : before).set(r.value, deserializeBitmap(r.bitmap));
  if (today.size === 0) return undefined;
  return { today, before: before.size > 0 ? before : undefined };
}

/**
 * The customers a daily entry takes on `day`: who entered (or left) the segment since its previous snapshot, or who
 * reached the stage (from the given one) since the previous lifecycle snapshot. Empty on the first stored day (no
 * change can be seen); undefined while the day's snapshot is missing.
 */
export async function triggeredCustomers(
  db: Kysely<Database>,
  entry: DailyEntry,
  day: string,
): Promise<number[] | undefined> {
  if (entry.kind === 'segment') {
    const days = await segmentDays(db, entry.segmentId, day);
    if (!days) return undefined;
    if (!days.before) return [];
    const changed =
      entry.on === 'enter'
        ? RoaringBitmap32.andNot(days.today, days.before)
        : RoaringBitmap32.andNot(days.before, days.today);
    return changed.toArray();
  }
  const days = await lifecycleDays(db, day);
  if (!days) return undefined;
  if (!days.before) return [];
  const now = days.today.get(entry.to) ?? new RoaringBitmap32();
  let changed = RoaringBitmap32.andNot(now, days.before.get(entry.to) ?? new RoaringBitmap32());
  if (entry.from !== undefined)
    changed = RoaringBitmap32.and(changed, days.before.get(entry.from) ?? new RoaringBitmap32());
  return changed.toArray();
}

/** A day's run of one journey: its entries, 'already' when an earlier run claimed the day, or why it was skipped. */
export type TriggerOutcome = EnterReport | 'already' | TriggerSkip;

/**
 * Enters, into every live journey entered by a segment change or a lifecycle-stage change, the customers whose change
 * `day`'s snapshots show, at `at`; each journey's day once. The outcome per journey.
 */
export async function enterByTriggers(
  deps: EnterDeps,
  day: string,
  at: Date,
): Promise<Map<number, TriggerOutcome>> {
  const out = new Map<number, TriggerOutcome>();
  for (const j of await liveJourneys(deps.db)) {
    const entry = j.entry;
    if (entry.kind !== 'segment' && entry.kind !== 'lifecycle') continue;
    const ids = await triggeredCustomers(deps.db, entry, day);
    if (ids === undefined) {
      out.set(j.id, 'no_snapshot_today');
      continue;
    }
    out.set(j.id, await enterOnce(deps, { journeyId: j.id, versionId: j.versionId }, `day:${day}`, ids, at));
  }
  return out;
}

/**
 * Enters `ids` into a journey's version under a run key claimed in the same transaction (journey_entry_runs): the
 * entries of a run key are written once, whatever crashes or races; 'already' when another run holds the key.
 */
export async function enterOnce(
  deps: EnterDeps,
  journey: { readonly journeyId: number; readonly versionId: number },
  runKey: string,
  ids: readonly number[],
  at: Date,
  holdingDueOn?: string,
): Promise<EnterReport | 'already'> {
  return deps.db.transaction().execute(async (tx) => {
    const claimed = await tx
      .insertInto('journey_entry_runs')
      .values({
        journey_id: journey.journeyId,
        run_key: runKey,
        version_id: journey.versionId,
        entered: 0,
        control: 0,
        skipped: 0,
        at,
      })
      .onConflict((oc) => oc.columns(['journey_id', 'run_key']).doNothing())
      .returning('run_key')
      .executeTakeFirst();
    if (!claimed) return 'already' as const;
    const report = await enterCustomers(
      { db: tx, clock: deps.clock },
      journey.versionId,
      ids,
      at,
      holdingDueOn,
    );
    await tx
      .updateTable('journey_entry_runs')
      .set({ entered: report.entered, control: report.control, skipped: report.skipped })
      .where('journey_id', '=', journey.journeyId)
      .where('run_key', '=', runKey)
      .execute();
    return report;
  });
}
