import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { Database } from '../store/operational/database.ts';
import type { Rejection } from './errors-file.ts';

// Set-based natural-key upserts into the operational store, one or two statements per batch. Rows travel as one
// JSON parameter read with json_to_recordset, which avoids the 65,535 bind-parameter limit and is markedly faster
// on PGlite than arrays. "Unchanged" rows are those whose stored values already equal the file's: the UPDATE's
// `IS DISTINCT FROM` guard skips them, so a re-import writes nothing.

type Db = Kysely<Database> | Transaction<Database>;

/** One valid row of a batch with its location. */
export interface BatchRow {
  readonly row: number;
  readonly line: number;
  readonly data: Record<string, unknown>;
}

/** What writing one batch did. */
export interface BatchOutcome {
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: Rejection[][];
}

/** Reference data checked in memory (small tables), loaded once per import inside its transaction. */
export interface References {
  readonly orgUnits: ReadonlySet<string>;
  readonly products: ReadonlySet<string>;
}

const UNKNOWN_ORG_UNIT = 'unknown org unit (branch)';

/**
 * The rows whose `field` names a known reference (with `optional`, also those without one); each other row is
 * rejected on that field with `reason`, so the batch writes only rows their foreign keys accept.
 */
function keepKnown(
  rows: readonly BatchRow[],
  field: string,
  known: ReadonlySet<string>,
  reason: string,
  outcome: BatchOutcome,
  options: { optional?: boolean } = {},
): BatchRow[] {
  return rows.filter((r) => {
    const value = r.data[field];
    if ((options.optional && typeof value !== 'string') || known.has(value as string)) return true;
    outcome.rejected.push([{ row: r.row, line: r.line, field, reason, value }]);
    return false;
  });
}

/** Loads org unit and product ids for reference checks. */
export async function loadReferences(db: Db): Promise<References> {
  const [orgUnits, products] = await Promise.all([
    db.selectFrom('org_units').select('id').execute(),
    db.selectFrom('products').select('id').execute(),
  ]);
  return { orgUnits: new Set(orgUnits.map((r) => r.id)), products: new Set(products.map((r) => r.id)) };
}

/** Column SQL types of each table's importable columns, for json_to_recordset's column list. */
const CUSTOMER_COLUMNS: Record<string, string> = {
  name: 'text',
  gender: 'text',
  birth_date: 'date',
  phone: 'text',
  id_number: 'text',
  email: 'text',
  city: 'text',
  occupation: 'text',
  education: 'text',
  marital_status: 'text',
  org_unit_id: 'text',
  risk_level: 'smallint',
  customer_since: 'date',
  aum: 'numeric(18,2)',
  tier: 'text',
  payroll: 'boolean',
  app_user: 'boolean',
  wecom_friend: 'boolean',
  wecom_external_userid: 'text',
  phone_sha256: 'text',
  imei_md5: 'text',
  oaid_md5: 'text',
  idfa_md5: 'text',
  caid_md5: 'text',
  attributes: 'jsonb',
};
// NOT NULL columns with a default: an empty cell keeps the stored value (or the default for a new customer).
const CUSTOMER_DEFAULTS: Record<string, string> = {
  aum: '0',
  payroll: 'false',
  app_user: 'false',
  wecom_friend: 'false',
  attributes: "'{}'::jsonb",
};

/** Serialises rows for a `json_to_recordset($1::json)` parameter. */
function jsonRows(rows: readonly object[]): RawBuilder<unknown> {
  return sql`${JSON.stringify(rows)}::json`;
}

const ident = (name: string) => {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`bad identifier ${name}`);
  return name;
};

/**
 * Upserts customers by customer_no. New customers get the next dense ordinals from `nextId` (the caller holds the
 * customers advisory lock for the whole transaction, so ids are assigned in order, never reused and never skipped;
 * `emptyAtStart` says the table had no customers when the lock was taken).
 * Only the given fields are written; `attributes` merges into the stored object.
 */
