import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { WecomMarkFailure } from '../store/operational/wecom-tag-tables.ts';
import type { WecomApi } from './port.ts';
import { importWecomTags } from './tag-import.ts';
import { markPublishedTags } from './tag-marks.ts';

// One WeCom tag sync pass (what `POST /v1/wecom/tags/sync` runs and the daily batch may call): published tags marked
// on friends, then WeCom's own groups back as manual tags. Each pass is a wecom_tag_syncs row, started before and
// finished after, so the "tag sync state" panel shows the last outcome and a pass that died half way.

/** What a pass needs. */
export interface TagSyncDeps {
  readonly db: Kysely<Database>;
  readonly api: WecomApi;
  readonly clock: Clock;
  readonly actor: string;
}

/** The outcome of one pass, as stored and answered. */
export interface TagSyncOutcome {
  readonly id: number;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly actor: string;
  readonly compared: number;
  readonly marked: number;
  readonly failed: number;
  readonly errcodes: Record<string, number>;
  readonly failures: WecomMarkFailure[];
  readonly importedTags: number;
  readonly importedValues: number;
  /** Why the back-import did not run (WeCom refused get_corp_tag_list), or null. */
  readonly error: string | null;
}

/** An unfinished pass younger than this is taken as running (an older one died with its process). */
export const TAG_SYNC_RUNNING_MS = 30 * 60_000;

/**
 * Starts a pass: its row, unless another pass is running (an unfinished row started within TAG_SYNC_RUNNING_MS),
 * in which case that pass is answered.
 */
export async function beginTagSync(
  deps: TagSyncDeps,
): Promise<{ readonly started: number } | { readonly running: TagSyncOutcome }> {
  const now = deps.clock.now();
  const running = await deps.db
    .selectFrom('wecom_tag_syncs')
    .select('id')
    .where('finished_at', 'is', null)
    .where('started_at', '>', new Date(now.getTime() - TAG_SYNC_RUNNING_MS))
    .executeTakeFirst();
  if (running) return { running: (await lastTagSync(deps.db))! };
  const started = await deps.db
    .insertInto('wecom_tag_syncs')
    .values({ started_at: now, actor: deps.actor })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { started: Number(started.id) };
}

/**
 * Runs a begun pass: marks published tags on friends (its counts written to the row as it goes, for the panel) and
 * imports WeCom's own tags; per-item WeCom refusals are counted, never thrown.
 */
export async function runTagSync(deps: TagSyncDeps, id: number): Promise<TagSyncOutcome> {
  const marks = await markPublishedTags({
    ...deps,
    onBatch: async (so) => {
      await deps.db
        .updateTable('wecom_tag_syncs')
        .set({ compared: so.compared, marked: so.marked, failed: so.failed })
        .where('id', '=', id)
        .execute();
    },
  });
  let imported = { tags: 0, values: 0 };
  let error: string | null = null;
  try {
    const list = await deps.api.getCorpTagList({});
    if (list.errcode === 0) imported = await importWecomTags(deps, list.tag_group ?? []);
    else error = `get_corp_tag_list: ${list.errcode} ${list.errmsg}`;
  } catch (e) {
    if (!(e instanceof AppError && e.code === 'wecom_unavailable')) throw e;
    error = `get_corp_tag_list: ${e.message}`;
  }
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('wecom_tag_syncs')
      .set({
        finished_at: at,
        compared: marks.compared,
        marked: marks.marked,
        failed: marks.failed,
        errcodes: JSON.stringify(marks.errcodes),
        failures: JSON.stringify(marks.failures),
        imported_tags: imported.tags,
        imported_values: imported.values,
        error,
      })
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, {
      actor: deps.actor,
      action: 'wecom.tags_synced',
      entityType: 'wecom_tag_sync',
      entityId: String(id),
      details: {
        snapshotAsOf: marks.snapshotAsOf,
        compared: marks.compared,
        marked: marks.marked,
        failed: marks.failed,
        errcodes: marks.errcodes,
        importedTags: imported.tags,
        importedValues: imported.values,
        error,
      },
      at,
    });
  });
  return (await lastTagSync(deps.db))!;
}

/** One whole pass now (the daily batch, tests); 409 conflict while another pass runs. */
export async function syncWecomTags(deps: TagSyncDeps): Promise<TagSyncOutcome> {
  const begun = await beginTagSync(deps);
  if ('running' in begun)
    throw new AppError('conflict', `a WeCom tag sync is running (pass ${begun.running.id})`);
  return runTagSync(deps, begun.started);
}

/** The latest pass, finished or not; null before the first. */
export async function lastTagSync(db: Kysely<Database>): Promise<TagSyncOutcome | null> {
  const r = await db
    .selectFrom('wecom_tag_syncs')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!r) return null;
  return {
    id: Number(r.id),
    startedAt: new Date(r.started_at).toISOString(),
    finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
    actor: r.actor,
    compared: r.compared,
    marked: r.marked,
    failed: r.failed,
    errcodes: r.errcodes,
    failures: r.failures,
    importedTags: r.imported_tags,
    importedValues: r.imported_values,
    error: r.error,
  };
}

/** One published tag: its WeCom group, and per value the WeCom tag id and how many active friendships carry it. */
export interface PublishedTagState {
  readonly tagKey: string;
  readonly groupId: string;
  readonly groupName: string;
  readonly values: { value: string; wecomTagId: string; tagName: string; friendships: number }[];
}

/** Every published tag with its WeCom ids and counts of friendships carrying each tag. */
export async function publishedTagState(db: Kysely<Database>): Promise<PublishedTagState[]> {
  const rows = await db
    .selectFrom('wecom_corp_tags as t')
    .select([
      't.tag_key',
      't.value',
      't.wecom_group_id',
      't.wecom_tag_id',
      't.group_name',
      't.tag_name',
      sql<string>`(select count(*) from wecom_friendships f
        where f.removed_at is null and f.wecom_tag_ids ? t.wecom_tag_id)`.as('friendships'),
    ])
    .orderBy('t.tag_key')
    .orderBy('t.created_at')
    .orderBy('t.value')
    .execute();
  const out = new Map<string, PublishedTagState>();
  for (const r of rows) {
    let tag = out.get(r.tag_key);
    if (!tag)
      out.set(
        r.tag_key,
        (tag = { tagKey: r.tag_key, groupId: r.wecom_group_id, groupName: r.group_name, values: [] }),
      );
    tag.values.push({
      value: r.value,
      wecomTagId: r.wecom_tag_id,
      tagName: r.tag_name,
      friendships: Number(r.friendships),
    });
  }
  return [...out.values()];
}
