import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { recordAudit } from '../../audit/audit.ts';
import { iso } from '../../pool/customers.ts';
import type { Clock } from '../../shared/clock.ts';
import {
  err,
  ok,
  schemaIssues,
  validationFailed,
  type ErrorCode,
  type Result,
  type ValidationIssue,
} from '../../shared/errors.ts';
import type { ContentItemTable, ContentVersionStatus } from '../../store/operational/content-tables.ts';
import type { Database } from '../../store/operational/database.ts';
import { checkContent } from './check.ts';
import { DEFAULT_SENSITIVE_WORDS } from './compliance.ts';
import { contentDraftSchema, type ContentDraft } from './model.ts';
import { reviewVersion, type ReviewStep, type ReviewedTable } from '../review.ts';

const CONTENT_VERSIONS: ReviewedTable = { table: 'content_versions', owner: 'content_id', entity: 'content' };

// The content library: items and their versions. Saving checks templates and sensitive words and writes a new
// version; a version is submitted, then approved or rejected by someone other than its author (maker-checker);
// an approved version never changes — campaigns send exactly what was approved. Every change is audited in its
// transaction.

/** What the library needs: the operational store and the clock. */
export interface LibraryDeps {
  readonly db: Kysely<Database>;
  readonly clock: Clock;
}

/** A failure the caller shows: a stable code, a message, and (validation_failed) the located issues of the content. */
export interface ContentFailure {
  readonly code: ErrorCode;
  readonly message: string;
  readonly details?: ValidationIssue[];
}
type ContentResult<T> = Result<T, ContentFailure>;

/** One version of a content item as clients see it. */
export interface ContentVersionView {
  readonly contentId: number;
  readonly version: number;
  readonly status: ContentVersionStatus;
  readonly draft: ContentDraft;
  readonly author: string;
  readonly createdAt: string;
  readonly submittedAt: string | null;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly decisionNote: string | null;
}

/** A content item with its latest and approved versions. */
export interface ContentItemView {
  readonly id: number;
  readonly type: ContentDraft['type'];
  readonly title: string;
  readonly productId: string | null;
  readonly latestVersion: number;
  readonly approvedVersion: number | null;
  readonly archived: boolean;
  readonly createdBy: string;
  readonly updatedAt: string;
}

type Db = Kysely<Database> | Transaction<Database>;

/** The bank's sensitive words: the stored list, or the shipped defaults until an admin edits it. */
export async function sensitiveWords(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('sensitive_words').select('word').orderBy('word').execute();
  return rows.length ? rows.map((r) => r.word) : [...DEFAULT_SENSITIVE_WORDS];
}

/** The tag keys templates may read: every tag of the catalogue that is not retired. */
async function tagKeys(db: Db): Promise<Set<string>> {
  const rows = await db
    .selectFrom('tag_definitions')
    .select('key')
    .where('status', '=', 'active')
    .distinct()
    .execute();
  return new Set(rows.map((r) => r.key));
}

/** Checks a draft (schema, product, templates, words); the parsed draft or every located issue. */
export async function checkDraft(db: Db, input: unknown): Promise<ContentResult<ContentDraft>> {
  const parsed = contentDraftSchema.safeParse(input);
  if (!parsed.success)
    return err(validationFailed('the content is not valid', schemaIssues(parsed.error.issues)));
  const draft = parsed.data;
  if (draft.productId !== undefined) {
    const product = await db
      .selectFrom('products')
      .select('id')
      .where('id', '=', draft.productId)
      .executeTakeFirst();
    if (!product)
      return err(
        validationFailed(`no product ${draft.productId}`, [
          { path: ['productId'], message: 'unknown product' },
        ]),
      );
  }
  const issues = checkContent(draft, {
    tagKeys: await tagKeys(db),
    sensitiveWords: await sensitiveWords(db),
  });
  if (issues.length)
    return err(
      validationFailed(
        issues.length === 1 ? issues[0]!.message : `${issues.length} problems in the content`,
        issues,
      ),
    );
  return ok(draft);
}

function versionView(row: VersionRow): ContentVersionView {
  return {
    contentId: row.content_id,
    version: row.version,
    status: row.status,
    draft: row.body as ContentDraft,
    author: row.author,
    createdAt: iso(row.created_at)!,
    submittedAt: iso(row.submitted_at),
    decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at),
    decisionNote: row.decision_note,
  };
}
type VersionRow = {
  content_id: number;
  version: number;
  status: ContentVersionStatus;
  body: Record<string, unknown>;
  author: string;
  created_at: Date | string;
  submitted_at: Date | string | null;
  decided_by: string | null;
  decided_at: Date | string | null;
  decision_note: string | null;
};

