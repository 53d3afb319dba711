// Reading the audit log: the administrator's viewer (filters, newest first, keyset pages) and its CSV export.
import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import { csvField } from '../shared/csv.ts';
import type { Database } from '../store/operational/database.ts';

/** Which records to read; every filter given must hold. */
export interface AuditFilter {
  /** An actor as recorded (`user:li.na`, `apikey:3:etl`, `system`); a bare name also finds `user:<name>`. */
  readonly actor?: string;
  /** An action or the start of one: `user.` finds every user change, `customer.reveal_pii` the reveals. */
  readonly action?: string;
  /** A customer number: records about that customer, and batch records naming it in their details. */
  readonly customer?: string;
  /** From this instant, inclusive. */
  readonly from?: Date;
  /** Up to this instant, exclusive. */
  readonly to?: Date;
}

/** One audit record. */
export interface AuditRecord {
  readonly id: number;
  readonly at: Date;
  readonly actor: string;
  readonly action: string;
  readonly entityType: string;
  readonly entityId: string | null;
  readonly details: Record<string, unknown>;
}

/** Most rows one CSV export holds; a wider filter is refused so the export stays bounded. */
export const AUDIT_EXPORT_MAX_ROWS = 100_000;
const EXPORT_CHUNK = 5_000;

/** One page of matching records, newest first; `next` is the `before` of the following page, null at the end. */
export async function searchAudit(
  db: Kysely<Database>,
  filter: AuditFilter,
  page: { limit: number; before?: number },
): Promise<{ items: AuditRecord[]; next: number | null }> {
  const rows = await selectPage(db, filter, page.limit + 1, page.before);
  const items = rows.slice(0, page.limit);
  return { items, next: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}

/**
 * The matching records as CSV (header, then newest first, read in chunks), or how many match at least when that is
 * over AUDIT_EXPORT_MAX_ROWS.
 */
export async function exportAuditCsv(
  db: Kysely<Database>,
  filter: AuditFilter,
): Promise<{ rows: number; csv: AsyncIterable<string> } | { tooMany: number }> {
  // The records present now, so the count holds for the lines (and the export's own audit record is not among them).
  const { top } = await db
    .selectFrom('audit_log')
    .select(sql<string>`coalesce(max(id), 0)`.as('top'))
    .executeTakeFirstOrThrow();
  const before = Number(top) + 1;
  const capped = db
    .selectFrom('audit_log')
    .select('id')
    .where((eb) => eb.and([...conditions(filter), eb('id', '<', before)]))
    .limit(AUDIT_EXPORT_MAX_ROWS + 1);
  const { n } = await db
    .selectFrom(capped.as('m'))
    .select(sql<number>`count(*)::int`.as('n'))
    .executeTakeFirstOrThrow();
  if (n > AUDIT_EXPORT_MAX_ROWS) return { tooMany: n };
  return { rows: n, csv: csvLines(db, filter, before) };
}

async function* csvLines(db: Kysely<Database>, filter: AuditFilter, until: number): AsyncGenerator<string> {
  yield 'id,at,actor,action,entity_type,entity_id,details\n';
  let before = until;
  for (;;) {
    const rows = await selectPage(db, filter, EXPORT_CHUNK, before);
    yield rows
      .map(
        (r) =>
          [
            String(r.id),
            r.at.toISOString(),
            r.actor,
            r.action,
            r.entityType,
            r.entityId ?? '',
            JSON.stringify(r.details),
          ]
            .map(csvField)
            .join(',') + '\n',
      )
      .join('');
    if (rows.length < EXPORT_CHUNK) return;
    before = (rows.at(-1) as AuditRecord).id;
  }
}

async function selectPage(
  db: Kysely<Database>,
  filter: AuditFilter,
  limit: number,
  before?: number,
): Promise<AuditRecord[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where((eb) => eb.and([...conditions(filter), ...(before === undefined ? [] : [eb('id', '<', before)])]))
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: Number(r.id),
    at: new Date(r.at),
    actor: r.actor,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    details: r.details ?? {},
  }));
}

/** LIKE pattern text with its wildcards escaped. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

function conditions(filter: AuditFilter): Expression<SqlBool>[] {
  const where: Expression<SqlBool>[] = [];
  if (filter.actor) {
    const actors = filter.actor.includes(':') ? [filter.actor] : [filter.actor, `user:${filter.actor}`];
    where.push(sql<SqlBool>`actor in (${sql.join(actors)})`);
  }
  if (filter.action) where.push(sql<SqlBool>`action like ${`${literal(filter.action)}%`}`);
  if (filter.customer) {
    // Single-customer records name it as their entity (reveals, assignments); batch records list customer numbers
    // in their details (assignments by rule, handovers), found as a JSON string there.
    const inDetails = `%${literal(JSON.stringify(filter.customer))}%`;
    where.push(
      sql<SqlBool>`((entity_type = 'customer' and entity_id = ${filter.customer})
        or (entity_type = 'customer_batch' and details::text like ${inDetails}))`,
    );
  }
  if (filter.from) where.push(sql<SqlBool>`at >= ${filter.from}`);
  if (filter.to) where.push(sql<SqlBool>`at < ${filter.to}`);
  return where;
}
