import type { Kysely } from 'kysely';
import { generateReminders, type KindResult } from '../pool/reminders.ts';
import { materializeAll, type MaterializeOutcome } from '../segments/materialize.ts';
import type { SegmentService } from '../segments/service.ts';
import type { Clock } from '../shared/clock.ts';
import { addDays, type Day } from '../shared/day.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import type { TagService } from '../tags/service.ts';
import type { WecomApi } from '../wecom/port.ts';
import { syncWecomTags, type TagSyncOutcome } from '../wecom/tag-sync.ts';
import { enterDueDates } from '../journeys/dated.ts';
import { refreshAttributions } from '../media/attribution.ts';
import { trainLookalike, type LookalikeReport } from '../rta/lookalike.ts';
import type { EnterReport } from '../journeys/enter.ts';
import { enterByTriggers } from '../journeys/triggers.ts';
import { getSystemState as getState, setSystemState as setState } from '../store/operational/system-state.ts';

// The bank's daily batch, in the order each step needs the previous one: the tag snapshot of the day, then every
// saved segment materialised on it (segments may reference tags), then the account managers' service reminders.
// A failing step is reported and the next steps still run: reminders do not depend on tags.

/** Everything the daily batch reads and writes. */
export interface DailyDeps {
  readonly db: Kysely<Database>;
  readonly events: EventStore;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly tags: TagService;
  readonly segments: SegmentService;
  /** WeCom's client when WeCom is configured: the published tags are then marked on friends after the reminders. */
  readonly wecom?: WecomApi;
}

/** The daily batch's journey entries. */
export interface JourneysReport {
  readonly entered: number;
  readonly control: number;
  readonly byDate: number;
  readonly byChange: number;
  readonly noSnapshot: number;
}

/** What one daily run did, step by step. */
export interface DailyReport {
  readonly asOf: string;
  readonly tags: {
    readonly ok: boolean;
    readonly computed: number;
    readonly failed: readonly string[];
    readonly error?: string;
  };
  readonly segments: { readonly materialized: number; readonly failed: readonly MaterializeOutcome[] };
  readonly reminders: readonly KindResult[];
  /** Set when the reminder run itself failed (its audit record); `reminders` is then empty. */
  readonly remindersError?: string;
  /** The WeCom tag sync pass (only when WeCom is configured), or why it failed. */
  readonly wecomTags?: TagSyncOutcome | { readonly error: string };
  /**
   * Customers entered today into live journeys (control group apart): by a date (deposit maturity T−7 …) and by a
   * segment or lifecycle-stage change; journeys whose change could not be seen for want of today's snapshot; or why
   * it failed.
   */
  readonly journeys?: JourneysReport | { readonly error: string };
  /**
   * The RTA look-alike score retrained and every device-linked customer rescored (src/rta/lookalike.ts); a bank
   * without enough best customers and others is reported as such, not as a failure.
   */
  readonly lookalike?: LookalikeReport | { readonly error: string };
  /** Media attribution re-run for every window run before (src/media/attribution.ts). */
  readonly media?: { readonly windows: number[]; readonly attributed: number[] } | { readonly error: string };
  /** Set when a stop (SIGTERM) interrupted the batch: the steps after it did not run; the next start runs it again. */
  readonly interrupted?: boolean;
  readonly seconds: number;
}

// What the background work has finished, kept in system_state so a stopped process's successor picks up the rest:
// the day of the last whole daily batch, and the demo's tag history still to compute.
const DAILY_BATCH_KEY = 'daily_batch';
const TAG_HISTORY_KEY = 'tag_history_pending';

/**
 * Runs the day's batch for `asOf` (default today, the bank's business day); never throws — failures are in the report and the log. A
 * `signal` aborted between steps (a stop) ends it there, unrecorded, so the next start runs it again.
 */
