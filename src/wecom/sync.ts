import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { WecomMatchRule } from '../config/schema.ts';
import type { Clock } from '../shared/clock.ts';
import { AppError } from '../shared/errors.ts';
import type { Database } from '../store/operational/database.ts';
import { applyFriendList, type FriendListSummary, type ListedContact } from './friend-list.ts';
import type { WecomApi } from './port.ts';

// The full friend sync (issue #13, item 4): for each account manager, every page of batch/get_by_user (by cursor,
// 100 a page) becomes their friendships through applyFriendList, which marks friends no longer listed as removed.
// A manager's list is applied only once it was read whole, so an interrupted sync never removes friends it merely
// did not reach; callbacks keep friendships current between syncs.

/** What the sync needs. */
export interface SyncDeps {
  readonly db: Kysely<Database>;
  readonly api: WecomApi;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly match: readonly WecomMatchRule[];
  readonly actor: string;
}

/** One manager's outcome: what changed, or why their list could not be read. */
export type ManagerSync =
  | ({ readonly staffId: string; readonly ok: true } & FriendListSummary)
  | { readonly staffId: string; readonly ok: false; readonly errcode: number; readonly reason: string };

/** Page size of batch/get_by_user (WeCom's maximum). */
const PAGE = 100;

/** Syncs the friends of the given staff members (default: every active account manager), one after the other. */
export async function syncFriends(deps: SyncDeps, staffIds?: readonly string[]): Promise<ManagerSync[]> {
  const ids =
    staffIds ??
    (
      await deps.db
        .selectFrom('staff')
        .select('id')
        .where('role', '=', 'account_manager')
        .where('status', '=', 'active')
        .orderBy('id')
        .execute()
    ).map((r) => r.id);
  const out: ManagerSync[] = [];
  for (const staffId of ids) {
    const listed = await readFriendList(deps.api, staffId);
    if (!listed.ok) {
      deps.logger.warn(
        { staffId, errcode: listed.errcode, reason: listed.reason },
        'WeCom friend sync skipped',
      );
      out.push({ staffId, ok: false, errcode: listed.errcode, reason: listed.reason });
      continue;
    }
    const summary = await applyFriendList(deps.db, staffId, listed.contacts, {
      clock: deps.clock,
      match: deps.match,
      actor: deps.actor,
    });
    out.push({ staffId, ok: true, ...summary });
  }
  return out;
}

/** Every page of one staff member's friends, or WeCom's refusal (a client that gave up is a refusal too). */
async function readFriendList(
  api: WecomApi,
  staffId: string,
): Promise<{ ok: true; contacts: ListedContact[] } | { ok: false; errcode: number; reason: string }> {
  const contacts: ListedContact[] = [];
  let cursor: string | undefined;
  const seen = new Set<string>();
  try {
    for (;;) {
      const page = await api.batchGetByUser({
        userid_list: [staffId],
        limit: PAGE,
        ...(cursor ? { cursor } : {}),
      });
      if (page.errcode !== 0) return { ok: false, errcode: page.errcode, reason: page.errmsg };
      contacts.push(...(page.external_contact_list ?? []));
      cursor = page.next_cursor || undefined;
      if (!cursor) return { ok: true, contacts };
      // A cursor WeCom gave before would page for ever.
      if (seen.has(cursor)) return { ok: false, errcode: -1, reason: 'WeCom repeated a cursor' };
      seen.add(cursor);
    }
  } catch (error) {
    if (error instanceof AppError && error.code === 'wecom_unavailable')
      return { ok: false, errcode: -1, reason: error.message };
    throw error;
  }
}
