import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import { RoaringBitmap32 } from '../shared/bitmap.ts';
import { parseCsvText } from '../shared/csv.ts';
import { err, ok, type Result } from '../shared/errors.ts';
import { unstorableText } from '../shared/text.ts';
import type { Database } from '../store/operational/database.ts';
import type { ManualSpec } from './definition.ts';
import { unpackIds } from './facts.ts';

// Manual tags: values imported as (customer_no, value) rows into manual_tag_values. An import is all or nothing: an
// unknown customer number, a value the tag does not declare, or a customer listed twice rejects the whole import
// with every offending row named, and nothing changes.

/** One imported row; `row` is its line in the file (or its 1-based position in a JSON body). */
export interface ManualRow {
  readonly row: number;
  readonly customer_no: string;
  readonly value: string;
}

/** Why an import was refused: every offending row, and the unknown customer numbers. */
export interface ImportRejection {
  readonly code: 'validation_failed';
  readonly message: string;
  readonly details: {
    readonly rows: { row: number; customer_no: string; reason: string }[];
    readonly unknownCustomerNos: string[];
  };
}

/** Parses `customer_no,value` CSV (a header line with those names is optional); rows are numbered by file line. */
export function parseManualCsv(text: string): Result<ManualRow[], ImportRejection> {
  const records = parseCsvText(text, { delimiter: ',' });
  const broken = records.find((r) => r.kind === 'problem');
  if (broken?.kind === 'problem')
    return err(reject(`not valid CSV: ${broken.reason} (line ${broken.line})`, []));
  const cells = records.map((r) => (r.kind === 'record' ? r.values.map((c) => c.trim()) : []));
  const first = cells[0]?.map((c) => c.toLowerCase());
  const header = first?.[0] === 'customer_no' && first[1] === 'value';
  const rows: ManualRow[] = [];
  const bad: { row: number; customer_no: string; reason: string }[] = [];
  cells.forEach((r, i) => {
    if (header && i === 0) return;
    const row = i + 1;
    if (r.length !== 2 || !r[0] || !r[1])
      bad.push({ row, customer_no: r[0] ?? '', reason: 'expected customer_no,value' });
    else rows.push({ row, customer_no: r[0], value: r[1] });
  });
  return bad.length > 0 ? err(reject(`${bad.length} malformed row(s)`, bad)) : ok(rows);
}

function reject(
  message: string,
  rows: ImportRejection['details']['rows'],
  unknown: string[] = [],
): ImportRejection {
  return { code: 'validation_failed', message, details: { rows, unknownCustomerNos: unknown } };
}

/**
 * Imports values of a manual tag (upsert per customer; `replace` first clears the tag's other values) in one
 * audited transaction; or refuses the whole import.
 */
export async function importManualValues(
  db: Kysely<Database>,
  tag: { key: string; spec: ManualSpec },
  rows: readonly ManualRow[],
  options: { actor: string; replace?: boolean },
): Promise<Result<{ imported: number; unknownCustomerNos: string[] }, ImportRejection>> {
  const bad: { row: number; customer_no: string; reason: string }[] = [];
  const allowed = tag.spec.values ? new Set(tag.spec.values.map((v) => v.value)) : null;
  const seen = new Map<string, number>();
  for (const r of rows) {
    // Never looked up: the store cannot even compare such text (a CSV body is not checked by the route's schema).
    const unstorable = unstorableText(r.customer_no);
    if (unstorable) {
      bad.push({ row: r.row, customer_no: r.customer_no, reason: `customer_no ${unstorable}` });
      continue;
    }
    if (!r.value || r.value.length > 64 || /\p{Cc}/u.test(r.value) || unstorableText(r.value))
      bad.push({
        row: r.row,
        customer_no: r.customer_no,
        reason: 'value must be 1–64 characters without control characters',
      });
    else if (allowed && !allowed.has(r.value))
      bad.push({
        row: r.row,
        customer_no: r.customer_no,
        reason: `value '${r.value}' is not one of ${[...allowed].join(', ')}`,
      });
    const earlier = seen.get(r.customer_no);
    if (earlier !== undefined)
      bad.push({ row: r.row, customer_no: r.customer_no, reason: `customer also listed on row ${earlier}` });
    seen.set(r.customer_no, r.row);
  }
  const ids = new Map<string, number>();
  const numbers = [...seen.keys()];
  for (let at = 0; at < numbers.length; at += 10_000) {
    const found = await db
      .selectFrom('customers')
      .select(['id', 'customer_no'])
      .where('customer_no', 'in', numbers.slice(at, at + 10_000))
      .execute();
    for (const f of found) ids.set(f.customer_no, f.id);
  }
  const unknown = numbers.filter((n) => !ids.has(n));
  const unknownSet = new Set(unknown);
  for (const r of rows)
    if (unknownSet.has(r.customer_no))
      bad.push({ row: r.row, customer_no: r.customer_no, reason: 'unknown customer number' });
  if (bad.length > 0) {
    bad.sort((a, b) => a.row - b.row);
    const message =
      unknown.length > 0
        ? `${unknown.length} unknown customer number(s) on row(s) ${bad
            .filter((b) => unknownSet.has(b.customer_no))
            .map((b) => b.row)
            .join(', ')}; nothing was imported`
        : `${bad.length} invalid row(s); nothing was imported`;
    return err(reject(message, bad, unknown));
  }
  await db.transaction().execute(async (tx) => {
    if (options.replace) await tx.deleteFrom('manual_tag_values').where('tag_key', '=', tag.key).execute();
    for (let at = 0; at < rows.length; at += 5_000) {
      const slice = rows.slice(at, at + 5_000);
      await tx
        .insertInto('manual_tag_values')
        .values(
          slice.map((r) => ({ tag_key: tag.key, customer_id: ids.get(r.customer_no)!, value: r.value })),
        )
        .onConflict((oc) =>
          oc
            .columns(['tag_key', 'customer_id'])
            .doUpdateSet({ value: (eb) => eb.ref('excluded.value'), updated_at: sql`now()` }),
        )
        .execute();
    }
    await recordAudit(tx, {
      actor: options.actor,
      action: 'tags.import_values',
      entityType: 'tag',
      entityId: tag.key,
      details: { rows: rows.length, replace: options.replace ?? false },
    });
  });
  return ok({ imported: rows.length, unknownCustomerNos: [] });
}

/** A manual tag's members per value, from manual_tag_values. */
export async function manualTagValues(
  db: Kysely<Database>,
  key: string,
): Promise<Map<string, RoaringBitmap32>> {
  const result = await sql<{ value: string; ids: Uint8Array | null }>`
    select value, string_agg(int4send(customer_id), ''::bytea order by customer_id) as ids
      from manual_tag_values where tag_key = ${key} group by value`.execute(db);
  const out = new Map<string, RoaringBitmap32>();
  for (const row of result.rows) out.set(row.value, new RoaringBitmap32(unpackIds(row.ids)));
  return out;
}
