import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { calendarDayNumber } from '../shared/day.ts';
import type { PropertyPredicate, Scalar } from '../segments/rule.ts';
import { dayOfNumber } from '../shared/day.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import type { SandboxConnection } from '../store/operational/sandbox.ts';
import type { EventSpec, RfmSpec, TagDefinition, TierSpec } from './definition.ts';
import { declaredValues } from './values.ts';
import { loadDefinitions } from './definitions.ts';
import { EventBatch, type EventFilter } from './event-batch.ts';
import { DEFAULT_CHUNK, FactScanner, maxCustomerId } from './facts.ts';
import { RFM_GROUPS } from './labels.ts';
import { manualTagValues } from './manual.ts';
import { computeRfm, rfmBasisKey, type RfmOutputs } from './rfm.ts';
import { RowTag } from './row-tags.ts';
import { finishRun, startRun, type TagResult } from './runs.ts';
import { saveTagSnapshot, type ComputedTag } from './snapshot-store.ts';
import { runEventSql, runOperationalSql } from './sql-tags.ts';
import { assignTiers, prepareTier } from './tier-compute.ts';

// Computes tags for one business day into bitmaps and saves them (replacing that day's rows of the computed tags in
// one transaction, so recomputing a day is idempotent). The work is arranged so each store is read as few times as
// possible: one keyset scan of the operational store evaluates every attribute, bucket and lifecycle tag chunk by
// chunk; the event store answers every event condition in one or two batched queries, RFM once per distinct basis,
// and returns bitmaps, not rows. Event-store work runs while the operational store is being read. A tag that fails
// is reported and leaves its earlier values of that day in place; the others are saved.

/** What computing needs. */
export interface ComputeDeps {
  readonly db: Kysely<Database>;
  readonly events: EventStore;
  /** The operational store's confined connection for SQL tags; without it those tags fail (and say so). */
  readonly sandbox?: (() => Promise<SandboxConnection>) | undefined;
  readonly logger?: Logger;
  /** Customers per chunk of the operational scan. */
  readonly chunkSize?: number;
  /** The bank's time zone (the clock's): event windows and RFM recency count its business days. */
  readonly timeZone: string;
}

/** Which tags to compute, for which day, on whose behalf. */
export interface ComputeOptions {
  readonly asOf: string;
  /** Only these tags (default: every active tag, and the day's rows of inactive tags are removed). */
  readonly keys?: readonly string[];
  readonly trigger: 'schedule' | 'manual' | 'start';
  readonly actor: string;
  /** Aborts between chunks (e.g. at shutdown); the run is then recorded as failed. */
  readonly signal?: AbortSignal;
}

/** What a run did. */
export interface RunSummary {
  readonly runId: number;
  readonly asOf: string;
  readonly status: 'done' | 'failed';
  readonly results: TagResult[];
  /** Customers in the day's universe. */
  readonly customers: number;
  readonly tagValues: number;
  readonly bitmapBytes: number;
  readonly elapsedMs: number;
  /** Wall time of the run's parts (they overlap: event-store work runs alongside the operational scan). */
  readonly phasesMs: Readonly<Record<string, number>>;
}

type Outcome =
  { values: Map<string, RoaringBitmap32>; elapsedMs: number } | { error: string; elapsedMs: number };

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Computes and saves the tags; refuses unknown or retired keys and impossible days. */
export async function computeTags(
  deps: ComputeDeps,
  options: ComputeOptions,
): Promise<Result<RunSummary, { code: 'not_found' | 'bad_request'; message: string }>> {
  const today = calendarDayNumber(options.asOf);
  if (today === undefined)
    return err({ code: 'bad_request', message: `asOf is not a date: ${options.asOf}` });
  const defs = await loadDefinitions(deps.db, options.keys ? { keys: options.keys } : {});
  if (options.keys) {
    const unknown = options.keys.filter((k) => !defs.some((d) => d.key === k));
    if (unknown.length > 0) return err({ code: 'not_found', message: `no active tag ${unknown.join(', ')}` });
  }
  const started = performance.now();
  const runId = await startRun(deps.db, {
    asOf: options.asOf,
    trigger: options.trigger,
    actor: options.actor,
  });
  const outcomes = new Map<string, Outcome>();
  const phases: Record<string, number> = {};
  try {
    const universe = await computeAll(deps, options, defs, today, outcomes, phases);
    await auditSqlRuns(deps.db, options, defs, outcomes, runId);
    return ok(await save(deps, options, defs, runId, universe, outcomes, started, phases));
  } catch (error) {
    const results = defs.map((d) =>
      resultOf(d.key, outcomes.get(d.key) ?? { error: message(error), elapsedMs: 0 }),
    );
    await auditSqlRuns(deps.db, options, defs, outcomes, runId).catch(() => undefined);
    await finishRun(deps.db, runId, 'failed', results).catch(() => undefined);
    if (options.signal?.aborted)
      deps.logger?.warn({ runId, reason: message(error) }, 'tag computation stopped');
    else deps.logger?.error({ err: error, runId }, 'tag computation failed');
    throw error;
  }
}

