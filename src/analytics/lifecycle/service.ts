import { sql, type Kysely } from 'kysely';
import type { RoaringBitmap32 } from '../../shared/bitmap.ts';
import { activeCustomers } from '../../segments/event-resolver.ts';
import { formatDay, parseDay } from '../../segments/predicate.ts';
import type { SegmentService } from '../../segments/service.ts';
import { err, ok } from '../../shared/errors.ts';
import type { EventStore } from '../../store/events/store.ts';
import type { Database } from '../../store/operational/database.ts';
import { LIFECYCLE_STAGES, stageLabel } from '../../tags/labels.ts';
import { deserializeBitmap } from '../../tags/snapshot-store.ts';
import {
  aarrr,
  DAY_BANDS,
  stageCounts,
  timeInStage,
  transitions,
  type AarrrStep,
  type StageDay,
  type StageTime,
  type Transitions,
} from './analysis.ts';
import {
  populationView,
  resolvePopulation,
  type AnalysisResult,
  type Population,
  type PopulationInput,
  type PopulationView,
} from './population.ts';

// The lifecycle analyses over the stored daily snapshots of the lifecycle tag (tag_snapshots: one roaring bitmap per
// stage per day). Counts without a population read only the stored cardinalities; everything else reads the stage
// bitmaps of the days involved and intersects them in memory. No customer row is scanned.

/** The lifecycle tag of the builtin catalogue. */
export const LIFECYCLE_TAG = 'lifecycle_stage';
/** Most snapshot days one analysis reads (a year of daily snapshots). */
export const MAX_DAYS = 366;

/** What every lifecycle answer carries besides its figures. */
export interface LifecycleMeta {
  readonly population: PopulationView;
  readonly stages: { value: string; label: { en: string; zh: string } }[];
  /** When the newest snapshot read was computed (ISO), for "data as of". */
  readonly computedAt: string | null;
  /** The bank's time zone: snapshot days are its business days, AARRR activity is counted on them. */
  readonly timeZone: string;
  readonly elapsedMs: number;
}

export interface LifecycleOptions extends PopulationInput {
  readonly from?: string | undefined;
  readonly to?: string | undefined;
}

const STAGES = LIFECYCLE_STAGES.map((value) => ({ value, label: stageLabel(value) }));
const shift = (day: string, days: number) => formatDay(parseDay(day)! + days);
/** Why the lifecycle snapshots cannot answer: a stable code in `details.reason` (the dashboard words it). */
type NotEnoughReason = 'no_snapshot' | 'no_snapshot_in_range' | 'two_snapshot_days';
const notEnough = (
  reason: NotEnoughReason,
  message: string,
  details: Record<string, unknown> = {},
): AnalysisResult<never> =>
  err({ code: 'not_enough_data', message: `not enough data: ${message}`, details: { reason, ...details } });

/** Stage distribution, transitions, time in stage and AARRR over the lifecycle tag's snapshots. */
export class LifecycleService {
  readonly #db: Kysely<Database>;
  readonly #events: EventStore;
  readonly #segments: () => SegmentService;
  readonly #key: string;
  readonly #timeZone: string;

  /** `segments` is called only when a population is asked for (it may build an index). */
  constructor(deps: {
    db: Kysely<Database>;
    events: EventStore;
    segments: () => SegmentService;
    /** The bank's time zone (the clock's), in which AARRR's activity days are cut. */
    timeZone: string;
    tagKey?: string;
  }) {
    this.#db = deps.db;
    this.#timeZone = deps.timeZone;
    this.#events = deps.events;
    this.#segments = deps.segments;
    this.#key = deps.tagKey ?? LIFECYCLE_TAG;
  }