/** Creates a content item with its first version (a draft). */
export async function createContent(
  deps: LibraryDeps,
  actor: string,
  input: unknown,
): Promise<ContentResult<ContentVersionView>> {
  return deps.db.transaction().execute(async (tx) => {
    const checked = await checkDraft(tx, input);
    if (!checked.ok) return checked;
    const draft = checked.value;
    const now = deps.clock.now();
    const item = await tx
      .insertInto('content_items')
      .values({
        type: draft.type,
        media_kind: draft.mediaKind ?? null,
        title: draft.title,
        product_id: draft.productId ?? null,
        created_by: actor,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const version = await insertVersion(tx, item.id, 1, draft, actor, now);
    await recordAudit(tx, {
      actor,
      action: 'content.create',
      entityType: 'content',
      entityId: String(item.id),
      details: { version: 1, type: draft.type, title: draft.title },
      at: now,
    });
    return ok(version);
  });
}

async function insertVersion(
  tx: Transaction<Database>,
  contentId: number,
  version: number,
  draft: ContentDraft,
  actor: string,
  now: Date,
): Promise<ContentVersionView> {
  const row = await tx
    .insertInto('content_versions')
    .values({ content_id: contentId, version, body: JSON.stringify(draft), author: actor, created_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
  return versionView(row);
}

/** Saves a new version of an item (approved versions stay as they were). */
export async function saveContentVersion(
  deps: LibraryDeps,
  actor: string,
  contentId: number,
  input: unknown,
): Promise<ContentResult<ContentVersionView>> {
  return deps.db.transaction().execute(async (tx) => {
    const item = await tx
      .selectFrom('content_items')
      .select(['latest_version', 'archived', 'type'])
      .where('id', '=', contentId)
      .forUpdate()
      .executeTakeFirst();
    if (!item) return err({ code: 'not_found', message: `no content ${contentId}` });
    if (item.archived) return err({ code: 'conflict', message: `content ${contentId} is archived` });
    const checked = await checkDraft(tx, input);
    if (!checked.ok) return checked;
    const draft = checked.value;
    if (draft.type !== item.type)
      return err({
        code: 'conflict',
        message: `content ${contentId} is ${item.type} content; its type stays`,
      });
    const now = deps.clock.now();
    const version = item.latest_version + 1;
    const view = await insertVersion(tx, contentId, version, draft, actor, now);
    await tx
      .updateTable('content_items')
      .set({
        latest_version: version,
        title: draft.title,
        media_kind: draft.mediaKind ?? null,
        product_id: draft.productId ?? null,
        updated_at: now,
      })
      .where('id', '=', contentId)
      .execute();
    await recordAudit(tx, {
      actor,
      action: 'content.update',
      entityType: 'content',
      entityId: String(contentId),
      details: { version },
      at: now,
    });
    return ok(view);
  });
}

/** Moves one version through review: submit (draft/rejected → pending), approve or reject (pending → decided). */
export async function reviewContent(
  deps: LibraryDeps,
  actor: string,
  contentId: number,
  version: number,
  step: ReviewStep,
): Promise<ContentResult<ContentVersionView>> {
  return deps.db.transaction().execute(async (tx) => {
    const now = deps.clock.now();
    const reviewed = await reviewVersion(tx, CONTENT_VERSIONS, contentId, version, actor, step, now);
    if (!reviewed.ok) return reviewed;
    if (reviewed.value.status === 'approved')
      await tx
        .updateTable('content_items')
        .set({
          approved_version: sql<number>`greatest(coalesce(approved_version, 0), ${version})`,
          updated_at: now,
        })
        .where('id', '=', contentId)
        .execute();
    const row = await tx
      .selectFrom('content_versions')
      .selectAll()
      .where('content_id', '=', contentId)
      .where('version', '=', version)
      .executeTakeFirstOrThrow();
    return ok(versionView(row));
  });
}

/** The library's items, newest first, optionally of one type. */
export async function listContent(
  db: Kysely<Database>,
  filter: { type?: ContentDraft['type']; includeArchived?: boolean } = {},
): Promise<ContentItemView[]> {
  let query = db.selectFrom('content_items').selectAll().orderBy('id', 'desc');
  if (filter.type) query = query.where('type', '=', filter.type);
  if (!filter.includeArchived) query = query.where('archived', '=', false);
  return (await query.execute()).map(itemView);
}

/** A content_items row as clients see it. */
export function itemView(r: Selectable<ContentItemTable>): ContentItemView {
  return {
    id: r.id,
    type: r.type,
    title: r.title,
    productId: r.product_id,
    latestVersion: r.latest_version,
    approvedVersion: r.approved_version,
    archived: r.archived,
    createdBy: r.created_by,
    updatedAt: iso(r.updated_at)!,
  };
}

/** Every version of one item, newest first, or undefined when there is no such item. */
export async function contentVersions(
  db: Kysely<Database>,
  contentId: number,
): Promise<ContentVersionView[] | undefined> {
  const rows = await db
    .selectFrom('content_versions')
    .selectAll()
    .where('content_id', '=', contentId)
    .orderBy('version', 'desc')
    .execute();
  return rows.length ? rows.map(versionView) : undefined;
}