/** Every run of an SQL tag is audited with its text, whoever started it, whatever came of it. */
async function auditSqlRuns(
  db: Kysely<Database>,
  options: ComputeOptions,
  defs: readonly TagDefinition[],
  outcomes: ReadonlyMap<string, Outcome>,
  runId: number,
): Promise<void> {
  for (const def of defs) {
    if (def.kind !== 'sql') continue;
    const outcome = outcomes.get(def.key);
    await recordAudit(db, {
      actor: options.actor,
      action: 'tag.sql_run',
      entityType: 'tag',
      entityId: def.key,
      details: {
        runId,
        asOf: options.asOf,
        version: def.version,
        store: def.spec.store,
        sql: def.spec.sql,
        elapsedMs: Math.round(outcome?.elapsedMs ?? 0),
        ...(outcome === undefined
          ? { status: 'not_run' }
          : 'error' in outcome
            ? { status: 'failed', error: outcome.error }
            : { status: 'ok', values: outcome.values.size }),
      },
    });
  }
}

/**
 * Waits for `work` unless `signal` aborts first: a stop does not wait for an event-store query it cannot cancel
 * (it finishes unobserved; the store's close gives it a short grace).
 */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const stop = () => reject(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    work.then(
      (value) => (signal.removeEventListener('abort', stop), resolve(value)),
      (error: unknown) => (signal.removeEventListener('abort', stop), reject(error)),
    );
  });
}

