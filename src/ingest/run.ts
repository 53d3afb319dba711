import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kysely, Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { IMPORT_RUN_LOCK } from './recovery.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError, err, ok, type ErrorCode, type Result } from '../shared/errors.ts';
import { registerEventNames } from '../dictionary/registry.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { RejectionLog, type Rejection } from './errors-file.ts';
import { EventStager } from './events.ts';
import { KeySet } from './keyset.ts';
import { fastPathUnsupported, loadEventsFast } from './events-fast.ts';
import { compileMapping, parseMapping, type CompiledMapping, type Mapping } from './mapping.ts';
import { loadReferences, type BatchOutcome, type BatchRow } from './operational.ts';
import { openSource, type Source } from './source.ts';
import { targetOf, type ImportTarget, type ImportTargets, type OperationalWriter } from './target.ts';
import { NATURAL_KEY, type ImportKind } from './targets.ts';

/** What to import. */
export interface ImportRequest {
  readonly kind: ImportKind;
  readonly file: string;
  /** Path of the mapping JSON file, or the mapping itself. */
  readonly mapping: string | { readonly value: unknown };
  /** Commit the valid rows even when some are rejected (default: a file with any rejected row commits nothing). */
  readonly allowPartial?: boolean;
  /** Where rejected rows are written; default `<file>.errors.csv`. */
  readonly errorsFile?: string;
  readonly actor: string;
  /** Rows per set-based statement. */
  readonly batchSize?: number;
  /** Kind experiment: parts of the definition that override the mapping's `experiment` section. */
  readonly experiment?: Record<string, unknown>;
}

/** The stores and services an import uses. */
export interface ImportDeps {
  readonly operational: OperationalStore;
  /** Required for events and transactions. */
  readonly events?: EventStore;
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Targets of kinds other domains own (the experiment units of src/analytics/experiments), by kind. */
  readonly targets?: ImportTargets;
}

/** Row counts of one import. */
export interface ImportCounts {
  /** Data rows read from the file (header excluded). */
  read: number;
  inserted: number;
  updated: number;
  /** Rows identical to what is already stored. */
  unchanged: number;
  rejected: number;
  /** Rows left out by the mapping's filter. */
  skipped: number;
}

/** The outcome of an import that ran to the end. */
export interface ImportReport extends ImportCounts {
  readonly runId: number;
  readonly kind: ImportKind;
  readonly file: string;
  /** committed: the rows were written (with --allow-partial, the valid ones); rejected: nothing was written. */
  readonly status: 'committed' | 'rejected';
  readonly errorsFile: string | null;
  /** The first rejections, for display; all of them are in the error file. */
  readonly firstErrors: readonly Rejection[];
  readonly elapsedMs: number;
  /** Kind experiment, when committed: the experiment and what happened to its definition (from its target). */
  readonly experiment?: { readonly id: string; readonly definition: 'created' | 'updated' | 'unchanged' };
}

/** Why an import could not run at all (mapping, file shape, unreadable bytes); nothing was written. */
export interface ImportFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: unknown;
  readonly runId?: number;
}

const DEFAULT_BATCH = 10_000;

class Rollback extends Error {}

