import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { asFailure, type SegmentService } from '../segments/service.ts';
import { err, ok, schemaIssues, type Failure, type Result } from '../shared/errors.ts';
import type { Clock } from '../shared/clock.ts';
import type { Database } from '../store/operational/database.ts';
import { MAX_ACTIVE_STRATEGIES, StrategyInput, type Strategy, type StrategyDefinition } from './model.ts';

// RTA strategies: create, edit, pause, resume, read. Every save writes the next version row (the whole definition
// and status after it) and an audit record in the same transaction. The RTA service notices a save by the
// watermark (count, max version sum, latest updated_at) and rebuilds its table.
//
// "Cannot be evaluated from device-linked data": a target is evaluated by the segment engine over the customers
// that devices link to, when the table is built (daily and on every change). A target is refused when saved if the
// engine cannot evaluate it on today's index: an unknown tag, value, attribute, list, event (the event store has
// never seen it, so the daily index has nothing to count), or segment (missing or archived), wrong types, cycles —
// each located by its JSON path under /target/population/rule.

/** One saved version of a strategy. */
export interface StrategyVersion {
  readonly version: number;
  readonly definition: StrategyDefinition;
  readonly status: 'active' | 'paused';
  readonly change: 'create' | 'update' | 'pause' | 'resume';
  readonly changedBy: string;
  readonly changedAt: string;
}

/** What strategy writes need. */
export interface StrategyDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
  readonly segments: SegmentService;
}

type Row = Selectable<Database['rta_strategies']>;