export async function upsertCustomers(
  db: Db,
  rows: readonly BatchRow[],
  fields: readonly string[],
  refs: References,
  nextId: { value: number; readonly emptyAtStart?: boolean },
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, rejected: [] };
  const good = keepKnown(rows, 'org_unit_id', refs.orgUnits, UNKNOWN_ORG_UNIT, outcome, { optional: true });
  if (good.length === 0) return outcome;
  const cols = fields.filter((f) => f in CUSTOMER_COLUMNS).map(ident);
  const typed = cols.map((c) => `${c} ${CUSTOMER_COLUMNS[c]}`);
  const values = cols.map((c) =>
    c in CUSTOMER_DEFAULTS ? `coalesce(s.${c}, ${CUSTOMER_DEFAULTS[c]})` : `s.${c}`,
  );
  const records = good.map((r, ord) => {
    const record: Record<string, unknown> = { ord, customer_no: r.data['customer_no'] };
    for (const c of cols) record[c] = r.data[c] ?? null;
    return record;
  });
  const insertColumns = sql.raw(['id', 'customer_no', ...cols].join(', '));
  const insertValues = sql.raw(['s.customer_no', ...values].join(', '));
  if (nextId.emptyAtStart) {
    // An initial load into an empty table: every row is new (file duplicates were refused before), so no lookup.
    await sql`insert into customers (${insertColumns})
      select ${nextId.value - 1}::int + s.ord + 1, ${insertValues}
      from json_to_recordset(${jsonRows(records)}) as s(${sql.raw(['ord int', 'customer_no text', ...typed].join(', '))})`.execute(
      db,
    );
    outcome.inserted = records.length;
  } else {
    // One statement: find existing rows, update those that differ, insert the others with the next ordinals in file
    // order. All CTEs see the table as it was before the statement, so `cur` and `ins` never overlap.
    const next = (c: string) =>
      c === 'attributes'
        ? `c.attributes || coalesce(s.attributes, '{}'::jsonb)`
        : c in CUSTOMER_DEFAULTS
          ? `coalesce(s.${c}, c.${c})`
          : `s.${c}`;
    const update = cols.length
      ? `update customers c set ${cols.map((c) => `${c} = ${next(c)}`).join(', ')}, updated_at = now() from s
         where c.customer_no = s.customer_no
           and (${cols.map((c) => `c.${c}`).join(', ')}, null) is distinct from (${cols.map(next).join(', ')}, null)
         returning 1`
      : 'select 1 where false';
    const result = await sql<{ existing: number; updated: number; inserted: number }>`
      with s as (select * from json_to_recordset(${jsonRows(records)}) as s(${sql.raw(['ord int', 'customer_no text', ...typed].join(', '))})),
      cur as (select s.ord from s join customers c on c.customer_no = s.customer_no),
      upd as (${sql.raw(update)}),
      ins as (insert into customers (${insertColumns})
        select ${nextId.value - 1}::int + row_number() over (order by s.ord), ${insertValues}
        from s where not exists (select 1 from cur where cur.ord = s.ord) returning 1)
      select (select count(*) from cur)::int as existing, (select count(*) from upd)::int as updated,
        (select count(*) from ins)::int as inserted`.execute(db);
    const counts = result.rows[0]!;
    outcome.inserted = counts.inserted;
    outcome.updated = counts.updated;
    outcome.unchanged = counts.existing - counts.updated;
  }
  nextId.value += outcome.inserted;
  if (fields.includes('distinct_id')) {
    const pairs = good
      .filter((r) => typeof r.data['distinct_id'] === 'string')
      .map((r) => ({ value: r.data['distinct_id'], customer_no: r.data['customer_no'] }));
    if (pairs.length) {
      // An app login id that moved to another customer follows the latest import.
      await sql`insert into customer_identities (kind, value, customer_id)
        select 'distinct_id', s.value, c.id from json_to_recordset(${jsonRows(pairs)}) as s(value text, customer_no text)
        join customers c on c.customer_no = s.customer_no
        on conflict (kind, value) do update set customer_id = excluded.customer_id
        where customer_identities.customer_id <> excluded.customer_id`.execute(db);
    }
  }
  return outcome;
}

/** Resolves customer numbers to ordinals; unknown ones are absent from the map. */
export async function customerIds(db: Db, customerNos: readonly string[]): Promise<Map<string, number>> {
  if (customerNos.length === 0) return new Map();
  const unique = [...new Set(customerNos)];
  const found = await sql<{ customer_no: string; id: number }>`
    select customer_no, id from customers where customer_no = any(${unique}::text[])`.execute(db);
  return new Map(found.rows.map((r) => [r.customer_no, r.id]));
}

