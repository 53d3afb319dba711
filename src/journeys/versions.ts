import { sql, type Kysely, type Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { err, ok, validationFailed, type Failure, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { JourneyBody, NodeKind } from './model.ts';
import { checkJourney, publishJourney, type JourneyServiceDeps } from './service.ts';

// Editing a journey that customers are inside. Versions are immutable: an edit is saved as the next version, and
// publishing it sends new entries there. Customers already inside finish on their own version (the engine follows a
// membership's version), unless the publish migrates them by an explicit mapping of old nodes to new ones — which is
// refused, naming the nodes, when it would leave anyone without a node (orphaned).
//
// The rules of a mapping, for the live entries (active or waiting) of the version they leave:
// - every node with customers on it must be mapped, onto a node of the version published (else `unmapped` /
//   `unknown_node`);
// - a customer resting on a wait (state waiting) must land on a wait or a wait_for_event (else `not_a_wait`): its
//   timer keeps its due time, and a wait_for_event it lands on leaves by `timeout` then (by `event` if the awaited
//   event had already been signalled), a plain wait by `next`;
// - a customer due for its next step (state active) may land on any node: that node acts next.

/** Why a node's customers would be orphaned by a mapping. */
export type OrphanReason = 'unmapped' | 'unknown_node' | 'not_a_wait';

/** A migration asked for: the version customers leave and where each of its nodes goes. */
export interface Migration {
  readonly fromVersionId: number;
  readonly mapping: Readonly<Record<string, string>>;
}

/** What a migration would do: customers per move, the nodes it would orphan, and who stays on other versions. */
export interface MigrationPreview {
  readonly toVersionId: number;
  readonly moves: { from: string; to: string; customers: number }[];
  readonly orphans: { node: string; customers: number; reason: OrphanReason }[];
  /** Live entries on versions other than the one migrated and the one published: they finish on theirs. */
  readonly staying: number;
}

const WAIT_KINDS = new Set<NodeKind>(['wait', 'wait_for_event']);

const notFound = (id: number): Failure => ({ code: 'not_found', message: `no journey ${id}` });

/**
 * Saves an edit as the journey's next version (checked like a new journey), renaming it when `name` is given; a
 * stopped journey refuses. Live customers are untouched until the version is published.
 */
export async function reviseJourney(
  deps: JourneyServiceDeps,
  actor: string,
  journeyId: number,
  input: { name?: string | undefined; body: unknown },
): Promise<Result<{ versionId: number; version: number }>> {
  const checked = await checkJourney(deps, input.body);
  if (!checked.ok) return checked;
  const now = deps.clock.now();
  return deps.db
    .transaction()
    .execute(async (tx): Promise<Result<{ versionId: number; version: number }>> => {
      const journey = await tx
        .selectFrom('journeys')
        .select('status')
        .where('id', '=', journeyId)
        .forUpdate()
        .executeTakeFirst();
      if (!journey) return err(notFound(journeyId));
      if (journey.status === 'stopped')
        return err({ code: 'conflict', message: `journey ${journeyId} is stopped: it takes no new version` });
      const last = await tx
        .selectFrom('journey_versions')
        .select(sql<number>`max(version)`.as('n'))
        .where('journey_id', '=', journeyId)
        .executeTakeFirstOrThrow();
      const version = (last.n ?? 0) + 1;
      const row = await tx
        .insertInto('journey_versions')
        .values({
          journey_id: journeyId,
          version,
          body: JSON.stringify(checked.value),
          author: actor,
          created_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .updateTable('journeys')
        .set({ updated_at: now, ...(input.name === undefined ? {} : { name: input.name }) })
        .where('id', '=', journeyId)
        .execute();
      await recordAudit(tx, {
        actor,
        action: 'journey.revise',
        entityType: 'journey',
        entityId: String(journeyId),
        details: { versionId: row.id, version, ...(input.name === undefined ? {} : { name: input.name }) },
        at: now,
      });
      return ok({ versionId: row.id, version });
    });
}

/** The latest version of a journey (the one a publish publishes), or undefined. */
async function latestVersion(db: Kysely<Database>, journeyId: number) {
  const row = await db
    .selectFrom('journey_versions')
    .select(['id', 'body'])
    .where('journey_id', '=', journeyId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { id: row.id, body: row.body as unknown as JourneyBody } : undefined;
}

/** What migrating the live entries of `migration.fromVersionId` onto the latest version would do, now. */
export async function previewMigration(
  deps: Pick<JourneyServiceDeps, 'db'>,
  journeyId: number,
  migration: Migration,
): Promise<Result<MigrationPreview>> {
  const latest = await latestVersion(deps.db, journeyId);
  if (!latest) return err(notFound(journeyId));
  return deps.db.transaction().execute((tx) => planMigration(tx, journeyId, latest, migration, false));
}

/**
 * Publishes the latest version; with `migrate`, moves the live entries of its `fromVersionId` onto it by the mapping
 * in the same transaction — refused (nothing published) when the mapping orphans anyone, naming the nodes.
 */
export async function publishVersion(
  deps: JourneyServiceDeps,
  actor: string,
  journeyId: number,
  migrate?: Migration,
): Promise<Result<{ versionId: number }>> {
  if (!migrate) return publishJourney(deps, actor, journeyId);
  return publishJourney(deps, actor, journeyId, async (tx, version) => {
    const planned = await planMigration(tx, journeyId, version, migrate, true);
    if (!planned.ok) return planned;
    const { moves, orphans } = planned.value;
    if (orphans.length > 0)
      return err(
        validationFailed(
          `the mapping would orphan customers on node(s) ${orphans.map((o) => o.node).join(', ')}`,
          orphans.map((o) => ({
            path: ['migrate', 'mapping', o.node],
            code: o.reason,
            message: orphanMessage(o, migrate.mapping[o.node]),
          })),
        ),
      );
    const from = moves.map((m) => m.from);
    const to = moves.map((m) => m.to);
    // Timers (due_at), signals and arms stay: only the version and the node change.
    await sql`
      update journey_memberships m set version_id = ${version.id}::int, current_node = t.to_node
        from unnest(${from}::text[], ${to}::text[]) as t(from_node, to_node)
       where m.version_id = ${migrate.fromVersionId}::int and m.state in ('active', 'waiting')
         and m.current_node = t.from_node`.execute(tx);
    await recordAudit(tx, {
      actor,
      action: 'journey.migrate',
      entityType: 'journey',
      entityId: String(journeyId),
      details: {
        fromVersionId: migrate.fromVersionId,
        toVersionId: version.id,
        customers: moves.reduce((n, m) => n + m.customers, 0),
        moves,
      },
      at: deps.clock.now(),
    });
    return ok(undefined);
  });
}

function orphanMessage(o: MigrationPreview['orphans'][number], target: string | undefined): string {
  const who = `${o.customers} customer(s) on node ${o.node}`;
  switch (o.reason) {
    case 'unmapped':
      return `${who}: the mapping gives the node no place in the new version`;
    case 'unknown_node':
      return `${who}: the new version has no node ${target ?? ''}`;
    case 'not_a_wait':
      return `${who} are waiting: ${target ?? ''} is not a wait or wait_for_event node`;
  }
}

/**
 * Counts the live entries of the version left, per node and state (locked when `lock`: the engine skips them, and a
 * batch holding some is waited for), and sorts them into moves and orphans.
 */
async function planMigration(
  tx: Transaction<Database>,
  journeyId: number,
  target: { readonly id: number; readonly body: JourneyBody },
  migration: Migration,
  lock: boolean,
): Promise<Result<MigrationPreview>> {
  const from = await tx
    .selectFrom('journey_versions')
    .select(['id', 'body'])
    .where('id', '=', migration.fromVersionId)
    .where('journey_id', '=', journeyId)
    .executeTakeFirst();
  if (!from)
    return err(
      validationFailed(`journey ${journeyId} has no version ${migration.fromVersionId}`, [
        { path: ['fromVersionId'], message: `not a version of journey ${journeyId}` },
      ]),
    );
  if (from.id === target.id)
    return err(
      validationFailed('customers are on the latest version already', [
        { path: ['fromVersionId'], message: `version ${from.id} is the latest: there is nothing to move to` },
      ]),
    );
  const oldNodes = new Set((from.body as unknown as JourneyBody).nodes.map((n) => n.id));
  const stale = Object.keys(migration.mapping).filter((k) => !oldNodes.has(k));
  if (stale.length > 0)
    return err(
      validationFailed(
        `the version left has no node(s) ${stale.join(', ')}`,
        stale.map((k) => ({ path: ['mapping', k], message: `version ${from.id} has no node ${k}` })),
      ),
    );
  if (lock)
    await sql`select 1 from journey_memberships
               where version_id = ${from.id} and state in ('active', 'waiting') for update`.execute(tx);
  const { rows } = await sql<{ version_id: number; node: string; state: string; n: number }>`
    select version_id, current_node as node, state, count(*)::int as n from journey_memberships
     where journey_id = ${journeyId} and state in ('active', 'waiting')
     group by version_id, current_node, state`.execute(tx);
  const kinds = new Map(target.body.nodes.map((n) => [n.id, n.kind]));
  const moves = new Map<string, { from: string; to: string; customers: number }>();
  const orphans = new Map<string, { node: string; customers: number; reason: OrphanReason }>();
  let staying = 0;
  for (const r of rows) {
    if (r.version_id !== from.id) {
      if (r.version_id !== target.id) staying += r.n;
      continue;
    }
    const to = Object.hasOwn(migration.mapping, r.node) ? migration.mapping[r.node] : undefined;
    const kind = to === undefined ? undefined : kinds.get(to);
    const reason: OrphanReason | undefined =
      to === undefined
        ? 'unmapped'
        : kind === undefined
          ? 'unknown_node'
          : r.state === 'waiting' && !WAIT_KINDS.has(kind)
            ? 'not_a_wait'
            : undefined;
    const [key, into] = reason ? [`${r.node}\u0000${reason}`, orphans] : [`${r.node}\u0000${to}`, moves];
    const seen = into.get(key);
    if (seen) seen.customers += r.n;
    else if (reason) orphans.set(key, { node: r.node, customers: r.n, reason });
    else moves.set(key, { from: r.node, to: to!, customers: r.n });
  }
  const byNode = <T extends { customers: number }>(a: T, b: T) => b.customers - a.customers;
  return ok({
    toVersionId: target.id,
    moves: [...moves.values()].sort(byNode),
    orphans: [...orphans.values()].sort(byNode),
    staying,
  });
}