function toStrategy(row: Row): Strategy {
  const definition = row.definition as unknown as StrategyDefinition;
  return {
    ...definition,
    status: row.status,
    version: row.version,
    updatedBy: row.updated_by,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

/** Every strategy, by priority then id. */
export async function listStrategies(db: Kysely<Database>): Promise<Strategy[]> {
  const rows = await db.selectFrom('rta_strategies').selectAll().execute();
  return rows
    .map((r) => toStrategy(r))
    .sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** One strategy with its versions, newest first. */
export async function getStrategy(
  db: Kysely<Database>,
  id: string,
): Promise<Result<Strategy & { versions: StrategyVersion[] }>> {
  const row = await db.selectFrom('rta_strategies').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return err({ code: 'not_found', message: `no RTA strategy ${id}` });
  const versions = await db
    .selectFrom('rta_strategy_versions')
    .selectAll()
    .where('strategy_id', '=', id)
    .orderBy('version', 'desc')
    .execute();
  return ok({
    ...toStrategy(row),
    versions: versions.map((v) => ({
      version: v.version,
      definition: v.definition as unknown as StrategyDefinition,
      status: v.status,
      change: v.change,
      changedBy: v.changed_by,
      changedAt: new Date(v.changed_at).toISOString(),
    })),
  });
}

/** Checks a definition: its shape, its window, and that the engine can evaluate its target today. */
export async function checkStrategy(
  segments: SegmentService,
  input: unknown,
): Promise<Result<StrategyDefinition>> {
  const parsed = StrategyInput.safeParse(input);
  if (!parsed.success)
    return err({
      code: 'validation_failed',
      message: `invalid strategy: ${parsed.error.issues[0]?.message ?? 'invalid'}`,
      details: {
        issues: schemaIssues(parsed.error.issues).map((i) => ({
          path: `/${i.path.join('/')}`,
          message: i.message,
        })),
      },
    });
  const def = parsed.data;
  if (def.activeFrom && def.activeUntil && def.activeFrom >= def.activeUntil)
    return err({
      code: 'validation_failed',
      message: 'activeUntil must be after activeFrom',
      details: { issues: [{ path: '/activeUntil', message: 'must be after activeFrom' }] },
    });
  const population = def.target.population;
  if ('segmentId' in population) {
    const seg = await segments.db
      .selectFrom('segments')
      .select('status')
      .where('id', '=', population.segmentId)
      .executeTakeFirst();
    if (seg?.status !== 'active')
      return err({
        code: 'validation_failed',
        message: `no active segment ${population.segmentId}`,
        details: { issues: [{ path: '/target/population/segmentId', message: 'no such active segment' }] },
      });
  } else {
    const checked = await segments.check(population.rule);
    if (!checked.ok) {
      const failure = asFailure(checked.error);
      const issues = (failure.details as { issues?: { path: string }[] } | undefined)?.issues;
      return err({
        ...failure,
        details: {
          issues: (issues ?? []).map((i) => ({
            ...i,
            path: `/target/population/rule${i.path.replace(/^\$/, '')}`,
          })),
        },
      });
    }
  }
  return ok(def);
}

async function activeCount(tx: Transaction<Database>, except: string): Promise<number> {
  const row = await tx
    .selectFrom('rta_strategies')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('status', '=', 'active')
    .where('id', '!=', except)
    .executeTakeFirstOrThrow();
  return row.n;
}

const TOO_MANY: Failure = {
  code: 'conflict',
  message: `at most ${MAX_ACTIVE_STRATEGIES} strategies may be active at once: pause one first`,
  details: { reason: 'too_many_active', issues: [{ path: '/status', message: 'a 33rd active strategy' }] },
};

async function writeVersion(
  tx: Transaction<Database>,
  deps: StrategyDeps,
  def: StrategyDefinition,
  version: number,
  change: StrategyVersion['change'],
  actor: string,
): Promise<void> {
  const at = deps.clock.now();
  const definition = JSON.stringify(def);
  const row = { name: def.name, definition, status: def.status, version, updated_by: actor, updated_at: at };
  if (version === 1)
    await tx
      .insertInto('rta_strategies')
      .values({ id: def.id, ...row })
      .execute();
  else await tx.updateTable('rta_strategies').set(row).where('id', '=', def.id).execute();
  await tx
    .insertInto('rta_strategy_versions')
    .values({
      strategy_id: def.id,
      version,
      definition,
      status: def.status,
      change,
      changed_by: actor,
      changed_at: at,
    })
    .execute();
  await recordAudit(tx, {
    actor,
    action: `rta.strategy.${change}`,
    entityType: 'rta_strategy',
    entityId: def.id,
    details: { version, status: def.status },
    at,
  });
}

/** Creates a strategy (version 1). */
export async function createStrategy(
  deps: StrategyDeps,
  input: unknown,
  actor: string,
): Promise<Result<Strategy>> {
  const checked = await checkStrategy(deps.segments, input);
  if (!checked.ok) return checked;
  const def = checked.value;
  const outcome = await deps.db.transaction().execute(async (tx): Promise<Result<null>> => {
    const taken = await tx
      .selectFrom('rta_strategies')
      .select('id')
      .where('id', '=', def.id)
      .executeTakeFirst();
    if (taken) return err({ code: 'conflict', message: `RTA strategy ${def.id} exists` });
    if (def.status === 'active' && (await activeCount(tx, def.id)) >= MAX_ACTIVE_STRATEGIES)
      return err(TOO_MANY);
    await writeVersion(tx, deps, def, 1, 'create', actor);
    return ok(null);
  });
  return outcome.ok ? strategyOf(deps.db, def.id) : outcome;
}

/** Saves a strategy's next version (the id in the body must be the strategy's). */
export async function updateStrategy(
  deps: StrategyDeps,
  id: string,
  input: unknown,
  actor: string,
): Promise<Result<Strategy>> {
  const checked = await checkStrategy(deps.segments, { ...(input as object), id });
  if (!checked.ok) return checked;
  return saveNext(deps, id, actor, 'update', () => checked.value);
}

/** Pauses or resumes a strategy (its next version). */
export function setStrategyStatus(
  deps: StrategyDeps,
  id: string,
  status: 'active' | 'paused',
  actor: string,
): Promise<Result<Strategy>> {
  return saveNext(deps, id, actor, status === 'active' ? 'resume' : 'pause', (current) => ({
    ...current,
    status,
  }));
}

async function saveNext(
  deps: StrategyDeps,
  id: string,
  actor: string,
  change: StrategyVersion['change'],
  next: (current: StrategyDefinition) => StrategyDefinition,
): Promise<Result<Strategy>> {
  const outcome = await deps.db.transaction().execute(async (tx): Promise<Result<null>> => {
    const row = await tx
      .selectFrom('rta_strategies')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (!row) return err({ code: 'not_found', message: `no RTA strategy ${id}` });
    const current = { ...(row.definition as unknown as StrategyDefinition), status: row.status };
    const def = next(current);
    if (
      def.status === 'active' &&
      row.status !== 'active' &&
      (await activeCount(tx, id)) >= MAX_ACTIVE_STRATEGIES
    )
      return err(TOO_MANY);
    await writeVersion(tx, deps, def, row.version + 1, change, actor);
    return ok(null);
  });
  return outcome.ok ? strategyOf(deps.db, id) : outcome;
}

async function strategyOf(db: Kysely<Database>, id: string): Promise<Result<Strategy>> {
  const got = await getStrategy(db, id);
  if (!got.ok) return got;
  const { versions: _versions, ...strategy } = got.value;
  return ok(strategy);
}

/** A value that changes whenever any strategy is saved (the RTA service polls it). */
export async function strategyWatermark(db: Kysely<Database>): Promise<string> {
  const row = await db
    .selectFrom('rta_strategies')
    .select([
      sql<number>`count(*)::int`.as('n'),
      sql<number>`coalesce(sum(version), 0)::int`.as('v'),
      sql<string | null>`max(updated_at)::text`.as('at'),
    ])
    .executeTakeFirstOrThrow();
  return `${row.n}:${row.v}:${row.at ?? ''}`;
}