/** Imports one file into the operational or event store, all-or-nothing unless `allowPartial`. */
export async function runImport(
  req: ImportRequest,
  deps: ImportDeps,
): Promise<Result<ImportReport, ImportFailure>> {
  const startedAt = deps.clock.now();
  const t0 = performance.now();
  const prepared = await prepare(req, deps);
  if (!prepared.ok) return prepared;
  const { source, compiled, mapping, target, plan } = prepared.value;
  const { db } = deps.operational;
  const run = await db
    .insertInto('import_runs')
    .values({ kind: req.kind, source: req.file, started_at: startedAt, status: 'running', actor: req.actor })
    .returning('id')
    .executeTakeFirstOrThrow();
  // While this lives, the run is ours; killed, the next start closes it as failed (recovery.ts).
  const releaseRun = await deps.operational.holdLock(IMPORT_RUN_LOCK, run.id);
  try {
    const log = new RejectionLog(req.errorsFile ?? `${req.file}.errors.csv`);
    const counts: ImportCounts = { read: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, skipped: 0 };
    const batchSize = Math.max(1, req.batchSize ?? DEFAULT_BATCH);
    let status: 'committed' | 'rejected' = 'committed';
    let failure: ImportFailure | undefined;
    let extra: Record<string, unknown> = {};
    // Set once an operational import's rows, run row and audit record committed together.
    let finished = false;
    const accept = () => log.rows === 0 || req.allowPartial === true;
    const emptyFailure = (): ImportFailure => ({
      code: 'validation_failed',
      message: `${req.file}: ${source.header ? 'the file has a header but no data rows' : 'the file has no data rows'}`,
    });
    const reportOf = (): ImportReport => ({
      runId: run.id,
      kind: req.kind,
      file: req.file,
      status,
      ...counts,
      rejected: log.rows,
      ...(status === 'rejected' ? { inserted: 0, updated: 0, unchanged: 0 } : {}),
      errorsFile: log.written ? log.path : null,
      firstErrors: log.first,
      elapsedMs: Math.round(performance.now() - t0),
      ...(status === 'committed' ? extra : {}),
    });

    try {
      if (target.store === 'events') {
        // The engine may load a clean NDJSON events file itself (events-fast.ts); otherwise rows are checked here.
        const fast =
          target.table === 'events' && (await tryEnginePath(req, deps, mapping, source, run.id, counts));
        if (!fast) {
          const events = deps.events!;
          const refs = await loadReferences(db);
          const stager = new EventStager(
            target.table,
            { db, events, refs },
            join(tmpdir(), `flywheel-import-${run.id}-${randomBytes(4).toString('hex')}.ndjson`),
          );
          try {
            await pump(source, compiled, log, counts, batchSize, (rows) => stager.write(rows));
            if (counts.read === 0) failure = emptyFailure();
            else if (accept()) {
              await stager.commit();
              // Events first seen here enter the data dictionary, marked for naming (after the load: a failed
              // load registers nothing).
              await registerEventNames(db, stager.eventNames);
            } else status = 'rejected';
          } finally {
            await stager.discard();
          }
        }
      } else {
        await db
          .transaction()
          .execute(async (trx) => {
            const writer: OperationalWriter = await target.open(trx, {
              fields: compiled.fields,
              actor: req.actor,
              plan,
            });
            await pump(source, compiled, log, counts, batchSize, (rows) => writer.write(rows));
            await log.close();
            if (counts.read === 0) failure = emptyFailure();
            else if (!accept()) status = 'rejected';
            if (failure || status === 'rejected') throw new Rollback();
            extra = writer.report?.() ?? {};
            // The rows, the run's outcome and its audit record commit together: no import is ever unaudited.
            await finishIn(trx, deps.clock, req, run.id, 'committed', summaryOf(reportOf()));
            finished = true;
          })
          .catch((error: unknown) => {
            if (!(error instanceof Rollback)) throw error;
          });
      }
    } catch (error) {
      await log.close();
      // File-level faults found mid-way (invalid UTF-8) are the caller's to fix; anything else is ours.
      const known = error instanceof AppError && error.code === 'validation_failed';
      const message = known
        ? error.message
        : `import failed: ${error instanceof Error ? error.message : String(error)}`;
      await finish(deps, req, run.id, 'failed', { ...counts, error: message });
      if (known) return err({ code: error.code, message, details: error.details, runId: run.id });
      throw error;
    }
    await log.close();
    if (failure) {
      await finish(deps, req, run.id, 'failed', { ...counts, error: failure.message });
      return err({ ...failure, runId: run.id });
    }
    const report = reportOf();
    if (!finished) await finish(deps, req, run.id, status, summaryOf(report));
    deps.logger?.info(
      {
        runId: run.id,
        kind: req.kind,
        status,
        read: report.read,
        inserted: report.inserted,
        rejected: report.rejected,
      },
      'import finished',
    );
    return ok(report);
  } finally {
    await releaseRun();
  }
}

/** What the run row and the audit record keep of a report. */
function summaryOf(report: ImportReport): Record<string, unknown> {
  const { read, inserted, updated, unchanged, rejected, skipped, errorsFile, elapsedMs, experiment } = report;
  return {
    read,
    inserted,
    updated,
    unchanged,
    rejected,
    skipped,
    errorsFile,
    elapsedMs,
    ...(experiment ? { experiment } : {}),
  };
}

/**
 * Lets the event store load a clean NDJSON file itself (events-fast.ts); false when the mapping or store does not
 * allow it or the engine found something to report, and the row path must run.
 */
async function tryEnginePath(
  req: ImportRequest,
  deps: ImportDeps,
  mapping: Mapping,
  source: Source,
  runId: number,
  counts: ImportCounts,
): Promise<boolean> {
  if (!deps.events) return false;
  const unsupported = fastPathUnsupported(mapping, source.format, deps.events);
  const tag = `${runId}_${randomBytes(3).toString('hex')}`;
  const fast =
    unsupported ??
    (await loadEventsFast(
      req.file,
      mapping,
      { db: deps.operational.db, events: deps.events, timeZone: deps.clock.timeZone },
      tag,
    ));
  if (typeof fast !== 'string' && fast.ok) {
    const { eventNames, ...outcome } = fast.value;
    Object.assign(counts, outcome);
    await registerEventNames(deps.operational.db, eventNames);
    return true;
  }
  deps.logger?.info(
    { runId, reason: typeof fast === 'string' ? fast : fast.fallback },
    'import: events checked row by row',
  );
  return false;
}

/** Reads and checks the mapping, finds the kind's target, opens the file and checks the mapping against its header. */
async function prepare(
  req: ImportRequest,
  deps: ImportDeps,
): Promise<
  Result<
    { source: Source; compiled: CompiledMapping; mapping: Mapping; target: ImportTarget; plan: unknown },
    ImportFailure
  >