export async function runDailyJobs(
  deps: DailyDeps,
  trigger: 'schedule' | 'start',
  actor: string,
  asOf: string = deps.clock.today(),
  signal?: AbortSignal,
): Promise<DailyReport> {
  const started = performance.now();
  const tags = await computeTags(deps, trigger, actor, asOf, signal);
  const stopped = (): DailyReport | undefined =>
    signal?.aborted
      ? {
          asOf,
          tags,
          segments: { materialized: 0, failed: [] },
          reminders: [],
          interrupted: true,
          seconds: Math.round(performance.now() - started) / 1000,
        }
      : undefined;
  const afterTags = stopped();
  if (afterTags) return afterTags;
  // materializeAll never throws: a segment that fails (or the listing, as segment '*') is one of its results.
  const materialized = await materializeAll(deps.segments, asOf, actor);
  const afterSegments = stopped();
  if (afterSegments) return afterSegments;
  const segments = {
    materialized: materialized.results.filter((x) => x.ok).length,
    failed: materialized.results.filter((x) => !x.ok),
  };
  // generateReminders reports each kind's failure itself; only its audit record can throw.
  let remindersError: string | undefined;
  const reminders = await generateReminders(deps, actor, { asOf }).catch((error: unknown) => {
    remindersError = messageOf(error);
    return [];
  });
  // WeCom's marks follow the day's tag values; a failing pass is reported, never fatal to the batch.
  const wecomTags = deps.wecom
    ? await syncWecomTags({ db: deps.db, api: deps.wecom, clock: deps.clock, actor }).catch(
        (error: unknown) => ({ error: messageOf(error) }),
      )
    : undefined;
  // Journeys entered by a date take the day's customers, then those entered by a segment or lifecycle-stage change
  // the changes the day's snapshots (computed above) show; the worker's tick then moves them. A re-run the same day
  // enters nobody twice (one live entry per customer and journey; a journey's change entries claimed per day).
  const journeys = await enterJourneys(deps, asOf).catch((error: unknown) => ({ error: messageOf(error) }));
  // The RTA service reads the day's scores at its next rebuild (the day turning).
  const lookalike = await trainLookalike({ db: deps.db, clock: deps.clock }, actor)
    .then((r) => (r.ok ? r.value : { error: r.error.message }))
    .catch((error: unknown) => ({ error: messageOf(error) }));
  // Media attribution of every window run before, after the day's tags: the stage the acquired reached is read from
  // the lifecycle snapshot just computed.
  const media = await refreshAttributions({ db: deps.db, events: deps.events, clock: deps.clock }, actor)
    .then((runs) => ({ windows: runs.map((r) => r.windowDays), attributed: runs.map((r) => r.attributed) }))
    .catch((error: unknown) => ({ error: messageOf(error) }));
  const report: DailyReport = {
    asOf,
    tags,
    segments,
    reminders,
    ...(remindersError === undefined ? {} : { remindersError }),
    ...(wecomTags === undefined ? {} : { wecomTags }),
    journeys,
    lookalike,
    media,
    seconds: Math.round(performance.now() - started) / 1000,
  };
  const failed =
    !tags.ok ||
    tags.failed.length > 0 ||
    segments.failed.length > 0 ||
    remindersError !== undefined ||
    reminders.some((r) => !r.ok) ||
    (wecomTags?.error ?? null) !== null ||
    'error' in journeys;
  deps.logger[failed ? 'warn' : 'info'](
    {
      asOf,
      trigger,
      tagsComputed: tags.computed,
      tagsFailed: tags.failed,
      segmentsMaterialized: segments.materialized,
      segmentsFailed: segments.failed.map((f) => (f.ok ? '' : f.segmentId)),
      remindersCreated: reminders.reduce((n, r) => n + (r.ok ? r.created : 0), 0),
      seconds: report.seconds,
    },
    failed ? 'daily batch finished with failures' : 'daily batch done',
  );
  await setState(deps.db, DAILY_BATCH_KEY, { asOf, finishedAt: deps.clock.now().toISOString() }).catch(
    (error: unknown) =>
      deps.logger.warn({ reason: messageOf(error) }, 'daily batch: completion not recorded'),
  );
  return report;
}

/** The day's journey entries: by date, then by segment and lifecycle-stage change. */
async function enterJourneys(deps: DailyDeps, asOf: string): Promise<JourneysReport> {
  const at = deps.clock.now();
  const byDate = [...(await enterDueDates({ db: deps.db, clock: deps.clock }, asOf as Day, at)).values()];
  const changes = [...(await enterByTriggers({ db: deps.db, clock: deps.clock }, asOf, at)).values()];
  const byChange = changes.filter((c): c is EnterReport => typeof c !== 'string');
  const sum = (reports: readonly EnterReport[], key: 'entered' | 'control') =>
    reports.reduce((n, r) => n + r[key], 0);
  return {
    entered: sum(byDate, 'entered') + sum(byChange, 'entered'),
    control: sum(byDate, 'control') + sum(byChange, 'control'),
    byDate: sum(byDate, 'entered'),
    byChange: sum(byChange, 'entered'),
    noSnapshot: changes.filter((c) => c === 'no_snapshot_today').length,
  };
}