  /** Customers per stage on every snapshot day in [from, to] (default: the 90 days to the latest snapshot). */
  async distribution(options: LifecycleOptions): Promise<
    AnalysisResult<
      LifecycleMeta & {
        from: string;
        to: string;
        points: { asOf: string; total: number; counts: Record<string, number> }[];
      }
    >
  > {
    const started = performance.now();
    const to = options.to ?? (await this.#latest());
    if (to === null) return notEnough('no_snapshot', 'no lifecycle snapshot yet (compute the tags first)');
    const from = options.from ?? shift(to, -89);
    if (from > to) return err({ code: 'bad_request', message: `from (${from}) is after to (${to})` });
    const population = await this.#population(options, to);
    if (!population.ok) return population;
    const members = population.value.members;
    let points: { asOf: string; total: number; counts: Record<string, number> }[];
    if (members === null) {
      // stored cardinalities: no bitmap is read
      const rows = await this.#db
        .selectFrom('tag_snapshots')
        .select([sql<string>`as_of::text`.as('as_of'), 'value', 'members'])
        .where('tag_key', '=', this.#key)
        .where('as_of', '>=', from)
        .where('as_of', '<=', to)
        .orderBy('as_of')
        .execute();
      const byDay = new Map<string, Record<string, number>>();
      for (const r of rows) {
        let counts = byDay.get(r.as_of);
        if (!counts) byDay.set(r.as_of, (counts = Object.fromEntries(LIFECYCLE_STAGES.map((s) => [s, 0]))));
        if (r.value in counts) counts[r.value] = r.members;
      }
      points = [...byDay].map(([asOf, counts]) => ({
        asOf,
        counts,
        total: Object.values(counts).reduce((a, b) => a + b, 0),
      }));
    } else {
      const days = await this.#stageDays(from, to);
      points = days.map((d) => stageCounts(d, members));
      disposeDays(days);
    }
    if (points.length === 0)
      return notEnough('no_snapshot_in_range', `no lifecycle snapshot between ${from} and ${to}`, {
        from,
        to,
      });
    return ok({
      from,
      to,
      points,
      ...(await this.#meta(population.value, points.at(-1)!.asOf, started)),
    });
  }

  /**
   * The transition matrix between the snapshot days on or before `from` and `to` (default: the latest snapshot and
   * the latest one at least 30 days before it, else the earliest). One snapshot day only: not enough data.
   */
  async transitions(
    options: LifecycleOptions,
  ): Promise<
    AnalysisResult<LifecycleMeta & Transitions & { requested: { from: string | null; to: string | null } }>
  > {
    const started = performance.now();
    if (options.from !== undefined && options.to !== undefined && options.from >= options.to)
      return err({
        code: 'bad_request',
        message: `from (${options.from}) must be before to (${options.to})`,
      });
    const to = await this.#latest(options.to);
    if (to === null) return notEnough('no_snapshot', 'no lifecycle snapshot yet (compute the tags first)');
    let from = await this.#latest(options.from ?? shift(to, -30));
    if (from === null && options.from === undefined) from = await this.#earliest();
    if (from === null || from >= to)
      return notEnough('two_snapshot_days', 'needs two snapshot dates', {
        snapshotDays: await this.#dayCount(),
        to,
      });
    const population = await this.#population(options, to);
    if (!population.ok) return population;
    const days = await this.#stageDays(from, to, [from, to]);
    const result = transitions(days[0]!, days.at(-1)!, population.value.members);
    disposeDays(days);
    return ok({
      ...result,
      requested: { from: options.from ?? null, to: options.to ?? null },
      ...(await this.#meta(population.value, to, started)),
    });
  }

  /** For each stage, how long its customers on `asOf` (default the latest snapshot) have been in it. */
  async timeInStage(options: PopulationInput & { asOf?: string | undefined }): Promise<
    AnalysisResult<
      LifecycleMeta & {
        asOf: string;
        firstDay: string;
        snapshotDays: number;
        bands: { label: string; min: number; max: number | null }[];
        perStage: StageTime[];
      }
    >
  > {
    const started = performance.now();
    const day = await this.#snapshotDay(options);
    if (!day.ok) return day;
    const { asOf, population } = day.value;
    const dates = await this.#dates(shift(asOf, -(MAX_DAYS - 1)), asOf);
    if (dates.length < 2)
      return notEnough('two_snapshot_days', 'needs two snapshot dates', { snapshotDays: dates.length, asOf });
    const days = await this.#stageDays(dates[0]!, asOf);
    const perStage = timeInStage(days, population.members);
    disposeDays(days);
    return ok({
      asOf,
      firstDay: dates[0]!,
      snapshotDays: dates.length,
      bands: DAY_BANDS.map((b) => ({ ...b })),
      perStage,
      ...(await this.#meta(population, asOf, started)),
    });
  }

  /** The AARRR view on `asOf` (default the latest snapshot); activity over the 30 days to that day. */
  async aarrr(
    options: PopulationInput & { asOf?: string | undefined },
  ): Promise<
    AnalysisResult<LifecycleMeta & { asOf: string; activeFrom: string; base: number; steps: AarrrStep[] }>
  > {
    const started = performance.now();
    const day = await this.#snapshotDay(options);
    if (!day.ok) return day;
    const { asOf, population } = day.value;
    const activeFrom = shift(asOf, -29);
    const [days, active] = await Promise.all([
      this.#stageDays(asOf, asOf),
      activeCustomers(this.#events, { from: activeFrom, to: asOf, timeZone: this.#timeZone }),
    ]);
    const view = aarrr(days[0]!, active, population.members);
    disposeDays(days); // `active` may be frozen (shared): left to the garbage collector
    return ok({ asOf, activeFrom, ...view, ...(await this.#meta(population, asOf, started)) });
  }

  /** The snapshot day asked (default the latest) and the population on it; not enough data before any snapshot. */
  async #snapshotDay(
    options: PopulationInput & { asOf?: string | undefined },
  ): Promise<AnalysisResult<{ asOf: string; population: Population }>> {
    const asOf = await this.#latest(options.asOf);
    if (asOf === null) return notEnough('no_snapshot', 'no lifecycle snapshot yet (compute the tags first)');
    const population = await this.#population(options, asOf);
    return population.ok ? ok({ asOf, population: population.value }) : population;
  }

  async #population(input: PopulationInput, asOf: string): Promise<AnalysisResult<Population>> {
    // the whole bank needs no segment index
    if (!input.population)
      return ok({ kind: 'bank', segment: null, evaluatedOn: null, members: null, entry: null });
    return resolvePopulation(this.#segments(), input, asOf);
  }

  /** The latest snapshot day of the tag (on or before `onOrBefore` when given), or null. */
  async #latest(onOrBefore?: string): Promise<string | null> {
    let query = this.#db
      .selectFrom('tag_snapshots')
      .select(sql<string | null>`max(as_of)::text`.as('d'))
      .where('tag_key', '=', this.#key);
    if (onOrBefore !== undefined) query = query.where('as_of', '<=', onOrBefore);
    return (await query.executeTakeFirst())?.d ?? null;
  }

  async #earliest(): Promise<string | null> {
    const row = await this.#db
      .selectFrom('tag_snapshots')
      .select(sql<string | null>`min(as_of)::text`.as('d'))
      .where('tag_key', '=', this.#key)
      .executeTakeFirst();
    return row?.d ?? null;
  }

  async #dayCount(): Promise<number> {
    const row = await this.#db
      .selectFrom('tag_snapshots')
      .select(sql<number>`count(distinct as_of)::int`.as('n'))
      .where('tag_key', '=', this.#key)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Snapshot days of the tag in [from, to], ascending (the latest MAX_DAYS). */
  async #dates(from: string, to: string): Promise<string[]> {
    const rows = await this.#db
      .selectFrom('tag_snapshots')
      .select(sql<string>`as_of::text`.as('d'))
      .distinct()
      .where('tag_key', '=', this.#key)
      .where('as_of', '>=', from)
      .where('as_of', '<=', to)
      .orderBy('d', 'desc')
      .limit(MAX_DAYS)
      .execute();
    return rows.map((r) => r.d).reverse();
  }

  /** The stage bitmaps of every snapshot day in [from, to] (or of `only` those days), ascending by day. */
  async #stageDays(from: string, to: string, only?: readonly string[]): Promise<StageDay[]> {
    let query = this.#db
      .selectFrom('tag_snapshots')
      .select([sql<string>`as_of::text`.as('as_of'), 'value', 'bitmap'])
      .where('tag_key', '=', this.#key)
      .where('as_of', '>=', from)
      .where('as_of', '<=', to)
      .orderBy('as_of');
    if (only) query = query.where('as_of', 'in', only);
    const rows = await query.execute();
    const days = new Map<string, Map<string, RoaringBitmap32>>();
    for (const r of rows) {
      let stages = days.get(r.as_of);
      if (!stages) days.set(r.as_of, (stages = new Map()));
      stages.set(r.value, deserializeBitmap(r.bitmap));
    }
    return [...days].map(([asOf, stages]) => ({ asOf, stages }));
  }

  async #meta(population: Population, day: string, started: number): Promise<LifecycleMeta> {
    const row = await this.#db
      .selectFrom('tag_snapshots')
      .select(sql<string | null>`max(computed_at)`.as('at'))
      .where('tag_key', '=', this.#key)
      .where('as_of', '=', day)
      .executeTakeFirst();
    const at = row?.at as unknown;
    return {
      population: populationView(population),
      stages: STAGES,
      computedAt: at instanceof Date ? at.toISOString() : at ? new Date(String(at)).toISOString() : null,
      timeZone: this.#timeZone,
      elapsedMs: Math.round((performance.now() - started) * 10) / 10,
    };
  }
}

function disposeDays(days: readonly StageDay[]): void {
  for (const d of days) for (const b of d.stages.values()) (b as RoaringBitmap32).dispose();
}