> {
  const target = targetOf(req.kind, deps.targets);
  if (!target) return err({ code: 'internal', message: `no import target for kind ${req.kind} was given` });
  if (target.store === 'events' && !deps.events) {
    return err({ code: 'internal', message: `importing ${req.kind} needs the event store` });
  }
  let mappingInput: unknown;
  if (typeof req.mapping === 'string') {
    try {
      mappingInput = await readFile(req.mapping, 'utf8');
    } catch (error) {
      return err({
        code: 'not_found',
        message: `cannot read mapping ${req.mapping}: ${(error as Error).message}`,
      });
    }
  } else mappingInput = req.mapping.value;
  const mapping = parseMapping(mappingInput);
  if (!mapping.ok) return mapping;
  const source = await openSource(req.file, {
    format: mapping.value.format,
    delimiter: mapping.value.delimiter,
  });
  if (!source.ok) return source;
  const compiled = compileMapping(req.kind, mapping.value, source.value.header, { calendar: deps.clock });
  if (!compiled.ok) return compiled;
  const plan =
    target.store === 'operational' && target.prepare
      ? target.prepare(mapping.value, req.experiment)
      : ok(undefined);
  if (!plan.ok) return plan;
  return ok({
    source: source.value,
    compiled: compiled.value,
    mapping: mapping.value,
    target,
    plan: plan.value,
  });
}

/**
 * Streams the source through the mapping into batches and hands each to `write`. While the store works on one batch
 * the next is parsed, so a PostgreSQL server and this process work in parallel.
 */
async function pump(
  source: Source,
  compiled: CompiledMapping,
  log: RejectionLog,
  counts: ImportCounts,
  batchSize: number,
  write: (rows: BatchRow[]) => Promise<BatchOutcome>,
): Promise<void> {
  const keys = new KeySet();
  const keyFields = NATURAL_KEY[compiled.kind];
  let batch: BatchRow[] = [];
  let pending: Promise<void> = Promise.resolve();
  const flush = async (rows: BatchRow[]) => {
    await pending;
    pending = write(rows).then(async (outcome) => {
      counts.inserted += outcome.inserted;
      counts.updated += outcome.updated;
      counts.unchanged += outcome.unchanged;
      for (const problems of outcome.rejected) await log.add(problems);
    });
    // Surface a failure now rather than at the next flush; the caller still awaits `pending` at the end.
    pending.catch(() => undefined);
  };
  for await (const items of source.items()) {
    for (const item of items) {
      counts.read++;
      if (item.kind === 'problem') {
        await log.add([{ row: item.row, line: item.line, field: '', reason: item.reason, value: item.raw }]);
        continue;
      }
      const mapped = compiled.map(item.values, item.row, item.line);
      if (mapped.kind === 'skip') {
        counts.skipped++;
        continue;
      }
      if (mapped.kind === 'invalid') {
        await log.add(mapped.problems.map((p) => ({ row: item.row, line: item.line, ...p })));
        continue;
      }
      const key =
        keyFields.length === 1
          ? String(mapped.row[keyFields[0]!])
          : keyFields.map((f) => String(mapped.row[f])).join('\u0001');
      const first = keys.add(key, item.row);
      if (first) {
        await log.add([
          {
            row: item.row,
            line: item.line,
            field: keyFields.join('+'),
            reason: `duplicate ${keyFields.join('+')} in this file (first at row ${first})`,
            value: keyFields.map((f) => mapped.row[f]).join(' / '),
          },
        ]);
        continue;
      }
      batch.push({ row: item.row, line: item.line, data: mapped.row });
      if (batch.length >= batchSize) {
        await flush(batch);
        batch = [];
      }
    }
  }
  if (batch.length) await flush(batch);
  await pending;
}

/** Closes the run's bookkeeping row and writes its audit entry, in a transaction of its own. */
async function finish(
  deps: ImportDeps,
  req: ImportRequest,
  runId: number,
  status: 'committed' | 'rejected' | 'failed',
  summary: Record<string, unknown>,
): Promise<void> {
  await deps.operational.db
    .transaction()
    .execute((trx) => finishIn(trx, deps.clock, req, runId, status, summary));
}

/** Closes the run's bookkeeping row and writes its audit entry in the caller's transaction. */
async function finishIn(
  trx: Transaction<Database> | Kysely<Database>,
  clock: Clock,
  req: ImportRequest,
  runId: number,
  status: 'committed' | 'rejected' | 'failed',
  summary: Record<string, unknown>,
): Promise<void> {
  await trx
    .updateTable('import_runs')
    .set({ status, finished_at: clock.now(), summary: JSON.stringify(summary) })
    .where('id', '=', runId)
    .execute();
  await recordAudit(trx, {
    actor: req.actor,
    action: `import.${req.kind}`,
    entityType: 'import_run',
    entityId: String(runId),
    details: { file: req.file, status, ...summary },
  });
}
