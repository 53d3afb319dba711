import { sql, type Kysely } from 'kysely';
import { binaryArm, compare, type Comparison } from '../analytics/experiments/lift.ts';
import { reasonText } from '../analytics/reasons.ts';
import { conversionLift, stageCounts } from '../campaigns/results/compute.ts';
import { readRunSets } from '../campaigns/results/read.ts';
import { pickRun, runDraft } from '../campaigns/results/service.ts';
import type { JourneyBody } from '../journeys/model.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import type { Clock } from '../shared/clock.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import { activityAdapter } from './activity-subject.ts';
import type { MetricKey, SubjectKind } from './model.ts';

// What a goal is measured on, per kind of subject: its start, the customers it treated and its control group, how
// many it reached, and its conversions within a window with the lift against control — read from what the campaign
// and journey results already count (src/campaigns/results, journey memberships), never a second definition.
// Offline activities are one more adapter (activity-subject.ts), read from the activity's own results.

/** What measuring needs. */
export interface OgsmDeps {
  readonly db: Kysely<Database>;
  readonly events: EventStore;
  readonly clock: Clock;
}

/** Conversions of the treated and the control group within a window, with the lift; or why not. */
export interface ConversionFigures {
  readonly units: number;
  readonly converted: number;
  readonly controlUnits: number;
  readonly controlConverted: number;
  readonly lift: Comparison | null;
  readonly liftReason: string | null;
  readonly eventsThrough: number | null;
}

/** A subject as goals are measured on it. */
export interface SubjectFacts {
  readonly name: string;
  /** When the subject first reached customers (a campaign's run prepared, a journey published); null: not yet. */
  readonly start: Date | null;
  readonly startReason: string | null;
  readonly treated: RoaringBitmap32;
  /** Empty when the subject holds no control group. */
  readonly control: RoaringBitmap32;
  /** Customers reached: a campaign's messages a channel accepted; a journey's customers who entered its graph. */
  readonly reached: number;
  /** An activity's own counts (other kinds have none): leads captured on site, customers checked in. */
  readonly activity?: { readonly leads: number; readonly attendees: number };
  /** Conversions over `windowDays` from the start (the subject's own conversion event or goal). */
  conversion(windowDays: number): Promise<Result<ConversionFigures, string>>;
}

/** One kind of subject: the metrics it has, its name (undefined: no such id), its facts. */
export interface SubjectAdapter {
  readonly kind: SubjectKind;
  readonly metrics: readonly MetricKey[];
  readonly population: readonly ('treated' | 'attendees' | 'group')[];
  nameOf(db: Kysely<Database>, id: number): Promise<string | undefined>;
  facts(deps: OgsmDeps, id: number): Promise<Result<SubjectFacts>>;
}

const DAY_MS = 86_400_000;
const windowEnd = (clock: Clock, start: Date, days: number) => {
  const end = new Date(start.getTime() + days * DAY_MS);
  const now = clock.now();
  return end < now ? end : now;
};

/** A campaign: its latest started run, as the campaign's Results page shows it. */
const campaignAdapter: SubjectAdapter = {
  kind: 'campaign',
  metrics: ['conversions', 'conversion_rate', 'reached', 'new_buyers', 'aum_change'],
  population: ['treated', 'group'],
  nameOf: async (db, id) =>
    (await db.selectFrom('campaigns').select('name').where('id', '=', id).executeTakeFirst())?.name,
  async facts(deps, id) {
    const campaign = await deps.db
      .selectFrom('campaigns')
      .select('name')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!campaign) return err({ code: 'not_found', message: `no campaign ${id}` });
    const run = await pickRun(deps.db, id, undefined);
    if (!run) return ok(notStarted(campaign.name, reasonText('campaignNoRun', { id })));
    const draft = await runDraft(deps.db, id, run.version);
    const start = new Date(run.prepared_at!);
    const runRef = { id: Number(run.id), audience: run.audience, control: run.control };
    const sets = await readRunSets(deps.db, deps.events, runRef, null);
    return ok({
      name: campaign.name,
      start,
      startReason: null,
      treated: sets.targeted,
      control: sets.control,
      reached: sets.sent.size,
      async conversion(windowDays) {
        if (!draft.conversion) return err(reasonText('campaignNoConversion'));
        const until = windowEnd(deps.clock, start, windowDays);
        const within = await readRunSets(deps.db, deps.events, runRef, {
          event: draft.conversion.event,
          from: start,
          until,
        });
        const totals = stageCounts(within);
        // The campaign results' own lift (targeted against the run's control group).
        const { lift, reason } = conversionLift(totals, true);
        return ok({
          units: totals.targeted,
          converted: totals.converted,
          controlUnits: totals.control,
          controlConverted: totals.controlConverted,
          lift,
          liftReason: reason,
          eventsThrough: within.lastEventAt,
        });
      },
    });
  },
};

