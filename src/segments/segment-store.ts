import { randomBytes } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { err, ok } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { Rule } from './rule.ts';
import type { SegmentResult, SegmentService } from './service.ts';
import { segmentRefs } from './rule-walk.ts';

// Saved segments: create, update, archive, read. Every change writes a new row in segment_versions (the whole
// segment after the change, and what the change was) and an audit record, in the same transaction as the change.

/** A saved segment as the API shows it, with its latest snapshot's member count. */
export interface SegmentItem {
  readonly id: string;
  readonly name: string;
  readonly description: string | null;
  readonly rule: Rule;
  readonly version: number;
  readonly status: 'active' | 'archived';
  /** Members in the latest snapshot, or null when never materialised. */
  readonly members: number | null;
  /** The day of that snapshot. */
  readonly asOf: string | null;
  readonly updated_by: string;
  readonly updated_at: string;
}

/** One row of a segment's history. */
export interface SegmentVersion {
  readonly version: number;
  readonly name: string | null;
  readonly description: string | null;
  readonly rule: Rule;
  readonly status: 'active' | 'archived' | null;
  readonly change: 'create' | 'update' | 'archive' | null;
  readonly changed_by: string;
  readonly changed_at: string;
}

export interface SegmentInput {
  readonly id?: string;
  readonly name: string;
  readonly description?: string | null;
  readonly rule: unknown;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Creates a saved segment (version 1) after checking its rule against the live catalogue. */
export async function createSegment(
  service: SegmentService,
  input: SegmentInput,
  actor: string,
): Promise<SegmentResult<SegmentItem>> {
  const id = input.id ?? `seg_${randomBytes(5).toString('hex')}`;
  if (!ID.test(id)) return err({ code: 'bad_request', message: 'id: 1-64 letters, digits, _ or -' });
  const name = input.name.trim();
  if (!name) return err({ code: 'bad_request', message: 'name must not be empty' });
  const taken = await service.db.selectFrom('segments').select('id').where('id', '=', id).executeTakeFirst();
  if (taken) return err({ code: 'conflict', message: `segment ${id} already exists` });
  const checked = await service.check(input.rule, { selfId: id });
  if (!checked.ok) return checked;
  const rule = checked.value.rule;
  const created = await service.db.transaction().execute(async (tx) => {
    const exists = await tx.selectFrom('segments').select('id').where('id', '=', id).executeTakeFirst();
    if (exists) return false;
    await tx
      .insertInto('segments')
      .values({
        id,
        name,
        description: input.description ?? null,
        rule: JSON.stringify(rule),
        created_by: actor,
        updated_by: actor,
      })
      .execute();
    await addVersion(
      tx,
      { id, version: 1, name, description: input.description ?? null, rule, status: 'active' },
      'create',
      actor,
    );
    await recordAudit(tx, {
      actor,
      action: 'segment.create',
      entityType: 'segment',
      entityId: id,
      details: { name, rule },
    });
    return true;
  });
  if (!created) return err({ code: 'conflict', message: `segment ${id} already exists` });
  service.cache.invalidate();
  return ok((await getSegment(service.db, id))!);
}

/** Replaces a segment's name, description and rule; the version goes up by one. */
export async function updateSegment(
  service: SegmentService,
  id: string,
  input: Omit<SegmentInput, 'id'>,
  actor: string,
): Promise<SegmentResult<SegmentItem>> {
  const current = await service.db.selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!current) return err({ code: 'not_found', message: `no segment ${id}` });
  if (current.status !== 'active') return err({ code: 'conflict', message: `segment ${id} is archived` });
  const name = input.name.trim();
  if (!name) return err({ code: 'bad_request', message: 'name must not be empty' });
  const checked = await service.check(input.rule, { selfId: id });
  if (!checked.ok) return checked;
  const rule = checked.value.rule;
  const description = input.description === undefined ? current.description : input.description;
  const updated = await service.db.transaction().execute(async (tx) => {
    // the version guard turns a concurrent edit into a conflict instead of a lost update
    const result = await tx
      .updateTable('segments')
      .set({
        name,
        description,
        rule: JSON.stringify(rule),
        version: current.version + 1,
        updated_by: actor,
        updated_at: sql`now()`,
      })
      .where('id', '=', id)
      .where('version', '=', current.version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    const version = current.version + 1;
    await addVersion(tx, { id, version, name, description, rule, status: 'active' }, 'update', actor);
    await recordAudit(tx, {
      actor,
      action: 'segment.update',
      entityType: 'segment',
      entityId: id,
      details: {
        version,
        name,
        rule,
        previous: { version: current.version, name: current.name, rule: current.rule },
      },
    });
    return true;
  });
  if (!updated) return err({ code: 'conflict', message: `segment ${id} was changed meanwhile; reload it` });
  service.cache.invalidate();
  return ok((await getSegment(service.db, id))!);
}

/** Archives a segment (DELETE): refused while an active segment's rule refers to it. */
export async function archiveSegment(
  service: SegmentService,
  id: string,
  actor: string,
): Promise<SegmentResult<SegmentItem>> {
  const db = service.db;
  const current = await db.selectFrom('segments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!current) return err({ code: 'not_found', message: `no segment ${id}` });
  if (current.status === 'archived') return ok((await getSegment(db, id))!);
  const others = await db
    .selectFrom('segments')
    .select(['id', 'rule'])
    .where('status', '=', 'active')
    .where('id', '!=', id)
    .execute();
  const users = others.filter((s) => segmentRefs(s.rule as Rule).includes(id)).map((s) => s.id);
  if (users.length > 0)
    return err({
      code: 'conflict',
      message: `segment ${id} is used by ${users.join(', ')}; change those first`,
      details: { usedBy: users },
    });
  const done = await db.transaction().execute(async (tx) => {
    const version = current.version + 1;
    const result = await tx
      .updateTable('segments')
      .set({ status: 'archived', version, updated_by: actor, updated_at: sql`now()` })
      .where('id', '=', id)
      .where('version', '=', current.version)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    const rule = current.rule as Rule;
    await addVersion(
      tx,
      { id, version, name: current.name, description: current.description, rule, status: 'archived' },
      'archive',
      actor,
    );
    await recordAudit(tx, {
      actor,
      action: 'segment.archive',
      entityType: 'segment',
      entityId: id,
      details: { version },
    });
    return true;
  });
  if (!done) return err({ code: 'conflict', message: `segment ${id} was changed meanwhile; reload it` });
  service.cache.invalidate();
  return ok((await getSegment(db, id))!);
}

/** One saved segment, or undefined. */
export async function getSegment(db: Kysely<Database>, id: string): Promise<SegmentItem | undefined> {
  return (await listSegments(db, { includeArchived: true, id }))[0];
}

/** Saved segments by name (active only unless `includeArchived`), each with its latest snapshot's size. */
export async function listSegments(
  db: Kysely<Database>,
  options: { includeArchived?: boolean; id?: string } = {},
): Promise<SegmentItem[]> {
  let query = db
    .selectFrom('segments as s')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('segment_snapshots as x')
          .select(['x.members', sql<string>`x.as_of::text`.as('as_of')])
          .whereRef('x.segment_id', '=', 's.id')
          .orderBy('x.as_of', 'desc')
          .limit(1)
          .as('latest'),
      (join) => join.onTrue(),
    )
    .select([
      's.id',
      's.name',
      's.description',
      's.rule',
      's.version',
      's.status',
      's.updated_by',
      's.updated_at',
      'latest.members',
      'latest.as_of',
    ])
    .orderBy('s.name')
    .orderBy('s.id');
  if (!options.includeArchived) query = query.where('s.status', '=', 'active');
  if (options.id !== undefined) query = query.where('s.id', '=', options.id);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    description: r.description,
    rule: r.rule as Rule,
    version: r.version,
    status: r.status,
    members: r.members ?? null,
    asOf: r.as_of ?? null,
    updated_by: r.updated_by,
    updated_at: new Date(r.updated_at).toISOString(),
  }));
}

