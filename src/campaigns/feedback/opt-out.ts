import { sql, type Transaction } from 'kysely';
import { recordAudit } from '../../audit/audit.ts';
import type { Database } from '../../store/operational/database.ts';
import type { ContactChannel } from '../policy/settings.ts';

// An SMS reply of 退订 / TD / T / unsubscribe is the customer's opt-out of marketing on that touchpoint (the bank's
// SMS gateways print "回T退订" under every marketing text). It revokes the MARKETING consent only: service notices
// (a deposit maturing) still reach them. The revocation is kept for good: the policy never contacts a revoked
// touchpoint, and an older import cannot grant it back (consent upserts never apply an older change).

const UNSUBSCRIBE = new Set(['退订', 'td', 't', 'unsubscribe']);

/** Whether a reply's text is an unsubscribe: trimmed, case-insensitive, full-width letters and spaces folded. */
export function isUnsubscribe(reply: string): boolean {
  return UNSUBSCRIBE.has(reply.normalize('NFKC').trim().toLowerCase());
}

/** The source recorded on a consent revoked by a reply. */
export const SMS_REPLY_SOURCE = 'sms_reply';

/**
 * Revokes the customer's marketing consent on `reaches` at `at` (consent row, history row, audit as the system) in the
 * caller's transaction; false when it was already revoked.
 */
export async function revokeMarketingConsent(
  tx: Transaction<Database>,
  customerId: number,
  reaches: ContactChannel,
  at: Date,
  deliveryKey: string,
): Promise<boolean> {
  const changed = await sql<{ customer_id: number }>`
    insert into consents (customer_id, channel, purpose, status, source, updated_at)
    values (${customerId}, ${reaches}, 'marketing', 'revoked', ${SMS_REPLY_SOURCE}, ${at})
    on conflict (customer_id, channel, purpose) do update
      set status = 'revoked', source = excluded.source, updated_at = greatest(consents.updated_at, excluded.updated_at)
      where consents.status <> 'revoked'
    returning customer_id`.execute(tx);
  if (changed.rows.length === 0) return false;
  await tx
    .insertInto('consent_history')
    .values({
      customer_id: customerId,
      channel: reaches,
      purpose: 'marketing',
      status: 'revoked',
      source: SMS_REPLY_SOURCE,
      changed_at: at,
    })
    .execute();
  await recordAudit(tx, {
    actor: 'system',
    action: 'consent.revoke',
    entityType: 'customer',
    entityId: String(customerId),
    details: { channel: reaches, purpose: 'marketing', source: SMS_REPLY_SOURCE, delivery: deliveryKey },
    at,
  });
  return true;
}
