// Service reminders for the owning manager, generated from the data: deposits maturing, insurance renewals, loan and
// card repayments, fund auto-investment days, birthdays, and high-value customers gone dormant. Generation is
// idempotent: a reminder is unique per (customer, kind, due date), so reruns add only what is new.
import { sql, type Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Clock } from '../shared/clock.ts';
import { shiftDay } from '../shared/day.ts';
import { err, ok, validationFailed, type Result } from '../shared/errors.ts';
import { daySql } from '../store/events/business-day.ts';
import type { EventStore } from '../store/events/store.ts';
import type { Database } from '../store/operational/database.ts';
import type { ReminderKind } from '../store/operational/pool-tables.ts';
import { applyCustomerScope, type DataScope } from './scope.ts';
import { NOT_BANK_MESSAGE_SQL } from '../shared/bank-messages.ts';

export const REMINDER_KINDS: readonly ReminderKind[] = [
  'deposit_maturity',
  'insurance_renewal',
  'loan_repayment',
  'fund_auto_investment',
  'birthday',
  'dormant_high_value',
];

/** Days ahead each kind looks (a reminder appears that many days before its due date). */
export const DEFAULT_HORIZONS: Readonly<Record<ReminderKind, number>> = {
  deposit_maturity: 30,
  insurance_renewal: 30,
  loan_repayment: 7,
  fund_auto_investment: 3,
  birthday: 7,
  dormant_high_value: 0,
};

/** Options of a generation run. */
export interface ReminderOptions {
  readonly asOf: string;
  readonly kinds?: readonly ReminderKind[];
  readonly horizons?: Partial<Record<ReminderKind, number>>;
  /** AUM from which a dormant customer is worth a reminder (default 500,000 CNY: platinum and above). */
  readonly dormantAum?: number;
  /** Days without any app event after which a customer counts as dormant (default 90). */
  readonly dormantDays?: number;
}

/** The outcome of one kind: a failure of one kind does not stop the others. */
export type KindResult =
  | { readonly kind: ReminderKind; readonly ok: true; readonly candidates: number; readonly created: number }
  | { readonly kind: ReminderKind; readonly ok: false; readonly error: string };

const HOLDING_KINDS: Partial<
  Record<ReminderKind, { categories: string[]; column: 'maturity_date' | 'next_due_date' }>
> = {
  deposit_maturity: { categories: ['time_deposit'], column: 'maturity_date' },
  insurance_renewal: { categories: ['insurance'], column: 'next_due_date' },
  loan_repayment: { categories: ['loan', 'credit_card'], column: 'next_due_date' },
  fund_auto_investment: { categories: ['fund'], column: 'next_due_date' },
};

/** The post-investment reminders that concern a holding: they can also reach the customer as a service notice. */
export const HOLDING_REMINDER_KINDS = [
  'deposit_maturity',
  'insurance_renewal',
  'loan_repayment',
  'fund_auto_investment',
] as const;
export type HoldingReminderKind = (typeof HOLDING_REMINDER_KINDS)[number];

/** What falls due for one customer on a day: the products, their total balance, the last digits of the first account. */
export interface DueHolding {
  readonly dueOn: string;
  readonly products: string;
  readonly amount: number;
  readonly accountLast4: string;
}

/**
 * Customers (all, or those in `ids`) whose active holdings of `kind` fall due on `day` (maturity, renewal, repayment or
 * auto-investment date), owned or not: a service notice goes to the customer whoever manages them.
 */
export async function holdingsDue(
  db: Kysely<Database>,
  kind: HoldingReminderKind,
  day: string,
  ids?: readonly number[],
): Promise<Map<number, DueHolding>> {
  const spec = HOLDING_KINDS[kind]!;
  const column = sql.ref(`h.${spec.column}`);
  const rows = await sql<{ customer_id: number; products: string; amount: string; last4: string }>`
    select h.customer_id, string_agg(distinct p.name, '、') as products, sum(h.balance)::text as amount,
           (array_agg(right(h.account_no, 4) order by h.account_no))[1] as last4
      from holdings h join products p on p.id = h.product_id
     where p.category in (${sql.join(spec.categories)}) and h.status = 'active' and ${column} = ${day}::date
       ${ids ? sql`and h.customer_id = any(${[...ids]}::int[])` : sql``}
     group by h.customer_id`.execute(db);
  return new Map(
    rows.rows.map((r) => [
      r.customer_id,
      { dueOn: day, products: r.products, amount: Number(r.amount), accountLast4: r.last4 },
    ]),
  );
}