/** A journey: every entry of every version; conversion is its goal reached within the window of each entry. */
const journeyAdapter: SubjectAdapter = {
  kind: 'journey',
  metrics: ['conversions', 'conversion_rate', 'reached', 'new_buyers', 'aum_change'],
  population: ['treated', 'group'],
  nameOf: async (db, id) =>
    (await db.selectFrom('journeys').select('name').where('id', '=', id).executeTakeFirst())?.name,
  async facts(deps, id) {
    const journey = await deps.db
      .selectFrom('journeys')
      .select('name')
      .where('id', '=', id)
      .executeTakeFirst();
    if (!journey) return err({ code: 'not_found', message: `no journey ${id}` });
    const versions = await deps.db
      .selectFrom('journey_versions')
      .select(['body', 'published_at'])
      .where('journey_id', '=', id)
      .execute();
    const published = versions.flatMap((v) => (v.published_at ? [new Date(v.published_at)] : []));
    if (published.length === 0)
      return ok(notStarted(journey.name, reasonText('journeyNotPublished', { id })));
    const start = new Date(Math.min(...published.map((d) => d.getTime())));
    const hasGoal = versions.some((v) => (v.body as unknown as JourneyBody).goal !== undefined);
    const groups = await sql<{ control: boolean; ids: number[] }>`
      select arm is not distinct from 'control' as control, array_agg(distinct customer_id) as ids
        from journey_memberships where journey_id = ${id} group by 1`.execute(deps.db);
    const set = (control: boolean) =>
      new RoaringBitmap32(groups.rows.find((g) => g.control === control)?.ids ?? []);
    const treated = set(false);
    return ok({
      name: journey.name,
      start,
      startReason: null,
      treated,
      control: set(true),
      reached: treated.size,
      async conversion(windowDays) {
        if (!hasGoal) return err(reasonText('journeyNoGoal'));
        // Per entry, as the journey's results count: the goal within windowDays of entering.
        const rows = await sql<{ control: boolean; n: number; converted: number; last: Date | null }>`
          select arm is not distinct from 'control' as control, count(*)::int as n,
                 count(*) filter (where converted_at is not null
                                    and converted_at < entered_at + make_interval(days => ${windowDays}))::int
                   as converted,
                 max(converted_at) as last
            from journey_memberships where journey_id = ${id} group by 1`.execute(deps.db);
        const g = (control: boolean) => rows.rows.find((r) => r.control === control);
        const t = { n: g(false)?.n ?? 0, converted: g(false)?.converted ?? 0 };
        const c = { n: g(true)?.n ?? 0, converted: g(true)?.converted ?? 0 };
        const lift =
          t.n > 0 && c.n > 0
            ? compare(
                binaryArm('treated', t.n, t.converted),
                binaryArm('control', c.n, c.converted),
                'binary',
              )
            : null;
        const lasts = rows.rows.flatMap((r) => (r.last ? [new Date(r.last).getTime()] : []));
        return ok({
          units: t.n,
          converted: t.converted,
          controlUnits: c.n,
          controlConverted: c.converted,
          lift,
          liftReason: lift
            ? null
            : c.n === 0
              ? reasonText('journeyNoControlEntries')
              : reasonText('noEntriesYet'),
          eventsThrough: lasts.length > 0 ? Math.max(...lasts) : null,
        });
      },
    });
  },
};

/** The adapter of each kind. */
export const SUBJECTS: Readonly<Record<SubjectKind, SubjectAdapter>> = {
  campaign: campaignAdapter,
  journey: journeyAdapter,
  activity: activityAdapter,
};

function notStarted(name: string, reason: string): SubjectFacts {
  return {
    name,
    start: null,
    startReason: reason,
    treated: new RoaringBitmap32(),
    control: new RoaringBitmap32(),
    reached: 0,
    conversion: () => Promise.resolve(err(reason)),
  };
}