/** Rows whose customer_no is unknown are rejected; the rest get `customer_id`. */
async function withCustomers(
  db: Db,
  rows: readonly BatchRow[],
  outcome: BatchOutcome,
): Promise<(BatchRow & { customerId: number })[]> {
  const ids = await customerIds(
    db,
    rows.map((r) => r.data['customer_no'] as string),
  );
  const out: (BatchRow & { customerId: number })[] = [];
  for (const r of rows) {
    const id = ids.get(r.data['customer_no'] as string);
    if (id === undefined) {
      outcome.rejected.push([
        {
          row: r.row,
          line: r.line,
          field: 'customer_no',
          reason: 'unknown customer',
          value: r.data['customer_no'],
        },
      ]);
    } else out.push({ ...r, customerId: id });
  }
  return out;
}

/** Aggregates the `up` CTE of an upsert (`returning (xmax = 0) as inserted`): one row back instead of one per row. */
const COUNT_UP = sql.raw(
  'select count(*) filter (where inserted)::int as inserted, count(*) filter (where not inserted)::int as updated from up',
);

/** Runs an upsert ending in COUNT_UP and adds its counts to the outcome; rows it did not touch were unchanged. */
async function countUpsert(
  query: RawBuilder<{ inserted: number; updated: number }>,
  db: Db,
  total: number,
  outcome: BatchOutcome,
): Promise<void> {
  const row = (await query.execute(db)).rows[0] ?? { inserted: 0, updated: 0 };
  outcome.inserted += row.inserted;
  outcome.updated += row.updated;
  outcome.unchanged += total - row.inserted - row.updated;
}

/** The `set` list and the `is distinct from` guard of an upsert over the given columns. */
/**
 * Upserts rows by their key columns: the mapped `fields` that are columns of the table are written (a missing value
 * takes its default, else null), a row equal to the stored one is left alone, and the outcome counts both.
 */
async function upsertByKey(
  db: Db,
  outcome: BatchOutcome,
  spec: {
    readonly table: string;
    /** Key column → SQL type, in the order of the table's unique key. */
    readonly key: Readonly<Record<string, string>>;
    /** Writable column → SQL type. */
    readonly columns: Readonly<Record<string, string>>;
    readonly defaults: Readonly<Record<string, unknown>>;
    readonly fields: readonly string[];
    readonly rows: readonly { key: Record<string, unknown>; data: Readonly<Record<string, unknown>> }[];
  },
): Promise<void> {
  const cols = spec.fields.filter((f) => f in spec.columns).map(ident);
  const records = spec.rows.map((r) => {
    const rec: Record<string, unknown> = { ...r.key };
    for (const c of cols) rec[c] = r.data[c] ?? spec.defaults[c] ?? null;
    return rec;
  });
  const keys = Object.keys(spec.key);
  const names = [...keys, ...cols];
  const defs = names.map((c) => `${c} ${spec.key[c] ?? spec.columns[c]}`).join(', ');
  const { set, guard } = upsertClauses(spec.table, cols);
  await countUpsert(
    sql<{
      inserted: number;
      updated: number;
    }>`with up as (insert into ${sql.raw(spec.table)} (${sql.raw(names.join(', '))})
      select ${sql.raw(names.map((c) => `s.${c}`).join(', '))}
      from json_to_recordset(${jsonRows(records)}) as s(${sql.raw(defs)})
      on conflict (${sql.raw(keys.join(', '))}) do update set ${sql.raw(set)}, updated_at = now() where ${sql.raw(guard)}
      returning (xmax = 0) as inserted) ${COUNT_UP}`,
    db,
    records.length,
    outcome,
  );
}

function upsertClauses(table: string, cols: readonly string[]): { set: string; guard: string } {
  return {
    set: cols.map((c) => `${c} = excluded.${c}`).join(', '),
    guard: `(${cols.map((c) => `${table}.${c}`).join(', ')}, null) is distinct from (${cols.map((c) => `excluded.${c}`).join(', ')}, null)`,
  };
}

const HOLDING_COLUMNS: Record<string, string> = {
  product_id: 'text',
  balance: 'numeric(18,2)',
  opened_on: 'date',
  maturity_date: 'date',
  next_due_date: 'date',
  status: 'text',
};