/** Generates reminders for owned customers, kind by kind; one audit record for the run. */
export async function generateReminders(
  deps: { db: Kysely<Database>; events: EventStore; clock: Clock },
  actor: string,
  options: ReminderOptions,
): Promise<KindResult[]> {
  const results: KindResult[] = [];
  for (const kind of options.kinds ?? REMINDER_KINDS) {
    const horizon = options.horizons?.[kind] ?? DEFAULT_HORIZONS[kind];
    try {
      const counts =
        kind === 'birthday'
          ? await birthdays(deps.db, options.asOf, horizon)
          : kind === 'dormant_high_value'
            ? await dormant(deps, options.asOf, options.dormantAum ?? 500_000, options.dormantDays ?? 90)
            : await fromHoldings(deps.db, kind, options.asOf, horizon);
      results.push({ kind, ok: true, ...counts });
    } catch (error) {
      results.push({ kind, ok: false, error: String(error) });
    }
  }
  // Fresh statistics for the rows just written (the embedded store has no autovacuum to gather them): planned on a
  // table it believed empty, moving 50,000 customers' open reminders probed the assignee index once per customer,
  // reading ~5,000 entries each time (100 s instead of 3 s on a 1M bank with 900,000 reminders).
  if (results.some((r) => r.ok && r.created > 0)) await sql`analyze reminders`.execute(deps.db);
  await recordAudit(deps.db, {
    actor,
    action: 'reminders.generate',
    entityType: 'reminders',
    details: { asOf: options.asOf, results },
  });
  return results;
}

type Counts = { candidates: number; created: number };

async function insertCounting(db: Kysely<Database>, candidates: ReturnType<typeof sql>): Promise<Counts> {
  const { rows } = await sql<Counts>`
    with c as (${candidates}),
    ins as (
      insert into reminders (customer_id, kind, due_on, assignee_id, details)
      select customer_id, kind, due_on, assignee_id, details from c
      on conflict (customer_id, kind, due_on) do nothing
      returning 1
    )
    select (select count(*) from c) as candidates, (select count(*) from ins) as created`.execute(db);
  return { candidates: Number(rows[0]?.candidates ?? 0), created: Number(rows[0]?.created ?? 0) };
}

async function fromHoldings(
  db: Kysely<Database>,
  kind: ReminderKind,
  asOf: string,
  horizon: number,
): Promise<Counts> {
  const spec = HOLDING_KINDS[kind]!;
  const column = sql.ref(`h.${spec.column}`);
  return insertCounting(
    db,
    sql`select h.customer_id, ${kind}::text as kind, ${column} as due_on, o.manager_id as assignee_id,
        jsonb_build_object('accounts', jsonb_agg(jsonb_build_object('productId', h.product_id, 'productName', p.name,
          'accountLast4', right(h.account_no, 4), 'balance', h.balance) order by h.account_no)) as details
      from holdings h
      join products p on p.id = h.product_id
      join customer_owners o on o.customer_id = h.customer_id
      where p.category in (${sql.join(spec.categories)}) and h.status = 'active'
        and ${column} between ${asOf}::date and ${shiftDay(asOf, horizon)}::date
      group by h.customer_id, ${column}, o.manager_id`,
  );
}

async function birthdays(db: Kysely<Database>, asOf: string, horizon: number): Promise<Counts> {
  const year = Number(asOf.slice(0, 4));
  // The next birthday on or after asOf; 29 February falls on the 28th in common years.
  return insertCounting(
    db,
    sql`select c.id as customer_id, 'birthday'::text as kind, nb.due_on, o.manager_id as assignee_id,
        jsonb_build_object('age', extract(year from age(nb.due_on, c.birth_date))::int) as details
      from customers c
      join customer_owners o on o.customer_id = c.id
      cross join lateral (
        select min(x) as due_on from (
          select case when extract(month from c.birth_date) = 2 and extract(day from c.birth_date) = 29
              and not ((y % 4 = 0 and y % 100 <> 0) or y % 400 = 0) then make_date(y, 2, 28)
            else make_date(y, extract(month from c.birth_date)::int, extract(day from c.birth_date)::int) end as x
          from (values (${year}::int), (${year + 1}::int)) as yy(y)
        ) s where x >= ${asOf}::date
      ) nb
      where c.birth_date is not null and nb.due_on <= ${shiftDay(asOf, horizon)}::date`,
  );
}

/**
 * High-value customers (AUM ≥ threshold) with no app event for `days` days. The due date is the day they became
 * dormant (last event, else customer since, plus `days`), so one dormancy spell gives one reminder however often
 * generation runs.
 */