/**
 * At start-up: runs today's batch in the background unless today's tag snapshot exists and the batch finished
 * (a stop may have cut it short after the tags); resolves when done.
 */
export async function catchUpToday(
  deps: DailyDeps,
  actor: string,
  signal?: AbortSignal,
): Promise<DailyReport | null> {
  const today = deps.tags.today();
  try {
    const finished = await getState<{ asOf: string }>(deps.db, DAILY_BATCH_KEY);
    if ((await deps.tags.hasSnapshot(today)) && (finished === undefined || finished.asOf >= today))
      return null;
  } catch (error) {
    deps.logger.warn({ reason: messageOf(error) }, 'daily batch not run at start');
    return null;
  }
  return runDailyJobs(deps, 'start', actor, today, signal);
}

/** Records that a freshly seeded bank wants its tag history (see resumeTagHistory); the seed's transaction is done. */
export async function requestTagHistory(
  db: Kysely<Database>,
  options: { days: number; stepDays: number },
): Promise<void> {
  await setState(db, TAG_HISTORY_KEY, options);
}

/**
 * Computes the tag history a seeded bank still wants (requestTagHistory), oldest day first, and forgets the request
 * once every day has a snapshot. A stop (`signal`) ends it between days; the next start resumes where it stopped.
 */
export async function resumeTagHistory(
  deps: DailyDeps,
  actor: string,
  signal?: AbortSignal,
): Promise<string[]> {
  const pending = await getState<{ days: number; stepDays: number }>(deps.db, TAG_HISTORY_KEY);
  if (!pending) return [];
  const computed = await backfillTagHistory(deps, actor, pending, signal);
  if (!signal?.aborted) await deps.db.deleteFrom('system_state').where('key', '=', TAG_HISTORY_KEY).execute();
  return computed;
}

/**
 * Tag snapshots for past days of a freshly seeded bank (every `stepDays` over `days`, oldest first, days that already
 * have one skipped), so the lifecycle, trend and growth analyses have a history from the first start. Returns the
 * days computed; a failed day is logged and skipped.
 */
export async function backfillTagHistory(
  deps: DailyDeps,
  actor: string,
  options: { days: number; stepDays: number },
  signal?: AbortSignal,
): Promise<string[]> {
  const today = deps.tags.today();
  const computed: string[] = [];
  for (
    let back = Math.floor((options.days - 1) / options.stepDays) * options.stepDays;
    back > 0;
    back -= options.stepDays
  ) {
    if (signal?.aborted) break;
    const asOf = addDays(today, -back);
    try {
      if (await deps.tags.hasSnapshot(asOf)) continue;
      const result = await deps.tags.compute({ asOf, ...(signal ? { signal } : {}) }, 'start', actor);
      if (result.ok) computed.push(asOf);
      else deps.logger.warn({ asOf, error: result.error.message }, 'tag history: day not computed');
    } catch (error) {
      deps.logger.warn({ asOf, reason: messageOf(error) }, 'tag history: day not computed');
    }
  }
  deps.logger.info({ days: computed.length, from: computed[0], to: computed.at(-1) }, 'tag history computed');
  return computed;
}

async function computeTags(
  deps: DailyDeps,
  trigger: 'schedule' | 'start',
  actor: string,
  asOf: string,
  signal: AbortSignal | undefined,
): Promise<DailyReport['tags']> {
  try {
    const result = await deps.tags.compute({ asOf, ...(signal ? { signal } : {}) }, trigger, actor);
    if (!result.ok) return { ok: false, computed: 0, failed: [], error: result.error.message };
    const failed = result.value.results.filter((r) => r.status === 'failed').map((r) => r.key);
    return { ok: true, computed: result.value.results.length - failed.length, failed };
  } catch (error) {
    return { ok: false, computed: 0, failed: [], error: messageOf(error) };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
