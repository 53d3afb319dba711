import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../store/operational/database.ts';

/** One audited change or sensitive read. */
export interface AuditEntry {
  readonly actor: string;
  readonly action: string;
  readonly entityType: string;
  readonly entityId?: string | null;
  readonly details?: Record<string, unknown>;
  /** When it happened, by the caller's clock; the database's time when absent. */
  readonly at?: Date;
}

/** Writes an audit record, inside the caller's transaction when one is given. */
export async function recordAudit(
  db: Kysely<Database> | Transaction<Database>,
  entry: AuditEntry,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor: entry.actor,
      action: entry.action,
      entity_type: entry.entityType,
      entity_id: entry.entityId ?? null,
      details: JSON.stringify(entry.details ?? {}),
      ...(entry.at ? { at: entry.at } : {}),
    })
    .execute();
}
