import { sql, type Transaction } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { err, ok, type ErrorCode, type Result } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';

// Maker-checker review of a versioned item (a content item, a campaign): a draft is submitted, then approved or
// rejected by someone other than its author; an approved version never changes. One implementation for both
// tables, each of which also refuses an approval by the author in its own check constraint.

/** A versioned, reviewed table. */
export interface ReviewedTable {
  readonly table: 'content_versions' | 'campaign_versions';
  readonly owner: 'content_id' | 'campaign_id';
  /** The audit entity type and action prefix ('content', 'campaign'). */
  readonly entity: 'content' | 'campaign';
}

/** One review step. */
export type ReviewStep =
  { readonly action: 'submit' } | { readonly action: 'approve' | 'reject'; readonly note?: string };

/** The step an action asks for; a note goes with a decision, never with a submission. */
export function reviewStep(action: ReviewStep['action'], note: string | undefined): ReviewStep {
  return action === 'submit' ? { action } : { action, ...(note === undefined ? {} : { note }) };
}

export type VersionStatus = 'draft' | 'pending' | 'approved' | 'rejected';

/** A refusal of a review step. */
export interface ReviewFailure {
  readonly code: ErrorCode;
  readonly message: string;
}

/** Applies a review step to version `version` of item `id` in the caller's transaction, audited there. */
export async function reviewVersion(
  tx: Transaction<Database>,
  spec: ReviewedTable,
  id: number,
  version: number,
  actor: string,
  step: ReviewStep,
  now: Date,
): Promise<Result<{ status: VersionStatus }, ReviewFailure>> {
  const where = sql`${sql.ref(spec.owner)} = ${id} and version = ${version}`;
  const row = (
    await sql<{ status: VersionStatus; author: string }>`
      select status, author from ${sql.table(spec.table)} where ${where} for update`.execute(tx)
  ).rows[0];
  if (!row) return err({ code: 'not_found', message: `no version ${version} of ${spec.entity} ${id}` });
  if (step.action === 'submit') {
    if (row.status !== 'draft' && row.status !== 'rejected')
      return err({
        code: 'conflict',
        message: `version ${version} is ${row.status}; only a draft is submitted`,
      });
  } else {
    if (row.status !== 'pending')
      return err({
        code: 'conflict',
        message: `version ${version} is ${row.status}; only a submitted version is decided`,
      });
    if (row.author === actor)
      return err({
        code: 'forbidden',
        message: `the author of a version cannot ${step.action} it (maker-checker)`,
      });
  }
  const status: VersionStatus =
    step.action === 'submit' ? 'pending' : step.action === 'approve' ? 'approved' : 'rejected';
  const note = 'note' in step ? (step.note ?? null) : null;
  const submitted = spec.table === 'content_versions' ? sql`, submitted_at = ${now}` : sql``;
  await (
    step.action === 'submit'
      ? sql`update ${sql.table(spec.table)} set status = ${status}, decided_by = null, decided_at = null,
            decision_note = null ${submitted} where ${where}`
      : sql`update ${sql.table(spec.table)} set status = ${status}, decided_by = ${actor}, decided_at = ${now},
            decision_note = ${note} where ${where}`
  ).execute(tx);
  await recordAudit(tx, {
    actor,
    action: `${spec.entity}.${step.action}`,
    entityType: spec.entity,
    entityId: String(id),
    details: { version, ...(note ? { note } : {}) },
    at: now,
  });
  return ok({ status });
}
