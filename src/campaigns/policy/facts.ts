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
  const [consents, dnc, ledger] = await Promise.all([
    sql<{ customer_id: number; channel: string; status: 'granted' | 'revoked'; at: string }>`
      select customer_id, channel, status, updated_at::text as at from consents
       where channel in (${sql.join(channels)}) and purpose = ${purpose}`.execute(db),
    db.selectFrom('do_not_contact').select('customer_id').execute(),
    sql<{ customer_id: number; reaches: string; day: number; week: number; month: number }>`
      select customer_id, reaches,
             sum(messages) filter (where day = ${periods.day}::date)::int as day,
             sum(messages) filter (where day >= ${periods.week}::date)::int as week,
             sum(messages) filter (where day >= ${periods.month}::date)::int as month
        from contact_ledger
       where day >= least(${periods.month}::date, ${periods.week}::date) and reaches in (${sql.join(channels)})
       group by customer_id, reaches`.execute(db),
  ]);
  const consent = new Map<string, ConsentFact>();
  for (const r of consents.rows)
    if (audience.has(r.customer_id))
      consent.set(`${r.customer_id}:${r.channel}`, { state: r.status, at: r.at });
  const blocked = new Set(dnc.map((r) => r.customer_id));
  const counts = new Map<string, { day: number; week: number; month: number }>();
  for (const r of ledger.rows)
    if (audience.has(r.customer_id))
      counts.set(`${r.customer_id}:${r.reaches}`, {
        day: r.day ?? 0,
        week: r.week ?? 0,
        month: r.month ?? 0,
      });
  return {
    consent: (id, channel) => consent.get(`${id}:${channel}`) ?? NONE,
    doNotContact: (id) => blocked.has(id),
    sent: (id, channel) => counts.get(`${id}:${channel}`) ?? ZERO,
  };
}
