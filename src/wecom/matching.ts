import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { WecomMatchRule } from '../config/schema.ts';
import type { Database } from '../store/operational/database.ts';
import type { WecomMatchedBy } from '../store/operational/wecom-tables.ts';

// Identity matching (src/wecom/README.md, "Matching"): which customer a WeCom friend is. An external user the bank
// already linked (a `wecom` identity, or the customer's imported `wecom_external_userid`) is that customer; otherwise
// the bank's rules in its order (FLYWHEEL_WECOM_MATCH): unionid, phone hash, customer number in the remark. A rule
// that finds two customers finds none: a friend is never linked by a guess.

type Db = Kysely<Database> | Transaction<Database>;

/** What is known of a friend to match them by. */
export interface FriendFacts {
  readonly externalUserid: string;
  readonly unionid: string | null;
  readonly remark: string | null;
  /** SHA-256 (hex) of each normalised mobile in the staff member's remark. */
  readonly remarkMobileSha256: readonly string[];
}

/** The customer a friend is, and by which rule. */
export interface FriendMatch {
  readonly customerId: number;
  readonly matchedBy: WecomMatchedBy;
}

/** A mainland mobile as the bank hashes it: digits only, without +86 / 0086 (ingest hashes trimmed lower-case text). */
export function normalisedMobile(mobile: string): string {
  const digits = mobile.replace(/\D/g, '');
  return digits.length === 13 && digits.startsWith('86')
    ? digits.slice(2)
    : digits.length === 15 && digits.startsWith('0086')
      ? digits.slice(4)
      : digits;
}

/**
 * SHA-256 hex (lower case, as ingest and the demo write it) of a mobile, normalised: what `customers.phone_sha256` and
 * `phone_sha256` identities hold; compared as stored, so the index on `customers.phone_sha256` serves.
 */
export function mobileSha256(mobile: string): string {
  return createHash('sha256').update(normalisedMobile(mobile)).digest('hex');
}

/** The customer numbers written in a remark (the bank's convention: `C` and 9 digits, e.g. C000000123). */
export function customerNumbersIn(remark: string | null): string[] {
  return [...new Set((remark ?? '').toUpperCase().match(/C\d{9}(?!\d)/g) ?? [])];
}

/** Candidates per key, kept only where the key names exactly one customer. */
function unique(rows: readonly { key: string; customer_id: number }[]): Map<string, number> {
  const seen = new Map<string, Set<number>>();
  for (const r of rows) {
    const set = seen.get(r.key) ?? new Set<number>();
    set.add(r.customer_id);
    seen.set(r.key, set);
  }
  const out = new Map<string, number>();
  for (const [key, ids] of seen) if (ids.size === 1) out.set(key, [...ids][0]!);
  return out;
}

/** The customers of these keys by a lookup that answers (key, customer_id) rows; nothing to look up, no query. */
async function lookup(
  keys: readonly string[],
  query: (keys: string[]) => Promise<{ key: string; customer_id: number }[]>,
): Promise<Map<string, number>> {
  const distinct = [...new Set(keys)];
  return distinct.length === 0 ? new Map() : unique(await query(distinct));
}

/** The single customer a friend's keys point to under one rule, or undefined (none, or more than one). */
function single(keys: readonly string[], found: Map<string, number>): number | undefined {
  const ids = new Set(keys.flatMap((k) => (found.has(k) ? [found.get(k)!] : [])));
  return ids.size === 1 ? [...ids][0] : undefined;
}

/** Matches friends to customers in a few set queries; friends matched by no rule are absent from the answer. */
export async function matchFriends(
  db: Db,
  friends: readonly FriendFacts[],
  rules: readonly WecomMatchRule[],
): Promise<Map<string, FriendMatch>> {
  const known = await lookup(
    friends.map((f) => f.externalUserid),
    async (ids) =>
      (
        await sql<{ key: string; customer_id: number }>`
          select value as key, customer_id from customer_identities where kind = 'wecom' and value in (${sql.join(ids)})
          union
          select wecom_external_userid as key, id as customer_id from customers
           where wecom_external_userid in (${sql.join(ids)})`.execute(db)
      ).rows,
  );
  const byUnionid = rules.includes('unionid')
    ? await lookup(
        friends.flatMap((f) => (f.unionid ? [f.unionid] : [])),
        (ids) =>
          db
            .selectFrom('customer_identities')
            .select(['value as key', 'customer_id'])
            .where('kind', '=', 'wechat_unionid')
            .where('value', 'in', ids)
            .execute(),
      )
    : new Map<string, number>();
  const byPhone = rules.includes('phone')
    ? await lookup(
        friends.flatMap((f) => f.remarkMobileSha256),
        async (hashes) =>
          (
            await sql<{ key: string; customer_id: number }>`
              select value as key, customer_id from customer_identities
               where kind = 'phone_sha256' and value in (${sql.join(hashes)})
              union
              select phone_sha256 as key, id as customer_id from customers
               where phone_sha256 in (${sql.join(hashes)})`.execute(db)
          ).rows,
      )
    : new Map<string, number>();
  const byRemark = rules.includes('remark')
    ? await lookup(
        friends.flatMap((f) => customerNumbersIn(f.remark)),
        (numbers) =>
          db
            .selectFrom('customers')
            .select(['customer_no as key', 'id as customer_id'])
            .where('customer_no', 'in', numbers)
            .execute(),
      )
    : new Map<string, number>();
  const keysOf: Record<WecomMatchRule, (f: FriendFacts) => readonly string[]> = {
    unionid: (f) => (f.unionid ? [f.unionid] : []),
    phone: (f) => f.remarkMobileSha256,
    remark: (f) => customerNumbersIn(f.remark),
  };
  const found: Record<WecomMatchRule, Map<string, number>> = {
    unionid: byUnionid,
    phone: byPhone,
    remark: byRemark,
  };
  const out = new Map<string, FriendMatch>();
  for (const f of friends) {
    const already = known.get(f.externalUserid);
    if (already !== undefined) {
      out.set(f.externalUserid, { customerId: already, matchedBy: 'external_userid' });
      continue;
    }
    for (const rule of rules) {
      const customerId = single(keysOf[rule](f), found[rule]);
      if (customerId !== undefined) {
        out.set(f.externalUserid, { customerId, matchedBy: rule });
        break;
      }
    }
  }
  return out;
}
