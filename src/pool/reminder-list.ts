// Service reminders as the workbench lists them: paged, filtered by kind, due dates, status and assignee, each with
// the amount that matters to the call (the deposit that matures, the policy up for renewal, the repayment due), and
// for a dismissal its reason and until when it can be undone.
import { sql, type Kysely } from 'kysely';
import type { BusinessCalendar } from '../shared/clock.ts';
import { shiftDay } from '../shared/day.ts';
import type { Database } from '../store/operational/database.ts';
import type { ReminderKind, ReminderStatus } from '../store/operational/pool-tables.ts';
import { countRows } from './count.ts';
import { iso } from './customers.ts';
import { maskName } from './mask.ts';
import { applyCustomerScope, type DataScope } from './scope.ts';

/**
 * What the amount of a reminder is: the balance of the maturing deposit, the value of the policy up for renewal
 * (premiums are not in the holdings data), the repayment due (a card's statement balance; a loan's instalment,
 * estimated as remaining principal over the months left plus a month's interest), the fund holding of an
 * auto-investment day, the AUM of a dormant high-value customer.
 */
export type ReminderAmountKind = 'maturing' | 'policy_value' | 'repayment' | 'fund_holding' | 'aum';

const AMOUNT_KIND: Partial<Record<ReminderKind, ReminderAmountKind>> = {
  deposit_maturity: 'maturing',
  insurance_renewal: 'policy_value',
  loan_repayment: 'repayment',
  fund_auto_investment: 'fund_holding',
  dormant_high_value: 'aum',
};

/** A reminder as the workbench shows it (customer name masked). */
export interface ReminderView {
  readonly id: number;
  readonly kind: ReminderKind;
  readonly dueOn: string;
  readonly customerNo: string;
  readonly customerName: string | null;
  readonly details: Record<string, unknown>;
  readonly amount: { readonly kind: ReminderAmountKind; readonly value: number } | null;
  readonly status: ReminderStatus;
  readonly closedAt: string | null;
  readonly dismissReason: string | null;
  /** For a dismissal: the end of the bank's business day it was made on, while that day lasts; else null. */
  readonly undoableUntil: string | null;
}

/** Filters and page of a reminder list. */
export interface ReminderQuery {
  readonly assigneeId?: string;
  readonly customerNo?: string;
  readonly kind?: ReminderKind;
  readonly status?: ReminderStatus;
  /** Due on or after / on or before these days. */
  readonly dueFrom?: string;
  readonly dueTo?: string;
  /** Closed (done or dismissed) on this business day. */
  readonly closedOn?: string;
  readonly limit?: number;
  readonly offset?: number;
}

/** A page of reminders, the total behind it and the count per kind under the same filters (kind aside). */
export interface ReminderPage {
  readonly total: number;
  readonly items: ReminderView[];
  readonly byKind: Partial<Record<ReminderKind, number>>;
}

/** Reminders on customers in the scope, earliest due first. */
export async function listReminders(
  deps: { db: Kysely<Database>; clock: BusinessCalendar & { now(): Date } },
  scope: DataScope,
  query: ReminderQuery,
): Promise<ReminderPage> {
  const { db, clock } = deps;
  const base = () => {
    let q = applyCustomerScope(
      db.selectFrom('reminders as r').innerJoin('customers as c', 'c.id', 'r.customer_id'),
      scope,
      'c',
    ).where('r.status', '=', query.status ?? 'open');
    if (query.assigneeId) q = q.where('r.assignee_id', '=', query.assigneeId);
    if (query.customerNo) q = q.where('c.customer_no', '=', query.customerNo);
    if (query.dueFrom) q = q.where('r.due_on', '>=', query.dueFrom);
    if (query.dueTo) q = q.where('r.due_on', '<=', query.dueTo);
    if (query.closedOn)
      q = q
        .where('r.closed_at', '>=', clock.startOf(query.closedOn))
        .where('r.closed_at', '<', clock.startOf(shiftDay(query.closedOn, 1)));
    return q;
  };
  const ofKind = () => (query.kind ? base().where('r.kind', '=', query.kind) : base());
  const [total, kinds, rows] = await Promise.all([
    countRows(ofKind()),
    base()
      .select(['r.kind', sql<number>`count(*)`.as('n')])
      .groupBy('r.kind')
      .execute(),
    ofKind()
      .leftJoinLateral(
        (eb) =>
          eb
            .selectFrom('holdings as h')
            .innerJoin('products as p', 'p.id', 'h.product_id')
            .select(
              sql<string | null>`sum(case when p.category = 'loan' and h.maturity_date is not null
                then round(h.balance / greatest(1, round((h.maturity_date - r.due_on) / 30.4))
                  + h.balance * coalesce(p.annual_rate, 0.04) / 12, 2)
                else h.balance end)::text`.as('amount'),
            )
            .whereRef('h.customer_id', '=', 'r.customer_id')
            .where('h.status', '=', 'active')
            .where(
              sql<boolean>`(r.kind = 'deposit_maturity' and p.category = 'time_deposit' and h.maturity_date = r.due_on)
                or (r.kind = 'insurance_renewal' and p.category = 'insurance' and h.next_due_date = r.due_on)
                or (r.kind = 'loan_repayment' and p.category in ('loan', 'credit_card') and h.next_due_date = r.due_on)
                or (r.kind = 'fund_auto_investment' and p.category = 'fund' and h.next_due_date = r.due_on)`,
            )
            .as('a'),
        (join) => join.onTrue(),
      )
      .select([
        'r.id',
        'r.kind',
        'r.due_on',
        'r.details',
        'r.status',
        'r.closed_at',
        'r.dismiss_reason',
        'c.customer_no',
        'c.name',
        'a.amount',
      ])
      .orderBy('r.due_on')
      .orderBy('r.id')
      .limit(query.limit ?? 50)
      .offset(query.offset ?? 0)
      .execute(),
  ]);
  const today = clock.dayOf(clock.now());
  return {
    total,
    byKind: Object.fromEntries(kinds.map((k) => [k.kind, Number(k.n)])),
    items: rows.map((r) => {
      const closedOn = r.closed_at ? clock.dayOf(r.closed_at) : null;
      return {
        id: Number(r.id),
        kind: r.kind,
        dueOn: r.due_on,
        customerNo: r.customer_no,
        customerName: maskName(r.name),
        details: r.details,
        amount: amountOf(r.kind, r.amount, r.details),
        status: r.status,
        closedAt: iso(r.closed_at),
        dismissReason: r.dismiss_reason,
        undoableUntil:
          r.status === 'dismissed' && closedOn === today
            ? clock.startOf(shiftDay(today, 1)).toISOString()
            : null,
      };
    }),
  };
}

/** The amount of a reminder: from its holdings now, else from what generation recorded (a holding since closed). */
function amountOf(
  kind: ReminderKind,
  fromHoldings: string | null,
  details: Record<string, unknown>,
): ReminderView['amount'] {
  const amountKind = AMOUNT_KIND[kind];
  if (!amountKind) return null;
  if (fromHoldings !== null) return { kind: amountKind, value: Number(fromHoldings) };
  if (kind === 'dormant_high_value' && details['aum'] !== undefined)
    return { kind: amountKind, value: Number(details['aum']) };
  const accounts = details['accounts'];
  if (!Array.isArray(accounts) || accounts.length === 0) return null;
  const sum = accounts.reduce<number>((s, a) => s + Number((a as { balance?: unknown }).balance ?? 0), 0);
  return { kind: amountKind, value: Math.round(sum * 100) / 100 };
}