async function computeAll(
  deps: ComputeDeps,
  options: ComputeOptions,
  defs: readonly TagDefinition[],
  today: number,
  outcomes: Map<string, Outcome>,
  phases: Record<string, number>,
): Promise<RoaringBitmap32> {
  const phase = (name: string, since: number) => (phases[name] = Math.round(performance.now() - since));
  const { db, events, timeZone } = deps;
  const { asOf, signal } = options;
  const day = { asOf, timeZone };
  const timed = async (key: string, run: () => Promise<Map<string, RoaringBitmap32>>) => {
    const t0 = performance.now();
    try {
      outcomes.set(key, { values: await run(), elapsedMs: performance.now() - t0 });
    } catch (error) {
      outcomes.set(key, { error: message(error), elapsedMs: performance.now() - t0 });
    }
  };

  // Plan: row tags for the scan, event questions for one batch.
  const batch = new EventBatch(events, timeZone);
  const rowTags: RowTag[] = [];
  const eventTags: TagDefinition[] = [];
  for (const def of defs) {
    try {
      if (def.kind === 'attribute' || def.kind === 'bucket' || def.kind === 'lifecycle') {
        const tag = new RowTag(def, today);
        for (const [key, condition] of tag.events) batch.addCondition(key, condition);
        rowTags.push(tag);
      } else if (def.kind === 'event') {
        batch.addBands(def.key, eventFilter(def.spec, asOf, today), measureOf(def.spec), def.spec.buckets);
        eventTags.push(def);
      }
    } catch (error) {
      outcomes.set(def.key, { error: message(error), elapsedMs: 0 });
    }
  }

  // Event-store work starts now and runs while the operational store is read; so does the tier history. The
  // event-store queries run one after the other: each already uses every core, and side by side their hash tables and
  // sorts (tens of millions of rows at 10M customers) would add up in memory.
  const started = performance.now();
  let queue: Promise<unknown> = Promise.resolve();
  const onEventStore = <T>(work: () => Promise<T>): Promise<T> => {
    // A stop (signal) starts no further event-store query; one in flight runs to its end (chDB cannot cancel it).
    const next = queue.then(() => {
      signal?.throwIfAborted();
      return work();
    });
    queue = next.catch(() => undefined);
    return next;
  };
  const batchDone = onEventStore(() => batch.run()).then(() => phase('eventBatch', started));
  const rfm = new Map<string, Promise<RfmOutputs>>();
  const background: Promise<void>[] = [];
  for (const def of defs) {
    if (def.kind === 'rfm') {
      const basis = rfmBasisKey(def.spec);
      if (!rfm.has(basis)) {
        const n = rfm.size + 1;
        rfm.set(
          basis,
          onEventStore(() => computeRfm(events, def.spec, day)).then((r) => (phase(`rfm${n}`, started), r)),
        );
      }
      background.push(timed(def.key, async () => rfmOutput(await rfm.get(basis)!, def.spec)));
    } else if (def.kind === 'sql' && def.spec.store === 'events') {
      background.push(onEventStore(() => timed(def.key, () => runEventSql(events, def.key, def.spec, day))));
    }
  }
  const maxOrdinal = await maxCustomerId(db);
  const tiers = defs
    .filter((d) => d.kind === 'tier')
    .map((def) => ({
      def,
      prepared: prepareTier({ db, events }, def.spec as TierSpec, { asOf, maxOrdinal }).then(
        (p) => (phase(`tierHistory:${def.key}`, started), p),
      ),
    }));
  // Keep rejections handled until they are awaited below.
  for (const p of [...rfm.values(), ...tiers.map((t) => t.prepared)]) p.catch(() => undefined);

  // SQL and manual tags of the operational store run one after the other alongside the scan (on PostgreSQL on their
  // own connection; PGlite takes the statements in turn).
  const operationalStarted = performance.now();
  const operational = (async () => {
    for (const def of defs) {
      signal?.throwIfAborted();
      if (def.kind === 'sql' && def.spec.store === 'operational')
        await timed(def.key, () => runOperationalSql(deps, def.key, def.spec, day));
      else if (def.kind === 'manual') await timed(def.key, () => manualTagValues(db, def.key));
    }
    phase('operationalSqlAndManual', operationalStarted);
  })();
  operational.catch(() => undefined);

  const scanStarted = performance.now();
  const fields = new Set<string>();
  for (const tag of rowTags) if (tag.error === null) for (const f of tag.fields) fields.add(f);
  const scanner = new FactScanner(db, fields, asOf, deps.chunkSize ?? DEFAULT_CHUNK);
  const universe = new RoaringBitmap32();
  for await (const chunk of scanner.chunks(maxOrdinal)) {
    signal?.throwIfAborted();
    universe.addMany(chunk.ids);
    for (const tag of rowTags) tag.evaluate(chunk, scanner);
  }

  phase('scan', scanStarted);
  for (const { def, prepared } of tiers) {
    signal?.throwIfAborted();
    const t0 = performance.now();
    await timed(def.key, async () => assignTiers({ db, events }, await prepared, asOf, universe));
    const outcome = outcomes.get(def.key)!;
    outcome.elapsedMs += t0 - started; // the history ran alongside the scan
  }

  const batchMs = await untilAborted(batchDone, signal);
  for (const tag of rowTags) {
    const failed = [...tag.events.keys()].map((k) => batch.condition(k)).find((a) => !a.ok);
    if (tag.error === null && failed && !failed.ok) tag.error = `event store: ${failed.error}`;
    if (tag.error !== null) {
      outcomes.set(tag.key, { error: tag.error, elapsedMs: tag.elapsedMs });
      continue;
    }
    const values = tag.result(universe, (key) => {
      const answer = batch.condition(key);
      if (!answer.ok) throw new Error(answer.error);
      return answer.value;
    });
    outcomes.set(tag.key, { values, elapsedMs: tag.elapsedMs + (tag.events.size > 0 ? batchMs : 0) });
  }

  for (const def of eventTags) {
    const answer = batch.bands(def.key);
    if (!answer.ok) {
      outcomes.set(def.key, { error: `event store: ${answer.error}`, elapsedMs: batchMs });
      continue;
    }
    // Customers without a matching event have 0: they belong to the first band that holds 0.
    const zero = (def.spec as EventSpec).buckets.find(
      (b) => (b.min ?? -Infinity) <= 0 && 0 < (b.max ?? Infinity),
    );
    if (zero)
      answer.value.byValue.get(zero.value)!.orInPlace(RoaringBitmap32.andNot(universe, answer.value.any));
    outcomes.set(def.key, { values: answer.value.byValue, elapsedMs: batchMs });
  }
  // Stopped meanwhile: nothing of the day is saved, so the next start computes it whole.
  await untilAborted(Promise.all([...background, operational]), signal);
  phase('compute', started);
  return universe;
}

