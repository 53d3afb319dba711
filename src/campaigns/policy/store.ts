import type { Kysely } from 'kysely';
import { recordAudit } from '../../audit/audit.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Database } from '../../store/operational/database.ts';
import { contactPolicySchema, DEFAULT_CONTACT_POLICY, type ContactPolicy } from './settings.ts';

// The bank's contact policy as stored: one row, the defaults until an admin saves it, every change audited.

/** The stored policy, or the defaults. */
export async function contactPolicy(db: Kysely<Database>): Promise<ContactPolicy> {
  const row = await db.selectFrom('contact_policy').select('settings').where('id', '=', 1).executeTakeFirst();
  if (!row) return DEFAULT_CONTACT_POLICY;
  // A setting added after the row was saved takes its default.
  return contactPolicySchema.parse({ ...DEFAULT_CONTACT_POLICY, ...row.settings });
}

/** Saves the policy (checked by the caller's schema), audited with the whole new policy. */
export async function saveContactPolicy(
  deps: { db: Kysely<Database>; clock: Clock },
  actor: string,
  policy: ContactPolicy,
): Promise<void> {
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('contact_policy')
      .values({ id: 1, settings: JSON.stringify(policy), updated_by: actor, updated_at: now })
      .onConflict((oc) =>
        oc.column('id').doUpdateSet({ settings: JSON.stringify(policy), updated_by: actor, updated_at: now }),
      )
      .execute();
    await recordAudit(tx, {
      actor,
      action: 'policy.update',
      entityType: 'contact_policy',
      entityId: '1',
      details: { policy },
      at: now,
    });
  });
}