async function dormant(
  deps: { db: Kysely<Database>; events: EventStore; clock: Clock },
  asOf: string,
  threshold: number,
  days: number,
): Promise<Counts> {
  const rich = await deps.db
    .selectFrom('customers as c')
    .innerJoin('customer_owners as o', 'o.customer_id', 'c.id')
    .select(['c.id', 'c.customer_since', 'c.aum', 'o.manager_id'])
    .where('c.aum', '>=', threshold)
    .execute();
  const last = new Map<number, string>();
  for (let i = 0; i < rich.length; i += 10_000) {
    const ids = rich.slice(i, i + 10_000).map((r) => r.id);
    const rows = await deps.events.query<{ customer_id: number; last: string }>(
      `SELECT customer_id, toString(${daySql('max(time)')}) AS last FROM events_dedup
        WHERE customer_id IN {ids:Array(UInt32)} AND ${NOT_BANK_MESSAGE_SQL} GROUP BY customer_id`,
      { ids, tz: deps.clock.timeZone },
    );
    for (const r of rows) last.set(Number(r.customer_id), r.last);
  }
  const cutoff = shiftDay(asOf, -days);
  const due = rich.flatMap((r) => {
    const since = last.get(r.id) ?? r.customer_since;
    if (since === null || since > cutoff) return [];
    return [
      {
        customer_id: r.id,
        due_on: shiftDay(since, days),
        assignee_id: r.manager_id,
        last_event_on: last.get(r.id) ?? null,
        aum: Number(r.aum),
      },
    ];
  });
  return insertCounting(
    deps.db,
    sql`select x.customer_id, 'dormant_high_value'::text as kind, x.due_on, x.assignee_id,
        jsonb_build_object('lastEventOn', x.last_event_on, 'aum', x.aum, 'dormantDays', ${days}::int) as details
      from json_to_recordset(${JSON.stringify(due)}::json)
        as x(customer_id integer, due_on date, assignee_id text, last_event_on date, aum numeric)`,
  );
}

/** Why closing or reopening a reminder was refused. */
export type ReminderFailure =
  | { code: 'not_found'; message: string }
  | ReturnType<typeof validationFailed>
  | {
      code: 'conflict';
      message: string;
      details: { reason: 'not_dismissed' | 'undo_expired'; field: string };
    };

async function reminderInScope(db: Kysely<Database>, scope: DataScope, id: number) {
  return applyCustomerScope(
    db.selectFrom('reminders as r').innerJoin('customers as c', 'c.id', 'r.customer_id'),
    scope,
    'c',
  )
    .select(['r.id', 'r.customer_id', 'r.status', 'r.closed_at'])
    .where('r.id', '=', id)
    .executeTakeFirst();
}

/** Marks a reminder in the scope done or dismissed (audited); a dismissal needs a reason, kept and audited. */
export async function closeReminder(
  deps: { db: Kysely<Database>; clock: Clock },
  who: { actor: string; scope: DataScope },
  id: number,
  status: 'done' | 'dismissed',
  reason: string | null = null,
): Promise<Result<{ id: number; status: 'done' | 'dismissed' }, ReminderFailure>> {
  const why = reason?.trim() || null;
  if (status === 'dismissed' && why === null)
    return err(
      validationFailed('a dismissal needs a reason', [
        { path: ['reason'], message: 'required when dismissing a reminder' },
      ]),
    );
  const row = await reminderInScope(deps.db, who.scope, id);
  if (!row) return err({ code: 'not_found', message: `no reminder ${id}` });
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('reminders')
      .set({
        status,
        closed_at: deps.clock.now(),
        closed_by: who.actor,
        dismiss_reason: status === 'dismissed' ? why : null,
      })
      .where('customer_id', '=', row.customer_id)
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, {
      actor: who.actor,
      action: `reminder.${status}`,
      entityType: 'reminder',
      entityId: String(id),
      ...(status === 'dismissed' ? { details: { reason: why } } : {}),
    });
  });
  return ok({ id, status });
}

/**
 * Reopens a dismissed reminder (audited). A dismissal can be undone on the bank's business day it was made (the
 * bank's time zone, from the injected clock); from the next business day on it stands (409 undo_expired).
 */
export async function undoDismissal(
  deps: { db: Kysely<Database>; clock: Clock },
  who: { actor: string; scope: DataScope },
  id: number,
): Promise<Result<{ id: number; status: 'open' }, ReminderFailure>> {
  const row = await reminderInScope(deps.db, who.scope, id);
  if (!row) return err({ code: 'not_found', message: `no reminder ${id}` });
  if (row.status !== 'dismissed' || row.closed_at === null)
    return err({
      code: 'conflict',
      message: `reminder ${id} is ${row.status}, not dismissed`,
      details: { reason: 'not_dismissed', field: 'id' },
    });
  const dismissedOn = deps.clock.dayOf(row.closed_at);
  if (dismissedOn !== deps.clock.today())
    return err({
      code: 'conflict',
      message: `reminder ${id} was dismissed on ${dismissedOn}: a dismissal can be undone on that business day only`,
      details: { reason: 'undo_expired', field: 'id' },
    });
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('reminders')
      .set({ status: 'open', closed_at: null, closed_by: null, dismiss_reason: null })
      .where('customer_id', '=', row.customer_id)
      .where('id', '=', id)
      .execute();
    await recordAudit(tx, {
      actor: who.actor,
      action: 'reminder.undo_dismiss',
      entityType: 'reminder',
      entityId: String(id),
      details: { dismissedOn },
    });
  });
  return ok({ id, status: 'open' });
}
