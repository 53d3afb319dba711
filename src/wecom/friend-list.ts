import type { Kysely } from 'kysely';
import { recordAudit } from '../audit/audit.ts';
import type { WecomMatchRule } from '../config/schema.ts';
import type { Clock } from '../shared/clock.ts';
import type { Database } from '../store/operational/database.ts';
import { linkIdentities, recordChanges, refreshCustomerFlags, type ChangeRecord } from './friendships.ts';
import { matchFriends, mobileSha256, type FriendFacts } from './matching.ts';
import type { ExternalContact, FollowInfo } from './port.ts';

// The full-sync step for one staff member: WeCom's batch answer (batch/get_by_user, every page of it) becomes the
// staff member's friendships. The sync job pages the client and hands the whole list here, so a friendship missing
// from the list really is gone.

/** One entry of batch/get_by_user's external_contact_list. */
export interface ListedContact {
  readonly external_contact: ExternalContact;
  readonly follow_info: FollowInfo;
}

/** What a full sync of one staff member changed. */
export interface FriendListSummary {
  readonly listed: number;
  readonly added: number;
  readonly removed: number;
  readonly matched: number;
  readonly unmatched: number;
}

const CHUNK = 500;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/**
 * Upserts one staff member's friends from WeCom's full list, marks friendships no longer listed as removed, matches
 * the unmatched ones (a manual link is never overwritten) and updates the customers' WeCom flags, in one transaction
 * with its audit record. Entries of other staff members in the list are ignored.
 */
export async function applyFriendList(
  db: Kysely<Database>,
  staffId: string,
  contacts: readonly ListedContact[],
  deps: { readonly clock: Clock; readonly match: readonly WecomMatchRule[]; readonly actor: string },
): Promise<FriendListSummary> {
  const listed = new Map<string, ListedContact>();
  for (const c of contacts)
    if (c.follow_info.userid === staffId) listed.set(c.external_contact.external_userid, c);
  const at = deps.clock.now();
  return db.transaction().execute(async (tx) => {
    const existing = new Map(
      (
        await tx
          .selectFrom('wecom_friendships')
          .select(['external_userid', 'customer_id', 'matched_by', 'removed_at'])
          .where('staff_id', '=', staffId)
          .execute()
      ).map((r) => [r.external_userid, r]),
    );
    const facts: FriendFacts[] = [...listed.values()].map((c) => ({
      externalUserid: c.external_contact.external_userid,
      unionid: c.external_contact.unionid ?? null,
      remark: c.follow_info.remark || null,
      remarkMobileSha256: (c.follow_info.remark_mobiles ?? [])
        .filter((m) => m.trim() !== '')
        .map(mobileSha256),
    }));
    // A match made before stays (the bank may have corrected it by hand); only unmatched friends are matched again.
    const matches = await matchFriends(
      tx,
      facts.filter((f) => (existing.get(f.externalUserid)?.customer_id ?? null) === null),
      deps.match,
    );
    for (const part of chunks([...listed.values()]))
      await tx
        .insertInto('wecom_contacts')
        .values(
          part.map((c) => ({
            external_userid: c.external_contact.external_userid,
            name: c.external_contact.name,
            type: c.external_contact.type,
            unionid: c.external_contact.unionid ?? null,
            updated_at: at,
          })),
        )
        .onConflict((oc) =>
          oc.column('external_userid').doUpdateSet((eb) => ({
            name: eb.ref('excluded.name'),
            type: eb.ref('excluded.type'),
            unionid: eb.fn.coalesce('excluded.unionid', 'wecom_contacts.unionid'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    const changes: ChangeRecord[] = [];
    const affected = new Set<number>();
    const rows = facts.map((f) => {
      const c = listed.get(f.externalUserid)!;
      const before = existing.get(f.externalUserid);
      const match = matches.get(f.externalUserid);
      const customerId = before?.customer_id ?? match?.customerId ?? null;
      if (customerId !== null) affected.add(customerId);
      if (!before || before.removed_at !== null)
        changes.push({
          at: new Date(c.follow_info.createtime * 1000),
          staffId,
          externalUserid: f.externalUserid,
          customerId,
          change: 'added',
          details: { source: 'sync', addWay: c.follow_info.add_way },
        });
      return {
        staff_id: staffId,
        external_userid: f.externalUserid,
        customer_id: customerId,
        matched_by: before?.customer_id != null ? before.matched_by : (match?.matchedBy ?? null),
        remark: f.remark,
        remark_mobile_sha256: JSON.stringify(f.remarkMobileSha256),
        add_way: c.follow_info.add_way,
        added_at: new Date(c.follow_info.createtime * 1000),
        removed_at: null,
        removed_by: null,
        wecom_tag_ids: JSON.stringify(c.follow_info.tag_id),
        updated_at: at,
      };
    });
    for (const part of chunks(rows))
      await tx
        .insertInto('wecom_friendships')
        .values(part)
        .onConflict((oc) =>
          oc.columns(['staff_id', 'external_userid']).doUpdateSet((eb) => ({
            customer_id: eb.ref('excluded.customer_id'),
            matched_by: eb.ref('excluded.matched_by'),
            remark: eb.ref('excluded.remark'),
            remark_mobile_sha256: eb.ref('excluded.remark_mobile_sha256'),
            add_way: eb.ref('excluded.add_way'),
            added_at: eb.ref('excluded.added_at'),
            removed_at: null,
            removed_by: null,
            wecom_tag_ids: eb.ref('excluded.wecom_tag_ids'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    for (const part of chunks(
      [...matches].map(([externalUserid, m]) => ({ externalUserid, customerId: m.customerId })),
    ))
      await linkIdentities(tx, part);
    const gone = [...existing.values()].filter(
      (r) => r.removed_at === null && !listed.has(r.external_userid),
    );
    for (const part of chunks(gone))
      await tx
        .updateTable('wecom_friendships')
        .set({ removed_at: at, updated_at: at })
        .where('staff_id', '=', staffId)
        .where(
          'external_userid',
          'in',
          part.map((r) => r.external_userid),
        )
        .execute();
    for (const r of gone) {
      if (r.customer_id !== null) affected.add(r.customer_id);
      changes.push({
        at,
        staffId,
        externalUserid: r.external_userid,
        customerId: r.customer_id,
        change: 'removed',
        details: { source: 'sync' },
      });
    }
    await refreshCustomerFlags(tx, affected, at);
    await recordChanges(tx, changes);
    const matched = rows.filter((r) => r.customer_id !== null).length;
    const summary: FriendListSummary = {
      listed: rows.length,
      added: changes.filter((c) => c.change === 'added').length,
      removed: gone.length,
      matched,
      unmatched: rows.length - matched,
    };
    await recordAudit(tx, {
      actor: deps.actor,
      action: 'wecom.friends_synced',
      entityType: 'staff',
      entityId: staffId,
      details: { ...summary, newlyMatched: matches.size },
      at,
    });
    return summary;
  });
}
