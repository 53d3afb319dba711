import { sql, type RawBuilder } from 'kysely';

// The cap ledger counts messages per customer, touchpoint and business day. A run reserves its messages when it is
// prepared (so two runs prepared on one day see each other's sends before either has sent anything), and a message
// that ends without reaching the customer gives its reservation back, wherever it ends: the worker's settle (failed,
// dead-lettered, suppressed at send time), a campaign's cancel, a manager task cancelled or expired.

/** Delivery statuses that end a message without it reaching the customer. */
export const UNSENT_ENDINGS = ['failed', 'dead', 'suppressed', 'cancelled'] as const;

/** Reserves one message per customer of `ids` on `reaches` for `day`. */
export function reserveCaps(ids: readonly number[], reaches: string, day: string): RawBuilder<unknown> {
  return sql`
    insert into contact_ledger (customer_id, reaches, day, messages)
    select t.id, ${reaches}, ${day}::date, 1 from unnest(${[...ids]}::int[]) as t(id)
    on conflict (customer_id, reaches, day) do update set messages = contact_ledger.messages + 1`;
}

/**
 * The part of a statement that gives back the reservations of the deliveries in the CTE named `ended` (columns
 * run_id, customer_id, reaches, status), as a data-modifying CTE of the statement that ended them:
 * `with ended as (update deliveries … returning …), released as (${releaseCaps('ended')}) select …`. Only the
 * deliveries that ended unsent count, and only for runs that reserved (campaign_runs.cap_day set).
 */
export function releaseCaps(ended: string): RawBuilder<unknown> {
  return sql`
    update contact_ledger l set messages = greatest(l.messages - x.n, 0)
      from (select e.customer_id, e.reaches, r.cap_day, count(*)::int as n
              from ${sql.table(ended)} e join campaign_runs r on r.id = e.run_id
             where e.status in (${sql.join(UNSENT_ENDINGS)}) and r.cap_day is not null
             group by e.customer_id, e.reaches, r.cap_day) x
     where l.customer_id = x.customer_id and l.reaches = x.reaches and l.day = x.cap_day`;
}

/** The columns `releaseCaps` reads, for the RETURNING clause of the statement that ends deliveries (aliased `d`). */
export const ENDED_COLUMNS = sql`d.run_id, d.customer_id, d.consent ->> 'reaches' as reaches, d.status`;
