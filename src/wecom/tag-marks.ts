import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import type { WecomMarkFailure } from '../store/operational/wecom-tag-tables.ts';
import { loadTagSnapshot } from '../tags/snapshot-store.ts';
import type { WecomApi } from './port.ts';

// Keeping WeCom's marks in step with the bank's tags (issue #13, item 5): for every published tag (wecom_corp_tags),
// the latest tag snapshot says which value each customer has; each active, matched friendship carries the WeCom tag
// ids the last sync or mark saw. mark_tag is called per (staff member, friend) only where the published tags differ,
// and the friendship's tag ids are updated after each batch of successful calls, so a rerun calls nothing. Tags
// Flywheel did not publish (a manager's own) are never added or removed. A tag missing from the snapshot is left as
// it is in WeCom rather than removed from everybody.

/** What marking needs. */
export interface TagMarkDeps {
  readonly db: Kysely<Database>;
  readonly api: WecomApi;
  readonly clock: Clock;
  readonly actor: string;
  /** Called after each batch with the counts so far (a pass's progress). */
  readonly onBatch?: (so: { compared: number; marked: number; failed: number }) => Promise<void>;
}

/** One marking pass: friendships compared, calls made, WeCom's refusals by errcode (the first 100 kept in full). */
export interface TagMarkSummary {
  readonly snapshotAsOf: string | null;
  readonly compared: number;
  readonly marked: number;
  readonly failed: number;
  readonly errcodes: Record<string, number>;
  readonly failures: WecomMarkFailure[];
}

/** Friendships read (and marks written back) per batch. */
const BATCH = 200;
const FAILURES_KEPT = 100;

interface Friendship {
  staff_id: string;
  external_userid: string;
  customer_id: number | null;
  wecom_tag_ids: string[];
}

/** Calls mark_tag where a friend's published WeCom tags differ from the customer's tag values; never throws on WeCom. */
export async function markPublishedTags(deps: TagMarkDeps): Promise<TagMarkSummary> {
  const mapping = await deps.db
    .selectFrom('wecom_corp_tags')
    .select(['tag_key', 'value', 'wecom_tag_id'])
    .execute();
  const summary = {
    snapshotAsOf: null as string | null,
    compared: 0,
    marked: 0,
    failed: 0,
    errcodes: {} as Record<string, number>,
    failures: [] as WecomMarkFailure[],
  };
  if (mapping.length === 0) return summary;
  const snapshot = await loadTagSnapshot(deps.db, undefined, {
    keys: [...new Set(mapping.map((m) => m.tag_key))],
  });
  if (!snapshot) return summary;
  summary.snapshotAsOf = snapshot.asOf;
  // Only the tags the snapshot holds are managed in this pass; each with the members of its value.
  const managed = mapping.flatMap((m) => {
    const values = snapshot.tags.get(m.tag_key);
    return values ? [{ id: m.wecom_tag_id, members: values.get(m.value) }] : [];
  });
  const managedIds = new Set(managed.map((m) => m.id));
  let after: { staff: string; external: string } | undefined;
  for (;;) {
    const page = await readPage(deps.db, after);
    if (page.length === 0) break;
    const last = page[page.length - 1]!;
    after = { staff: last.staff_id, external: last.external_userid };
    const done: { f: Friendship; tagIds: string[] }[] = [];
    for (const f of page) {
      summary.compared += 1;
      const has = new Set(f.wecom_tag_ids);
      const want = new Set(
        managed.filter((m) => f.customer_id !== null && m.members?.has(f.customer_id)).map((m) => m.id),
      );
      const add = [...want].filter((id) => !has.has(id));
      const remove = [...has].filter((id) => managedIds.has(id) && !want.has(id));
      if (add.length + remove.length === 0) continue;
      const answer = await mark(deps.api, f, add, remove);
      summary.marked += 1;
      if (answer.errcode === 0) {
        done.push({ f, tagIds: [...f.wecom_tag_ids.filter((id) => !remove.includes(id)), ...add] });
        continue;
      }
      summary.failed += 1;
      summary.errcodes[String(answer.errcode)] = (summary.errcodes[String(answer.errcode)] ?? 0) + 1;
      if (summary.failures.length < FAILURES_KEPT)
        summary.failures.push({
          staffId: f.staff_id,
          externalUserid: f.external_userid,
          errcode: answer.errcode,
          errmsg: answer.errmsg,
        });
    }
    if (done.length > 0) await recordMarks(deps, done);
    await deps.onBatch?.(summary);
  }
  return summary;
}

async function readPage(
  db: Kysely<Database>,
  after: { staff: string; external: string } | undefined,
): Promise<Friendship[]> {
  let query = db
    .selectFrom('wecom_friendships')
    .select(['staff_id', 'external_userid', 'customer_id', 'wecom_tag_ids'])
    .where('removed_at', 'is', null)
    .where('customer_id', 'is not', null)
    .orderBy('staff_id')
    .orderBy('external_userid')
    .limit(BATCH);
  if (after)
    query = query.where(sql<boolean>`(staff_id, external_userid) > (${after.staff}, ${after.external})`);
  return query.execute();
}

/** One mark_tag call; a client that gave up (WeCom unreachable) counts as errcode -1. */
async function mark(
  api: WecomApi,
  f: Friendship,
  add: string[],
  remove: string[],
): Promise<{ errcode: number; errmsg: string }> {
  try {
    return await api.markTag({
      userid: f.staff_id,
      external_userid: f.external_userid,
      ...(add.length > 0 ? { add_tag: add } : {}),
      ...(remove.length > 0 ? { remove_tag: remove } : {}),
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'wecom_unavailable')
      return { errcode: -1, errmsg: error.message };
    throw error;
  }
}

/** The friendships' new tag ids after successful marks, with one audit record for the batch. */
async function recordMarks(
  deps: TagMarkDeps,
  done: readonly { f: Friendship; tagIds: string[] }[],
): Promise<void> {
  const at = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    for (const { f, tagIds } of done)
      await tx
        .updateTable('wecom_friendships')
        .set({ wecom_tag_ids: JSON.stringify(tagIds), updated_at: at })
        .where('staff_id', '=', f.staff_id)
        .where('external_userid', '=', f.external_userid)
        .execute();
    await recordAudit(tx, {
      actor: deps.actor,
      action: 'wecom.tags_marked',
      entityType: 'wecom_friendship',
      details: { friendships: done.length },
      at,
    });
  });
}