/** Upserts holdings by (customer, account_no); customers and products must exist. */
export async function upsertHoldings(
  db: Db,
  rows: readonly BatchRow[],
  fields: readonly string[],
  refs: References,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, rejected: [] };
  const known = keepKnown(rows, 'product_id', refs.products, 'unknown product', outcome);
  const good = await withCustomers(db, known, outcome);
  if (good.length === 0) return outcome;
  await upsertByKey(db, outcome, {
    table: 'holdings',
    key: { customer_id: 'int', account_no: 'text' },
    columns: HOLDING_COLUMNS,
    defaults: { status: 'active' },
    fields,
    rows: good.map((r) => ({
      key: { customer_id: r.customerId, account_no: r.data['account_no'] },
      data: r.data,
    })),
  });
  return outcome;
}

const STAFF_COLUMNS: Record<string, string> = {
  name: 'text',
  org_unit_id: 'text',
  role: 'text',
  status: 'text',
  pool_capacity: 'int',
  phone: 'text',
  email: 'text',
  joined_on: 'date',
  departed_on: 'date',
};
const STAFF_DEFAULTS: Record<string, unknown> = { status: 'active', pool_capacity: 2000 };

/** Upserts staff by id; their org unit must exist. */
export async function upsertStaff(
  db: Db,
  rows: readonly BatchRow[],
  fields: readonly string[],
  refs: References,
): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, rejected: [] };
  const good = keepKnown(rows, 'org_unit_id', refs.orgUnits, UNKNOWN_ORG_UNIT, outcome);
  if (good.length === 0) return outcome;
  await upsertByKey(db, outcome, {
    table: 'staff',
    key: { id: 'text' },
    columns: STAFF_COLUMNS,
    defaults: STAFF_DEFAULTS,
    fields,
    rows: good.map((r) => ({ key: { id: r.data['id'] }, data: r.data })),
  });
  return outcome;
}

/**
 * Upserts consent by (customer, channel, purpose) and appends consent_history only when the status changes. A change
 * older than the stored one is not applied (it counts as unchanged), so replaying an old extract cannot undo an
 * opt-out. A row without a purpose is marketing consent.
 */
export async function upsertConsent(db: Db, rows: readonly BatchRow[]): Promise<BatchOutcome> {
  const outcome: BatchOutcome = { inserted: 0, updated: 0, unchanged: 0, rejected: [] };
  const good = await withCustomers(db, rows, outcome);
  if (good.length === 0) return outcome;
  const records = good.map((r) => ({
    customer_id: r.customerId,
    channel: r.data['channel'],
    purpose: r.data['purpose'] ?? 'marketing',
    status: r.data['status'],
    source: r.data['source'] ?? 'import',
    changed_at: new Date(r.data['changed_at'] as number).toISOString(),
  }));
  // All CTEs read the snapshot from before the statement, so `prev` holds the status as it was.
  await countUpsert(
    sql<{ inserted: number; updated: number }>`with s as (
        select * from json_to_recordset(${jsonRows(records)}) as s(customer_id int, channel text, purpose text, status text, source text, changed_at timestamptz)),
      prev as (select c.customer_id, c.channel, c.purpose, c.status from consents c join s using (customer_id, channel, purpose)),
      up as (insert into consents (customer_id, channel, purpose, status, source, updated_at)
        select customer_id, channel, purpose, status, source, changed_at from s
        on conflict (customer_id, channel, purpose) do update set status = excluded.status, source = excluded.source, updated_at = excluded.updated_at
        where consents.updated_at <= excluded.updated_at
          and (consents.status, consents.source, consents.updated_at) is distinct from (excluded.status, excluded.source, excluded.updated_at)
        returning customer_id, channel, purpose, status, source, updated_at, (xmax = 0) as inserted),
      hist as (insert into consent_history (customer_id, channel, purpose, status, source, changed_at)
        select u.customer_id, u.channel, u.purpose, u.status, u.source, u.updated_at from up u left join prev p using (customer_id, channel, purpose)
        where p.status is distinct from u.status returning 1)
      ${COUNT_UP}`,
    db,
    records.length,
    outcome,
  );
  return outcome;
}
