import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Transaction } from 'kysely';
import {
  experimentOfMapping,
  experimentWriter,
  type ExperimentImportInfo,
} from '../analytics/experiments/import.ts';
import type { ExperimentSection, ExperimentSpec } from '../analytics/experiments/model.ts';
import { recordAudit } from '../audit/audit.ts';
import { IMPORT_RUN_LOCK } from './recovery.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError, err, ok, type ErrorCode, type Result } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import type { OperationalStore } from '../store/operational/store.ts';
import { RejectionLog, type Rejection } from './errors-file.ts';
import { EventStager } from './events.ts';
import { KeySet } from './keyset.ts';
import { fastPathUnsupported, loadEventsFast } from './events-fast.ts';
import { compileMapping, parseMapping, type CompiledMapping, type Mapping } from './mapping.ts';
import {
  loadReferences,
  upsertConsent,
  upsertCustomers,
  upsertHoldings,
  upsertStaff,
  type BatchOutcome,
  type BatchRow,
  type References,
} from './operational.ts';
import { openSource, type Source } from './source.ts';
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
  readonly experiment?: ExperimentSection;
}

/** The stores and services an import uses. */
export interface ImportDeps {
  readonly operational: OperationalStore;
  /** Required for events and transactions. */
  readonly events?: EventStore;
  readonly clock: Clock;
  readonly logger?: Logger;
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
  /** Kind experiment, when committed: the experiment and what happened to its definition. */
  readonly experiment?: ExperimentImportInfo;
}

/** Why an import could not run at all (mapping, file shape, unreadable bytes); nothing was written. */
export interface ImportFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: unknown;
  readonly runId?: number;
}

const DEFAULT_BATCH = 10_000;
// Serialises customer imports (and profile upserts), so dense ordinals are assigned max(id)+1… without gaps or races.
export const CUSTOMERS_LOCK = 727_301;

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
  const { source, compiled, mapping, experiment } = prepared.value;
  const experimentInfo: { value?: ExperimentImportInfo } = {};
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
    // Set when the event store loaded the whole file itself (clean NDJSON on chDB, see events-fast.ts).
    let fastPath = false;
    const accept = () => log.rows === 0 || req.allowPartial === true;
    const emptyFailure = (): ImportFailure => ({
      code: 'validation_failed',
      message: `${req.file}: ${source.header ? 'the file has a header but no data rows' : 'the file has no data rows'}`,
    });

    try {
      const toEventStore = req.kind === 'events' || req.kind === 'transactions';
      if (req.kind === 'events') fastPath = await tryEnginePath(req, deps, mapping, source, run.id, counts);
      if (fastPath) {
        // Loaded and counted by the engine.
      } else if (toEventStore) {
        const events = deps.events!;
        const refs = await loadReferences(db);
        const stager = new EventStager(
          req.kind,
          { db, events, refs },
          join(tmpdir(), `flywheel-import-${run.id}-${randomBytes(4).toString('hex')}.ndjson`),
        );
        try {
          await pump(source, compiled, log, counts, batchSize, (rows) => stager.write(rows));
          if (counts.read === 0) failure = emptyFailure();
          else if (accept()) await stager.commit();
          else status = 'rejected';
        } finally {
          await stager.discard();
        }
      } else {
        await db
          .transaction()
          .execute(async (trx) => {
            const write = experiment
              ? await experimentWriter(trx, experiment, req.actor, experimentInfo)
              : await operationalWriter(req.kind, trx, compiled.fields);
            await pump(source, compiled, log, counts, batchSize, write);
            if (counts.read === 0) failure = emptyFailure();
            else if (!accept()) status = 'rejected';
            if (failure || status === 'rejected') throw new Rollback();
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
    counts.rejected = log.rows;
    if (status === 'rejected') Object.assign(counts, { inserted: 0, updated: 0, unchanged: 0 });
    const report: ImportReport = {
      runId: run.id,
      kind: req.kind,
      file: req.file,
      status,
      ...counts,
      errorsFile: log.written ? log.path : null,
      firstErrors: log.first,
      elapsedMs: Math.round(performance.now() - t0),
      ...(experimentInfo.value && status === 'committed' ? { experiment: experimentInfo.value } : {}),
    };
    await finish(deps, req, run.id, status, {
      ...counts,
      errorsFile: report.errorsFile,
      elapsedMs: report.elapsedMs,
      ...(report.experiment ? { experiment: report.experiment } : {}),
    });
    deps.logger?.info({ runId: run.id, kind: req.kind, status, ...counts }, 'import finished');
    return ok(report);
  } finally {
    await releaseRun();
  }
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
    Object.assign(counts, fast.value);
    return true;
  }
  deps.logger?.info(
    { runId, reason: typeof fast === 'string' ? fast : fast.fallback },
    'import: events checked row by row',
  );
  return false;
}

/** Reads and checks the mapping, opens the file and checks the mapping against its header. */
async function prepare(
  req: ImportRequest,
  deps: ImportDeps,
): Promise<
  Result<
    { source: Source; compiled: CompiledMapping; mapping: Mapping; experiment?: ExperimentSpec },
    ImportFailure
  >
> {
  if ((req.kind === 'events' || req.kind === 'transactions') && !deps.events) {
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
  const prepared = { source: source.value, compiled: compiled.value, mapping: mapping.value };
  if (req.kind !== 'experiment') return ok(prepared);
  const experiment = experimentOfMapping(mapping.value, req.experiment);
  return experiment.ok ? ok({ ...prepared, experiment: experiment.value }) : experiment;
}

/** The batch writer of an operational kind, bound to the import's transaction. */
async function operationalWriter(
  kind: ImportKind,
  trx: Transaction<Database>,
  fields: readonly string[],
): Promise<(rows: BatchRow[]) => Promise<BatchOutcome>> {
  const refs: References = await loadReferences(trx);
  switch (kind) {
    case 'customers': {
      await sql`select pg_advisory_xact_lock(${CUSTOMERS_LOCK})`.execute(trx);
      const max = await sql<{ max: number }>`select coalesce(max(id), 0)::int as max from customers`.execute(
        trx,
      );
      const start = max.rows[0]?.max ?? 0;
      const nextId = { value: start + 1, emptyAtStart: start === 0 };
      return (rows) => upsertCustomers(trx, rows, fields, refs, nextId);
    }
    case 'holdings':
      return (rows) => upsertHoldings(trx, rows, fields, refs);
    case 'staff':
      return (rows) => upsertStaff(trx, rows, fields, refs);
    case 'consent':
      return (rows) => upsertConsent(trx, rows);
    default:
      throw new Error(`${kind} is not an operational import`);
  }
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

/** Closes the run's bookkeeping row and writes its audit entry. */
async function finish(
  deps: ImportDeps,
  req: ImportRequest,
  runId: number,
  status: 'committed' | 'rejected' | 'failed',
  summary: Record<string, unknown>,
): Promise<void> {
  const db = deps.operational.db;
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('import_runs')
      .set({ status, finished_at: deps.clock.now(), summary: JSON.stringify(summary) })
      .where('id', '=', runId)
      .execute();
    await recordAudit(trx, {
      actor: req.actor,
      action: `import.${req.kind}`,
      entityType: 'import_run',
      entityId: String(runId),
      details: { file: req.file, status, ...summary },
    });
  });
}
