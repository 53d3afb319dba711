import { sql, type Kysely } from 'kysely';
import type { ReadonlyRoaringBitmap32 } from '../../shared/bitmap.ts';
import type { Database } from '../../store/operational/database.ts';
import type { ConsentState } from './decide.ts';
import type { ContactChannel, Purpose } from './settings.ts';
import type { CapPeriods } from './window.ts';

// The facts the contact policy decides on, read in bulk for a whole audience: consent per touchpoint for the
// message's purpose (marketing consent and service consent are separate records), the
// do-not-contact list and messages already counted against caps in the current day, week and month.

/** Consent of one customer on one touchpoint, with when it was recorded (kept on the delivery). */
export interface ConsentFact {
  readonly state: ConsentState;
  readonly at: string | null;
}

/** Everything the policy needs for an audience. */
export interface AudienceFacts {
  consent(customerId: number, reaches: ContactChannel): ConsentFact;
  doNotContact(customerId: number): boolean;
  sent(customerId: number, reaches: ContactChannel): { day: number; week: number; month: number };
}

const NONE: ConsentFact = Object.freeze({ state: 'none', at: null });
const ZERO = Object.freeze({ day: 0, week: 0, month: 0 });

/** Reads the facts for `audience` on the touchpoints `reaches` for messages of `purpose`, for caps in `periods`. */
export async function loadAudienceFacts(
  db: Kysely<Database>,
  audience: ReadonlyRoaringBitmap32,
  reaches: readonly ContactChannel[],
  periods: CapPeriods,
  purpose: Purpose,
): Promise<AudienceFacts> {
  const channels = [...new Set(reaches)];
  // Each list comes back as one comma-separated text per touchpoint (and status), not one row per customer: for a
  // million customers that is ~8× faster on the embedded store, where every result row is a JavaScript object.
  const [consents, dnc, ledger] = await Promise.all([
    sql<{ channel: string; status: 'granted' | 'revoked'; ids: string; ats: string }>`
      select channel, status, string_agg(customer_id::text, ',' order by customer_id) as ids,
             string_agg(updated_at::text, ',' order by customer_id) as ats
        from consents
       where channel in (${sql.join(channels)}) and purpose = ${purpose}
       group by channel, status`.execute(db),
    db.selectFrom('do_not_contact').select('customer_id').execute(),
    sql<{ reaches: string; counts: string }>`
      select reaches, string_agg(customer_id || ':' || day || ':' || week || ':' || month, ',') as counts
        from (select customer_id, reaches,
                     coalesce(sum(messages) filter (where day = ${periods.day}::date), 0) as day,
                     coalesce(sum(messages) filter (where day >= ${periods.week}::date), 0) as week,
                     coalesce(sum(messages) filter (where day >= ${periods.month}::date), 0) as month
                from contact_ledger
               where day >= least(${periods.month}::date, ${periods.week}::date)
                 and reaches in (${sql.join(channels)})
               group by customer_id, reaches) as l
       group by reaches`.execute(db),
  ]);
  const consent = new Map<string, Map<number, ConsentFact>>(channels.map((c) => [c, new Map()]));
  for (const r of consents.rows) {
    const byCustomer = consent.get(r.channel)!;
    const ids = r.ids.split(',');
    const ats = r.ats.split(',');
    for (let i = 0; i < ids.length; i++) {
      const id = Number(ids[i]);
      if (audience.has(id)) byCustomer.set(id, { state: r.status, at: ats[i]! });
    }
  }
  const blocked = new Set(dnc.map((r) => r.customer_id));
  const counts = new Map<string, Map<number, { day: number; week: number; month: number }>>(
    channels.map((c) => [c, new Map()]),
  );
  for (const r of ledger.rows) {
    const byCustomer = counts.get(r.reaches)!;
    for (const entry of r.counts.split(',')) {
      const [id, day, week, month] = entry.split(':').map(Number) as [number, number, number, number];
      if (audience.has(id)) byCustomer.set(id, { day, week, month });
    }
  }
  return {
    consent: (id, channel) => consent.get(channel)?.get(id) ?? NONE,
    doNotContact: (id) => blocked.has(id),
    sent: (id, channel) => counts.get(channel)?.get(id) ?? ZERO,
  };
}