async function save(
  deps: ComputeDeps,
  options: ComputeOptions,
  defs: readonly TagDefinition[],
  runId: number,
  universe: RoaringBitmap32,
  outcomes: Map<string, Outcome>,
  started: number,
  phases: Record<string, number>,
): Promise<RunSummary> {
  const saveStarted = performance.now();
  const tags = new Map<string, ComputedTag>();
  const results: TagResult[] = [];
  let tagValues = 0;
  for (const def of defs) {
    const outcome = outcomes.get(def.key) ?? { error: 'not computed', elapsedMs: 0 };
    if ('values' in outcome) {
      for (const bitmap of outcome.values.values()) bitmap.andInPlace(universe);
      // Declared values nobody holds are saved too (as empty bitmaps), so that trends and rule builders see them.
      for (const { value } of declaredValues(def))
        if (!outcome.values.has(value)) outcome.values.set(value, new RoaringBitmap32());
      tags.set(def.key, { version: def.version, values: outcome.values });
      tagValues += outcome.values.size;
    }
    results.push(resultOf(def.key, outcome));
  }
  const failed = results.filter((r) => r.status === 'failed').map((r) => r.key);
  const status = failed.length > 0 ? 'failed' : 'done';
  const bytes = await deps.db.transaction().execute(async (tx) => {
    let remove: string[] = [];
    if (!options.keys) {
      // A full recompute leaves only active tags on the day.
      const present = await tx
        .selectFrom('tag_snapshots')
        .select('tag_key')
        .distinct()
        .where('as_of', '=', options.asOf)
        .execute();
      const active = new Set(defs.map((d) => d.key));
      remove = present.map((p) => p.tag_key).filter((k) => !active.has(k));
    }
    const saved = await saveTagSnapshot(tx, { asOf: options.asOf, tags, universe, runId, remove });
    await finishRun(tx, runId, status, results);
    await recordAudit(tx, {
      actor: options.actor,
      action: 'tags.compute',
      entityType: 'tag_run',
      entityId: String(runId),
      details: {
        asOf: options.asOf,
        trigger: options.trigger,
        tags: results.length,
        failed,
        keys: options.keys ?? null,
      },
    });
    return saved.bytes;
  });
  const summary: RunSummary = {
    runId,
    asOf: options.asOf,
    status,
    results,
    customers: universe.size,
    tagValues,
    bitmapBytes: bytes,
    elapsedMs: Math.round(performance.now() - started),
    phasesMs: { ...phases, save: Math.round(performance.now() - saveStarted) },
  };
  deps.logger?.info(
    { runId, asOf: options.asOf, status, tags: results.length, failed, elapsedMs: summary.elapsedMs },
    'tags computed',
  );
  return summary;
}

function resultOf(key: string, outcome: Outcome): TagResult {
  const elapsedMs = Math.round(outcome.elapsedMs);
  if ('error' in outcome)
    return { key, status: 'failed', values: 0, members: 0, elapsedMs, error: outcome.error };
  const members = RoaringBitmap32.orMany([...outcome.values.values()]).size;
  return { key, status: 'ok', values: outcome.values.size, members, elapsedMs };
}

function rfmOutput(outputs: RfmOutputs, spec: RfmSpec): Map<string, RoaringBitmap32> {
  const found = outputs.get(spec.output) ?? new Map<string, RoaringBitmap32>();
  const values = spec.output === 'group' ? RFM_VALUES : ['1', '2', '3', '4', '5'];
  return new Map(values.map((v) => [v, found.get(v)?.clone() ?? new RoaringBitmap32()]));
}

const RFM_VALUES = RFM_GROUPS.map((g) => g.value);

function eventFilter(spec: EventSpec, asOf: string, today: number): EventFilter {
  const where: Record<string, PropertyPredicate> = {};
  for (const [key, value] of Object.entries(spec.where ?? {}))
    where[key] =
      typeof value === 'object' && value !== null ? (value as PropertyPredicate) : { eq: value as Scalar };
  const from = dayOfNumber(today - (spec.window_days - 1));
  return { event: spec.event, from, to: asOf, where };
}

function measureOf(spec: EventSpec) {
  return spec.measure === 'sum'
    ? ({ kind: 'sum', property: spec.property ?? '' } as const)
    : ({ kind: 'count' } as const);
}
