import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { Clock } from '../shared/clock.ts';
import type { Database } from '../store/operational/database.ts';

// A bank that connects WeCom gets its group-message channel: campaigns can then choose "WeCom" like any other
// channel. Added once, when WeCom is connected and no wecom_group channel exists (an administrator's own is kept).

/** The key of the channel added for WeCom group messages. */
export const WECOM_CHANNEL_KEY = 'wecom';

/** Adds the WeCom group-message channel when none exists; true when it was added (audited in the same transaction). */
export async function ensureWecomChannel(
  db: Kysely<Database>,
  clock: Clock,
  actor: string,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const existing = await tx
      .selectFrom('channels')
      .select('key')
      .where((eb) => eb.or([eb('kind', '=', 'wecom_group'), eb('key', '=', WECOM_CHANNEL_KEY)]))
      .executeTakeFirst();
    if (existing) return false;
    const now = clock.now();
    await tx
      .insertInto('channels')
      .values({
        key: WECOM_CHANNEL_KEY,
        kind: 'wecom_group',
        reaches: 'wecom',
        variant: 'wecom',
        config: JSON.stringify({ confirmDays: 1 }),
        updated_by: actor,
        updated_at: now,
      })
      .execute();
    await recordAudit(tx, {
      actor,
      action: 'channel.create',
      entityType: 'channel',
      entityId: WECOM_CHANNEL_KEY,
      details: { kind: 'wecom_group', reaches: 'wecom', reason: 'WeCom is connected' },
      at: now,
    });
    return true;
  });
}