/** A segment's history, newest first; undefined when the segment does not exist. */
export async function segmentVersions(
  db: Kysely<Database>,
  id: string,
): Promise<SegmentVersion[] | undefined> {
  const exists = await db.selectFrom('segments').select('id').where('id', '=', id).executeTakeFirst();
  if (!exists) return undefined;
  const rows = await db
    .selectFrom('segment_versions')
    .selectAll()
    .where('segment_id', '=', id)
    .orderBy('version', 'desc')
    .execute();
  return rows.map((r) => ({
    version: r.version,
    name: r.name,
    description: r.description,
    rule: r.rule as Rule,
    status: r.status,
    change: r.change,
    changed_by: r.changed_by,
    changed_at: new Date(r.changed_at).toISOString(),
  }));
}

async function addVersion(
  tx: Transaction<Database>,
  s: {
    id: string;
    version: number;
    name: string;
    description: string | null;
    rule: Rule;
    status: 'active' | 'archived';
  },
  change: 'create' | 'update' | 'archive',
  actor: string,
): Promise<void> {
  await tx
    .insertInto('segment_versions')
    .values({
      segment_id: s.id,
      version: s.version,
      name: s.name,
      description: s.description,
      rule: JSON.stringify(s.rule),
      status: s.status,
      change,
      changed_by: actor,
    })
    .execute();
}
