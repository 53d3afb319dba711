import type { Kysely } from 'kysely';
import type { Database } from '../../store/operational/database.ts';
import type { ContactChannel, Purpose } from './settings.ts';

// The contact limits of a few customers, read one by one where a person is about to contact them (a manager logging
// a call): the touchpoints whose consent they revoked, per purpose, and the do-not-contact list. Campaigns read the
// same records in bulk for a whole audience (facts.ts).

/** What limits contacting one customer. */
export interface ContactRestriction {
  readonly doNotContact: boolean;
  /** Touchpoints and purposes whose consent the customer revoked (a missing record is no consent, not a revocation). */
  readonly revoked: readonly { readonly channel: ContactChannel; readonly purpose: Purpose }[];
}

/** The restrictions of each customer in `customerIds` that has any (customers without one are absent). */
export async function contactRestrictions(
  db: Kysely<Database>,
  customerIds: readonly number[],
): Promise<Map<number, ContactRestriction>> {
  const out = new Map<number, { doNotContact: boolean; revoked: ContactRestriction['revoked'][number][] }>();
  if (customerIds.length === 0) return out;
  const ids = [...new Set(customerIds)];
  const [revoked, blocked] = await Promise.all([
    db
      .selectFrom('consents')
      .select(['customer_id', 'channel', 'purpose'])
      .where('customer_id', 'in', ids)
      .where('status', '=', 'revoked')
      .orderBy('customer_id')
      .orderBy('channel')
      .orderBy('purpose')
      .execute(),
    db.selectFrom('do_not_contact').select('customer_id').where('customer_id', 'in', ids).execute(),
  ]);
  const entry = (id: number) => {
    let e = out.get(id);
    if (!e) out.set(id, (e = { doNotContact: false, revoked: [] }));
    return e;
  };
  for (const r of revoked) entry(r.customer_id).revoked.push({ channel: r.channel, purpose: r.purpose });
  for (const r of blocked) entry(r.customer_id).doNotContact = true;
  return out;
}
